"""The reader's own safety nets, in-process (fast): the worksheet scan never underestimates what
calamine will allocate, XML oddities and chunk boundaries included; the sparse path reads the
same values as calamine; DTDs are found across chunk boundaries; parts that lie about their
size or CRC are refused."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlperf.core.grid import col_letter
from xlperf.readers import source as read
from xlperf.readers.source import InputError, preflight_book, read_source

from ..helpers import good_project
from .make_corpus import RawPart, deflated, skeleton, write_raw_zip, write_table

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@st.composite
def sheet_xml(draw) -> bytes:
    """A sheet with cells in odd but legal spellings: namespace prefixes, cells and rows without
    r, whitespace and newlines in tags, single quotes, cells out of order, self-closing and
    empty cells, inline and numeric values."""
    prefix = draw(st.sampled_from(["", "x:"]))
    ws = draw(st.sampled_from([" ", "\n", "\t", "  "]))
    q = draw(st.sampled_from(['"', "'"]))
    rows = []
    row_no = 0
    for _ in range(draw(st.integers(1, 8))):
        row_no = draw(st.integers(row_no + 1, row_no + 40))
        row_r = draw(st.booleans())
        cells = []
        col = 0
        for _ in range(draw(st.integers(0, 6))):
            col = draw(st.integers(col + 1, col + 30))
            kind = draw(st.sampled_from(["n", "str", "self", "emptyv", "err", "noref"]))
            ref = f"{ws}r={q}{col_letter(col)}{row_no if draw(st.integers(0, 5)) else row_no + 7}{q}"
            if kind == "noref":
                ref = ""
            tag = f"{prefix}c"
            if kind == "self":
                cells.append(f"<{tag}{ref}{ws}s={q}1{q}/>")
            elif kind == "emptyv":
                cells.append(f"<{tag}{ref}><{prefix}v></{prefix}v></{tag}>")
            elif kind == "err":
                cells.append(f"<{tag}{ref}{ws}t={q}e{q}><{prefix}v>#REF!</{prefix}v></{tag}>")
            elif kind == "str":
                cells.append(f"<{tag}{ref}{ws}t={q}inlineStr{q}><{prefix}is><{prefix}t>甲</{prefix}t></{prefix}is></{tag}>")
            else:
                cells.append(f"<{tag}{ref}><{prefix}v>{col}</{prefix}v></{tag}>")
        if draw(st.booleans()):
            cells.reverse()
        attr = f"{ws}r={q}{row_no}{q}" if row_r else ""
        rows.append(f"<{prefix}row{attr}>{''.join(cells)}</{prefix}row>")
    decl = ' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' if prefix else ""
    root = f"{prefix}worksheet"
    return (f'<?xml version="1.0" encoding="UTF-8"?><{root} {NS}{decl}><{prefix}sheetData>'
            + "".join(rows) + f"</{prefix}sheetData></{root}>").encode()


def _book(path: Path, sheet: bytes) -> Path:
    write_raw_zip(path, skeleton(deflated("xl/worksheets/sheet1.xml", sheet)))
    return path


@SETTINGS
@given(xml=sheet_xml(), chunk=st.sampled_from([64, 257, 4096, 2**20]))
def test_scan_never_underestimates_calamines_extent(tmp_path, monkeypatch, xml, chunk):
    from python_calamine import CalamineWorkbook

    monkeypatch.setattr(read, "CHUNK", chunk)
    path = _book(tmp_path / "s.xlsx", xml)
    scan = preflight_book(path).sheet("Sheet1")
    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python(skip_empty_area=False)
    except Exception:  # calamine refuses some spellings: then nothing to compare
        return
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    assert max(scan.max_row, scan.row_bound) >= height and scan.max_col >= width, (scan, height, width)


def test_sparse_path_reads_what_calamine_reads(tmp_path, monkeypatch):
    rows = good_project("项目A") + good_project("项目B")
    rows[1][10] = dt.datetime(2023, 1, 5)
    rows[2][8] = True
    rows[3][3] = "很长" * 1000
    path = write_table(tmp_path / "t.xlsx", rows)
    dense = read_source(path).grids[0]
    monkeypatch.setattr(read, "MAX_DENSE_CELLS", 0)
    sparse = read_source(path).grids[0]

    def norm(v):
        if isinstance(v, dt.datetime) and v.time() == dt.time(0):
            return v.date()
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    assert [[norm(v) for v in r] for r in sparse.rows] == [[norm(v) for v in r] for r in dense.rows]
    assert sorted(sparse.merges, key=repr) == sorted(dense.merges, key=repr)


def test_far_cells_are_reported_and_capped(tmp_path):
    path = write_table(tmp_path / "t.xlsx", good_project("项目A"))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for i in range(30):
        ws.cell(100_000 + i * 7, 3 + i, f"远{i}")
    ws.cell(5, 2000, "右边很远")
    wb.save(path)
    source = read_source(path)
    grid = source.grids[0]
    assert grid.height == 8 and grid.width == 12  # the table, nothing else
    far = [f for f in source.findings if f.code == "ST010"]
    assert len(far) == read.MAX_FAR_FINDINGS + 1
    assert far[0].cell == "BXX5" and "右边很远" in far[0].message
    assert "另外 11 个" in far[-1].message


def test_hidden_rows_reach_the_grid(tmp_path):
    def edit(wb, ws):
        ws.row_dimensions[5].hidden = True
    path = write_table(tmp_path / "t.xlsx", good_project("项目A"), edit=edit)
    assert read_source(path).grids[0].hidden_rows == frozenset({4})


def test_dtd_is_found_across_a_chunk_boundary(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "CHUNK", 16)
    sheet = (b'<?xml version="1.0"?>\n<!-- ' + b"x" * 37 + b' -->\n<!DOCTYPE w [<!ENTITY a "b">]>'
             b'<worksheet ' + NS.encode() + b"><sheetData/></worksheet>")
    path = _book(tmp_path / "d.xlsx", sheet)
    with pytest.raises(InputError, match="DTD"):
        preflight_book(path)


def test_a_part_whose_crc_lies_is_refused(tmp_path):
    sheet = b'<worksheet ' + NS.encode() + b"><sheetData/></worksheet>"
    part = deflated("xl/worksheets/sheet1.xml", sheet)
    part.crc ^= 1
    write_raw_zip(tmp_path / "c.xlsx", skeleton(part))
    with pytest.raises(InputError, match="CRC"):
        preflight_book(tmp_path / "c.xlsx")


def test_a_part_longer_than_declared_is_refused_without_inflating_it_all(tmp_path):
    body = b'<worksheet ' + NS.encode() + b"><sheetData>" + b" " * 5_000_000 + b"</sheetData></worksheet>"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(body) + c.flush()
    lie = RawPart("xl/worksheets/sheet1.xml", data, zlib.crc32(body[:100]), 100)
    write_raw_zip(tmp_path / "l.xlsx", skeleton(lie))
    with pytest.raises(InputError, match="declared size"):
        preflight_book(tmp_path / "l.xlsx")


def test_too_large_sparse_sheet_is_refused(tmp_path, monkeypatch):
    path = write_table(tmp_path / "t.xlsx", good_project("项目A"))
    monkeypatch.setattr(read, "MAX_DENSE_CELLS", 0)
    monkeypatch.setattr(read, "MAX_SHEET_CELLS", 20)
    with pytest.raises(InputError, match="过大"):
        read_source(path)
