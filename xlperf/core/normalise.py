"""Reading what clerks type: numbers, comparators, directions, units, combined value cells.

Every parser returns the canonical value *and* whether the cell already said it
that way, so the NM rules can offer a fix without a second parse.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Optional

_WS_RE = re.compile(r"[\s\u3000\u00a0]+")
_WS_NEEDS_WORK = re.compile(r"[\t\n\r\f\v\u3000\u00a0\u2000-\u200b]| {2}")
# Cell values repeat heavily (≥, 正向指标, 产出指标 …): parsers are memoised. typed=True keeps
# 1, 1.0 and True apart.
_memo = lru_cache(maxsize=16384, typed=True)
# The same for a function of one str (or None), which needs no type in its key: a typed key is a
# tuple built on every call, 87 against 47 ns a hit (is_money is asked several times a row).
_str_memo = lru_cache(maxsize=16384)


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def clean_text(v: Any) -> Optional[str]:
    """Cell value -> stripped single-line text, or None when blank."""
    if v.__class__ is str:
        return _clean_str(v)
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer() and abs(v) < MAX_NUMBER:  # 1e308 stays "1e+308"
        v = int(v)
    return _clean(str(v))


def _clean(s: str) -> Optional[str]:
    s = s.strip()
    if _WS_NEEDS_WORK.search(s):
        s = _WS_RE.sub(" ", s).strip()
    return s or None


# A text cell's, memoised: a list repeats its names, goals and units row after row (464 -> 57 ns
# a hit; the 10k bench's build asks 15,000 times).
_clean_str = _str_memo(_clean)


def text_unless_number(number: Optional[float], raw: Any) -> Optional[str]:
    """A cell that could not be read as a number (``十``, ``一百``, ``约100万``) as the clerk wrote
    it (cleaned); None when it was read as one, or is blank. Writers put it where the number
    would go, so the value is shown instead of lost."""
    return clean_text(raw) if number is None else None


def compact(s: str) -> str:
    """Text for matching: NFKC, no whitespace at all."""
    return _WS_RE.sub("", nfkc(s))


def has_stray_space(v: Any) -> bool:
    """Leading/trailing spaces or line breaks in a short field (NM003)."""
    return isinstance(v, str) and v != "" and (v != v.strip() or "\n" in v or "\r" in v or "\u3000" in v)


# --- numbers ---------------------------------------------------------------

# Numbers at or beyond this size are not amounts, weights or targets anyone writes (Excel keeps
# 15 significant digits; 1e15 万元 is a thousand times the world's GDP). Read as "not a valid
# number" (kind "range"), so no sum or comparison of them can overflow to inf, and none raises.
MAX_NUMBER = 1e15

_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Number:
    value: Optional[float]
    # how the cell held it: "number", "text", "fullwidth", "thousands", "bool", "date", "blank", "invalid",
    # "range" (a number, but not finite or at least MAX_NUMBER in size)
    kind: str


@_memo
def parse_number(v: Any) -> Number:
    if v is None:
        return Number(None, "blank")
    if isinstance(v, bool):
        return Number(None, "bool")
    if isinstance(v, (int, float)):
        try:
            f = float(v)
        except OverflowError:  # an int too large for a float
            return Number(None, "range")
        if not abs(f) < MAX_NUMBER:  # NaN and ±inf too
            return Number(None, "range")
        return Number(f, "number")
    if isinstance(v, (datetime, date, time)):
        return Number(None, "date")
    s = str(v).strip()
    if not s:
        return Number(None, "blank")
    kind = "text"
    n = nfkc(s).replace(" ", "")
    if n != s.replace(" ", ""):
        kind = "fullwidth"
    n = n.replace("，", ",")
    if _THOUSANDS_RE.match(n):
        kind = "thousands" if kind == "text" else kind
        n = n.replace(",", "")
    if _NUM_RE.match(n):
        f = float(n)
        if not abs(f) < MAX_NUMBER:  # "1e400" is inf, "1e308" would overflow a sum
            return Number(None, "range")
        return Number(f, kind)
    return Number(None, "invalid")


# --- comparators (指标性质) ------------------------------------------------

COMPARATORS = ("≥", "≤", "=", ">", "<", "定性")
_COMPARATOR_ALIASES = {
    "≥": "≥", ">=": "≥", "≧": "≥", "=>": "≥", "大于等于": "≥", "大于或等于": "≥", "不低于": "≥",
    "不少于": "≥", "不小于": "≥", "至少": "≥",
    "≤": "≤", "<=": "≤", "≦": "≤", "=<": "≤", "小于等于": "≤", "小于或等于": "≤", "不高于": "≤",
    "不超过": "≤", "不大于": "≤", "不多于": "≤", "至多": "≤",
    "=": "=", "==": "=", "等于": "=",
    ">": ">", "大于": ">", "高于": ">", "多于": ">",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "定性": "定性", "定性指标": "定性",
}
# 定量 says "quantitative" without saying which comparator: the value cell must carry it.
QUANTITATIVE_ONLY = "定量"


@_memo
def normalise_comparator(v: Any) -> tuple[Optional[str], bool]:
    """-> (canonical or None if unknown/blank, already canonical)."""
    s = clean_text(v)
    if s is None:
        return None, True
    key = compact(s)
    canon = _COMPARATOR_ALIASES.get(key)
    if canon is None and key in ("定量", "定量指标"):
        return QUANTITATIVE_ONLY, s == QUANTITATIVE_ONLY
    return canon, canon is not None and s == canon


# --- directions (指标方向性) ------------------------------------------------

DIRECTIONS = ("正向指标", "反向指标")
_DIRECTION_ALIASES = {
    "正向指标": "正向指标", "正向": "正向指标", "正指标": "正向指标", "越大越好": "正向指标",
    "反向指标": "反向指标", "反向": "反向指标", "逆向指标": "反向指标", "逆向": "反向指标",
    "负向指标": "反向指标", "负向": "反向指标", "越小越好": "反向指标",
}


@_memo
def normalise_direction(v: Any) -> tuple[Optional[str], bool]:
    s = clean_text(v)
    if s is None:
        return None, True
    canon = _DIRECTION_ALIASES.get(compact(s))
    return canon, canon is not None and s == canon


def direction_for(comparator: Optional[str]) -> Optional[str]:
    """The direction a comparator implies (≥ > → 正向, ≤ < → 反向), None when either is allowed."""
    if comparator in ("≥", ">"):
        return "正向指标"
    if comparator in ("≤", "<"):
        return "反向指标"
    return None


# --- units of measure (度量单位) --------------------------------------------

_MEASURE_ALIASES = {"％": "%", "百分比": "%", "百分率": "%", "百分之": "%", "%%": "%"}
MONEY_UNITS = {"万元": 1.0, "元": 0.0001, "万": 1.0, "亿元": 10000.0, "千元": 0.1}
TIME_UNITS = ("年", "月", "日", "天", "工作日", "小时", "季度", "周", "个月", "分钟", "时", "秒", "学期", "学年")


@_memo
def normalise_measure(v: Any) -> tuple[Optional[str], bool]:
    s = clean_text(v)
    if s is None:
        return None, True
    key = compact(s)
    canon = _MEASURE_ALIASES.get(key, key)
    return canon, canon == s


def is_percent(measure: Optional[str]) -> bool:
    return measure == "%"


def money_factor(measure: Optional[str]) -> Optional[float]:
    """Multiplier that turns an amount in this unit into 万元; None if not money.

    Per-head rates (元/人, 元/月) are money too but not comparable with a budget.
    """
    if measure is None:
        return None
    return MONEY_UNITS.get(measure)


@_str_memo
def is_money(measure: Optional[str]) -> bool:
    if measure is None:
        return False
    return measure in MONEY_UNITS or bool(re.match(r"^(万?元|万)/", measure))


@_str_memo  # VL012 asks for every 时效指标 row; a unit is one of a few dozen texts
def is_time_unit(measure: Optional[str]) -> bool:
    if measure is None:
        return False
    m = measure.replace("次/", "").strip()
    return any(m == u or m.endswith("/" + u) or m == "个" + u for u in TIME_UNITS) or m in TIME_UNITS


# --- combined value cells: ≥80%, ≤90万元, =100%, 250万, ≥100百分比, >92% -------

_SPLIT_RE = re.compile(
    r"^(?P<cmp>≥|≤|>=|<=|=>|=<|≧|≦|==|=|>|<|不低于|不少于|不小于|不高于|不超过|不大于|不多于|大于等于|小于等于|大于|小于|等于)?"
    r"\s*(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
    r"\s*(?P<unit>[^\d\s][^\d]{0,11})?$"
)


@dataclass(frozen=True, slots=True)
class SplitValue:
    comparator: Optional[str]  # canonical
    number: float
    measure: Optional[str]  # canonical
    comparator_raw: Optional[str]
    measure_raw: Optional[str]


def split_value(v: Any) -> Optional[SplitValue]:
    """``≥80%`` -> (≥, 80, %). None when the cell is not comparator+number+unit."""
    if not isinstance(v, str):
        return None
    s = nfkc(v).strip().replace("，", ",")
    m = _SPLIT_RE.match(s)
    if not m:
        return None
    cmp_raw = m.group("cmp")
    unit_raw = (m.group("unit") or "").strip() or None
    if cmp_raw is None and unit_raw is None:
        return None  # a plain number stored as text: NM002's business, not a split
    if unit_raw is not None and re.search(r"[,，;；、/].*\d", unit_raw):
        return None  # "80%/90%" or a list: not one value
    cmp = _COMPARATOR_ALIASES.get(cmp_raw) if cmp_raw else None
    measure, _ = normalise_measure(unit_raw)
    return SplitValue(cmp, float(m.group("num").replace(",", "")), measure, cmp_raw, unit_raw)


_HAS_DIGIT_RE = re.compile(r"\d")
IMPLIED_NOTE = "implied:comparator"


def implied_comparator(target: Any) -> Optional[str]:
    """The comparator a value says when the table has no 指标性质 (or it is empty everywhere):
    a number — also a split ``100%`` / ``20座`` (the caller passes the number) — reads as ``=``;
    text with no digit (``持续改善``, ``高中低``) as ``定性``; None otherwise (``2019年12月前``:
    a text holding a number is not guessed at). ``target`` is the parsed 指标值."""
    if target is None or isinstance(target, bool):
        return None
    if isinstance(target, (int, float)):
        return "="
    if isinstance(target, str) and target.strip() and not _HAS_DIGIT_RE.search(target):
        return "定性"
    return None


# --- qualitative grades ------------------------------------------------------

# Scales clerks paste whole instead of choosing one grade.
_SCALE_GRADES = [
    ("优", "良", "中", "低", "差"),
    ("高", "中", "低"),
    ("好", "较好", "一般", "较差", "差"),
    ("显著", "较显著", "一般"),
    ("达到预期", "部分达到", "未达到"),
    ("达成", "部分达成", "未达成"),
    ("优", "良", "中", "差"),
    ("优", "良", "差"),
    ("是", "否"),
]
_SEPARATORS_RE = re.compile(r"[\s/、,，;；|\\]+")


def lists_whole_scale(v: Any) -> bool:
    """True for 高中低, 优良中低差, 高/中/低, 优、良、中、差 — a scale, not a grade."""
    s = clean_text(v)
    if s is None:
        return False
    parts = [p for p in _SEPARATORS_RE.split(compact(s)) if p]
    if len(parts) >= 2:
        for scale in _SCALE_GRADES:
            if len(parts) >= 2 and all(p in scale for p in parts):
                return True
        return False
    joined = parts[0] if parts else ""
    for scale in _SCALE_GRADES:
        if len(joined) >= 2 and all(len(g) == 1 for g in scale) and all(ch in scale for ch in joined) and len(set(joined)) == len(joined) and len(joined) >= 3:
            return True
    return False


def looks_numeric_text(v: Any) -> bool:
    """A 定性 target that is really a number or number + unit (VL003)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if not isinstance(v, str):
        return False
    return parse_number(v).value is not None or split_value(v) is not None


# --- amounts written in funds cells: 854万(高标准农田建设400万元,…), 10000万元, 854万854万 ---------

_AMOUNT_RE = re.compile(r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>亿元|亿|万元|千元|元|万)?")
_PARTS_RE = re.compile(r"[(（](.*)[)）]")
_PART_SPLIT_RE = re.compile(r"[,，;；、]")


def to_wan(value: float, unit: Optional[str]) -> float:
    """An amount in ``unit`` (万元 when None) in 万元; division keeps 12345 元 = 1.2345 exact."""
    if unit == "元":
        return value / 10000
    if unit == "千元":
        return value / 10
    if unit in ("亿元", "亿"):
        return value * 10000
    return value


@dataclass(frozen=True, slots=True)
class Amount:
    """A money cell read: ``value`` in 万元 (None when no amount could be read), the unit the
    cell itself wrote (``unit``), the amounts listed in brackets (``parts``: label, 万元),
    ``repeated`` when the same amount is written twice before them (``854万854万``: read once),
    ``text`` the cell as written when it was not a plain number."""

    value: Optional[float]
    unit: Optional[str] = None
    parts: tuple[tuple[str, float], ...] = ()
    repeated: bool = False
    text: Optional[str] = None


@_memo
def parse_amount(v: Any, default_unit: Optional[str] = "万元") -> Amount:
    """A funds cell in 万元: ``120``, ``120万``, ``10000万元``, ``1,200元``, ``3.5亿元``,
    ``854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)``, ``854万854万(…)``.

    A plain number is in ``default_unit`` (the label's ``(万元)``, the sheet's 金额单位); an amount
    written with its unit honours it; two different amounts (``3万 5万``) are not one value.
    The one reading of money cells: the layout readers store what it returns in ``FundLine`` /
    the duty lines (amount, parts, repeated, text), and the BG rules read those."""
    if v is None or (isinstance(v, str) and not v.strip()):
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
                pass  # the last amount of a piece is its figure (高标准农田建设2022年400万元)
            if m is None:
                continue
            label = piece[: m.start()].strip()
            parts.append((label, to_wan(float(m.group("num").replace(",", "")), m.group("unit") or unit or default_unit)))
    return Amount(to_wan(first, unit or default_unit), unit, tuple(parts), repeated, text)


# --- points stated on labels: 产出指标(50分), 产出指标（40-50分）, 效益指标30分, 绩效指标(权重分值90分,其中…) ---

# The label's own points: first in a bracket, after a note (权重分值, 一级指标权重) but not right
# after a part's name (产出指标（数量指标20分、…）: 20 is 数量指标's), or written last without one
# (效益指标30分). A range is 40-50分.
_POINTS_RE = re.compile(
    r"[(（][^()（）\d,，;；、]*?(?<!指标)(?<!情况)(?<!目标)(?<!指标 )(?<!情况 )(?<!目标 )\s*(?P<lo>\d+(?:\.\d+)?)\s*"
    r"(?:[-~—–至到]\s*(?P<hi>\d+(?:\.\d+)?))?\s*分"
    r"|(?P<lo2>\d+(?:\.\d+)?)\s*分\s*$")
# Points of the parts a label lists (其中产出指标权重分值50分, 预算执行情况10分).
_POINTS_PART_RE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,8}?(?:指标|情况|目标))[^\d,，;；、()（）]*?(?P<pts>\d+(?:\.\d+)?)\s*分")


@dataclass(frozen=True, slots=True)
class StatedPoints:
    """Points a label states. ``name``: the label without them (``产出指标``); ``low``..``high``:
    its own points (equal unless a range ``40-50分`` is given; None when the label states only
    its parts'); ``parts``: the points of the parts it lists (``其中产出指标权重分值50分`` ->
    (产出指标, 50)), names as written without 其中."""

    name: str
    low: Optional[float]
    high: Optional[float]
    parts: tuple[tuple[str, float], ...] = ()

    @property
    def stated(self) -> bool:
        """The label states its own points."""
        return self.low is not None

    @property
    def points(self) -> Optional[float]:
        """Its own points when one figure is given (not a range)."""
        return self.high if self.low == self.high else None

    def named(self) -> dict[str, float]:
        """Every single figure the label states, by name: ``绩效指标(权重分值90分,其中产出指标权重
        分值50分,…)`` -> {绩效指标: 90, 产出指标: 50, …} (a range is left out)."""
        out = {self.name: self.points} if self.points is not None and self.name else {}
        for k, v in self.parts:
            out.setdefault(k, v)
        return out


@_memo
def parse_stated_points(v: Any) -> Optional[StatedPoints]:
    """``产出指标(50分)`` -> (产出指标, 50, 50); ``产出指标（40-50分）`` -> (产出指标, 40, 50);
    ``效益指标30分``; ``年度绩效目标(90分)``; ``绩效指标(90分)``; ``预算执行情况(10分)``;
    ``绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分)``
    -> (绩效指标, 90, 90, parts 产出指标 50 / 效益指标 30 / 满意度指标 10). None when the text
    states no points.

    The one reading of stated points: the form, department and self-evaluation readers call it
    on block, banner and level labels, and rules WT005/WT006 on level-1 cells."""
    if v.__class__ is not str or "分" not in v:
        return None
    s = clean_text(v)
    if s is None:
        return None
    s = nfkc(s)
    m = _POINTS_RE.search(s)
    if m is not None:
        name = s[: m.start()].strip(" :：")
        lo = m.group("lo") or m.group("lo2")
        a = float(lo)
        b = float(m.group("hi")) if m.group("hi") else a
        low, high, rest = min(a, b), max(a, b), s[m.end():]
    else:
        name, low, high, rest = s, None, None, s
    parts = []
    for pm in _POINTS_PART_RE.finditer(rest):
        part = pm.group("name")
        parts.append((part[2:] if part.startswith("其中") else part, float(pm.group("pts"))))
    if m is None and not parts:
        return None
    return StatedPoints(name, low, high, tuple(parts))


_POINTS_KEYS = {"绩效指标": "绩效指标", "年度绩效目标": "绩效指标", "绩效目标": "绩效指标", "年度绩效指标": "绩效指标",
                "预算执行情况": "预算执行", "预算执行": "预算执行", "预算执行率": "预算执行", "合计": "合计", "总分": "合计"}


def points_key(name: str) -> str:
    """What a label's stated points are for, as ``Table.stated_points`` keys them: ``绩效指标`` (the
    indicators' total: 绩效指标 / 年度绩效目标), ``预算执行`` (预算执行情况), ``合计`` (合计 / 总分),
    else the level-1's canonical name (产出 -> 产出指标), else the name as written."""
    key = compact(name)
    if key in _POINTS_KEYS:
        return _POINTS_KEYS[key]
    from .taxonomy import normalise_level1

    lv = normalise_level1(key)
    return lv.value if lv.known and lv.value else key


# --- core-indicator marks: *名称, ★名称 ----------------------------------------------------------

CORE_MARKS = "*＊★☆"
CORE_FLAG = "flag:core"  # Indicator.notes: the name carried a core-indicator mark
_CORE_MARK_RE = re.compile(r"^[*＊★☆]+\s*(?=\S{2})|\s*[*＊★☆]+$")


def strip_core_mark(name: Optional[str]) -> tuple[Optional[str], bool]:
    """``*贫困地区…达标率`` / ``★★★受益人数`` -> (the name without the mark, True). A template
    placeholder (``**人``, ``≥**%``) is not a mark: it is kept (TX009 reports it)."""
    if not name or name[0] not in "*＊★☆" and name[-1] not in "*＊★☆":
        return name, False
    if "**" in name and not name.startswith(("★", "☆")) and re.search(r"\*\*\s*\S?$|\*\*[人个%万元]", name):
        return name, False
    out = _CORE_MARK_RE.sub("", name)
    if out == name or not out:
        return name, False
    return out, True


def plain_number(v: float) -> str:
    """A number as a clerk writes it in a sentence: 90, 0.5 (no .0, no thousands separator)."""
    return str(int(v)) if float(v).is_integer() else str(v)


def short(v: Any, n: int = 30) -> str:
    """Text for a message: cleaned, cut to ``n`` characters with an ellipsis."""
    s = clean_text(v) or ""
    return s if len(s) <= n else s[: n - 1] + "…"
