"""What the family tables left over (tests/data/family/README.md): a list's 合计 row that carries a
weight, a unit's 小计 row, and tables that call their weights 分值. Each table is written to a real
.xlsx and read back; every non-empty cell ends in the Table or in a finding."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import openpyxl
import pytest

from xlperf.api import check_path
from xlperf.core.blocks import SUBTOTAL, TOTAL, total_row_kind
from xlperf.core.weights_fast import project_weights
from xlperf.writers.export import weights_table

from .real_tables import write_rows
from .test_family_tables import assert_nothing_silent, build, codes, rows_of, text_report

HEADER = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
          "度量单位", "权重", "指标方向性"]


def changed(rows: list[list[str]], first: str, col: int, new: str) -> list[list[str]]:
    """The rows with cell ``col`` (0-based) of the row whose first cell is ``first`` set to ``new``."""
    i = next(i for i, r in enumerate(rows) if r and r[0] == first)
    r = rows[i] + [""] * (len(HEADER) - len(rows[i]))
    r[col] = new
    rows[i] = r
    return rows


W, B, M = HEADER.index("权重"), HEADER.index("预算数"), HEADER.index("度量单位")


def project(name: str, budget: str, weights: tuple[str, ...] = ("20", "15", "15", "30", "10"), tag: str = ""
            ) -> list[list[str]]:
    """A project's five rows as a tsv writes them (leading blanks continue the cells above)."""
    a, b, c, d, e = weights
    return [["", name, budget, f"按期完成{name}的全部年度任务", "产出指标", "数量指标", f"{name}{tag}完成数量", "≥", "10", "个", a,
             "正向指标"],
            ["", "", "", "", "", "质量指标", f"{name}{tag}验收合格率", "≥", "95", "%", b, "正向指标"],
            ["", "", "", "", "", "时效指标", f"{name}{tag}完成时限", "≤", "12", "月", c, "反向指标"],
            ["", "", "", "", "效益指标", "社会效益指标", f"{name}{tag}受益人数", "≥", "500", "人", d, "正向指标"],
            ["", "", "", "", "满意度指标", "服务对象满意度指标", f"{name}{tag}满意度", "≥", "90", "%", e, "正向指标"]]


def a_list(*body: list[list[str]], header: list[str] = HEADER) -> list[list[str]]:
    rows = [["部门预算项目绩效目标申报表（2023年度）"], ["金额单位：万元"], list(header)]
    for part in body:
        rows += part
    return rows


# --- the family table: a Sichuan list with 小计 and a weighted 合计 row --------------------------


def test_sc_list_total_reads_its_subtotal_and_total_rows(tmp_path):
    path = build(tmp_path, "sc_list_total")
    res = check_path(path)
    (t,) = res.tables
    assert [(p.name, p.budget, p.unit_name) for p in t.projects] == [
        ("高标准农田建设", 120, "某县农业农村局本级"), ("农村人居环境整治", 80, "某县农业农村局本级"),
        ("农业技术推广培训", 60, "某县农业技术推广中心")]
    assert [u.name for u in t.units] == ["某县农业农村局本级", "某县农业技术推广中心"]  # no unit 小计 or 合计
    sub, total = t.total_rows
    assert (sub.subtotal, sub.code, sub.name, sub.row, sub.budget, sub.budget_cell, sub.weight, sub.project_indices) == (
        True, "208001", "某县农业农村局本级", 16, 200, "C16", None, [0, 1])
    assert (total.subtotal, total.name, total.row, total.budget, total.weight, total.weight_raw, total.weight_cell,
            total.measure_cell, total.project_indices) == (False, "合计", 23, 260, 90, 90, "K23", "J23", [0, 1, 2])
    assert [p.weight_total for p in res.report.projects] == [90, 90, 90]
    assert res.findings == [], [(f.code, f.cell, f.message) for f in res.findings]
    assert "权重合计正确 3/3" in text_report(res)
    assert_nothing_silent(path, res)


def test_sc_list_total_fast_path_ends_the_last_project_at_the_total_row(tmp_path):
    ws = openpyxl.load_workbook(build(tmp_path, "sc_list_total")).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    got = project_weights(rows)
    assert [(p.name, p.total) for p in got] == [("高标准农田建设", 90), ("农村人居环境整治", 90), ("农业技术推广培训", 90)]


def test_a_total_row_weight_that_is_the_columns_sum_says_nothing(tmp_path):
    rows = changed(rows_of("sc_list_total"), "合计", W, "270")
    res = check_path(build(tmp_path, "sc_list_total", rows))
    assert res.tables[0].total_rows[-1].weight == 270
    assert not codes(res, "WT008") and not codes(res, "WT006") and not codes(res, "WT002")


def test_a_total_row_weight_that_matches_neither_is_WT008(tmp_path):
    path = build(tmp_path, "sc_list_total", changed(rows_of("sc_list_total"), "合计", W, "100"))
    res = check_path(path)
    (f,) = codes(res, "WT008")
    assert (f.severity, f.cell, f.row) == ("warning", "K23", 23)
    assert "“合计”行的权重为100" in f.message and "3个项目都为90" in f.message and "（270）" in f.message
    assert not codes(res, "WT002") and not codes(res, "WT006")
    assert_nothing_silent(path, res)


def test_a_subtotal_weight_is_the_units_and_is_held_against_its_projects(tmp_path):
    rows = changed(rows_of("sc_list_total"), "小计", W, "170")
    res = check_path(build(tmp_path, "sc_list_total", rows))
    (f,) = codes(res, "WT008")
    assert f.cell == "K16" and "单位“某县农业农村局本级”的小计行" in f.message and "2个项目都为90" in f.message
    assert "（180）" in f.message
    rows = changed(rows_of("sc_list_total"), "小计", W, "180")  # the unit's sum: nothing to say
    assert not codes(check_path(build(tmp_path, "sc_list_total", rows)), "WT008")


def test_a_subtotal_budget_is_held_against_its_units_projects(tmp_path):
    rows = changed(rows_of("sc_list_total"), "小计", B, "210")
    res = check_path(build(tmp_path, "sc_list_total", rows))
    (f,) = codes(res, "BG002")
    assert f.cell == "C16" and "小计行“某县农业农村局本级”" in f.message and "210.00" in f.message
    assert "200.00" in f.message


# --- a 合计 row's weight as the table's stated total (core.totals) -------------------------------


def test_every_project_at_100_and_a_total_row_of_100_is_judged_by_100(tmp_path):
    at_100 = ("20", "15", "15", "40", "10")
    rows = a_list(project("甲项目", "10", at_100), project("乙项目", "20", at_100),
                  [["合计", "", "30", "", "", "", "", "", "", "", "100", ""]])
    path = build(tmp_path, "list_100", rows)
    res = check_path(path)
    assert not codes(res, "WT002") and not codes(res, "WT007") and not codes(res, "WT008")
    (f,) = codes(res, "WT006")
    assert f.cell == "K14" and "“合计”行的权重为100" in f.message and "按100分核对" in f.message
    assert [p.expected for p in res.report.projects] == [100, 100] and res.report.summary.expected_total == 100
    assert_nothing_silent(path, res)


def test_a_total_row_above_the_projects_totals_them_too(tmp_path):
    rows = a_list([["合计", "", "30", "", "", "", "", "", "", "", "100", ""]],
                  project("甲项目", "10"), project("乙项目", "20"))
    res = check_path(build(tmp_path, "top_total", rows))
    (t,) = res.tables
    assert [p.name for p in t.projects] == ["甲项目", "乙项目"] and not t.orphans
    (f,) = codes(res, "WT008")
    assert f.cell == "K4" and "2个项目都为90" in f.message and "（180）" in f.message
    assert not codes(res, "BG002")


def test_a_total_row_in_the_project_column_with_a_weight(tmp_path):
    header = HEADER[1:]
    rows = [["部门预算项目绩效目标申报表（2023年度）"], ["金额单位：万元"], header]
    for name, budget in (("甲项目", "10"), ("乙项目", "20")):
        rows += [r[1:] for r in project(name, budget)]
    rows.append(["合计", "30", "", "", "", "", "", "", "分", "90", ""])
    path = build(tmp_path, "no_unit_column", rows)
    res = check_path(path)
    (t,) = res.tables
    assert [p.name for p in t.projects] == ["甲项目", "乙项目"] and t.total_rows[0].weight == 90
    assert res.findings == [], [(f.code, f.cell, f.message) for f in res.findings]
    assert_nothing_silent(path, res)


@pytest.mark.parametrize("values, kind", [
    ({"weight": 90}, TOTAL),
    ({"weight": "100分"}, TOTAL),
    ({"measure": "分"}, TOTAL),
    ({"measure": " 分 ", "weight": 100}, TOTAL),
    ({"measure": "%", "weight": 100}, None),  # a 度量单位 other than 分: a row of indicators
    ({"name": "合计", "weight": 10}, None),
    ({"target": 5}, None),
])
def test_which_total_rows_may_carry_values(values, kind):
    assert total_row_kind("合计", None, None, None, values) == kind
    assert total_row_kind(None, "合 计", None, None, values) == kind
    assert total_row_kind("小计", None, None, None, values) == (SUBTOTAL if kind else None)
    assert total_row_kind("合计", "某项目", None, None, values) is None
    assert total_row_kind("合计", None, "产出指标", None, values) is None


# --- 分值: the word the table itself uses ----------------------------------------------------------


def test_a_list_with_a_points_column_says_points(tmp_path):
    header = [("分值" if h == "权重" else h) for h in HEADER]
    off = ("20", "15", "15", "30", "20")  # 100 where the list is judged by 90
    rows = a_list(project("甲项目", "10"), project("乙项目", "20"), project("丙项目", "30", off), header=header)
    res = check_path(build(tmp_path, "points_list", rows))
    assert res.tables[0].weight_word == "分值"
    assert (res.report.tables[0].weight_word, res.report.summary.weight_word) == ("分值", "分值")
    out = text_report(res).replace("\n", "")  # the summary line wraps at 120 columns
    assert "分值合计正确 2/3；分值合计不符：丙项目" in out and "权重合计正确" not in out
    assert "项目分值合计（应为 90）" in out and "分值不符" in out
    header_row, table_rows = weights_table(res.report)
    assert [r[-1] for r in table_rows][2:] == ["分值合计不符", "2个项目分值合计符合期望"]
    assert res.report.projects[2].status == "权重合计不符"  # the JSON's value stays the contract's


def test_a_mof_form_of_points_says_points(tmp_path):
    res = check_path(build(tmp_path, "mof_form_100"))
    assert [t.weight_word for t in res.tables] == ["分值"] and res.report.summary.weight_word == "分值"
    out = text_report(res)
    assert "分值合计正确 1/1" in out and "权重合计" not in out.split("合计：")[-1]


def test_a_weighted_list_says_weights_and_a_points_table_beside_it_does_not_change_that(tmp_path):
    wb = openpyxl.Workbook()
    write_rows(wb.active, rows_of("sc_list_total"))
    write_rows(wb.create_sheet("Sheet2"), rows_of("mof_form_100"))
    path = tmp_path / "two.xlsx"
    wb.save(path)
    res = check_path(path)
    assert [t.weight_word for t in res.report.tables] == ["权重", "分值"]
    assert res.report.summary.weight_word == "权重" and "权重合计正确" in text_report(res)


def test_a_points_form_beside_a_table_without_weights_says_points(tmp_path):
    wb = openpyxl.Workbook()
    write_rows(wb.active, rows_of("mof_form_100"))
    write_rows(wb.create_sheet("Sheet2"), rows_of("beijing_list"))
    path = tmp_path / "two.xlsx"
    wb.save(path)
    res = check_path(path)
    assert res.report.summary.weight_word == "分值"  # the table without weights has no say
    assert "分值合计正确 1/1" in text_report(res)


def test_the_json_report_carries_the_weight_word(tmp_path):
    path = build(tmp_path, "mof_form_100")
    out = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(path), "--format", "json"],
                         capture_output=True, check=False)
    data = json.loads(out.stdout.decode("utf-8"))
    assert data["schema_version"] == "1.3"
    assert [t["weight_word"] for t in data["tables"]] == ["分值"] and data["summary"]["weight_word"] == "分值"


def test_the_schema_lists_the_weight_word():
    schema = json.loads((pathlib.Path(__file__).parents[1] / "docs" / "report.schema.json").read_text("utf-8"))
    defs = schema["$defs"]
    for model in ("TableSummary", "Summary"):
        assert defs[model]["properties"]["weight_word"]["enum"] == ["权重", "分值"]
        assert "weight_word" in defs[model]["required"]
