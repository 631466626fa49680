"""NM: normalisation rules (all fixable)."""

import pytest

from ..helpers import codes
from .util import addr, check, good_project, one, only, row, variant


# --- NM001 -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, i, old, new", [
    ("comparator", 0, ">=", "≥"),
    ("comparator", 0, "不低于", "≥"),
    ("comparator", 2, "<=", "≤"),
    ("comparator", 1, "＝", "="),
    ("direction", 0, "正向", "正向指标"),
    ("direction", 2, "逆向", "反向指标"),
    ("measure", 1, "百分比", "%"),
    ("measure", 1, "％", "%"),
])
def test_NM001_fails_on_variant_spelling_with_fix(field, i, old, new):
    changes = {field: old}
    if old == "＝":
        changes["target"] = 100
    f = one(check(variant({i: changes})), "NM001")
    assert f.cell == addr(field, i) and f.row == row(i) and old in f.message and new in f.message
    assert (f.fix.cell, f.fix.old, f.fix.new) == (addr(field, i), old, new)


def test_NM001_leaves_qualitative_unit_to_VL006():
    fs = check(variant({3: {"measure": "百分比"}}))
    assert "NM001" not in codes(fs) and "VL006" in codes(fs)


def test_NM001_passes_on_canonical_spelling():
    assert "NM001" not in codes(check(good_project()))


# --- NM002 -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, i, old, new, how", [
    ("weight", 1, "15", 15, "以文本保存"),
    ("target", 1, "９５", 95, "全角"),
    ("target", 0, "1,200", 1200, "千位分隔符"),
    ("weight", 3, "30.5", 30.5, "以文本保存"),
])
def test_NM002_fails_on_number_as_text_with_fix(field, i, old, new, how):
    f = one(check(variant({i: {field: old}})), "NM002")
    assert f.cell == addr(field, i) and old in f.message and how in f.message
    assert (f.fix.old, f.fix.new) == (old, new) and type(f.fix.new) is type(new)


def test_NM002_fails_on_budget_as_text_once_per_project():
    fs = only(check(good_project(budget="3,346.95")), "NM002")
    assert [(f.cell, f.fix.new) for f in fs] == [(addr("budget", 0), 3346.95)]


def test_NM002_passes_on_numbers():
    assert "NM002" not in codes(check(good_project()))


# --- NM003 -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, i, old, new", [
    ("measure", 0, "次 ", "次"),
    ("direction", 0, "正向指标\n", "正向指标"),
    ("comparator", 0, " ≥", "≥"),
    ("target", 3, "提升\u3000", "提升"),
    ("level2", 1, "质量指标 ", "质量指标"),
])
def test_NM003_fails_on_stray_whitespace_with_fix(field, i, old, new):
    f = one(check(variant({i: {field: old}})), "NM003")
    assert f.severity == "info" and f.cell == addr(field, i)
    assert (f.fix.old, f.fix.new) == (old, new)


def test_NM003_yields_to_the_rule_that_rewrites_the_cell():
    fs = check(variant({0: {"comparator": ">= ", "weight": " 20"}}))
    assert "NM003" not in codes(fs)
    assert {f.fix.cell: f.fix.new for f in fs if f.fix} == {addr("comparator", 0): "≥", addr("weight", 0): 20}


def test_NM003_passes_on_clean_cells():
    assert "NM003" not in codes(check(good_project()))
