"""Small helpers shared by the rule families (not rules themselves)."""

from __future__ import annotations

import math
from typing import Any, Optional

from ..model import EVALUATION_COLUMNS, EXECUTION_COLUMNS, FIELDS, Fix, Indicator, Project, construct_all
from ..normalise import MAX_NUMBER, clean_text, parse_number
from ..report import rounded_weight
from ..taxonomy import LEVEL2
from .registry import Context
from ..normalise import short  # noqa: F401 - the rules import it from here

QUANTITATIVE = frozenset(("≥", "≤", "=", ">", "<"))
# level-2 names of cost indicators (成本指标 as a level-2 is the legacy placement under 产出)
COST_LEVEL2 = frozenset(LEVEL2["成本指标"]) | {"成本指标"}
LABEL = {**FIELDS, **EVALUATION_COLUMNS, **EXECUTION_COLUMNS}  # field -> the header a clerk sees


def num(x: Optional[float]) -> Any:
    """A number for a message: float noise rounded away, 90.0 shown as 90."""
    if x is None:
        return None
    if not math.isfinite(x):  # never raises: inf and NaN are shown as they are
        return x
    r = round(x, 4)
    return int(r) if r == int(r) and abs(r) < MAX_NUMBER else r


def signed(x: float) -> str:
    return f"{num(x):+}"


def out_of_range(raw: Any) -> bool:
    """A cell that holds a number too large (or not finite) to count with: parse_number's "range"."""
    return parse_number(raw).kind == "range"


def range_problem(label: str, raw: Any) -> str:
    return f"{label}“{short(raw)}”超出可计算的数值范围（绝对值应小于10¹⁵）"


def cell_number(x: float) -> Any:
    """The value a fix writes into a numeric cell (an int when integral)."""
    return int(x) if float(x).is_integer() else x


def visible(v: Any, n: int = 30) -> str:
    """Text with its stray whitespace made visible for a message: line breaks as ⏎, end spaces as ␣."""
    s = str(v).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\u3000", "␣")
    core = s.strip(" ")
    lead, trail = len(s) - len(s.lstrip(" ")), len(s) - len(s.rstrip(" "))
    s = "␣" * lead + core + "␣" * trail
    return s if len(s) <= n else s[: n - 1] + "…"


def icell(ctx: Context, ind: Indicator, field: str) -> Optional[str]:
    return ctx.table.indicator_cell(ind, field)


def pcell(ctx: Context, project: Project, field: str) -> Optional[str]:
    return project.cells.get(field) or ctx.table.cell(field, project.row_first)


def fix(ctx: Context, cell: Optional[str], old: Any, new: Any, description: str) -> Optional[Fix]:
    if cell is None:
        return None
    # every field is already of its type (two str, two Any, a str): validation would change nothing
    return construct_all(Fix, {"sheet": ctx.table.sheet, "cell": cell, "old": old, "new": new,
                               "description": description}, _FIX_FIELDS)


_FIX_FIELDS = set(Fix.model_fields)


def real(project: Project, ctx: Context) -> list[Indicator]:
    """The project's non-placeholder indicators, computed once per check."""
    # ~34,000 calls at 10k rows: get, not setdefault (which builds a dict on every call)
    cache = ctx.cache.get("real")
    if cache is None:
        cache = ctx.cache["real"] = {}
    got = cache.get(project.index)
    if got is None:
        got = cache[project.index] = project.real_indicators()
    return got


def weight_total(project: Project, ctx: Context) -> float:
    """Sum of the project's weights (placeholders and blanks left out), computed once per check."""
    cache = ctx.cache.get("weight_total")
    if cache is None:
        cache = ctx.cache["weight_total"] = {}
    got = cache.get(project.index)
    if got is None:
        # report.weight_figures' total without the per-level dict the rules do not use: the same
        # weights added in the same order, rounded the same way. 1660 projects: WT002 5.0 → 3.x ms
        # (rule_times, 10k rows).
        total = 0.0
        for i in real(project, ctx):
            w = i.weight
            if w is not None:
                total += w
        got = cache[project.index] = rounded_weight(total)
    return got


# Staff-cost and running-cost projects: templates say indicators that do not apply are not assessed
# and the rest rescaled ("不考核该指标，用适用指标得分汇总后按百分制…").
ROUTINE_WORDS = ("工资性", "工资福利", "人员工资", "人员经费", "公用经费", "运转类", "运转经费", "日常运转",
                 "机关运转", "基本支出")


def routine_reason(project: Project, ctx: Context) -> Optional[str]:
    """Why the project counts as a staff-cost/running-cost project (the word or the 配置 entry), or None."""
    cache = ctx.cache.get("routine")
    if cache is None:
        cache = ctx.cache["routine"] = {}
    got = cache.get(project.index, cache)  # the dict itself: "not computed yet" (None is an answer)
    if got is not cache:
        return got
    name = project.name or ""
    got = None
    for entry in ctx.config.routine_projects:
        if entry and entry in name:
            got = f"配置 routine_projects 中的“{entry}”"
            break
    else:
        word = next((w for w in ROUTINE_WORDS if w in name), None)
        if word:
            got = f"项目名称含“{word}”"
    cache[project.index] = got
    return got


def row_of(cell: Optional[str]) -> Optional[int]:
    """The sheet row of an address (``C12`` -> 12), for hits placed by cell (funds, stated points)."""
    if not cell:
        return None
    from ..grid import parse_address

    try:
        return parse_address(cell)[0]
    except ValueError:
        return None


_TEMPLATE_NAME_RE = __import__("re").compile(r"^(指标\s*\d+|[…．.。·、\s]+)$")


def is_template_row(ind: Indicator) -> bool:
    """An empty template row left in the table: the name is only the template's number or dots
    (``指标2``, ``……``) and there is no target or weight. TX009 reports it once; the per-row
    checks of a missing weight or target leave it alone."""
    name = ind.name
    return (name is not None and ind.target is None and ind.weight is None
            and _TEMPLATE_NAME_RE.match(name) is not None)
