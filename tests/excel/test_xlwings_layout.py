"""Live Excel gets what the files get (issues 13 and 14), through the xlwings port on the recording
fake (tests/excel/xlwings_fake.py, Windows/COM mode): the own-sheet marker on every sheet a button
creates, the 校验说明 column's wrap and height, 校验结果 coloured by 级别 with a frozen, filtered
header, and the print set-up — only where the clerk has none. The same buttons run through the
openpyxl port on the same file, and both must come out the same."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlperf.core.own_sheets import MARKER
from xlperf.excel import commands
from xlperf.excel.marks import NOTES_WIDTH, TableLayout
from xlperf.excel.openpyxl_port import OpenpyxlPort
from xlperf.excel.xlwings_port import XlwingsPort, clerk_has_print_setup, widened_print_area
from xlperf.writers.sheet_layout import PrintSetup

from .conftest import config_rows, make_rows, write_table
from .xlwings_fake import FakeBook, save_fake

SHEET = "绩效目标表"
BUTTONS = ("validate", "weight_totals", "split_records", "export", "clear_marks", "autofix", "undo_fix", "show_rules")


@pytest.fixture
def table(tmp_path, test_rules):
    return write_table(tmp_path / "表.xlsx", make_rows(8), config=config_rows(), fills=False)


def excel(path: Path) -> tuple[FakeBook, XlwingsPort]:
    book = FakeBook.from_file(path, com=True)
    return book, XlwingsPort(book, com=True)


def press(port: XlwingsPort, button: str, sheet: str = SHEET) -> None:
    port.book._active = port.book._sheet(sheet)  # the clerk clicks on the table
    port.reset_counts()
    with port.busy():
        commands.run_button(port, getattr(commands, button))
    assert port.calls <= 10, (button, sorted(port.counts.items()))


def marker_of(book: FakeBook, sheet: str) -> list[dict]:
    return [n for n in book._names if n["sheet"] == sheet and n["name"] == MARKER]


# --- issue 13: the marker -------------------------------------------------------------------------


def test_every_sheet_a_button_creates_carries_the_marker(table):
    book, port = excel(table)
    for button in ("validate", "weight_totals", "split_records", "autofix"):
        press(port, button)
    book._sheets = [s for s in book._sheets if s._name != "规则说明"]
    press(port, "show_rules")
    created = {"校验结果", "权重合计", "清洗记录", "规则说明", "_xlperf_marks_绩效目标表", "_xlperf_undo"}
    assert created <= set(book.sheet_names)
    for name in created:
        # Names.Add("'校验结果'!_xlperf_sheet", '="校验结果"', False): a hidden name of that sheet,
        # whose value is the sheet's name, as the file ports write it
        assert marker_of(book, name) == [dict(sheet=name, name=MARKER, refers_to=f'="{name}"', visible=False)], name
        assert ("Names.Add()", (f"'{name}'!{MARKER}", f'="{name}"', False)) in book._sets(name)
    assert marker_of(book, SHEET) == [] and marker_of(book, "配置") == []  # never the clerk's sheets


def test_a_later_validate_knows_its_sheets_by_the_marker(table):
    book, port = excel(table)
    press(port, "validate")
    info = port.book_info()
    assert "校验结果" in info.own and SHEET not in info.own
    press(port, "validate")
    assert "校验结果(2)" not in book.sheet_names  # its own sheet, replaced
    assert len(marker_of(book, "校验结果")) == 1  # Names.Add replaced the earlier marker


def test_the_marker_round_trips_through_a_saved_file(table, tmp_path):
    """What Excel saves is what the file readers and the CLI recognise, and back."""
    from xlperf.api import check_path

    book, port = excel(table)
    press(port, "validate")
    saved = save_fake(book, tmp_path / "saved.xlsx")
    wb = load_workbook(saved)
    assert wb["校验结果"].defined_names[MARKER].hidden and wb["校验结果"].defined_names[MARKER].attr_text == '"校验结果"'
    assert OpenpyxlPort.open(saved).own_sheet("校验结果")
    result = check_path(saved)
    assert {t.sheet for t in result.tables} == {SHEET}  # 校验结果 skipped as xlperf's own
    # the CLI's marked copy opened in Excel: the file ports' marker is recognised there
    again = OpenpyxlPort.open(saved)
    commands.validate(again)
    again.save(tmp_path / "cli.xlsx")
    book2, port2 = excel(tmp_path / "cli.xlsx")
    assert "校验结果" in port2.book_info().own


def test_a_clerks_table_on_a_sheet_named_like_ours_is_not_ours(table, tmp_path):
    """A sheet called 校验结果 without the marker that holds the clerk's table: 校验 writes
    校验结果(2) beside it, and 校验 on it checks it as a table."""
    from xlperf.api import check_path

    wb = load_workbook(table)
    wb.copy_worksheet(wb[SHEET]).title = "校验结果"
    wb.save(table)
    book, port = excel(table)
    before = dict(book._sheet("校验结果")._cells)
    press(port, "validate")
    assert "校验结果(2)" in book.sheet_names and marker_of(book, "校验结果(2)")
    assert book._sheet("校验结果")._cells == before and marker_of(book, "校验结果") == []
    press(port, "validate", "校验结果")
    assert "不是" not in book.app._alerts[-1][0] and "xlperf 生成" not in book.app._alerts[-1][0]
    assert "校验说明" in book._sheet("校验结果")._cells.values()
    saved = save_fake(book, tmp_path / "saved.xlsx")
    assert {t.sheet for t in check_path(saved).tables} == {SHEET, "校验结果"}


# --- issue 14: how the marked table looks and prints ----------------------------------------------


def test_validate_lays_out_the_marked_table_like_the_file_port(table, tmp_path):
    wb = load_workbook(table)
    for i, letter in enumerate("ABCDEFGHIJKL"):  # the clerk's widths: the scale must come from them
        wb[SHEET].column_dimensions[letter].width = 10 + 3 * i
    wb.save(table)
    book, port = excel(table)
    press(port, "validate")
    sh = book._sheet(SHEET)
    assert sh._widths[13] == NOTES_WIDTH
    last = 43  # the notes run from the header (M3) to the table's last row
    assert all(sh._fmt[(r, 13)] .get("wrap") and sh._fmt[(r, 13)]["valign"] == "top" for r in range(4, last + 1))
    assert sh._fmt[(3, 13)]["bold"] and sh._fmt[(3, 13)]["fill"] == "#D9D9D9"
    # the print set-up, batched, in the order Excel needs it
    page = book._sets(SHEET, "PageSetup.")
    sets = dict(page)
    assert page == [("PageSetup.PaperSize", 9), ("PageSetup.Orientation", 2), ("PageSetup.Zoom", sets["PageSetup.Zoom"]),
                    ("PageSetup.PrintTitleRows", "$3:$3")]
    assert 10 <= sets["PageSetup.Zoom"] < 100  # a scale, so that the page break before 校验说明 counts
    assert book._unbatched == []  # every PageSetup property between PrintCommunication False and True
    app = [v for where, what, v in book._log if what == "Application.PrintCommunication"]
    assert app == [False, True] * 2  # the table, then 校验结果
    assert book._sets(SHEET, "VPageBreaks") == [("VPageBreaks.Add()", ("M1",))]  # 校验说明 on the next page
    # the same file through the openpyxl port (the CLI's marked copy): the same print set-up
    op = OpenpyxlPort.open(table)
    commands.validate(op)
    op.save(tmp_path / "o.xlsx")
    ws = load_workbook(tmp_path / "o.xlsx")[SHEET]
    assert sets["PageSetup.Zoom"] == ws.page_setup.scale and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3" and [b.id for b in ws.col_breaks.brk] == [12]
    assert ws.column_dimensions["M"].width == NOTES_WIDTH and ws["M3"].font.bold
    saved = load_workbook(save_fake(book, tmp_path / "x.xlsx"))[SHEET]
    assert [b.id for b in saved.col_breaks.brk] == [12] and saved.page_setup.scale == ws.page_setup.scale


def test_the_clerks_print_set_up_is_kept(table, tmp_path):
    wb = load_workbook(table)
    ws = wb[SHEET]
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "2:3"
    ws.print_area = "A1:L43"
    wb.save(table)
    book, port = excel(table)
    press(port, "validate")
    # only the print area grows to take in 校验说明; nothing else of the clerk's set-up is set
    assert book._sets(SHEET, "PageSetup.") == [("PageSetup.PrintArea", "$A$1:$M$43")]
    assert book._sets(SHEET, "VPageBreaks") == []
    p = book._sheet(SHEET)._page
    assert (p.Zoom, p.PrintTitleRows, p.Orientation) == (False, "$2:$3", 1)
    # the openpyxl port does the same
    op = OpenpyxlPort.open(table)
    commands.validate(op)
    op.save(tmp_path / "o.xlsx")
    o = load_workbook(tmp_path / "o.xlsx")[SHEET]
    assert o.print_area == "'绩效目标表'!$A$1:$M$43" and o.print_title_rows == "$2:$3" and not o.col_breaks.brk


def test_clerk_print_set_up_rule():
    class PS:
        Orientation, Zoom, PrintTitleRows, PrintTitleColumns, PrintArea = 1, 100, "", "", ""

    assert not clerk_has_print_setup(PS())
    for k, v in (("Orientation", 2), ("Zoom", False), ("Zoom", 85), ("PrintTitleRows", "$1:$2"),
                 ("PrintTitleColumns", "$A:$A"), ("PrintArea", "$A$1:$L$9")):
        ps = PS()
        setattr(ps, k, v)
        assert clerk_has_print_setup(ps), k
    assert widened_print_area("$A$1:$L$120", 13) == "$A$1:$M$120"
    assert widened_print_area("$A$1:$K$120", 13) is None and widened_print_area("$A$1:$L$9,$A$20:$L$30", 13) is None
    assert widened_print_area("", 13) is None


def test_rows_are_raised_to_fit_the_notes_never_lowered(table):
    book, port = excel(table)
    sh = book._sheet(SHEET)
    sh._heights[9] = 80.0  # the clerk's own tall row
    spec = TableLayout(13, (3, 43), {5: 34.2, 9: 49.8, 20: 600.0}, 3, None)
    port.lay_out_table(SHEET, spec)
    assert sh._heights[5] == 34.2 and sh._heights[9] == 80.0  # raised; the clerk's taller row kept
    assert sh._heights[20] == 409.0  # Excel's tallest row
    assert book._sets(SHEET, "PageSetup.") == []  # spec.print None: nothing printed differently
    # uniform rows: their height read in one call, not one per row
    book2, port2 = excel(table)
    port2.lay_out_table(SHEET, TableLayout(13, (3, 43), {r: 34.2 for r in range(5, 40)}, 3, None))
    assert book2._height_reads == 1


def test_a_long_note_raises_its_row_in_excel(table, monkeypatch):
    from xlperf.core.rules.registry import REGISTRY

    rule = REGISTRY["VL991"]
    monkeypatch.setitem(REGISTRY, "VL991", dataclasses.replace(rule, message="{cell} 指标名称待定（测试）" + "，请写明具体的指标名称" * 8))
    book, port = excel(table)
    press(port, "validate")
    sh = book._sheet(SHEET)
    note_rows = [r for (r, c), v in sh._cells.items() if c == 13 and isinstance(v, str) and "VL991" in v]
    assert note_rows and all(sh._heights.get(r, 15) > 30 for r in note_rows)


# --- issue 14: the sheets xlperf writes ---------------------------------------------------------


def test_results_sheet_in_excel(table):
    book, port = excel(table)
    press(port, "validate")
    res = book._sheet("校验结果")
    n = 1 + 6  # header + findings
    assert res._frozen == 1 and res._filter == f"A1:F{n}"
    assert [(cf.formula, cf._area, cf._fill, cf._font, cf._active) for cf in res._cfs] == [
        ('=$A2="错误"', f"A2:F{n}", "#FFC7CE", "#9C0006", ("校验结果", "A2")),
        ('=$A2="警告"', f"A2:F{n}", "#FFEB9C", "#9C5700", ("校验结果", "A2")),
    ]
    assert all(res._fmt[(1, c)]["bold"] and res._fmt[(1, c)]["fill"] == "#D9D9D9" for c in range(1, 7))
    assert res._fmt[(2, 5)]["wrap"] and res._fmt[(2, 4)]["wrap"] and not res._fmt[(2, 1)].get("wrap")
    assert res._autofit and res._widths[5] == 64
    sets = dict(book._sets("校验结果", "PageSetup."))
    assert sets == {"PageSetup.PaperSize": 9, "PageSetup.Orientation": 2, "PageSetup.Zoom": False,
                    "PageSetup.FitToPagesWide": 1, "PageSetup.FitToPagesTall": False,
                    "PageSetup.PrintTitleRows": "$1:$1"}
    assert book._active._name == SHEET and book._active_cell == (SHEET, "K9")  # the clerk stays on the table
    # a second 校验: rules and filter replaced, not piled up or toggled off
    press(port, "validate")
    assert len(res._cfs) == 2 and res._filter == f"A1:F{n}" and res._frozen == 1


def test_rules_sheet_rebuilt_in_excel(table):
    book, port = excel(table)
    press(port, "show_rules")
    rules = book._sheet("规则说明")
    assert rules._frozen == 1 and rules._filter and rules._fmt[(2, 5)]["wrap"]
    assert dict(book._sets("规则说明", "PageSetup."))["PageSetup.PrintTitleRows"] == "$1:$1"
    assert book._active._name == "规则说明"


@pytest.mark.parametrize("button", BUTTONS)
def test_every_button_stays_within_ten_port_calls(table, button):
    book, port = excel(table)
    press(port, "validate")
    press(port, "autofix")
    press(port, button)


def test_without_com_only_the_public_api_is_used(table):
    """macOS (or any Excel without COM): widths, wrap and heights still; no .api at all."""
    book = FakeBook.from_file(table, com=False)
    port = XlwingsPort(book, com=False)
    press(port, "validate")
    assert book._log == []
    assert book._sheet(SHEET)._widths[13] == NOTES_WIDTH and book._sheet(SHEET)._fmt[(4, 13)]["wrap"]


def test_print_setup_scale_rule_is_shared():
    """The marked table's print rule lives in one place (excel.marks.table_layout)."""
    from xlperf.excel.marks import table_layout

    spec = table_layout([("M3", [["校验说明"], [None], ["错误 VL990：" + "很长的说明" * 20]])], 3)
    assert spec.print == PrintSetup(landscape=True, break_after=12, title_rows=(3, 3))
    # every noted row at least one wrapped line (18.6 pt, taller than Excel's 15), the long one more
    assert spec.notes_rows == (3, 5) and spec.heights[3] == 18.6 and spec.heights[5] > 40 and 4 not in spec.heights
    assert spec.header_row == 3 and spec.last_col == 12
