"""What each button writes, on real .xlsx files through the openpyxl port."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlperf.api import check_path
from xlperf.core.grid import address
from xlperf.excel import commands
from xlperf.cli import file_commands
from xlperf.excel.marks import CODE_OF, RANK, cell_of
from xlperf.excel.openpyxl_port import OpenpyxlPort
from xlperf.excel.port import mark_sheet_for

from .conftest import HEADER_ROW, config_rows, make_rows, project_rows, write_table

SHEET = "绩效目标表"
MARKS = mark_sheet_for(SHEET)
EXPECTED_MARKS = {"K9": "E", "G15": "W", "H19": "W", "K29": "E", "G35": "W", "H39": "W"}


def press(path: Path, button: str, *, answers=False, save: bool = True, sheet: str = SHEET):
    port = OpenpyxlPort.open(path, answers=answers)
    port.wb.active = port.wb[sheet]
    ret = commands.run_button(port, getattr(commands, button))
    if save:
        port.save(path)
    return port, ret


def marks_of(wb, sheet: str = SHEET) -> dict[str, str]:
    name = mark_sheet_for(sheet)
    if name not in wb.sheetnames:
        return {}
    return {c.coordinate: c.value for row in wb[name].iter_rows() for c in row if c.value}


def table_snapshot(path: Path, cols: int = 12):
    """Values and fills of the table columns: what validate/clear must never change (校验说明,
    right of them, is xlperf's: its header cell is grey like every header xlperf writes)."""
    ws = load_workbook(path)[SHEET]
    values = [[ws.cell(r, c).value for c in range(1, cols + 1)] for r in range(1, ws.max_row + 1)]
    fills = {(c.coordinate, c.fill.fgColor.rgb) for row in ws.iter_rows(max_col=cols) for c in row if c.fill.fill_type}
    merges = sorted(str(m) for m in ws.merged_cells.ranges)
    return values, fills, merges


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 校验 -----------------------------------------------------------------------------------


def test_validate_marks_the_right_cells(table_file):
    press(table_file, "validate")
    wb = load_workbook(table_file)
    assert marks_of(wb) == EXPECTED_MARKS
    assert wb[MARKS].sheet_state == "veryHidden"
    rules = [(str(cf.sqref), r.formula[0], r.stopIfTrue) for cf in wb[SHEET].conditional_formatting for r in cf.rules]
    assert rules == [
        ("A4:L43", f"'{MARKS}'!A4=\"E\"", True),
        ("A4:L43", f"'{MARKS}'!A4=\"W\"", True),
    ]
    red = [r for cf in wb[SHEET].conditional_formatting for r in cf.rules][0]
    assert red.dxf.fill.fgColor.rgb.endswith("FFC7CE")


def test_validate_writes_the_notes_column(table_file):
    press(table_file, "validate")
    ws = load_workbook(table_file)[SHEET]
    notes = {c.coordinate: c.value for c in ws["M"] if c.value}
    assert notes["M3"] == "校验说明"
    assert set(notes) == {"M3"} | {f"M{a[1:]}" for a in EXPECTED_MARKS}
    assert notes["M9"].startswith("错误 VL990：K9 权重45过大")
    assert notes["M15"].startswith("警告 VL991")


def test_validate_lists_every_finding_with_links(table_file):
    port, result = press(table_file, "validate")
    rows = list(load_workbook(table_file)["校验结果"].iter_rows(values_only=True))
    assert rows[0] == ("级别", "代码", "单元格", "项目", "说明", "已豁免")
    assert len(rows) == 1 + len(result.findings) == 7
    assert rows[1] == ("错误", "VL990", "=HYPERLINK(\"#'绩效目标表'!K9\",\"K9\")", "项目00001",
                       "K9 权重45过大（测试）", None)
    assert {r[2].split('"')[-2] for r in rows[1:]} == set(EXPECTED_MARKS)


def test_validate_tells_the_clerk_and_selects_the_first_error(table_file):
    port, _ = press(table_file, "validate")
    assert len(port.messages) == 1
    text = port.messages[0]
    assert "错误 2 个、警告 4 个" in text and "项目00001、项目00005" in text and "Traceback" not in text
    wb = load_workbook(table_file)
    assert wb.active.title == SHEET
    assert wb[SHEET].sheet_view.selection[0].activeCell == "K9"


def test_validate_and_clear_leave_the_table_alone(table_file):
    before = table_snapshot(table_file)
    press(table_file, "validate")
    assert table_snapshot(table_file) == before
    press(table_file, "clear_marks")
    assert table_snapshot(table_file) == before


def test_validate_clear_validate_gives_the_same_marks(table_file):
    press(table_file, "validate")
    first = marks_of(load_workbook(table_file))
    port, _ = press(table_file, "clear_marks")
    assert "已清除" in port.messages[-1]
    wb = load_workbook(table_file)
    assert marks_of(wb) == {}
    assert [c.value for c in wb[SHEET]["M"] if c.value] == []
    press(table_file, "validate")
    wb = load_workbook(table_file)
    assert marks_of(wb) == first == EXPECTED_MARKS
    assert sum(len(cf.rules) for cf in wb[SHEET].conditional_formatting) == 2  # replaced, not piled up
    assert [c.coordinate for c in wb[SHEET]["M"] if c.value][0] == "M3"  # same column again


def test_the_clerks_own_conditional_format_survives(table_file):
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    wb = load_workbook(table_file)
    wb[SHEET].conditional_formatting.add("K4:K43", CellIsRule(operator="greaterThan", formula=["25"],
                                                              fill=PatternFill("solid", start_color="0000FF")))
    wb.save(table_file)
    for _ in range(2):
        press(table_file, "validate")
    cfs = [(str(cf.sqref), r.type) for cf in load_workbook(table_file)[SHEET].conditional_formatting for r in cf.rules]
    assert cfs.count(("K4:K43", "cellIs")) == 1 and len(cfs) == 3


def test_waived_findings_are_listed_not_marked(tmp_path, test_rules):
    rows = make_rows(4)
    for r in rows:
        r.append(None)
    rows[11][12] = "VL991"  # project 2's pending row (sheet row 15) waives VL991
    path = write_table(tmp_path / "w.xlsx", rows, config=config_rows())
    wb = load_workbook(path)
    wb[SHEET]["M3"] = "豁免"
    wb.save(path)
    port, result = press(path, "validate")
    wb = load_workbook(path)
    assert "G15" not in marks_of(wb)
    assert [r for r in wb["校验结果"].iter_rows(values_only=True) if r[1] == "VL991"][0][5] == "是"
    assert wb[SHEET]["N3"].value == "校验说明"  # right of the 豁免 column
    assert "（已豁免）" in wb[SHEET]["N15"].value
    assert "已豁免 1 个" in port.messages[0]


def test_marks_follow_every_finding_of_the_real_rulebook(tmp_path):
    """No test rules: whatever the rulebook finds, each cell shows its worst active finding."""
    rows = make_rows(6)
    rows[3][7] = ">="  # a non-canonical comparator
    rows[6][10] = None  # a missing weight
    path = write_table(tmp_path / "real.xlsx", rows)
    port, result = press(path, "validate")
    table = result.tables[0]
    want: dict[str, str] = {}
    for f in result.findings:
        rc = cell_of(f, table)
        if f.waived or rc is None or f.sheet != SHEET or rc[0] <= HEADER_ROW or rc[1] > 12:
            continue
        a = address(*rc)
        code = CODE_OF[f.severity]
        if RANK[code] > RANK[want.get(a)]:
            want[a] = code
    assert marks_of(load_workbook(path)) == want
    assert result.findings  # the planted problems were found


# --- round trips ------------------------------------------------------------------------------


def _counts(tmp_path, n_projects: int):
    path = write_table(tmp_path / f"n{n_projects}.xlsx", make_rows(n_projects), config=config_rows())
    port = OpenpyxlPort.open(path)
    commands.validate(port)
    return port.calls, dict(port.counts)


def test_validation_costs_the_same_few_calls_for_50_and_5000_rows(tmp_path, test_rules):
    small = _counts(tmp_path, 10)  # 50 rows
    large = _counts(tmp_path, 1000)  # 5,000 rows
    assert small == large
    assert small[0] <= 10
    assert small[1]["read_sheet"] == 2  # the table and 配置
    assert small[1]["write_block"] == 1 and small[1]["replace_sheet"] == 2


def test_autofix_costs_the_same_calls_for_50_and_5000_rows(tmp_path, test_rules):
    calls = []
    for n in (10, 1000):
        path = write_table(tmp_path / f"f{n}.xlsx", make_rows(n), config=config_rows())
        port = OpenpyxlPort.open(path)
        assert commands.autofix(port) == n // 4
        calls.append((port.calls, dict(port.counts)))
    assert calls[0] == calls[1] and calls[0][0] <= 6


@pytest.mark.parametrize("button,most", [("clear_marks", 5), ("weight_totals", 6), ("split_records", 6),
                                         ("export", 6), ("autofix", 6), ("undo_fix", 6), ("show_rules", 3)])
def test_other_buttons_cost_a_handful_of_calls(table_file, button, most):
    """A fixed handful whatever the size (fixes: one block per column of changes)."""
    press(table_file, "validate")
    press(table_file, "autofix")
    port, _ = press(table_file, button, answers=True)
    assert port.calls <= most, dict(port.counts)


# --- 权重合计 / 拆分为记录 / 导出报送 ----------------------------------------------------------


def test_weight_totals_sheet(table_file):
    port, _ = press(table_file, "weight_totals")
    rows = list(load_workbook(table_file)["权重合计"].iter_rows(values_only=True))
    assert rows[0] == ("单位", "项目", "预算数(万元)", "指标数", "产出指标", "效益指标", "满意度指标", "成本指标",
                       "合计", "期望", "状态", "位置")
    by_name = {r[1]: r for r in rows[1:]}
    ok, off = by_name["项目00000"], by_name["项目00001"]
    assert ok[:4] == ("208001-中国共产党遂宁市委员会政法委员会", "项目00000", 10, 5)
    assert ok[4:11] == (50, 30, 10, None, 90, 90, "通过")
    assert off[8] == 115 and off[10] == "权重合计不符"
    assert ok[11] == "=HYPERLINK(\"#'绩效目标表'!B4\",\"第4行\")"
    assert rows[-1][0] == "合计" and rows[-1][3] == 40
    assert "8个项目" in port.messages[-1] and "2个项目" in port.messages[-1]
    assert load_workbook(table_file).active.title == "权重合计"


def test_split_records_sheet_leaves_the_source_alone(table_file):
    before = table_snapshot(table_file)
    port, n = press(table_file, "split_records")
    assert n == 40
    rows = list(load_workbook(table_file)["清洗记录"].iter_rows(values_only=True))
    assert len(rows) == 41 and rows[0][0] == "工作表"
    first = dict(zip(rows[0], rows[1]))
    assert first["项目名称"] == "项目00000" and first["三级指标"] == "培训次数" and first["权重"] == 20
    second = dict(zip(rows[0], rows[2]))
    assert second["项目名称"] == "项目00000" and second["年度目标"]  # filled down from the merge
    assert table_snapshot(table_file) == before
    assert "40 条记录" in port.messages[-1]


def test_split_records_sheet_writes_a_non_number_weight_as_written(tmp_path):
    rows = project_rows(0)
    rows[1][10], rows[2][10] = "十", "10分"
    rows.append([None, None, None, None, "产出指标", "质量指标", None, None, None, None, "十五", None])  # weight only
    path = write_table(tmp_path / "文字权重.xlsx", rows, fills=False)
    port, n = press(path, "split_records")
    assert n == 6
    rows = list(load_workbook(path)["清洗记录"].iter_rows(values_only=True))
    col = rows[0].index("权重")
    assert [r[col] for r in rows[1:]] == [20, "十", "10分", 30, 10, "十五"]


def test_split_records_sheet_writes_a_non_number_budget_as_written(tmp_path):
    rows = project_rows(0) + project_rows(1) + project_rows(2)
    rows[0][2], rows[5][2] = "一百", " 约100万 "  # project 2 keeps its number (12)
    path = write_table(tmp_path / "文字预算.xlsx", rows, fills=False)
    port, n = press(path, "split_records")
    assert n == 15
    rows = list(load_workbook(path)["清洗记录"].iter_rows(values_only=True))
    col = rows[0].index("预算数(万元)")
    assert [r[col] for r in rows[1:]] == ["一百"] * 5 + ["约100万"] * 5 + [12] * 5


def test_weight_totals_sheet_writes_a_non_number_budget_as_written(tmp_path):
    rows = project_rows(0) + project_rows(1) + project_rows(2)
    rows[0][2], rows[5][2] = "一百", " 约100万 "  # project 2 keeps its number (12)
    path = write_table(tmp_path / "文字预算.xlsx", rows, fills=False)
    press(path, "weight_totals")
    ws = load_workbook(path)["权重合计"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("预算数(万元)")
    assert [r[col] for r in rows[1:]] == ["一百", "约100万", 12, 12]  # the 合计 adds the numbers only
    assert [ws.cell(r, col + 1).data_type for r in (2, 3, 4)] == ["s", "s", "n"]


def test_export_refuses_while_errors_remain_unless_confirmed(table_file):
    out = table_file.with_name("表_报送.xlsx")
    port, ret = press(table_file, "export", answers=False, save=False)
    assert ret is None and not out.exists()
    assert "仍要导出吗" in port.questions[0] and "已取消导出" in port.messages[-1]
    port, ret = press(table_file, "export", answers=True, save=False)
    assert ret == out and out.is_file()
    assert str(out) in port.messages[-1]
    assert "绩效目标表" in load_workbook(out).sheetnames


def test_export_of_a_clean_table_asks_nothing(tmp_path, test_rules):
    path = write_table(tmp_path / "clean.xlsx", [r for i in range(3) for r in project_rows(i)], config=config_rows())
    port, ret = press(path, "export", save=False)
    assert ret is not None and ret.is_file() and port.questions == []


def test_export_needs_a_saved_workbook(table_file):
    port = OpenpyxlPort(load_workbook(table_file), None)
    commands.run_button(port, commands.export)
    assert "另存为" in port.messages[-1]


# --- 自动修正 / 撤销修正 / fix ------------------------------------------------------------------


def test_autofix_then_undo(table_file):
    port, n = press(table_file, "autofix")
    assert n == 2
    wb = load_workbook(table_file)
    assert wb[SHEET]["H19"].value == "≥" and wb[SHEET]["H39"].value == "≥"
    assert wb["_xlperf_undo"].sheet_state == "veryHidden"
    undo = list(wb["_xlperf_undo"].iter_rows(values_only=True))
    assert undo[1][:4] == (SHEET, "H19", ">=", "≥")
    assert port.counts["write_block"] == 1  # H19:H39 in one block, the cells between written back as they were
    port, n = press(table_file, "autofix")
    assert n == 0 and "没有可以自动修正的问题" in port.messages[-1]
    port, n = press(table_file, "undo_fix")
    assert n == 2 and "恢复了 2 个" in port.messages[-1]
    ws = load_workbook(table_file)[SHEET]
    assert ws["H19"].value == ">=" and ws["H39"].value == ">="
    port, n = press(table_file, "undo_fix")
    assert n == 0 and "没有可以撤销" in port.messages[-1]


def test_undo_keeps_a_cell_the_clerk_changed_since(table_file):
    press(table_file, "autofix")
    wb = load_workbook(table_file)
    wb[SHEET]["H19"] = "≤"
    wb.save(table_file)
    port, n = press(table_file, "undo_fix")
    assert n == 1 and "绩效目标表!H19" in port.messages[-1]
    ws = load_workbook(table_file)[SHEET]
    assert ws["H19"].value == "≤" and ws["H39"].value == ">="


def test_fix_file_twice_is_fix_once(table_file, tmp_path):
    before = sha(table_file)
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    assert file_commands.fix_file(table_file, once) == 2
    assert file_commands.fix_file(once, twice) == 0
    assert sha(table_file) == before
    a, b = load_workbook(once)[SHEET], load_workbook(twice)[SHEET]
    assert [[c.value for c in r] for r in a.iter_rows()] == [[c.value for c in r] for r in b.iter_rows()]
    assert a["H19"].value == "≥"


def test_fix_file_with_the_real_rulebook_converges(tmp_path):
    rows = make_rows(5)
    rows[0][7], rows[1][11], rows[2][10] = ">=", "正向", "15"  # spellings and a number as text
    src = write_table(tmp_path / "real.xlsx", rows)
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    n = file_commands.fix_file(src, once)
    assert file_commands.fix_file(once, twice) == 0
    assert n >= 1
    ws = load_workbook(once)[SHEET]
    assert ws["H4"].value == "≥"


def test_fix_file_refuses_other_kinds(table_file, tmp_path):
    from xlperf.writers.atomic import OutputError

    with pytest.raises(OutputError):
        file_commands.fix_file(table_file, tmp_path / "x.xlsm")


# --- --mark -----------------------------------------------------------------------------------


def test_mark_file_writes_a_marked_copy_and_never_the_input(table_file, tmp_path):
    from xlperf.core.config import Config

    before = sha(table_file)
    result = check_path(table_file, config=Config(select=["VL99", "NM99"]))
    out = tmp_path / "marked.xlsx"
    file_commands.mark_file(table_file, out, result)
    assert sha(table_file) == before
    wb = load_workbook(out)
    assert marks_of(wb) == EXPECTED_MARKS
    assert wb["校验结果"].max_row == 7 and wb[SHEET]["M3"].value == "校验说明"


def test_mark_file_from_pasted_text(tmp_path):
    from xlperf.api import sample_text_path

    src = sample_text_path()
    result = check_path(src)
    out = tmp_path / "sample.xlsx"
    file_commands.mark_file(src, out, result)
    wb = load_workbook(out)
    table = result.tables[0]
    marked = marks_of(wb, table.sheet)
    errors = {f.cell for f in result.findings if f.severity == "error" and f.cell and not f.waived
              and f.sheet == table.sheet}
    assert errors and errors <= set(marked) | {c for c in errors if ":" in c}
    assert wb["校验结果"].max_row == len(result.findings) + 1


# --- settings and errors ----------------------------------------------------------------------


def test_config_sheet_changes_the_verdict(tmp_path, test_rules):
    path = write_table(tmp_path / "c.xlsx", make_rows(4),
                       config=config_rows([["期望权重合计", 115], ["关闭规则", "VL990"]]))
    port, result = press(path, "validate")
    assert result.config.expected_total == 115
    assert [f.code for f in result.findings if f.severity == "error"] == []
    assert "权重合计不等于115" in port.messages[0] and "项目00000" in port.messages[0]


def test_toml_beside_the_workbook_then_the_sheet_on_top(tmp_path, test_rules):
    (tmp_path / "xlperf.toml").write_text('expected_total = 100\nignore = ["VL991"]\n', encoding="utf-8")
    path = write_table(tmp_path / "t.xlsx", make_rows(4), config=config_rows([["关闭规则", "NM990"]]))
    _, result = press(path, "validate")
    assert result.config.expected_total == 100
    assert {f.code for f in result.findings} == {"VL990"}


def test_a_bad_setting_is_a_message(tmp_path, test_rules):
    path = write_table(tmp_path / "b.xlsx", make_rows(2), config=config_rows([["期望权重合计", "九十"]]))
    port, ret = press(path, "validate")
    assert ret is None and "不是数字" in port.messages[-1]
    assert "校验结果" not in load_workbook(path).sheetnames


def test_buttons_refuse_sheets_that_are_not_tables(table_file):
    port, _ = press(table_file, "validate", sheet="配置")
    assert "xlperf 生成的工作表" in port.messages[-1]
    wb = load_workbook(table_file)
    wb.create_sheet("备注").append(["随便写的内容"])
    wb.save(table_file)
    port, _ = press(table_file, "validate", sheet="备注")
    assert "不是绩效目标表" in port.messages[-1]
    assert "校验结果" not in load_workbook(table_file).sheetnames


def test_an_internal_error_is_a_message_and_writes_nothing(table_file, monkeypatch):
    import xlperf.excel.commands as cmd

    def boom(*a, **k):
        raise RuntimeError("意外")

    monkeypatch.setattr(cmd, "summary_text", boom)
    before = sha(table_file)
    port = OpenpyxlPort.open(table_file)
    assert commands.run_button(port, commands.validate) is None
    text = port.messages[-1]
    assert "处理时出错" in text and "RuntimeError: 意外" in text and "xlperf-error.log" in text
    assert "Traceback" not in text
    assert port.counts["replace_sheet"] == 0 and port.counts["write_block"] == 0
    assert sha(table_file) == before
    assert "Traceback" in commands.log_path().read_text(encoding="utf-8")


def test_show_rules_builds_the_sheet_when_missing(table_file):
    port, _ = press(table_file, "show_rules")
    wb = load_workbook(table_file)
    assert wb.active.title == "规则说明"
    rows = list(wb["规则说明"].iter_rows(values_only=True))
    assert rows[0][:3] == ("代码", "级别", "名称") and any(r[0] == "VL990" for r in rows)
