"""VL: comparator, target, unit of measure and direction."""

import pytest

from xlperf.core.blocks import build_table
from xlperf.core.config import Config
from xlperf.core.engine import check_table

from ..helpers import codes
from .util import addr, check, good_project, grid_without, one, only, row, variant


def check_without(rows, *fields):
    return check_table(build_table(grid_without(rows, fields)), Config())


# --- VL001 comparator ------------------------------------------------------------------

def test_VL001_fails_on_unknown_comparator():
    f = one(check(variant({0: {"comparator": "约等于"}})), "VL001")
    assert f.cell == addr("comparator", 0) and f.row == row(0) and "约等于" in f.message


def test_VL001_fails_on_blank_comparator():
    f = one(check(variant({0: {"comparator": None}})), "VL001")
    assert "为空" in f.message


def test_VL001_fails_on_quantitative_without_symbol():
    f = one(check(variant({0: {"comparator": "定量", "target": 5}})), "VL001")
    assert "定量" in f.message and "≥" in f.message


def test_VL001_passes_on_quantitative_with_symbol_in_value():
    assert "VL001" not in codes(check(variant({0: {"comparator": "定量", "target": "≥5次", "measure": None}})))


def test_VL001_passes_on_spelling_variants():
    fs = check(variant({0: {"comparator": ">="}, 2: {"comparator": "不超过"}}))
    assert "VL001" not in codes(fs) and "NM001" in codes(fs)


def test_VL001_silent_without_comparator_column():
    rows = variant({0: {"target": "≥5次", "measure": None}})
    fs = check_without(rows, "comparator")
    assert "VL001" not in codes(fs)


# --- VL002 quantitative target not a number --------------------------------------------

def test_VL002_fails_on_text_target():
    f = one(check(variant({0: {"target": "按时完成"}})), "VL002")
    assert f.cell == addr("target", 0) and "按时完成" in f.message and "≥" in f.message


def test_VL002_passes_on_number_with_symbol_and_unit():
    assert "VL002" not in codes(check(variant({1: {"target": "≥95%", "measure": None}})))


def test_VL002_passes_on_clean_table():
    assert "VL002" not in codes(check(good_project()))


# --- VL003 qualitative target is a number ----------------------------------------------

@pytest.mark.parametrize("target", [95, "95", "95%", "10次"])
def test_VL003_fails_on_numeric_qualitative_target(target):
    f = one(check(variant({3: {"target": target}})), "VL003")
    assert f.cell == addr("target", 3) and str(target) in f.message


@pytest.mark.parametrize("target", ["提升", "2023年12月底前完成", "2023.07-2024.01", "高"])
def test_VL003_passes_on_text_or_dates(target):
    assert "VL003" not in codes(check(variant({3: {"target": target}})))


# --- VL004 whole scale -----------------------------------------------------------------

@pytest.mark.parametrize("target", ["高中低", "优、良、中、差", "好/较好/一般/较差"])
def test_VL004_fails_on_whole_scale(target):
    f = one(check(variant({3: {"target": target}})), "VL004")
    assert f.severity == "error" and f.cell == addr("target", 3) and target in f.message


def test_VL004_passes_on_one_grade():
    assert "VL004" not in codes(check(variant({3: {"target": "高"}})))


# --- VL005 quantitative without unit ---------------------------------------------------

def test_VL005_fails_on_missing_unit():
    f = one(check(variant({0: {"measure": None}})), "VL005")
    assert f.cell == addr("measure", 0) and "培训次数" in f.message and "≥5" in f.message


def test_VL005_passes_on_unit_inside_value():
    assert "VL005" not in codes(check(variant({0: {"target": "5次", "measure": None}})))


def test_VL005_silent_without_measure_column():
    assert "VL005" not in codes(check_without(good_project(), "measure"))


def test_VL005_passes_on_qualitative():
    assert "VL005" not in codes(check(good_project()))


# --- VL006 qualitative with unit -------------------------------------------------------

def test_VL006_fails_on_unit_and_fix_clears_it():
    f = one(check(variant({3: {"measure": "%"}})), "VL006")
    assert f.cell == addr("measure", 3) and "干部业务能力" in f.message and "%" in f.message
    assert f.fix.cell == addr("measure", 3) and f.fix.old == "%" and f.fix.new is None


def test_VL006_passes_on_clean_table():
    assert "VL006" not in codes(check(good_project()))


# --- VL007 direction missing -----------------------------------------------------------

def test_VL007_fails_on_blank_direction_with_fix_from_comparator():
    fs = check(variant({0: {"direction": None}, 2: {"direction": None}}))
    by_row = {f.row: f for f in only(fs, "VL007")}
    assert by_row[row(0)].cell == addr("direction", 0) and by_row[row(0)].fix.new == "正向指标"
    assert by_row[row(2)].fix.new == "反向指标" and "≤" in by_row[row(2)].message


def test_VL007_fails_on_unknown_direction_without_fix_for_qualitative():
    f = one(check(variant({3: {"direction": "越来越好"}})), "VL007")
    assert "越来越好" in f.message and f.fix is None


def test_VL007_silent_without_direction_column():
    assert "VL007" not in codes(check_without(good_project(), "direction"))


def test_VL007_passes_on_clean_table():
    assert "VL007" not in codes(check(good_project()))


# --- VL008 direction contradicts comparator --------------------------------------------

def test_VL008_fails_on_ge_with_reverse():
    f = one(check(variant({0: {"direction": "反向指标"}})), "VL008")
    assert f.cell == addr("direction", 0) and "≥" in f.message and "反向指标" in f.message
    assert "正向指标" in f.message


def test_VL008_fails_on_le_with_positive():
    f = one(check(variant({1: {"comparator": "≤", "target": 99}})), "VL008")
    assert "≤" in f.message and "培训合格率" in f.message


def test_VL008_passes_on_matching_directions():
    assert "VL008" not in codes(check(good_project()))


# --- VL009 reverse with = or 定性 -------------------------------------------------------

@pytest.mark.parametrize("i, changes", [(1, {"comparator": "=", "target": 100, "direction": "反向指标"}),
                                        (3, {"direction": "反向指标"})])
def test_VL009_fails_on_reverse_with_equal_or_qualitative(i, changes):
    f = one(check(variant({i: changes})), "VL009")
    assert f.severity == "warning" and f.cell == addr("direction", i) and "反向指标" in f.message


def test_VL009_passes_on_clean_table():
    assert "VL009" not in codes(check(good_project()))


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


# --- VL013 value cell contradicts column -----------------------------------------------

def test_VL013_fails_on_symbol_contradicting_column():
    f = one(check(variant({1: {"comparator": "≤", "target": "≥95%", "direction": "反向指标"}})), "VL013")
    assert f.cell == addr("target", 1) and "≥" in f.message and "≤" in f.message


def test_VL013_fails_on_unit_contradicting_column():
    f = one(check(variant({0: {"target": "5%", "measure": "次"}})), "VL013")
    assert "5%" in f.message and "次" in f.message


def test_VL013_passes_when_value_cell_agrees():
    fs = check(variant({1: {"target": "≥95%"}, 0: {"target": "5万", "measure": "万元"}}))
    assert "VL013" not in codes(fs)


# --- VL014 vague target ----------------------------------------------------------------

def test_VL014_fails_on_vague_target():
    f = one(check(variant({3: {"target": "有效提升"}})), "VL014")
    assert f.severity == "info" and f.cell == addr("target", 3) and "有效提升" in f.message


def test_VL014_passes_on_specific_target():
    assert "VL014" not in codes(check(good_project()))


# --- VL015 target missing --------------------------------------------------------------

def test_VL015_fails_on_missing_target():
    f = one(check(variant({0: {"target": None}})), "VL015")
    assert f.cell == addr("target", 0) and "培训次数" in f.message


def test_VL015_passes_on_clean_table():
    assert "VL015" not in codes(check(good_project()))
