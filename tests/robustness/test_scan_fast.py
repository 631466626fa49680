"""The worksheet scan's shortcuts (letters that prove markup absent, one search for refs that
could widen the sheet, cutting pieces at row starts, merges parsed on demand, inflating on a
helper thread) find exactly what the XML holds: error values, formulas without a cached
value, hidden rows, merges, and never less than calamine's extent. Checked against the truth
of generated Excel-style sheets, at chunk sizes that split every element somewhere, and against
the scan with the shortcuts turned off."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlperf.core.grid import col_letter
from xlperf.readers import sheet_xml, source as read
from xlperf.readers.source import InputError, preflight_book, read_source

from .make_corpus import RawPart, deflated, skeleton, write_raw_zip

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                          HealthCheck.data_too_large])
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Inline text with the letters the shortcuts look for, a colon (Excel's spans have one) and "!"
# (what a DTD starts with).
TEXT = st.text("甲乙defgkt:!x ", min_size=1, max_size=8)


# Cell markup by kind; f_empty is a formula whose cached result is "" (t="str", empty <v>).
CELLS = {
    "n": '<c r="{ref}" s="1"><v>{num}</v></c>',
    "s": '<c r="{ref}" t="s"><v>{c}</v></c>',
    "inline": '<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>',
    "err": '<c r="{ref}" t="e"><v>{err}</v></c>',
    "f_cached": '<c r="{ref}"><f>SUM(A1:A{r})</f><v>3</v></c>',
    "f_uncached": '<c r="{ref}"><f>A{r}+{c}</f></c>',
    "f_empty": '<c r="{ref}" t="str"><f>""</f><v></v></c>',
}


@st.composite
def excel_sheets(draw) -> tuple[bytes, dict[str, Any]]:
    """Sheet XML written the way Excel writes it (and some ways it does not), with the truth:
    error cells, uncached formulas, hidden rows, merges, the last row and column."""
    truth: dict[str, Any] = {"errors": {}, "formulas": {}, "hidden": set(), "merges": [], "max_row": 0, "max_col": 0}
    dy = draw(st.booleans())  # Excel 2010+ writes x14ac:dyDescent on every row
    rows = []
    r = 0
    for _ in range(draw(st.integers(1, 25))):
        r = draw(st.integers(r + 1, r + 3 if draw(st.integers(0, 9)) else r + 300))
        hidden = draw(st.integers(0, 5)) == 0
        attrs = f' r="{r}" spans="1:12"' + (' hidden="1"' if hidden else "") + (' x14ac:dyDescent="0.25"' if dy else "")
        if hidden:
            truth["hidden"].add(r)
        cells = []
        c = 0
        for _ in range(draw(st.integers(0, 6))):
            c = draw(st.integers(c + 1, c + (2 if draw(st.integers(0, 6)) else 40)))
            kind = draw(st.sampled_from(["n", "n", "s", "inline", "err", "f_cached", "f_uncached", "f_empty"]))
            err = draw(st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!"]))
            cells.append(CELLS[kind].format(ref=f"{col_letter(c)}{r}", r=r, c=c, num=c * 1.5, text=draw(TEXT), err=err))
            if kind == "err":
                truth["errors"][(r, c)] = err
            elif kind == "f_uncached":
                truth["formulas"][(r, c)] = f"=A{r}+{c}"
            truth["max_col"] = max(truth["max_col"], c)
        if cells:
            truth["max_row"] = max(truth["max_row"], r)
        rows.append(f"<row{attrs}>{''.join(cells)}</row>")
    merges = []
    for _ in range(draw(st.integers(0, 30))):
        a, b = draw(st.integers(1, 60)), draw(st.integers(1, 60))
        ref = f"{col_letter(draw(st.integers(1, 12)))}{min(a, b)}:{col_letter(draw(st.integers(1, 12)))}{max(a, b)}"
        merges.append(f'<mergeCell ref="{ref}"/>')
        truth["merges"].append(ref)
    decl = ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"' if dy else ""
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet {NS.decode()}{decl}>'
           f'<dimension ref="A1:L{max(r, 1)}"/><sheetData>{"".join(rows)}</sheetData>'
           + (f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else "")
           + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    return xml.encode(), truth


def book(path: Path, xml: bytes) -> Path:
    write_raw_zip(path, skeleton(deflated("xl/worksheets/sheet1.xml", xml)))
    return path


def shortcuts_off(monkeypatch) -> None:
    """The scan as it was before the shortcuts: every ref searched, pieces cut by pattern."""
    monkeypatch.setattr(sheet_xml, "_misfit_re", lambda max_col, digits: None)
    cut_re = sheet_xml._CUT_RE

    def cut(buf: bytes, searched: int = 0) -> int:
        found = -1
        for start in (max(0, len(buf) - 65536), 0):
            for m in cut_re.finditer(buf, start):
                found = m.start()
            if found >= 0:
                return found
        return 0

    monkeypatch.setattr(sheet_xml.SheetScanner, "_cut", staticmethod(cut))
    monkeypatch.setattr(read, "PREFETCH_MIN", 1 << 62)


@SETTINGS
@given(case=excel_sheets(), chunk=st.sampled_from([48, 257, 4096, 2**20]), prefetch=st.booleans())
def test_scan_finds_what_the_xml_holds(tmp_path, monkeypatch, case, chunk, prefetch):
    xml, truth = case
    monkeypatch.setattr(read, "CHUNK", chunk)
    monkeypatch.setattr(read, "PREFETCH_MIN", 0 if prefetch else 1 << 62)
    scan = preflight_book(book(tmp_path / "s.xlsx", xml)).sheet("Sheet1")
    assert scan.errors == truth["errors"]
    assert scan.formulas == truth["formulas"]
    assert scan.hidden_rows == truth["hidden"]
    assert scan.merges == truth["merges"]
    assert scan.max_col >= truth["max_col"] and max(scan.max_row, scan.row_bound) >= truth["max_row"]

    monkeypatch.undo()
    monkeypatch.setattr(read, "CHUNK", chunk)
    shortcuts_off(monkeypatch)
    slow = preflight_book(tmp_path / "s.xlsx").sheet("Sheet1")
    assert (slow.errors, slow.formulas, slow.hidden_rows, slow.merges, slow.max_col) == \
        (scan.errors, scan.formulas, scan.hidden_rows, scan.merges, scan.max_col)
    for limit in (100, 5_000, 100_000, read.MAX_DENSE_CELLS):  # the same dense/sparse decision
        assert (slow.dense_cells <= limit) == (scan.dense_cells <= limit)


def test_a_cell_far_below_or_right_is_seen_in_any_piece(tmp_path, monkeypatch):
    rows = "".join(f'<row r="{r}" spans="1:3"><c r="A{r}"><v>1</v></c><c r="C{r}"><v>2</v></c></row>'
                   for r in range(1, 400))
    far = '<row r="400" spans="1:3"><c r="A400"><v>1</v></c><c r="XFD1048576"><v>9</v></c></row>'
    xml = f'<worksheet {NS.decode()}><sheetData>{rows}{far}</sheetData></worksheet>'.encode()
    path = book(tmp_path / "far.xlsx", xml)
    for chunk in (64, 1000, 4096, 2**20):
        monkeypatch.setattr(read, "CHUNK", chunk)
        scan = preflight_book(path).sheet("Sheet1")
        assert scan.max_col == 16384 and scan.max_row == 1048576
        assert scan.dense_cells > read.MAX_DENSE_CELLS


def test_inflating_on_a_thread_still_refuses_a_lying_part(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "CHUNK", 1024)
    monkeypatch.setattr(read, "PREFETCH_MIN", 0)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 3000))
    xml = f'<worksheet {NS.decode()}><sheetData>{rows}</sheetData></worksheet>'.encode()
    part = deflated("xl/worksheets/sheet1.xml", xml)
    before = threading.active_count()
    for lie in ("crc", "size"):
        bad = RawPart(part.name, part.data, part.crc ^ (lie == "crc"), part.size - 5000 * (lie == "size"))
        write_raw_zip(tmp_path / f"{lie}.xlsx", skeleton(bad))
        with pytest.raises(InputError, match="CRC" if lie == "crc" else "declared size"):
            preflight_book(tmp_path / f"{lie}.xlsx")
    # A DTD in the first piece stops the scan while the helper is still inflating.
    dtd = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "b">]>' + xml
    book(tmp_path / "dtd.xlsx", dtd)
    with pytest.raises(InputError, match="DTD"):
        preflight_book(tmp_path / "dtd.xlsx")
    assert threading.active_count() == before  # no helper thread left behind


def test_a_long_merge_section_is_not_searched_again_per_piece(tmp_path, monkeypatch):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 50))
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, 20000))
    xml = f'<worksheet {NS.decode()}><sheetData>{rows}</sheetData><mergeCells>{merges}</mergeCells></worksheet>'.encode()
    path = book(tmp_path / "m.xlsx", xml)
    monkeypatch.setattr(read, "CHUNK", 4096)
    searched: list[int] = []
    finditer = sheet_xml._CUT_RE.finditer

    class Counting:
        def finditer(self, buf, start=0):
            searched.append(len(buf) - start)
            return finditer(buf, start)

    monkeypatch.setattr(sheet_xml, "_CUT_RE", Counting())
    assert len(preflight_book(path).sheet("Sheet1").merges) == 19999
    assert sum(searched) < 3 * len(xml)  # each byte searched about once, not once per chunk


def test_read_source_rows_and_merges_are_unchanged_by_the_shortcuts(tmp_path, monkeypatch):
    rows = "".join(f'<row r="{r}" spans="1:4"><c r="A{r}" t="inlineStr"><is><t>甲{r}</t></is></c>'
                   f'<c r="B{r}"/><c r="D{r}"><v>{r}</v></c></row>' for r in range(1, 500))
    merges = "".join(f'<mergeCell ref="A{r}:A{r + 1}"/>' for r in range(1, 499, 2))
    xml = (f'<worksheet {NS.decode()}><sheetData>{rows}</sheetData>'
           f'<mergeCells count="249">{merges}</mergeCells></worksheet>').encode()
    path = book(tmp_path / "t.xlsx", xml)
    monkeypatch.setattr(read, "CHUNK", 2048)
    fast = read_source(path).grids[0]
    shortcuts_off(monkeypatch)
    slow = read_source(path).grids[0]
    assert fast.rows == slow.rows and fast.merges == slow.merges
    assert fast.rows[0] == ["甲1", None, None, 1.0] and len(fast.merges) == 249
    monkeypatch.setattr(read, "MAX_DENSE_CELLS", 0)  # the sparse path takes its merges from the scan
    assert read_source(path).grids[0].merges == fast.merges


def test_clean_row_turns_empty_strings_into_none():
    row = [1.0, "", "x", "", True]
    assert read._clean_row(row) == [1.0, None, "x", None, True]
    full = [1.0, "x"]
    assert read._clean_row(full) is full  # nothing to change: no copy
