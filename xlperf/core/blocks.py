"""Merged blocks -> Table: fill down within a project's block only, never across a boundary.

One pass over the data rows. Each row is classified as a department row, a unit
header, a goal continuation, a repeated header/banner, or an indicator row (the
first row of a project carries both the project and its first indicator).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from operator import attrgetter
from typing import Any, Callable, Optional

from .engine import read_finding
from .grid import Grid, col_letter, is_blank
from .headers import DETAIL_FIELDS, Layout, field_of_header, find_layout, is_banner_row, is_repeated_header
from .model import EVALUATION_COLUMNS, FIELDS, Department, Finding, Indicator, Project, Record, Table, Unit, construct_all
from .normalise import (
    CORE_FLAG,
    CORE_MARKS as _CORE_MARKS,
    IMPLIED_NOTE,
    strip_core_mark,
    _memo,
    implied_comparator,
    QUANTITATIVE_ONLY,
    clean_text,
    normalise_comparator,
    normalise_direction,
    normalise_measure,
    parse_number,
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


_ABSENT = 1 << 40  # column index for a field the sheet lacks: past the end of every row


def build_table(grid: Grid, layout: Optional[Layout] = None) -> Table:
    layout = layout or find_layout(grid)
    sheet = grid.sheet
    table = Table(sheet=sheet, source=grid.source, title=layout.title, money_unit=layout.money_unit)
    if not layout.ok:
        missing = "、".join(FIELDS.get(f, f) for f in layout.missing)
        where = grid.addr(layout.header_row, 0) if layout.header_row is not None else sheet
        table.findings.append(
            read_finding("ST001", sheet=sheet, cell=where if layout.header_row is not None else None,
                         row=grid.sheet_row(layout.header_row) if layout.header_row is not None else None,
                         scope="table", missing=missing or "表头")
        )
        return table

    cols = layout.columns
    table.header_row = grid.sheet_row(layout.header_row)
    table.columns = {f: c + grid.col0 for f, c in cols.items()}
    yuan = layout.money_unit == "元"

    def to_wan(n: Optional[float]) -> Optional[float]:
        # divide, not multiply by 0.0001: 12345 元 must read 1.2345, not 1.2345000000000002
        return None if n is None else (n / 10000 if yuan else n)

    known_cols = set(cols.values()) | layout.ignored_columns
    c_unit, c_proj, c_budget, c_goal = (cols.get(f) for f in ("unit", "project", "budget", "goal"))
    ind_fields = [f for f in IND_VALUE_FIELDS if f in cols]
    c_l1, c_l2 = cols.get("level1"), cols.get("level2")
    c_waiver, c_note = cols.get("waiver"), cols.get("note")
    c_weight = cols.get("weight")
    # Every value a row can contribute, fetched in one pass: 8 fixed slots, then the indicator fields.
    wanted = [c_unit, c_proj, c_budget, c_goal, c_l1, c_l2, c_waiver, c_note] + [cols[f] for f in ind_fields]
    fetch = [_ABSENT if c is None else c for c in wanted]
    # Two fields can share a column (备注 under 项目名称 in a two-row header): a filled cell
    # counts once, or a banner row would look like a row with two values.
    counts = [c is not None and wanted.index(c) == i for i, c in enumerate(wanted)]
    covered_rows = _covered_rows(grid, wanted)
    any_covered = any(covered_rows)
    # 指标解释 / 绩效标准 columns: read into Indicator.details under their header as written.
    header_cells = grid.rows[layout.header_row]
    detail_cols = {cols[f]: clean_text(header_cells[cols[f]] if cols[f] < len(header_cells) else None) or FIELDS.get(f, f)
                   for f in DETAIL_FIELDS if f in cols}
    extra_cols = [c for c in range(grid.width) if c not in known_cols] + sorted(detail_cols)
    # An extra column under a header nobody recognised: its cells are one ST015 (naming the
    # header), not one ST010 each.
    headed: dict[int, str] = {}
    for c in extra_cols:
        if c in detail_cols:
            continue
        for hr in sorted(layout.header_rows, reverse=True):
            text = clean_text(grid.get(hr, c))
            if text:
                headed[c] = text
                break
    unknown_cells: dict[int, list[tuple[int, int]]] = {}
    row_details: list[tuple[int, int, Any]] = []  # (row, col, value) of the row being read
    row0, col0 = grid.row0, grid.col0
    letters = [col_letter(c + col0) for c in range(grid.width)]

    def addr(r: int, c: int) -> str:
        return letters[c] + str(r + row0)

    findings = table.findings
    projects = table.projects
    header = grid.rows[layout.header_row]
    header_rows = layout.header_rows
    ignored = layout.ignored_columns
    department: Optional[Department] = None
    unit: Optional[Unit] = None
    project: Optional[Project] = None
    prev_levels: tuple[Any, Any] = (None, None)
    prev_level_pos: tuple[Optional[tuple[int, int]], Optional[tuple[int, int]]] = (None, None)
    unit_cell: Optional[str] = None
    first_data = last_data = None
    last_row: dict[int, int] = {}  # project index -> last indicator row (set once at the end)

    def seen(p: Project, f: str, r: int, v: Any) -> None:
        vals = p.seen.setdefault(f, [])
        if not any(same_value(x, v) for _, x in vals):
            vals.append((r + row0, v))

    def unplaced(r: int, c: int, v: Any) -> None:
        findings.append(read_finding("ST010", sheet=sheet, cell=addr(r, c), row=r + row0,
                                     value=short(v)))

    def level(r: int, c: Optional[int], own_value: Any, slot: int) -> tuple[Any, Optional[tuple[int, int]]]:
        """A level cell's value and where it came from (itself, or its merge's anchor)."""
        if c is None:
            return None, None
        if own_value is not None:
            return own_value, (r, c)
        if r not in covered_rows[slot]:
            return None, None
        anchor = covered_rows[slot].get(r)
        if anchor is None:
            return None, None
        v = grid.get(*anchor)
        return (None, None) if is_blank(v) else (v, anchor)

    rows = grid.rows
    for r in range(layout.header_row + 1, grid.height):
        row = rows[r]
        if r in header_rows:
            continue
        n = len(row)
        got = [row[c] if c < n else None for c in fetch]
        filled = 0
        for i, v in enumerate(got):
            if v is not None:
                if (v.__class__ is str and not v.strip()) or (any_covered and r in covered_rows[i]):
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
        w = row[c_weight] if c_weight is not None and c_weight < n else None
        if (c_weight is None or c_weight >= n or w.__class__ is str) and is_repeated_header(row, cols, header):
            for c, v in enumerate(row):  # anything but header text in that row is reported
                if not is_blank(v) and (c not in known_cols or field_of_header(v) is None) and c not in ignored:
                    unplaced(r, c, v)
            continue
        if filled < 2 and is_banner_row(row):
            continue
        srow = r + row0
        first_data = first_data if first_data is not None else srow
        last_data = srow

        if row_details:  # detail cells of a row that gave no indicator
            for rr, c, v in row_details:
                unplaced(rr, c, v)
            row_details = []
        for c in extra_cols:
            if c < n:
                v = row[c]
                if v is not None and (v.__class__ is not str or v.strip()):
                    if c in detail_cols:
                        row_details.append((r, c, v))
                    elif c in headed:
                        unknown_cells.setdefault(c, []).append((r, c))
                    else:
                        unplaced(r, c, v)

        v_unit, v_proj, v_budget, v_goal, l1_own, l2_own, v_waiver, v_note = got[:8]
        ind_vals = got[8:]
        vals = dict(zip(ind_fields, ind_vals))
        has_values = any(v is not None for v in ind_vals)

        # A level-1 name in the 单位名称 column (rows pasted one column left).
        if v_unit is not None and v_proj is None and normalise_level1(v_unit).known:
            if l1_own is None and c_l1 is not None:
                findings.append(read_finding(
                    "ST007", sheet=sheet, cell=addr(r, c_unit), row=srow,
                    project=project.name if project else None,
                    detail=f"一级指标“{clean_text(v_unit)}”写在了“单位名称”列，已按一级指标读取"))
                l1_own = v_unit
            else:
                unplaced(r, c_unit, v_unit)
            v_unit = None

        # Department and unit rows: a name in 单位名称, no project, no indicator.
        if v_unit is not None and v_proj is None and not has_values and l1_own is None and l2_own is None:
            text = clean_text(v_unit) or ""
            code, name = split_code_name(text)
            budget = parse_number(v_budget).value if v_budget is not None else None
            budget_cell = addr(r, c_budget) if v_budget is not None and c_budget is not None else None
            unit_cell = addr(r, c_unit)  # type: ignore[arg-type]
            if is_department_text(text):
                department = Department(code=code, name=name, row=srow,
                                        budget=to_wan(budget), budget_raw=v_budget,
                                        budget_cell=budget_cell)
                table.departments.append(department)
                unit = None
            else:
                unit = Unit(code=code, name=name, row=srow,
                            budget=to_wan(budget), budget_raw=v_budget, budget_cell=budget_cell,
                            department_code=department.code if department else None)
                table.units.append(unit)
                if department:
                    department.units.append(unit)
            if v_goal is not None:
                unplaced(r, c_goal, v_goal)  # type: ignore[arg-type]
            project = None
            continue

        if v_unit is not None and v_proj is None and project is not None:
            seen(project, "unit", r, v_unit)  # a second unit inside one block: ST003
        if v_unit is not None:  # a unit named on a project row (its merged cell's anchor)
            text = clean_text(v_unit) or ""
            code, name = split_code_name(text)
            if unit is None or unit.name != name or unit.code != code:
                unit_cell = addr(r, c_unit)  # type: ignore[arg-type]
                unit = Unit(code=code, name=name, row=srow,
                            department_code=department.code if department else None)
                table.units.append(unit)
                if department:
                    department.units.append(unit)

        starts = v_proj is not None and not (
            project is not None and same_value(project.raw.get("project"), v_proj)
            and (v_budget is None or same_value(project.raw.get("budget"), v_budget))
        )
        if starts:
            # Built in one go (a project per ~6 rows): pydantic's validation and per-attribute
            # assignment cost more than the rest of the project's rows together.
            p_raw: dict[str, Any] = {"project": v_proj}
            p_cells = {"project": addr(r, c_proj)}  # type: ignore[arg-type]
            p_seen: dict[str, list[tuple[int, Any]]] = {}
            if unit is not None and unit_cell:
                p_cells["unit"] = unit_cell
            if v_budget is not None:
                p_raw["budget"] = v_budget
                p_cells["budget"] = addr(r, c_budget)  # type: ignore[arg-type]
                p_seen["budget"] = [(srow, v_budget)]
            if v_goal is not None:
                p_raw["goal"] = v_goal
                p_cells["goal"] = addr(r, c_goal)  # type: ignore[arg-type]
                p_seen["goal"] = [(srow, v_goal)]
            project = construct_all(Project, {
                "index": len(projects), "sheet": sheet, "row_first": srow, "row_last": srow,
                "name": clean_text(v_proj),
                "budget": to_wan(parse_number(v_budget).value) if v_budget is not None else None,
                "goal": clean_text(v_goal) if v_goal is not None else None,
                "unit_code": unit.code if unit is not None else None,
                "unit_name": unit.name if unit is not None else None,
                "department_code": department.code if department is not None else None,
                "indicators": [], "raw": p_raw, "seen": p_seen, "cells": p_cells, "waivers": frozenset(),
                "department": None, "funds": None, "goal_long": None, "details": {},
                "evaluation": None,
            }, _PROJECT_FIELDS)
            if unit is not None:
                unit.project_indices.append(project.index)
            projects.append(project)
            prev_levels = (None, None)
            prev_level_pos = (None, None)
        elif project is not None:
            last_row[project.index] = srow
            if v_budget is not None:
                if project.raw.get("budget") is None:
                    project.raw["budget"] = v_budget
                    project.budget = to_wan(parse_number(v_budget).value)
                    project.cells["budget"] = addr(r, c_budget)  # type: ignore[arg-type]
                seen(project, "budget", r, v_budget)
            if v_goal is not None:
                if project.goal is None:
                    project.raw["goal"] = v_goal
                    project.goal = clean_text(v_goal)
                    project.cells["goal"] = addr(r, c_goal)  # type: ignore[arg-type]
                    seen(project, "goal", r, v_goal)
                elif not has_values and l1_own is None and l2_own is None:
                    project.goal = (project.goal or "") + (clean_text(v_goal) or "")  # continuation row
                    continue
                else:
                    seen(project, "goal", r, v_goal)
        elif v_budget is not None or v_goal is not None:
            for c, v in ((c_budget, v_budget), (c_goal, v_goal)):
                if v is not None:
                    unplaced(r, c, v)  # type: ignore[arg-type]

        if not has_values and l1_own is None and l2_own is None:
            if v_waiver is not None and project is not None:  # 豁免 codes for the whole project
                project.waivers = project.waivers | parse_waivers(v_waiver)
            continue  # a project row with no indicator (rare), already recorded

        # Level names: own value, else the merge anchor, else the row above within the project.
        notes: set[str] = set()
        level_origin: dict[str, str] = {}
        l1_raw, l1_pos = level(r, c_l1, l1_own, 4)
        l2_raw, l2_pos = level(r, c_l2, l2_own, 5)
        if l1_raw is None and prev_levels[0] is not None and has_values:
            l1_raw, l1_pos = prev_levels[0], prev_level_pos[0]
        if l1_own is None and l1_raw is not None:
            notes.add("filled:level1")
            if l1_pos:
                level_origin["level1"] = addr(*l1_pos)
        if (l2_raw is None and prev_levels[1] is not None and has_values
                and (l1_own is None or normalise_level1(l1_raw).value == normalise_level1(prev_levels[0]).value)):
            l2_raw, l2_pos = prev_levels[1], prev_level_pos[1]
        if l2_own is None and l2_raw is not None:
            notes.add("filled:level2")
            if l2_pos:
                level_origin["level2"] = addr(*l2_pos)
        prev_levels = (l1_raw, l2_raw)
        prev_level_pos = (l1_pos, l2_pos)

        waivers = parse_waivers(v_waiver) if v_waiver is not None else frozenset()
        ind = _indicator(sheet, srow, vals, l1_raw, l2_raw, notes,
                         (lambda rr=r: addr(rr, cols["target"])),
                         project.index if project is not None else None, waivers, level_origin)
        if v_note is not None:
            ind.raw["note"] = v_note
        if row_details:
            for _, c, v in row_details:
                ind.details[detail_cols[c]] = v
                ind.origin[detail_cols[c]] = addr(r, c)
            row_details = []
        if project is None:
            table.orphans.append(ind)
        else:
            project.indicators.append(ind)
            last_row[project.index] = srow

    for rr, c, v in row_details:
        unplaced(rr, c, v)
    if unknown_cells:
        from .layouts.columns import unknown_header_finding

        for c, where in unknown_cells.items():
            findings.append(unknown_header_finding(grid, layout.header_row, c, headed[c], where))
    for idx, row_last in last_row.items():
        if row_last > projects[idx].row_last:
            projects[idx].row_last = row_last
    table.data_rows = (first_data or 0, last_data or 0)
    imply_comparators(table)
    return table


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
