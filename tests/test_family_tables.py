"""The family tables (tests/data/family, facts in its README): shapes of published layouts the
eight real tables do not show — a department table whose funds are broken down twice, a form
whose funds block is followed by label blocks and a 进度计划 sub-table, 长期/年度 grids stacked,
a list with 项目单位 and no 权重 column. Each is written to a real .xlsx and read back; every
non-empty cell ends in the Table or in a finding."""

from __future__ import annotations

import io
import pathlib
from typing import Any

import openpyxl
import pytest
from rich.console import Console

from xlperf.api import check_path
from xlperf.cli.text_report import render_report
from xlperf.core.grid import address
from xlperf.core.headers import DUTY_LOOKUP, IGNORED_HEADERS, MONEY_ROW_RE, field_of_header
from xlperf.core.layouts.form import label_key_of
from xlperf.core.layouts.labels import role_of
from xlperf.core.layouts.self_evaluation import is_structure
from xlperf.core.normalise import clean_text

from .real_tables import tsv_rows, write_rows

FAMILY = pathlib.Path(__file__).parent / "data" / "family"


def rows_of(name: str) -> list[list[str]]:
    return tsv_rows(str(FAMILY / f"{name}.tsv"))


def with_amount(rows: list[list[str]], label: str, old: str, new: str) -> list[list[str]]:
    """The rows with ``old`` replaced by ``new`` on the first row that holds ``label``."""
    i = next(i for i, r in enumerate(rows) if label in r)
    rows[i] = [(new if v == old else v) for v in rows[i]]
    return rows


def build(tmp_path: pathlib.Path, name: str, rows: list[list[str]] | None = None) -> pathlib.Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    write_rows(ws, rows if rows is not None else rows_of(name))
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return path


def codes(res, code: str) -> list:
    return [f for f in res.findings if f.code == code]


def _addresses(v: Any, out: set[str]) -> None:
    """Every cell address a reader stored inside details (sub-table rows, 长期 rows: ``cells``)."""
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "cells" and isinstance(x, dict):
                out.update(a for a in x.values() if isinstance(a, str))
            else:
                _addresses(x, out)
    elif isinstance(v, list):
        for x in v:
            _addresses(x, out)


def assert_nothing_silent(path: pathlib.Path, res) -> None:
    """Every non-empty cell of the sheet is referenced by the Table (a field, a fund line, an
    indicator, a detail's cells), by a finding, or is structure (a known label or header)."""
    refs: set[str] = set()
    dump = ""
    for t in res.tables:
        dump += t.model_dump_json()
        if t.header_row:
            refs.update(address(t.header_row, c) for c in range(1, 40))
        for f in t.findings:
            refs.add(f.cell or "")
        # a list's department, unit and total rows: the name's cell on the row, the budget's, the weight's
        name_col = t.columns.get("unit") or t.columns.get("project")
        for d in t.departments:
            refs.update(x for x in (d.budget_cell, name_col and address(d.row, name_col)) if x)
        for u in [*t.units, *t.total_rows]:
            refs.update(x for x in (u.budget_cell, u.weight_cell, u.measure_cell,
                                    name_col and u.row and address(u.row, name_col)) if x)
        for u in t.total_rows:  # the table's 合计 row
            refs.update([u.budget_cell] if u.budget_cell else [])
            refs.update(u.amount_cells.values())
        for p in t.projects:
            refs.update(p.cells.values())
            _addresses(p.details, refs)
            if p.funds:
                for ln in p.funds.lines + ([p.funds.total_line] if p.funds.total_line else []):
                    refs.update(x for x in (ln.cell, ln.label_cell) if x)
                    refs.update(ln.cells.values())  # a self-evaluation line's 年初预算 … 得分
            for ind in p.indicators:
                refs.update(address(ind.row, c) for c in t.columns.values())
                refs.update(ind.origin.values())
            if p.evaluation:
                refs.update(p.evaluation.cells.values())
            if p.costs:  # the cost block: its header cells, every line's cells, its notes
                refs.update(p.costs.cells.values())
                refs.update(x for x in (p.costs.label_cell,) if x)
                for ln in p.costs.lines:
                    refs.update(ln.cells.values())
    refs.update(f.cell for f in res.findings if f.cell)
    ws = openpyxl.load_workbook(path).active
    for t in res.tables:  # a 序号 column is known and deliberately left alone
        if t.header_row:
            for cell in ws[t.header_row]:
                if isinstance(cell.value, str) and clean_text(cell.value) in IGNORED_HEADERS:
                    refs.update(f"{cell.column_letter}{r}" for r in range(t.header_row, ws.max_row + 1))
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            structural = role_of(cell.value) is not None or field_of_header(cell.value) is not None or (
                any(t.layout == "self_evaluation" for t in res.tables) and is_structure(cell.value)) or (
                label_key_of(cell.value) in DUTY_LOOKUP) or (
                isinstance(cell.value, str) and bool(MONEY_ROW_RE.search(cell.value))
                and any(t.money_unit in cell.value for t in res.tables))  # read as the table's 金额单位
            text = clean_text(cell.value) or ""
            assert cell.coordinate in refs or structural or (isinstance(cell.value, str) and text in dump), \
                (cell.coordinate, cell.value)


def text_report(res) -> str:
    buf = io.StringIO()
    render_report(res.report, Console(file=buf, width=120, color_system=None))
    return buf.getvalue()


def only(res):
    (t,) = res.tables
    (p,) = t.projects
    return t, p


# --- 部门整体: a funds total broken down twice ------------------------------------------------


def test_hn_dept_each_breakdown_group_adds_up_on_its_own(tmp_path):
    path = build(tmp_path, "hn_dept")
    res = check_path(path)
    t, p = only(res)
    assert t.layout == "department" and p.name == "某县市场监督管理局" and p.budget == pytest.approx(1500.6)
    assert len(p.real_indicators()) == 6
    groups = {}
    for ln in p.funds.lines:
        groups.setdefault(ln.group, []).append((ln.label, ln.amount))
    assert groups == {"按收入性质分": [("一般公共预算", 1400.6), ("政府性基金", 0), ("其他资金", 100)],
                      "按支出性质分": [("基本支出", 1100.6), ("项目支出", 400)]}
    assert [ln.role for ln in p.funds.lines] == ["fiscal", None, "other", "basic", "project"]
    assert p.details["资金块"] == "年度预算申请"
    assert p.details["部门职能职责概述"] == "负责全县市场综合监督管理"
    assert p.goal.startswith("目标1:加强食品安全监管") and p.goal.endswith("目标2:推进市场主体登记便利化")
    assert not codes(res, "BG006") and not codes(res, "ST010")
    assert_nothing_silent(path, res)


def test_hn_dept_a_group_off_is_one_BG006_naming_that_group(tmp_path):
    res = check_path(build(tmp_path, "hn_dept", with_amount(rows_of("hn_dept"), "其他资金", "100", "90")))
    (f,) = codes(res, "BG006")
    assert f.cell == "C4" and "按收入性质分" in f.message and "1490.6" in f.message and "-10" in f.message
    assert "基本支出" not in f.message


# --- 宁乡 form: the funds block's end, enumerated lines, label blocks, a sub-table, stacked grids ----


def test_ningxiang_funds_block_ends_at_the_next_block_and_keeps_the_plan_as_details(tmp_path):
    path = build(tmp_path, "ningxiang_form")
    res = check_path(path)
    t, p = only(res)
    assert t.layout == "form" and p.name == "镇域内基础设施建设" and p.unit_name == "坝塘镇"
    assert p.budget == pytest.approx(10606.7522)
    lines = [(ln.label, ln.role, ln.amount) for ln in p.funds.lines]
    assert lines == [("财政拨款", "fiscal", pytest.approx(6923.3552)), ("自有资金", "unit_funds", 0),
                     ("其他", "other", pytest.approx(3683.397))]
    fiscal = p.funds.lines[0]
    assert [(x.label, x.amount) for x in fiscal.parts] == [("上级财政资金", pytest.approx(6923.3552)), ("本级财政", 0)]
    plan = p.details["项目实施进度计划"]
    assert [(r["项目实施内容"], r["开始时间"], r["完成时间"]) for r in plan] == [
        ("1总体概念规划", 2016, 2020), ("2、核心区规划", 2021, 2021)]
    assert plan[0]["cells"] == {"项目实施内容": "B16", "开始时间": "C16", "完成时间": "D16"}
    assert p.details["项目概况"].startswith("镇域内水利")
    assert p.details["立项情况·项目立项的依据"] == "机关、学校、乡村振兴按发改立项"
    assert not codes(res, "BG006") and not codes(res, "ST010") and not codes(res, "BG008")
    assert_nothing_silent(path, res)


def test_ningxiang_stacked_long_and_annual_grids(tmp_path):
    path = build(tmp_path, "ningxiang_form")
    res = check_path(path)
    t, p = only(res)
    names = [i.name for i in p.real_indicators()]
    assert len(names) == 9 and names[0] == "集镇立面改造栋数" and t.header_row == 30
    long = p.details["长期绩效指标"]
    assert len(long) == 9 and long[0]["name"] == "基础设施项目个数" and long[0]["target"] == 8
    assert long[0]["cells"]["name"] == "D21"
    assert p.cells["长期绩效指标"] == "A20"
    assert not codes(res, "ST005") and not codes(res, "ST016")


def test_ningxiang_an_empty_long_grid_is_ST016_once(tmp_path):
    rows = rows_of("ningxiang_form")
    start = next(i for i, r in enumerate(rows) if r and r[0] == "长期绩效指标")
    end = next(i for i, r in enumerate(rows) if r and r[0] == "年度绩效指标")
    for i in range(start + 1, end):
        rows[i] = rows[i][:3]  # 一级 / 二级 only: no 指标内容, no 指标值
    res = check_path(build(tmp_path, "ningxiang_form", rows))
    t, p = only(res)
    assert len(p.real_indicators()) == 9
    (f,) = codes(res, "ST016")
    assert f.cell == "A20"


def test_enumerated_funds_lines_and_parts_in_brackets(tmp_path):
    rows = [["项目名称", "道路维修"], ["实施单位", "某镇"],
            ["项目资金", "年度资金总额", "30"], ["", "(一)财政拨款", "20"], ["", "2、其他资金", "10"],
            ["年度目标", "完成道路维修10公里"],
            ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "维修里程", "≥10公里"]]
    res = check_path(build(tmp_path, "enum", rows))
    t, p = only(res)
    assert [(ln.label, ln.role) for ln in p.funds.lines] == [("财政拨款", "fiscal"), ("其他资金", "other")]
    assert not codes(res, "BG006") and not codes(res, "ST010")


# --- a list with 项目单位 and no 权重 --------------------------------------------------------------


def test_beijing_list_unit_column_and_no_weight_table(tmp_path):
    path = build(tmp_path, "beijing_list")
    res = check_path(path)
    (t,) = res.tables
    assert t.layout == "list" and [p.unit_name for p in t.projects] == ["区文化馆", "区文物管理所"]
    assert len([i for p in t.projects for i in p.real_indicators()]) == 10
    assert not codes(res, "ST015")
    assert codes(res, "ST030")
    out = text_report(res)
    assert "权重合计正确" not in out and "权重未检查（本表没有权重/分值列）" in out
    assert "未检查权重合计" in out
    for line in out.splitlines():
        if line.strip().startswith(("4 ", "9 ")):
            assert not line.split()[-2] == "0", line  # no 合计 0 before the status
    assert_nothing_silent(path, res)


# --- property: random forms of the family ------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from xlperf.api import check_grids  # noqa: E402
from xlperf.core.grid import Grid, Merge  # noqa: E402

ENUMS = ["", "一、", "二、", "(一)", "(二)", "1.", "2、", "三、"]
FUND_LINES = [("财政拨款", "fiscal"), ("自有资金", "unit_funds"), ("其他资金", "other"), ("上年结转", "carried_over")]
LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标"),
          ("满意度指标", "服务对象满意度指标")]


def grid_of_rows(rows: list[list[str]]) -> Grid:
    """A Grid as ``real_tables.write_rows`` writes a workbook: a row's leading blanks continue the
    label above (vertical merges); numbers as numbers."""
    width = max(len(r) for r in rows)
    values: list[list[Any]] = []
    merges: list[Merge] = []
    run: dict[int, int] = {}
    for r, cells in enumerate(rows):
        first = next((k for k, v in enumerate(cells) if v), width)
        values.append([(int(v) if v.isdigit() else v) if v else None for v in cells] + [None] * (width - len(cells)))
        for c in range(width):
            if c < first:  # a leading blank: the label above goes on down
                if c not in run and r > 0 and values[r - 1][c] is not None:
                    run[c] = r - 1
            elif c in run:
                top = run.pop(c)
                if r - 1 > top:
                    merges.append(Merge(top, c, r - 1, c))
    for c, top in run.items():
        if len(rows) - 1 > top:
            merges.append(Merge(top, c, len(rows) - 1, c))
    return Grid("表单", values, merges)


@st.composite
def family_form(draw):
    rows: list[list[str]] = [["项目绩效目标表(2024年度)"], ["项目名称", "乡村道路建设"]]
    if draw(st.booleans()):
        rows.append(["项目单位", "某镇", "项目负责人", "张三"])
    picked = draw(st.lists(st.sampled_from(FUND_LINES), min_size=1, max_size=4, unique=True))
    amounts = [draw(st.integers(0, 500)) for _ in picked]
    total = sum(amounts)
    label = draw(st.sampled_from(["年度资金总额及构成", "项目资金", "资金情况(万元)"]))
    rows.append([label, "年度资金总额", str(total)])
    for (name, _), a in zip(picked, amounts):
        enum = draw(st.sampled_from(ENUMS))
        if draw(st.booleans()):
            rows.append(["", f"{enum}{name}:{a}万元"])
        else:
            rows.append(["", f"{enum}{name}", str(a)])
    expect: dict[str, Any] = {"budget": total, "lines": [role for _, role in picked]}
    if draw(st.booleans()):
        rows.append(["项目概况", "新建和改造镇村道路"])
    if draw(st.booleans()):
        rows.append(["立项情况", "项目立项的依据", "县发改委批复立项"])
        rows.append(["", "项目申报的可行性", "已完成可行性研究"])
    plan = draw(st.integers(0, 3))
    if plan:
        rows.append(["项目实施进度计划", "项目实施内容", "开始时间", "完成时间"])
        rows += [["", f"{k + 1}阶段工作", str(2020 + k), str(2021 + k)] for k in range(plan)]
    expect["plan"] = plan
    rows.append(["年度目标", "完成道路建设20公里"])
    stacked = draw(st.booleans())
    header = ["一级指标", "二级指标", "指标内容", "指标值"]
    n_long = draw(st.integers(1, 5)) if stacked else 0
    n_year = draw(st.integers(1, 5))

    def grid(title: str, n: int, tag: str) -> None:
        rows.append([title] + header)
        prev = None
        for k in range(n):
            l1, l2 = LEVELS[k]
            rows.append(["", "" if l1 == prev else l1, l2, "道路建设里程" if k == 0 else f"{tag}指标{k}", f"≥{k + 1}"])
            prev = l1

    if stacked:
        grid("长期绩效指标", n_long, "长期")
    grid("年度绩效指标", n_year, "年度")
    expect.update(long=n_long, year=n_year)
    return rows, expect


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None, max_examples=60)
@given(family_form())
def test_random_family_forms_read_every_cell(built):
    rows, e = built
    grid = grid_of_rows(rows)
    res = check_grids([grid])
    (t,) = res.tables
    (p,) = t.projects
    assert t.layout == "form" and p.name == "乡村道路建设" and p.budget == e["budget"]
    assert [ln.role for ln in p.funds.lines] == e["lines"]
    assert len(p.real_indicators()) == e["year"]
    assert len(p.details.get("项目实施进度计划", [])) == e["plan"]
    assert len(p.details.get("长期绩效指标", [])) == e["long"]
    bad = [(f.code, f.cell, f.message) for f in res.findings if f.code in ("BG006", "ST005", "ST010", "ST015", "ST016")]
    assert not bad
    refs: set[str] = set()
    dump = t.model_dump_json()
    refs.update(f.cell for f in res.findings if f.cell)
    refs.update(address(t.header_row, c) for c in range(1, 10))
    refs.update(p.cells.values())
    _addresses(p.details, refs)
    for ln in p.funds.lines + [p.funds.total_line]:
        refs.update(x for x in (ln.cell, ln.label_cell) if x)
    for ind in p.indicators:
        refs.update(address(ind.row, c) for c in t.columns.values())
        refs.update(ind.origin.values())
    for r, c, v in grid.iter_nonempty():
        a = grid.addr(r, c)
        structural = role_of(v) is not None or field_of_header(v) is not None
        assert a in refs or structural or (isinstance(v, str) and (clean_text(v) or "") in dump), (a, v)


# --- a form of 100 points that states no total (core.totals) ----------------------------------


def test_form_of_100_points_is_judged_by_100(tmp_path):
    path = build(tmp_path, "mof_form_100")
    res = check_path(path)
    assert [t.layout for t in res.tables] == ["form"]
    (p,) = res.report.projects
    assert (p.name, p.budget, p.indicator_count, p.weight_total, p.expected) == (
        "农村饮水安全巩固提升工程", 350.0, 7, 100.0, 100.0)
    assert p.weight_ok and not codes(res, "WT002")
    (f,) = codes(res, "WT007")
    assert f.severity == "info" and "按100分核对" in f.message
    assert res.report.summary.expected_total == 100.0
    assert_nothing_silent(path, res)


def test_form_of_100_points_with_a_configured_90(tmp_path):
    path = build(tmp_path, "mof_form_100")
    (tmp_path / "xlperf.toml").write_text("expected_total = 90\n", encoding="utf-8")
    res = check_path(path)
    assert not codes(res, "WT007")
    (f,) = codes(res, "WT002")
    assert "100" in f.message and "90" in f.message


def test_a_configured_other_setting_leaves_the_total_a_default(tmp_path):
    # xlperf.toml sets something else (and a flag another): expected_total is still the default
    from xlperf.core.config import PendingSettings

    path = build(tmp_path, "mof_form_100")
    (tmp_path / "xlperf.toml").write_text("goal_min_length = 8\n", encoding="utf-8")
    res = check_path(path, settings=PendingSettings(path, overrides={"tolerance": 0.5}))
    assert len(codes(res, "WT007")) == 1 and not codes(res, "WT002")
    res = check_path(path, settings=PendingSettings(path, overrides={"expected_total": 90}))
    assert not codes(res, "WT007") and len(codes(res, "WT002")) == 1


# --- 中央 templates: 中期 | 年度 columns side by side, 年度主要任务 as the funds -------------------


def test_central_form_reads_the_years_column_of_funds_and_grid(tmp_path):
    path = build(tmp_path, "central_form")
    res = check_path(path)
    t, p = only(res)
    assert t.layout == "form" and p.name == "农村饮水安全巩固提升工程"
    assert (p.budget, p.funds.total, p.funds.total_cell) == (1200, 1200, "D7")
    by_group = {}
    for ln in p.funds.lines:
        by_group.setdefault(ln.group, []).append((ln.label, ln.amount, ln.cell))
    assert by_group == {None: [("其中：财政拨款", 1000, "D8"), ("其他资金", 200, "D9")],
                        "中期资金总额": [("其中：财政拨款", 3000, "C8"), ("其他资金", 600, "C9"),
                                     ("中期资金总额", 3600, "C7")]}
    inds = p.real_indicators()
    assert [i.target for i in inds][:2] == [40, 95] and inds[0].measure == "处"
    assert inds[0].details["中期指标值"] == "120处"
    assert not codes(res, "ST015") and not codes(res, "ST010") and not codes(res, "BG006")
    assert_nothing_silent(path, res)


def test_central_form_each_funds_column_adds_up_on_its_own(tmp_path):
    res = check_path(build(tmp_path, "central_form", with_amount(rows_of("central_form"), "其他资金", "600", "500")))
    (f,) = codes(res, "BG006")
    assert f.cell == "C7" and "中期资金总额" in f.message and "3500" in f.message and "-100" in f.message


def test_a_list_with_a_mid_term_column_reads_the_years_target(tmp_path):
    rows = [["单位名称", "项目名称", "一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值", "权重"],
            ["某单位", "某项目", "产出指标", "数量指标", "培训人次", "≥900人次", "≥300人次", "90"]]
    res = check_path(build(tmp_path, "mid_list", rows))
    (t,) = res.tables
    (ind,) = t.projects[0].indicators
    assert ind.target == 300 and t.columns["target"] == 7
    assert ind.details == {"中期指标值": "≥900人次"} and ind.origin["中期指标值"] == "F2"
    assert not codes(res, "ST015") and not codes(res, "ST010")


def test_central_department_table_takes_its_funds_from_the_tasks_total_row(tmp_path):
    path = build(tmp_path, "dept_central")
    res = check_path(path)
    t, p = only(res)
    assert t.layout == "department" and p.name == "某市农业农村局" and p.budget == 4300
    assert [(ln.role, ln.amount, ln.cell) for ln in p.funds.lines] == [("fiscal", 4100, "E9"), ("other", 200, "F9")]
    duties = p.details["duties"]
    assert [(d["task"], d["amount"], d["sources"]) for d in duties] == [
        ("高标准农田建设", 3000, {"fiscal": 2800, "other": 200}),
        ("农村人居环境整治", 800, {"fiscal": 800, "other": 0}),
        ("机关运行保障", 500, {"fiscal": 500, "other": 0})]
    assert len(p.real_indicators()) == 8
    assert not codes(res, "BG010") and not codes(res, "BG006") and not codes(res, "ST010")
    assert_nothing_silent(path, res)


def test_central_department_table_with_the_header_merged_across(tmp_path):
    # as Excel has it: 预算金额（万元） merged over its three columns, 年度主要任务 down the block
    path = build(tmp_path, "dept_central")
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("D4:F4")
    wb.save(path)
    res = check_path(path)
    t, p = only(res)
    assert p.budget == 4300 and len(p.details["duties"]) == 3
    assert not codes(res, "ST010") and not codes(res, "BG010")


@pytest.mark.parametrize("change, where, words", [
    (("3000", "3100"), "D6", ("各项合计", "4400", "“金额合计”行为4300")),
    (("2800", "2700"), "E6", ("各行财政拨款合计", "4000", "4100")),
])
def test_central_department_tasks_off_their_total_are_BG010(tmp_path, change, where, words):
    rows = rows_of("dept_central")
    i = next(i for i, r in enumerate(rows) if "高标准农田建设" in r)
    rows[i] = [(change[1] if v == change[0] else v) for v in rows[i]]
    res = check_path(build(tmp_path, "dept_central", rows))
    (f,) = codes(res, "BG010")
    assert f.cell == where and "年度主要任务" in f.message and all(w in f.message for w in words), f.message


# --- 四川 self-evaluation, filled: title rows, trailing pairs, every cell read or said ----------


def _se_rows(**change: str) -> list[list[str]]:
    rows = rows_of("sc_se_filled")
    for old, new in change.items():
        i = next(i for i, r in enumerate(rows) if old in r)
        rows[i] = [(new if v == old else v) for v in rows[i]]
    return rows


def test_sc_self_evaluation_reads_every_cell(tmp_path):
    path = build(tmp_path, "sc_se_filled")
    res = check_path(path)
    (t,) = res.tables
    (p,) = t.projects
    assert t.layout == "self_evaluation" and p.evaluation.year == "2023"
    # the last row holds two label–value pairs, each its own detail
    assert (p.details["项目负责人"], p.details["财务负责人"]) == ("张三", "李四")
    assert p.cells["财务负责人"] == "B20"
    # every funds line knows where its label is
    assert [(ln.label, ln.label_cell) for ln in p.funds.lines] == [
        ("总额", "B7"), ("其中:财政资金", "B8"), ("其他资金", "B9")]
    assert not codes(res, "ST010")
    assert_nothing_silent(path, res)


def test_sc_self_evaluation_title_over_two_rows(tmp_path):
    rows = rows_of("sc_se_filled")
    rows[0:1] = [["部门预算项目支出绩效自评表"], ["(2023年度)"]]
    path = build(tmp_path, "se_title2", rows)
    res = check_path(path)
    (p,) = res.tables[0].projects
    assert res.tables[0].title == "部门预算项目支出绩效自评表"
    assert (p.details["标题"], p.cells["标题"], p.evaluation.year) == ("(2023年度)", "A2", "2023")
    assert not codes(res, "ST010")
    assert_nothing_silent(path, res)


def test_sc_self_evaluation_a_cell_it_cannot_place_is_ST010(tmp_path):
    rows = rows_of("sc_se_filled")
    i = next(i for i, r in enumerate(rows) if "养护里程" in r)
    rows[i] = rows[i] + ["", "见附件2"]  # beyond the indicator header's columns
    i = next(i for i, r in enumerate(rows) if r and r[0] == "项目名称")
    rows[i] = rows[i] + ["", "", "2023-05-01"]
    res = check_path(build(tmp_path, "se_stray", rows))
    assert sorted((f.cell, f.severity) for f in codes(res, "ST010")) == [("E2", "warning"), ("M11", "warning")]
    assert "见附件2" in next(f.message for f in codes(res, "ST010") if f.cell == "M11")


def test_sc_self_evaluation_numbered_section_keeps_its_text(tmp_path):
    rows = rows_of("sc_se_filled")
    i = next(i for i, r in enumerate(rows) if r and r[0] == "预算执行情况(10分)")
    rows.insert(i, ["", "2.项目实施内容及过程概述", "完成118公里养护，两段推迟至次年"])
    path = build(tmp_path, "se_section", rows)
    res = check_path(path)
    (p,) = res.tables[0].projects
    assert p.details["项目实施内容及过程概述"] == "完成118公里养护，两段推迟至次年"
    assert not codes(res, "ST010")
    assert_nothing_silent(path, res)


# --- 部门整体支出绩效自评表: the department self-evaluation -----------------------------------


def test_department_self_evaluation_is_a_self_evaluation_of_the_department(tmp_path):
    path = build(tmp_path, "dept_se")
    res = check_path(path)
    (t,) = res.tables
    (p,) = t.projects
    assert t.layout == "self_evaluation" and "自评指标表头" in t.layout_reason
    assert (p.name, p.department, p.unit_name, p.cells["project"]) == ("某县农业农村局",) * 3 + ("B3",)
    assert (p.budget, p.evaluation.year, p.evaluation.total_points, p.evaluation.total_score) == (1600, "2023", 100, 97.5)
    assert [(ln.label, ln.role, ln.group, ln.budget) for ln in p.funds.lines] == [
        ("年度资金总额", "total", None, 1600), ("按收入性质分", "total", "按收入性质分", 1600),
        ("其中：一般公共预算", "fiscal", "按收入性质分", 1500), ("其他资金", "other", "按收入性质分", 100),
        ("按支出性质分", "total", "按支出性质分", 1600), ("其中：基本支出", "basic", "按支出性质分", 1150),
        ("项目支出", "project", "按支出性质分", 450)]
    assert len(p.real_indicators()) == 4 and p.evaluation.goal_actual == "完成"
    assert not res.findings, [(f.code, f.cell) for f in res.findings]
    assert_nothing_silent(path, res)


@pytest.mark.parametrize("label, old, new, cell, words", [
    ("其他资金", "90", "80", "E6", ["按收入性质分", "全年执行数为1520", "各行合计1510"]),
    ("项目支出", "450", "350", "D9", ["按支出性质分", "全年预算数为1600", "各行合计1500"]),
    ("按支出性质分", "1500", "1400", "C5", ["年度资金总额", "年初预算数为1500", "按支出性质分1400"]),
])
def test_department_self_evaluation_adds_up_each_breakdown(tmp_path, label, old, new, cell, words):
    res = check_path(build(tmp_path, "dept_se", with_amount(rows_of("dept_se"), label, old, new)))
    hits = codes(res, "SE014")
    assert cell in [f.cell for f in hits], [(f.cell, f.message) for f in hits]
    f = next(f for f in hits if f.cell == cell)
    assert all(w in f.message for w in words), f.message
    assert not codes(res, "BG006")  # said once, by SE014


# --- another province's list: 序号, 资金金额, 合计 in the 序号 column --------------------------


def test_other_list_reads_its_budget_and_its_total_row(tmp_path):
    path = build(tmp_path, "other_list")
    res = check_path(path)
    (t,) = res.tables
    assert t.layout == "list"
    assert [(p.name, p.budget, len(p.real_indicators())) for p in t.projects] == [
        ("城乡环境卫生整治", 350.5, 5), ("农村公路养护", 120, 4)]
    assert [(u.name, u.budget, u.budget_cell) for u in t.total_rows] == [("合计", 470.5, "C13")]
    assert not codes(res, "ST003") and not codes(res, "ST015") and not codes(res, "BG002")
    assert_nothing_silent(path, res)


def test_other_list_total_row_off_is_BG002(tmp_path):
    res = check_path(build(tmp_path, "other_list", with_amount(rows_of("other_list"), "合计", "470.5", "480")))
    (f,) = codes(res, "BG002")
    assert f.cell == "C13" and "+9.5" in f.message
    assert not codes(res, "ST003")


@pytest.mark.parametrize("line, unit, budget", [("单位：万元", "万元", 350.5), ("（单位：元）", "元", 0.03505),
                                                 ("金额单位:元", "元", 0.03505), ("实施单位：元宝区农业局", "万元", 350.5)])
def test_a_money_unit_row_in_its_spellings(tmp_path, line, unit, budget):
    rows = rows_of("other_list")
    rows[1] = [line]
    res = check_path(build(tmp_path, "other_list", rows))
    (t,) = res.tables
    assert t.money_unit == unit and t.projects[0].budget == pytest.approx(budget)
