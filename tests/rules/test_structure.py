"""ST: the tests that are not cases.

Every other ST rule is tested by its cases (tests/rules/cases/ST*.yaml, run by test_cases.py).
What stays here: ST008, raised only by the PDF-text importer (its message template is checked
here, the rule itself in tests/test_pdftext.py); ST011, pending rulebook review (another branch
is rewriting it); and two tests of how a structure finding silences the other rules on its row
or project, which a case (one rule's findings) cannot express.
"""

from xlperf.core.rules import render

from .util import addr, blank_row, check, good_project, ind, one, row

GOAL = "完成年度培训任务，提升干部业务能力水平"


def test_ST008_template_names_rows_project_and_totals():
    msg = render("ST008", {"cell": "G30", "rows": "30—31", "project": "项目A", "totals": "90和90"})
    assert "30—31" in msg and "项目A" in msg and "90和90" in msg


def test_ST004_placeholder_row_silences_the_other_rules_on_it():
    rows = good_project() + [blank_row(level1="产出指标", level2="成本指标", direction="正向指标")]
    fs = check(rows)
    assert one(fs, "ST004").cell == addr("level2", 5)
    assert [x.code for x in fs if x.row == row(5) and x.code != "ST004"] == []


def test_ST012_project_without_indicators_silences_project_rules():
    rows = [blank_row(project="空项目", budget=5, goal=GOAL)] + good_project("项目B")
    fs = check(rows)
    assert one(fs, "ST012").cell == addr("project", 0)
    assert not [x for x in fs if x.project == "空项目" and x.code != "ST012"]


# --- ST011 too few indicators (pending rulebook review) ---------------------------------

def test_ST011_fails_on_two_indicators():
    rows = [ind(project="小项目", budget=1, goal=GOAL, weight=60),
            ind(level1="效益指标", level2="社会效益指标", name="效果", comparator="定性", target="好", measure=None, weight=30)]
    f = one(check(rows), "ST011")
    assert f.cell == addr("project", 0) and "2个" in f.message and "小项目" in f.message


def test_ST011_passes_on_five_indicators():
    assert "ST011" not in [f.code for f in check(good_project())]
