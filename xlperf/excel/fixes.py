"""Safe fixes as a plan: which cells change from what to what, decided in memory.

The rules propose fixes (``Finding.fix``); here they are applied to a copy of the sheet's
values, the table is checked again and new fixes applied, until nothing changes. So a
second run on the result changes nothing. Formula cells are never written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..api import CheckResult, check_grids
from ..core.config import Config
from ..core.grid import Grid, address, parse_address
from ..core.model import Finding
from .port import SheetData

MAX_ROUNDS = 5
UNDO_HEADER = ["工作表", "单元格", "原值", "新值", "说明"]

# The fields each fixable rule's fix reads besides the cell it writes. A fix is held back (left
# for the clerk) when a finding without a fix on the same row concerns the cell it writes or one
# of these fields: "≥100%" with 反向指标 is VL008 on the direction, and VL010's "=" would turn
# that error into the warning VL009 while the real mistake stayed. A new fixable rule must be
# listed here (tests/test_trust_fix.py checks it).
FIX_DEPENDS: dict[str, tuple[str, ...]] = {
    "NM001": (),  # the same comparator/direction/unit, spelled the standard way
    "NM002": (),  # the same number, stored as a number
    "NM003": (),  # the same text without stray whitespace
    "TX003": (),  # the same level, by its standard name
    "VL006": ("comparator",),  # clears the unit because the indicator is 定性
    "VL007": ("comparator",),  # fills the direction the comparator implies
    "VL010": ("target", "measure", "direction"),  # ≥100% -> =100%
}
# Findings that can hold a fix back: about one row's cells (not a project's total anchored on one).
_ROW_SCOPES = ("indicator", "read")


@dataclass
class Change:
    sheet: str
    row: int  # 1-based sheet row
    col: int  # 1-based sheet column
    old: Any
    new: Any
    description: str = ""

    @property
    def cell(self) -> str:
        return address(self.row, self.col)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)  # fixes refused: the cell holds a formula
    result: Optional[CheckResult] = None  # the check of the fixed values
    held: list[str] = field(default_factory=list)  # "H6（VL008）": left for the clerk, see FIX_DEPENDS


_TRIGGERS = ("=", "+", "-", "@")
_PLAIN_VALUE = re.compile(r"^[=+\-]?\s*[\d.]*%?$")


def makes_formula_text(old: Any, new: Any) -> bool:
    """A fix whose text would start like a formula where the clerk's did not (``＝1+1`` or
    `` =1+1`` made ``=1+1``): inert text must stay inert, whatever a later edit or a CSV makes of
    it. A bare comparator or value (``=``, ``=100%``) is what the fix is for, not a formula."""
    if not isinstance(new, str) or not new.startswith(_TRIGGERS) or _PLAIN_VALUE.match(new):
        return False
    return not (isinstance(old, str) and old.startswith(new[0]))


def same_value(a: Any, b: Any) -> bool:
    """Equal as a cell: blanks alike, numbers within rounding, everything else exactly
    (the text "80" is not the number 80: turning one into the other is a fix)."""
    blank_a = a is None or (isinstance(a, str) and a == "")
    blank_b = b is None or (isinstance(b, str) and b == "")
    if blank_a or blank_b:
        return blank_a and blank_b
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return type(a) is type(b) and a == b


def identical(a: Any, b: Any) -> bool:
    """Nothing to write: same value and same kind (int and float are one kind in a cell)."""
    if not same_value(a, b):
        return False
    num = (int, float)
    return (isinstance(a, num) and isinstance(b, num)) or type(a) is type(b) or (a in (None, "") and b in (None, ""))


def plan_fixes(data: SheetData, config: Config, *, source: str = "",
               first: Optional[CheckResult] = None) -> Plan:
    sheet = data.name
    values = [list(r) for r in data.values]
    formulas = data.formulas or {}
    original: dict[tuple[int, int], Any] = {}
    described: dict[tuple[int, int], str] = {}
    refused: set[tuple[int, int]] = set()
    held: dict[tuple[int, int], set[str]] = {}
    result = first
    for _ in range(MAX_ROUNDS):
        if result is None:
            result = check_grids([Grid(sheet, values, list(data.merges), source=source)], config,
                                 source=source, only_sheet=sheet)
        touched: set[tuple[int, int]] = set()
        blockers = _blockers(result, sheet)
        for f in result.findings:
            key = _target(f, sheet)
            if key is None or key in touched:
                continue
            if key in formulas:
                refused.add(key)
                continue
            why = _held_by(f, key, result, blockers)
            if why:
                held.setdefault(key, set()).update(why)
                continue
            r, c = key
            while len(values) <= r:
                values.append([None] * len(values[0] if values else []))
            if len(values[r]) <= c:
                values[r].extend([None] * (c + 1 - len(values[r])))
            cur = values[r][c]
            fix = f.fix
            assert fix is not None
            if fix.old is not None and not same_value(cur, fix.old):
                continue  # the cell no longer says what the rule saw
            if identical(cur, fix.new):
                continue
            if makes_formula_text(cur, fix.new):
                held.setdefault(key, set()).add(f"{f.code}：改后会像公式")
                continue
            original.setdefault(key, cur)
            described[key] = fix.description or f.message
            values[r][c] = fix.new
            touched.add(key)
        if not touched:
            break
        result = None
    if result is None:  # the rounds ran out: still report what the values say now
        result = check_grids([Grid(sheet, values, list(data.merges), source=source)], config,
                             source=source, only_sheet=sheet)
    changes = []
    for (r, c), old in sorted(original.items()):
        new = values[r][c]
        if identical(old, new):
            continue
        changes.append(Change(sheet, r + 1, c + 1, old, new, described.get((r, c), "")))
    return Plan(changes, [address(r + 1, c + 1) for r, c in sorted(refused)], result,
                [f"{address(r + 1, c + 1)}（{'、'.join(sorted(why))}）" for (r, c), why in sorted(held.items())
                 if (r, c) not in original])


def _blockers(result: CheckResult, sheet: str) -> dict[int, dict[int, set[str]]]:
    """row -> column -> codes of the findings (without a fix, not waived, about one row's cells)
    that can hold a fix on that row back. Rows and columns 1-based."""
    from ..core.rules.registry import REGISTRY

    out: dict[int, dict[int, set[str]]] = {}
    for f in result.findings:
        if f.fix is not None or f.waived or f.sheet != sheet or not f.cell or f.severity == "info":
            continue
        rule = REGISTRY.get(f.code)
        if rule is None or rule.scope not in _ROW_SCOPES:
            continue
        try:
            r, c = parse_address(f.cell.split(":")[0])
        except (ValueError, IndexError):
            continue
        out.setdefault(r, {}).setdefault(c, set()).add(f.code)
    return out


def _held_by(f: Finding, key: tuple[int, int], result: CheckResult, blockers: dict[int, dict[int, set[str]]]) -> set[str]:
    """The codes of findings on the fix's row about the cell it writes or a field it reads."""
    row = blockers.get(key[0] + 1)
    if not row:
        return set()
    cols = {key[1] + 1}
    table = next((t for t in result.tables if t.sheet == (f.fix.sheet or f.sheet)), None)
    if table is not None:
        cols |= {table.columns[fd] for fd in FIX_DEPENDS.get(f.code, ()) if fd in table.columns}
    return set().union(*(row.get(c, set()) for c in cols))


def _target(f: Finding, sheet: str) -> Optional[tuple[int, int]]:
    if f.fix is None or f.waived or (f.fix.sheet and f.fix.sheet != sheet):
        return None
    try:
        r, c = parse_address(f.fix.cell)
    except (ValueError, IndexError):
        return None
    return r - 1, c - 1


def change_blocks(cells: dict[tuple[int, int], Any]) -> list[tuple[str, list[list[Any]]]]:
    """Cells to write -> as few rectangular blocks as possible without touching other cells.

    Vertical runs per column first, then side-by-side runs with the same rows merge into
    one rectangle (a split ``≥80%`` changes 指标性质, 指标值 and 度量单位 of one row).
    """
    runs: list[tuple[int, int, int]] = []  # (col, r1, r2)
    by_col: dict[int, list[int]] = {}
    for (r, c) in cells:
        by_col.setdefault(c, []).append(r)
    for c in sorted(by_col):
        rows = sorted(by_col[c])
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                runs.append((c, start, prev))
                start = r
            prev = r
        runs.append((c, start, prev))
    rects: list[tuple[int, int, int, int]] = []  # (r1, r2, c1, c2)
    open_: dict[tuple[int, int], int] = {}  # (r1, r2) -> index in rects
    for c, r1, r2 in runs:
        i = open_.get((r1, r2))
        if i is not None and rects[i][3] == c - 1:
            a, b, c1, _ = rects[i]
            rects[i] = (a, b, c1, c)
        else:
            open_[(r1, r2)] = len(rects)
            rects.append((r1, r2, c, c))
    out = []
    for r1, r2, c1, c2 in rects:
        block = [[cells[(r, c)] for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        out.append((address(r1, c1), block))
    return out


_PLAIN = (type(None), str, int, float, bool)


def with_unchanged_gaps(cells: dict[tuple[int, int], Any], data: SheetData) -> dict[tuple[int, int], Any]:
    """Fill the gaps of each column's changed rows with what those cells already hold, so
    a column of scattered fixes is one write instead of one per cell.

    Only where rewriting a gap cannot change it: no formula, no merged cell, and a plain
    value (blank, text, number) that the port writes back as it was read (text stays text).
    Other columns keep their separate runs. Keys are 1-based (row, col).
    """
    formulas = data.formulas or {}
    out = dict(cells)
    by_col: dict[int, list[int]] = {}
    for (r, c) in cells:
        by_col.setdefault(c, []).append(r)
    for c, rows in by_col.items():
        r1, r2 = min(rows), max(rows)
        merged = any(m.c1 <= c - 1 <= m.c2 and m.r1 <= r2 - 1 and m.r2 >= r1 - 1 for m in data.merges)
        if merged:
            continue
        gap: dict[tuple[int, int], Any] = {}
        for r in range(r1, r2 + 1):
            if (r, c) in cells:
                continue
            if (r - 1, c - 1) in formulas:
                break
            row = data.values[r - 1] if r - 1 < len(data.values) else []
            v = row[c - 1] if c - 1 < len(row) else None
            if not isinstance(v, _PLAIN):
                break
            gap[(r, c)] = v
        else:
            out.update(gap)
    return out


def undo_rows(changes: list[Change]) -> list[list[Any]]:
    return [list(UNDO_HEADER)] + [[ch.sheet, ch.cell, ch.old, ch.new, ch.description] for ch in changes]
