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
  amount (``854万854万``) read once and flagged (``normalise.parse_amount``);
* level names with the points a form states for them (``产出指标(50分)``, ``产出指标（40-50分）``,
  ``绩效指标(权重分值90分,其中产出指标权重分值50分…)``), points kept for the rules
  (``normalise.parse_stated_points``).

Everything here is pure and cheap: the readers call it on the first rows of every sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from ..grid import Grid, is_blank
from ..headers import LABEL_LOOKUP
from ..normalise import Amount, StatedPoints, parse_amount, to_wan  # noqa: F401 (re-exported, see below)
from ..normalise import _memo, clean_text, compact, parse_stated_points

# --- label text ----------------------------------------------------------------------------

_BRACKET_RE = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
_SUB_RE = re.compile(r"^其中\s*[:：]?\s*")
_COLON_RE = re.compile(r"[:：]")
_UNIT_NOTE_RE = re.compile(r"^(万元|元|千元|亿元)$")
MAX_LABEL = 24  # longer text is a value, never a label
# An enumeration before a label (二、自有资金, 三、其他, (一)财政拨款, 1.财政拨款, 1、…): not part of
# the label. ``1总体概念规划`` (no separator) and ``1.5万元`` keep theirs.
_ENUM_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]"
                      r"|\d{1,2}\s*[、.．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])\s*")
# Roles an enumerated label never has: a numbered line (1.项目名称：填写…) is a note, not a form's subject.
_NOT_ENUMERATED = frozenset({"project", "department", "unit", "org"})


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
    m = _ENUM_RE.match(head)
    if m and m.end() < len(head):
        bare = _BRACKET_RE.sub("", compact(head[m.end():])).strip("*＊★:：")
        if bare and (LABEL_LOOKUP.get(key) is None or bare == key) and LABEL_LOOKUP.get(bare) not in _NOT_ENUMERATED:
            at = s.find(head)
            key, s = bare, (s[:at] + s[at + m.end():]) if at >= 0 else s
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


# --- amounts and stated points: the one reading of each is in core.normalise ------------------

# The form-like readers import parse_amount (and Amount, StatedPoints, to_wan) from here with the
# rest of their label vocabulary.

def stated_points(v: Any) -> dict[str, float]:
    """Every ``名称…N分`` a banner states: ``绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标
    权重分值30分)`` -> {绩效指标: 90, 产出指标: 50, 效益指标: 30} (``StatedPoints.named``)."""
    sp = parse_stated_points(v)
    return sp.named() if sp is not None else {}



# --- amounts listed in one cell: 设备购置50万元，人员经费20万元 / 1.人员成本：20万元；2.设备：50万元 ---------

# Pieces are cut at 、，； and line breaks, and at a space before an enumeration (1.人员 2.设备).
# (a comma before three digits is a thousands separator: 1,200元).
_LIST_CUT_RE = re.compile(r"[，;；、\n]+|,(?!\d{3}(?!\d))|\s+(?=\d{1,2}\s*[、.．](?!\d)|[(（]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|[①-⑩])")
# label, an optional colon, an optional calculation ending in =, the amount and its unit, at the end
_LISTED_RE = re.compile(r"^(?P<label>.*?[^\d\s.,，])\s*(?P<colon>[:：])?\s*(?:(?P<calc>[^:：=]*\d[^:：=]*)[=＝]\s*)?"
                        r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元|万)?\s*[。.]?$")
# 2人×10万元, 5台*2万元: a quantity times a price
_CALC_RE = re.compile(r"\d[^\d×xX*＊乘]{0,4}[×xX*＊乘]\s*\d")
_OPERATOR_RE = re.compile(r"[×*＊÷=＝+＋]|\d\s*[xX/]\s*\d|[-－/]$")
_ENUM_ONLY_RE = re.compile(r"[(（]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）.．]?")


@dataclass(frozen=True, slots=True)
class Listed:
    """One amount a cell lists: ``label`` as written (no enumeration, no ``其中：``), ``amount``
    in 万元, the ``unit`` the piece wrote (None: the block's), ``calc`` the calculation written
    before ``=`` (``2人×10万元``) when the piece gives one."""

    label: str
    amount: float
    unit: Optional[str] = None
    calc: Optional[str] = None


def is_calculation(v: Any) -> bool:
    """``2人×10万元``: a quantity times a price, the calculation (测算依据) of one amount."""
    return isinstance(v, str) and bool(_CALC_RE.search(v))


@_memo
def listed_amounts(v: Any, default_unit: Optional[str] = "万元") -> tuple[Listed, ...]:
    """The amounts one cell lists with their labels (a breakdown written in one cell):
    ``设备购置50万元，人员经费20万元，培训费10万元``, ``1.人员成本：20万元；2.设备：50万元``,
    ``人员经费：2人×10万元=20万元；设备50万元``. Empty unless every piece is a label and an amount
    (with a money unit or after a colon) and there are two at least: a calculation such as
    ``2人×10万元`` lists nothing (it is how one amount was reached), nor does ``培训2期，每期50人``."""
    s = clean_text(v) if isinstance(v, str) else None
    if not s or not any(ch.isdigit() for ch in s):
        return ()
    out: list[Listed] = []
    pending = ""
    for piece in _LIST_CUT_RE.split(s):
        piece = piece.strip()
        if not piece:
            continue
        whole = f"{pending}、{piece}" if pending else piece
        m = _LISTED_RE.match(whole)
        if m is None or not (m.group("unit") or m.group("colon")):
            if not any(ch.isdigit() for ch in piece) or _ENUM_ONLY_RE.fullmatch(piece):
                pending = whole  # 设备、家具50万元, 1、人员: the label goes on in the next piece
                continue
            return ()
        pending = ""
        label = m.group("label").strip(" 、，,；;:：")
        e = _ENUM_RE.match(label)
        if e and e.end() < len(label):
            label = label[e.end():]
        label = _SUB_RE.sub("", label).strip()
        if not label or len(label) > MAX_LABEL or not re.search(r"[\u4e00-\u9fffA-Za-z]", label) or \
                _OPERATOR_RE.search(label):
            return ()
        unit = m.group("unit")
        amount = to_wan(float(m.group("num").replace(",", "")), unit or default_unit)
        out.append(Listed(label, amount, unit, (m.group("calc") or "").strip() or None))
    if pending or len(out) < 2:
        return ()
    return tuple(out)


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
