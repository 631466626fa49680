"""Each project's weight total in one pass over the rows, without building a Table.

``=PERF_WEIGHTS`` recalculates on every edit of its range, and the full engine (one
Indicator per row, then the rulebook) spends seconds on a 100k-row table to produce a
number per project. This module walks the rows once and only follows what decides a weight
total in :func:`xlperf.core.blocks.build_table`:

- where a project starts (an own 项目名称 that is not the current project's name repeated
  with the same or no budget — a block continued after a page break stays one project:
  :func:`xlperf.core.blocks.continues_project`, the engine's own test),
- where one ends without a successor (a department or unit row: a 单位名称 and nothing else:
  :func:`xlperf.core.blocks.is_unit_row`; a 合计/小计 row, whatever weight it states:
  :func:`xlperf.core.blocks.is_total_row`),
- which rows the engine skips (repeated header rows, banner rows),
- each indicator row's weight, parsed by :func:`parse_number` like the engine does.

A row whose 权重, 项目名称, 单位名称 and 预算数 cells are all blank can change none of these,
so it is passed over after four lookups; that is what makes the walk cheap. The totals equal
:func:`xlperf.core.report.weight_breakdown` over ``build_table``'s projects, summed in the
same order (tests/test_weights_fast.py holds the two paths side by side).

Whitespace-only text counts as blank, as it does for ``udfs._rows``.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Iterable, Optional, Sequence

from .blocks import IND_VALUE_FIELDS, continues_project, is_total_row, is_unit_row, total_word
from .grid import Grid, Merge
from .headers import HEADER_SCAN_ROWS, find_layout, is_banner_row, is_repeated_header
from .normalise import MAX_NUMBER, clean_text, parse_number


@dataclass(slots=True)
class ProjectWeight:
    name: Optional[str]
    row_first: int  # sheet row of the project's first row
    total: float  # rounded like weight_breakdown

    @property
    def label(self) -> str:
        # the same wording as Project.label, so both paths name an unnamed project alike
        return self.name or f"第{self.row_first}行起的项目"


def _blank_to_none(row: Sequence[Any]) -> list[Any]:
    return [None if (v.__class__ is str and not v.strip()) else v for v in row]


def _own(v: Any) -> Any:
    if v is None or (v.__class__ is str and not v.strip()):
        return None
    return v


def _masked_rows(rows: Sequence[Sequence[Any]], merges: Iterable[Merge], cols: set[int]) -> dict[int, list[Any]]:
    """Rows whose mapped cells hide a value under a merge -> the row with those cells blank.

    The engine ignores what lies under a merge (``own()``); a workbook usually stores nothing
    there, so this is empty or small and the hot loop only looks rows up in it.
    """
    out: dict[int, list[Any]] = {}
    for m in merges:
        for c in range(m.c1, m.c2 + 1):
            if c not in cols:
                continue
            for r in range(m.r1, min(m.r2, len(rows) - 1) + 1):
                if (r, c) == (m.r1, m.c1) or c >= len(rows[r]) or _own(rows[r][c]) is None:
                    continue
                masked = out.get(r)
                if masked is None:
                    masked = out[r] = list(rows[r])
                masked[c] = None
    return out


def project_weights(rows: Sequence[Sequence[Any]], merges: Iterable[Merge] = (), row0: int = 1
                    ) -> Optional[list[ProjectWeight]]:
    """The projects of the table in ``rows`` with their weight totals, in table order;
    None when no usable header is found (the engine's ``not layout.ok``) or the table has no
    权重 column (a list without weights is read, but there is nothing to total).

    ``rows`` are a sheet's cells (ragged rows allowed), ``merges`` in the same 0-based
    coordinates, ``row0`` the sheet row of ``rows[0]``.
    """
    head = [_blank_to_none(r) for r in rows[:HEADER_SCAN_ROWS]]
    layout = find_layout(Grid("", head))
    if not layout.ok or layout.header_row is None or "weight" not in layout.columns:
        return None
    cols = layout.columns
    header = head[layout.header_row]
    cw, cp = cols["weight"], cols["project"]
    cu, cb = cols.get("unit"), cols.get("budget")
    c_l1, c_l2 = cols.get("level1"), cols.get("level2")
    value_cols = [(f, cols[f]) for f in IND_VALUE_FIELDS if f in cols]
    ignored = sorted(layout.ignored_columns)
    masked = _masked_rows(rows, merges, set(cols.values()))

    # Missing optional columns read the 权重 column again and are blanked after the lookup:
    # one C-level itemgetter call per row instead of four guarded indexings.
    get = itemgetter(cw, cp, cw if cu is None else cu, cw if cb is None else cb)
    need = max(cw, cp, cu or 0, cb or 0) + 1
    start = layout.header_row + 1
    short = min(map(len, rows[start:]), default=need) < need

    def at(row: Sequence[Any], c: Optional[int]) -> Any:
        return _own(row[c]) if c is not None and c < len(row) else None

    out: list[ProjectWeight] = []
    cur: Optional[ProjectWeight] = None  # the project the next indicator row belongs to
    cur_raw: Any = None  # its 项目名称 and 预算数 as first written (the engine's project.raw)
    cur_budget: Any = None
    total = 0.0  # the current project's running sum: a local float, not an attribute, in the loop

    for r in range(start, len(rows)):
        row = rows[r]
        vals = masked.get(r, row) if masked else row
        if short and len(vals) < need:
            vals = list(vals) + [None] * (need - len(vals))
        w, p, u, b = get(vals)
        if cu is None:
            u = None
        if cb is None:
            b = None
        if p is None and u is None and b is None:
            if w is None:
                continue  # nothing here can start, end or weigh a project
            if w.__class__ is float and vals is row:
                # The common row inside a block. A number in 权重 rules out a repeated header
                # and a banner row, and without 项目/单位/预算 the project cannot change.
                if cur is not None and abs(w) < MAX_NUMBER:  # NaN, ±inf, 1e308: parse_number "range"
                    total += w
                continue
        if w is not None and w.__class__ is str and not w.strip():
            w = None
        if p is not None and p.__class__ is str and not p.strip():
            p = None
        if u is not None and u.__class__ is str and not u.strip():
            u = None
        if b is not None and b.__class__ is str and not b.strip():
            b = None
        if w is None and p is None and u is None and b is None:
            continue

        # Rows build_table skips. A repeated header has text in 权重 (or no 权重 cell at all);
        # a banner row holds exactly one cell, and it is text.
        raw_w = row[cw] if cw < len(row) else None
        if cw >= len(row) or (raw_w.__class__ is str and raw_w.strip()):
            if is_repeated_header(_blank_to_none(row), cols, header):
                continue
        if (raw_w is None or raw_w.__class__ is str) and is_banner_row(row):
            continue

        # A total (合计/小计), department or unit row ends the project above it (the engine's
        # tests; only a row naming one of 单位名称/项目名称 can be one, so the other cells are
        # looked at only then). A total row's weight is not a project's.
        if (u is None) != (p is None):  # the cheap half of the test first
            values = {f: at(vals, c) for f, c in value_cols}
            if is_total_row(u, p, at(vals, c_l1), at(vals, c_l2), values):
                if cur is not None:
                    cur.total = round(total, 6)
                cur = None
                continue
        if u is not None and p is None and is_unit_row(
                u, p, at(vals, c_l1), at(vals, c_l2), any(v is not None for v in values.values())):
            if cur is not None:
                cur.total = round(total, 6)
            cur = None
            continue

        if u is None and p is None and ignored and at(vals, c_l1) is None and at(vals, c_l2) is None and not any(
                at(vals, c) is not None for _, c in value_cols) and total_word(vals, ignored) is not None:
            if cur is not None:  # 合计 in the 序号 column
                cur.total = round(total, 6)
            cur = None
            continue

        if p is not None and (cur is None or not continues_project(cur_raw, cur_budget, p, b)):
            if cur is not None:
                cur.total = round(total, 6)
            cur = ProjectWeight(clean_text(p), r + row0, 0.0)
            out.append(cur)
            cur_raw, cur_budget, total = p, b, 0.0
        elif cur is not None and b is not None and cur_budget is None:
            cur_budget = b

        if w is not None and cur is not None:
            if w.__class__ is float:
                if abs(w) < MAX_NUMBER:  # NaN, ±inf, 1e308 are not weights (parse_number: "range")
                    total += w
            else:
                n = parse_number(w).value
                if n is not None:
                    total += n
    if cur is not None:
        cur.total = round(total, 6)
    return out
