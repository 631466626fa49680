"""Forms beyond the basic MoF shape, written as .xlsx and read back: the cost breakdown block
(成本构成 → ``Project.costs``, BG012/BG013, ST022, ``projects[].costs`` in the JSON), the blank
项目绩效目标表 of PerfTemplate.xlsm (ST021: one finding, never 未找到表头), and footnotes
(注：/备注：/说明：) under stacked forms."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Iterable

import openpyxl
import pytest
from typer.testing import CliRunner

from xlperf.api import check_path
from xlperf.cli.app import app

from .test_form_reader import form_rows


def write(path: Path, rows: list[list[Any]], merges: Iterable[str] = (), sheet: str = "绩效目标表") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def cli(*args: Any) -> tuple[int, str]:
    r = CliRunner().invoke(app, [*map(str, args)])
    return r.exit_code, r.stdout


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


TOP = form_rows()[:6]  # title, 项目名称, 实施单位, funds block (年度资金总额 120 = 100 + 20)
BOTTOM = form_rows()[6:]  # 年度目标, the indicator grid (4 indicators)


# --- the cost breakdown ------------------------------------------------------------------------------


def test_a_labelled_cost_block_is_read_line_by_line_with_its_cells(tmp_path):
    rows = TOP + [["项目成本构成(万元)", "成本项目", "金额", "测算依据"],
                  [None, "人员成本", 20, "2人×10万元"],
                  [None, "设备购置", 100, None],
                  [None, "其中：电脑", 10, None],
                  [None, "合计", 120, None]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows, ["A7:A11"]))
    (t,) = res.tables
    (p,) = t.projects
    c = p.costs
    assert (c.label, c.label_cell, c.columns, c.units) == ("项目成本构成(万元)", "A7", ["金额"], {"金额": "万元"})
    assert c.cells == {"成本项目": "B7", "金额": "C7", "测算依据": "D7"}
    assert [(ln.label, ln.amounts["金额"], ln.sub, ln.total) for ln in c.lines] == [
        ("人员成本", 20, False, False), ("设备购置", 100, False, False), ("其中：电脑", 10, True, False),
        ("合计", 120, False, True)]
    assert c.lines[0].cells == {"label": "B8", "金额": "C8", "测算依据": "D8"}
    assert c.lines[0].details == {"测算依据": "2人×10万元"}
    # the funds block stops where the cost block starts; the grid is read as before
    assert p.budget == 120 and [ln.label for ln in p.funds.lines] == ["其中：财政拨款", "其他资金"]
    assert len(p.indicators) == 4
    assert "ST010" not in codes(res) and "BG012" not in codes(res) and "BG013" not in codes(res)
    assert codes(res).count("ST022") == 1


def test_header_only_block_after_the_grid_two_label_columns_yuan_and_a_total_on_top(tmp_path):
    rows = TOP + BOTTOM + [
        ["成本项目", "明细", "预算数(元)", "财政拨款(元)", "其他资金(元)"],
        ["合计", None, 1200000, 1000000, 200000],
        ["经济成本", None, 1000000, 800000, 200000],
        [None, "人员", 600000, 500000, 100000],
        [None, "设备", 400000, 300000, 100000],
        ["社会成本", None, 200000, 200000, None],
        ["注：成本按全成本测算。"]]
    n = len(TOP + BOTTOM)
    res = check_path(write(tmp_path / "f.xlsx", rows, [f"A{n + 3}:A{n + 5}"]))
    (p,) = res.tables[0].projects
    c = p.costs
    assert c.label is None and c.columns == ["预算数(元)", "财政拨款(元)", "其他资金(元)"]
    assert c.units == {h: "元" for h in c.columns}
    got = [(ln.label, ln.category, ln.amounts["预算数(元)"], ln.sub, ln.total) for ln in c.lines]
    assert got == [("合计", None, 120, False, True), ("经济成本", None, 100, False, False),
                   ("人员", "经济成本", 60, True, False), ("设备", "经济成本", 40, True, False),
                   ("社会成本", None, 20, False, False)]
    assert len(p.indicators) == 4  # the grid stops at the cost header, not reading it as indicators
    assert p.details["注"] == "注：成本按全成本测算。"
    assert not {"BG012", "BG013", "ST010", "ST015"} & set(codes(res))


def test_each_amount_column_is_added_up_and_the_total_compared_with_the_funds(tmp_path):
    rows = TOP + [["成本项目", "明细", "金额(万元)", "财政拨款", "其他资金"],
                  ["经济成本", "人员", 60, 50, 10],
                  [None, "设备", 40, 30, 10],
                  ["合计", None, 100, 90, 20]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows, ["A8:A9"]))
    bg12 = [f for f in res.findings if f.code == "BG012"]
    assert [(f.cell, f.severity) for f in bg12] == [("D10", "error")]  # 50 + 30 = 80, not 90
    assert "之和为80万元" in bg12[0].message and "“财政拨款”" in bg12[0].message
    (bg13,) = [f for f in res.findings if f.code == "BG013"]  # 合计 100 against 年度资金总额 120
    assert (bg13.cell, bg13.severity) == ("C10", "warning") and "120万元" in bg13.message


def test_cost_indicators_in_the_grid_are_indicators_not_a_cost_block(tmp_path):
    grid = [["成本指标", "经济成本指标", "项目成本", "≤120万元"],
            ["产出指标", "数量指标", "成本项目数", "≥3个"],
            ["满意度指标", "服务对象满意度指标", "满意度", "≥90%"]]
    res = check_path(write(tmp_path / "f.xlsx", form_rows(grid_rows=grid)))
    (p,) = res.tables[0].projects
    assert p.costs is None and [i.name for i in p.indicators] == ["项目成本", "成本项目数", "满意度"]
    assert "ST022" not in codes(res)


def test_the_json_report_carries_the_costs(tmp_path):
    rows = TOP + [["成本测算(元)", "人员经费", 500000], [None, "培训费", 700000], [None, "合计", 1200000]] + BOTTOM
    path = write(tmp_path / "f.xlsx", rows, ["A7:A9"])
    code, out = cli("check", path, "--format", "json")
    data = json.loads(out)
    assert data["schema_version"] == "1.3"
    costs = data["projects"][0]["costs"]
    assert costs["label"] == "成本测算(元)" and costs["columns"] == ["金额"] and costs["units"] == {"金额": "元"}
    assert [(ln["label"], ln["amounts"]["金额"], ln["total"]) for ln in costs["lines"]] == [
        ("人员经费", 50.0, False), ("培训费", 70.0, False), ("合计", 120.0, True)]
    assert costs["lines"][2]["cells"] == {"label": "B9", "金额": "C9"}
    # split writes the indicator records; the cost lines are said to be in the JSON, once
    code, out = cli("split", path, "-o", tmp_path / "records.xlsx")
    assert code == 0 and (tmp_path / "records.xlsx").exists()
    assert [f["code"] for f in data["findings"]].count("ST022") == 1


# --- the blank template ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_book(tmp_path_factory) -> Path:
    from tools.xlsm.form_sheets import FORM_SHEET
    from tools.xlsm.sheets import layout_xlsx_bytes

    wb = openpyxl.load_workbook(io.BytesIO(layout_xlsx_bytes()))
    wb.active = wb.sheetnames.index(FORM_SHEET)
    path = tmp_path_factory.mktemp("blank") / "PerfTemplate.xlsx"
    wb.save(path)
    return path


def test_the_template_blank_form_is_a_form_not_filled_in(blank_book):
    from tools.xlsm.form_sheets import FORM_SHEET

    res = check_path(blank_book, sheet=FORM_SHEET)
    assert [t.layout for t in res.tables] == ["form"] and "未填写" in res.tables[0].layout_reason
    assert [(f.code, f.cell, f.severity) for f in res.findings] == [("ST021", "A3", "error")]
    assert "未填写" in res.findings[0].message and res.report.projects == []
    code, out = cli("check", blank_book, "--sheet", FORM_SHEET)
    assert code == 1 and "ST021" in out and "未找到表头" not in out


def test_the_clerks_check_button_on_the_blank_sheet_says_not_filled_in(blank_book, tmp_path):
    from tools.xlsm.form_sheets import FORM_SHEET
    from xlperf.excel import commands
    from xlperf.excel.openpyxl_port import OpenpyxlPort

    port = OpenpyxlPort.open(blank_book)
    commands.run_button(port, commands.validate)
    text = port.messages[-1]
    assert "无法处理" not in text and "未找到表头" not in text and "错误 1 个" in text
    results = [[c.value for c in row] for row in port.wb["校验结果"].iter_rows()]
    assert any("未填写" in str(v) for row in results for v in row)


def test_a_blank_form_between_filled_ones_is_its_own_form(tmp_path):
    blank = [["项目支出绩效目标表"], ["项目名称"], ["主管部门", None, "实施单位"],
             ["项目资金(万元)", "年度资金总额"], ["年度目标"], ["一级指标", "二级指标", "三级指标", "指标值"]]
    rows = form_rows("项目A") + [[]] + blank + [[]] + form_rows("项目B")
    res = check_path(write(tmp_path / "f.xlsx", rows))
    assert [t.projects[0].name if t.projects else None for t in res.tables] == ["项目A", None, "项目B"]
    assert [f.code for f in res.tables[1].findings] == ["ST021"]
    assert [len(t.projects[0].indicators) for t in (res.tables[0], res.tables[2])] == [4, 4]


def test_a_lone_project_name_label_is_not_a_form(tmp_path):
    res = check_path(write(tmp_path / "f.xlsx", [["项目名称"], ["随便写点什么"]]))
    assert not [t for t in res.tables if t.layout == "form"] and "ST001" in codes(res)


# --- footnotes ---------------------------------------------------------------------------------------

FOOTNOTES = [
    [["注：本表绩效目标与预算同步申报，项目名称须与预算一致。"]],
    [["注："], ["1.项目名称：填写预算批复的项目名称；"], ["2.年度目标：概括描述。"]],
    [["说明：", "1.本表由项目单位填写"]],
    [["备注：金额单位为万元"]],
    [["填报说明：项目名称按预算填写"], ["绩效目标表须与预算一并报送"]],
]


@pytest.mark.parametrize("note", FOOTNOTES, ids=range(len(FOOTNOTES)))
@pytest.mark.parametrize("n", [2, 3])
def test_a_footnote_belongs_to_the_form_above_and_never_starts_or_swallows_one(tmp_path, note, n):
    rows: list[list[Any]] = []
    for k in range(n):
        rows += form_rows(f"项目{k}") + [list(r) for r in note]
    res = check_path(write(tmp_path / "f.xlsx", rows))
    assert [t.projects[0].name for t in res.tables] == [f"项目{k}" for k in range(n)]
    assert all(t.title == "项目支出绩效目标表" for t in res.tables)
    texts = [v for r in note for v in r if v]
    for t in res.tables:
        p = t.projects[0]
        assert len(p.indicators) == 4
        kept = [v for k, v in p.details.items() if k.rstrip("0123456789") in ("注", "说明", "备注", "填报说明")]
        assert kept == texts, p.details
        # each footnote cell is in the form's details with its cell, inside the form's rows
        for k in p.details:
            if k in p.cells and k.rstrip("0123456789") in ("注", "说明", "备注", "填报说明"):
                row = int("".join(ch for ch in p.cells[k] if ch.isdigit()))
                assert p.row_first <= row <= p.row_last
    assert not {"ST010", "ST017", "ST001"} & set(codes(res))


def test_more_cost_shapes_of_the_family(tmp_path):
    """A 序号 column with 合计 written in it; a banner label merged across with the lines under
    it; 单价 / 数量 / 占比 columns kept as details beside the amount."""
    rows = TOP + [["序号", "成本项目", "金额（万元）", "测算依据"], [1, "人员", 20, "2人"], [2, "设备", 50, None],
                  ["合计", None, 70]] + BOTTOM
    (p,) = check_path(write(tmp_path / "a.xlsx", rows)).tables[0].projects
    assert [(ln.label, ln.amounts["金额（万元）"], ln.total) for ln in p.costs.lines] == [
        ("人员", 20, False), ("设备", 50, False), ("合计", 70, True)]
    assert p.costs.lines[0].details == {"序号": 1, "测算依据": "2人"}

    rows = TOP + [["项目成本构成（万元）"], ["人员成本", 20], ["设备购置", "50万元"], ["合计", 70]] + BOTTOM
    (p,) = check_path(write(tmp_path / "b.xlsx", rows, ["A7:D7"])).tables[0].projects
    assert [(ln.label, ln.amounts["金额"]) for ln in p.costs.lines] == [("人员成本", 20), ("设备购置", 50), ("合计", 70)]
    assert p.costs.lines[1].text == {"金额": "50万元"} and len(p.indicators) == 4

    rows = TOP + [["成本构成", "成本类别", "成本明细", "单价(元)", "数量", "金额(元)", "占比(%)"],
                  [None, "经济成本", "人员", 5000, 4, 20000, 40], [None, None, "设备", 30000, 1, 30000, 60],
                  [None, "合计", None, None, None, 60000, 100]] + BOTTOM
    res = check_path(write(tmp_path / "c.xlsx", rows, ["A7:A10", "B8:B9"]))
    (p,) = res.tables[0].projects
    assert [(ln.label, ln.category, ln.amounts["金额(元)"]) for ln in p.costs.lines] == [
        ("人员", "经济成本", 2), ("设备", "经济成本", 3), ("合计", None, 6)]
    assert p.costs.lines[0].details == {"单价(元)": 5000, "数量": 4, "占比(%)": 40}
    (f,) = [f for f in res.findings if f.code == "BG012"]  # 2 + 3 = 5, not 6
    assert f.cell == "F10" and "之和为5万元" in f.message
