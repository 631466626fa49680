"""BG: budget rules."""

import pytest

from ..helpers import codes
from .util import addr, blank_row, check, good_project, ind, one, row, variant

COST = dict(level1="成本指标", level2="经济成本指标", name="培训成本", comparator="≤", direction="反向指标", weight=1)


def with_cost(budget=10.0, **cost):
    rows = variant({0: {"weight": 19}}, budget=budget)
    return rows + [ind(**(COST | cost))]


# --- BG001 -----------------------------------------------------------------------------

@pytest.mark.parametrize("budget, words", [(None, "预算数为空"), ("待定", "“待定”不是数字"), (0, "为0万元")])
def test_BG001_fails_on_bad_budget(budget, words):
    f = one(check(good_project(budget=budget)), "BG001")
    assert f.cell == addr("budget", 0) and f.row == row(0) and words in f.message and "项目A" in f.message


def test_BG001_passes_on_positive_budget():
    assert "BG001" not in codes(check(good_project()))


# --- BG002 -----------------------------------------------------------------------------

def dept(budget):
    return blank_row(unit="208-测试部门", budget=budget)


def unit(budget):
    return blank_row(unit="208001-测试单位", budget=budget)


def test_BG002_fails_on_department_total():
    rows = [dept(16)] + good_project("A", budget=10) + good_project("B", budget=5)
    f = one(check(rows), "BG002")
    assert f.cell == addr("budget", 0) and f.row == row(0)
    assert "测试部门" in f.message and "16.00" in f.message and "15.00" in f.message and "+1" in f.message


def test_BG002_fails_on_unit_total():
    rows = [dept(15), unit(12)] + good_project("A", budget=10) + good_project("B", budget=5)
    fs = check(rows)
    f = one(fs, "BG002")
    assert f.cell == addr("budget", 1) and "测试单位" in f.message and "12.00" in f.message


def test_BG002_passes_to_the_cent():
    rows = [dept(3346.95), unit(3346.95)] + good_project("A", budget=3000.1) + good_project("B", budget=346.85)
    assert "BG002" not in codes(check(rows))


def test_BG002_waits_for_BG001():
    rows = [dept(15)] + good_project("A", budget=10) + good_project("B", budget=None)
    fs = check(rows)
    assert "BG001" in codes(fs) and "BG002" not in codes(fs)


# --- BG003 -----------------------------------------------------------------------------

def test_BG003_fails_on_cost_above_budget():
    f = one(check(with_cost(target=900, measure="万元")), "BG003")
    assert f.cell == addr("target", 5) and "900" in f.message and "10万元" in f.message


def test_BG003_converts_yuan():
    f = one(check(with_cost(target=200000, measure="元")), "BG003")
    assert "20万元" in f.message and "200000元" in f.message
    assert "BG003" not in codes(check(with_cost(target=100000, measure="元")))


def test_BG003_legacy_cost_under_output():
    rows = with_cost(target=11, measure="万元", level1="产出指标", level2="成本指标")
    assert "BG003" in codes(check(rows))


def test_BG003_passes_when_cost_equals_budget_or_per_head():
    assert "BG003" not in codes(check(with_cost(target=10, measure="万元")))
    assert "BG003" not in codes(check(with_cost(target=500, measure="元/人")))


# --- BG004 -----------------------------------------------------------------------------

def test_BG004_fails_on_count_unit():
    f = one(check(with_cost(target=5, measure="次")), "BG004")
    assert f.severity == "warning" and f.cell == addr("measure", 5) and "次" in f.message and "培训成本" in f.message


@pytest.mark.parametrize("measure", ["万元", "元", "%", "元/人"])
def test_BG004_passes_on_money_or_percent(measure):
    assert "BG004" not in codes(check(with_cost(target=5, measure=measure)))


# --- BG005 department/unit budget not a number ---------------------------------------

def test_BG005_fails_on_department_budget_in_words():
    rows = [["208-测试部门", None, "约十万"] + [None] * 9] + good_project()
    f = one(check(rows), "BG005")
    assert f.cell == "C4" and "约十万" in f.message


def test_BG005_passes_on_numeric_totals():
    rows = [["208-测试部门", None, 10.0] + [None] * 9] + good_project()
    assert "BG005" not in codes(check(rows))
