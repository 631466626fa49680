"""Cost blocks the first reader left out (tests/data/family/README.md: mof_form_cost2,
mof_form_cost_cell): a header of two rows (预算金额 over 合计 | 财政拨款 | 其他资金), a breakdown
written in one cell (设备购置50万元，人员经费20万元), a 小计 column as the line's amount. Each is
written to a real .xlsx and read back; every non-empty cell ends in the Table or a finding."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from xlperf.api import check_path
from xlperf.cli.app import app

from .test_family_tables import assert_nothing_silent, build, codes, only, rows_of, with_amount
from .test_form_costs import BOTTOM, TOP, write


def merged(path, *ranges):
    wb = openpyxl.load_workbook(path)
    for r in ranges:
        wb.active.merge_cells(r)
    wb.save(path)
    return path


# --- a header of two rows ------------------------------------------------------------------------------


def test_two_row_header_reads_the_group_and_each_column_under_it(tmp_path):
    path = build(tmp_path, "mof_form_cost2")
    res = check_path(path)
    t, p = only(res)
    assert t.layout == "form" and p.name == "乡村教师能力提升培训" and p.budget == 150 and len(p.real_indicators()) == 6
    c = p.costs
    assert c.groups == {"预算金额(万元)": ["合计", "财政拨款", "其他资金"]}
    assert c.columns == ["合计", "财政拨款", "其他资金"] and c.units == {h: "万元" for h in c.columns}
    assert c.cells == {"成本项目": "A8", "明细": "B8", "预算金额(万元)": "C8", "测算依据": "F8",
                       "合计": "C9", "财政拨款": "D9", "其他资金": "E9"}
    assert [(ln.label, ln.category, ln.amounts["合计"], ln.amounts["财政拨款"], ln.amounts["其他资金"], ln.total)
            for ln in c.lines] == [("师资费", "经济成本", 40, 35, 5, False), ("场地租赁", "经济成本", 30, 25, 5, False),
                                   ("教材资料", "经济成本", 20, 20, 0, False),
                                   ("学员差旅补助", "社会成本", 60, 40, 20, False), ("合计", None, 150, 120, 30, True)]
    assert c.lines[0].cells == {"label": "B10", "category": "A10", "合计": "C10", "财政拨款": "D10", "其他资金": "E10",
                                "测算依据": "F10"}
    assert c.lines[0].details == {"测算依据": "20人次×2万元"}  # a calculation stays the line's detail
    assert c.heading("财政拨款") == "预算金额(万元)·财政拨款"
    assert not codes(res, "BG012") and not codes(res, "BG013") and not codes(res, "ST010")
    (st,) = codes(res, "ST022")
    assert "“预算金额(万元)·合计”" in st.message and "5行" in st.message
    assert_nothing_silent(path, res)


def test_two_row_header_with_the_upper_heading_merged_across(tmp_path):
    path = merged(build(tmp_path, "mof_form_cost2"), "C8:E8")
    res = check_path(path)
    _, p = only(res)
    assert p.costs.groups == {"预算金额(万元)": ["合计", "财政拨款", "其他资金"]}
    assert [ln.amounts["其他资金"] for ln in p.costs.lines] == [5, 5, 0, 20, 30]
    assert not codes(res, "BG012") and not codes(res, "ST010")
    assert_nothing_silent(path, res)


def test_two_row_header_each_column_and_each_rows_sources_are_added_up(tmp_path):
    rows = with_amount(rows_of("mof_form_cost2"), "场地租赁", "5", "15")
    res = check_path(build(tmp_path, "mof_form_cost2", rows))
    got = {f.cell: f for f in codes(res, "BG012")}
    assert set(got) == {"E14", "C11"}
    col = got["E14"].message  # the 其他资金 column: 5 + 15 + 0 + 20 = 40, 合计 30
    assert "“预算金额(万元)·其他资金”列合计为30万元" in col and "之和为40万元" in col
    line = got["C11"].message  # 场地租赁: 合计 30, 财政拨款 25 + 其他资金 15 = 40
    assert "“场地租赁”一行" in line and "“预算金额(万元)·合计”为30万元" in line
    assert "“财政拨款”25、“其他资金”15之和为40万元" in line and "+10" in line


def test_two_groups_with_the_same_headings_under_them_are_told_apart(tmp_path):
    rows = TOP + [["项目成本构成", "成本项目", "2024年", None, None, "2025年", None, None],
                  [None, None, "预算数", "其中：财政拨款", "其中：其他资金", "预算数", "其中：财政拨款", "其中：其他资金"],
                  [None, "人员成本", 60, 50, 10, 60, 50, 10],
                  [None, "设备购置", 60, 50, 10, 40, 30, 10],
                  [None, "合计", 120, 100, 20, 90, 80, 20]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows, ["A7:A11", "B7:B8", "C7:E7", "F7:H7"]))
    (p,) = res.tables[0].projects
    c = p.costs
    assert c.groups == {"2024年": ["2024年·预算数", "2024年·其中：财政拨款", "2024年·其中：其他资金"],
                        "2025年": ["2025年·预算数", "2025年·其中：财政拨款", "2025年·其中：其他资金"]}
    assert c.main_column() == "2024年·预算数"  # the first group's total is the block's, for BG013: 120
    assert not codes(res, "BG013")
    msgs = {f.cell: f.message for f in codes(res, "BG012")}
    assert set(msgs) == {"F11"}  # 2025: 60 + 40 = 100 against 90; 合计 90 against 80 + 20 = 100 on the same cell
    assert [m for m in msgs.values() if "“2025年·预算数”列合计为90万元" in m]


# --- a breakdown written in one cell -------------------------------------------------------------------


def test_a_breakdown_in_one_cell_is_lines_of_that_cell(tmp_path):
    path = build(tmp_path, "mof_form_cost_cell")
    res = check_path(path)
    t, p = only(res)
    assert t.layout == "form" and p.budget == 80 and len(p.real_indicators()) == 6
    c = p.costs
    assert (c.label, c.label_cell, c.columns) == ("项目成本构成（万元）", "A8", ["金额"])
    assert [(ln.label, ln.amounts["金额"], ln.listed_in, ln.cells) for ln in c.lines] == [
        ("设备购置", 50, "B8", {"label": "B8", "金额": "B8"}), ("人员经费", 20, "B8", {"label": "B8", "金额": "B8"}),
        ("培训费", 10, "B8", {"label": "B8", "金额": "B8"})]
    # the calculation under it is a note of the block, never lines
    assert c.details == {"测算依据": "人员经费2人×10万元，培训费4期×2.5万元"} and c.cells == {"测算依据": "B9"}
    assert not codes(res, "BG013") and not codes(res, "ST010")
    (st,) = codes(res, "ST022")
    assert "3行（都写在单元格B8中" in st.message
    assert_nothing_silent(path, res)


def test_a_breakdown_in_one_cell_against_the_funds_says_which_cell(tmp_path):
    rows = with_amount(rows_of("mof_form_cost_cell"), "年度资金总额", "80", "90")
    rows = with_amount(rows, "其中：财政拨款", "80", "90")
    (f,) = codes(check_path(build(tmp_path, "mof_form_cost_cell", rows)), "BG013")
    assert "各项之和为80万元" in f.message and "年度资金总额90万元" in f.message
    assert "同一个单元格B8" in f.message and "B8" in f.message_en


def test_a_total_in_the_listing_cell_is_checked_against_its_lines(tmp_path):
    rows = rows_of("mof_form_cost_cell")
    rows = with_amount(rows, "项目成本构成（万元）", "设备购置50万元，人员经费20万元，培训费10万元",
                       "设备购置50万元、人员经费20万元、培训费10万元，合计90万元")
    res = check_path(build(tmp_path, "mof_form_cost_cell", rows))
    _, p = only(res)
    assert [(ln.label, ln.total) for ln in p.costs.lines][-1] == ("合计", True)
    (f,) = codes(res, "BG012")
    assert f.cell == "B8" and "合计为90万元" in f.message and "之和为80万元" in f.message and "同一个单元格B8" in f.message


@pytest.mark.parametrize("row, cells, want", [
    # the label and its list in one cell
    (["成本构成：设备购置50万元，人员经费20万元，培训费10万元"], {}, [("设备购置", 50), ("人员经费", 20), ("培训费", 10)]),
    # enumerated, colons, ；
    (["成本测算明细", "1.人员成本：20万元；2.设备：50万元"], {}, [("人员成本", 20), ("设备", 50)]),
    # the row's amount is what its list adds up to: the 合计 line
    (["成本构成", 80, "设备购置50万元，人员经费20万元，培训费10万元"], {"total": 80},
     [("", 80), ("设备购置", 50), ("人员经费", 20), ("培训费", 10)]),
    # amounts in 元 by the block's label; a calculation with its result keeps the calculation
    (["成本测算(元)", "人员经费：2人×50000元=100000元；设备：200000元"], {"calc": "2人×50000元"},
     [("人员经费", 10), ("设备", 20)]),
], ids=["label-colon", "enumerated", "with-total", "yuan-and-calc"])
def test_breakdown_shapes_in_one_cell(tmp_path, row, cells, want):
    res = check_path(write(tmp_path / "f.xlsx", TOP + [row] + BOTTOM))
    (p,) = res.tables[0].projects
    lines = p.costs.lines
    assert [(ln.label, ln.amounts[p.costs.columns[0]]) for ln in lines] == want
    assert all(ln.listed_in for ln in lines if ln.label)
    if "total" in cells:
        assert lines[0].total and not any(ln.total for ln in lines[1:]) and not codes(res, "BG012")
    if "calc" in cells:
        assert lines[0].details == {"测算依据": cells["calc"]}
    assert len(p.indicators) == 4 and not codes(res, "ST010")


def test_a_total_line_whose_amount_is_the_list_is_compared_by_the_lines(tmp_path):
    rows = TOP + [["成本构成", "合计", "设备50万元，人员20万元"]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows))
    (p,) = res.tables[0].projects
    assert [(ln.label, ln.total, ln.amounts["金额"]) for ln in p.costs.lines] == [
        ("合计", True, None), ("设备", False, 50), ("人员", False, 20)]
    (f,) = codes(res, "BG013")  # the 合计 line states no amount of its own: its lines' 70 against 120
    assert "各项之和为70万元" in f.message and "年度资金总额120万元" in f.message and "C7" in f.message


def test_a_breakdown_in_a_funds_block_cell_is_the_cost_block(tmp_path):
    rows = [["项目支出绩效目标表"], ["项目名称", "项目A"], ["项目资金(万元)", "年度资金总额", 80],
            [None, "其中：财政拨款", 80], [None, "成本构成", "1.人员成本：20万元；2.设备：50万元"]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows, ["A3:A5"]))
    (p,) = res.tables[0].projects
    assert p.budget == 80 and [ln.label for ln in p.funds.lines] == ["其中：财政拨款"]
    assert [(ln.label, ln.amounts["金额"], ln.listed_in) for ln in p.costs.lines] == [("人员成本", 20, "C5"), ("设备", 50, "C5")]
    (f,) = codes(res, "BG013")
    assert "各项之和为70万元" in f.message and "C5" in f.message


def test_a_list_in_a_lines_amount_cell_is_its_parts(tmp_path):
    rows = TOP + [["成本项目", "金额(万元)", "测算依据"], ["人员成本", 20, "讲师费10万元，场地费10万元"],
                  ["设备购置", "电脑30万元，软件20万元", None], ["合计", 70, None]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows))
    (p,) = res.tables[0].projects
    got = [(ln.label, ln.amounts["金额(万元)"], ln.sub, ln.listed_in) for ln in p.costs.lines]
    assert got == [("人员成本", 20, False, None), ("设备购置", None, False, None), ("电脑", 30, True, "B9"),
                   ("软件", 20, True, "B9"), ("合计", 70, False, None)]
    # beside a line's own label a listed 测算依据 is its note, not more lines
    assert p.costs.lines[0].details == {"测算依据": "讲师费10万元，场地费10万元"}
    assert not codes(res, "BG012")  # 20 + (30 + 20) = 70


def test_a_calculation_is_never_lines(tmp_path):
    rows = TOP + [["成本项目", "金额(万元)", "测算依据"], ["人员成本", 20, "2人×10万元"],
                  [None, None, "外聘1人×5万元，专家2人×2.5万元"], ["合计", 20, None]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows))
    (p,) = res.tables[0].projects
    assert [ln.label for ln in p.costs.lines] == ["人员成本", "合计"]
    assert p.costs.details == {"测算依据2": "外聘1人×5万元，专家2人×2.5万元"} and p.costs.cells["测算依据2"] == "C9"
    rows = TOP + [["成本测算(万元)", "2人×10万元，3台×5万元"]] + BOTTOM
    (p,) = check_path(write(tmp_path / "g.xlsx", rows)).tables[0].projects
    assert p.costs.lines == [] and p.costs.details == {"测算依据": "2人×10万元，3台×5万元"}


@pytest.mark.parametrize("text, want", [
    ("设备购置50万元，人员经费20万元，培训费10万元", [("设备购置", 50), ("人员经费", 20), ("培训费", 10)]),
    ("1.人员成本：20万元；2.设备：50万元", [("人员成本", 20), ("设备", 50)]),
    ("1、人员20万元 2、设备50万元", [("人员", 20), ("设备", 50)]),
    ("（1）人员20万元；（2）设备50万元", [("人员", 20), ("设备", 50)]),
    ("设备、家具50万元，人员20万元", [("设备、家具", 50), ("人员", 20)]),
    ("设备1,200元，人员300元", [("设备", 0.12), ("人员", 0.03)]),
    ("人员成本：20；设备：50", [("人员成本", 20), ("设备", 50)]),
    ("2人×10万元", []), ("2人×10万元，3台×5万元", []), ("培训2期，每期50人", []), ("目标1，目标2", []),
    ("人员成本20%，设备80%", []), ("人员20万元，设备50万元，详见附件", []), ("人员经费：20万元", []), ("50万元", []),
])
def test_listed_amounts(text, want):
    from xlperf.core.layouts.labels import listed_amounts

    assert [(x.label, pytest.approx(x.amount)) for x in listed_amounts(text)] == want


# --- a 小计 column --------------------------------------------------------------------------------------


def test_a_subtotal_column_is_the_lines_amount_when_no_total_column(tmp_path):
    rows = TOP + [["成本项目", "财政拨款", "其他资金", "小计"], ["人员成本", 15, 5, 20], ["设备购置", 80, 20, 100]] + BOTTOM
    res = check_path(write(tmp_path / "f.xlsx", rows))
    (p,) = res.tables[0].projects
    assert p.costs.main_column() == "小计"
    assert not codes(res, "BG013")  # 20 + 100 = 120 = 年度资金总额 (not 240: the sources are not added again)
    rows[-len(BOTTOM) - 1] = ["设备购置", 80, 20, 90]
    (f,) = codes(check_path(write(tmp_path / "g.xlsx", rows)), "BG013")
    assert "各项之和为110万元" in f.message and f.cell == "D8"
    # beside 单价 / 数量 (details), 小计 is the only amount column
    rows = TOP + [["成本项目", "单价(万元)", "数量", "小计(万元)"], ["师资", 2, 20, 40], ["教材", 0.2, 300, 60],
                  ["场地", 10, 2, 20], ["合计", None, None, 120]] + BOTTOM
    res = check_path(write(tmp_path / "h.xlsx", rows))
    (p,) = res.tables[0].projects
    assert p.costs.columns == ["小计(万元)"] and p.costs.lines[0].details == {"单价(万元)": 2, "数量": 20}
    assert not codes(res, "BG012") and not codes(res, "BG013")


# --- the JSON -------------------------------------------------------------------------------------------


def test_the_json_carries_groups_listed_cells_and_notes(tmp_path):
    for name in ("mof_form_cost2", "mof_form_cost_cell"):
        path = build(tmp_path, name)
        r = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
        costs = json.loads(r.stdout)["projects"][0]["costs"]
        if name == "mof_form_cost2":
            assert costs["groups"] == {"预算金额(万元)": ["合计", "财政拨款", "其他资金"]}
            assert all(ln["listed_in"] is None for ln in costs["lines"])
        else:
            assert costs["groups"] == {} and [ln["listed_in"] for ln in costs["lines"]] == ["B8"] * 3
            assert costs["details"] == {"测算依据": "人员经费2人×10万元，培训费4期×2.5万元"}
