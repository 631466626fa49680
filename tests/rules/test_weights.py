"""WT: the tests that are not cases.

WT001, WT002 and WT004 are tested by their cases (tests/rules/cases/WT*.yaml, run by
test_cases.py). WT003 stays here while the rulebook branch rewrites it (pending rulebook
review); the family-wide select/ignore test checks the engine's configuration over several
codes at once, which a case (one rule's findings) cannot express.
"""

from xlperf.core.config import Config

from ..helpers import codes
from .util import addr, check, good_project, one, only, variant


# --- WT003 -----------------------------------------------------------------------------

def test_WT003_fails_on_70_10_10():
    rows = variant({0: {"weight": 40}, 3: {"weight": 10}})
    f = one(check(rows), "WT003")
    assert f.severity == "warning" and f.cell == addr("weight", 0)
    assert "产出指标70" in f.message and "效益指标10" in f.message and "产出指标50" in f.message


def test_WT003_counts_cost_inside_output():
    from .util import ind

    rows = variant({0: {"weight": 15}}) + [ind(level1="成本指标", level2="经济成本指标", name="培训成本",
                                               comparator="≤", target=5, measure="万元", weight=5,
                                               direction="反向指标")]
    assert "WT003" not in codes(check(rows))


def test_WT003_reports_also_when_total_is_wrong():
    # was silent whenever WT002 fired (issue 16/17): the shares are off all the same
    fs = check(variant({0: {"weight": 60}}))
    f = one(fs, "WT003")
    assert "WT002" in codes(fs) and "产出指标90" in f.message and "权重合计为130" in f.message


def test_WT003_silent_when_shares_cannot_reach_the_expected_total():
    rows = variant({3: {"weight": 40}})  # 50/40/10 = 100
    assert "WT003" not in codes(check(rows, Config(expected_total=100)))


def test_WT003_uses_configured_shares():
    cfg = Config(expected_total=100, shares={"产出指标": 50, "效益指标": 40, "满意度指标": 10})
    assert "WT003" not in codes(check(variant({3: {"weight": 40}}), cfg))
    assert "WT003" in codes(check(variant({0: {"weight": 30}}), cfg))


def test_WT003_passes_on_50_30_10():
    assert "WT003" not in codes(check(good_project()))



# --- the WT family as a whole ------------------------------------------------------

def test_WT_family_ignore_and_select():
    rows = variant({0: {"weight": 10}, 1: {"weight": None}})
    assert not [c for c in codes(check(rows, Config(ignore=["WT"]))) if c.startswith("WT")]
    selected = codes(check(rows, Config(select=["WT002"])))
    assert set(selected) == {"WT002"} and len(only(check(rows), "WT001")) == 1
