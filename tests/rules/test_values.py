"""VL: the tests that are not (yet) cases.

Every other VL rule is tested by its cases in tests/rules/cases/VL*.yaml (run by test_cases.py).
VL004, VL010, VL011 and VL012 stay here while the rulebook branch rewrites them (pending
rulebook review); move them into cases once that lands.
"""

import pytest

from xlperf.core.config import Config

from ..helpers import codes
from .util import addr, check, good_project, one, variant


# --- VL004 whole scale -----------------------------------------------------------------

@pytest.mark.parametrize("target", ["高中低", "优、良、中、差", "好/较好/一般/较差"])
def test_VL004_fails_on_whole_scale(target):
    f = one(check(variant({3: {"target": target}})), "VL004")
    assert f.severity == "error" and f.cell == addr("target", 3) and target in f.message


def test_VL004_passes_on_one_grade():
    assert "VL004" not in codes(check(variant({3: {"target": "高"}})))


# --- VL010 percent range ---------------------------------------------------------------

def test_VL010_fails_on_292_percent():
    f = one(check(variant({1: {"target": 292}})), "VL010")
    assert f.severity == "error" and f.cell == addr("target", 1) and "292" in f.message and f.fix is None


def test_VL010_warns_on_ge_100_with_fix_to_equal():
    f = one(check(variant({1: {"target": 100}})), "VL010")
    assert f.severity == "warning" and f.cell == addr("comparator", 1) and "=100%" in f.message
    assert f.fix.cell == addr("comparator", 1) and f.fix.old == "≥" and f.fix.new == "="


def test_VL010_fix_rewrites_symbol_inside_value_cell():
    f = one(check(variant({1: {"comparator": None, "target": "≥100%", "measure": None}})), "VL010")
    assert f.fix.cell == addr("target", 1) and f.fix.old == "≥100%" and f.fix.new == "=100%"


def test_VL010_warns_on_le_0_percent():
    f = one(check(variant({2: {"target": 0, "measure": "%"}})), "VL010")
    assert f.severity == "warning" and f.fix.new == "="


def test_VL010_passes_on_equal_100_and_normal_rates():
    assert "VL010" not in codes(check(variant({1: {"comparator": "=", "target": 100}})))
    assert "VL010" not in codes(check(good_project()))


# --- VL011 satisfaction ----------------------------------------------------------------

def test_VL011_fails_below_minimum():
    f = one(check(variant({4: {"target": 60}})), "VL011")
    assert f.cell == addr("target", 4) and "60%" in f.message and "80%" in f.message


def test_VL011_fails_on_qualitative_and_wrong_unit():
    f = one(check(variant({4: {"comparator": "定性", "target": "满意", "measure": "分"}})), "VL011")
    assert "定性" in f.message and "“分”" in f.message


def test_VL011_uses_config_minimum():
    assert "VL011" in codes(check(good_project(), Config(satisfaction_min=95)))


def test_VL011_passes_on_90_percent():
    assert "VL011" not in codes(check(good_project()))


# --- VL012 timeliness unit -------------------------------------------------------------

def test_VL012_fails_on_count_unit():
    f = one(check(variant({2: {"measure": "次"}})), "VL012")
    assert f.cell == addr("measure", 2) and "培训完成时限" in f.message and "次" in f.message


@pytest.mark.parametrize("changes", [{"measure": "%", "comparator": "≥", "target": 90, "direction": "正向指标"},
                                     {"measure": "工作日"}, {"measure": "周"},
                                     {"comparator": "定性", "target": "按期完成", "measure": None}])
def test_VL012_passes_on_time_units_percent_or_qualitative(changes):
    assert "VL012" not in codes(check(variant({2: changes})))


def test_VL012_passes_on_date_range():
    assert "VL012" not in codes(check(variant({2: {"comparator": "=", "target": "2023.07-2024.01", "measure": "期间",
                                                   "direction": "正向指标"}})))
