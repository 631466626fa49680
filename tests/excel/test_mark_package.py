"""``check --mark`` by editing the package (xlperf.writers.mark_package): real files written and read
back with openpyxl, calamine and LibreOffice; untouched parts byte for byte; valid OOXML."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from xlperf.api import check_path
from xlperf.core.config import Config
from xlperf.excel import commands
from xlperf.cli import file_commands
from xlperf.excel.port import MARK_STYLES, mark_sheet_for
from xlperf.writers import mark_package as mp
from xlperf.writers.atomic import is_temp_name

from .conftest import SELECT_TEST_RULES, make_rows, write_table
from .test_commands import EXPECTED_MARKS, MARKS, SHEET, marks_of, sha

TEMPLATE = Path(__file__).resolve().parents[2] / "workbook" / "PerfTemplate.xlsm"
CONFIG = Config(select=SELECT_TEST_RULES)


def mark(src: Path, out: Path, config: Config = CONFIG, *, package: bool = True) -> Path:
    """Mark ``src`` into ``out``; ``package`` asserts the package editor did it (no fallback)."""
    result = check_path(src, config=config)
    if package:
        with pytest.MonkeyPatch.context() as mpatch:
            mpatch.setattr(file_commands, "_mark_with_openpyxl", _no_fallback)
            file_commands.mark_file(src, out, result)
    else:
        file_commands.mark_file(src, out, result)
    return out


def _no_fallback(*args):
    raise AssertionError("the openpyxl fallback was used")


def stored(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every part as stored in the zip: (CRC, method, compressed bytes), no inflating."""
    out = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            fh.seek(info.header_offset)
            local = fh.read(30)
            n, e = struct.unpack_from("<HH", local, 26)
            fh.seek(n + e, 1)
            out[info.filename] = (info.CRC, info.compress_type, fh.read(info.compress_size))
    return out


def audit(path: Path) -> set[tuple[str, str]]:
    from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0).validate(str(path))
    return {(e.part_uri, e.description) for e in result.errors if e.severity == ValidationSeverity.ERROR}


@pytest.fixture
def src(tmp_path, test_rules):
    return write_table(tmp_path / "表.xlsx", make_rows(8), extra_sheets=True)


# --- what the copy holds ---------------------------------------------------------------------


def test_marked_copy_reads_back_in_openpyxl(src, tmp_path):
    out = mark(src, tmp_path / "marked.xlsx")
    wb = load_workbook(out)
    assert marks_of(wb) == EXPECTED_MARKS
    assert wb[MARKS].sheet_state == "veryHidden"
    assert wb.sheetnames == [SHEET, MARKS, "校验结果"]
    ws = wb[SHEET]
    rules = [(str(cf.sqref), r.formula[0], r.stopIfTrue, r.dxf.fill.fgColor.rgb[-6:], r.dxf.font.color.rgb[-6:])
             for cf in ws.conditional_formatting for r in cf.rules]
    assert rules == [("A4:L43", f"'{MARKS}'!A4=\"{code}\"", True, style["fill"], style["font"])
                     for code, style in MARK_STYLES.items()]
    notes = {c.coordinate: c.value for c in ws["M"] if c.value}
    assert notes["M3"] == "校验说明"
    assert set(notes) == {"M3"} | {f"M{a[1:]}" for a in EXPECTED_MARKS}
    assert "VL990" in notes["M9"]
    res = wb["校验结果"]
    assert [c.value for c in res[1]] == ["级别", "代码", "单元格", "项目", "说明", "已豁免"]
    assert res.max_row == 7
    assert res["C2"].value.startswith('=HYPERLINK("#') and res["C2"].data_type == "f"
    assert res.column_dimensions["E"].width == 64  # issue 14: 校验结果 one page wide
    # The clerk's own formatting is untouched.
    assert ws["G5"].fill.fgColor.rgb.endswith("00B0F0") and ws["K4"].fill.fgColor.rgb.endswith("92D050")


def test_marked_copy_reads_back_in_calamine(src, tmp_path):
    out = mark(src, tmp_path / "marked.xlsx")
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names == [SHEET, MARKS, "校验结果"]
    table = wb.get_sheet_by_name(SHEET).to_python()
    assert table[2][12] == "校验说明" and "VL990" in table[8][12]
    results = wb.get_sheet_by_name("校验结果").to_python()
    # The links carry the address they show, so a reader that never calculates sees it too.
    assert sorted(r[2] for r in results[1:]) == sorted(EXPECTED_MARKS)
    # And what the engine reads from the copy is the same table as from the source.
    again = check_path(out, config=CONFIG)
    assert [(f.code, f.cell) for f in again.findings] == [(f.code, f.cell) for f in check_path(src, config=CONFIG).findings]


def test_untouched_parts_are_byte_identical(src, tmp_path):
    out = mark(src, tmp_path / "marked.xlsx")
    before, after = stored(src), stored(out)
    edited = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
              "xl/worksheets/sheet1.xml"}
    assert set(before) <= set(after)
    for name in set(before) - edited:
        assert after[name] == before[name], name
    assert {"xl/theme/theme1.xml", "docProps/core.xml"} <= set(before) - edited  # the test compares something
    # The table sheet itself changed only by the notes and the conditional format.
    old = zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    new = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    assert new.count(b"<c ") == old.count(b"<c ") + 1 + len(EXPECTED_MARKS)
    assert new.count(b"<mergeCell ") == old.count(b"<mergeCell ")


def test_xlsm_keeps_its_vba_project_and_ribbon(tmp_path, test_rules):
    out = mark(TEMPLATE, tmp_path / "marked.xlsm", Config())
    before, after = stored(TEMPLATE), stored(out)
    for name in ("xl/vbaProject.bin", "customUI/customUI14.xml", "_rels/.rels", "xl/theme/theme1.xml"):
        assert after[name] == before[name], name
    types = zipfile.ZipFile(out).read("[Content_Types].xml")
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    wb = load_workbook(out, keep_vba=True)
    assert mark_sheet_for("示例") in wb.sheetnames and wb[mark_sheet_for("示例")].sheet_state == "veryHidden"
    assert marks_of(wb, "示例")
    assert wb["示例"]["M3"].value == "校验说明"


def test_output_is_valid_ooxml(src, tmp_path):
    """No validator error the source does not already have (openpyxl's own styles.xml has one)."""
    out = mark(src, tmp_path / "marked.xlsx")
    assert audit(out) <= audit(src)
    again = mark(out, tmp_path / "again.xlsx")
    assert audit(again) <= audit(src)
    xlsm = mark(TEMPLATE, tmp_path / "marked.xlsm", Config())
    assert audit(xlsm) <= audit(TEMPLATE)


def test_output_is_deterministic(src, tmp_path):
    a = mark(src, tmp_path / "a.xlsx").read_bytes()
    b = mark(src, tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_marking_a_marked_copy_replaces_what_xlperf_wrote(src, tmp_path):
    first = mark(src, tmp_path / "first.xlsx")
    # Fewer findings the second time: only the errors (VL990).
    second = mark(first, tmp_path / "second.xlsx", Config(select=["VL990"]))
    wb = load_workbook(second)
    assert wb.sheetnames == [SHEET, MARKS, "校验结果"]
    assert marks_of(wb) == {k: v for k, v in EXPECTED_MARKS.items() if v == "E"}
    ws = wb[SHEET]
    assert sum(len(cf.rules) for cf in ws.conditional_formatting) == 2
    notes = {c.coordinate for c in ws["M"] if c.value}
    assert notes == {"M3", "M9", "M29"}  # the warnings' notes are gone, the header stays where it was
    assert wb["校验结果"].max_row == 3
    with zipfile.ZipFile(second) as zf:
        names = zf.namelist()
        styles = zf.read("xl/styles.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    assert styles.count(b"<dxf>") == 2  # the same two formats, reused
    sheets = [n for n in names if n.startswith("xl/worksheets/")]
    assert len(sheets) == 3 and all(n.rsplit("/", 1)[1] in rels for n in sheets)  # no orphan left behind


def test_keeps_the_clerks_own_rules_and_places_ours_by_the_schema(tmp_path, test_rules):
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = write_table(tmp_path / "own.xlsx", make_rows(8))
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.conditional_formatting.add("K4:K43", CellIsRule(operator="greaterThan", formula=["30"],
                                                       fill=PatternFill("solid", start_color="0000FF", end_color="0000FF")))
    dv = DataValidation(type="list", formula1='"正向指标,反向指标"')
    dv.add("L4:L43")
    ws.add_data_validation(dv)
    ws["A2"].hyperlink = "https://example.com/"
    wb.save(path)
    out = mark(path, tmp_path / "marked.xlsx")
    ws = load_workbook(out)[SHEET]
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert "30" in formulas and len(formulas) == 3
    assert str(ws.data_validations.dataValidation[0].sqref) == "L4:L43"
    assert ws["A2"].hyperlink.target == "https://example.com/"
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    order = [xml.index(t) for t in (b"</sheetData>", b"<mergeCells", b"<conditionalFormatting",
                                    b"<dataValidations", b"<hyperlinks", b"<pageMargins")]
    assert order == sorted(order)
    assert audit(out) <= audit(path)


def test_calc_chain_is_dropped(src, tmp_path):
    """Excel rebuilds the calculation chain; a stale one makes it call the file damaged."""
    chained = tmp_path / "chain.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(chained, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        zout.writestr("xl/calcChain.xml", b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                                          b'main"><c r="A1" i="1"/></calcChain>')
    out = mark(chained, tmp_path / "marked.xlsx")
    with zipfile.ZipFile(out) as zf:
        assert "xl/calcChain.xml" not in zf.namelist()
        assert b"calcChain" not in zf.read("[Content_Types].xml") + zf.read("xl/_rels/workbook.xml.rels")
    assert marks_of(load_workbook(out)) == EXPECTED_MARKS


def test_pasted_text_is_marked_through_the_package(tmp_path):
    from xlperf.api import sample_text_path

    out = mark(sample_text_path(), tmp_path / "sample.xlsx", Config())
    wb = load_workbook(out)
    assert wb["校验结果"].max_row == len(check_path(sample_text_path()).findings) + 1
    assert "导入记录" in wb.sheetnames


# --- the slow path and failures -------------------------------------------------------------------


def test_sheet_xml_it_does_not_splice_goes_through_openpyxl(src, tmp_path):
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # r after t: valid, unlike Excel writes it
                data = data.replace(b'<c r="A1" t="inlineStr">', b'<c t="inlineStr" r="A1">')
            zout.writestr(info, data)
    with pytest.raises(mp.Unsupported):
        with mp.Package(odd) as pkg:
            pkg.worksheet(SHEET)
    out = mark(odd, tmp_path / "marked.xlsx", package=False)
    assert marks_of(load_workbook(out)) == EXPECTED_MARKS


def test_a_failure_while_writing_leaves_no_file(src, tmp_path, monkeypatch):
    out = tmp_path / "marked.xlsx"
    out.write_bytes(b"old output")

    def broken(self):
        yield b"<worksheet"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mp.SheetXml, "pieces", broken)
    with pytest.raises(Exception):
        mark(src, out)
    assert out.read_bytes() == b"old output"
    assert [p.name for p in tmp_path.iterdir() if is_temp_name(p.name) or p.suffix == ".tmp"] == []


def test_the_input_is_never_written(src, tmp_path):
    before = sha(src)
    mark(src, tmp_path / "marked.xlsx")
    assert sha(src) == before


# --- LibreOffice -----------------------------------------------------------------------------------


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                    reason="LibreOffice (soffice) and poppler (pdftoppm) are needed")
def test_libreoffice_renders_the_marks_of_the_copy_as_written(tmp_path, test_rules):
    """No openpyxl round trip in between: LibreOffice opens exactly what mark_file wrote."""
    from .test_libreoffice import one_page_wide, reddish, render

    src = write_table(tmp_path / "src.xlsx", make_rows(4), fills=False)
    one_page_wide(src)  # the page set-up travels with the copied sheet
    out = mark(src, tmp_path / "marked.xlsx")
    assert reddish(render(out, tmp_path)) > 20
    converted = tmp_path / "csv"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(converted), str(out)], check=True, capture_output=True, timeout=180)
    sheets = {p.name: p.read_text(encoding="utf-8") for p in converted.glob("*.csv")}
    table = next(text for name, text in sheets.items() if name.endswith(f"-{SHEET}.csv"))
    assert "校验说明" in table and "VL990" in table
    results = next(text for name, text in sheets.items() if name.endswith("-校验结果.csv"))
    assert "K9" in results


# --- the splicer on hand-written XML ---------------------------------------------------------------

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<dimension ref="A1:C5"/>')


def sheet(body: bytes, tail: bytes = b"") -> mp.SheetXml:
    return mp.SheetXml("t", "p", HEAD + body + tail + b"</worksheet>", mp.SharedStrings(lambda: SST))


SST = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si>'
       '<si><r><t>校验</t></r><r><t>说明</t></r><rPh><t>x</t></rPh></si><si><t xml:space="preserve"> </t></si>'
       "</sst>").encode()


def spliced(sx: mp.SheetXml) -> bytes:
    return b"".join(sx.pieces())


def test_splice_puts_cells_in_column_order_and_keeps_styles():
    sx = sheet(b'<sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" s="4" t="s"><v>0</v></c></row>'
               b'<row r="3" ht="20" customHeight="1"/><row r="5"><c r="B5"><v>1</v></c></row></sheetData>')
    sx.set_cells({(1, 2): "x", (1, 3): "y", (1, 5): "z", (2, 1): "new row", (3, 2): "into empty", (4, 1): None,
                  (5, 2): None})
    xml = spliced(sx)
    assert (b'<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>'
            b'<c r="C1" s="4" t="inlineStr"><is><t xml:space="preserve">y</t></is></c><c r="E1" t="inlineStr"><is><t xml:space="preserve">z</t></is></c></row>') in xml
    assert b'<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">new row</t></is></c></row><row r="3" ht="20" customHeight="1">' \
           b'<c r="B3" t="inlineStr"><is><t xml:space="preserve">into empty</t></is></c></row>' in xml
    assert b'<row r="4">' not in xml  # nothing to write there
    assert b'<row r="5"></row>' in xml  # the value is gone; the cell had no style to keep
    assert b'<dimension ref="A1:E5"/>' in xml
    wb_values = CalamineFree(xml)
    assert wb_values == {"A1": "a", "B1": "x", "C1": "y", "E1": "z", "A2": "new row", "B3": "into empty"}


def CalamineFree(xml: bytes) -> dict[str, str]:
    """The cell values of a spliced sheet, read back with the editor's own reader."""
    sx = mp.SheetXml("t", "p", xml, mp.SharedStrings(lambda: SST))
    out = {}
    for r in sx.row_nums:
        for c, v in enumerate(sx.row_values(r), 1):
            if v is not None:
                out[f"{mp.col_letter(c)}{r}"] = v
    return out


def test_shared_strings_rich_text_and_merges_are_read_like_openpyxl():
    sx = sheet(b'<sheetData><row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c>'
               b'<c r="C1" t="inlineStr"><is><t xml:space="preserve">A&amp;B_x0041_</t></is></c><c r="D1"><v>2.5</v></c>'
               b'<c r="E1" t="b"><v>1</v></c><c r="F1" t="s"><v>0</v></c></row></sheetData>',
               b'<mergeCells count="1"><mergeCell ref="E1:F1"/></mergeCells>')
    assert sx.row_values(1) == ["校验说明", " ", "A&BA", 2.5, True, None]  # F1 lies under the merge E1:F1


def test_splice_skips_cells_under_a_merge():
    sx = sheet(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row></sheetData>',
               b'<mergeCells count="1"><mergeCell ref="B1:C2"/></mergeCells>')
    sx.set_cells({(1, 2): "top-left", (2, 2): "hidden", (1, 3): "hidden", (2, 4): "free"})
    xml = spliced(sx)
    assert b"top-left" in xml and b"free" in xml and b"hidden" not in xml


def test_conditional_format_goes_where_the_schema_wants_it():
    tail = (b'<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells>'
            b'<conditionalFormatting sqref="A1:C5"><cfRule type="expression" dxfId="0" priority="4">'
            b"<formula>'_xlperf_marks_t'!A1=\"E\"</formula></cfRule><cfRule type=\"expression\" dxfId=\"3\" priority=\"7\">"
            b"<formula>$A1&gt;2</formula></cfRule></conditionalFormatting>"
            b'<dataValidations count="1"><dataValidation type="list" sqref="A1" prompt="a&gt;b"><formula1>"x"</formula1>'
            b'</dataValidation></dataValidations><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            b'header="0.3" footer="0.3"/>')
    sx = sheet(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>', tail)
    sx.cond = mp.CondFormat("A1:C5", [("'_xlperf_marks_t'!A1=\"E\"", 5), ("'_xlperf_marks_t'!A1=\"W\"", 6)],
                            b"_xlperf_marks")
    xml = spliced(sx)
    assert xml.count(b"_xlperf_marks_t") == 2  # the old mark rule is gone, the clerk's stays
    assert b"<formula>$A1&gt;2</formula>" in xml
    ours = xml.index(b'dxfId="5"')
    assert xml.index(b"</mergeCells>") < xml.index(b"$A1&gt;2") < ours < xml.index(b"<dataValidations")
    assert b'dxfId="5" priority="8"' in xml and b'dxfId="6" priority="9"' in xml


def test_conditional_format_before_custom_views_contents_is_not_confused():
    """customSheetViews (before conditionalFormatting) may hold pageMargins of its own."""
    tail = (b'<customSheetViews><customSheetView guid="{00000000-0000-0000-0000-000000000001}">'
            b'<pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/></customSheetView>'
            b"</customSheetViews><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
            b'footer="0.3"/>')
    sx = sheet(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>', tail)
    sx.cond = mp.CondFormat("A1", [("1=1", 0)], b"_xlperf_marks")
    xml = spliced(sx)
    assert xml.index(b"</customSheetViews>") < xml.index(b"<conditionalFormatting") < xml.rindex(b"<pageMargins")


def test_empty_sheet_data_gets_rows():
    sx = sheet(b"<sheetData/>", b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    sx.set_cells({(2, 1): "x"})
    assert b'<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">x</t></is></c></row></sheetData><pageMargins' in spliced(sx)


@pytest.mark.parametrize("body", [
    b'<sheetData><row r="1"><c t="n" r="A1"><v>1</v></c></row></sheetData>',  # r not first
    b'<sheetData><row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row></sheetData>',
    b'<sheetData><row><c r="A1"><v>1</v></c></row></sheetData>',  # a row without r
    b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><!-- a comment -->',
])
def test_xml_it_does_not_splice_is_refused_before_anything_is_written(body):
    with pytest.raises(mp.Unsupported):
        sheet(body)


def test_text_is_always_inert_and_escaped():
    assert mp.cell_xml("A1", "=1+1") == b'<c r="A1" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c>'
    assert mp.cell_xml("A1", "<a&b>_x0041_\x07") == \
        b'<c r="A1" t="inlineStr"><is><t xml:space="preserve">&lt;a&amp;b&gt;_x005F_x0041_</t></is></c>'
    assert mp.cell_xml("A1", " x") == b'<c r="A1" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>'
    assert mp.cell_xml("A1", "\ud800x\x0b") == b'<c r="A1" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>'
    assert mp.cell_xml("A1", float("nan")) == b""
    assert mp.cell_xml("A1", None, b"3") == b'<c r="A1" s="3"/>'
    assert mp.cell_xml("B2", 2.5) == b'<c r="B2"><v>2.5</v></c>'
    link = mp.Formula('HYPERLINK("#\'表\'!A1","A1")', "A1")
    assert mp.cell_xml("C3", link) == '<c r="C3" t="str"><f>HYPERLINK("#\'表\'!A1","A1")</f><v>A1</v></c>'.encode()


def test_far_away_cell_does_not_move_the_notes_column(tmp_path, test_rules):
    """A stray value at XFD1048576: the table ends where the reader says it does (as openpyxl's
    port reads it sparsely), so 校验说明 still comes right after the table."""
    path = write_table(tmp_path / "far.xlsx", make_rows(8))
    wb = load_workbook(path)
    wb[SHEET]["XFD1048576"] = "stray"
    wb.save(path)
    out = mark(path, tmp_path / "marked.xlsx")
    wb = load_workbook(out)
    assert wb[SHEET]["M3"].value == "校验说明"
    cf = [str(c.sqref) for c in wb[SHEET].conditional_formatting]
    assert cf == ["A4:L43"]


# --- the splicer against a model, on random sheets -------------------------------------------------
PACKAGE = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlforma'
    b'ts-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/wo'
    b'rkbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override P'
    b'artName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.work'
    b'sheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spre'
    b'adsheetml.styles+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.open'
    b'xmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/office'
    b'Document/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openx'
    b'mlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationship'
    b's"><sheets><sheet name="t" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="h'
    b'ttp://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2"'
    b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    b"</Relationships>",
    # Two cell formats: 0 plain, 1 bold (what the test marks as "styled").
    "xl/styles.xml": mp.MINIMAL_STYLES.replace(b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>',
                                              b'<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/>'
                                              b'<sz val="11"/><name val="Calibri"/></font></fonts>')
    .replace(b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>',
             b'<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1"'
             b' fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'),
}

cells_st = st.dictionaries(st.tuples(st.integers(1, 8), st.integers(1, 6)),
                           st.one_of(st.none(), st.integers(-5, 99), st.text("ab =&<_x", max_size=4)), max_size=20)
block_st = st.tuples(st.integers(1, 8), st.integers(1, 6),
                     st.lists(st.lists(st.one_of(st.none(), st.text("xyz<&", min_size=1, max_size=3), st.integers(0, 9)),
                                       min_size=1, max_size=3), min_size=1, max_size=5))


def sheet_from(cells: dict, styled: set, closed_rows: set, merge: bool) -> bytes:
    rows = []
    for r in range(1, 10):
        mine = sorted((c, v) for (rr, c), v in cells.items() if rr == r)
        if not mine:
            if r in closed_rows:
                rows.append(b'<row r="%d" ht="20" customHeight="1"/>' % r)
            continue
        parts = []
        for c, v in mine:
            ref = f"{mp.col_letter(c)}{r}"
            s = b' s="1"' if (r, c) in styled else b""
            if v is None:
                parts.append(b'<c r="%s"%s/>' % (ref.encode(), s))
            elif isinstance(v, int):
                parts.append(b'<c r="%s"%s><v>%d</v></c>' % (ref.encode(), s, v))
            else:
                parts.append(mp.cell_xml(ref, v, s[4:-1] if s else None))
        rows.append(b'<row r="%d" spans="1:%d">' % (r, mine[-1][0]) + b"".join(parts) + b"</row>")
    tail = b'<mergeCells count="1"><mergeCell ref="E2:F3"/></mergeCells>' if merge else b""
    return HEAD + b"<sheetData>" + b"".join(rows) + b"</sheetData>" + tail + b"</worksheet>"


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cells=cells_st, styled=st.sets(st.tuples(st.integers(1, 8), st.integers(1, 6))),
       closed=st.sets(st.integers(1, 9)), merge=st.booleans(), blocks=st.lists(block_st, min_size=1, max_size=3))
def test_spliced_blocks_read_back_as_written(tmp_path, cells, styled, closed, merge, blocks):
    from xlperf.excel.package_port import PackagePort

    if merge:  # what a real merge looks like: only its top-left cell holds anything
        cells = {k: v for k, v in cells.items() if not (2 <= k[0] <= 3 and 5 <= k[1] <= 6) or k == (2, 5)}
    src, out = tmp_path / "src.xlsx", tmp_path / "out.xlsx"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in PACKAGE.items():
            zf.writestr(name, data)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_from(cells, styled, closed, merge))
    want = {k: v for k, v in cells.items() if v is not None}
    port = PackagePort(src)
    with port.pkg:
        for r0, c0, rows in blocks:
            port.write_block("t", f"{mp.col_letter(c0)}{r0}", rows)
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    key = (r0 + i, c0 + j)
                    if merge and 2 <= key[0] <= 3 and 5 <= key[1] <= 6 and key != (2, 5):
                        continue  # under the merge: skipped, like openpyxl does
                    if v is None:
                        want.pop(key, None)
                    else:
                        want[key] = v
        port.save(out)
    ws = load_workbook(out)["t"]
    got = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert got == want
    styles = {(c.row, c.column) for row in ws.iter_rows() for c in row if c.style_id == 1}
    assert styles == {k for k in styled if k in cells}  # a written or emptied cell keeps its style


def test_lower_case_references_are_cells_too():
    sx = sheet(b'<sheetData><row r="1"><c r="a1"><v>1</v></c><c r="m1" s="2" t="inlineStr"><is><t>old</t></is></c>'
               b"</row></sheetData>")
    fresh = sheet(b'<sheetData><row r="1"><c r="m1"><v>1</v></c></row></sheetData>')
    assert [(r, c) for r, c, _ in fresh.cells_in_columns([13])] == [(1, 13)]  # found without columns_above first
    assert sx.columns_above(12) == {13}
    assert sx.row_values(1)[12] == "old"
    sx.set_cells({(1, 13): "new"})
    xml = spliced(sx)
    assert b"old" not in xml and xml.count(b"<c ") == 2 and b'<c r="M1" s="2" t="inlineStr"' in xml
