"""Property tests on messy tables: nothing a clerk typed disappears without a word, and
checking never changes a value.

The tables are rougher than ``tests/test_roundtrip_property.py``'s well-formed ones: random
merged rectangles anywhere in the data (covered cells blank, as in a real workbook), blank
rows, header rows repeated at page breaks, rows shifted left or right by a column or two (as
pasted from PDF), stray text in random cells, department and unit rows.

A non-empty cell is accounted for when its text appears in a record field, in a department or
unit, in a project the report lists, or in a finding (its message or its cell address) — or it is part of the header/banner
structure (title rows, header labels in a header row), or its row is reported as a whole
(ST002 an indicator row outside any project, ST004 an empty template row, ST012 a project
without indicators: rows that are deliberately not records). The example count comes from the
hypothesis profile (tests/conftest.py: ``default`` modest, ``--hypothesis-profile=deep``).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlperf.api import check_grids
from xlperf.core.blocks import split_code_name
from xlperf.core.grid import Grid
from xlperf.core.headers import field_of_header, find_layout, is_repeated_header
from xlperf.core.normalise import clean_text, parse_number

from ..helpers import HEADER, TITLE_ROWS, good_project, grid_of

ALPHABET = "甲乙丙丁戊己庚辛壬癸春夏秋冬东南西北abcxyz0123456789 ，。"
stray = st.text(ALPHABET, min_size=1, max_size=10).filter(lambda s: clean_text(s) is not None)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                          HealthCheck.filter_too_much])
WIDTH = len(HEADER)


@st.composite
def messy_tables(draw) -> Grid:
    rows: list[list[Any]] = []
    if draw(st.booleans()):
        rows.append(["208-测试部门", None, draw(st.integers(1, 9999))] + [None] * 9)
    if draw(st.booleans()):
        rows.append(["208001-测试单位", None, draw(st.integers(1, 9999))] + [None] * 9)
    for p in range(draw(st.integers(1, 4))):
        proj = good_project(f"项目{p}" + draw(st.sampled_from(["", "经费", "专项"])),
                            budget=float(draw(st.integers(1, 500))), goal=draw(st.sampled_from(
                                ["完成年度培训任务，提升干部业务能力水平", "保障工作顺利开展"])))
        keep = draw(st.integers(1, 5))
        for row in proj[:keep]:
            if draw(st.integers(0, 4)) == 0:
                row[10] = draw(st.integers(1, 60))  # a weight that breaks the total
        rows.extend(proj[:keep])
    # Blank rows and repeated header rows at random places.
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(rows)))
        rows.insert(at, [None] * WIDTH if draw(st.booleans()) else list(HEADER))
    # Rows shifted by PDF pasting: right (cells move past 指标方向性) or left (leading blanks dropped).
    for _ in range(draw(st.integers(0, 2))):
        r = draw(st.integers(0, len(rows) - 1))
        if field_of_header(rows[r][6]) is not None or all(v is None for v in rows[r]):
            continue
        by = draw(st.integers(1, 2))
        if draw(st.booleans()):
            rows[r] = [None] * by + rows[r]
        elif all(v is None for v in rows[r][:by]):
            rows[r] = rows[r][by:] + [None] * by
    # Stray text anywhere in the data area, including past the last column.
    for _ in range(draw(st.integers(0, 3))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, WIDTH + 1))
        row = rows[r]
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
        if field_of_header(row[c]) is None:
            row[c] = draw(stray)
    # Random merged rectangles (never overlapping); the covered cells are blank, as in Excel.
    merges: list[tuple[int, int, int, int]] = []
    taken: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(0, 4))):
        r1 = draw(st.integers(0, len(rows) - 1))
        c1 = draw(st.integers(0, WIDTH - 1))
        r2 = min(len(rows) - 1, r1 + draw(st.integers(0, 4)))
        c2 = min(WIDTH - 1, c1 + draw(st.integers(0, 1)))
        cells = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        if len(cells) < 2 or cells & taken:
            continue
        taken |= cells
        merges.append((r1, c1, r2, c2))
        for r, c in cells - {(r1, c1)}:
            if c < len(rows[r]):
                rows[r][c] = None
    return grid_of(rows, merges)


def show(grid: Grid) -> str:
    """The grid compactly, for a failure message: one line per row, trailing blanks dropped."""
    lines = []
    for r, row in enumerate(grid.rows):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        lines.append(f"{grid.sheet_row(r)}: {row}")
    return "\n".join(lines + [f"merges: {grid.merges}"])


def _numbers(*values: Any) -> list[float]:
    out = []
    for v in values:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
    return out


def known_gap_rows(result, grid: Grid) -> set[int]:
    """Sheet rows of two KNOWN GAPS, excluded here so the property keeps catching anything else:

    1. (test_orphan_placeholder_row_is_reported) a row before any project with no name,
       target, weight or comparator (only level names, a measure or a direction) is an orphan
       placeholder: ST002 skips placeholders and ST004 only looks inside projects;
    2. (test_stray_text_in_a_repeated_header_row_is_reported) blocks skips a repeated header
       row whole, so text beside the header labels in it is never reported (ST010);
    3. (test_department_budget_that_is_not_a_number_is_reported) a department or unit row's
       budget that is not a number is read as "no budget"; BG001 checks project budgets only.
    """
    rows = {o.row for t in result.tables for o in t.orphans if o.is_placeholder}
    rows |= {u.row for t in result.tables for u in [*t.departments, *t.units]
             if u.row and u.budget is None and u.budget_cell}
    layout = find_layout(grid)
    if layout.ok:
        rows |= {grid.sheet_row(r) for r, row in enumerate(grid.rows)
                 if r > layout.header_row and is_repeated_header(row, layout.columns)}
    return rows


def unaccounted(grid: Grid) -> list[tuple[str, Any]]:
    result = check_grids([grid])
    texts: list[str] = []
    numbers: list[float] = []
    cells = {f.cell for f in result.findings if f.cell}
    # Findings about a whole row, which is deliberately not a record: an indicator row outside
    # any project (ST002), an empty template row (ST004), a project without indicators (ST012).
    whole_rows = {f.row for f in result.findings if f.code in ("ST002", "ST004", "ST012") and f.row}
    whole_rows |= known_gap_rows(result, grid)
    texts += [f.message for f in result.findings]
    for rec in result.records():
        d = rec.model_dump(exclude={"cells"})
        texts += [str(v) for v in d.values() if v is not None]
        numbers += _numbers(rec.budget, rec.target, rec.weight)
    for p in result.report.to_json_dict()["projects"]:  # projects the report lists, records or not
        texts += [str(v) for v in (p.get("name"), p.get("unit")) if v]
        numbers += _numbers(p.get("budget"))
    named: set[tuple] = set()
    for t in result.tables:
        for unit in [*t.departments, *t.units]:
            texts += [x for x in (unit.code, unit.name) if x]
            named.add((unit.code, unit.name))
            numbers += _numbers(unit.budget)
    blob = "\n".join(texts)
    layout = find_layout(grid)
    header_row = layout.header_row if layout.header_row is not None else -1
    lost = []
    covered = grid.merge_map()
    for r, c, v in grid.iter_nonempty():
        if (r, c) in covered or r < header_row:
            continue
        if field_of_header(v) is not None:  # a header label (the header row or a repeat of it)
            continue
        addr = grid.addr(r, c)
        if addr in cells or grid.sheet_row(r) in whole_rows:
            continue
        text = clean_text(v) or ""
        if text and (text in blob or split_code_name(text) in named):
            continue
        n = parse_number(v).value
        if n is not None and any(abs(n - x) < 1e-6 or abs(n * 0.0001 - x) < 1e-9 for x in numbers):
            continue
        lost.append((addr, v))
    return lost


@SETTINGS
@given(messy_tables())
def test_every_cell_ends_in_a_record_a_unit_or_a_finding(grid):
    assert unaccounted(grid) == [], show(grid)


@SETTINGS
@given(messy_tables())
def test_checking_never_changes_a_value(grid):
    rows, merges = copy.deepcopy(grid.rows), list(grid.merges)
    result = check_grids([grid])
    result.records()
    result.report.to_json_dict()
    assert grid.rows == rows and grid.merges == merges


def test_a_known_messy_table_is_fully_accounted_for():
    """One hand-made example of everything at once, so a failure here reads easily."""
    rows = good_project("项目A") + [list(HEADER), [None] * WIDTH] + good_project("项目B")
    rows[2] = [None] + rows[2]  # shifted right by one
    rows[3] = rows[3] + ["备注文字"]  # past the last column
    grid = grid_of(rows, [(0, 1, 4, 1), (0, 2, 4, 2), (0, 3, 4, 3)])
    assert len(TITLE_ROWS) == 2
    assert unaccounted(grid) == []


@pytest.mark.parametrize("row", [
    [None, None, None, None, "产出指标"] + [None] * 7,  # only a level-1 name
    ["208-测试部门", None, 1, None, None, None, None, None, None, "次"] + [None] * 2,  # a measure
])
def test_orphan_placeholder_row_is_reported(row):
    result = check_grids([grid_of([row] + good_project("项目A"))])
    assert any(f.row == 4 and f.code != "ST010" for f in result.findings), [(f.code, f.cell) for f in result.findings]


def test_stray_text_in_a_repeated_header_row_is_reported():
    rows = good_project("项目A") + [list(HEADER) + ["第2页"]] + good_project("项目B")
    result = check_grids([grid_of(rows)])
    assert any(f.cell == "M9" for f in result.findings), [(f.code, f.cell) for f in result.findings]


def test_department_budget_that_is_not_a_number_is_reported():
    rows = [["208-测试部门", None, "约十万"] + [None] * 9] + good_project("项目A")
    result = check_grids([grid_of(rows)])
    assert any(f.cell == "C4" for f in result.findings), [(f.code, f.cell) for f in result.findings]
