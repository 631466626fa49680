"""SE rules, one ordinary test (at least) per code; the YAML cases (cases/SE*.yaml) cover more."""

from __future__ import annotations

from xlperf.core.rules.registry import LAYOUT_RULES, applies
from xlperf.core.model import Table

from ..se_helpers import MOF, PLAIN, change, check, codes

FIGURES_86 = dict(C6=43.2, D6=43.2, E6=37.24, C7=43.2, D7=43.2, E7=37.24, G6="86%")


def test_SE001_unfilled_is_one_finding():
    rows = change(MOF, E13=None, G13=None, E14=None, G14=None, E15=None, G15=None, E16=None, G16=None, H6=None, G17=None)
    got = check(rows)
    assert [(f.code, f.cell) for f in got] == [("SE001", "E13")]
    assert codes(MOF, "SE001") == []


def test_SE002_rate_compared_at_the_precision_shown():
    assert codes(change(MOF, **FIGURES_86, H6=9), "SE002") == []  # 86% for 86.2 %
    assert codes(change(MOF, **FIGURES_86 | {"G6": "86.00%"}, H6=9), "SE002") == [("G6", "error")]
    assert codes(change(MOF, **FIGURES_86 | {"G6": 0.862}, H6=9), "SE002") == []  # a % number format
    assert codes(change(MOF, **FIGURES_86 | {"G6": 0.8620370370370369}, H6=9), "SE002") == []  # a formula's value
    assert codes(change(MOF, G6="95%"), "SE002") == [("G6", "error")]


def test_SE003_template_rounding_is_a_note_not_an_error():
    assert codes(change(MOF, **FIGURES_86, H6=9), "SE003") == [("H6", "info")]
    assert codes(change(MOF, **FIGURES_86, H6=8.62), "SE003") == []
    assert codes(change(MOF, **FIGURES_86, H6=10), "SE003") == [("H6", "error")]
    assert codes(change(MOF, H6=None), "SE003") == [("H6", "warning")]


def test_SE004_score_above_points():
    assert codes(change(MOF, G13=35, G17=104), "SE004") == [("G13", "error")]
    assert codes(MOF, "SE004") == []


def test_SE005_cut_needs_a_reason_and_placeholders_are_none():
    for placeholder in ("0", "无", "/", None):
        assert codes(change(MOF, E14="93%", G14=18, H14=placeholder, G17=97), "SE005") == [("H14", "error")]
    assert codes(change(MOF, E14="93%", G14=18, H14="两名学员补考未通过", G17=97), "SE005") == []
    assert codes(change(MOF, H14="0"), "SE005") == []  # full score with a placeholder


def test_SE006_actual_missing():
    assert codes(change(MOF, E16=None), "SE006") == [("E16", "warning")]
    assert codes(change(MOF, E16="/"), "SE006") == []


def test_SE007_actual_not_comparable():
    assert codes(change(MOF, E13="按计划完成"), "SE007") == [("E13", "warning")]
    assert codes(change(MOF, E14="96万元"), "SE007") == [("E14", "warning")]
    assert codes(MOF, "SE007") == []


def test_SE008_score_follows_from_target_and_actual_by_direction():
    assert codes(change(MOF, E13="80人次", H13="停训"), "SE008") == [("G13", "error")]  # full marks, unmet
    assert codes(change(MOF, G14=15, H14="考核偏严", G17=94), "SE008") == [("G14", "error")]  # cut, met
    assert codes(change(MOF, E13="80人次", G13=24, H13="停训", G17=93), "SE008") == []
    assert codes(change(MOF, C14="培训不合格率", D14="≤5%", E14="3%"), "SE008") == []  # 反向, met
    assert codes(change(MOF, C14="培训不合格率", D14="≤5%", E14="8%", H14="x"), "SE008") == [("G14", "error")]
    assert codes(change(MOF, E15="部分达成", G15=30, H15="x"), "SE008") == [("G15", "error")]
    assert codes(change(MOF, E15="部分达成", G15=21, H15="x", G17=90), "SE008") == []


def test_SE009_SE010_without_scores_unmet_listed_and_warned_without_reason():
    assert codes(PLAIN, "SE009") == [("F10", "info")]
    assert codes(PLAIN, "SE010") == []
    assert codes(change(PLAIN, G10=None), "SE010") == [("G10", "warning")]
    assert codes(change(PLAIN, G10="无"), "SE009") == []


def test_SE011_invalid_target_reported_not_compared():
    rows = change(PLAIN, E11="290%", F11="100%")
    got = check(rows)
    assert ("VL010", "E11") in [(f.code, f.cell) for f in got]
    assert [(f.code, f.cell) for f in got if f.code.startswith("SE") and f.row == 11] == [("SE011", "E11")]


def test_SE012_points_add_up_to_100_or_the_stated_split():
    assert codes(change(MOF, F13=35, G13=35, G17=104), "SE012") == [("F6", "error")]
    assert codes(MOF, "SE012") == []
    stated = change(MOF, A12="绩效指标(80分)")
    assert codes(stated, "SE012") == [("A12", "error")]


def test_SE013_stated_total_is_the_sum():
    assert codes(change(MOF, G17=100), "SE013") == [("G17", "error")]
    assert codes(change(MOF, F17=90), "SE013") == [("F17", "error")]
    assert codes(MOF, "SE013") == []


def test_SE014_funds_lines_add_up():
    assert codes(change(MOF, E7=80), "SE014") == [("E6", "error")]
    assert codes(MOF, "SE014") == []


def test_list_rules_skipped_on_self_evaluations_in_one_place():
    t = Table(sheet="S", layout="self_evaluation", columns={"weight": 6})
    assert not applies("WT002", t) and applies("WT001", t) and not applies("VL001", t)
    assert not applies("WT001", Table(sheet="S", layout="self_evaluation"))  # 衡山: no 分值
    assert applies("WT002", Table(sheet="S")) and not applies("SE001", Table(sheet="S"))
    assert "WT002" in LAYOUT_RULES["self_evaluation"]["skip"]


def test_SE015_goal_and_conclusion_texts():
    assert codes(change(MOF, B11=43.2, C11=37.24), "SE015") == [("B11", "warning"), ("C11", "warning")]
    assert codes(change(MOF, C11="对照年度目标,说明相关任务目标的完成情况(100字以内)"), "SE015") == [("C11", "warning")]
    assert codes(MOF, "SE015") == []


def test_SE002_uncached_formula_is_a_note():
    assert codes(change(MOF, G6="=E6/D6"), "SE002") == [("G6", "info")]


def test_clean_self_evaluations_have_no_finding_but_the_listed_unmet_one():
    """The MoF base has no finding at all (no list rule misfires on a self-evaluation: WT002 with
    its 90, VL001/VL005/VL007 without their columns, ST004 …); the plain one lists its unmet
    indicator (SE009) and nothing else."""
    assert [(f.code, f.cell) for f in check(MOF)] == []
    assert [(f.code, f.cell) for f in check(PLAIN)] == [("SE009", "F10")]


def test_SE016_budget_adjustment_and_low_rate_need_a_reason():
    from ..se_helpers import SICHUAN

    assert codes(SICHUAN, "SE016") == [("I5", "warning")]  # 238.93 -> 251.89, the template's note as reason
    assert codes(change(SICHUAN, I5="年中人员调资追加12.96万元"), "SE016") == []
    assert codes(MOF, "SE016") == []  # the MoF form has no 原因 column
    unfilled = change(SICHUAN, H8=None, J8=None, H9=None, J9=None, H5=None, J10=None)
    assert [f.code for f in check(unfilled) if f.code.startswith("SE")] == ["SE001"]
