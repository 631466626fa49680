"""The weight-only path behind =PERF_WEIGHTS / =PERF_WEIGHT_TOTAL gives exactly the engine's
weight totals (build_table + weight_breakdown): on the bundled sample, on benchmark-style
workbooks, and on random tables with page breaks, blank and odd weights, department and unit
rows, merges hiding stale values and whitespace-only cells."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import xlperf.excel.udfs as udfs
from xlperf.core.blocks import build_table
from xlperf.core.config import Config
from xlperf.core.grid import Grid, Merge
from xlperf.core.headers import find_layout
from xlperf.core.model import FIELDS
from xlperf.core.report import weight_breakdown
from xlperf.core.weights_fast import project_weights
from xlperf.readers.source import read_source

from .robustness.test_properties import messy_tables
from .test_roundtrip_property import tables as roundtrip_tables

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "xlperf" / "data" / "sample_2023.xlsx"
BENCH_OUT = ROOT / "bench" / "out"
HEADER = list(FIELDS.values())
W = HEADER.index("权重")
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                          HealthCheck.filter_too_much])


def blank_to_none(rows: list[list[Any]]) -> list[list[Any]]:
    return [[None if isinstance(v, str) and not v.strip() else v for v in row] for row in rows]


def engine(rows: list[list[Any]], merges: list[Merge] = ()) -> Optional[list[tuple]]:
    """(label, total, first row) per project as the engine computes them (the UDF's old path)."""
    grid = Grid("UDF", blank_to_none(rows), list(merges))
    layout = find_layout(grid)
    if not layout.ok:
        return None
    cfg = Config()
    return [(p.label, weight_breakdown(p, cfg)[1], p.row_first) for p in build_table(grid, layout).projects]


def fast(rows: list[list[Any]], merges: list[Merge] = ()) -> Optional[list[tuple]]:
    got = project_weights(rows, merges)
    return None if got is None else [(p.label, p.total, p.row_first) for p in got]


def assert_same(rows: list[list[Any]], merges: list[Merge] = ()) -> Optional[list[tuple]]:
    want = engine(rows, merges)
    assert fast(rows, merges) == want
    return want


def calamine_sheet(path: Path) -> tuple[list[list[Any]], list[Merge]]:
    sh = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = [[None if v == "" else v for v in r] for r in sh.to_python(skip_empty_area=False)]
    merges = [Merge(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
    return rows, merges


def udf_reference(rows: list[list[Any]], expected: float = 90.0) -> list[list[Any]]:
    got = engine(rows)
    if got is None:
        return [["未找到表头（区域应包含表头行）", None, None, None]]
    out = [list(udfs.WEIGHTS_HEADER)]
    for label, total, _ in got:
        ok = abs(total - expected) <= Config().tolerance
        out.append([label, total, expected, udfs.STATUS_OK if ok else udfs.STATUS_OFF])
    return out


# --- real workbooks ---------------------------------------------------------------------


def test_sample_as_calamine_reads_it():
    rows, merges = calamine_sheet(SAMPLE)
    want = assert_same(rows, merges)
    assert want is not None and len(want) == 22
    assert assert_same(rows) == want  # what a UDF sees: values only, merged cells blank


def test_sample_through_read_source():
    grid = read_source(SAMPLE).grids[0]
    assert_same(grid.rows, grid.merges)


def test_udfs_on_the_sample_equal_the_engine():
    rows, _ = calamine_sheet(SAMPLE)
    assert udfs.weights(rows) == udf_reference(rows)
    assert udfs.weights(rows, 100) == udf_reference(rows, 100.0)
    for label, total, _ in engine(rows):
        assert udfs.weight_total(rows, label) == total


def _bench_generate():
    spec = importlib.util.spec_from_file_location("xlperf_bench_generate", ROOT / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_style_workbook(tmp_path):
    # Merged project blocks, departments, units, ~5 % injected errors (weights off, weights as text).
    gen = _bench_generate()
    path = tmp_path / "bench_3000.xlsx"
    gen.generate(3000, path, seed=7)
    rows, merges = calamine_sheet(path)
    want = assert_same(rows, merges)
    assert want and any(total != 90 for _, total, _ in want)
    assert assert_same(rows) == want


@pytest.mark.parametrize("rows", [1000, 10000])
def test_cached_benchmark_workbooks(rows):
    path = BENCH_OUT / f"perf_{rows}_s2023_v{_bench_generate().GEN_VERSION}.xlsx"
    if not path.exists():
        pytest.skip(f"{path.name} not generated (python bench/generate.py)")
    data, merges = calamine_sheet(path)
    assert assert_same(data) == assert_same(data, merges)


# --- targeted cases ---------------------------------------------------------------------


def ind(weight: Any = 10.0, level1: Any = "产出指标", **project: Any) -> list[Any]:
    return [project.get("unit"), project.get("project"), project.get("budget"), project.get("goal"),
            level1, "数量指标", "培训次数", "≥", 5, "次", weight, "正向指标"]


def table(*body: list[Any], title: bool = True) -> list[list[Any]]:
    head = [["部门预算项目绩效目标申报表（2023年度）"] + [None] * 11, ["金额单位：万元"] + [None] * 11] if title else []
    return head + [list(HEADER)] + [list(r) for r in body]


def test_odd_weights_count_like_the_engine():
    rows = table(
        ind(project="甲", budget=1.0), ind("10"), ind("10分"), ind("10%"), ind(" "), ind(""), ind(None),
        ind("１０"), ind("1,000"), ind(True), ind(math.nan), ind(math.inf), ind(2.5), ind(7), ind(" 5 "),
    )
    got = assert_same(rows)
    assert got == [("甲", 10 + 10 + 10 + 1000 + 2.5 + 7 + 5, 4)]


def test_page_break_inside_a_project_keeps_one_project():
    rows = table(
        ind(project="甲", budget=5.0, unit="208001-某单位"), ind(20.0),
        ["部门预算项目绩效目标申报表（2023年度）"] + [None] * 11,  # banner repeated at the break
        list(HEADER),
        ind(30.0, project="甲", budget=5.0), ind(30.0),  # the name repeated after the break
        ind(10.0, project="甲", budget=6.0),  # same name, other budget: another project
    )
    assert assert_same(rows) == [("甲", 90.0, 4), ("甲", 10.0, 10)]


def test_department_and_unit_rows_end_a_project():
    rows = table(
        ["208-某部门", None, 100.0] + [None] * 9,
        ind(project="甲"), ind(20.0),
        ["208001-某单位", None, 50.0] + [None] * 9,
        ind(40.0),  # no project above any more: an orphan, not counted
        ["产出指标", None, None, None, None, "质量指标", "合格率", "≥", 95, "%", 5.0, None],  # level-1 pasted left
        ind(project="乙"), ["产出指标"] + [None] * 9 + [5.0, None],
        ["产出指标"] + [None] * 11,  # a level name alone in 单位名称 is no unit row: 乙 goes on
        ind(1.0),
    )
    assert assert_same(rows) == [("甲", 30.0, 5), ("乙", 16.0, 10)]


def test_a_budget_first_written_below_the_project_row_decides_later_repeats():
    rows = table(ind(project="甲"), ind(20.0, budget=5.0), ind(30.0, project="甲", budget=5.0),
                 ind(1.0, project="甲", budget=6.0))
    assert assert_same(rows) == [("甲", 60.0, 4), ("甲", 1.0, 7)]


def test_stale_values_under_merges_are_ignored():
    rows = table(ind(project="甲", budget=1.0), ind(20.0, project="乙"), ind(30.0, unit="208001-某单位"))
    merges = [Merge(3, 1, 5, 1), Merge(3, 0, 5, 0)]  # 项目名称 and 单位名称 merged over the block
    assert assert_same(rows, merges) == [("甲", 60.0, 4)]
    assert assert_same(rows) == [("甲", 10.0, 4), ("乙", 50.0, 5)]


def test_no_header_and_ragged_rows():
    assert fast([[1, 2], [3]]) is None and engine([[1, 2], [3]]) is None
    rows = table(ind(project="甲"), ind(20.0)[:11], ind(5.0)[:3], [], ["x"])
    assert_same(rows)


def test_banner_under_a_two_row_header_with_a_shared_column():
    rows = [list(HEADER), [None, "备注"] + [None] * 10, [None, "部门预算项目绩效目标申报表"] + [None] * 10]
    assert fast(rows) == []
    assert engine(rows) == []


# --- random tables ----------------------------------------------------------------------

NAMES = ["甲", "甲 ", "乙项目", "1", "1.0", 1.0, 2, "项目\u3000丙"]
BUDGETS = [None, None, 10.0, "10", "10.0", 20.0, " "]
WEIGHTS = [None, None, "", " ", 10.0, 10.0, 5, 2.5, "10", "10分", "10%", "１０", True, math.nan, "十", -5.0]
UNIT_TEXT = ["208-某部门", "208001-某单位", "某单位", "产出指标", "208-某部门合计"]


@st.composite
def weight_tables(draw) -> tuple[list[list[Any]], list[Merge]]:
    order = list(range(12))
    if draw(st.booleans()):
        order = draw(st.permutations(order))  # the header finds columns by their text
    rows: list[list[Any]] = []
    for _ in range(draw(st.integers(0, 2))):
        rows.append([draw(st.sampled_from(["部门预算项目绩效目标申报表", "金额单位：万元", None]))] + [None] * 11)
    rows.append(list(HEADER))
    merges: list[tuple[int, int, int, int]] = []
    kinds = ["project", "project", "project", "unit", "blank", "header", "banner", "goal", "orphan"]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(kinds))
        if kind == "unit":
            rows.append([draw(st.sampled_from(UNIT_TEXT)), None, draw(st.sampled_from(BUDGETS))] + [None] * 9)
        elif kind == "blank":
            rows.append([draw(st.sampled_from([None, " "]))] * 12)
        elif kind == "header":
            rows.append(list(HEADER))
        elif kind == "banner":  # one text cell, anywhere (also where a project name or weight goes)
            row: list[Any] = [None] * 12
            row[draw(st.sampled_from([0, 1, 2, 3, 10]))] = draw(st.sampled_from(
                ["部门预算项目绩效目标申报表", "金额单位：元", "以下空白", "10"]))
            rows.append(row)
        elif kind == "goal":
            rows.append([None] * 3 + ["续：完成年度目标"] + [None] * 8)
        elif kind == "orphan":
            rows.append([None] * 10 + [draw(st.sampled_from(WEIGHTS)), None])
        else:
            first = len(rows)
            name, budget = draw(st.sampled_from(NAMES)), draw(st.sampled_from(BUDGETS))
            repeat = draw(st.sampled_from(["no", "name", "name+budget"]))
            for i in range(draw(st.integers(1, 5))):
                row = ind(draw(st.sampled_from(WEIGHTS)), level1=draw(st.sampled_from(["产出指标", None, " "])))
                if i == 0 or repeat != "no":
                    row[1] = name
                if i == 0 or repeat == "name+budget":
                    row[2] = budget
                elif draw(st.integers(0, 3)) == 0:
                    row[2] = draw(st.sampled_from(BUDGETS))  # a budget first written further down
                if i == 0 and draw(st.booleans()):
                    row[0] = draw(st.sampled_from(UNIT_TEXT[1:3]))
                if i and draw(st.integers(0, 6)) == 0:
                    row = [None] * 10 + [row[10], None]  # only a weight
                rows.append(row)
            last = len(rows) - 1
            if repeat == "no" and last > first and draw(st.booleans()):
                stale = draw(st.booleans())  # Excel keeps nothing under a merge; other writers might
                for c in (0, 1, 2):
                    merges.append((first, c, last, c))
                    for r in range(first + 1, last + 1):
                        rows[r][c] = draw(st.sampled_from(NAMES + BUDGETS)) if stale else None
            if last > first and draw(st.integers(0, 3)) == 0:  # one weight merged over two rows
                merges.append((last - 1, W, last, W))
                if draw(st.booleans()):
                    rows[last][W] = None
    # Column k moves to order[k]; every merge here spans one column.
    src = [order.index(c) for c in range(12)]
    rows = [[row[k] for k in src] for row in rows]
    moved = [Merge(r1, order[c1], r2, order[c2]) for r1, c1, r2, c2 in merges]
    return rows, moved


@SETTINGS
@given(weight_tables())
def test_random_tables_match_the_engine(case):
    rows, merges = case
    assert_same(rows, merges)
    assert_same(rows)


@SETTINGS
@given(roundtrip_tables())
def test_roundtrip_property_tables_match_the_engine(grid):
    assert_same(grid.rows, grid.merges)


@SETTINGS
@given(messy_tables())
def test_messy_tables_match_the_engine(grid):
    assert_same(grid.rows, grid.merges)
    assert_same(grid.rows)


@SETTINGS
@given(weight_tables())
def test_udf_outputs_match_the_engine(case):
    rows, _ = case
    assert udfs.weights(rows) == udf_reference(rows)
    ref = engine(rows)
    for label, total, _ in ref or []:
        first = next(t for lab, t, _ in ref if udfs._same_name(lab, label))
        assert udfs.weight_total(rows, label) == first


@pytest.mark.parametrize("total_row", [
    ["合计", None, 15] + [None] * 9,    # in 单位名称
    [None, "合 计", 15] + [None] * 9,   # in 项目名称 (tables without a 单位名称 column write it there)
], ids=["unit-column", "project-column"])
def test_a_total_row_ends_the_project_and_is_none(total_row):
    """The table's 合计/总计 row is no project and no unit, in the engine and the fast path alike
    (blocks.is_total_row, shared); a row after it starts a new project."""
    ind = ["产出指标", "数量指标", "培训人次", "≥", 100, "人次", 50, "正向指标"]
    rows = [HEADER,
            [None, "项目A", 10, "完成培训"] + ind,
            [None, None, None, None, "效益指标", "社会效益指标", "受益人数", "≥", 50, "人", 40, "正向指标"],
            total_row,
            [None, "项目B", 5, "完成培训"] + ind]
    want = assert_same(rows)
    assert [label for label, _, _ in want] == ["项目A", "项目B"]
    assert [total for _, total, _ in want] == [90, 50]
