"""core.layouts.labels: tolerant label–value reading shared by the form-like readers."""

import pytest

from xlperf.core.grid import Grid, Merge
from xlperf.core.layouts.labels import find_labels, label_text, parse_amount, role_of, value_right


@pytest.mark.parametrize("text,key,role", [
    ("项目名称", "项目名称", "project"),
    ("项目 名称：", "项目名称", "project"),
    ("项目名称:", "项目名称", "project"),
    ("主管部门及编码", "主管部门及编码", "department"),
    ("实施单位", "实施单位", "unit"),
    ("部门(单位)名称", "部门名称", "org"),
    ("资金情况 (万元)", "资金情况", "funds"),
    ("投入目标 (万元)", "投入目标", "funds"),
    ("年度资金总额:", "年度资金总额", "total"),
    ("其中:财政拨款", "财政拨款", "fiscal"),
    ("其中： 当年财政拨款", "当年财政拨款", "fiscal"),
    ("上年结转", "上年结转", "carried_over"),
    ("财政专户管理资金", "财政专户管理资金", "special_account"),
    ("单位资金", "单位资金", "unit_funds"),
    ("项目支出", "项目支出", "project_spending"),
    ("基本支出", "基本支出", "basic_spending"),
    ("其他资金", "其他资金", "other"),
    ("年度目标", "年度目标", "goal"),
    ("中期目标", "中期目标", "goal_long"),
    ("总体目标", "总体目标", "goal_head"),
    ("年度履职目标", "年度履职目标", "duties"),
])
def test_label_key_and_role(text, key, role):
    assert label_text(text).key == key
    assert role_of(text) == role


def test_value_in_the_label_cell():
    lt = label_text("年度资金总额：120")
    assert (lt.key, lt.inline) == ("年度资金总额", "120")
    assert label_text("资金情况(万元)").unit == "万元"
    assert label_text("其中:财政拨款").sub


def test_long_text_and_numbers_are_not_labels():
    assert label_text("为水濂村带来观光游客不少于6万人,村集体收入达6万元。这是一段很长的目标文字") is None
    assert label_text(12) is None and label_text("  ") is None


@pytest.mark.parametrize("cell,unit,value", [
    (120, "万元", 120), ("120万", "万元", 120), ("10000万元", "万元", 10000), ("12000000元", "万元", 1200),
    (1200, "元", 0.12), ("1,200", "万元", 1200), ("3.5亿元", "万元", 35000), ("3亿", "万元", 30000),
    ("1200千元", "万元", 120),
])
def test_amounts_with_units(cell, unit, value):
    assert parse_amount(cell, unit).value == pytest.approx(value)


def test_amount_listed_parts_and_repeat():
    a = parse_amount("854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)")
    assert a.value == 854 and not a.repeated
    assert a.parts == (("高标准农田建设", 400), ("示范建设", 295), ("畅通工程", 159))
    b = parse_amount("854万854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)")
    assert b.value == 854 and b.repeated and len(b.parts) == 3


def test_two_different_amounts_are_not_one():
    assert parse_amount("3万 5万").value is None and parse_amount("3万 5万").text == "3万 5万"
    assert parse_amount("参照政府采购").value is None


# Stated points (产出指标(50分) …) are tested with their one parser in test_points_parser.py.


def test_value_right_skips_the_labels_own_merge_and_stops_at_a_label():
    g = Grid("S", [["项目名称", None, "X", "主管部门", "Y"], ["实施单位", "主管部门", "Y"]], [Merge(0, 0, 0, 1)])
    assert value_right(g, 0, 0) == ("X", (0, 2))
    hits = find_labels(g, range(2))
    assert [(h.role, h.value) for h in hits] == [("project", "X"), ("department", "Y"), ("unit", None),
                                                  ("department", "Y")]
