"""A self-evaluation in its summary shape (绩效自评结果汇总表, tests/data/family/se_summary.tsv):
a project per row with its figures, score and grade, no indicators. Written to a real .xlsx and
read back through the CLI and the API; every cell ends in the Table or in a finding."""

from __future__ import annotations

import json
import subprocess
import sys

from xlperf.api import check_path

from .test_family_tables import assert_nothing_silent, build, codes, rows_of, with_amount


def test_summary_is_read_as_a_self_evaluation_of_three_projects(tmp_path):
    path = build(tmp_path, "se_summary")
    res = check_path(path)
    (t,) = res.tables
    assert t.layout == "self_evaluation" and "自评结果汇总表" in t.layout_reason
    assert [(p.name, p.budget, p.evaluation.total_score, p.evaluation.grade) for p in t.projects] == [
        ("学生资助", 500, 95, "优"), ("营养改善计划", 320, 88, "良"), ("校舍维修", 200, 72, "优")]
    ln = t.projects[1].funds.lines[0]
    assert (ln.initial, ln.budget, ln.spent, ln.rate, ln.cells["spent"]) == (300, 320, 300, 93.75, "E5")
    (total,) = t.total_rows
    assert total.amounts == {"initial": 1000, "budget": 1020, "spent": 900, "rate": 88.24, "rate_places": 2}
    assert sorted((f.code, f.cell) for f in res.findings) == [("SE017", "B3"), ("SE019", "H6")]
    assert_nothing_silent(path, res)


def test_SE017_says_once_that_the_indicators_were_not_checked(tmp_path):
    res = check_path(build(tmp_path, "se_summary"))
    (f,) = codes(res, "SE017")
    assert f.severity == "info" and f.scope == "table" and "3个项目" in f.message and "未检查" in f.message


def test_SE018_total_row_spent_and_rate(tmp_path):
    rows = with_amount(rows_of("se_summary"), "合计", "900", "800")
    res = check_path(build(tmp_path, "se_summary", rows))
    got = {f.cell: f.message for f in codes(res, "SE018")}
    assert set(got) == {"E7", "F7"}
    assert "各项目之和为900" in got["E7"] and "800÷合计预算数1020为78.431%" in got["F7"]
    assert not codes(res, "BG002")  # 全年预算数 1020 still adds up


def test_SE019_grade_against_score_and_the_budget_total_by_BG002(tmp_path):
    rows = with_amount(rows_of("se_summary"), "校舍维修", "优", "中")
    rows = with_amount(rows, "合计", "1020", "1000")
    res = check_path(build(tmp_path, "se_summary", rows))
    assert not codes(res, "SE019")
    (f,) = codes(res, "BG002")
    assert f.cell == "D7"


def test_summary_through_the_cli_json_and_split(tmp_path):
    path = build(tmp_path, "se_summary")
    done = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # SE019 is an error
    report = json.loads(done.stdout)
    (t,) = report["tables"]
    assert [p["layout"] for p in report["projects"]] == ["self_evaluation"] * 3
    assert report["summary"]["layouts"] == {"self_evaluation": 1}
    assert [(p["score_total"], p["grade"], p["execution_rate"]) for p in report["projects"]] == [
        (95, "优", 96), (88, "良", 93.75), (72, "优", 60)]
    assert t["layout"] == "self_evaluation"
    out = tmp_path / "records.csv"
    done = subprocess.run([sys.executable, "-m", "xlperf.cli", "split", str(path), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    # a summary holds no indicator to split into records: said, exit 1, no file
    assert done.returncode == 1 and not out.exists(), (done.returncode, done.stdout, done.stderr)
