"""WT: weight rules."""

import pytest

from xlperf.core.config import Config

from ..helpers import codes
from .util import addr, check, good_project, one, only, row, variant


# --- WT001 -----------------------------------------------------------------------------

@pytest.mark.parametrize("weight, words", [(None, "为空"), ("二十", "“二十”不是数字"), (0, "为0"), (-5, "为-5")])
def test_WT001_fails_on_bad_weight(weight, words):
    f = one(check(variant({1: {"weight": weight}})), "WT001")
    assert f.cell == addr("weight", 1) and f.row == row(1)
    assert words in f.message and "培训合格率" in f.message


def test_WT001_passes_on_decimal_weights():
    rows = variant({1: {"weight": 7.5}, 2: {"weight": 22.5}})
    assert "WT001" not in codes(check(rows))


# --- WT002 -----------------------------------------------------------------------------

def test_WT002_fails_when_total_is_80():
    f = one(check(variant({0: {"weight": 10}})), "WT002")
    assert f.severity == "error" and f.cell == addr("weight", 0) and f.row == row(0)
    assert "80" in f.message and "90" in f.message and "-10" in f.message and "项目A" in f.message


def test_WT002_fails_when_total_is_110():
    f = one(check(variant({3: {"weight": 50}})), "WT002")
    assert "110" in f.message and "+20" in f.message


def test_WT002_passes_on_90():
    assert "WT002" not in codes(check(good_project()))


def test_WT002_passes_within_tolerance_of_float_sums():
    rows = variant({0: {"weight": 16.7}, 1: {"weight": 16.7}, 2: {"weight": 16.6}})
    assert "WT002" not in codes(check(rows))


def test_WT002_config_expected_total_100():
    cfg = Config(expected_total=100)
    f = one(check(good_project(), cfg), "WT002")
    assert "应为100" in f.message and "-10" in f.message
    assert "WT002" not in codes(check(variant({3: {"weight": 40}}), cfg))


def test_WT002_severity_override():
    f = one(check(variant({0: {"weight": 10}}), Config(severity={"WT002": "warning"})), "WT002")
    assert f.severity == "warning"


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


# --- WT004 -----------------------------------------------------------------------------

def test_WT004_fails_on_mixed_90_and_100():
    rows = good_project("A") + good_project("B") + variant({3: {"weight": 40}}, name="C")
    fs = check(rows)
    f = one(fs, "WT004")
    assert f.severity == "info" and f.cell == addr("weight", 10)
    assert "合计为90的2个项目" in f.message and "合计为100的1个项目" in f.message and "“C”" in f.message


def test_WT004_passes_when_all_projects_total_90():
    assert "WT004" not in codes(check(good_project("A") + good_project("B")))


def test_WT004_ignores_totals_that_are_simply_wrong():
    rows = good_project("A") + variant({0: {"weight": 10}}, name="B")  # 90 and 80
    assert "WT004" not in codes(check(rows))


def test_WT_family_ignore_and_select():
    rows = variant({0: {"weight": 10}, 1: {"weight": None}})
    assert not [c for c in codes(check(rows, Config(ignore=["WT"]))) if c.startswith("WT")]
    selected = codes(check(rows, Config(select=["WT002"])))
    assert set(selected) == {"WT002"} and len(only(check(rows), "WT001")) == 1
