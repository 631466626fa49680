"""The --mark writer after its speed work writes what it wrote before (tests/mark_writer_reference.py,
the code of commit a3ec99a): every part of the marked copy, inflated, byte for byte; the zip's
part names, order, times and CRCs; and the copy is at most 25 % larger than at the old level 6
(the deflate level is the one thing that changed on purpose: zipstream.MARK_LEVEL)."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from xlperf.api import check_path
from xlperf.cli import file_commands
from xlperf.excel import marks
from xlperf.writers import mark_package as mp
from xlperf.writers import sheet_layout

from . import mark_writer_reference as ref

ROOT = Path(__file__).resolve().parents[1]


def _generate():
    spec = importlib.util.spec_from_file_location("xlperf_bench_generate_oracle", ROOT / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _mark(src: Path, out: Path, reference: bool) -> Path:
    result = check_path(src)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(file_commands, "_mark_with_openpyxl", _no_fallback)
        if reference:
            m.setattr(mp.SheetXml, "pieces", ref.sheet_pieces)
            m.setattr(mp, "new_sheet_xml", ref.new_sheet_xml)
            m.setattr(sheet_layout, "new_sheet_pieces", ref.new_sheet_pieces)
            m.setattr(sheet_layout, "lay_out_package_sheet", ref.lay_out_package_sheet)
            m.setattr(sheet_layout, "fitted_heights", ref.fitted_heights)
            m.setattr(marks, "text_height", ref.text_height)
        file_commands.mark_file(src, out, result)
    return out


def _no_fallback(*args):
    raise AssertionError("the openpyxl fallback was used")


def _same_parts(new: Path, old: Path) -> None:
    with zipfile.ZipFile(new) as a, zipfile.ZipFile(old) as b:
        ia, ib = a.infolist(), b.infolist()
        assert [i.filename for i in ia] == [i.filename for i in ib]
        for x, y in zip(ia, ib):
            assert (x.date_time, x.CRC, x.file_size) == (y.date_time, y.CRC, y.file_size), x.filename
            assert a.read(x) == b.read(y), x.filename


def _size_at_level_6(path: Path) -> int:
    total = 0
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            if i.compress_type == zipfile.ZIP_DEFLATED:
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                total += len(c.compress(z.read(i)) + c.flush())
            else:
                total += i.compress_size
    return total


@pytest.fixture(scope="module")
def bench_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("oracle") / "bench_1500.xlsx"
    _generate().generate(1500, path, seed=11)
    return path


def test_marked_copy_is_the_reference_one(bench_book, tmp_path):
    new = _mark(bench_book, tmp_path / "new.xlsx", reference=False)
    old = _mark(bench_book, tmp_path / "old.xlsx", reference=True)
    _same_parts(new, old)
    with zipfile.ZipFile(new) as z:
        stored = sum(i.compress_size for i in z.infolist())
    assert stored <= 1.25 * _size_at_level_6(new)


def test_marking_a_marked_copy_again_is_the_reference_one(bench_book, tmp_path):
    # the second time the notes column, its styles and the raised rows are the file's own
    first = _mark(bench_book, tmp_path / "first.xlsx", reference=False)
    _same_parts(_mark(first, tmp_path / "new.xlsx", reference=False), _mark(first, tmp_path / "old.xlsx", reference=True))


HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<dimension ref="A1:C9"/>')


def test_row_look_on_odd_rows_is_the_reference_one():
    """Rows the layout must touch outside the edited ones, existing heights (lower and higher),
    an unstyled cell of the notes column, self-closing rows, a row whose r is not first, a note
    between cells, a new row: the look applied as rows are written equals the two passes."""
    body = (b'<sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c></row>'
            b'<row r="2" ht="40" customHeight="1"><c r="A2"><v>1</v></c></row>'
            b'<row r="3" ht="12"><c r="A3"><v>1</v></c><c r="D3"/></row>'
            b'<row r="4"/><row spans="1:2" r="5"><c r="A5"><v>2</v></c></row>'
            b'<row r="6"><c r="A6"><v>1</v></c><c r="E6"><v>3</v></c></row>'
            b'<row r="8"><c r="D8"/></row><row r="9"><c r="A9"><v>1</v></c></row></sheetData>')
    edits = {(1, 4): "校验说明", (2, 4): "错误 VL001：" + "很长的说明" * 12, (3, 4): "短", (4, 4): "x",
             (5, 4): "y", (6, 4): "between", (7, 4): "a new row", (9, 4): None}
    heights = {2: 30.0, 3: 48.0, 4: 20.0, 5: 20.0, 7: 30.0, 8: 99.0, 9: 20.0}

    def run(reference: bool) -> bytes:
        sx = mp.SheetXml("t", "p", HEAD + body + b"</worksheet>", mp.SharedStrings(lambda: b"<sst/>"))
        sx.set_cells(edits)
        pkg = _FakePackage(sx)
        with pytest.MonkeyPatch.context() as m:
            if reference:
                m.setattr(mp.SheetXml, "pieces", ref.sheet_pieces)
            for module in (sheet_layout, ref):
                m.setattr(module, "add_xf", lambda pkg, **kw: 7 if kw.get("bold") else 5)
                m.setattr(module, "extend_print_area", lambda *a: None)
            (ref.lay_out_package_sheet if reference else sheet_layout.lay_out_package_sheet)(
                pkg, "t", 4, 40, heights, None, header_row=1)
            return b"".join(sx.pieces())

    new, old = run(False), run(True)
    assert new == old
    assert b'<row r="8" ht="99.0" customHeight="1">' in new and b'<c r="D8" s="5"/>' in new


class _FakePackage:
    workbook_part = "xl/workbook.xml"

    def __init__(self, sx):
        self.sx = sx

    def worksheet(self, name):
        return self.sx

    def _xml(self, part):
        from lxml import etree

        return etree.fromstring(b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
