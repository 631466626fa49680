"""Import a table pasted or extracted from PDF (tab-separated text) into a clean Grid.

PDF extraction loses the merged cells and often the columns: a row may come out
shifted left or right, cut short, or with a value in the wrong column; the
project name, budget and goal (merged over several rows in the PDF) appear on
one row only, centred, and sometimes on the wrong side of a page break; long
goals are split over pages. This module puts it all back:

1. lines are split on tabs; title, ``金额单位`` and header rows are recognised
   (repeats at page breaks are dropped, each marks a page break), blank lines dropped;
2. each data row's non-empty cells are assigned, in order, to the twelve fields
   by a small dynamic programme (:func:`realign`) that maximises type
   compatibility and penalises changes of the column offset (ST007 per repaired row);
3. rows are grouped into projects (a row with a project name or budget starts one;
   goal-only rows are continuation fragments), rows at the bottom of a page that
   could belong to the next page's first project are attached so that both
   projects' weights reach the expected total (ST008);
4. units are assigned forward from each ``208001-…`` mention, the department row
   (``208-…``) is kept as its own row;
5. the clean grid is built with the project (and unit) merges.

Nothing is lost: every non-empty cell of the text ends up in the grid or in a
finding (ST010 for what cannot be placed). Pure: no openpyxl, no xlwings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional, Sequence

from ..core.blocks import is_department_text
from ..core.engine import read_finding
from ..core.grid import Grid, Merge, address
from ..core.headers import field_of_header
from ..core.model import FIELDS, Finding
from ..core.normalise import (
    compact,
    lists_whole_scale,
    normalise_comparator,
    normalise_direction,
    parse_number,
    split_value,
)
from ..core.taxonomy import normalise_level1, normalise_level2
from ..core.headers import MONEY_ROW_RE, TITLE_RE

FIELD_IDS: tuple[str, ...] = tuple(FIELDS)  # unit, project, budget, goal, level1, ...
HEADERS: tuple[str, ...] = tuple(FIELDS.values())
NFIELDS = len(FIELD_IDS)
(UNIT, PROJECT, BUDGET, GOAL, LEVEL1, LEVEL2, NAME, COMPARATOR, TARGET, MEASURE, WEIGHT,
 DIRECTION) = range(NFIELDS)
PROJECT_COLS = (PROJECT, BUDGET, GOAL)
NUMERIC_FIELDS = (BUDGET, TARGET, WEIGHT)

DEFAULT_TITLE = "部门预算项目绩效目标申报表"
DEFAULT_MONEY = "金额单位：万元"

_CODE_RE = re.compile(r"^\s*\d{3,}\s*[-－—–_]")
_QUOTES = set("\"'“”‘’„‟«»「」『』")
_PROJECT_SUFFIXES = ("经费", "专项", "费", "项目", "资金", "补助", "补贴", "工程", "建设")
_TRAILING_PAREN_RE = re.compile(r"\s*[(（][^()（）]*[)）]$")
_SENTENCE_PUNCT = "，。；;：:！？!?"
_UNIT_CHARS = set(
    "%％‰个次人年月日天时小分秒周季度件条套台项名元万亿千百米平方立公里亩吨户家所场期批篇份张本册"
    "座栋辆架部处宗起例支只趟节课轮班组队间幅艘门届顿斤升瓦度页字点床位株棵头羽尾只单元网格"
    "/()（）·.-²³"
)
_GRADE_CHARS = set("优良中差高低好较一般")
_GRADE_WORDS = {
    "是", "否", "达标", "合格", "完成", "提升", "提高", "显著", "明显", "有效", "满意", "基本满意",
    "达到预期", "良好", "优秀", "稳定", "持续", "及时", "准确", "规范", "安全", "保障",
}

# DP weights. Scores are log-likelihood-ish: + plausible, - unlikely, NEG impossible.
NEG = -9.0
DROP = -7.0  # leaving a cell unplaced (ST010)
SHIFT_CHANGE = 2.0  # changing the column offset between consecutive cells
SHIFT_PER_COL = 0.1  # ... plus this much per column of change (prefer small moves)


# --- results -------------------------------------------------------------------


@dataclass
class ImportedProject:
    """One project as imported: for summaries and tests."""

    name: Optional[str]
    budget: Optional[float]
    unit: Optional[str]
    rows: list[int]  # output sheet rows of its indicator rows
    lines: list[int]  # text lines it was built from
    weight_total: float
    goal: Optional[str] = None


@dataclass
class ImportResult:
    grid: Grid
    findings: list[Finding]
    source_lines: dict[int, int]  # output sheet row -> 1-based text line
    finding_lines: list[tuple[int, ...]] = field(default_factory=list)  # parallel to findings
    projects: list[ImportedProject] = field(default_factory=list)
    title: str = DEFAULT_TITLE
    encoding: str = ""  # how the text file was decoded (readers.source.decode_text), for the clerk

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.code] = out.get(f.code, 0) + 1
        return dict(sorted(out.items()))


# --- cell types and the realignment DP -------------------------------------------


def _is_quote_junk(text: str) -> bool:
    return bool(text) and all(ch in _QUOTES for ch in text.replace(" ", ""))


def _is_grade(t: str) -> bool:
    if t in _GRADE_WORDS:
        return True
    if len(t) <= 6 and all(ch in _GRADE_CHARS for ch in t):
        return True
    return lists_whole_scale(t)


def _is_measure(t: str) -> bool:
    if not t or len(t) > 6 or t[0].isdigit():
        return False
    return all(ch in _UNIT_CHARS or ch.isascii() and ch.isalnum() for ch in t)


@lru_cache(maxsize=4096)
def _scores(t: str) -> tuple[float, ...]:
    """How well the text fits each of the twelve fields."""
    s = [NEG] * NFIELDS
    if _CODE_RE.match(t):
        s[UNIT], s[PROJECT], s[GOAL], s[NAME] = 5, -2, -3, -3
        return tuple(s)
    if normalise_direction(t)[0] is not None:
        s[DIRECTION], s[NAME], s[TARGET], s[GOAL] = 5, -2, -2, -3
        return tuple(s)
    if normalise_comparator(t)[0] is not None:
        s[COMPARATOR], s[TARGET], s[NAME] = 5, -2, -3
        return tuple(s)
    n1, n2 = normalise_level1(t), normalise_level2(t)
    if n1.known or n2.known:
        # A word that is both (服务对象满意度指标, 满意度指标) leans to where it is canonical.
        both = n1.known and n2.known
        s[LEVEL1] = (3 if both and n1.alias_from else 4) if n1.known else -2
        s[LEVEL2] = (3 if both and n2.alias_from else 4) if n2.known else -2
        s[NAME], s[TARGET], s[MEASURE], s[UNIT], s[PROJECT], s[GOAL] = 0, -3, -4, -3, -3, -3
        return tuple(s)
    num = parse_number(t).value
    if num is not None:
        decimals = "." in t or "," in t or "，" in t
        s[BUDGET] = 3 if decimals else 1
        s[WEIGHT] = (1 if decimals else 3) if 0 < num <= 100 else -2
        s[TARGET], s[NAME], s[MEASURE], s[PROJECT] = 2, -3, -4, -3
        return tuple(s)
    if split_value(t) is not None or _is_grade(t):
        s[TARGET], s[NAME], s[MEASURE], s[GOAL], s[PROJECT], s[UNIT] = 3, -1, -2, -2, -2, -3
        s[LEVEL1] = s[LEVEL2] = -4
        return tuple(s)
    if _is_measure(t):
        s[MEASURE], s[TARGET], s[NAME], s[PROJECT], s[GOAL], s[UNIT] = 3, 0, -1, -2, -3, -3
        s[LEVEL1] = s[LEVEL2] = -4
        return tuple(s)
    long = len(t) >= 25 or any(p in t for p in _SENTENCE_PUNCT)
    project_like = len(t) <= 40 and _TRAILING_PAREN_RE.sub("", t).endswith(_PROJECT_SUFFIXES)
    s[UNIT] = -2.5 if project_like else -1
    s[PROJECT] = 3 if project_like else (-1 if long else 1)
    s[GOAL] = 2 if long else 0
    s[NAME] = 1 if long else 1.5
    s[TARGET] = -1 if long else 0
    s[MEASURE] = -3 if long else -2
    s[LEVEL1] = s[LEVEL2] = -3
    return tuple(s)


def _penalty(prev_off: int, off: int) -> float:
    return 0.0 if prev_off == off else SHIFT_CHANGE + SHIFT_PER_COL * abs(off - prev_off)


def realign(cells: Sequence[tuple[int, str]], colfield: Optional[Callable[[int], int]] = None) -> list[Optional[int]]:
    """Assign non-empty cells ``(column, text)``, in order, to fields (0..11) in increasing order.

    Maximises the sum of type scores minus a penalty for every change of the
    offset (field − the column's own field) between consecutive placed cells, the
    first cell's offset being compared with 0 (prefer no shift, then rigid shifts).
    A cell may be left unplaced (``None``) at a cost. Rows whose cells all fit their
    own columns are returned as they are.
    """
    n = len(cells)
    if n == 0:
        return []
    own = [colfield(c) if colfield else c for c, _ in cells]
    sc = [_scores(t) for _, t in cells]
    if all(0 <= own[i] < NFIELDS and sc[i][own[i]] >= 0 for i in range(n)) and all(
        own[i] < own[i + 1] for i in range(n - 1)
    ):
        return list(own)
    ninf = float("-inf")
    best = [[ninf] * NFIELDS for _ in range(n)]
    back: list[list[Optional[tuple[int, int]]]] = [[None] * NFIELDS for _ in range(n)]
    viable = [[f for f in range(NFIELDS) if sc[i][f] > NEG] for i in range(n)]
    for i in range(n):
        for f in viable[i]:
            off = f - own[i]
            cand, arg = DROP * i - _penalty(0, off), None
            for j in range(i):
                gap = DROP * (i - j - 1)
                row_j = best[j]
                for g in viable[j]:
                    if g >= f:
                        break
                    if row_j[g] == ninf:
                        continue
                    v = row_j[g] + gap - _penalty(g - own[j], off)
                    if v > cand + 1e-9:
                        cand, arg = v, (j, g)
            best[i][f] = cand + sc[i][f]
            back[i][f] = arg
    total, end = DROP * n, None
    for i in range(n):
        for f in viable[i]:
            v = best[i][f] + DROP * (n - 1 - i)
            if v > total + 1e-9:
                total, end = v, (i, f)
    out: list[Optional[int]] = [None] * n
    while end is not None:
        i, f = end
        out[i] = f
        end = back[i][f]
    return out


# --- rows, projects, units ---------------------------------------------------------


@dataclass
class _Row:
    line: int
    page: int
    cells: list[tuple[int, str]]  # the non-empty cells as extracted (junk included)
    colname: Callable[[int], str]
    values: dict[int, str] = field(default_factory=dict)  # field -> text
    moves: list[tuple[int, int, str]] = field(default_factory=list)  # (field, from column, text)
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # (column, text, why) -> ST007
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (column, text) -> ST010
    kind: str = "ind"  # dept | start | ind | goal | unit
    out_row: Optional[int] = None

    @property
    def has_indicator(self) -> bool:
        return any(f in self.values for f in range(LEVEL1, NFIELDS))

    def weight(self) -> float:
        v = self.values.get(WEIGHT)
        n = parse_number(v).value if v is not None else None
        return n or 0.0


@dataclass
class _Group:
    """A project: the start row (name/budget) and the rows that belong to it."""

    rows: list[_Row]
    start: Optional[_Row]
    unit: Optional[str] = None
    unit_line: Optional[int] = None

    @property
    def name(self) -> Optional[str]:
        return self.start.values.get(PROJECT) if self.start else None

    @property
    def label(self) -> str:
        return self.name or f"源文本第{self.rows[0].line}行起的项目"

    def weight(self) -> float:
        return sum(r.weight() for r in self.rows)

    def out_rows(self) -> list[_Row]:
        keep = [r for r in self.rows if r is self.start or r.kind in ("ind", "start")]
        return keep or self.rows[:1]


def _kind(row: _Row) -> str:
    v = row.values
    if UNIT in v and is_department_text(v[UNIT]) and PROJECT not in v and not row.has_indicator:
        return "dept"
    if PROJECT in v or BUDGET in v:
        return "start"
    if row.has_indicator:
        return "ind"
    if GOAL in v:
        return "goal"
    return "unit"


def _join(parts: list[str]) -> Optional[str]:
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out or None


def _number(text: str) -> object:
    n = parse_number(text)
    if n.value is None:
        return text
    if n.value.is_integer() and "." not in text:
        return int(n.value)
    return n.value


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _span(nums: list[int]) -> str:
    """[52, 53, 55] -> 52–53、55."""
    out: list[str] = []
    nums = sorted(nums)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return "、".join(out)


class _Importer:
    def __init__(self, text: str, sheet: str, expected_total: float):
        self.text = text
        self.sheet = sheet
        self.expected = expected_total
        self.findings: list[tuple[int, Finding, tuple[int, ...]]] = []  # (order key, finding, lines)
        self.title: Optional[str] = None
        self.title_line: Optional[int] = None
        self.money: Optional[str] = None
        self.money_line: Optional[int] = None
        self.header_line: Optional[int] = None
        self.rows: list[_Row] = []
        self.pre_lines: list[tuple[int, list[tuple[int, str]]]] = []  # junk before the header (ST010)
        self.moved: list[tuple[_Group, _Group, list[_Row]]] = []  # page-break moves (ST008)
        self.dup_units: list[tuple[_Row, str, _Row]] = []  # repeated unit mentions (ST010 info)

    # findings ---------------------------------------------------------------
    def add(self, code: str, src_lines: tuple[int, ...], *, cell: Optional[str] = None, row: Optional[int] = None,
            project: Optional[str] = None, severity=None, message: Optional[str] = None,
            message_en: Optional[str] = None, **params) -> None:
        f = read_finding(code, sheet=self.sheet, cell=cell, row=row, project=project, severity=severity,
                         message=message, message_en=message_en, **params)
        self.findings.append(((row or 0), f, src_lines))

    # 1. lines ---------------------------------------------------------------
    def read_lines(self) -> None:
        raw_lines = self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        parsed: list[tuple[int, list[tuple[int, str]], bool]] = []
        for i, line in enumerate(raw_lines, start=1):
            formfeed = "\f" in line
            cells = [(c, t.strip()) for c, t in enumerate(line.replace("\f", "").split("\t"))]
            parsed.append((i, [(c, t) for c, t in cells if t], formfeed))
        has_header = any(self._header_fields(cells) for _, cells, _ in parsed)

        colfield: Callable[[int], int] = lambda c: c  # noqa: E731
        colname: Callable[[int], str] = self._colname_default
        seen_header = not has_header
        page, pending_break = 0, False
        for lineno, cells, formfeed in parsed:
            if formfeed:
                pending_break = True
            if not cells:
                continue
            hdr = self._header_fields(cells)
            if hdr:
                if self.header_line is None:
                    self.header_line = lineno
                colfield, colname = self._column_maps(cells, hdr)
                seen_header = True
                pending_break = True
                continue
            if len(cells) == 1 and MONEY_ROW_RE.search(cells[0][1]):
                if self.money is None:
                    self.money, self.money_line = cells[0][1], lineno
                pending_break = True
                continue
            if len(cells) == 1 and self._is_title(cells[0][1]):
                if self.title is None and not self.rows:
                    self.title, self.title_line = cells[0][1], lineno
                    continue
                if self.title is not None and compact(cells[0][1]) == compact(self.title):
                    pending_break = True
                    continue
            if not seen_header:
                self.pre_lines.append((lineno, cells))
                continue
            if pending_break and self.rows:
                page += 1
            pending_break = False
            self.rows.append(self._data_row(lineno, page, cells, colfield, colname))

    @staticmethod
    def _is_title(t: str) -> bool:
        return bool(TITLE_RE.search(t)) and "表" in t and len(t) < 60 and not MONEY_ROW_RE.search(t)

    @staticmethod
    def _header_fields(cells: list[tuple[int, str]]) -> dict[int, int]:
        """column -> field index when the line is a header row (at least six known headers)."""
        found: dict[int, int] = {}
        for c, t in cells:
            f = field_of_header(t)
            if f in FIELDS and FIELD_IDS.index(f) not in found.values():
                found[c] = FIELD_IDS.index(f)
        return found if len(found) >= 6 else {}

    @staticmethod
    def _colname_default(c: int) -> str:
        return f"“{HEADERS[c]}”列" if 0 <= c < NFIELDS else f"第{c + 1}列（表头以外）"

    @staticmethod
    def _column_maps(cells: list[tuple[int, str]], hdr: dict[int, int]):
        names = dict(cells)
        last_c = max(hdr)

        def colfield(c: int) -> int:
            if c in hdr:
                return hdr[c]
            below = [k for k in hdr if k < c]
            if below:
                k = max(below)
                return hdr[k] + (c - k)
            k = min(hdr)
            return hdr[k] - (k - c)

        def colname(c: int) -> str:
            if c in names and c <= last_c:
                return f"“{names[c]}”列"
            return f"第{c + 1}列（表头以外）"

        return colfield, colname

    def _data_row(self, lineno: int, page: int, cells: list[tuple[int, str]],
                  colfield: Callable[[int], int], colname: Callable[[int], str]) -> _Row:
        row = _Row(lineno, page, cells, colname)
        real: list[tuple[int, str]] = []
        for c, t in cells:
            if _is_quote_junk(t):
                row.dropped.append((c, t, f"删除了{colname(c)}中多余的引号“{t}”（PDF残留）"))
            else:
                real.append((c, t))
        assign = realign(real, colfield)
        for (c, t), f in zip(real, assign):
            if f is None:
                row.unplaced.append((c, t))
                continue
            row.values[f] = t
            if f != colfield(c):
                row.moves.append((f, c, t))
        unit, proj = row.values.get(UNIT), row.values.get(PROJECT)
        if unit is not None and proj is not None and compact(unit) == compact(proj):
            # PDF artefact: the project name printed again in 单位名称.
            c = next(c for (c, _), f in zip(real, assign) if f == UNIT)
            row.moves = [m for m in row.moves if m[0] != UNIT]
            del row.values[UNIT]
            row.dropped.append((c, unit, f"{colname(c)}中的“{unit}”与项目名称重复（PDF残留），已删除"))
        row.kind = _kind(row)
        return row

    # 2. projects --------------------------------------------------------------
    def group(self) -> list[object]:
        """Rows -> an ordered list of department rows and project groups."""
        items: list[object] = []
        cur: Optional[_Group] = None
        pending: list[_Row] = []  # unit-only rows before any project: they open the next one
        first_of_page: set[int] = set()
        last_page = -1
        for r in self.rows:
            if r.page != last_page:
                first_of_page.add(id(r))
                last_page = r.page
        for r in self.rows:
            if r.kind == "dept":
                items.append(r)
                cur = None
                continue
            if r.kind == "start" and cur is not None and cur.name and id(r) in first_of_page and self._repeats(cur, r):
                self._fold_repeat(cur, r)
            if r.kind == "start":
                cur = _Group(pending + [r], r)
                items.append(cur)
                pending = []
            elif cur is None and r.kind == "unit":
                pending.append(r)
            elif cur is None:
                cur = _Group(pending + [r], None)
                items.append(cur)
                pending = []
            else:
                cur.rows.append(r)
        if pending:
            items.append(_Group(pending, None))
        return items

    @staticmethod
    def _repeats(cur: _Group, r: _Row) -> bool:
        name = r.values.get(PROJECT)
        if name is None or compact(name) != compact(cur.name or ""):
            return False
        b_new, b_old = r.values.get(BUDGET), cur.start.values.get(BUDGET) if cur.start else None
        return b_new is None or b_old is None or parse_number(b_new).value == parse_number(b_old).value

    def _fold_repeat(self, cur: _Group, r: _Row) -> None:
        """A project name (and budget) repeated at the top of a page: the project continues."""
        first_goal = cur.start.values.get(GOAL) if cur.start else None
        for f in (PROJECT, BUDGET, GOAL):
            if f == GOAL and (first_goal is None or compact(r.values.get(GOAL, "")) != compact(first_goal)):
                continue
            if f in r.values:
                t = r.values.pop(f)
                r.dropped.append((f, t, f"{HEADERS[f]}“{t}”在新页顶部重复出现，已并入同一项目"))
        r.kind = _kind(r)

    # 3. page breaks -------------------------------------------------------------
    def resolve_page_breaks(self, items: list[object]) -> None:
        groups = [g for g in items if isinstance(g, _Group)]
        owner: dict[int, _Group] = {id(r): g for g in groups for r in g.rows}
        breaks: list[tuple[_Group, _Group, list[_Row]]] = []
        for prev, nxt in zip(self.rows, self.rows[1:]):
            if nxt.page == prev.page:
                continue
            P, Q = owner.get(id(prev)), owner.get(id(nxt))
            if P is None or Q is None or P is Q or Q.start is not nxt:
                continue  # department row, or the page continues the project
            cand = [r for r in P.rows if r.page == prev.page and r is not P.start]
            if cand:
                breaks.append((P, Q, cand))
        # Chains: Q of one break is P of the next (a project spanning a page).
        chains: list[list[tuple[_Group, _Group, list[_Row]]]] = []
        for b in breaks:
            if chains and chains[-1][-1][1] is b[0]:
                chains[-1].append(b)
            else:
                chains.append([b])
        for chain in chains:
            ks = self._best_ks(chain)
            for (P, Q, cand), k in zip(chain, ks):
                if k == 0:
                    continue
                moved = cand[len(cand) - k:]
                P.rows = P.rows[: len(P.rows) - k]
                Q.rows = moved + Q.rows
            for (P, Q, cand), k in zip(chain, ks):
                if k:
                    self.moved.append((P, Q, cand[len(cand) - k:]))

    def _best_ks(self, chain: list[tuple[_Group, _Group, list[_Row]]]) -> list[int]:
        """Minimise Σ|total − E| over the chain's projects; ties -> smaller k, earlier first."""
        E = self.expected
        projects = [chain[0][0]] + [q for _, q, _ in chain]
        W = [p.weight() for p in projects]
        moved_w = [[sum(r.weight() for r in cand[len(cand) - k:]) if k else 0.0 for k in range(len(cand) + 1)]
                   for _, _, cand in chain]
        # best[i][k]: (cost of projects 0..i, tie-break tuple of ks) with k moved at break i
        m = len(chain)
        best: list[list[tuple[float, tuple[int, ...]]]] = []
        for i in range(m):
            row: list[tuple[float, tuple[int, ...]]] = []
            for k in range(len(chain[i][2]) + 1):
                if i == 0:
                    cand = (round(abs(W[0] - moved_w[0][k] - E), 9), (k,))
                else:
                    opts = []
                    for kp, (cost, ks) in enumerate(best[i - 1]):
                        c = cost + abs(W[i] + moved_w[i - 1][kp] - moved_w[i][k] - E)
                        opts.append((round(c, 9), ks + (k,)))
                    cand = min(opts, key=lambda o: (o[0], sum(o[1]), o[1]))
                row.append(cand)
            best.append(row)
        finals = []
        for kp, (cost, ks) in enumerate(best[-1]):
            finals.append((round(cost + abs(W[m] + moved_w[m - 1][kp] - E), 9), ks))
        return list(min(finals, key=lambda o: (o[0], sum(o[1]), o[1]))[1])

    # 4. units --------------------------------------------------------------------
    def assign_units(self, items: list[object]) -> None:
        groups = [g for g in items if isinstance(g, _Group)]
        mentions: list[tuple[int, str, _Row]] = []
        for gi, g in enumerate(groups):
            for r in g.rows:
                if r.kind != "dept" and UNIT in r.values:
                    mentions.append((gi, r.values[UNIT], r))
        if not mentions:
            return
        # A mention applies from its project onwards; a second different mention in the
        # same project applies from the next project.
        starts: list[tuple[int, str, _Row]] = []
        for gi, text, r in mentions:
            if starts and compact(starts[-1][1]) == compact(text):
                self.dup_units.append((r, text, starts[-1][2]))
                continue
            at = gi if not starts else max(gi, starts[-1][0] + 1)
            if at >= len(groups):
                self.add("ST010", (r.line,), cell=None, row=None, value=text, line=r.line,
                         message=_ST010_IMPORT)
                continue
            starts.append((at, text, r))
        for gi, g in enumerate(groups):
            current = starts[0]
            for s in starts:
                if s[0] <= gi:
                    current = s
            g.unit, g.unit_line = current[1], current[2].line

    # 5. output ------------------------------------------------------------------
    def build(self) -> ImportResult:
        self.read_lines()
        items = self.group()
        self.resolve_page_breaks(items)
        self.assign_units(items)

        title = self.title or DEFAULT_TITLE
        money = self.money or DEFAULT_MONEY
        out: list[list[object]] = [
            [title] + [None] * (NFIELDS - 1),
            [money] + [None] * (NFIELDS - 1),
            list(HEADERS),
        ]
        source_lines: dict[int, int] = {}
        if self.title_line:
            source_lines[1] = self.title_line
        if self.money_line:
            source_lines[2] = self.money_line
        if self.header_line:
            source_lines[3] = self.header_line
        merges: list[Merge] = [Merge(0, 0, 0, NFIELDS - 1)]
        projects: list[ImportedProject] = []
        group_of_row: dict[int, _Group] = {}
        unit_runs: list[tuple[str, int, int]] = []  # (unit text, first grid row, last grid row)

        for item in items:
            if isinstance(item, _Row):  # department
                vals: list[object] = [None] * NFIELDS
                for f, t in item.values.items():
                    vals[f] = _number(t) if f in NUMERIC_FIELDS else t
                out.append(vals)
                item.out_row = len(out)
                source_lines[item.out_row] = item.line
                continue
            g = item
            rows = g.out_rows()
            first = len(out)
            goal = _join([r.values[GOAL] for r in g.rows if GOAL in r.values])
            for i, r in enumerate(rows):
                vals = [None] * NFIELDS
                for f in range(LEVEL1, NFIELDS):
                    if f in r.values:
                        vals[f] = _number(r.values[f]) if f in NUMERIC_FIELDS else r.values[f]
                if i == 0 and g.start is not None:
                    if PROJECT in g.start.values:
                        vals[PROJECT] = g.start.values[PROJECT]
                    if BUDGET in g.start.values:
                        vals[BUDGET] = _number(g.start.values[BUDGET])
                if i == 0:
                    vals[GOAL] = goal
                out.append(vals)
                r.out_row = len(out)
                source_lines[r.out_row] = r.line
            last = len(out) - 1
            for r in g.rows:
                group_of_row[id(r)] = g
                if r.out_row is None:
                    r.out_row = first + 1  # folded into the project's first row
            if last > first:
                for c in PROJECT_COLS:
                    merges.append(Merge(first, c, last, c))
            if g.unit is not None:
                if unit_runs and unit_runs[-1][0] == g.unit and unit_runs[-1][2] == first - 1:
                    unit_runs[-1] = (g.unit, unit_runs[-1][1], last)
                else:
                    unit_runs.append((g.unit, first, last))
            projects.append(ImportedProject(
                name=g.name, budget=_as_float(g.start.values.get(BUDGET)) if g.start else None, unit=g.unit,
                rows=[r.out_row for r in rows if r.out_row], lines=[r.line for r in g.rows],
                weight_total=g.weight(), goal=goal,
            ))
        for text, r1, r2 in unit_runs:
            out[r1][UNIT] = text
            if r2 > r1:
                merges.append(Merge(r1, UNIT, r2, UNIT))

        self._row_findings(group_of_row)
        self._page_findings()
        for lineno, cells in self.pre_lines:
            self.add("ST010", (lineno,), value=" | ".join(t for _, t in cells), line=lineno, message=_ST010_IMPORT)

        grid = Grid(self.sheet, out, merges, source="")
        self.findings.sort(key=lambda x: (x[0], x[1].code))
        return ImportResult(
            grid=grid,
            findings=[f for _, f, _ in self.findings],
            source_lines=source_lines,
            finding_lines=[lines for _, _, lines in self.findings],
            projects=projects,
            title=title,
        )

    def _row_findings(self, group_of_row: dict[int, _Group]) -> None:
        dup_by_row: dict[int, list[tuple[str, _Row]]] = {}
        for r, text, first in self.dup_units:
            dup_by_row.setdefault(id(r), []).append((text, first))
        for r in self.rows:
            g = group_of_row.get(id(r))
            project = g.name if g else None
            srow = r.out_row
            details: list[str] = []
            first_cell: Optional[str] = None
            for c, t, why in sorted(r.dropped, key=lambda x: x[0]):
                details.append(why)
                first_cell = first_cell or (address(srow, c + 1) if srow else None)
            for run in _shift_runs(sorted(r.moves, key=lambda x: x[0])):
                f0, c0, t0 = run[0]
                first_cell = first_cell or (address(srow, f0 + 1) if srow else None)
                if len(run) >= 3:  # a rigid shift: say it once, not field by field
                    k = f0 - c0
                    side = "左" if k > 0 else "右"
                    details.append(f"“{HEADERS[f0]}”至“{HEADERS[run[-1][0]]}”的{len(run)}个值整体{side}移了{abs(k)}列，已移回原位")
                else:
                    details.extend(f"{HEADERS[f]}“{_short(t)}”由{r.colname(c)}移回“{HEADERS[f]}”列" for f, c, t in run)
            if details:
                # a repair already made: nothing left for the clerk to do (提示, like ST008)
                self.add("ST007", (r.line,), cell=first_cell, row=srow, project=project, severity="info",
                         detail="；".join(details) + f"（源文本第{r.line}行）")
            for c, t in r.unplaced:
                self.add("ST010", (r.line,), cell=address(srow, c + 1) if srow else None, row=srow,
                         project=project, value=t, line=r.line, message=_ST010_IMPORT)
            for text, first in dup_by_row.get(id(r), []):
                self.add("ST010", (r.line,), cell=address(srow, UNIT + 1) if srow else None, row=srow,
                         project=project, severity="info", value=text, line=r.line, first=first.line,
                         message=_ST010_DUP_UNIT, message_en=_ST010_DUP_UNIT_EN)

    def _page_findings(self) -> None:
        for P, Q, moved in self.moved:
            out_rows = [r.out_row for r in moved if r.kind in ("ind", "start") and r.out_row]
            lines = tuple(r.line for r in moved)
            anchor = Q.rows[0].out_row
            self.add(
                "ST008", lines, cell=address(anchor, PROJECT + 1) if anchor else None, row=anchor,
                project=Q.label, rows=_span(out_rows or [anchor]), lines=_span(list(lines)), prev=P.label,
                totals=f"{_fmt_num(P.weight())}和{_fmt_num(Q.weight())}", message=_ST008_IMPORT,
            )


def _shift_runs(moves: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Consecutive fields moved by the same offset, as runs (moves sorted by field)."""
    runs: list[list[tuple[int, int, str]]] = []
    for m in moves:
        last = runs[-1][-1] if runs else None
        if last is not None and m[0] == last[0] + 1 and m[0] - m[1] == last[0] - last[1]:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


# Import-specific wordings (the registry templates stay generic for the workbook readers).
_ST008_IMPORT = ("{cell} 第{rows}行（源文本第{lines}行）位于分页处、没有项目名称，已从“{prev}”归入下一页开始的"
                 "“{project}”，使两个项目的权重合计分别为{totals}")
_ST010_IMPORT = "{cell} 的内容“{value}”（源文本第{line}行）不属于任何字段，未被读取"
_ST010_DUP_UNIT = ("{cell} 的单位名称“{value}”（源文本第{line}行）与第{first}行的单位重复，已并入同一单位的合并单元格")
_ST010_DUP_UNIT_EN = "repeated unit name folded"


def _as_float(text: Optional[str]) -> Optional[float]:
    return parse_number(text).value if text is not None else None


def import_text(text: str, *, sheet: str = "绩效目标表", expected_total: float = 90.0) -> ImportResult:
    """Tab-separated text (pasted or extracted from PDF) -> the clean table and what was repaired.

    ``grid`` is the table exactly as it is written to the workbook (title, 金额单位,
    the twelve headers, the department row, the project rows with their merges);
    ``findings`` address the cells of that grid and name the text line they came from;
    ``source_lines`` maps each output sheet row to its text line.
    """
    return _Importer(text, sheet, expected_total).build()
