"""``xlperf split`` (records as xlsx/csv/json) and ``xlperf export`` (the submission workbook)
on real .xlsx files with merged cells, through the API and the command line."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlperf.api import check_path
from xlperf.core.export_plan import layout_grid
from xlperf.core.model import RECORD_COLUMNS, Record
from xlperf.writers.atomic import OutputError
from xlperf.writers.export import write_export
from xlperf.writers.records import HEADERS, SOURCE_COLUMN, source_text, write_records
from xlperf.writers.safe_cells import set_cell

from .helpers import DATA_ROW0, good_project, grid_of, ind

UNIT = "208001-测试单位"
DEPT = "208-测试部门"
GOAL_B = "完成项目B的年度建设任务，保障系统稳定运行"


def write_grid_xlsx(path: Path, grid) -> Path:
    """A Grid as a real workbook: values (text always as text) and merged ranges."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = grid.sheet
    covered = grid.merge_map()
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row):
            if v is not None and (r, c) not in covered:
                set_cell(ws.cell(r + 1, c + 1), v)
    for m in grid.merges:
        ws.merge_cells(start_row=m.r1 + 1, start_column=m.c1 + 1, end_row=m.r2 + 1, end_column=m.c2 + 1)
    wb.save(path)
    return path


def sample_rows():
    """A department row, then project A (project cells and 一级指标 merged, unit merged over
    both projects) and project B (project cells left blank below the first row)."""
    rows = [[DEPT, None, 30.0] + [None] * 9]
    rows += good_project("项目A", budget=10.0, unit=UNIT)
    rows += good_project("项目B", budget=20.0, goal=GOAL_B)
    # project A: rows 1-5; project B: rows 6-10 (data-row coordinates)
    merges = [(1, 1, 5, 1), (1, 2, 5, 2), (1, 3, 5, 3),  # 项目名称/预算数/年度目标 over A
              (1, 4, 3, 4),  # 一级指标 产出 over A's three 产出 rows
              (1, 0, 10, 0)]  # 单位名称 over both projects
    for r in (2, 3):
        rows[r][4] = None  # hidden under the 一级指标 merge
    return rows, merges


@pytest.fixture
def table_file(tmp_path) -> Path:
    rows, merges = sample_rows()
    return write_grid_xlsx(tmp_path / "表.xlsx", grid_of(rows, merges))


def strip(recs: list[Record]) -> list[dict]:
    return [r.model_dump(exclude={"sheet", "row", "cells"}) for r in recs]


def test_records_fill_down_and_keep_source_rows(table_file):
    recs = check_path(table_file).records()
    assert len(recs) == 10
    assert [r.row for r in recs] == list(range(DATA_ROW0 + 1, DATA_ROW0 + 11))
    assert all(r.unit_code == "208001" and r.unit_name == "测试单位" and r.department == "测试部门" for r in recs)
    assert [r.project for r in recs] == ["项目A"] * 5 + ["项目B"] * 5
    assert [r.budget for r in recs] == [10.0] * 5 + [20.0] * 5
    assert all(r.goal == GOAL_B for r in recs[5:])
    assert [r.level1 for r in recs[:3]] == ["产出指标"] * 3
    # values filled down from the merged anchor name the cell they were read from
    assert recs[1].cells["project"] == f"B{DATA_ROW0 + 1}"
    a, b = DATA_ROW0 + 1, DATA_ROW0 + 2
    assert source_text(recs[1]) == f"F{b}:L{b}；单位名称A{a}；项目名称B{a}；预算数C{a}；年度目标D{a}；一级指标E{a}"
    assert source_text(recs[0]) == f"A{DATA_ROW0 + 1}:L{DATA_ROW0 + 1}"


def test_split_xlsx(table_file, tmp_path):
    recs = check_path(table_file).records()
    out = tmp_path / "records.xlsx"
    write_records(recs, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["清洗记录"]
    ws = wb["清洗记录"]
    assert [c.value for c in ws[1]] == HEADERS
    assert HEADERS[: len(RECORD_COLUMNS)] == list(RECORD_COLUMNS.values()) and HEADERS[-1] == SOURCE_COLUMN
    assert ws.max_row == 11
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:R11"
    col = {h: i for i, h in enumerate(HEADERS)}
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[col["源行号"]] for r in rows] == list(range(DATA_ROW0 + 1, DATA_ROW0 + 11))
    assert [r[col["项目名称"]] for r in rows] == ["项目A"] * 5 + ["项目B"] * 5
    assert all(r[col["单位名称"]] == "测试单位" and r[col["单位编码"]] == "208001" for r in rows)
    budgets = [row[col["预算数(万元)"]] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "n" for c in budgets) and [c.value for c in budgets] == [10] * 5 + [20] * 5
    weights = [row[col["权重"]].value for row in ws.iter_rows(min_row=2)]
    assert weights == [20, 15, 15, 30, 10] * 2 and all(isinstance(w, (int, float)) for w in weights)
    assert ws.column_dimensions["H"].width >= 30  # 年度目标 is readable


def test_split_csv(table_file, tmp_path):
    recs = check_path(table_file).records()
    out = tmp_path / "records.csv"
    write_records(recs, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    assert b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == HEADERS
    assert len(rows) == 11
    col = {h: i for i, h in enumerate(HEADERS)}
    assert [r[col["预算数(万元)"]] for r in rows[1:]] == ["10"] * 5 + ["20"] * 5
    assert [r[col["源行号"]] for r in rows[1:]] == [str(DATA_ROW0 + i) for i in range(1, 11)]
    assert all(r[col["年度目标"]] for r in rows[1:])  # every field filled


def test_split_json(table_file, tmp_path):
    recs = check_path(table_file).records()
    out = tmp_path / "records.json"
    write_records(recs, out)
    text = out.read_text(encoding="utf-8")
    assert "项目A" in text and "\\u" not in text  # ensure_ascii=False
    data = json.loads(text)
    assert isinstance(data, list) and len(data) == 10
    assert set(data[0]) >= {"unit_code", "unit_name", "project", "budget", "goal", "level1", "weight", "row", "cells"}
    assert data[0]["budget"] == 10.0 and data[0]["weight"] == 20.0
    assert [Record(**d) for d in data] == recs


def test_unknown_suffix_is_refused_in_chinese(tmp_path):
    for name in ("out.txt", "out", "out.xlsm"):
        with pytest.raises(OutputError, match="不支持的输出格式"):
            write_records([], tmp_path / name)
    assert not list(tmp_path.iterdir())


def test_empty_records_still_write_headers(tmp_path):
    write_records([], tmp_path / "e.csv")
    assert (tmp_path / "e.csv").read_text(encoding="utf-8-sig").splitlines() == [",".join(HEADERS)]
    write_records([], tmp_path / "e.json")
    assert json.loads((tmp_path / "e.json").read_text(encoding="utf-8")) == []


# --- export ------------------------------------------------------------------------


def test_export_round_trips_and_merges_each_project(table_file, tmp_path):
    before = check_path(table_file)
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["绩效目标表", "清洗记录", "权重合计"]
    ws = wb["绩效目标表"]
    assert ws["A1"].value == "部门预算项目绩效目标申报表（2023年度）"
    assert ws["A2"].value == "金额单位：万元"
    assert [c.value for c in ws[3]][:12] == ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标",
                                             "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"]
    assert ws["A4"].value == DEPT and ws["C4"].value == 30
    merged = {str(m) for m in ws.merged_cells.ranges}
    # project A on sheet rows 5-9, project B on 10-14; unit over both
    for col in "BCD":
        assert f"{col}5:{col}9" in merged and f"{col}10:{col}14" in merged
    assert "A5:A14" in merged and "A1:L1" in merged
    assert ws["A5"].value == UNIT and ws["B10"].value == "项目B" and ws["C10"].value == 20
    assert ws.print_title_rows and ws.page_setup.orientation == "landscape"

    after = check_path(out)
    assert strip(after.records()) == strip(before.records())
    assert [r.row for r in after.records()] == list(range(5, 15))

    wt = wb["权重合计"]
    header = [c.value for c in wt[1]]
    assert header[:4] == ["单位", "项目", "预算数(万元)", "指标数"] and header[-3:] == ["合计", "期望", "状态"]
    rows = [[c.value for c in r] for r in wt.iter_rows(min_row=2)]
    assert [r[1] for r in rows[:2]] == ["项目A", "项目B"]
    assert [r[header.index("合计")] for r in rows[:2]] == [90, 90]
    assert [r[header.index("产出指标")] for r in rows[:2]] == [50, 50]
    assert rows[2][0] == "合计" and rows[2][2] == 30

    rec_ws = wb["清洗记录"]
    assert rec_ws.max_row == 11 and [c.value for c in rec_ws[1]] == HEADERS


def test_export_has_values_only(table_file, tmp_path):
    out = tmp_path / "报送.xlsx"
    write_export(check_path(table_file), out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert not any("vbaProject" in n or "calcChain" in n for n in names)
        for n in names:
            if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                assert not re.search(rb"<f[ >/]", z.read(n)), n
        ct = z.read("[Content_Types].xml")
        assert b"macroEnabled" not in ct
    wb = openpyxl.load_workbook(out)
    for ws in wb:  # no marks: no hidden mark sheet, no conditional formats, no data validation
        assert ws.sheet_state == "visible"
        assert not list(ws.conditional_formatting)
        assert not ws.data_validations.dataValidation
    assert wb.properties.creator == "xlperf"


def test_export_refuses_xlsm_and_other_suffixes(table_file, tmp_path):
    res = check_path(table_file)
    with pytest.raises(OutputError, match="不能保存为 .xlsm"):
        write_export(res, tmp_path / "报送.xlsm")
    with pytest.raises(OutputError, match="只能保存为 .xlsx"):
        write_export(res, tmp_path / "报送.csv")
    assert not (tmp_path / "报送.xlsm").exists() and not (tmp_path / "报送.csv").exists()


def test_layout_grid_department_budget_without_departments_sums_projects(table_file):
    recs = check_path(table_file).records()
    g = layout_grid(recs, title="T")
    assert g.rows[3][0] == "测试部门" and g.rows[3][2] == 30


def test_layout_grid_separates_same_named_projects_of_different_units():
    rows = [["100001-甲单位", None, 10.0] + [None] * 9] + good_project("同名项目", budget=10.0)
    rows += [["100002-乙单位", None, 10.0] + [None] * 9] + good_project("同名项目", budget=10.0)
    from xlperf.api import check_grids

    res = check_grids([grid_of(rows)])
    recs = res.records()
    assert len({(r.unit_code, r.project) for r in recs}) == 2
    g = layout_grid(recs, title="T")
    again = check_grids([g]).records()
    assert strip(again) == strip(recs)


# --- the command line -------------------------------------------------------------------


def run(*args):
    env = dict(os.environ)
    env.pop("XLPERF_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=180, env=env)


def test_cli_split_csv_and_json(table_file, tmp_path):
    r = run("split", table_file, "-o", tmp_path / "out.csv")
    assert r.returncode == 0, r.stderr
    assert "10 条记录" in r.stderr
    rows = list(csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 11
    r = run("split", table_file, "-o", tmp_path / "out.json")
    assert r.returncode == 0 and len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))) == 10


def test_cli_split_unknown_suffix_exit_2(table_file, tmp_path):
    r = run("split", table_file, "-o", tmp_path / "out.txt")
    assert r.returncode == 2
    assert "不支持的输出格式" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out.txt").exists()


@pytest.fixture
def error_file(tmp_path) -> Path:
    rows = good_project("项目A")
    rows.append(ind(name=None, weight=5))  # a weight but no indicator name: ST009 (error)
    return write_grid_xlsx(tmp_path / "有错误.xlsx", grid_of(rows))


def test_cli_export_refuses_while_errors_then_force(error_file, tmp_path):
    out = tmp_path / "报送.xlsx"
    r = run("export", error_file, "-o", out)
    assert r.returncode == 1, r.stderr
    assert "未导出" in r.stderr and "--force" in r.stderr
    assert not out.exists()
    r = run("export", error_file, "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["绩效目标表", "清洗记录", "权重合计"]
    assert len(check_path(out).records()) == 6


def test_cli_export_clean_file(table_file, tmp_path):
    out = tmp_path / "报送.xlsx"
    r = run("export", table_file, "-o", out)
    assert r.returncode == 0, r.stderr
    assert strip(check_path(out).records()) == strip(check_path(table_file).records())


@pytest.mark.parametrize("command", ["split", "export"])
def test_cli_output_equal_to_input_is_refused(table_file, command):
    before = table_file.read_bytes()
    mtime = table_file.stat().st_mtime_ns
    r = run(command, table_file, "-o", table_file, *(["--force"] if command == "export" else []))
    assert r.returncode == 2
    assert "输出文件不能与输入文件相同" in r.stderr and "Traceback" not in r.stderr
    assert table_file.read_bytes() == before and table_file.stat().st_mtime_ns == mtime
    assert [p.name for p in table_file.parent.iterdir()] == [table_file.name]  # no temporary left


def test_cli_export_xlsm_refused_exit_2(table_file, tmp_path):
    r = run("export", table_file, "-o", tmp_path / "报送.xlsm")
    assert r.returncode == 2 and ".xlsm" in r.stderr
    assert not (tmp_path / "报送.xlsm").exists()


def test_layout_keeps_source_structure_rows(tmp_path):
    """Department total below its projects, a unit's own total row and a department without
    projects are written where the source had them, and read back the same."""
    rows = [["100001-甲单位", None, 10.0] + [None] * 9] + good_project("项目A", budget=10.0)
    rows += [["208-测试部门合计", None, 10.0] + [None] * 9, ["209-空部门", None, 0.5] + [None] * 9]
    src = write_grid_xlsx(tmp_path / "src.xlsx", grid_of(rows))
    before = check_path(src)
    out = tmp_path / "exp.xlsx"
    write_export(before, out)
    after = check_path(out)
    assert strip(after.records()) == strip(before.records())
    (tb,), (ta,) = before.tables, after.tables
    assert [(d.code, d.name, d.budget) for d in ta.departments] == [(d.code, d.name, d.budget) for d in tb.departments]
    assert [(u.code, u.name, u.budget) for u in ta.units] == [("100001", "甲单位", 10.0)]
    ws = openpyxl.load_workbook(out)["绩效目标表"]
    assert [ws.cell(r, 1).value for r in range(4, 12)] == ["100001-甲单位", None, None, None, None, None,
                                                          "208-测试部门合计", "209-空部门"]
    assert ws["C4"].value == 10 and ws["C10"].value == 10 and ws["C11"].value == 0.5


# --- a unit (or department) row without projects is kept ------------------------------------


def total_row(text, budget=None):
    """A department or unit row: its name in 单位名称, its own total in 预算数, nothing else."""
    return [text, None, budget] + [None] * 9


def _export_and_reread(rows, tmp_path, money_unit="万元"):
    """Write ``rows`` as a real workbook, export it, read the export back: (before, after, sheet)."""
    grid = grid_of(rows)
    grid.rows[1][0] = f"金额单位：{money_unit}"
    before = check_path(write_grid_xlsx(tmp_path / "src.xlsx", grid))
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    ws = openpyxl.load_workbook(out)["绩效目标表"]
    return before, check_path(out), [(r[0], r[1], r[2]) for r in ws.iter_rows(min_row=4, values_only=True)]


def _same_structure(before, after):
    from .test_roundtrip_property import structure

    assert strip(after.records()) == strip(before.records())
    assert structure(after) == structure(before)  # departments, units, totals, BG findings


def test_export_keeps_a_unit_without_projects_between_two_units(tmp_path):
    rows = [total_row(DEPT, 25.0), total_row("100001-甲单位", 10.0)] + good_project("项目A", budget=10.0)
    rows += [total_row("100002-乙单位", 5)]
    rows += [total_row("100003-丙单位", 10.0)] + good_project("项目C", budget=10.0)
    before, after, cells = _export_and_reread(rows, tmp_path)
    blank = [(None, None, None)] * 4
    assert cells == [(DEPT, None, 25), ("100001-甲单位", None, 10), (None, "项目A", 10), *blank,
                     ("100002-乙单位", None, 5), ("100003-丙单位", None, 10), (None, "项目C", 10), *blank]
    (ta,) = after.tables
    assert [(u.name, u.budget, len(u.project_indices)) for u in ta.units] == [
        ("甲单位", 10.0, 1), ("乙单位", 5.0, 0), ("丙单位", 10.0, 1)]
    assert sorted(f.code for f in after.findings if f.code.startswith("BG")) == ["BG002", "BG002"]  # 乙, 部门
    _same_structure(before, after)


def test_export_keeps_a_unit_named_on_a_row_joined_to_the_project_above(tmp_path):
    """同名项目 twice, the second without a budget and with another unit: the reader joins the
    rows into one project (ST003) and 乙单位 has no project. Found by the round-trip property test."""
    rows = [total_row(DEPT, 10.0)] + good_project("同名项目", budget=10.0, unit="100001-甲单位")[:3]
    rows += [[r[0] if i else "100002-乙单位", *r[1:]] for i, r in enumerate(good_project("同名项目", budget=None)[3:])]
    rows += good_project("项目C", budget=None, unit="100003-丙单位")
    before, after, cells = _export_and_reread(rows, tmp_path)
    (tb,) = before.tables
    assert [(u.name, [tb.projects[i].name for i in u.project_indices]) for u in tb.units] == [
        ("甲单位", ["同名项目"]), ("乙单位", []), ("丙单位", ["项目C"])]
    assert ("100002-乙单位", None, None) in cells
    _same_structure(before, after)


def test_export_keeps_two_projects_of_one_name_apart_around_a_project_without_indicators(tmp_path):
    """同名项目, 项目1 (template rows only: no record), 同名项目 again: the two 同名项目 have
    adjacent records and must still come back as two projects. Found by the round-trip property test."""
    template = [ind(name=None, comparator=None, target=None, measure=None, weight=None, direction=None)]
    rows = [total_row(DEPT, 20.0)] + good_project("同名项目", budget=None, unit="100001-甲单位")
    rows += [ind(project="项目1", budget=None, name=None, comparator=None, target=None, measure=None, weight=None,
                 direction=None)] + template * 2
    rows += good_project("同名项目", budget=None)
    before, after, _ = _export_and_reread(rows, tmp_path)
    names = ["同名项目", "项目1", "同名项目"]
    assert [p.name for p in before.tables[0].projects] == names
    assert [p.name for p in after.tables[0].projects] == names
    _same_structure(before, after)


def test_export_keeps_units_without_projects_at_the_end_of_the_table(tmp_path):
    """A number total, a text total (BG005) and no total at all, after the last project."""
    rows = [total_row(DEPT, 10.0), total_row("100001-甲单位", 10.0)] + good_project("项目A", budget=10.0)
    rows += [total_row("100002-乙单位", 5), total_row("100004-丁单位", " 约五万 "), total_row("100005-戊单位")]
    before, after, cells = _export_and_reread(rows, tmp_path)
    assert cells[-3:] == [("100002-乙单位", None, 5), ("100004-丁单位", None, "约五万"), ("100005-戊单位", None, None)]
    (ta,) = after.tables
    assert [(u.name, u.budget, u.budget_raw) for u in ta.units] == [
        ("甲单位", 10.0, 10), ("乙单位", 5.0, 5), ("丁单位", None, "约五万"), ("戊单位", None, None)]
    assert sorted(f.code for f in after.findings if f.code.startswith("BG")) == ["BG002", "BG005"]
    _same_structure(before, after)


def test_export_keeps_a_department_whose_units_have_no_projects(tmp_path):
    rows = [total_row(DEPT, 10.0)] + good_project("项目A", budget=10.0, unit="100001-甲单位")
    rows += [total_row("209-其他部门", 7.5), total_row("209001-乙单位", 5), total_row("209002-丙单位", "二点五")]
    rows += [total_row("210-第三部门", 3.0)] + good_project("项目C", budget=3.0, unit="210001-丁单位")
    before, after, cells = _export_and_reread(rows, tmp_path)
    assert cells[6:9] == [("209-其他部门", None, 7.5), ("209001-乙单位", None, 5), ("209002-丙单位", None, "二点五")]
    (ta,) = after.tables
    assert [(d.name, d.budget, [u.name for u in d.units]) for d in ta.departments] == [
        ("测试部门", 10.0, ["甲单位"]), ("其他部门", 7.5, ["乙单位", "丙单位"]), ("第三部门", 3.0, ["丁单位"])]
    assert [(u.name, u.department_code) for u in ta.units] == [
        ("甲单位", "208"), ("乙单位", "209"), ("丙单位", "209"), ("丁单位", "210")]
    _same_structure(before, after)


def test_export_keeps_units_without_projects_of_a_yuan_table(tmp_path):
    """元 totals are read as 万元 (to_wan) and exported in 万元; a text total is not converted."""
    rows = [total_row(DEPT, 150000), total_row("100001-甲单位", 100000)] + good_project("项目A", budget=100000)
    rows += [total_row("100002-乙单位", 50000), total_row("100003-丙单位", "五万元")]
    before, after, cells = _export_and_reread(rows, tmp_path, money_unit="元")
    assert cells[-2:] == [("100002-乙单位", None, 5), ("100003-丙单位", None, "五万元")]
    (ta,) = after.tables
    assert [(u.name, u.budget) for u in ta.units] == [("甲单位", 10.0), ("乙单位", 5.0), ("丙单位", None)]
    _same_structure(before, after)
    # and a layout written in 元 from those tables gives them back too
    from xlperf.api import check_grids

    g = layout_grid(before.records(), title="T", money_unit="元", tables=before.tables)
    assert [(row[0], row[2]) for row in g.rows[-2:]] == [("100002-乙单位", 50000), ("100003-丙单位", "五万元")]
    _same_structure(before, check_grids([g]))


# --- a project without any real indicator is kept ------------------------------------------


def placeholder(level1="产出指标", level2="数量指标", **project):
    """An empty template row: only 一级/二级指标 (and project cells when given)."""
    return ind(level1=level1, level2=level2, name=None, comparator=None, target=None, measure=None,
               weight=None, direction=None, **project)


def _projects(result):
    """Every project as (name, budget, budget as written, goal, unit code, unit name, department)."""
    return [(p.name, p.budget, p.raw.get("budget") if p.budget is None else None, p.goal, p.unit_code,
             p.unit_name, p.department_code) for t in result.tables for p in t.projects]


def _project_findings(result):
    """Project-level findings without their cell address (ST004 is about the template rows
    themselves, which the export drops as it drops every template row)."""
    return sorted((f.code, f.project, f.message.split(" ", 1)[1]) for f in result.findings
                  if f.project and f.code != "ST004")


def _keeps_projects(before, after, bare):
    assert _projects(after) == _projects(before)
    assert _project_findings(after) == _project_findings(before)
    assert sorted(f.project for f in after.findings if f.code == "ST012") == sorted(bare)
    _same_structure(before, after)
    # split (records) still writes indicators only: no record for a project without one
    assert bare and not {r.project for r in after.records()} & set(bare)


def test_export_keeps_a_project_with_only_placeholder_rows_between_two_projects(tmp_path):
    rows = [total_row(DEPT, 35.0)] + good_project("项目A", budget=10.0, unit=UNIT)
    rows += [placeholder(project="项目空", budget=15.0, goal="只有模板行的项目"),
             placeholder(level1="效益指标", level2="社会效益指标"), placeholder(level1="满意度指标", level2=None)]
    rows += good_project("项目C", budget=10.0)
    before, after, cells = _export_and_reread(rows, tmp_path)
    assert "ST012" in {f.code for f in before.findings}
    # one row in its place, indicator cells empty; the unit's merge runs over it
    assert cells[6:8] == [(None, "项目空", 15), (None, "项目C", 10)]
    ws = openpyxl.load_workbook(tmp_path / "报送.xlsx")["绩效目标表"]
    assert [c.value for c in ws[10]][4:] == [None] * 8
    assert "A5:A15" in {str(m) for m in ws.merged_cells.ranges}
    _keeps_projects(before, after, ["项目空"])
    assert [u.project_indices for u in after.tables[0].units] == [[0, 1, 2]]


def test_export_keeps_a_project_row_without_indicator_rows_at_the_end(tmp_path):
    """After the last project: a project row alone, and one with a text budget under a unit row."""
    rows = [total_row(DEPT, 30.0), total_row("208001-甲单位", 20.0)] + good_project("项目A", budget=10.0)
    rows += [[None, "项目尾", 10.0, "尾项目的年度目标"], total_row("208002-乙单位", 10.0),
             [None, "项目末", "约十万", None]]
    before, after, cells = _export_and_reread(rows, tmp_path)
    assert cells[-3:] == [(None, "项目尾", 10), ("208002-乙单位", None, 10), (None, "项目末", "约十万")]
    _keeps_projects(before, after, ["项目尾", "项目末"])
    (ta,) = after.tables
    assert [(u.name, [ta.projects[i].name for i in u.project_indices]) for u in ta.units] == [
        ("甲单位", ["项目A", "项目尾"]), ("乙单位", ["项目末"])]


def test_export_keeps_projects_without_indicators_of_a_yuan_table(tmp_path):
    rows = [total_row(DEPT, 250000)] + good_project("项目A", budget=100000, unit=UNIT)
    rows += [placeholder(project="项目空", budget=50000, goal="模板行", unit="208002-乙单位")]
    rows += [[None, "项目尾", 100000, None]]
    before, after, cells = _export_and_reread(rows, tmp_path, money_unit="元")
    assert cells[-2:] == [("208002-乙单位", "项目空", 5), (None, "项目尾", 10)]  # export is in 万元
    assert [p[1] for p in _projects(before)] == [10.0, 5.0, 10.0]
    _keeps_projects(before, after, ["项目空", "项目尾"])
    # a layout written in 元 from those tables gives them back too
    from xlperf.api import check_grids

    g = layout_grid(before.records(), title="T", money_unit="元", tables=before.tables)
    assert [(row[0], row[1], row[2]) for row in g.rows[-2:]] == [("208002-乙单位", "项目空", 50000), (None, "项目尾", 100000)]
    again = check_grids([g])
    assert _projects(again) == _projects(before) and _project_findings(again) == _project_findings(before)


def _waived(result):
    return sorted((f.code, f.project, f.message.split(" ", 1)[1], f.waived) for f in result.findings
                  if f.project and f.code != "ST004")


def test_a_waiver_on_a_project_row_without_indicator_waives_the_projects_findings(tmp_path):
    """The reader used to drop 豁免 codes on a row that holds no indicator (a project's row alone)."""
    rows = [r + [None] for r in good_project("项目A")] + [[None, "项目尾", 3.0] + [None] * 9 + ["ST012"]]
    result = check_path(write_grid_xlsx(tmp_path / "豁免.xlsx", grid_of(rows, extra_header=["豁免"])))
    assert [(f.project, f.waived) for f in result.findings if f.code == "ST012"] == [("项目尾", True)]


def test_export_keeps_the_waivers_of_projects_without_indicators(tmp_path):
    rows = [r + [None] for r in good_project("项目A")]
    rows += [placeholder(project="项目空", budget=5.0) + ["ST012"], placeholder(level1="效益指标", level2=None) + ["BG"]]
    rows += [[None, "项目尾", 3.0] + [None] * 9 + ["ST012"]]
    grid = grid_of(rows, extra_header=["豁免"])
    before = check_path(write_grid_xlsx(tmp_path / "src.xlsx", grid))
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    after = check_path(out)
    assert [(f.project, f.waived) for f in before.findings if f.code == "ST012"] == [("项目空", True), ("项目尾", True)]
    assert _waived(after) == _waived(before)
    ws = openpyxl.load_workbook(out)["绩效目标表"]
    assert [(r[1], r[12]) for r in ws.iter_rows(min_row=9, values_only=True)] == [("项目空", "BG,ST012"), ("项目尾", "ST012")]


def test_export_keeps_project_waivers_that_were_not_on_an_indicator_row(tmp_path):
    """A project with indicators whose 豁免 codes sit on its project row alone (above its
    indicators) and on an empty template row: the export writes them on a row of the project's
    own above its indicators, so its findings stay waived."""
    a = [r + [None] for r in good_project("项目A")]
    a[1][10] = 40  # weights total 115: WT001
    a.insert(0, [None, "项目A", 10.0, a[0][3]] + [None] * 8 + ["WT"])
    for r in a[1:]:
        r[1] = r[2] = r[3] = None
    rows = a + [placeholder(level1="效益指标", level2="社会效益指标") + ["TX"]] + [r + [None] for r in good_project("项目B")]
    before = check_path(write_grid_xlsx(tmp_path / "src.xlsx", grid_of(rows, extra_header=["豁免"])))
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    after = check_path(out)
    assert any(f.code.startswith("WT") and f.project == "项目A" and f.waived for f in before.findings)
    assert _waived(after) == _waived(before)
    assert strip(after.records()) == strip(before.records())
    ws = openpyxl.load_workbook(out)["绩效目标表"]
    assert [c.value for c in ws[4]] == [None, "项目A", 10, a[0][3]] + [None] * 8 + ["TX,WT"]
    assert "B4:B9" in {str(m) for m in ws.merged_cells.ranges}


# --- a source with the table on several sheets ----------------------------------------------


def write_sheets_xlsx(path: Path, sheets) -> Path:
    """Several tables as one workbook: ``sheets`` is [(sheet name, data rows), ...]."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r, row in enumerate(grid_of(rows).rows):
            for c, v in enumerate(row):
                if v is not None:
                    set_cell(ws.cell(r + 1, c + 1), v)
    wb.save(path)
    return path


def _contexts(result):
    """Per table: its projects with their unit and department, its departments and units."""
    return [([(p.name, p.unit_code, p.unit_name, p.department_code) for p in t.projects],
             [(d.code, d.name, d.budget) for d in t.departments],
             [(u.code, u.name, u.budget, [t.projects[i].name for i in u.project_indices]) for u in t.units])
            for t in result.tables]


def _export_sheets(sheets, tmp_path):
    before = check_path(write_sheets_xlsx(tmp_path / "多表.xlsx", sheets))
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    return before, check_path(out), openpyxl.load_workbook(out).sheetnames


def _same_per_sheet(before, after):
    assert _contexts(after) == _contexts(before)
    assert strip(after.records()) == strip(before.records())  # department and unit of every record
    assert [r.sheet for r in after.records()] == [r.sheet for r in before.records()]
    assert sorted((f.code, f.project, f.message.split(" ", 1)[1]) for f in after.findings) == sorted(
        (f.code, f.project, f.message.split(" ", 1)[1]) for f in before.findings)


def test_export_of_sheets_does_not_give_a_unit_the_next_sheets_projects(tmp_path):
    """Sheet 甲 ends under its unit 甲单位 (a row of its own) in department 208; sheet 乙 has no
    unit and no department. In one sheet, 乙's projects would fall under 甲单位 and 208."""
    sheets = [("甲", [total_row(DEPT, 10.0), total_row("208001-甲单位", 10.0)] + good_project("项目A", budget=10.0)),
              ("乙", good_project("项目B", budget=5.0) + [[None, "项目C", 3.0, "乙表的空项目"]])]
    before, after, names = _export_sheets(sheets, tmp_path)
    assert [(p.name, p.unit_name, p.department_code) for t in before.tables for p in t.projects] == [
        ("项目A", "甲单位", "208"), ("项目B", None, None), ("项目C", None, None)]
    _same_per_sheet(before, after)
    assert names == ["甲", "乙", "清洗记录", "权重合计"]  # one 绩效目标表 per source sheet, by its name


def test_export_of_sheets_keeps_each_sheets_units_named_on_project_rows(tmp_path):
    """Units merged over their projects (named on the first project row only) on two sheets of
    one department; the second sheet's first project has no unit of its own."""
    a = good_project("项目A", budget=10.0, unit="208001-甲单位")
    b = good_project("项目B", budget=5.0) + good_project("项目C", budget=2.0, unit="208002-乙单位")
    before, after, names = _export_sheets([("一", [total_row(DEPT, 17.0)] + a), ("二", b)], tmp_path)
    assert [(p.name, p.unit_name) for t in before.tables for p in t.projects] == [
        ("项目A", "甲单位"), ("项目B", None), ("项目C", "乙单位")]
    _same_per_sheet(before, after)
    assert names == ["一", "二", "清洗记录", "权重合计"]  # one 绩效目标表 per source sheet, by its name


def test_export_of_sheets_each_with_its_department_and_units(tmp_path):
    """The usual shape (a department per sheet): the same departments and units come back."""
    s1 = [total_row(DEPT, 10.0), total_row("208001-甲单位", 10.0)] + good_project("项目A", budget=10.0)
    s2 = [total_row("209-其他部门", 5.0)] + good_project("项目B", budget=5.0, unit="209001-乙单位")
    before, after, names = _export_sheets([("208", s1), ("209", s2)], tmp_path)
    _same_per_sheet(before, after)
    assert names == ["208", "209", "清洗记录", "权重合计"]  # one 绩效目标表 per source sheet, by its name


def test_layout_sheet_names_keep_source_names_where_excel_and_the_reader_allow():
    from xlperf.writers.export import layout_sheet_names

    assert layout_sheet_names(["Sheet1"]) == ["绩效目标表"] and layout_sheet_names([]) == []
    assert layout_sheet_names(["甲", "乙 单位", "x" * 32, "清洗记录", "_隐藏", "甲", "绩效目标表7", ""]) == [
        "甲", "乙 单位", "绩效目标表3", "绩效目标表4", "绩效目标表5", "绩效目标表6", "绩效目标表7", "绩效目标表8"]
    assert layout_sheet_names(["绩效目标表2", "绩效目标表"]) == ["绩效目标表2", "绩效目标表"]
    assert layout_sheet_names(["A", "a"]) == ["A", "绩效目标表2"]  # Excel's names ignore case


def test_export_of_two_tables_with_one_sheet_name(tmp_path):
    """Tables from grids of one name (check_grids): the second layout sheet is renamed."""
    from xlperf.api import check_grids

    before = check_grids([grid_of(good_project("项目A")), grid_of([total_row(DEPT, 5.0)] + good_project("项目B", budget=5.0))])
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    assert openpyxl.load_workbook(out).sheetnames == ["绩效目标表", "绩效目标表2", "清洗记录", "权重合计"]
    after = check_path(out)
    assert _contexts(after) == _contexts(before) and strip(after.records()) == strip(before.records())


def test_layout_grid_money_unit_yuan():
    recs = [Record(sheet="s", row=5, project="P", budget=1.2345, name="n", weight=90.0)]
    g = layout_grid(recs, title="T", money_unit="元")
    assert g.rows[1][0] == "金额单位：元" and g.rows[3][2] == 12345
    from xlperf.api import check_grids

    # the reader scales 元 by * 0.0001 (1.2345000000000002); / 10000 would give 1.2345 exactly
    assert check_grids([g]).records()[0].budget == pytest.approx(1.2345, abs=1e-12)


# --- a weight that is not a number is written as the clerk wrote it ---------------------------


WEIGHTS_AS_WRITTEN = [20, "十", "10分", 30, 10, "=5+5", "十五"]


@pytest.fixture
def text_weight_file(tmp_path) -> Path:
    """Project A with weights 十 and 10分 on normal rows, a risky "=5+5", and a row whose only
    indicator content is its weight 十五 (a record only because of that cell)."""
    rows = good_project("项目A", budget=10.0, unit=UNIT)
    rows[1][10], rows[2][10] = "十", "10分"
    rows.append(ind(level1="满意度指标", level2="服务对象满意度指标", name="回访满意度", weight="=5+5"))
    rows.append(ind(level1="产出指标", level2="质量指标", name=None, comparator=None, target=None, measure=None,
                    weight="十五", direction=None))
    return write_grid_xlsx(tmp_path / "文字权重.xlsx", grid_of(rows))


def test_records_keep_a_non_number_weight_as_text(text_weight_file):
    recs = check_path(text_weight_file).records()
    assert [r.weight for r in recs] == [20, None, None, 30, 10, None, None]
    assert [r.weight_text for r in recs] == [None, "十", "10分", None, None, "=5+5", "十五"]


def test_split_xlsx_writes_a_non_number_weight_as_written(text_weight_file, tmp_path):
    out = tmp_path / "records.xlsx"
    write_records(check_path(text_weight_file).records(), out)
    ws = openpyxl.load_workbook(out)["清洗记录"]
    assert [c.value for c in ws[1]] == HEADERS  # no new column
    col = HEADERS.index("权重")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == WEIGHTS_AS_WRITTEN
    assert [c.data_type for c in cells] == ["n", "s", "s", "n", "n", "s", "s"]  # "=5+5" stays text


def test_split_csv_writes_a_non_number_weight_as_written(text_weight_file, tmp_path):
    out = tmp_path / "records.csv"
    write_records(check_path(text_weight_file).records(), out)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == HEADERS
    col = HEADERS.index("权重")
    assert [r[col] for r in rows[1:]] == ["20", "十", "10分", "30", "10", "'=5+5", "十五"]


def test_split_json_writes_a_non_number_weight_as_weight_text(text_weight_file, tmp_path):
    recs = check_path(text_weight_file).records()
    out = tmp_path / "records.json"
    write_records(recs, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data[0]) == list(Record.model_fields)  # key order: weight, weight_text, direction
    assert list(data[0])[list(data[0]).index("weight") + 1] == "weight_text"
    assert [(d["weight"], d["weight_text"]) for d in data] == [
        (20.0, None), (None, "十"), (None, "10分"), (30.0, None), (10.0, None), (None, "=5+5"), (None, "十五")]
    assert [Record(**d) for d in data] == recs


def test_export_writes_a_non_number_weight_as_written(text_weight_file, tmp_path):
    before = check_path(text_weight_file)
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["绩效目标表"]
    assert ws["K3"].value == "权重"
    assert [ws.cell(r, 11).value for r in range(4, 11)] == WEIGHTS_AS_WRITTEN
    rec_ws = wb["清洗记录"]
    col = HEADERS.index("权重") + 1
    assert [rec_ws.cell(r, col).value for r in range(2, 9)] == WEIGHTS_AS_WRITTEN
    after = check_path(out)
    assert strip(after.records()) == strip(before.records())  # the weight-only row too


def test_cli_split_csv_writes_a_non_number_weight_as_written(text_weight_file, tmp_path):
    r = run("split", text_weight_file, "-o", tmp_path / "out.csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [row[HEADERS.index("权重")] for row in rows[1:]] == ["20", "十", "10分", "30", "10", "'=5+5", "十五"]


# --- a 预算数 that is not a number is written as the clerk wrote it ---------------------------


BUDGET_TEXTS = ["一百"] * 5 + ["约100万"] * 5 + [None] * 5 + ["一百"] * 5 + ["二百"] * 5


@pytest.fixture
def text_budget_file(tmp_path) -> Path:
    """A department and a unit whose own totals are text (BG005); project A's 预算数 "一百"
    merged over its rows, B's " 约100万 " on its first row only, C a number, then two adjacent
    projects 项目X told apart only by their text budgets (一百, 二百)."""
    rows = [[DEPT, None, "约三十万"] + [None] * 9, ["100001-甲单位", None, "待定"] + [None] * 9]
    rows += good_project("项目A", budget="一百")
    rows += good_project("项目B", budget=" 约100万 ", goal=GOAL_B)
    rows += good_project("项目C", budget=20.0)
    rows += good_project("项目X", budget="一百") + good_project("项目X", budget="二百")
    merges = [(2, 1, 6, 1), (2, 2, 6, 2), (2, 3, 6, 3)]  # 项目名称/预算数/年度目标 over A
    return write_grid_xlsx(tmp_path / "文字预算.xlsx", grid_of(rows, merges))


def _budget_findings(result) -> list[tuple[str, str]]:
    """BG001/BG005 findings without their cell address (the export moves rows)."""
    return sorted((f.code, f.message.split(" ", 1)[1]) for f in result.findings if f.code in ("BG001", "BG005"))


def test_records_keep_a_non_number_budget_as_text(text_budget_file):
    recs = check_path(text_budget_file).records()
    assert [r.project for r in recs] == ["项目A"] * 5 + ["项目B"] * 5 + ["项目C"] * 5 + ["项目X"] * 10
    assert [r.budget for r in recs] == [None] * 10 + [20.0] * 5 + [None] * 10
    assert [r.budget_text for r in recs] == BUDGET_TEXTS


def test_split_xlsx_writes_a_non_number_budget_as_written(text_budget_file, tmp_path):
    out = tmp_path / "records.xlsx"
    write_records(check_path(text_budget_file).records(), out)
    ws = openpyxl.load_workbook(out)["清洗记录"]
    assert [c.value for c in ws[1]] == HEADERS  # no new column
    col = HEADERS.index("预算数(万元)")
    assert [row[col].value for row in ws.iter_rows(min_row=2)] == [t or 20 for t in BUDGET_TEXTS]
    assert [row[col].data_type for row in ws.iter_rows(min_row=2)][8:12] == ["s", "s", "n", "n"]


def test_split_csv_writes_a_non_number_budget_as_written(text_budget_file, tmp_path):
    out = tmp_path / "records.csv"
    write_records(check_path(text_budget_file).records(), out)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == HEADERS
    assert [r[HEADERS.index("预算数(万元)")] for r in rows[1:]] == [t or "20" for t in BUDGET_TEXTS]


def test_split_json_writes_a_non_number_budget_as_budget_text(text_budget_file, tmp_path):
    recs = check_path(text_budget_file).records()
    out = tmp_path / "records.json"
    write_records(recs, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    keys = list(data[0])
    assert keys == list(Record.model_fields) and keys[keys.index("budget") + 1] == "budget_text"
    assert [(d["budget"], d["budget_text"]) for d in data] == [(None if t else 20.0, t) for t in BUDGET_TEXTS]
    assert [Record(**d) for d in data] == recs


def test_cli_split_csv_writes_a_non_number_budget_as_written(text_budget_file, tmp_path):
    r = run("split", text_budget_file, "-o", tmp_path / "out.csv")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    rows = list(csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [row[HEADERS.index("预算数(万元)")] for row in rows[1:]] == [t or "20" for t in BUDGET_TEXTS]


def test_export_writes_a_non_number_budget_as_written(text_budget_file, tmp_path):
    before = check_path(text_budget_file)
    out = tmp_path / "报送.xlsx"
    write_export(before, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["绩效目标表"]
    assert ws["C3"].value == "预算数"
    assert [(ws.cell(r, 1).value, ws.cell(r, 3).value) for r in (4, 5)] == [(DEPT, "约三十万"), ("100001-甲单位", "待定")]
    # each project's 预算数 on its first row, merged over its five rows
    assert [(ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(6, 31, 5)] == [
        ("项目A", "一百"), ("项目B", "约100万"), ("项目C", 20), ("项目X", "一百"), ("项目X", "二百")]
    assert {f"C{r}:C{r + 4}" for r in range(6, 31, 5)} <= {str(m) for m in ws.merged_cells.ranges}
    rec_ws = wb["清洗记录"]
    col = HEADERS.index("预算数(万元)") + 1
    assert [rec_ws.cell(r, col).value for r in range(2, 27)] == [t or 20 for t in BUDGET_TEXTS]
    after = check_path(out)
    assert strip(after.records()) == strip(before.records())
    (tb,), (ta,) = before.tables, after.tables
    assert [(d.name, d.budget_raw) for d in ta.departments] == [("测试部门", "约三十万")]
    assert [(u.name, u.budget_raw) for u in ta.units] == [("甲单位", "待定")]
    found = _budget_findings(before)
    assert [code for code, _ in found] == ["BG001"] * 4 + ["BG005"] * 2
    assert "项目“项目B”的预算数“约100万”不是数字" in found[1][1]
    assert _budget_findings(after) == found  # the same findings for the same projects


def test_export_weights_sheet_writes_a_non_number_budget_as_written(text_budget_file, tmp_path):
    out = tmp_path / "报送.xlsx"
    write_export(check_path(text_budget_file), out)
    ws = openpyxl.load_workbook(out)["权重合计"]
    header = [c.value for c in ws[1]]
    col = header.index("预算数(万元)") + 1
    assert [ws.cell(r, 2).value for r in range(2, 8)] == ["项目A", "项目B", "项目C", "项目X", "项目X",
                                                              "5个项目（4个预算数不是数字，未计入预算合计）"]
    # the 合计 row adds the numbers only, and says so
    assert [ws.cell(r, col).value for r in range(2, 8)] == ["一百", "约100万", 20, "一百", "二百", 20]
    assert [ws.cell(r, col).data_type for r in range(2, 7)] == ["s", "s", "n", "s", "s"]


def test_check_json_report_keeps_a_non_number_budget_as_budget_text(text_budget_file):
    r = run("check", text_budget_file, "--format", "json")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    projects = json.loads(r.stdout)["projects"]
    keys = list(projects[0])
    assert keys[keys.index("budget") + 1] == "budget_text"
    assert [(p["name"], p["budget"], p["budget_text"]) for p in projects] == [
        ("项目A", None, "一百"), ("项目B", None, "约100万"), ("项目C", 20.0, None),
        ("项目X", None, "一百"), ("项目X", None, "二百")]


def test_check_text_report_shows_a_non_number_budget_as_written(text_budget_file):
    r = run("check", text_budget_file)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    table = [line.split() for line in r.stdout.split("问题清单")[0].splitlines() if re.match(r"^\s*\d+ ", line)]
    assert [(cells[1], cells[2]) for cells in table] == [
        ("项目A", "一百"), ("项目B", "约100万"), ("项目C", "20.00"), ("项目X", "一百"), ("项目X", "二百")]
    # the closing line's budget adds the numbers only, and says so
    assert "预算 20.00 万元（4 个项目的预算数不是数字，未计入）" in r.stdout.replace("\n", ""), r.stdout


def test_layout_grid_writes_a_non_number_budget_as_written_in_any_money_unit():
    """Numbers are converted 万元 -> 元, text is not (it cannot be)."""
    recs = [Record(sheet="s", row=5, project="P", budget=1.5, name="n", weight=90.0),
            Record(sheet="s", row=6, project="P", budget_text="约100万", name="n", weight=90.0),
            Record(sheet="s", row=7, project="P", budget_text="一百", name="n", weight=90.0)]
    for unit, first in (("万元", 1.5), ("元", 15000)):
        g = layout_grid(recs, title="T", money_unit=unit)
        assert [g.rows[i][2] for i in (3, 4, 5)] == [first, "约100万", "一百"]
        from xlperf.api import check_grids

        again = check_grids([g]).records()
        assert [(r.project, r.budget_text) for r in again] == [("P", None), ("P", "约100万"), ("P", "一百")]


def test_layout_grid_joins_no_project_told_apart_only_by_its_text_budget():
    """Same-named neighbours: the reader starts a new project when the 预算数 cells differ
    (number or text) and continues the one above when the cell is empty or says the same;
    the layout adds a separating unit row only in that second case."""
    from xlperf.api import check_grids

    def rec(row, **kw):
        return Record(sheet="s", row=row, unit_name="甲单位", project="P", name=f"n{row}", weight=90.0, **kw)

    for a, b, separated in (({"budget": 10.0}, {"budget_text": "一百"}, False),
                            ({"budget_text": "一百"}, {"budget": 10.0}, False),
                            ({"budget_text": "一百"}, {"budget_text": "二百"}, False),
                            ({"budget_text": "一百"}, {}, True),
                            ({}, {"budget_text": "一百"}, False)):
        recs = [rec(5, **a), rec(6, **b)]
        g = layout_grid(recs, title="T")
        assert len(g.rows) == 3 + 2 + separated, (a, b)
        again = check_grids([g]).records()
        assert strip(again) == strip(recs), (a, b)


# --- lone surrogates (half of a UTF-16 pair: neither XML nor UTF-8 can hold one) -------------


def test_every_records_writer_drops_lone_surrogates_like_the_xlsx_writer(tmp_path):
    """No file reader produces a lone surrogate (see the CLI test below), but an API caller or
    the Excel side can pass one. CSV and JSON used to raise UnicodeEncodeError; now every writer
    drops it, the CSV before it decides on the apostrophe."""
    recs = [Record(sheet="表", row=4, project="项目\ud83d", name="\udc00=1+1", weight_text="十\ud800", cells={"name": "G4"}),
            Record(sheet="表", row=5, project="项目\ud83d", name="乙", weight=5.0, target=2 ** 70)]  # 2**70: json fallback
    for suffix in (".xlsx", ".csv", ".json"):
        write_records(recs, tmp_path / f"r{suffix}")
    xlsx = list(openpyxl.load_workbook(tmp_path / "r.xlsx").active.iter_rows(min_row=2, values_only=True))
    rows = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))[1:]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    col = {h: i for i, h in enumerate(HEADERS)}
    for field, header in (("project", "项目名称"), ("name", "三级指标")):  # the same text in xlsx and JSON
        assert [r[col[header]] for r in xlsx] == [d[field] for d in data]
    assert [r[col["项目名称"]] for r in xlsx] == ["项目", "项目"] and [r[col["三级指标"]] for r in xlsx] == ["=1+1", "乙"]
    assert [r[col["项目名称"]] for r in rows] == ["项目", "项目"]
    assert [r[col["三级指标"]] for r in rows] == ["'=1+1", "乙"]  # neutralised after the surrogate went
    assert [r[col["权重"]] for r in rows] == ["十", "5"] and [r[col["权重"]] for r in xlsx] == ["十", 5]
    assert [d["weight_text"] for d in data] == ["十", None] and data[1]["target"] == 2 ** 70
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.xlsx"]  # no temporaries left


def _patched(src: Path, out: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            zo.writestr(info, zi.read(info.filename).replace(old, new))
    return out


def test_cli_split_csv_of_a_workbook_holding_a_lone_surrogate(table_file, tmp_path):
    """Excel saves a cell holding half a character as the escape ``_xD83D_`` (a lone surrogate
    cannot be written in XML): calamine keeps that escape as text, so the CSV gets the text and
    no surrogate. A raw character reference ``&#xD800;`` is invalid XML: refused in Chinese,
    exit 2, no output. No traceback either way."""
    base = tmp_path / "base.xlsx"
    write_export(check_path(table_file), base)  # shared strings, as Excel writes them
    assert "<t>项目B</t>".encode() in zipfile.ZipFile(base).read("xl/sharedStrings.xml")
    escaped = _patched(base, tmp_path / "escaped.xlsx", "<t>项目B</t>".encode(), "<t>项目B_xD83D_</t>".encode())
    r = run("split", escaped, "-o", tmp_path / "out.csv")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    rows = list(csv.reader((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [row[HEADERS.index("项目名称")] for row in rows[1:]] == ["项目A"] * 5 + ["项目B_xD83D_"] * 5

    broken = _patched(base, tmp_path / "broken.xlsx", "<t>项目B</t>".encode(), "<t>项目B&#xD800;</t>".encode())
    r = run("split", broken, "-o", tmp_path / "broken.csv")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "文件可能已损坏" in r.stderr
    assert not (tmp_path / "broken.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_forced_export_says_it_still_has_errors(tmp_path):
    """Issue 14: a --force export carries a line under its title and document properties."""
    from .test_cli import write_xlsx

    rows = good_project("项目A")
    rows[1][10] = 5
    src = write_xlsx(tmp_path / "bad.xlsx", rows)
    out = tmp_path / "报送.xlsx"
    r = run("export", src, "-o", out, "--force")
    assert r.returncode == 0 and "仍有 1 个错误" in r.stderr, r.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]][3].startswith("注意：本表仍有 1 个错误，是强制导出的（--force）")
    assert "仍有 1 个错误" in wb.properties.description and wb.properties.contentStatus == "仍有错误（强制导出）"
    # read back, the note is no field: the same one error
    again = run("check", out, "--format", "json")
    assert json.loads(again.stdout)["summary"]["errors"] == 1
    clean = tmp_path / "clean.xlsx"
    assert run("export", write_xlsx(tmp_path / "ok.xlsx", good_project("项目B")), "-o", clean).returncode == 0
    wb = openpyxl.load_workbook(clean)
    assert not wb.properties.description and "注意" not in str([c.value for c in wb.worksheets[0][2]])
