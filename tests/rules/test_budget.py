"""BG: the tests that are not cases.

BG001, BG002, BG003 and BG005 are tested by their cases (tests/rules/cases/BG*.yaml, run by
test_cases.py). BG004 stays here while the rulebook branch rewrites it (pending rulebook review).
"""

import pytest

from ..helpers import codes
from .util import addr, check, ind, one, variant

COST = dict(level1="成本指标", level2="经济成本指标", name="培训成本", comparator="≤", direction="反向指标", weight=1)


def with_cost(budget=10.0, **cost):
    rows = variant({0: {"weight": 19}}, budget=budget)
    return rows + [ind(**(COST | cost))]


# --- BG004 -----------------------------------------------------------------------------

def test_BG004_fails_on_count_unit():
    f = one(check(with_cost(target=5, measure="次")), "BG004")
    assert f.severity == "warning" and f.cell == addr("measure", 5) and "次" in f.message and "培训成本" in f.message


@pytest.mark.parametrize("measure", ["万元", "元", "%", "元/人"])
def test_BG004_passes_on_money_or_percent(measure):
    assert "BG004" not in codes(check(with_cost(target=5, measure=measure)))
