"""Issue 13 §1/§2: ``fix`` edits the package like ``--mark``: only the fixed cells change."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from .helpers import good_project
from .robustness.make_corpus import SHEET, rewrite_zip, write_table

VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # stands in for vbaProject.bin: copied, never read
PNG = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
       + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)))
       + struct.pack(">I", 12) + b"IDAT" + zlib.compress(b"\x00\xff\x00\x00")
       + struct.pack(">I", zlib.crc32(b"IDAT" + zlib.compress(b"\x00\xff\x00\x00"))) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def run(*args):
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def rich_book(path: Path) -> Path:
    """A table with a fixable cell (H5 ">=") and everything a fix must leave alone: styles, a
    comment, a data validation, defined names, a chart, an image, VBA, and formula weights with
    their cached values (K4 =20*1 showing 20)."""
    rows = [list(r) for r in good_project("项目A") + good_project("项目B")]
    rows[1][7] = ">="  # H5: NM001 fixes it to ≥
    rows[6][9] = "％"  # J10: NM001 (full-width percent)

    def edit(wb, ws):
        ws["K4"] = "=20*1"
        ws["K9"] = "=10+10"
        ws["A1"].font = Font(bold=True, color="FF0000")
        ws["G6"].fill = PatternFill("solid", start_color="FFFF00")
        ws["G7"].comment = Comment("请核对", "科员")
        dv = DataValidation(type="list", formula1='"正向指标,反向指标"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add("L4:L13")
        wb.defined_names["预算区域"] = DefinedName("预算区域", attr_text=f"'{SHEET}'!$C$4:$C$13")
        chart = BarChart()
        chart.add_data(Reference(ws, min_col=11, min_row=3, max_row=13), titles_from_data=True)
        ws.add_chart(chart, "N3")
    write_table(path, rows, edit=edit)
    tmp = path.with_name("raw_" + path.name)
    path.rename(tmp)

    def change(name: str, data: bytes):
        if name == "xl/worksheets/sheet1.xml":  # cached values, as Excel saves them
            data = data.replace(b"<f>20*1</f><v></v>", b"<f>20*1</f><v>20</v>").replace(b"<f>20*1</f><v/>", b"<f>20*1</f><v>20</v>")
            data = data.replace(b"<f>10+10</f><v></v>", b"<f>10+10</f><v>20</v>").replace(b"<f>10+10</f><v/>", b"<f>10+10</f><v>20</v>")
            assert b"<v>20</v>" in data, data[:3000]
        if name == "[Content_Types].xml":
            data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                b'<Default Extension="png" ContentType="image/png"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/'
                                b'2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
        if name == "xl/drawings/_rels/drawing1.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/'
                                b'officeDocument/2006/relationships/image" Target="../media/image1.png"/></Relationships>')
        if name == "xl/drawings/drawing1.xml":
            pic = (b'<xdr:oneCellAnchor><xdr:from><xdr:col>20</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
                   b'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="95250" cy="95250"/><xdr:pic><xdr:nvPicPr>'
                   b'<xdr:cNvPr id="9" name="Picture 1"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
                   b'<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rIdImg"/>'
                   b'<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"/></xdr:spPr>'
                   b'</xdr:pic><xdr:clientData/></xdr:oneCellAnchor>')
            data = data.replace(b"</xdr:wsDr>", pic + b"</xdr:wsDr>")
        return data

    rewrite_zip(tmp, path, change)
    tmp.unlink()
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", VBA)
        z.writestr("xl/media/image1.png", PNG)
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def cells(xml: bytes) -> dict[str, bytes]:
    return {m.group(1).decode(): m.group(0) for m in _CELL.finditer(xml)}


def test_fix_changes_only_the_fixed_cells_byte_for_byte(tmp_path):
    src = rich_book(tmp_path / "book.xlsm")
    before = parts(src)
    assert "xl/vbaProject.bin" in before and "xl/media/image1.png" in before and "xl/charts/chart1.xml" in before
    r = run("fix", src, "-o", tmp_path / "fixed.xlsm")
    assert r.returncode == 0, r.stderr
    assert "Exception ignored" not in r.stderr and "已修正 2 个单元格" in r.stderr, r.stderr
    after = parts(tmp_path / "fixed.xlsm")
    assert list(after) == list(before)  # same parts, same order
    sheet = "xl/worksheets/sheet1.xml"
    for name in before:
        if name != sheet:
            assert after[name] == before[name], name
    old, new = cells(before[sheet]), cells(after[sheet])
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    assert changed == ["H5", "J10"]
    assert b"\xe2\x89\xa5" in new["H5"] and b's="' in new["H5"] if b's="' in old["H5"] else True
    # outside the changed cells the sheet's bytes are the source's
    strip = lambda xml, cs: _CELL.sub(lambda m: b"" if m.group(1).decode() in cs else m.group(0), xml)
    assert strip(after[sheet], changed) == strip(before[sheet], changed)
    # the formulas kept their cached values: the fixed book checks as the source, minus the fixed findings
    a = json.loads(run("check", src, "--format", "json").stdout)
    b = json.loads(run("check", tmp_path / "fixed.xlsm", "--format", "json").stdout)
    assert [p["weights"] for p in a["projects"]] == [p["weights"] for p in b["projects"]]
    assert {f["cell"] for f in a["findings"]} - {f["cell"] for f in b["findings"]} == {"H5", "J10"}
    wb = openpyxl.load_workbook(tmp_path / "fixed.xlsm", keep_vba=True)
    assert wb[SHEET]["K4"].value == "=20*1" and wb[SHEET]["G7"].comment.text == "请核对"
    # a second fix changes nothing, and writes the same bytes
    assert "已修正 0 个单元格" in run("fix", tmp_path / "fixed.xlsm", "-o", tmp_path / "twice.xlsm").stderr
    assert parts(tmp_path / "twice.xlsm") == after


def test_fix_never_writes_a_formula_cell(tmp_path):
    rows = [list(r) for r in good_project("项目A")]

    def edit(wb, ws):
        ws["H5"] = '=">"&"="'  # shows ">=": NM001 would fix it, but it is the clerk's formula
    src = write_table(tmp_path / "f.xlsx", rows, edit=edit)
    cached = lambda d: re.sub(rb'<c r="H5"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?', rb'<c r="H5"\1 t="str"><f>\2</f><v>&gt;=</v>', d)
    tmp = tmp_path / "f0.xlsx"
    src.rename(tmp)
    rewrite_zip(tmp, src, lambda n, d: cached(d) if n == "xl/worksheets/sheet1.xml" else d)
    assert b"<v>&gt;=</v>" in parts(src)["xl/worksheets/sheet1.xml"]
    r = run("fix", src, "-o", tmp_path / "o.xlsx")
    assert r.returncode == 0 and "含公式的单元格未修改 1 处" in r.stderr, r.stderr
    assert cells(parts(tmp_path / "o.xlsx")["xl/worksheets/sheet1.xml"])["H5"] == \
        cells(parts(src)["xl/worksheets/sheet1.xml"])["H5"]


def test_fix_on_a_whole_sheet_merge_is_bounded(tmp_path):
    """A merge to XFD1048576 right of the table: as fast and small as check (the openpyxl round
    trip took 34 s and 2.8 GB, then failed, under a 3 GB limit)."""
    import resource
    import time

    rows = [list(r) for r in good_project("项目A")]
    rows[1][7] = ">="
    src = write_table(tmp_path / "m.xlsx", rows, merges=False)
    tmp = tmp_path / "m0.xlsx"
    src.rename(tmp)
    rewrite_zip(tmp, src, lambda n, d: d.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                                 b'<mergeCell ref="N1:XFD1048576"/></mergeCells>')
                if n == "xl/worksheets/sheet1.xml" else d)
    t = time.perf_counter()
    def limit() -> None:  # a regression must fail here, not take the machine's memory (22 GB before)
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    p = subprocess.Popen([sys.executable, "-m", "xlperf.cli", "fix", str(src), "-o", str(tmp_path / "o.xlsx")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=limit)
    try:
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        if p.poll() is None:
            p.kill()
    assert status == 0
    seconds = time.perf_counter() - t
    assert seconds < 20 and usage.ru_maxrss < 400 * 1024, (seconds, usage.ru_maxrss)
    assert (tmp_path / "o.xlsx").is_file()
    assert cells(parts(tmp_path / "o.xlsx")["xl/worksheets/sheet1.xml"])["H5"] != \
        cells(parts(src)["xl/worksheets/sheet1.xml"])["H5"]  # the fix was made


# --- §2 a fix never hides an error ------------------------------------------------------------


def _rows(change):
    rows = [list(r) for r in good_project("项目A") + good_project("项目B")]
    change(rows)
    return rows


def _set(**cells):
    """rows[i][col] = v for keys like r1c7 (data row index, 0-based column)."""
    def change(rows):
        for k, v in cells.items():
            i, c = k[1:].split("c")
            rows[int(i)][int(c)] = v
    return change


FIXABLE = {
    "NM001": _set(r1c7=">=", r2c9="百分比"),
    "NM002": _set(r1c10="15", r2c8="９５"),
    "NM003": _set(r1c9="% ", r2c11="反向指标\n"),
    "TX003": _set(r3c5="社会效益"),
    "VL006": _set(r3c9="%"),
    "VL007": _set(r0c11=None, r7c11=None),
    "VL010": _set(r1c8=100),
}


def test_every_fixable_rule_declares_what_its_fix_reads():
    from xlperf.core.rules import all_rules
    from xlperf.excel.fixes import FIX_DEPENDS

    assert {r.code for r in all_rules() if r.fixable} == set(FIX_DEPENDS) == set(FIXABLE)


def _errors(path: Path) -> set[tuple[str, str]]:
    rep = json.loads(run("check", path, "--format", "json").stdout)
    return {(f["code"], f["cell"]) for f in rep["findings"] if f["severity"] == "error" and not f["waived"]}


def _codes(path: Path) -> list[str]:
    return [f["code"] for f in json.loads(run("check", path, "--format", "json").stdout)["findings"]]


@pytest.mark.parametrize("code", sorted(FIXABLE))
def test_fix_adds_no_error_and_a_second_fix_changes_no_byte(tmp_path, code):
    src = write_table(tmp_path / "x.xlsx", _rows(FIXABLE[code]))
    assert code in _codes(src)
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    r = run("fix", src, "-o", once)
    assert r.returncode == 0 and "已修正 0 个" not in r.stderr, r.stderr
    assert code not in _codes(once)
    assert _errors(once) <= _errors(src)
    r = run("fix", once, "-o", twice)
    assert "已修正 0 个单元格" in r.stderr
    assert parts(twice) == parts(once)


def test_a_fix_that_would_hide_an_error_is_left_for_the_clerk(tmp_path):
    # ≥100% with 反向指标: VL008 (error, the direction) — VL010's "=" would turn it into the warning VL009
    src = write_table(tmp_path / "x.xlsx", _rows(_set(r1c8=100, r1c11="反向指标")))
    assert {"VL008", "VL010"} <= set(_codes(src))
    r = run("fix", src, "-o", tmp_path / "o.xlsx")
    assert "已修正 0 个单元格" in r.stderr and "留给您处理 1 处" in r.stderr and "H5（VL008）" in r.stderr, r.stderr
    assert _errors(tmp_path / "o.xlsx") == _errors(src)
    assert parts(tmp_path / "o.xlsx")["xl/worksheets/sheet1.xml"] == parts(src)["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize("text", ["＝1+1", " =1+1", "\t=1+1", " +SUM(A1)", "＠A1", " -1+1"])
def test_inert_text_never_becomes_formula_text(tmp_path, text):
    src = write_table(tmp_path / "x.xlsx", _rows(_set(r0c9=text, r1c7=text, r2c11=text, r3c5=text)))
    r = run("fix", src, "-o", tmp_path / "o.xlsx")
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    for cell in ("J4", "H5", "L6", "F7"):
        v = wb[SHEET][cell].value
        assert not (isinstance(v, str) and v.startswith(("=", "+", "-", "@")) and not text.startswith(v[0])), (cell, v)
    assert b"<f>" not in parts(tmp_path / "o.xlsx")["xl/worksheets/sheet1.xml"]


# --- §5 a workbook whose XML parts are UTF-16 is fixed and marked like a UTF-8 one ---------------


def utf16_book(src: Path, dst: Path, codec: str, bom: bytes, decl: str | None) -> Path:
    """``src`` with every XML part re-encoded in UTF-16 (with a BOM, a declaration, or both)."""
    def change(name: str, data: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return data
        text = data.decode("utf-8")
        if text.startswith("<?xml"):
            text = text.split("?>", 1)[1].lstrip()
        if decl:
            text = f'<?xml version="1.0" encoding="{decl}" standalone="yes"?>\n' + text
        return bom + text.encode(codec)
    rewrite_zip(src, dst, change)
    return dst


def body(xml: bytes) -> bytes:
    """A UTF-8 part without its XML declaration."""
    assert not xml.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")), xml[:40]
    return xml.split(b"?>", 1)[1].lstrip() if xml.startswith(b"<?xml") else xml


@pytest.mark.parametrize("codec,bom,decl", [("utf-16-le", b"\xff\xfe", "UTF-16"), ("utf-16-be", b"\xfe\xff", None),
                                            ("utf-16-le", b"", "UTF-16")])
def test_fix_and_mark_splice_a_utf16_workbook(tmp_path, codec, bom, decl):
    """The splicer decodes a UTF-16 part, edits it, and writes it back in UTF-8 with a UTF-8
    declaration; every part it does not edit is copied as stored (still UTF-16). The result is
    what the same command writes for the same book in UTF-8 (fix fell back to exit 2, --mark to
    openpyxl, which rewrote every part)."""
    plain = rich_book(tmp_path / "plain.xlsm")
    book = utf16_book(plain, tmp_path / "u16.xlsm", codec, bom, decl)
    before = parts(book)
    assert all(b"\x00" in d[:4] for n, d in before.items() if n.endswith((".xml", ".rels")))  # all UTF-16
    sheet = "xl/worksheets/sheet1.xml"

    r = run("fix", book, "-o", tmp_path / "fixed.xlsm")
    assert r.returncode == 0 and "已修正 2 个单元格" in r.stderr, r.stderr
    assert run("fix", plain, "-o", tmp_path / "fixed_plain.xlsm").returncode == 0
    after, reference = parts(tmp_path / "fixed.xlsm"), parts(tmp_path / "fixed_plain.xlsm")
    assert list(after) == list(before)
    assert [n for n in before if after[n] != before[n]] == [sheet]  # the rest byte for byte, UTF-16 as it was
    assert after[sheet].startswith(b'<?xml version="1.0" encoding="UTF-8"')
    assert body(after[sheet]) == body(reference[sheet])
    old, new = cells(body(before[sheet].decode(codec).lstrip("\ufeff").encode())), cells(body(after[sheet]))
    assert sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)) == ["H5", "J10"]
    a = json.loads(run("check", tmp_path / "fixed.xlsm", "--format", "json").stdout)
    b = json.loads(run("check", tmp_path / "fixed_plain.xlsm", "--format", "json").stdout)
    assert a["findings"] == b["findings"] and a["projects"] == b["projects"]
    assert "已修正 0 个单元格" in run("fix", tmp_path / "fixed.xlsm", "-o", tmp_path / "twice.xlsm").stderr

    r = run("check", book, "--mark", tmp_path / "marked.xlsm")
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
    assert run("check", plain, "--mark", tmp_path / "marked_plain.xlsm").returncode == r.returncode
    marked, marked_plain = parts(tmp_path / "marked.xlsm"), parts(tmp_path / "marked_plain.xlsm")
    assert list(marked) == list(marked_plain)
    edited = [n for n in marked if n not in before or marked[n] != before[n]]
    assert sheet in edited and "xl/workbook.xml" in edited
    for name in marked:
        if name in edited:  # edited or new: UTF-8, the same as for the UTF-8 book
            assert body(marked[name]) == body(marked_plain[name]), name
        else:  # spliced, not rewritten: the drawing, chart, comments, VBA and image as stored
            assert marked[name] == before[name], name
    assert {"xl/drawings/drawing1.xml", "xl/charts/chart1.xml", "xl/vbaProject.bin"} <= set(marked) - set(edited)
