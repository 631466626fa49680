"""NM: the tests that are not cases.

NM002 and NM003 are tested by their cases (tests/rules/cases/NM*.yaml, run by test_cases.py).
NM001 stays here while the rulebook branch rewrites it (pending rulebook review). The NM003
yield test checks the fixes other rules (NM001, NM002) propose for the same cells, which a
case (one rule's findings) cannot express.
"""

import pytest

from ..helpers import codes
from .util import addr, check, good_project, one, row, variant


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


# --- NM003 -----------------------------------------------------------------------------

def test_NM003_yields_to_the_rule_that_rewrites_the_cell():
    fs = check(variant({0: {"comparator": ">= ", "weight": " 20"}}))
    assert "NM003" not in codes(fs)
    assert {f.fix.cell: f.fix.new for f in fs if f.fix} == {addr("comparator", 0): "≥", addr("weight", 0): 20}
