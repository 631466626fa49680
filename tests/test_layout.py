from xlperf.core.grid import Grid
from xlperf.core.headers import field_of_header, find_layout

from .helpers import HEADER, grid_of, ind, table_of


def test_standard_header_found_with_title_and_money_unit():
    lay = find_layout(grid_of([ind()]))
    assert lay.ok and lay.header_row == 2
    assert lay.title == "部门预算项目绩效目标申报表（2023年度）"
    assert lay.money_unit == "万元"
    assert lay.columns["weight"] == 10 and lay.columns["direction"] == 11


def test_header_synonyms():
    for text, field in [("预算数(万元)", "budget"), ("预算数（万元）", "budget"), ("指标值及单位", "target"),
                        ("计量单位", "measure"), ("分值", "weight"), ("指标值类型", "comparator"),
                        ("*三级指标", "name"), ("指标方向", "direction"), ("豁免", "waiver")]:
        assert field_of_header(text) == field, text


def test_header_anywhere_in_first_30_rows():
    rows = [[None] * 12 for _ in range(20)] + [HEADER, ind()]
    lay = find_layout(Grid("S", rows))
    assert lay.ok and lay.header_row == 20


def test_header_below_row_30_is_not_found():
    rows = [[None] * 12 for _ in range(31)] + [HEADER, ind()]
    lay = find_layout(Grid("S", rows))
    assert not lay.ok


def test_ST001_missing_required_columns_named():
    rows = [["项目名称", "一级指标", "二级指标", "指标值"], ["A", "产出指标", "数量指标", 1]]
    t = __import__("xlperf.core.blocks", fromlist=["build_table"]).build_table(Grid("S", rows))
    assert [f.code for f in t.findings] == ["ST001"]
    assert "三级指标" in t.findings[0].message


def test_a_list_without_weight_column_is_read():
    # 权重 is no longer required (issue 16): other provinces' lists and the national forms have none
    rows = [["项目名称", "一级指标", "三级指标", "指标值"], ["A", "产出指标", "x", 1]]
    t = __import__("xlperf.core.blocks", fromlist=["build_table"]).build_table(Grid("S", rows))
    assert not t.findings
    assert [p.name for p in t.projects] == ["A"] and len(t.projects[0].indicators) == 1
    assert "weight" not in t.columns


def test_money_unit_yuan_converts_budget_to_wanyuan():
    g = grid_of([ind(project="P", budget=125000, goal="完成全年工作任务目标要求")])
    g.rows[1][0] = "金额单位：元"
    t = table_of([])  # sanity: helper works
    from xlperf.core.blocks import build_table
    t = build_table(g)
    assert t.money_unit == "元"
    assert t.projects[0].budget == 12.5


def test_repeated_header_rows_skipped():
    from xlperf.core.blocks import build_table
    g = grid_of([ind(project="P", budget=1, goal="完成全年工作任务目标要求"), HEADER, ["金额单位：万元"] + [None] * 11, ind(name="第二个")])
    t = build_table(g)
    assert len(t.projects) == 1
    assert [i.name for i in t.projects[0].indicators] == ["培训次数", "第二个"]
    assert not t.findings
