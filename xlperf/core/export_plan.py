"""The familiar 12-column layout rebuilt cleanly from records (pure: no Excel libraries).

``layout_grid(records, title=...)`` returns a Grid an adapter writes as the 绩效目标表 sheet of
the submission workbook:

    row 1  title (merged across the table)
    row 2  金额单位：万元
    row 3  单位名称 项目名称 预算数 年度目标 一级指标 … 指标方向性   (+ 豁免 when any record has one)
    then   department and unit rows (``208-名称`` / ``208001-名称``, their own total) where the
           source had them, in the source's order — also a unit or department without projects —
           (without the source tables, a department row above each department's records), and
           one row per indicator, with 项目名称/预算数/年度目标 merged over each project's rows and
           单位名称 merged over the unit's rows when the unit had no row of its own; a project
           without a real indicator (only empty template rows, or no indicator row at all: no
           record, ``blocks.bare_projects``) is one row in its source place, its 项目名称/预算数/
           年度目标 filled and its indicator cells empty (needs the source tables).

Values are the records' own, already normalised (≥ ≤ = > < 定性, 正向指标/反向指标, numbers as
numbers; a 权重 or 预算数 that is not a number as the clerk wrote it, ``Record.weight_text`` and
``Record.budget_text``, never converted between 元 and 万元; likewise a department's or unit's
own total that is not a number). The grid is built so that reading it back gives the same
records: that round trip is tested property-wise in ``tests/test_roundtrip_property.py``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Iterable, Optional, Sequence

from .blocks import bare_projects
from .grid import Grid, Merge
from .model import FIELDS, INDICATOR_FIELDS, OPTIONAL_FIELDS, Department, Record, Table, Unit
from .normalise import clean_text, text_unless_number

DEFAULT_TITLE = "部门预算项目绩效目标申报表"
LAYOUT_SHEET = "绩效目标表"
HEADERS: tuple[str, ...] = tuple(FIELDS.values())
COL = {f: i for i, f in enumerate(FIELDS)}  # field -> 0-based grid column
TITLE_ROWS = 2  # title, 金额单位
HEADER_ROW = 2  # 0-based grid row of the header
MONEY_SCALE = {"万元": 1.0, "元": 10000.0}


@dataclass
class _Group:
    """Consecutive records of one project."""

    key: tuple
    records: list[Record] = field(default_factory=list)

    @property
    def first(self) -> Record:
        return self.records[0]


def unit_text(code: Optional[str], name: Optional[str]) -> Optional[str]:
    """``208001`` + ``名称`` -> ``208001-名称`` (the way 单位名称 cells are written)."""
    if not name:
        return code or None
    return f"{code}-{name}" if code else name


_project_fields = attrgetter("sheet", "department", "unit_code", "unit_name", "project", "budget", "budget_text", "goal")


def _project_key(r: Record) -> tuple:
    """Records of one source project share this. The project's cell (its name's anchor) keeps
    two projects of the same name apart when nothing else does (同名项目, 项目1 with only
    template rows, 同名项目 again: the middle one has no record, the other two are adjacent)."""
    return (*_project_fields(r), r.cells.get("project"))

_indicator_values = attrgetter(*INDICATOR_FIELDS)
# The indicator fields are consecutive columns of the layout (一级指标 … 指标方向性): a row's
# indicator part is assigned as one slice.
_IND_FIRST = COL[INDICATOR_FIELDS[0]]
_IND_END = _IND_FIRST + len(INDICATOR_FIELDS)
assert [COL[f] for f in INDICATOR_FIELDS] == list(range(_IND_FIRST, _IND_END))


def group_projects(records: Iterable[Record]) -> list[_Group]:
    groups: list[_Group] = []
    for r in records:
        key = _project_key(r)
        if not groups or groups[-1].key != key:
            groups.append(_Group(key))
        groups[-1].records.append(r)
    return groups


def _num(v: Any, scale: float = 1.0) -> Any:
    """Numbers for the sheet: whole floats as ints (5.0 -> 5), scaled money rounded to 元."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return v
    if scale != 1.0:
        v = round(v * scale, 4)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _total(budget: Optional[float], raw: Any, scale: float) -> Any:
    """A department's or unit's own 预算数 cell: the number (scaled), else its text as written."""
    return _num(budget, scale) if budget is not None else text_unless_number(budget, raw)


def _own_row(u: Unit, table: Table) -> bool:
    """Did unit ``u`` have a row of its own in ``table`` (not named on a row of a project)?"""
    if u.row is None:
        return False
    projects = table.projects  # in row order
    i = bisect_right(projects, u.row, key=attrgetter("row_first")) - 1
    return i < 0 or projects[i].row_last < u.row


def _kept_as_row(u: Unit, table: Table) -> bool:
    """Is ``u`` written as a row of its own? A unit that had one, and a unit named on a row the
    reader joined to the project above (同名项目 without a budget: ST003), which has no project
    to be named on; written below that project, it leaves the reader in the same state (the
    next project without a unit of its own falls under it either way)."""
    return _own_row(u, table) or (u.row is not None and not u.project_indices)


def _same_project_name(a: Record, b: Record) -> bool:
    """Would the reader take ``b``'s first row as a continuation of ``a``'s project? It does
    when the names are equal and ``b``'s 预算数 cell is empty or says the same as ``a``'s."""
    na, nb = clean_text(a.project), clean_text(b.project)
    if na != nb:
        return False
    if b.budget is None:  # b's cell is empty or a text (budget_text, already clean)
        return b.budget_text is None or (a.budget is None and a.budget_text == b.budget_text)
    return a.budget == b.budget or (a.budget is not None and abs(a.budget - b.budget) < 1e-9)


def layout_grid(
    records: Sequence[Record],
    *,
    title: Optional[str] = None,
    money_unit: str = "万元",
    tables: Sequence[Table] = (),
    sheet: str = LAYOUT_SHEET,
) -> Grid:
    """The submission layout of ``records``.

    ``tables`` are the tables the records were read from. With them, department rows (code,
    name and the department's own total) and unit rows (a unit's own row, not a project's) are
    written where the source had them, in source row order — also a department total row below
    its projects, and a department or unit without projects, so re-reading gives the same
    departments and units with the same totals. Without them, a department row (name, sum of
    its projects' budgets) opens each run of records of one department, and units are only
    named on their projects' rows.
    ``money_unit`` "元" writes budgets in 元 (records always hold 万元); a budget that is not a
    number is written as the clerk wrote it, whatever the unit.
    """
    scale = MONEY_SCALE.get(money_unit)
    if scale is None:
        raise ValueError(f"unknown money unit {money_unit!r}")
    # Source structure, by sheet in row order: departments, the units that had a row of
    # their own (with or without a total, with or without projects after it), and the
    # projects without a real indicator (no record: a Record with empty indicator fields).
    pending: dict[str, list[Any]] = {}
    known_depts: dict[str, set[str]] = {}
    # 豁免 codes of a project with indicators that were not on an indicator's row (its
    # project row alone, or template rows): written on a row of its own above the project's
    # indicators, by (sheet, row of the project's first record)
    head_waivers: dict[tuple[str, int], str] = {}
    for t in tables:
        known_depts.setdefault(t.sheet, set()).update(d.name for d in t.departments)
        pending.setdefault(t.sheet, []).extend(sorted(
            [*t.departments, *(u for u in t.units if _kept_as_row(u, t)), *bare_projects(t)], key=attrgetter("row")))
        for p in t.projects:
            extra = p.unplaced_waivers()
            real = p.real_indicators() if extra else None
            if real:
                head_waivers[(t.sheet, real[0].row)] = ",".join(sorted(extra))

    with_waivers = any(r.waivers for r in records) or bool(head_waivers) or any(
        isinstance(x, Record) and x.waivers for queue in pending.values() for x in queue)
    headers = list(HEADERS) + ([OPTIONAL_FIELDS["waiver"]] if with_waivers else [])
    width = len(headers)
    rows: list[list[Any]] = [
        [title or DEFAULT_TITLE] + [None] * (width - 1),
        [f"金额单位：{money_unit}"] + [None] * (width - 1),
        headers,
    ]
    merges: list[Merge] = [Merge(0, 0, 0, width - 1)]
    c_unit, c_proj, c_budget, c_goal, c_weight = (COL[f] for f in ("unit", "project", "budget", "goal", "weight"))
    c_waiver = len(HEADERS) if with_waivers else None

    groups = group_projects(records)
    dept_sum: dict[str, float] = {}
    for g in groups:
        d = g.first.department
        if d is not None and g.first.budget is not None:
            dept_sum[d] = dept_sum.get(d, 0.0) + g.first.budget

    def blank() -> list[Any]:
        return [None] * width

    # Unit runs: (text, first grid row, last grid row); a run ends at a department or unit row.
    unit_runs: list[list[Any]] = []
    state: dict[str, Any] = {"dept": None, "unit": None, "prev": None}

    def department_row(text: Optional[str], budget: Any, name: str) -> None:
        row = blank()
        row[c_unit] = text
        row[c_budget] = budget
        rows.append(row)
        state.update(dept=name, unit=None, prev=None)

    def flush(sheet_name: str, upto: Optional[int] = None) -> None:
        """Write the source's department and unit rows (and projects without indicators)
        that came before sheet row ``upto`` (all if None)."""
        queue = pending.get(sheet_name, [])
        while queue and (upto is None or queue[0].row < upto):
            d = queue.pop(0)
            if isinstance(d, Record):  # a project without indicators: one row, indicator cells empty
                project_rows(_Group(_project_key(d), [d]))
                continue
            total = _total(d.budget, d.budget_raw, scale)
            if isinstance(d, Department):
                department_row(unit_text(d.code, d.name), total, d.name)
            else:  # the unit's own row; its projects (if any) follow without repeating its name
                unit_header(unit_text(d.code, d.name) or "", total, (d.code, d.name))

    def unit_header(text: str, budget: Any, unit: tuple) -> None:
        row = blank()
        row[c_unit] = text
        row[c_budget] = budget
        rows.append(row)
        state.update(unit=unit, prev=None)

    def project_rows(g: _Group) -> None:
        first = g.first
        dept = first.department
        if dept is not None and dept != state["dept"] and dept not in known_depts.get(first.sheet, ()):
            department_row(dept, _num(dept_sum.get(dept), scale), dept)
        unit = (first.unit_code, first.unit_name)
        utext = unit_text(*unit)
        prev = state["prev"]
        if prev is not None and _same_project_name(prev, first) and utext is not None:
            # The reader would join this project to the previous one: separate them with a
            # unit header row (the only separator that keeps every record's fields).
            unit_header(utext, None, unit)
        start = len(rows)
        head = head_waivers.get((first.sheet, first.row)) if head_waivers else None
        if head is not None:  # the project's row alone, with its own 豁免 codes
            row = blank()
            row[c_proj], row[c_goal], row[c_waiver] = first.project, first.goal, head  # type: ignore[index]
            row[c_budget] = _num(first.budget, scale) if first.budget is not None else first.budget_text
            rows.append(row)
        for i, r in enumerate(g.records):
            row = blank()
            if i == 0 and head is None:
                row[c_proj] = r.project
                # a budget that is not a number: as the clerk wrote it (text is not converted)
                row[c_budget] = _num(r.budget, scale) if r.budget is not None else r.budget_text
                row[c_goal] = r.goal
            # _num inlined (one call per value costs more than the rest of the row): whole
            # floats become ints, everything else stays as it is.
            row[_IND_FIRST:_IND_END] = [int(v) if v.__class__ is float and v.is_integer() and -1e15 < v < 1e15 else v
                                        for v in _indicator_values(r)]
            if r.weight_text is not None and r.weight is None:
                row[c_weight] = r.weight_text  # a weight that is not a number, as the clerk wrote it
            if c_waiver is not None:
                row[c_waiver] = r.waivers or None
            rows.append(row)
        end = len(rows) - 1
        if end > start:
            for c in (c_proj, c_budget, c_goal):
                merges.append(Merge(start, c, end, c))
        if utext is not None:
            if unit != state["unit"]:
                unit_runs.append([utext, start, end])
            elif unit_runs and unit_runs[-1][0] == utext and unit_runs[-1][2] == start - 1:
                unit_runs[-1][2] = end  # same unit, next project directly below
            state["unit"] = unit
        state["prev"] = g.records[-1]

    prev_sheet: Optional[str] = None
    for g in groups:
        first = g.first
        if prev_sheet is not None and first.sheet != prev_sheet:
            flush(prev_sheet)
        prev_sheet = first.sheet
        flush(first.sheet, first.row)
        project_rows(g)
    for sheet_name in list(pending):
        flush(sheet_name)

    for text, r1, r2 in unit_runs:
        rows[r1][c_unit] = text
        if r2 > r1:
            merges.append(Merge(r1, c_unit, r2, c_unit))
    return Grid(sheet, rows, merges)
