"""Property tests over random tables (random project counts, indicators, merged vs blank-below
vs repeated project cells, merged 一级指标, department/unit rows, blank rows, formula-like text):

1. records -> export -> read -> records is the identity (sheet/row/cells aside);
2. records -> JSON -> records is the identity (everything, cells included);
3. nothing is lost: every non-empty cell of the table area ends up in a record, a
   department/unit row, or a finding.

The example count comes from the hypothesis profile in ``tests/conftest.py`` (default: modest;
``--hypothesis-profile=deep`` goes further).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlperf.api import check_grids, check_path
from xlperf.core.export_plan import layout_grid
from xlperf.core.grid import Grid
from xlperf.core.blocks import bare_projects, parse_waivers
from xlperf.core.headers import is_repeated_header
from xlperf.core.model import FIELDS, Record
from xlperf.core.normalise import clean_text, parse_number
from xlperf.core.taxonomy import LEVEL2
from xlperf.writers.export import write_export
from xlperf.writers.records import write_records

from .helpers import grid_of

COL = {f: i for i, f in enumerate(FIELDS)}
PROJECT_COLS = [COL[f] for f in ("project", "budget", "goal")]

# Text that cannot be mistaken for a header, a banner, a level name or a department.
_ALPHABET = "甲乙丙丁戊己庚辛壬癸春夏秋冬东南西北abcxyz0123456789 ，。、"
plain_text = st.text(_ALPHABET, min_size=1, max_size=12).filter(lambda s: clean_text(s) is not None and not s.strip().isdigit())
risky_text = st.builds(lambda p, s: p + s, st.sampled_from(["=", "+", "-", "@", '=HYPERLINK("http://x","', "=cmd|' /C calc'!"]),
                       st.text("甲乙丙abc1()", min_size=1, max_size=6))
text = st.one_of(plain_text, plain_text, plain_text, risky_text)
number = st.one_of(st.integers(-50, 1000), st.floats(-100, 1000, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2)))
budget = st.one_of(st.none(), st.integers(1, 5000).map(float), st.integers(1, 500000).map(lambda x: x / 100),
                   st.sampled_from(["一百", "约100万", " 待定 "]))  # not a number: Record.budget_text
target = st.one_of(number, number.map(str), text, st.sampled_from(["≥80%", "≤90万元", "=100%", "高", "提升", "+1+1"]))
comparator = st.sampled_from(["≥", "≤", "=", ">", "<", "定性", ">=", "不低于", None, "奇怪"])
measure = st.sampled_from(["%", "次", "万元", "个", "天", "％", None])
direction = st.sampled_from(["正向指标", "反向指标", "正向", None, "双向"])
weight = st.one_of(st.none(), st.integers(0, 60), st.sampled_from([2.5, 7.5, "10", "十", "10分", "=5+5"]))
# Canonical level-1 names (and one unknown): aliases expose a core fill-down gap, see
# test_level2_fill_down_after_alias_level1 (xfail).
level1 = st.sampled_from(list(LEVEL2) + [None, "其它指标"])


@st.composite
def indicator(draw) -> list[Any]:
    l1 = draw(level1)
    # A blank 二级指标 only where the 一级指标 is blank too (fill-down style): an explicit level-1
    # with a blank level-2 exposes a core fill-down gap, see the xfail tests below.
    l2 = draw(st.sampled_from(list(LEVEL2.get(l1, ("数量指标",))) + ([None] if l1 is None else [])))
    name, w = draw(st.one_of(text, st.none())), draw(weight)
    return [None, None, None, None, l1, l2, name, draw(comparator), draw(st.one_of(target, st.none())),
            draw(measure), w, draw(direction)]


@st.composite
def tables(draw) -> Grid:
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []
    dept_at = draw(st.sampled_from(["top", "bottom", None]))  # a department row above or below the projects
    if dept_at == "top":
        rows.append(["208-测试部门", None, draw(budget)] + [None] * 9)
    units = draw(st.sampled_from([[None], ["100001-甲单位"], ["100001-甲单位", "100002-乙单位"]]))
    unit_rows = draw(st.booleans())  # units as header rows, or named on the first project row
    n_projects = draw(st.integers(1, 5))
    second_dept = draw(st.integers(1, 6))  # a second department row before this project (if any)
    current_unit: Optional[str] = None
    unit_run_start: Optional[int] = None
    for p in range(n_projects):
        unit = units[min(p * len(units) // n_projects, len(units) - 1)]
        if p == second_dept:
            rows.append(["209-其他部门", None, draw(budget)] + [None] * 9)
            if unit_run_start is not None and not unit_rows and len(rows) - 2 > unit_run_start and draw(st.booleans()):
                merges.append((unit_run_start, 0, len(rows) - 2, 0))
            current_unit, unit_run_start = None, None
        new_unit = unit is not None and unit != current_unit
        if new_unit and draw(st.integers(0, 3)) == 0:  # a unit of its own row with no projects
            rows.append(["100009-空单位", None, draw(budget)] + [None] * 9)
            current_unit, unit_run_start = None, None
        if new_unit:
            if unit_run_start is not None and not unit_rows and len(rows) - 1 > unit_run_start:
                if draw(st.booleans()):
                    merges.append((unit_run_start, 0, len(rows) - 1, 0))
            if unit_rows:
                rows.append([unit, None, draw(budget)] + [None] * 9)
            current_unit = unit
            unit_run_start = None
        gap = draw(st.sampled_from(["none", "none", "blank", "header"]))
        if gap == "blank":
            rows.append([None] * 12)  # a blank row between projects
        elif gap == "header":
            rows.append(list(FIELDS.values()))  # a header repeated at a page break
        n_ind = draw(st.integers(1, 5))
        style = draw(st.sampled_from(["merge", "blank", "repeat"]))
        name = draw(st.sampled_from([f"项目{p}", f"项目{p}专项经费", f"=1+{p}", "同名项目"]))
        b, g = draw(budget), draw(st.one_of(st.none(), text, st.just("完成年度目标任务，保障工作顺利开展")))
        first = len(rows)
        l1_merge = draw(st.booleans())
        # a project without a real indicator: only empty template rows, or its row alone
        bare = draw(st.sampled_from([None, None, None, None, "placeholders", "alone"]))
        if bare == "alone":
            n_ind = 1
        for i in range(n_ind):
            row = draw(indicator())
            if bare is not None:
                for f in ("name", "comparator", "target", "measure", "weight", "direction"):
                    row[COL[f]] = None
                if bare == "alone":
                    row[COL["level1"]] = row[COL["level2"]] = None
            if i == 0 or style == "repeat":
                row[COL["project"]], row[COL["budget"]], row[COL["goal"]] = name, b, g
            if i == 0 and new_unit and not unit_rows:
                row[COL["unit"]] = unit
                unit_run_start = first
            rows.append(row)
            if i == 0 and style == "blank" and g is not None and draw(st.integers(0, 3)) == 0:
                rows.append([None, None, None, draw(text)] + [None] * 8)  # the goal goes on below
        last = len(rows) - 1
        if style == "merge" and last > first:
            for c in PROJECT_COLS:
                merges.append((first, c, last, c))
                for r in range(first + 1, last + 1):
                    rows[r][c] = None
        if l1_merge and last > first:  # merge the leading run of equal level-1 names
            r2 = first
            while r2 + 1 <= last and rows[r2 + 1][COL["level1"]] == rows[first][COL["level1"]]:
                r2 += 1
            if r2 > first:
                merges.append((first, COL["level1"], r2, COL["level1"]))
                for r in range(first + 1, r2 + 1):
                    rows[r][COL["level1"]] = None
    if unit_run_start is not None and not unit_rows and len(rows) - 1 > unit_run_start and draw(st.booleans()):
        merges.append((unit_run_start, 0, len(rows) - 1, 0))
    if draw(st.integers(0, 3)) == 0:  # a unit without projects at the end of the table
        rows.append(["100008-末单位", None, draw(budget)] + [None] * 9)
    if dept_at == "bottom":
        rows.append(["208-测试部门合计", None, draw(budget)] + [None] * 9)
    for m in merges:  # cells under a merge are blank in a real workbook
        r1, c1, r2, c2 = m
        for r in range(r1, r2 + 1):
            if r != r1:
                rows[r][c1] = None
    if draw(st.booleans()):  # a 豁免 column
        for row in rows:
            row.append(draw(st.sampled_from([None, None, "WT002", "wt003, VL007", "ST012"]))
                       if any(v is not None for v in row[4:]) else None)
        return grid_of(rows, merges, extra_header=["豁免"])
    return grid_of(rows, merges)


def strip(recs: list[Record]) -> list[dict]:
    return [r.model_dump(exclude={"sheet", "row", "cells"}) for r in recs]


def structure(result) -> tuple[list, list, list, list]:
    """Departments and units (name, total as number or as written, projects) and the budget
    findings without their cell address: what an export must keep besides the records."""
    def total(x):
        return x.budget if x.budget is not None else clean_text(x.budget_raw)

    (t,) = result.tables
    depts = [(d.code, d.name, total(d)) for d in t.departments]
    units = [(u.code, u.name, total(u), [t.projects[i].name for i in u.project_indices]) for u in t.units]
    # a quoted total is written cleaned (" 待定 " -> "待定"), as every text value is
    found = sorted((f.code, re.sub(r"“\s*(.*?)\s*”", r"“\1”", f.message.split(" ", 1)[1]))
                   for f in result.findings if f.code.startswith("BG"))
    # which project findings are waived (豁免 codes on template rows or on a project's row
    # alone count for the project; the export must keep them)
    waived = sorted((f.code, f.project) for f in result.findings if f.waived and f.code in ("ST012", "WT002", "WT003"))
    return depts, units, found, waived


SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(tables())
def test_records_export_read_is_identity(grid):
    result = check_grids([grid])
    recs = result.records()
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "export.xlsx"
        write_export(result, out)
        back = check_path(out)
    assert strip(back.records()) == strip(recs)
    assert structure(back) == structure(result)


@SETTINGS
@given(tables())
def test_layout_grid_reads_back_to_the_same_records(grid):
    """The pure half of the round trip, without files (fast, so it also runs many tables)."""
    result = check_grids([grid])
    recs = result.records()
    back = check_grids([layout_grid(recs, title="部门预算项目绩效目标申报表", tables=result.tables)])
    assert strip(back.records()) == strip(recs)
    assert structure(back) == structure(result)


@SETTINGS
@given(tables())
def test_records_json_round_trip(grid):
    recs = check_grids([grid]).records()
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "r.json"
        write_records(recs, out)
        back = [Record(**x) for x in json.loads(out.read_text(encoding="utf-8"))]
    assert back == recs


def _matches(v: Any, field: str, rec: Record) -> bool:
    got = getattr(rec, field, None)
    if got is None:
        got = getattr(rec, f"{field}_text", None)  # a budget or weight kept as written
    if got is None:
        return False
    n = parse_number(v).value
    if isinstance(got, float) and n is not None:
        return abs(got - n) < 1e-6 or abs(got - n * 0.0001) < 1e-9
    return (clean_text(v) or "") in (clean_text(got) or "")


@SETTINGS
@given(tables())
def test_nothing_is_lost(grid):
    result = check_grids([grid])
    (table,) = result.tables
    recs = result.records()
    addr_used = {a for r in recs for a in r.cells.values()}
    rec_by_row = {r.row: r for r in recs}
    kept = recs + bare_projects(table)  # what the export writes: also a project without indicators
    for p in table.projects:  # a project value repeated on a row of the project without a record
        rec = next((x for x in kept if p.row_first <= x.row <= p.row_last), None)
        for srow in range(p.row_first, p.row_last + 1):
            rec_by_row.setdefault(srow, rec)
    structural_rows = {d.row for d in table.departments} | {u.row for u in table.units if u.row is not None}
    cols = {f: c - grid.col0 for f, c in table.columns.items()}
    structural_rows |= {grid.sheet_row(r) for r, row in enumerate(grid.rows) if is_repeated_header(row, cols)}
    finding_cells = {f.cell for f in result.findings if f.cell}
    finding_rows = {f.row for f in result.findings if f.row}
    col_field = {c - grid.col0: f for f, c in table.columns.items()}
    covered = grid.merge_map()
    lost = []
    for r, c, v in grid.iter_nonempty():
        srow = grid.sheet_row(r)
        if srow <= (table.header_row or 0) or (r, c) in covered:
            continue
        a = grid.addr(r, c)
        if a in addr_used or srow in structural_rows or a in finding_cells or srow in finding_rows:
            continue
        rec = rec_by_row.get(srow)
        field = col_field.get(c)
        if rec is not None and field == "waiver" and set(rec.waivers.split(",")) == set(parse_waivers(v)):
            continue  # the row's 豁免 codes
        if field == "waiver" and any(p.row_first <= srow <= p.row_last and parse_waivers(v) <= p.waivers
                                     for p in table.projects):
            continue  # 豁免 codes on a project's row without indicator: the project's own
        if rec is not None and field in FIELDS and _matches(v, field, rec):
            continue  # a repeated project value on its own indicator row
        if c == COL["goal"] and any(p.row_first <= srow <= p.row_last and (clean_text(v) or "") in (p.goal or "")
                                    and any(p.row_first <= x.row <= p.row_last and x.goal == p.goal for x in kept)
                                    for p in table.projects):
            continue  # a goal continuation row, joined into the project's goal
        lost.append((a, v))
    assert not lost, lost


# --- known gaps: each names the core change that closes it (strict: they fail loudly once fixed) ---


def _export_round_trip(rows) -> tuple[list[dict], list[dict]]:
    result = check_grids([grid_of(rows)])
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "export.xlsx"
        write_export(result, out)
        return strip(result.records()), strip(check_path(out).records())


def _row(l1, l2, name, comparator="≥", target=1, measure="次", weight=10, direction="正向指标", **project):
    from .helpers import ind

    return ind(level1=l1, level2=l2, name=name, comparator=comparator, target=target, measure=measure,
               weight=weight, direction=direction, **project)


P = dict(project="项目", budget=1.0, goal="完成年度目标任务，保障工作顺利开展")


def test_non_number_weight_alone_survives_export():
    # the row is a record only because of its weight cell: Record.weight_text carries it
    rows = [_row("产出指标", "数量指标", "甲", **P),
            _row("产出指标", "质量指标", None, comparator=None, target=None, weight="十")]
    before, after = _export_round_trip(rows)
    assert len(before) == 2
    assert after == before


def test_level2_fill_down_after_alias_level1():
    # 效益指标(30分) and 效益指标 are the same level: 二级指标 fills down across them
    rows = [_row("效益指标(30分)", "社会效益指标", "甲", **P), _row("效益指标", None, "乙")]
    before, after = _export_round_trip(rows)
    assert before[1]["level2"] == "社会效益指标"
    assert after == before


@pytest.mark.xfail(strict=True, reason="core: an explicit 一级指标 with a blank 二级指标 inherits the level-2 "
                   "of the row above; the export drops the placeholder row that stopped it in the source")
def test_level2_after_dropped_placeholder_row():
    rows = [_row("满意度指标", "服务对象满意度指标", "甲", **P),
            _row("产出指标", "数量指标", None, comparator=None, target=None, weight=None),  # placeholder (ST004)
            _row("满意度指标", None, "乙")]
    before, after = _export_round_trip(rows)
    assert len(before) == 2 and before[1]["level2"] is None
    assert after == before
