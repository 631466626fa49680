"""Assembling an openpyxl .xlsx, vbaProject.bin and a ribbon into a reproducible .xlsm."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser
from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

from tools.xlsm.assemble import assemble_xlsm
from tools.xlsm.vbaproject import Module, build_vba_project, read_modules

from .vba_sources import DICTIONARY, RIBBON_PERF, SHEET1, SHEET2, THIS_WORKBOOK, crlf, strip_attributes

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

RIBBON = b"""<?xml version="1.0" encoding="UTF-8"?>
<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">
  <ribbon>
    <tabs>
      <tab id="xlperfTab" label="Perf">
        <group id="xlperfGroup" label="Checks">
          <button id="btnValidate" label="Validate" size="large"
                  onAction="RibbonPerf.OnValidate" imageMso="MacroPlay"/>
          <button id="btnSplit" label="Split" onAction="RibbonPerf.OnSplit" imageMso="TableSplit"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def make_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.code_name = "ThisWorkbook"
    data = wb.active
    data.title = "Data"
    data.sheet_properties.codeName = "Sheet1"
    data.append(["项目名称", "绩效指标", "目标值"])
    data.append(["甲", "完成率", 0.95])
    report = wb.create_sheet("Report")
    report.sheet_properties.codeName = "Sheet2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def xlsx() -> bytes:
    return make_xlsx()


@pytest.fixture(scope="module")
def vba() -> bytes:
    return build_vba_project([
        Module("ThisWorkbook", "document", crlf(THIS_WORKBOOK)),
        Module("Sheet1", "document", crlf(SHEET1)),
        Module("Sheet2", "document", crlf(SHEET2)),
        Module("RibbonPerf", "standard", crlf(RIBBON_PERF)),
    ])


@pytest.fixture(scope="module")
def xlsm(xlsx, vba) -> bytes:
    return assemble_xlsm(xlsx, vba, RIBBON)


def parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_content_types(xlsm):
    root = etree.fromstring(parts(xlsm)["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{CT}Override")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert "sheet.main+xml" not in b"".join(etree.tostring(o) for o in root).decode()
    defaults = {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{CT}Default")}
    assert defaults["xml"] == "application/xml"  # covers customUI/customUI14.xml


def relationships(blob: bytes) -> list[tuple[str, str, str]]:
    root = etree.fromstring(blob)
    return [(r.get("Id"), r.get("Type"), r.get("Target")) for r in root.iter(f"{REL}Relationship")]


def test_relationships(xlsm, xlsx):
    got, original = parts(xlsm), parts(xlsx)
    package = relationships(got["_rels/.rels"])
    assert package[:-1] == relationships(original["_rels/.rels"])  # existing ones untouched
    _, rel_type, target = package[-1]
    assert rel_type == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    assert target == "customUI/customUI14.xml"
    workbook = relationships(got["xl/_rels/workbook.xml.rels"])
    assert workbook[:-1] == relationships(original["xl/_rels/workbook.xml.rels"])
    assert workbook[-1][1:] == ("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin")
    ids = [rid for rid, _, _ in workbook]
    assert len(set(ids)) == len(ids)


def test_parts_copied_and_added(xlsm, xlsx, vba):
    got, original = parts(xlsm), parts(xlsx)
    edited = {"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "docProps/core.xml"}
    assert set(got) == set(original) | {"xl/vbaProject.bin", "customUI/customUI14.xml"}
    for name in set(original) - edited:
        assert got[name] == original[name], name
    assert got["xl/vbaProject.bin"] == vba
    assert got["customUI/customUI14.xml"] == RIBBON
    core = etree.fromstring(got["docProps/core.xml"])
    dcterms = "{http://purl.org/dc/terms/}"
    assert core.find(f"{dcterms}created").text == "2023-01-01T00:00:00Z"
    assert core.find(f"{dcterms}modified").text == "2023-01-01T00:00:00Z"
    assert b'xsi:type="dcterms:W3CDTF"' in got["docProps/core.xml"]  # prefix kept for the QName value


def test_zip_layout(xlsm):
    with zipfile.ZipFile(io.BytesIO(xlsm)) as z:
        infos = z.infolist()
        assert z.testzip() is None
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_code_names_match_document_modules(xlsm):
    got = parts(xlsm)
    workbook = etree.fromstring(got["xl/workbook.xml"])
    code_names = {workbook.find(f"{MAIN}workbookPr").get("codeName")}
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
        code_names.add(etree.fromstring(got[name]).find(f"{MAIN}sheetPr").get("codeName"))
    modules = read_modules(got["xl/vbaProject.bin"])
    documents = {name for name, code in modules.items() if "VB_Base" in code and "FCFB3D2A" not in code}
    assert code_names == documents == {"ThisWorkbook", "Sheet1", "Sheet2"}


def test_assembly_is_reproducible(xlsm, xlsx, vba):
    assert assemble_xlsm(xlsx, vba, RIBBON) == xlsm
    # The same parts zipped differently (order, timestamps, compression, core dates) must
    # still give the same bytes: only the content of the parts matters.
    shuffled = io.BytesIO()
    with zipfile.ZipFile(shuffled, "w") as z:
        for name, blob in reversed(list(parts(xlsx).items())):
            if name == "docProps/core.xml":
                blob = blob.replace(b">20", b">19", 1)  # another created date
            info = zipfile.ZipInfo(name, date_time=(2030, 5, 6, 7, 8, 10))
            z.writestr(info, blob, compress_type=zipfile.ZIP_STORED)
    assert assemble_xlsm(shuffled.getvalue(), vba, RIBBON) == xlsm
    assert assemble_xlsm(xlsx, vba, RIBBON, created="2024-06-01T00:00:00Z") != xlsm


def test_olevba_reads_the_xlsm(xlsm, tmp_path, log_capture):
    path = tmp_path / "PerfTemplate.xlsm"
    path.write_bytes(xlsm)
    with log_capture("olevba", "olefile") as logs:
        parser = VBA_Parser(str(path))
        names = sorted(vba_filename for _, _, vba_filename, _ in parser.extract_macros())
        parser.close()
    # olevba opens the vbaProject.bin inside a zip from memory, where it cannot run its
    # p-code stomping check and always says so; test_vbaproject runs that check on a file.
    in_memory = "VBA stomping cannot be detected for files in memory"
    assert [p for p in logs.problems() if in_memory not in p] == []
    assert names == ["RibbonPerf.bas", "Sheet1.cls", "Sheet2.cls", "ThisWorkbook.cls"]


def audit(tmp_path, blob: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(blob)
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0).validate(str(path))
    return [e for e in result.errors if e.severity == ValidationSeverity.ERROR]


def test_openxml_audit_customui(tmp_path, xlsx, vba):
    good = audit(tmp_path, assemble_xlsm(xlsx, vba, RIBBON), "good.xlsm")
    assert [e.description for e in good if e.part_uri.startswith("/customUI")] == []
    # Package-level parts we edit must be clean too (e.g. the .xlsm content-type check).
    ours = {"/[Content_Types].xml", "/_rels/.rels", "/xl/_rels/workbook.xml.rels", "/xl/vbaProject.bin",
            "/docProps/core.xml", "/xl/workbook.xml", ""}
    assert [e.description for e in good if e.part_uri in ours or "content type" in e.description.lower()] == []

    bad = audit(tmp_path, assemble_xlsm(xlsx, vba, RIBBON.replace(b"<button id=\"btnSplit\"", b"<buton id=\"btnSplit\"")),
                "bad.xlsm")
    flagged = [e for e in bad if e.part_uri == "/customUI/customUI14.xml"]
    assert flagged and "buton" in flagged[0].description


def test_rejects_bad_inputs(xlsx, vba, xlsm):
    with pytest.raises(etree.XMLSyntaxError):
        assemble_xlsm(xlsx, vba, b"<customUI>")
    with pytest.raises(ValueError):
        assemble_xlsm(xlsm, vba, RIBBON)  # already macro-enabled / has a vbaProject.bin


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_imports_modules(tmp_path, xlsx):
    """A second, independent VBA reader: LibreOffice converts the .xlsm to .ods and
    stores each imported module with its type under Basic/VBAProject/."""
    modules = [
        Module("ThisWorkbook", "document", crlf(THIS_WORKBOOK)),
        Module("Sheet1", "document", crlf(SHEET1)),
        Module("Sheet2", "document", crlf(SHEET2)),
        Module("RibbonPerf", "standard", crlf(RIBBON_PERF)),
        Module("Dictionary", "class", crlf(DICTIONARY)),
    ]
    source = tmp_path / "PerfTemplate.xlsm"
    source.write_bytes(assemble_xlsm(xlsx, build_vba_project(modules), RIBBON))
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "ods", "--outdir", str(tmp_path / "out"), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    script = "{http://openoffice.org/2000/script}"
    found = {}
    with zipfile.ZipFile(tmp_path / "out" / "PerfTemplate.ods") as ods:
        for module in modules:
            root = etree.fromstring(ods.read(f"Basic/VBAProject/{module.name}.xml"),
                                    etree.XMLParser(load_dtd=False, no_network=True))
            # LibreOffice adds its own "Rem Attribute…"/"Option VBASupport 1" lines.
            lines = [line for line in root.text.replace("\r\n", "\n").split("\n")
                     if not line.startswith(("Rem Attribute VBA_ModuleType", "Option VBASupport", "Option ClassModule"))]
            found[module.name] = (root.get(f"{script}moduleType"), strip_attributes("\n".join(lines)).rstrip("\n"))
    assert found == {
        m.name: ({"standard": "normal"}.get(m.kind, m.kind), strip_attributes(m.code).rstrip("\n")) for m in modules
    }
