"""TX: taxonomy rules."""

from ..helpers import codes
from .util import addr, blank_row, check, good_project, ind, one, only, row, variant

GOAL = "完成年度培训任务，提升干部业务能力水平"


# --- TX001 level-1 -------------------------------------------------------------------

def test_TX001_fails_on_unknown_level1():
    f = one(check(variant({1: {"level1": "工作指标"}})), "TX001")
    assert f.cell == addr("level1", 1) and f.row == row(1) and "工作指标" in f.message


def test_TX001_fails_on_blank_level1_with_hint_for_level2_text():
    fs = check(variant({0: {"level1": "数量指标"}}))
    f = one(fs, "TX001")
    assert "数量指标" in f.message and "错列" in f.message


def test_TX001_reports_a_merged_unknown_level1_once():
    rows = variant({0: {"level1": "工作指标"}, 1: {"level1": None}, 2: {"level1": None}})
    f = one(check(rows, merges=[(0, 4, 2, 4)]), "TX001")
    assert f.cell == addr("level1", 0)


def test_TX001_passes_on_aliases():
    rows = variant({0: {"level1": "产出"}, 3: {"level1": "效益指标(30分)"}})
    assert "TX001" not in codes(check(rows))


def test_TX001_passes_on_clean_table():
    assert "TX001" not in codes(check(good_project()))


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


# --- TX003 aliases --------------------------------------------------------------------

def test_TX003_fails_on_alias_with_fix_to_canonical():
    fs = check(variant({3: {"level2": "环境效益指标"}}))
    f = one(fs, "TX003")
    assert f.severity == "info" and f.cell == addr("level2", 3)
    assert "环境效益指标" in f.message and "生态效益指标" in f.message
    assert f.fix.cell == addr("level2", 3) and f.fix.old == "环境效益指标" and f.fix.new == "生态效益指标"


def test_TX003_strips_score_suffix():
    f = one(check(variant({0: {"level1": "产出指标(50分)"}})), "TX003")
    assert f.fix.new == "产出指标" and f.fix.old == "产出指标(50分)"


def test_TX003_reports_merged_alias_once_on_the_anchor():
    rows = variant({0: {"level1": "产出"}, 1: {"level1": None}, 2: {"level1": None}})
    fs = only(check(rows, merges=[(0, 4, 2, 4)]), "TX003")
    assert [f.cell for f in fs] == [addr("level1", 0)]


def test_TX003_passes_on_canonical_names():
    assert "TX003" not in codes(check(good_project()))


# --- TX004 output and outcome ---------------------------------------------------------

def test_TX004_fails_without_benefit():
    f = one(check(variant({3: {"level1": "产出指标", "level2": "数量指标"}})), "TX004")
    assert f.cell == addr("project", 0) and "效益指标" in f.message and "项目A" in f.message


def test_TX004_reports_output_and_benefit_separately():
    rows = [ind(project="P", budget=1, goal=GOAL, level1="满意度指标", level2="服务对象满意度指标", name="满意度",
                target=90, measure="%", weight=90)]
    fs = only(check(rows), "TX004")
    assert sorted(f.message for f in fs) == sorted(
        [f"{addr('project', 0)} 项目“P”没有产出指标", f"{addr('project', 0)} 项目“P”没有效益指标"])
    assert {f.message_en for f in fs} == {"project without output or outcome indicators"}


def test_TX004_passes_on_clean_table():
    assert "TX004" not in codes(check(good_project()))


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


# --- TX008 cost filed two ways --------------------------------------------------------

def test_TX008_fails_when_cost_is_filed_both_ways():
    cost_top = ind(level1="成本指标", level2="经济成本指标", name="培训成本", comparator="≤", target=5,
                   measure="万元", weight=1, direction="反向指标")
    cost_under = ind(level1="产出指标", level2="成本指标", name="培训成本", comparator="≤", target=5,
                     measure="万元", weight=1, direction="反向指标")
    rows = good_project("A") + [cost_top] + good_project("B") + [cost_under]
    f = one(check(rows), "TX008")
    assert str(row(5)) in f.message and str(row(11)) in f.message
    assert f.cell in (addr("level1", 5), addr("level2", 11))


def test_TX008_passes_with_one_convention_and_ignores_placeholders():
    rows = good_project("A") + [blank_row(level1="成本指标", level2="经济成本指标")] + good_project("B") + [
        ind(level2="成本指标", name="培训成本", comparator="≤", target=5, measure="万元", weight=1, direction="反向指标")]
    assert "TX008" not in codes(check(rows))
