"""ST: structure rules, one passing and one failing case each (named by code)."""

from xlperf.core.blocks import build_table
from xlperf.core.engine import check_table
from xlperf.core.grid import Grid
from xlperf.core.rules import render

from ..helpers import codes
from .util import addr, blank_row, check, good_project, ind, one, row, variant

GOAL = "完成年度培训任务，提升干部业务能力水平"


# --- read rules (raised while building the table) ---------------------------------------

def test_ST001_fails_without_header():
    g = Grid("表", [["随便写的标题"], ["指标名称", "目标"], ["培训次数", 5]])
    t = build_table(g)
    f = one(check_table(t), "ST001")
    assert "三级指标" in f.message or "项目名称" in f.message


def test_ST001_passes_with_standard_header():
    assert "ST001" not in codes(check(good_project()))


def test_ST007_level1_in_unit_column_is_read_and_reported():
    rows = good_project()
    rows[1][0], rows[1][4] = "产出指标", None  # level-1 pasted one column left
    fs = check(rows)
    f = one(fs, "ST007")
    assert f.cell == addr("unit", 1) and "产出指标" in f.message
    assert "TX001" not in codes(fs)


def test_ST007_passes_on_clean_table():
    assert "ST007" not in codes(check(good_project()))


def test_ST008_template_names_rows_project_and_totals():
    msg = render("ST008", {"cell": "G30", "rows": "30—31", "project": "项目A", "totals": "90和90"})
    assert "30—31" in msg and "项目A" in msg and "90和90" in msg


def test_ST010_fails_on_content_outside_the_columns():
    rows = good_project()
    rows[2] = rows[2] + ["待定"]
    f = one(check(rows), "ST010")
    assert f.cell == f"M{row(2)}" and "待定" in f.message


def test_ST010_passes_on_clean_table():
    assert "ST010" not in codes(check(good_project()))


# --- ST002 orphan rows ----------------------------------------------------------------

def test_ST002_fails_on_indicator_before_any_project():
    rows = [ind(name="孤立指标")] + good_project()
    f = one(check(rows), "ST002")
    assert f.cell == addr("project", 0) and f.row == row(0) and "孤立指标" in f.message


def test_ST002_passes_when_every_row_has_a_project():
    assert "ST002" not in codes(check(good_project()))


def test_ST002_reports_orphan_placeholders_too():
    # no other rule sees a placeholder before the first project (ST004 looks inside projects)
    rows = [blank_row(level1="产出指标", level2="成本指标")] + good_project()
    f = one(check(rows), "ST002")
    assert "成本指标" in f.message


# --- ST013 header without data rows -------------------------------------------------

def test_ST013_fails_on_header_without_rows():
    f = one(check([]), "ST013")
    assert f.severity == "error" and "没有任何项目" in f.message


def test_ST013_passes_with_rows():
    assert "ST013" not in codes(check(good_project()))


# --- ST003 conflicting project fields -------------------------------------------------

def test_ST003_fails_on_second_budget_inside_block():
    rows = variant({2: {"budget": 12}})
    f = one(check(rows), "ST003")
    assert f.cell == addr("budget", 2) and f.row == row(2)
    assert "预算数" in f.message and "10" in f.message and "12" in f.message


def test_ST003_fails_on_second_goal_inside_block():
    rows = variant({3: {"goal": "另一个完全不同的年度目标文字"}})
    f = one(check(rows), "ST003")
    assert f.cell == addr("goal", 3) and "另一个完全不同的年度目标文字" in f.message


def test_ST003_passes_on_merged_project_fields():
    merges = [(0, 1, 4, 1), (0, 2, 4, 2), (0, 3, 4, 3)]
    assert "ST003" not in codes(check(good_project(), merges=merges))


# --- ST004 placeholder rows -----------------------------------------------------------

def test_ST004_fails_on_placeholder_and_other_rules_skip_it():
    rows = good_project() + [blank_row(level1="产出指标", level2="成本指标", direction="正向指标")]
    fs = check(rows)
    f = one(fs, "ST004")
    assert f.cell == addr("level2", 5) and "成本指标" in f.message
    assert [x.code for x in fs if x.row == row(5) and x.code != "ST004"] == []


def test_ST004_passes_on_full_rows():
    assert "ST004" not in codes(check(good_project()))


# --- ST005 duplicates -----------------------------------------------------------------

def test_ST005_fails_on_duplicate_name():
    rows = variant({1: {"name": "培训 次数"}})  # spaces do not hide a duplicate
    f = one(check(rows), "ST005")
    assert f.cell == addr("name", 1) and "培训" in f.message and str(row(0)) in f.message


def test_ST005_passes_on_distinct_names():
    assert "ST005" not in codes(check(good_project()))


def test_ST005_passes_on_same_name_in_two_projects():
    assert "ST005" not in codes(check(good_project("A") + good_project("B")))


# --- ST006 annual goal ----------------------------------------------------------------

def test_ST006_fails_on_missing_goal():
    f = one(check(good_project(goal=None)), "ST006")
    assert f.cell == addr("goal", 0) and "为空" in f.message and "项目A" in f.message


def test_ST006_fails_on_short_goal():
    f = one(check(good_project(goal="搞培训")), "ST006")
    assert "3个字" in f.message and "搞培训" in f.message and "10" in f.message


def test_ST006_fails_when_goal_repeats_project_name():
    f = one(check(good_project(name="干部教育培训专项经费", goal="干部教育培训专项经费")), "ST006")
    assert "与项目名称相同" in f.message


def test_ST006_respects_goal_min_length():
    from xlperf.core.config import Config

    assert "ST006" in codes(check(good_project(), Config(goal_min_length=40)))


def test_ST006_passes_on_real_goal():
    assert "ST006" not in codes(check(good_project()))


# --- ST009 values without a name ------------------------------------------------------

def test_ST009_fails_on_values_without_name():
    rows = variant({1: {"name": None, "target": 88}})
    f = one(check(rows), "ST009")
    assert f.cell == addr("name", 1) and "88" in f.message and "15" in f.message


def test_ST009_passes_with_names():
    assert "ST009" not in codes(check(good_project()))


# --- ST011 too few indicators ---------------------------------------------------------

def test_ST011_fails_on_two_indicators():
    rows = [ind(project="小项目", budget=1, goal=GOAL, weight=60),
            ind(level1="效益指标", level2="社会效益指标", name="效果", comparator="定性", target="好", measure=None, weight=30)]
    f = one(check(rows), "ST011")
    assert f.cell == addr("project", 0) and "2个" in f.message and "小项目" in f.message


def test_ST011_passes_on_five_indicators():
    assert "ST011" not in codes(check(good_project()))


# --- ST012 project without indicators -------------------------------------------------

def test_ST012_fails_on_project_without_indicators_and_silences_project_rules():
    rows = [blank_row(project="空项目", budget=5, goal=GOAL)] + good_project("项目B")
    fs = check(rows)
    f = one(fs, "ST012")
    assert f.cell == addr("project", 0) and "空项目" in f.message
    assert not [x for x in fs if x.project == "空项目" and x.code != "ST012"]


def test_ST012_passes_on_project_with_indicators():
    assert "ST012" not in codes(check(good_project()))


def test_ST012_counts_placeholders_as_no_indicators():
    rows = [blank_row(project="空项目", budget=5, goal=GOAL, level1="产出指标", level2="数量指标")]
    assert "ST012" in codes(check(rows))

