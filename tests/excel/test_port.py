"""The openpyxl port: one call per operation, text stays text, sheets swap whole."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from xlperf.core.grid import Merge
from xlperf.excel.openpyxl_port import OpenpyxlPort
from xlperf.excel.port import Formula, WorkbookPort, mark_sheet_for, quote_sheet


@pytest.fixture
def book(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["B3"] = "x"
    ws["C4"] = 5
    ws["D5"] = "=C4*2"
    ws.merge_cells("B6:B8")
    ws["B6"] = "merged"
    wb.create_sheet("其他")
    path = tmp_path / "b.xlsx"
    wb.save(path)
    return path


def test_is_a_workbook_port(book):
    assert isinstance(OpenpyxlPort.open(book), WorkbookPort)


def test_read_sheet_from_a1_with_merges_and_formulas(book):
    port = OpenpyxlPort.open(book)
    data = port.read_sheet("表", formulas=True)
    assert data.height == 8 and data.width == 4
    assert data.values[2][1] == "x" and data.values[0] == [None] * 4
    assert data.merges == [Merge(5, 1, 7, 1)]
    assert data.formulas == {(4, 3): "=C4*2"}
    assert data.values[4][3] is None  # never calculated (openpyxl wrote it): no cached value
    assert port.read_sheet("表").formulas is None
    assert port.read_sheet("没有") is None
    assert port.calls == 3 and port.counts["read_sheet"] == 3


def test_write_block_text_formula_and_blank(book, tmp_path):
    port = OpenpyxlPort.open(book)
    port.write_block("其他", "B2", [["=1+1", Formula("=1+1"), None], [5, "#N/A", "x"]])
    port.write_block("表", "C4", [[None]])
    port.write_block("表", "B7", [["hidden under a merge"]])
    out = tmp_path / "o.xlsx"
    port.save(out)
    ws = load_workbook(out)["其他"]
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s"  # text stays text
    assert ws["C2"].value == "=1+1" and ws["C2"].data_type == "f"
    assert ws["D2"].value is None and ws["B3"].value == 5 and ws["C3"].data_type == "s"
    t = load_workbook(out)["表"]
    assert t["C4"].value is None and t["B6"].value == "merged"


def test_replace_sheet_keeps_position_and_active_sheet(book, tmp_path):
    port = OpenpyxlPort.open(book)
    port.replace_sheet("结果", [["a", "b"], [1, 2]], widths={"A": 20})
    port.replace_sheet("表2", [["z"]], top_left="C3", visibility="veryHidden")
    port.replace_sheet("结果", [["only"]])
    out = tmp_path / "o.xlsx"
    port.save(out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["表", "其他", "结果", "表2"]
    assert [list(r) for r in wb["结果"].iter_rows(values_only=True)] == [["only"]]
    assert wb["结果"].column_dimensions["A"].width != 20  # a new sheet each time
    assert wb["表2"].sheet_state == "veryHidden" and wb["表2"]["C3"].value == "z"
    assert wb.active.title == "表"


def test_apply_marks_format_replaces_only_its_own_rules(book, tmp_path):
    from openpyxl.formatting.rule import CellIsRule

    port = OpenpyxlPort.open(book)
    port.wb["表"].conditional_formatting.add("A1:D8", CellIsRule(operator="equal", formula=["5"]))
    mark = mark_sheet_for("表")
    port.apply_marks_format("表", "A4:D8", mark)
    port.apply_marks_format("表", "A4:D9", mark)
    rules = [(str(cf.sqref), r.type, r.formula) for cf in port.wb["表"].conditional_formatting for r in cf.rules]
    assert rules == [("A1:D8", "cellIs", ["5"]),
                     ("A4:D9", "expression", [f'{quote_sheet(mark)}!A4="E"']),
                     ("A4:D9", "expression", [f'{quote_sheet(mark)}!A4="W"'])]


def test_mark_sheet_names():
    assert mark_sheet_for("绩效目标表") == "_xlperf_marks_绩效目标表"
    long = mark_sheet_for("一个非常非常非常非常长的工作表名称啊")
    assert long.startswith("_xlperf_marks_") and len(long) <= 31
    assert mark_sheet_for("a'b") != "_xlperf_marks_a'b" and quote_sheet("a'b") == "'a''b'"


def test_select_and_messages(book):
    port = OpenpyxlPort.open(book, answers=[True, False])
    port.select("其他", "C7")
    assert port.wb.active.title == "其他"
    assert port.wb["其他"].sheet_view.selection[0].activeCell == "C7"
    assert not port.wb["表"].sheet_view.tabSelected
    port.message("你好")
    assert port.ask("是吗？") is True and port.ask("是吗？") is False and port.ask("是吗？") is False
    assert port.messages == ["你好"] and len(port.questions) == 3
    assert port.counts["ask"] == 3


def _with_ribbon(path):
    """Make `path` carry a ribbon part and its relationship, as PerfTemplate.xlsm does."""
    rel = ('<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2007/relationships/'
           'ui/extensibility" Target="customUI/customUI14.xml"/>')
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    parts["customUI/customUI14.xml"] = b'<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui"/>'
    with zipfile.ZipFile(path, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)


def test_saving_an_xlsm_keeps_the_ribbon(book, tmp_path):
    src = tmp_path / "r.xlsm"
    src.write_bytes(book.read_bytes())
    _with_ribbon(src)
    port = OpenpyxlPort.open(src)
    port.replace_sheet("结果", [["x"]])
    out = tmp_path / "out.xlsm"
    port.save(out)
    with zipfile.ZipFile(out) as z:
        assert b"ui/extensibility" in z.read("_rels/.rels")
        assert "customUI/customUI14.xml" in z.namelist()
    assert load_workbook(out, keep_vba=True)["结果"]["A1"].value == "x"


def test_open_refuses_what_is_not_a_workbook(tmp_path):
    from xlperf.readers.source import InputError

    p = tmp_path / "x.xlsx"
    p.write_text("not a zip")
    with pytest.raises(InputError):
        OpenpyxlPort.open(p)
