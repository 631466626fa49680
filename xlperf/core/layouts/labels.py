"""Tolerant label–value reading, shared by the form-like layout readers (``form``,
``department``, ``self_evaluation``).

Forms are written by hand, so a label is found however it was typed:

* with or without a colon, full- or half-width (``项目名称：``, ``年度资金总额:``), spaces inside
  (``项目 名称``), a unit or code note in brackets (``资金情况(万元)``, ``主管部门及编码``),
  a ``其中：`` prefix on the lines of a funds block (``其中:当年财政拨款``);
* its value to the right (the next non-empty cell after the label's own merged range) or in
  the same cell after the colon (``年度资金总额：120``);
* amounts with their unit in the text (``120万``, ``10000万元``, ``1,200元``, ``854万(高标准农田
  建设400万元,…)``) read into 万元, with the amounts listed inside the cell kept and a repeated
  amount (``854万854万``) read once and flagged;
* level names with the points a form states for them (``产出指标(50分)``, ``产出指标（40-50分）``,
  ``绩效指标(权重分值90分,其中产出指标权重分值50分…)``), points kept for the rules.

Everything here is pure and cheap: the readers call it on the first rows of every sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from ..grid import Grid, is_blank
from ..headers import LABEL_LOOKUP
from ..normalise import _memo, clean_text, compact, nfkc, parse_number

# --- label text ----------------------------------------------------------------------------

_BRACKET_RE = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
_SUB_RE = re.compile(r"^其中\s*[:：]?\s*")
_COLON_RE = re.compile(r"[:：]")
_UNIT_NOTE_RE = re.compile(r"^(万元|元|千元|亿元)$")
MAX_LABEL = 24  # longer text is a value, never a label


@dataclass(frozen=True, slots=True)
class LabelText:
    """A label cell taken apart: ``key`` for matching (no spaces, brackets, colons, markers),
    ``text`` as written (cleaned), the ``unit`` a bracket says (``(万元)``), ``sub`` for a
    ``其中`` line, and ``inline`` the value written after the colon in the same cell."""

    key: str
    text: str
    unit: Optional[str] = None
    sub: bool = False
    inline: Optional[str] = None


@_memo
def label_text(v: Any) -> Optional[LabelText]:
    """A cell as a label (None when it cannot be one: blank, a number, long prose)."""
    if not isinstance(v, str):
        return None
    s = clean_text(v)
    if not s:
        return None
    sub = False
    m = _SUB_RE.match(s)
    if m and len(s) > m.end():
        sub, s2 = True, s[m.end():]
    else:
        s2 = s
    inline = None
    parts = _COLON_RE.split(s2, maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        head, inline = parts[0], parts[1].strip()
    else:
        head = parts[0]
    if len(head) > MAX_LABEL or not head.strip():
        return None
    unit = None
    for note in _BRACKET_RE.findall(head):
        if _UNIT_NOTE_RE.match(compact(note)):
            unit = compact(note)
    key = _BRACKET_RE.sub("", compact(head)).strip("*＊★:：")
    if not key:
        return None
    return LabelText(key, s, unit, sub, inline)


def label_key(v: Any) -> Optional[str]:
    """``项目 名称：`` -> ``项目名称``; ``资金情况(万元)`` -> ``资金情况``; None for a non-label."""
    lt = label_text(v)
    return lt.key if lt else None


def role_of(v: Any, lookup: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The role of a label cell in the shared vocabulary (``core.headers.LABELS``), or in
    ``lookup`` (key -> role) when given; None when the text is not a known label."""
    lt = label_text(v)
    if lt is None:
        return None
    return (lookup or LABEL_LOOKUP).get(lt.key)


# --- finding labels in a grid ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A label found in a grid (0-based grid positions) and its value."""

    row: int
    col: int
    role: str
    label: LabelText
    value: Any = None  # the value cell's content (or the inline text), None when empty
    value_pos: Optional[tuple[int, int]] = None  # where the value is; the label's cell when inline

    @property
    def inline(self) -> bool:
        return self.value_pos == (self.row, self.col)


class Covered(dict):
    """Every cell hidden under a merge -> the merge's anchor (0-based grid positions), and
    ``ends``: anchor -> the merge's last column. Built once per grid, so no helper walks the
    merges again per cell (a 100,000-row list has 74,000 of them)."""

    ends: dict[tuple[int, int], int]


def covered_cells(grid: Grid, upto: Optional[int] = None) -> Covered:
    """The cells hidden under merges (not their anchors); ``upto``: only merges starting above
    that grid row (a reader's fit looks at the first rows only)."""
    out = Covered()
    out.ends = {}
    for m in grid.merges:
        if upto is not None and m.r1 >= upto:
            continue
        anchor = (m.r1, m.c1)
        out.ends[anchor] = m.c2
        for r in range(m.r1, m.r2 + 1):
            for c in range(m.c1, m.c2 + 1):
                if (r, c) != anchor:
                    out[(r, c)] = anchor
    return out


def merge_end(grid: Grid, r: int, c: int, covered: Optional[Covered] = None) -> int:
    """The last column of the merge anchored at (r, c) (c itself when not merged)."""
    ends = getattr(covered, "ends", None)
    if ends is not None:
        return ends.get((r, c), c)
    for m in grid.merges:
        if m.r1 == r and m.c1 == c:
            return m.c2
    return c


def value_right(grid: Grid, r: int, c: int, covered: Optional[Covered] = None,
                stop: Optional[Mapping[str, str]] = None) -> tuple[Any, Optional[tuple[int, int]]]:
    """The first non-empty cell right of the label at (r, c), after the label's own merge;
    (None, None) when the row has nothing more, or when the next filled cell is itself a label
    of ``stop`` (``项目名称 | | 主管部门 | X``: 项目名称 is empty)."""
    covered = covered if covered is not None else covered_cells(grid)
    row = grid.rows[r] if 0 <= r < grid.height else []
    for cc in range(merge_end(grid, r, c, covered) + 1, len(row)):
        if (r, cc) in covered:
            continue
        v = row[cc]
        if is_blank(v):
            continue
        if stop is not None and role_of(v, stop) is not None:
            return None, None
        return v, (r, cc)
    return None, None


def find_labels(grid: Grid, rows: Iterable[int], lookup: Optional[Mapping[str, str]] = None,
                covered: Optional[Covered] = None, max_col: Optional[int] = None) -> list[LabelHit]:
    """Every known label in ``rows`` (left to right) with its value: in the same cell after a
    colon, else the next non-empty cell to the right unless that is another known label."""
    lookup = lookup or LABEL_LOOKUP
    covered = covered if covered is not None else covered_cells(grid)
    hits: list[LabelHit] = []
    for r in rows:
        row = grid.rows[r] if 0 <= r < grid.height else []
        for c, v in enumerate(row[: max_col] if max_col else row):
            if (r, c) in covered or not isinstance(v, str):
                continue
            lt = label_text(v)
            if lt is None:
                continue
            role = lookup.get(lt.key)
            if role is None:
                continue
            if lt.inline is not None:
                hits.append(LabelHit(r, c, role, lt, lt.inline, (r, c)))
            else:
                value, pos = value_right(grid, r, c, covered, lookup)
                hits.append(LabelHit(r, c, role, lt, value, pos))
    return hits


# --- amounts --------------------------------------------------------------------------------

_AMOUNT_RE = re.compile(r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元|万)?")
_UNIT_FACTOR = {"万元": 1.0, "万": 1.0, "元": 0.0001, "千元": 0.1, "亿元": 10000.0}
_PARTS_RE = re.compile(r"[(（](.*)[)）]")
_PART_SPLIT_RE = re.compile(r"[,，;；、]")


def to_wan(value: float, unit: Optional[str]) -> float:
    """An amount in ``unit`` (万元 when None) in 万元; division keeps 12345 元 = 1.2345 exact."""
    if unit in ("元",):
        return value / 10000
    if unit == "千元":
        return value / 10
    return value * _UNIT_FACTOR.get(unit or "万元", 1.0)


@dataclass(frozen=True)
class Amount:
    """A money cell read: ``value`` in 万元 (None when no amount could be read), the unit the
    cell itself wrote (``unit``), the amounts listed in brackets (``parts``: label, 万元),
    ``repeated`` when the same amount is written twice before them (``854万854万``), ``text``
    the cell as written when it was not a plain number."""

    value: Optional[float]
    unit: Optional[str] = None
    parts: tuple[tuple[str, float], ...] = ()
    repeated: bool = False
    text: Optional[str] = None


def parse_amount(v: Any, default_unit: Optional[str] = "万元") -> Amount:
    """A funds cell in 万元. A plain number is in ``default_unit`` (the label's ``(万元)``, the
    sheet's 金额单位); an amount written with its unit (``120万``, ``1200元``) honours it."""
    if v is None or is_blank(v):
        return Amount(None)
    num = parse_number(v)
    if num.value is not None:
        return Amount(to_wan(num.value, default_unit), None, (), False,
                      None if num.kind == "number" else clean_text(v))
    if not isinstance(v, str):
        return Amount(None, text=clean_text(v))
    text = clean_text(v) or ""
    s = nfkc(text)
    inner = _PARTS_RE.search(s)
    head = s[: inner.start()] if inner else s
    found = [(m.group("num"), m.group("unit")) for m in _AMOUNT_RE.finditer(head)]
    if not found:
        return Amount(None, text=text)
    nums = [(float(n.replace(",", "")), u) for n, u in found]
    first, unit = nums[0]
    repeated = len(nums) > 1 and all(abs(n - first) < 1e-9 for n, _ in nums)
    if len(nums) > 1 and not repeated:
        return Amount(None, text=text)  # two different amounts: not one value
    parts: list[tuple[str, float]] = []
    if inner:
        for piece in _PART_SPLIT_RE.split(inner.group(1)):
            m = None
            for m in _AMOUNT_RE.finditer(piece):
                pass  # the last amount of the piece is its amount
            if m is None:
                continue
            label = piece[: m.start()].strip()
            parts.append((label, to_wan(float(m.group("num").replace(",", "")), m.group("unit") or unit or default_unit)))
    return Amount(to_wan(first, unit or default_unit), unit, tuple(parts), repeated, text)


# --- stated points ----------------------------------------------------------------------------

_POINTS_RE = re.compile(
    r"[(（]\s*(?:权重)?(?:分值)?\s*(?P<lo>\d+(?:\.\d+)?)\s*(?:[-~～—－至]\s*(?P<hi>\d+(?:\.\d+)?))?\s*分\s*[)）]\s*$"
    r"|(?P<lo2>\d+(?:\.\d+)?)\s*分\s*$")
_STATED_RE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,8}?(?:指标|情况|目标))\s*(?:[(（]\s*)?(?:权重)?(?:分值)?\s*(?P<pts>\d+(?:\.\d+)?)\s*分")


@dataclass(frozen=True, slots=True)
class LevelPoints:
    """A level name with the points a form states for it: ``产出指标(50分)`` -> 产出指标, 50;
    ``产出指标（40-50分）`` -> 产出指标, low 40, high 50."""

    name: str
    points: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None

    @property
    def stated(self) -> bool:
        return self.points is not None or self.low is not None


@_memo
def level_points(v: Any) -> Optional[LevelPoints]:
    s = clean_text(v)
    if s is None:
        return None
    n = nfkc(s)
    m = _POINTS_RE.search(n)
    if not m:
        return LevelPoints(s)
    name = n[: m.start()].strip()
    if m.group("lo2") is not None:
        return LevelPoints(name, float(m.group("lo2")))
    lo, hi = float(m.group("lo")), m.group("hi")
    if hi is None:
        return LevelPoints(name, lo)
    return LevelPoints(name, None, lo, float(hi))


def stated_points(v: Any) -> dict[str, float]:
    """Every ``名称…N分`` a banner states: ``绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标
    权重分值30分)`` -> {绩效指标: 90, 产出指标: 50, 效益指标: 30}."""
    s = clean_text(v)
    if not s:
        return {}
    out: dict[str, float] = {}
    for m in _STATED_RE.finditer(nfkc(s)):
        name = m.group("name")
        if name.startswith("其中"):
            name = name[2:]
        out.setdefault(name, float(m.group("pts")))
    return out


@dataclass
class Claimed:
    """Which cells of a grid a reader has put somewhere (a field, a detail, a finding): the
    readers' 'nothing silent' book-keeping. ``rest(grid, rows)`` lists what is left."""

    cells: set[tuple[int, int]] = field(default_factory=set)

    def add(self, *pos: Optional[tuple[int, int]]) -> None:
        for p in pos:
            if p is not None:
                self.cells.add(p)

    def rest(self, grid: Grid, rows: Iterable[int], covered: set[tuple[int, int]]) -> list[tuple[int, int]]:
        out = []
        for r in rows:
            for c, v in enumerate(grid.rows[r]):
                if not is_blank(v) and (r, c) not in self.cells and (r, c) not in covered:
                    out.append((r, c))
        return out
