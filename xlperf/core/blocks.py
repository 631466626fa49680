"""Merged blocks -> Table: fill down within a project's block only, never across a boundary.

One pass over the data rows. Each row is classified as a department row, a unit
header, a goal continuation, a repeated header/banner, or an indicator row (the
first row of a project carries both the project and its first indicator).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from operator import attrgetter
from typing import Any, Callable, Iterable, NamedTuple, Optional, Sequence

from .engine import read_finding
from .grid import Grid, col_letter, is_blank
from .headers import (DETAIL_FIELDS, Layout, field_of_header, find_layout, is_banner_row, is_long_period,
                      is_repeated_header, weight_word)
from .model import EVALUATION_COLUMNS, FIELDS, Department, Finding, Indicator, Project, Record, Table, Unit, built, construct_all
from .normalise import (
    CORE_FLAG,
    CORE_MARKS as _CORE_MARKS,
    IMPLIED_NOTE,
    strip_core_mark,
    _memo,
    implied_comparator,
    QUANTITATIVE_ONLY,
    clean_text,
    compact,
    normalise_comparator,
    normalise_direction,
    normalise_measure,
    parse_number,
    parse_stated_points,
    split_value,
    text_unless_number,
)
from .taxonomy import normalise_level1, normalise_level2
from .normalise import short

_CODE_NAME_RE = re.compile(r"^\s*(\d{3,})\s*[-－—_ ]\s*(.+?)\s*$")
_WAIVER_SPLIT_RE = re.compile(r"[\s,，;；、/]+")
IND_VALUE_FIELDS = ("name", "comparator", "target", "measure", "weight", "direction")
LEVEL_FIELDS = ("level1", "level2")
FIELD_LABEL = FIELDS | {"waiver": "豁免", "note": "备注"}


def split_code_name(text: str) -> tuple[Optional[str], str]:
    """``208001-中共遂宁市委政法委`` -> ("208001", "中共遂宁市委政法委")."""
    m = _CODE_NAME_RE.match(text)
    if m:
        return m.group(1), m.group(2)
    return None, text.strip()


def is_department_text(text: str) -> bool:
    code, name = split_code_name(text)
    if code is not None:
        return len(code) <= 3
    return name.endswith("部门") or name.endswith("部门合计")


def parse_waivers(v: Any) -> frozenset[str]:
    s = clean_text(v)
    if not s:
        return frozenset()
    return frozenset(p.upper() for p in _WAIVER_SPLIT_RE.split(s) if p)


class _Fixed(NamedTuple):
    """What a list row holds besides its indicator's own values, by name. One shape, three
    uses: the columns (0-based, None when the sheet has no such column), the merges over each
    column (row -> the anchor of the merge hiding that row's cell), and a row's cells (None
    when blank, hidden under a merge, or the column is absent)."""

    unit: Any
    project: Any
    budget: Any
    goal: Any
    level1: Any
    level2: Any
    waiver: Any
    note: Any


_N_FIXED = len(_Fixed._fields)
_ABSENT = 1 << 40  # column index for a field the sheet lacks: past the end of every row


def _covered_rows(grid: Grid, cols: list[Optional[int]]) -> list[dict[int, tuple[int, int]]]:
    """For each column asked about: row -> anchor of the merge hiding that row's cell (the
    anchor itself is not covered). One dict per column keeps the per-cell test to one lookup."""
    acc: dict[int, dict[int, tuple[int, int]]] = {c: {} for c in cols if c is not None}
    for m in grid.merges:
        anchor = (m.r1, m.c1)
        for c in range(m.c1, m.c2 + 1):
            rows = acc.get(c)
            if rows is not None:
                rows.update(dict.fromkeys(range(m.r1 + 1 if c == m.c1 else m.r1, m.r2 + 1), anchor))
    return [acc[c] if c is not None else {} for c in cols]


# --- project boundaries: one definition for build_table and weights_fast ----------------------


# A 单位名称 cell that heads the table's total row (合计 of every project), in any spacing.
TOTAL_ROW_WORDS = frozenset({"合计", "总计", "全部合计", "项目合计", "预算合计", "总合计", "合计数"})
# ... and one that heads a unit's subtotal row (小计 written where 合计 would be).
SUBTOTAL_ROW_WORDS = frozenset({"小计", "单位小计", "本单位小计"})
TOTAL, SUBTOTAL = "total", "subtotal"


def total_row_kind(unit: Any, project: Any, level1: Any, level2: Any, values: dict[str, Any]) -> Optional[str]:
    """``TOTAL`` for the table's own 合计/总计 row, ``SUBTOTAL`` for a unit's 小计 row, else None.

    Written in 单位名称 or, in a list without that column, in 项目名称, with no level name. Of the
    indicator's cells (``values``: field -> raw cell, None when blank) it may carry only a
    weight (合计 | … | 90: the points of the rows above, which WT008 weighs) and a 度量单位
    of 分 (that weight's unit): a 三级指标, 指标值 or 指标性质 makes it a row of indicators, not
    a total. It ends the project above, like a unit row, and is never a unit or a project named
    合计. The engine and the fast path (weights_fast) both ask this, so they agree on where a
    project ends."""
    if (unit is None) == (project is None):
        return None  # neither, or a unit named on a project's row
    text = unit if unit is not None else project
    if text.__class__ is not str or level1 is not None or level2 is not None:
        return None
    key = compact(text)
    kind = TOTAL if key in TOTAL_ROW_WORDS else SUBTOTAL if key in SUBTOTAL_ROW_WORDS else None
    if kind is None:
        return None
    for f, v in values.items():
        if v is None or f == "weight":
            continue
        if f == "measure" and v.__class__ is str and compact(v) == "分":
            continue
        return None
    return kind


def is_total_row(unit: Any, project: Any, level1: Any, level2: Any, values: dict[str, Any]) -> bool:
    """A 合计/总计 or 小计 row (:func:`total_row_kind`): it ends the project above."""
    return total_row_kind(unit, project, level1, level2, values) is not None


def total_row_weight(v: Any) -> Optional[float]:
    """A total row's weight as a number: the cell's number, or the points it states (``100分``,
    the way a 合计 row writes them); None when it says neither."""
    if v is None:
        return None
    n = parse_number(v).value
    if n is None and v.__class__ is str:
        sp = parse_stated_points(v)
        if sp is not None and not sp.name and sp.low is not None and sp.low == sp.high:
            n = sp.low
    return n


def total_word(row: Sequence[Any], columns: Iterable[int]) -> Optional[str]:
    """The 合计/总计 written in one of ``columns`` of the row (a 序号 column: ``合计 | | 470.5``
    under 序号 | 项目名称 | 资金金额), else None. Asked only of a row that names no unit, project,
    level or value, so a list's indicator rows never pay for it."""
    n = len(row)
    for c in columns:
        v = row[c] if c < n else None
        if v.__class__ is str and compact(v) in TOTAL_ROW_WORDS:
            return clean_text(v)
    return None


def is_unit_row(unit: Any, project: Any, level1: Any, level2: Any, has_values: bool) -> bool:
    """A department or unit row: a 单位名称 and no 项目名称, level name or indicator value. It
    ends the project above it. A level-1 name in 单位名称 is a row pasted one column left, read
    as a level (the project goes on), so it is not one."""
    return (unit is not None and project is None and level1 is None and level2 is None and not has_values
            and not normalise_level1(unit).known)


def continues_project(cur_name: Any, cur_budget: Any, name: Any, budget: Any) -> bool:
    """A row naming a project (``name``, ``budget``: its raw 项目名称 and 预算数) continues the
    current one (its raw 项目名称 and first 预算数) when it repeats the name with the same or no
    budget: a block continued after a page break stays one project. The budget is compared
    first: two numbers are cheap to tell apart, two names are not."""
    return (budget is None or same_value(cur_budget, budget)) and same_value(cur_name, name)


# --- the list reader -----------------------------------------------------------------------------


def build_table(grid: Grid, layout: Optional[Layout] = None, kept: Optional[dict[int, str]] = None) -> Table:
    """A list sheet as a Table: departments, units, projects and their indicators, with a
    finding for every cell that went nowhere. ``kept``: more columns (0-based column -> key) read
    into each indicator's ``details`` like 指标解释 (a list-shaped self-evaluation's 实际完成值 …,
    which ``layouts.se_list`` then moves where they belong)."""
    layout = layout or find_layout(grid)
    table = built(Table, sheet=grid.sheet, source=grid.source, title=layout.title, money_unit=layout.money_unit)
    if not layout.ok:
        missing = "、".join(FIELDS.get(f, f) for f in layout.missing)
        at = layout.header_row is not None
        table.findings.append(read_finding(
            "ST001", sheet=grid.sheet, cell=grid.addr(layout.header_row, 0) if at else None,
            row=grid.sheet_row(layout.header_row) if at else None, scope="table", missing=missing or "表头"))
        return table
    table.header_row = grid.sheet_row(layout.header_row)
    table.columns = {f: c + grid.col0 for f, c in layout.columns.items()}
    table.weight_word = weight_word(grid, table.header_row, table.columns.get("weight"))
    _ListReader(grid, layout, table, kept).read()
    imply_comparators(table)
    return table


class _ListReader:
    """build_table's walk over the data rows: one pass, each row a department row, a unit
    header, a goal continuation, a repeated header or banner, or an indicator row (the first
    row of a project carries both the project and its first indicator). Levels are filled down
    within a project's block only, never across a boundary."""

    __slots__ = ("grid", "layout", "table", "sheet", "findings", "yuan", "cols", "ind_fields", "fetch",
                 "counts", "covered", "covered_list", "any_covered", "known_cols", "detail_cols",
                 "extra_cols", "headed", "letters", "unknown_cells", "row_details", "department", "unit",
                 "unit_cell", "last_row", "block_start")

    def __init__(self, grid: Grid, layout: Layout, table: Table, kept: Optional[dict[int, str]] = None) -> None:
        self.grid, self.layout, self.table, self.sheet = grid, layout, table, grid.sheet
        self.findings = table.findings
        self.yuan = layout.money_unit == "元"
        cols = layout.columns
        self.cols = _Fixed(*(cols.get(f) for f in _Fixed._fields))
        self.ind_fields = [f for f in IND_VALUE_FIELDS if f in cols]
        # Every cell a row contributes, fetched in one pass: the fixed fields, then the indicator's.
        wanted = [*self.cols, *(cols[f] for f in self.ind_fields)]
        self.fetch = [_ABSENT if c is None else c for c in wanted]
        # Two fields can share a column (备注 under 项目名称 in a two-row header): a filled cell
        # counts once, or a banner row would look like a row with two values.
        self.counts = [c is not None and wanted.index(c) == i for i, c in enumerate(wanted)]
        self.covered_list = _covered_rows(grid, wanted)
        self.covered = _Fixed(*self.covered_list[:_N_FIXED])
        self.any_covered = any(self.covered_list)
        self.known_cols = set(cols.values()) | layout.ignored_columns
        # 指标解释 / 绩效标准 columns: read into Indicator.details under their header as written.
        header = grid.rows[layout.header_row]
        self.detail_cols = {cols[f]: clean_text(header[cols[f]] if cols[f] < len(header) else None) or FIELDS.get(f, f)
                            for f in DETAIL_FIELDS if f in cols}
        if kept:
            self.detail_cols.update(kept)
        # 中期指标值 beside 年度指标值: the year's column is the indicator's, the period's is kept with it.
        for c, v in enumerate(header):
            if c not in self.known_cols and is_long_period(v) and field_of_header(v) is not None:
                self.detail_cols[c] = clean_text(v) or ""
        self.extra_cols = [c for c in range(grid.width) if c not in self.known_cols and c not in self.detail_cols
                           ] + sorted(self.detail_cols)
        # An extra column under a header nobody recognised: its cells are one ST015 (naming the
        # header), not one ST010 each.
        self.headed: dict[int, str] = {}
        for c in self.extra_cols:
            if c in self.detail_cols:
                continue
            for hr in sorted(layout.header_rows, reverse=True):
                text = clean_text(grid.get(hr, c))
                if text:
                    self.headed[c] = text
                    break
        self.letters = [col_letter(c + grid.col0) for c in range(grid.width)]
        self.unknown_cells: dict[int, list[tuple[int, int]]] = {}
        self.row_details: list[tuple[int, int, Any]] = []  # (row, col, value) of the row being read
        self.department: Optional[Department] = None
        self.unit: Optional[Unit] = None
        self.unit_cell: Optional[str] = None
        self.last_row: dict[int, int] = {}  # project index -> last indicator row (set once at the end)
        # index of the first project after the last unit or total row: what a 小计 row with no
        # unit to close adds up
        self.block_start = 0

    def addr(self, r: int, c: int) -> str:
        return self.letters[c] + str(r + self.grid.row0)

    def unplaced(self, r: int, c: int, v: Any) -> None:
        self.findings.append(read_finding("ST010", sheet=self.sheet, cell=self.addr(r, c), row=r + self.grid.row0,
                                          value=short(v)))

    def to_wan(self, n: Optional[float]) -> Optional[float]:
        # divide, not multiply by 0.0001: 12345 元 must read 1.2345, not 1.2345000000000002
        return None if n is None else (n / 10000 if self.yuan else n)

    def read(self) -> None:
        """Every row below the header, in order. The loop does only what every row needs
        (fetch its cells, tell blank, header and banner rows apart) with locals; what rarer
        rows need is in the methods below."""
        grid, layout, table = self.grid, self.layout, self.table
        fetch, counts, covered_list, any_covered = self.fetch, self.counts, self.covered_list, self.any_covered
        header_rows, extra_cols, ind_fields = layout.header_rows, self.extra_cols, self.ind_fields
        row_details, last_row = self.row_details, self.last_row  # cleared in place, never replaced
        c_weight = layout.columns.get("weight")
        ignored_cols = sorted(layout.ignored_columns)  # where a 合计 row may be written (序号)
        row0 = grid.row0
        first_data = last_data = None
        project: Optional[Project] = None
        rows = grid.rows
        new_fixed = tuple.__new__
        sheet, detail_cols, orphans = self.sheet, self.detail_cols, table.orphans
        cols = self.cols
        c1, c2 = cols.level1, cols.level2
        cov1, cov2 = self.covered.level1, self.covered.level2
        c_target = layout.columns.get("target")
        # the level names (and where they came from) of the indicator row above, within the project
        prev_levels: tuple[Any, Any] = (None, None)
        prev_pos: tuple[Optional[tuple[int, int]], Optional[tuple[int, int]]] = (None, None)
        for r in range(layout.header_row + 1, grid.height):
            if r in header_rows:
                continue
            row = rows[r]
            n = len(row)
            got = [row[c] if c < n else None for c in fetch]
            filled = 0
            for i, v in enumerate(got):
                if v is not None:
                    if (v.__class__ is str and not v.strip()) or (any_covered and r in covered_list[i]):
                        got[i] = None  # blank, or a stale value hidden under a merge
                    elif counts[i]:
                        filled += 1
            if not filled:
                for v in row:
                    if v is not None and (v.__class__ is not str or v.strip()):
                        break
                else:
                    continue  # a blank row
            # A header row has text in the 权重 column; data rows mostly hold numbers.
            if (c_weight is None or c_weight >= n or row[c_weight].__class__ is str) and self.header_again(r, row):
                continue
            if filled < 2 and is_banner_row(row):
                continue
            srow = r + row0
            if first_data is None:
                first_data = srow
            last_data = srow
            if row_details:  # detail cells of a row that gave no indicator
                self.report_details()
            if extra_cols:
                self.extra_cells(r, row)

            cells = new_fixed(_Fixed, got[:_N_FIXED])  # _Fixed._make without its length check
            # locals for the tests every row makes (a field of the tuple is a descriptor call)
            v_unit, v_proj, v_budget, v_goal, l1_own, l2_own = got[:6]
            ind_got = got[_N_FIXED:]
            vals = dict(zip(ind_fields, ind_got))
            has_values = ind_got.count(None) != len(ind_got)  # (in C: any() over a generator was 5 ms)
            # (a total or unit row names one of the two: the usual row names both or neither)
            if (v_unit is None) != (v_proj is None) and (
                    kind := total_row_kind(v_unit, v_proj, l1_own, l2_own, vals)) is not None:
                self.total_row(r, cells, vals, kind)
                project = None
                continue
            if v_unit is None and v_proj is None and not has_values and l1_own is None and l2_own is None \
                    and ignored_cols and (word := total_word(row, ignored_cols)) is not None:
                self.total_row(r, cells, vals, TOTAL, word)
                project = None
                continue
            if v_unit is not None and v_proj is None:
                cells = self.unit_column(r, cells, project)
                v_unit, l1_own = cells.unit, cells.level1
                if is_unit_row(v_unit, None, l1_own, l2_own, has_values):
                    self.unit_row(r, cells)
                    project = None
                    continue
                if project is not None and v_unit is not None:
                    _seen(project, "unit", srow, v_unit)  # a second unit inside one block: ST003
            if v_unit is not None:
                self.unit_named(r, v_unit)  # a unit named on a project row (its merged cell's anchor)

            if v_proj is not None and (project is None or not continues_project(
                    project.raw.get("project"), project.raw.get("budget"), v_proj, v_budget)):
                project = self.start_project(r, cells)
                prev_levels, prev_pos = (None, None), (None, None)
            elif project is not None:
                last_row[project.index] = srow
                if (v_budget is not None or v_goal is not None) and self.continue_project(
                        r, cells, project, has_values):
                    continue  # a goal's continuation row
            elif v_budget is not None or v_goal is not None:
                for c, v in ((self.cols.budget, v_budget), (self.cols.goal, v_goal)):
                    if v is not None:
                        self.unplaced(r, c, v)

            if not has_values and l1_own is None and l2_own is None:
                if cells.waiver is not None and project is not None:  # 豁免 codes for the whole project
                    project.waivers = project.waivers | parse_waivers(cells.waiver)
                continue  # a project row with no indicator (rare), already recorded
            # The indicator, inline: a method call per row and the state it kept on self were
            # 17 ms of the 10k bench's build. Its level names with the notes and origins saying
            # where they came from: its own cell, else the anchor of the merge over it, else the
            # row above's within the project (the usual case, both cells filled, first).
            notes: set[str] = set()
            origin: dict[str, str] = {}
            if l1_own is not None and c1 is not None:
                l1_raw, l1_pos = l1_own, (r, c1)
            else:
                l1_raw, l1_pos = self.level_cell(r, c1, l1_own, cov1)
            if l2_own is not None and c2 is not None:
                l2_raw, l2_pos = l2_own, (r, c2)
            else:
                l2_raw, l2_pos = self.level_cell(r, c2, l2_own, cov2)
            if l1_raw is None and prev_levels[0] is not None and has_values:
                l1_raw, l1_pos = prev_levels[0], prev_pos[0]
            if l1_own is None and l1_raw is not None:
                notes.add("filled:level1")
                if l1_pos:
                    origin["level1"] = self.addr(*l1_pos)
            if (l2_raw is None and prev_levels[1] is not None and has_values
                    and (l1_own is None or normalise_level1(l1_raw).value == normalise_level1(prev_levels[0]).value)):
                l2_raw, l2_pos = prev_levels[1], prev_pos[1]
            if l2_own is None and l2_raw is not None:
                notes.add("filled:level2")
                if l2_pos:
                    origin["level2"] = self.addr(*l2_pos)
            prev_levels, prev_pos = (l1_raw, l2_raw), (l1_pos, l2_pos)

            v_waiver = cells.waiver
            ind = _indicator(sheet, srow, vals, l1_raw, l2_raw, notes,
                             (lambda r=r: self.addr(r, c_target)),  # type: ignore[arg-type]
                             project.index if project is not None else None,
                             parse_waivers(v_waiver) if v_waiver is not None else frozenset(), origin)
            if cells.note is not None:
                ind.raw["note"] = cells.note
            if row_details:
                for _, c, v in row_details:
                    ind.details[detail_cols[c]] = v
                    ind.origin[detail_cols[c]] = self.addr(r, c)
                row_details.clear()
            if project is None:
                orphans.append(ind)
            else:
                project.indicators.append(ind)
                last_row[project.index] = srow

        self.report_details()
        grid_unknown = self.unknown_cells
        if grid_unknown:
            from .layouts.columns import unknown_header_finding

            for c, where in grid_unknown.items():
                self.findings.append(unknown_header_finding(grid, layout.header_row, c, self.headed[c], where))
        projects = table.projects
        for t in table.total_rows:
            if not t.subtotal:  # a 合计 row totals the whole table, the projects below it too
                t.project_indices = list(range(len(projects)))
        for idx, row_last in last_row.items():
            if row_last > projects[idx].row_last:
                projects[idx].row_last = row_last
        table.data_rows = (first_data or 0, last_data or 0)

    # -- rows that are not data

    def header_again(self, r: int, row: list[Any]) -> bool:
        """A header row repeated inside the table (a page break): skipped, and anything in it
        but header text reported."""
        layout = self.layout
        cols = layout.columns
        if not is_repeated_header(row, cols, self.grid.rows[layout.header_row]):
            return False
        known_cols, ignored = self.known_cols, layout.ignored_columns
        for c, v in enumerate(row):
            if not is_blank(v) and (c not in known_cols or field_of_header(v) is None) and c not in ignored:
                self.unplaced(r, c, v)
        return True

    def extra_cells(self, r: int, row: list[Any]) -> None:
        """The row's cells outside the mapped columns: a detail column's kept for the indicator,
        an unrecognised header's collected for its ST015, anything else reported."""
        n = len(row)
        for c in self.extra_cols:
            if c < n:
                v = row[c]
                if v is not None and (v.__class__ is not str or v.strip()):
                    if c in self.detail_cols:
                        self.row_details.append((r, c, v))
                    elif c in self.headed:
                        self.unknown_cells.setdefault(c, []).append((r, c))
                    else:
                        self.unplaced(r, c, v)

    def report_details(self) -> None:
        """Detail cells of a row that gave no indicator: nowhere to keep them."""
        for rr, c, v in self.row_details:
            self.unplaced(rr, c, v)
        self.row_details.clear()

    # -- departments and units

    def unit_column(self, r: int, cells: _Fixed, project: Optional[Project]) -> _Fixed:
        """A level-1 name in the 单位名称 column (rows pasted one column left): read as the
        level when the level-1 cell is empty (ST007), else reported; the row's 单位名称 is then
        empty."""
        v_unit = cells.unit
        if not normalise_level1(v_unit).known:
            return cells
        c_unit = self.cols.unit
        if cells.level1 is None and self.cols.level1 is not None:
            self.findings.append(read_finding(
                "ST007", sheet=self.sheet, cell=self.addr(r, c_unit), row=r + self.grid.row0,
                project=project.name if project else None,
                detail=f"一级指标“{clean_text(v_unit)}”写在了“单位名称”列，已按一级指标读取"))
            return cells._replace(unit=None, level1=v_unit)
        self.unplaced(r, c_unit, v_unit)
        return cells._replace(unit=None)

    def unit_row(self, r: int, cells: _Fixed) -> None:
        """A department (``208-…部门``) or unit (``208001-…``) row: a name in 单位名称, no
        project, no indicator. It ends the project above."""
        text = clean_text(cells.unit) or ""
        code, name = split_code_name(text)
        v_budget, c_budget = cells.budget, self.cols.budget
        budget = self.to_wan(parse_number(v_budget).value) if v_budget is not None else None
        budget_cell = self.addr(r, c_budget) if v_budget is not None and c_budget is not None else None
        srow = r + self.grid.row0
        self.unit_cell = self.addr(r, self.cols.unit)
        department = self.department
        self.block_start = len(self.table.projects)
        if is_department_text(text):
            self.department = built(Department, code=code, name=name, row=srow, budget=budget, budget_raw=v_budget,
                                         budget_cell=budget_cell)
            self.table.departments.append(self.department)
            self.unit = None
        else:
            self.unit = built(Unit, code=code, name=name, row=srow, budget=budget, budget_raw=v_budget,
                             budget_cell=budget_cell, department_code=department.code if department else None)
            self.table.units.append(self.unit)
            if department:
                department.units.append(self.unit)
        if cells.goal is not None:
            self.unplaced(r, self.cols.goal, cells.goal)

    def total_row(self, r: int, cells: _Fixed, vals: dict[str, Any], kind: str,
                  word: Optional[str] = None) -> None:
        """A 合计/总计 row (the whole table's) or a 小计 row (the unit's above it, else the
        projects since the last unit or total row), kept in ``Table.total_rows`` with its budget
        (BG002 compares it with the projects it totals) and its weight (WT008; a 合计 row's that
        equals every project's total is the table's stated total, core.totals). ``word`` is the
        合计 written in a 序号 column (:func:`total_word`). A goal written on it is a cell that went
        nowhere."""
        text = word or clean_text(cells.unit if cells.unit is not None else cells.project) or ""
        cols, srow = self.cols, r + self.grid.row0
        v_budget, c_budget = cells.budget, cols.budget
        budget = self.to_wan(parse_number(v_budget).value) if v_budget is not None else None
        budget_cell = self.addr(r, c_budget) if v_budget is not None and c_budget is not None else None
        v_weight = vals.get("weight")
        columns = self.layout.columns
        weight_cell = self.addr(r, columns["weight"]) if v_weight is not None else None
        values = {"name": text, "row": srow, "budget": budget, "budget_raw": v_budget, "budget_cell": budget_cell,
                  "weight": total_row_weight(v_weight), "weight_raw": v_weight, "weight_cell": weight_cell,
                  # total_row_kind let only 分 through in 度量单位
                  "measure_cell": self.addr(r, columns["measure"]) if vals.get("measure") is not None else None}
        unit, projects = self.unit, self.table.projects
        if kind == SUBTOTAL:
            # A unit's subtotal: named after the unit it closes, totalling that unit's projects.
            if unit is not None:
                values.update(code=unit.code, name=unit.name, department_code=unit.department_code,
                              project_indices=list(unit.project_indices))
            else:
                values["project_indices"] = list(range(self.block_start, len(projects)))
            values["subtotal"] = True
        self.table.total_rows.append(built(Unit, **values))
        self.unit = None
        self.block_start = len(projects)
        if cells.goal is not None:
            self.unplaced(r, cols.goal, cells.goal)

    def unit_named(self, r: int, v_unit: Any) -> None:
        """A unit named on a project row (its merged cell's anchor): the unit of the projects
        from here on, a new one unless it is the current unit again."""
        code, name = split_code_name(clean_text(v_unit) or "")
        unit = self.unit
        if unit is None or unit.name != name or unit.code != code:
            department = self.department
            self.block_start = len(self.table.projects)
            self.unit_cell = self.addr(r, self.cols.unit)
            self.unit = built(Unit, code=code, name=name, row=r + self.grid.row0,
                             department_code=department.code if department else None)
            self.table.units.append(self.unit)
            if department:
                department.units.append(self.unit)

    # -- projects

    def start_project(self, r: int, cells: _Fixed) -> Project:
        """The project a row starts: its name, budget and goal as written on the row."""
        # Built in one go (a project per ~6 rows): pydantic's validation and per-attribute
        # assignment cost more than the rest of the project's rows together.
        cols, unit, department = self.cols, self.unit, self.department
        v_budget, v_goal = cells.budget, cells.goal
        srow = r + self.grid.row0
        p_raw: dict[str, Any] = {"project": cells.project}
        p_cells = {"project": self.addr(r, cols.project)}
        p_seen: dict[str, list[tuple[int, Any]]] = {}
        if unit is not None and self.unit_cell:
            p_cells["unit"] = self.unit_cell
        if v_budget is not None:
            p_raw["budget"] = v_budget
            p_cells["budget"] = self.addr(r, cols.budget)
            p_seen["budget"] = [(srow, v_budget)]
        if v_goal is not None:
            p_raw["goal"] = v_goal
            p_cells["goal"] = self.addr(r, cols.goal)
            p_seen["goal"] = [(srow, v_goal)]
        projects = self.table.projects
        project = construct_all(Project, {
            "index": len(projects), "sheet": self.sheet, "row_first": srow, "row_last": srow,
            "name": clean_text(cells.project),
            "budget": self.to_wan(parse_number(v_budget).value) if v_budget is not None else None,
            "goal": clean_text(v_goal) if v_goal is not None else None,
            "unit_code": unit.code if unit is not None else None,
            "unit_name": unit.name if unit is not None else None,
            "department_code": department.code if department is not None else None,
            "indicators": [], "raw": p_raw, "seen": p_seen, "cells": p_cells, "waivers": frozenset(),
            "department": None, "funds": None, "goal_long": None, "details": {},
            "evaluation": None, "costs": None,
        }, _PROJECT_FIELDS)
        if unit is not None:
            unit.project_indices.append(project.index)
        projects.append(project)
        return project

    def continue_project(self, r: int, cells: _Fixed, project: Project, has_values: bool) -> bool:
        """A budget or goal on a later row of the project: taken when the project has none yet,
        else noted for ST003. True when the row is only a continuation of the goal's text."""
        srow = r + self.grid.row0
        v_budget, v_goal = cells.budget, cells.goal
        if v_budget is not None:
            if project.raw.get("budget") is None:
                project.raw["budget"] = v_budget
                project.budget = self.to_wan(parse_number(v_budget).value)
                project.cells["budget"] = self.addr(r, self.cols.budget)
            _seen(project, "budget", srow, v_budget)
        if v_goal is not None:
            if project.goal is None:
                project.raw["goal"] = v_goal
                project.goal = clean_text(v_goal)
                project.cells["goal"] = self.addr(r, self.cols.goal)
                _seen(project, "goal", srow, v_goal)
            elif not has_values and cells.level1 is None and cells.level2 is None:
                project.goal = (project.goal or "") + (clean_text(v_goal) or "")
                return True
            else:
                _seen(project, "goal", srow, v_goal)
        return False

    # -- indicators

    def level_cell(self, r: int, c: Optional[int], own: Any, covered: dict[int, tuple[int, int]]
                   ) -> tuple[Any, Optional[tuple[int, int]]]:
        """A level cell's value and where it came from (itself, or its merge's anchor)."""
        if c is None:
            return None, None
        if own is not None:
            return own, (r, c)
        anchor = covered.get(r)
        if anchor is None:
            return None, None
        v = self.grid.get(*anchor)
        return (None, None) if is_blank(v) else (v, anchor)


def _seen(p: Project, f: str, srow: int, v: Any) -> None:
    """Another value of a project field (budget, goal, unit) on a later row, kept once per
    distinct value for ST003."""
    vals = p.seen.setdefault(f, [])
    if not any(same_value(x, v) for _, x in vals):
        vals.append((srow, v))


def imply_comparators(table: Table) -> int:
    """In a table without a 指标性质 column (or one empty on every row), give each indicator the
    comparator its value implies (``normalise.implied_comparator``: a number without a sign reads
    as ``=``, text without a number as ``定性``) and note it (``implied:comparator``; VL016 says so
    once per table). A sign written in the value (``≥95%``) was already taken by ``_read_values``.
    Every layout reader calls this once after building its indicators; a table whose 指标性质
    column is filled costs one row. Returns how many comparators were implied."""
    if "comparator" in table.columns and any(
            not is_blank(i.raw.get("comparator")) for i in table.indicators()):
        return 0
    n = 0
    for ind in table.indicators():
        if ind.comparator is None:
            c = implied_comparator(ind.target)
            if c is not None:
                d = ind.__dict__
                d["comparator"] = c
                d["notes"] = d["notes"] | {IMPLIED_NOTE}
                n += 1
    return n


@_memo
def _read_values(comparator_raw: Any, target_raw: Any, measure_raw: Any, direction_raw: Any) -> tuple:
    """The four value cells of an indicator, read together (they repeat as a combination:
    ≥/95/%/正向指标 …). Returns (comparator, target, measure, direction, notes,
    embedded comparator, embedded measure, comparator from target, measure from target)."""
    notes: set[str] = set()
    comparator, cmp_exact = normalise_comparator(comparator_raw)
    if comparator is None and comparator_raw is not None:
        comparator = clean_text(comparator_raw)  # unknown: kept as written for VL001
        notes.add("unknown:comparator")
    elif not cmp_exact:
        notes.add("nm:comparator")

    measure, measure_exact = normalise_measure(measure_raw)
    if not measure_exact:
        notes.add("nm:measure")

    target: Any = None
    emb_cmp = emb_measure = None
    cmp_moved = measure_moved = False
    if target_raw is not None:
        num = parse_number(target_raw)
        if num.value is not None:
            target = num.value
            if num.kind != "number":
                notes.add("nm:target")
        else:
            sv = split_value(target_raw) if isinstance(target_raw, str) else None
            if sv is not None and comparator != "定性":
                target = sv.number
                notes.add("split:target")
                if sv.comparator:
                    emb_cmp = sv.comparator
                    if comparator in (None, QUANTITATIVE_ONLY):
                        comparator = sv.comparator
                        cmp_moved = True
                if sv.measure:
                    emb_measure = sv.measure
                    if measure is None:
                        measure = sv.measure
                        measure_moved = True
            else:
                target = clean_text(target_raw)

    direction, dir_exact = normalise_direction(direction_raw)
    if direction is None and direction_raw is not None:
        direction = clean_text(direction_raw)
        notes.add("unknown:direction")
    elif not dir_exact:
        notes.add("nm:direction")
    return (comparator, target, measure, direction, frozenset(notes), emb_cmp, emb_measure,
            cmp_moved, measure_moved)


def _indicator(sheet: str, srow: int, vals: dict[str, Any], l1_raw: Any, l2_raw: Any, notes: set[str],
               target_addr: Callable[[], str], project_index: Optional[int],
               waivers: frozenset[str], origin: dict[str, str]) -> Indicator:
    raw = vals
    raw["level1"], raw["level2"] = l1_raw, l2_raw

    lv1 = normalise_level1(l1_raw)
    lv2 = normalise_level2(l2_raw)
    if lv1.alias_from:
        notes.add("alias:level1")
    if lv2.alias_from:
        notes.add("alias:level2")

    (comparator, target, measure, direction, value_notes, emb_cmp, emb_measure,
     cmp_moved, measure_moved) = _read_values(vals.get("comparator"), vals.get("target"),
                                              vals.get("measure"), vals.get("direction"))
    if emb_cmp is not None:
        raw["embedded_comparator"] = emb_cmp
    if emb_measure is not None:
        raw["embedded_measure"] = emb_measure
    if cmp_moved:
        origin["comparator"] = target_addr()
    if measure_moved:
        origin["measure"] = target_addr()

    weight_raw = vals.get("weight")
    weight = None
    if weight_raw is not None:
        wn = parse_number(weight_raw)
        weight = wn.value
        if wn.value is not None and wn.kind != "number":
            notes.add("nm:weight")

    name = clean_text(vals.get("name"))
    if name is not None and (name[0] in _CORE_MARKS or name[-1] in _CORE_MARKS):
        name, core = strip_core_mark(name)
        if core:
            notes.add(CORE_FLAG)  # *名称 / ★名称: a core indicator, the mark is not part of the name
    return construct_all(Indicator, {
        "sheet": sheet,
        "row": srow,
        "project_index": project_index,
        "level1": lv1.value,
        "level2": lv2.value,
        "name": name,
        "comparator": comparator,
        "target": target,
        "measure": measure,
        "weight": weight,
        "direction": direction,
        "waivers": waivers,
        "raw": raw,
        "origin": origin,
        "notes": frozenset(notes).union(value_notes) if notes else value_notes,
        "details": {},
        "actual": None, "score": None, "reason": None,
    }, _INDICATOR_FIELDS)


def read_values(comparator: Any, target: Any, measure: Any, direction: Any) -> tuple:
    """Public: the list reader's reading of an indicator's four value cells (see
    :func:`_read_values`), for the other layout readers."""
    return _read_values(comparator, target, measure, direction)


def read_indicator(sheet: str, row: int, values: dict[str, Any], level1: Any, level2: Any, *,
                   target_cell: str, project_index: Optional[int] = None,
                   waivers: frozenset[str] = frozenset(), origin: Optional[dict[str, str]] = None,
                   notes: Optional[set[str]] = None) -> Indicator:
    """Public: one Indicator from its raw cells, parsed exactly as the list reader parses a row
    (combined cells ``≥95%``, ``>=20平方米``, ``≤30万元`` split; comparators, units, directions
    normalised; level names through the taxonomy). ``values`` holds the raw cells of
    name/comparator/target/measure/weight/direction (absent or None when empty); ``row`` is
    the sheet row, ``target_cell`` the 指标值 cell's address (where a split-out comparator or
    unit came from)."""
    vals = {f: values.get(f) for f in IND_VALUE_FIELDS if f in values}
    return _indicator(sheet, row, vals, level1, level2, set(notes or ()), lambda: target_cell,
                      project_index, waivers, dict(origin or {}))


_INDICATOR_FIELDS = set(Indicator.model_fields)
_RECORD_FIELDS = set(Record.model_fields)
_PROJECT_FIELDS = set(Project.model_fields)


def same_value(a: Any, b: Any) -> bool:
    """Two cells say the same thing: equal numbers (also when one is written as text), else
    equal clean text. Decides whether a row continues the project above."""
    if a is None or b is None:
        return a is b
    if a.__class__ is str and a == b:
        return True  # what the two tests below conclude, without parsing a project name twice
    if isinstance(a, str) or isinstance(b, str):
        na, nb = parse_number(a).value, parse_number(b).value
        if na is not None and nb is not None:
            return abs(na - nb) < 1e-9
        return (clean_text(a) or "") == (clean_text(b) or "")
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return a == b


def _department_name(table: Table, p: Project, dept_by_code: dict) -> Optional[str]:
    """The project's department: by its code; else the only one; else (several department rows
    without codes, e.g. a list written by ``xlperf combine``) the last department row above it."""
    if p.department_code:
        return dept_by_code.get(p.department_code)
    depts = table.departments
    if len(depts) <= 1:
        return depts[0].name if depts else None
    i = bisect_right(depts, p.row_first, key=attrgetter("row")) - 1
    return depts[i].name if i >= 0 and depts[i].code is None else None


def bare_projects(table: Table) -> list[Record]:
    """One Record per project without any real indicator (only empty template rows, or none):
    the project's fields filled in, every indicator field empty, ``row`` its first row,
    ``waivers`` the project's 豁免 codes (on its row alone or on its template rows).

    Not part of ``records()`` (one per real indicator: ``xlperf split`` writes indicators, and
    such a project has none); the export writes these so the project is not lost."""
    dept_by_code = {d.code: d.name for d in table.departments}
    return [Record(sheet=table.sheet, row=p.row_first, department=_department_name(table, p, dept_by_code),
                   unit_code=p.unit_code, unit_name=p.unit_name, project=p.name, budget=p.budget,
                   budget_text=text_unless_number(p.budget, p.raw.get("budget")), goal=p.goal, cells=dict(p.cells),
                   waivers=",".join(sorted(p.unplaced_waivers())))
            for p in table.projects if not p.real_indicators()]


def records(table: Table) -> list[Record]:
    """The clean records: one per real indicator, every project field filled in."""
    dept_by_code = {d.code: d.name for d in table.departments}
    out: list[Record] = []
    letters = [(f, col_letter(table.columns[f])) for f in (*FIELDS, *EVALUATION_COLUMNS) if table.columns.get(f)]
    for p in table.projects:
        dept = _department_name(table, p, dept_by_code) or p.department  # a form's 主管部门
        # the project's own fields (a form's other label cells stay in Project.cells)
        pcells = {k: v for k, v in p.cells.items() if k in FIELDS}
        budget_text = text_unless_number(p.budget, p.raw.get("budget"))
        for ind in p.indicators:
            if ind.is_placeholder:
                continue
            origin, srow = ind.origin, str(ind.row)
            cells = {f: origin.get(f) or letter + srow for f, letter in letters}
            cells.update(pcells)
            out.append(construct_all(Record, {
                "sheet": table.sheet, "row": ind.row, "department": dept, "unit_code": p.unit_code,
                "unit_name": p.unit_name, "project": p.name, "budget": p.budget,
                "budget_text": budget_text, "goal": p.goal,
                "level1": ind.level1, "level2": ind.level2, "name": ind.name, "comparator": ind.comparator,
                "target": ind.target, "measure": ind.measure, "weight": ind.weight,
                "weight_text": text_unless_number(ind.weight, ind.raw.get("weight")),
                "direction": ind.direction,
                "waivers": ",".join(sorted(ind.waivers)),
                "cells": {k: v for k, v in cells.items() if v},
                "actual": ind.actual, "score": ind.score, "reason": ind.reason,
            }, _RECORD_FIELDS))
    return out
