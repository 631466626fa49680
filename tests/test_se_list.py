"""A self-evaluation written as one list (tests/data/family/se_list.tsv, facts in its README): the
target list's columns with 执行数 / 执行率 per project and 实际完成值 / 得分 / 偏差原因 per indicator.
Before core/layouts/se_list.py it was read as a target list: the five self-evaluation columns one
ST015 (表头未识别) and none of the self-evaluation checks ran."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from xlperf.api import check_path

from .test_family_tables import assert_nothing_silent, build, codes, rows_of, with_amount


def _rows_with(cell_row: str, old: str, new: str) -> list[list[str]]:
    return with_amount(rows_of("se_list"), cell_row, old, new)


def test_list_shaped_self_evaluation_is_read_with_actuals_and_scores(tmp_path):
    path = build(tmp_path, "se_list")
    res = check_path(path)
    (t,) = res.tables
    assert t.layout == "self_evaluation"
    assert "清单式自评表" in t.layout_reason
    assert [(p.name, p.unit_name, p.budget, len(p.indicators)) for p in t.projects] == [
        ("学生资助", "某县教育局", 500, 4), ("营养改善计划", "某县教育局", 300, 3), ("基层卫生人员培训", "某县卫生健康局", 200, 3)]
    lines = [p.funds.lines[0] for p in t.projects]
    assert [(ln.budget, ln.spent, ln.rate, ln.cells.get("spent")) for ln in lines] == [
        (500, 480, 96, "D4"), (300, 300, 100, "D8"), (200, 150, 75, "D11")]
    sat = t.projects[0].indicators[3]
    assert (sat.name, sat.actual, sat.weight, sat.score, sat.reason) == ("学生满意度", 85, 10, 8, "宣传不到位，下年度加强政策宣传")
    assert t.indicator_cell(sat, "score") == "L7"
    assert all(p.evaluation is not None and p.evaluation.year == "2023" for p in t.projects)
    assert not [f for f in res.findings if f.code.startswith("ST")], [f.message for f in res.findings]
    assert res.findings == [], [f.message for f in res.findings]
    assert_nothing_silent(path, res)


def test_list_shaped_self_evaluation_summary_in_the_json(tmp_path):
    done = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(build(tmp_path, "se_list")), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["layouts"] == {"self_evaluation": 1}
    assert [(p["layout"], p["execution_rate"], p["score_total"], p["points_total"]) for p in report["projects"]] == [
        ("self_evaluation", 96, 88, 90), ("self_evaluation", 100, 90, 90), ("self_evaluation", 75, 85, 90)]


def test_score_above_points_and_cut_without_reason(tmp_path):
    rows = rows_of("se_list")
    for r in rows:
        if "资助准确率" in r:
            r[r.index("20", r.index("100%") + 1) + 1] = "25"  # 得分 25 of 20
        if "学生满意度" in r:
            r[-1] = ""  # the cut's reason taken away
    res = check_path(build(tmp_path, "se_list", rows))
    assert [(f.code, f.cell) for f in codes(res, "SE004")] == [("SE004", "L5")]
    assert [(f.code, f.cell) for f in codes(res, "SE005")] == [("SE005", "M7")]


def test_actual_missing(tmp_path):
    rows = rows_of("se_list")
    for r in rows:
        if "家长满意度" in r:
            r[r.index("92%")] = ""
    res = check_path(build(tmp_path, "se_list", rows))
    assert [(f.code, f.cell) for f in codes(res, "SE006")] == [("SE006", "J10")]


def test_execution_rate_that_does_not_follow_from_the_figures(tmp_path):
    res = check_path(build(tmp_path, "se_list", _rows_with("学生资助", "96%", "90%")))
    (f,) = codes(res, "SE002")
    assert f.cell == "E4" and "96" in f.message


def test_a_project_figure_written_again_differently_is_ST003(tmp_path):
    rows = rows_of("se_list")
    i = next(i for i, r in enumerate(rows) if "资助准确率" in r)
    rows[i][3] = "470"  # 执行数 again on the block's second row, another amount
    res = check_path(build(tmp_path, "se_list", rows))
    (f,) = codes(res, "ST003")
    assert "执行数" in f.message and "480" in f.message and "470" in f.message
    assert res.tables[0].projects[0].funds.lines[0].spent == 480


def test_amounts_in_yuan_are_read_as_wan(tmp_path):
    rows = rows_of("se_list")
    for r in rows:
        if r and r[0] == "单位：万元":
            r[0] = "单位：元"
        if len(r) > 4 and r[2].isdigit():
            r[2], r[3] = str(int(r[2]) * 10000), str(int(r[3]) * 10000)
    res = check_path(build(tmp_path, "se_list", rows))
    assert [(p.budget, p.funds.lines[0].spent) for p in res.tables[0].projects] == [(500, 480), (300, 300), (200, 150)]
    assert codes(res, "SE002") == []


def test_the_same_list_without_the_self_evaluation_columns_stays_a_target_list(tmp_path):
    rows = [r[:3] + r[5:9] + r[10:11] for r in rows_of("se_list")]
    rows = [[v.replace("绩效自评表", "绩效目标表") for v in r] for r in rows]
    res = check_path(build(tmp_path, "se_list", rows))
    (t,) = res.tables
    assert t.layout == "list" and len(list(t.indicators())) == 10
    assert all(p.evaluation is None for p in t.projects)


@pytest.mark.parametrize("header", ["实际完成值", "完成值", "全年实际完成值"])
def test_actual_header_spellings(tmp_path, header):
    res = check_path(build(tmp_path, "se_list", _rows_with("实际完成值", "实际完成值", header)))
    assert res.tables[0].layout == "self_evaluation"
    assert res.tables[0].projects[0].indicators[0].actual == 1050


def test_split_writes_actual_score_and_reason(tmp_path):
    out = tmp_path / "records.csv"
    done = subprocess.run([sys.executable, "-m", "xlperf.cli", "split", str(build(tmp_path, "se_list")), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 10
    assert (rows[3]["三级指标"], rows[3]["实际完成值"], rows[3]["得分"], rows[3]["偏差原因"]) == (
        "学生满意度", "85", "8", "宣传不到位，下年度加强政策宣传")


def test_a_target_list_with_empty_actual_and_score_columns_stays_a_target_list(tmp_path):
    rows = rows_of("se_list")
    h = next(i for i, r in enumerate(rows) if "实际完成值" in r)
    for r in rows[h + 1:]:
        for c in (9, 11, 12):  # 实际完成值, 得分, 偏差原因 left as printed
            if c < len(r):
                r[c] = ""
    res = check_path(build(tmp_path, "se_list", rows))
    assert res.tables[0].layout == "list"
    assert not codes(res, "SE001")
