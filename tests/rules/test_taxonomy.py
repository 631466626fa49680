"""TX: the tests that are not (yet) cases.

TX001, TX003, TX004 and TX008 are tested by their cases (tests/rules/cases/TX*.yaml, run by
test_cases.py). TX002, TX005, TX006 and TX007 stay here while the rulebook branch rewrites them
(pending rulebook review); move them into cases once that lands.
"""

from ..helpers import codes
from .util import addr, check, good_project, ind, one, only, variant

GOAL = "完成年度培训任务，提升干部业务能力水平"


# --- TX002 level-2 under level-1 ------------------------------------------------------

def test_TX002_fails_on_level2_from_another_level1():
    f = one(check(variant({3: {"level2": "数量指标"}})), "TX002")
    assert f.cell == addr("level2", 3) and "数量指标" in f.message and "效益指标" in f.message
    assert "产出指标" in f.message  # where it belongs


def test_TX002_fails_on_satisfaction_inside_benefit_block():
    fs = check(variant({4: {"level1": "效益指标"}}))
    f = one(fs, "TX002")
    assert "服务对象满意度指标" in f.message and "满意度指标" in f.message
    assert "TX005" not in codes(fs)  # the satisfaction indicator exists, only misfiled


def test_TX002_fails_on_unknown_level2_and_lists_allowed():
    f = one(check(variant({3: {"level2": "社会效应指标"}})), "TX002")
    assert "社会效应指标" in f.message and "社会效益指标" in f.message


def test_TX002_passes_on_legacy_cost_under_output():
    rows = good_project() + [ind(level2="成本指标", name="培训成本", comparator="≤", target=10, measure="万元",
                                 weight=0.5, direction="反向指标")]
    assert "TX002" not in codes(check(rows))


def test_TX002_passes_on_cost_as_level1():
    rows = good_project() + [ind(level1="成本指标", level2="经济成本指标", name="培训成本", comparator="≤",
                                 target=10, measure="万元", weight=0.5, direction="反向指标")]
    assert "TX002" not in codes(check(rows))


def test_TX002_passes_on_clean_table():
    assert "TX002" not in codes(check(good_project()))


# --- TX005 satisfaction ---------------------------------------------------------------

def test_TX005_fails_without_satisfaction():
    rows = good_project()[:4]
    f = one(check(rows), "TX005")
    assert f.severity == "warning" and f.cell == addr("project", 0) and "项目A" in f.message


def test_TX005_passes_on_clean_table():
    assert "TX005" not in codes(check(good_project()))


# --- TX006 quantity / quality / timeliness --------------------------------------------

def test_TX006_fails_on_missing_timeliness():
    f = one(check(variant({2: {"level2": "数量指标"}})), "TX006")
    assert "时效指标" in f.message and f.cell == addr("project", 0)


def test_TX006_one_finding_per_missing_kind():
    rows = variant({1: {"level2": "数量指标"}, 2: {"level2": "数量指标"}})
    assert sorted(f.message.split("没有")[1][:4] for f in only(check(rows), "TX006")) == ["时效指标", "质量指标"]


def test_TX006_silent_when_project_has_no_output_at_all():
    rows = [ind(project="P", budget=1, goal=GOAL, level1="效益指标", level2="社会效益指标", name="效果",
                comparator="定性", target="好", measure=None, weight=90)]
    fs = check(rows)
    assert "TX006" not in codes(fs) and "TX004" in codes(fs)


def test_TX006_passes_on_clean_table():
    assert "TX006" not in codes(check(good_project()))


# --- TX007 name suggests another level ------------------------------------------------

def test_TX007_fails_on_satisfaction_under_social_benefit():
    f = one(check(variant({3: {"name": "市民对空气质量改善的满意程度"}})), "TX007")
    assert f.cell == addr("name", 3) and "满意" in f.message and "社会效益指标" in f.message


def test_TX007_fails_on_pass_rate_under_benefit():
    f = one(check(variant({3: {"name": "项目验收合格率"}})), "TX007")
    assert "合格率" in f.message and "质量指标" in f.message


def test_TX007_fails_on_cost_under_ecological_benefit():
    f = one(check(variant({3: {"level2": "生态效益指标", "name": "治污费用控制"}})), "TX007")
    assert "费用" in f.message and "成本指标" in f.message


def test_TX007_passes_on_clean_table():
    assert "TX007" not in codes(check(good_project()))
