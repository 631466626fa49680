"""Combined value cells (comparator, number and unit in one 指标值 cell) read the same way in every
layout; without a 指标性质 column a bare number reads as = and text as 定性 (VL016)."""

import pytest

from xlperf.core.blocks import build_table
from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.grid import Grid
from xlperf.core.normalise import implied_comparator, split_value

HEADER = ["项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标值", "权重"]


def combined_grid(values, weights=None):
    """A list with only 三级指标 / 指标值 (value, sign and unit in one cell), like the MoF form's grid."""
    rows = [["绩效目标表"] + [None] * 6, HEADER]
    for k, v in enumerate(values):
        w = (weights or [10] * len(values))[k]
        rows.append(["项目A" if k == 0 else None, 100 if k == 0 else None, "产出指标", "数量指标", f"指标{k}名称", v, w])
    return Grid("绩效目标表", rows, [])


@pytest.mark.parametrize("text, cmp, number, measure", [
    ("≥95%", "≥", 95, "%"), ("100%", None, 100, "%"), ("≤30万元", "≤", 30, "万元"), ("20座", None, 20, "座"),
    (">=20平方米", "≥", 20, "平方米"), ("<=475元/亩", "≤", 475, "元/亩"), ("3500公斤", None, 3500, "公斤"),
])
def test_split_value(text, cmp, number, measure):
    sv = split_value(text)
    assert (sv.comparator, sv.number, sv.measure) == (cmp, number, measure)


@pytest.mark.parametrize("target, implied", [
    (2.0, "="), (100.0, "="), ("持续改善", "定性"), ("高中低", "定性"), ("2019年12月前", None), (None, None), ("", None),
])
def test_implied_comparator(target, implied):
    assert implied_comparator(target) == implied


def test_VL016_combined_cells_read_into_comparator_number_unit():
    t = build_table(combined_grid(["≥95%", "100%", "≤30万元", "20座", "持续改善", "高中低", "2"]))
    got = [(i.comparator, i.target, i.measure) for i in t.indicators()]
    assert got == [("≥", 95, "%"), ("=", 100, "%"), ("≤", 30, "万元"), ("=", 20, "座"),
                   ("定性", "持续改善", None), ("定性", "高中低", None), ("=", 2, None)]
    fs = check_table(t, Config())
    (n,) = [f for f in fs if f.code == "VL016"]
    assert n.severity == "info" and n.cell == "F4" and "3条" in n.message and "2条" in n.message
    # a whole scale in a combined layout is caught as in the list
    (v4,) = [f for f in fs if f.code == "VL004"]
    assert v4.cell == "F8"
    assert not [f for f in fs if f.code in ("VL001", "VL002", "VL003")]


def test_VL016_silent_when_every_value_has_a_sign():
    t = build_table(combined_grid(["≥95%", "≤30万元", ">=20平方米"]))
    assert not [f for f in check_table(t, Config()) if f.code == "VL016"]


def test_VL016_empty_comparator_column_counts_as_absent():
    from ..helpers import findings_of, good_project
    rows = [r[:7] + [None] + r[8:] for r in good_project()]
    fs = findings_of(rows)
    assert [f.code for f in fs if f.code in ("VL016", "VL001")] == ["VL016"]


def test_VL016_not_on_a_list_with_comparators():
    from ..helpers import findings_of, good_project
    assert not [f for f in findings_of(good_project()) if f.code == "VL016"]
