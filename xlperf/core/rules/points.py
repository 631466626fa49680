"""WT: points a table states on its labels — 产出指标(50分), 绩效指标(90分), 合计 100.

Readers put the points of block labels in ``Table.stated_points``; level-1 labels that carry points
(``产出指标(50分)`` in the 一级指标 cell) are read here from the indicators' raw cells, in every layout.
Both with ``normalise.parse_stated_points``, the one reading of stated points.
"""

from __future__ import annotations

from ..normalise import parse_stated_points
from ..taxonomy import LEVEL1, normalise_level1
from ..totals import evident_total as evident_of, stated_total as stated_of
from ._common import icell, num, real, row_of as _row_of
from .registry import Hit, rule

_LEVEL1 = frozenset(LEVEL1)


def _level_of(raw) -> str | None:
    """The level-1 a label names once its points are taken off (产出指标（40-50分） -> 产出指标)."""
    sp = parse_stated_points(raw)
    if sp is None or not sp.stated:
        return None
    lv = normalise_level1(sp.name).value
    return lv if lv in _LEVEL1 else None


def _any_points(ctx) -> bool:
    """Does the table state any level points (its own, or in a 一级指标 cell)? Once per check."""
    got = ctx.cache.get("any_level_points")
    if got is None:
        table = ctx.table
        got = any(k in _LEVEL1 for k in table.points_stated()) or any(
            (raw := i.raw.get("level1")).__class__ is str and "分" in raw for i in table.indicators())
        ctx.cache["any_level_points"] = got
    return got


def _level_points(project, ctx) -> dict[str, tuple[float, float, str, str]]:
    """level-1 -> (low, high, label as written, cell) of the points stated for it."""
    table = ctx.table
    out: dict[str, tuple[float, float, str, str]] = {}
    stated = ctx.cache.get("points_stated")
    if stated is None:
        stated = ctx.cache["points_stated"] = table.points_stated()
    for name, (low, high, cell) in stated.items():
        if name in _LEVEL1:
            shown = num(high) if low == high else f"{num(low)}-{num(high)}"
            out[name] = (low, high, f"{name}({shown}分)", cell)
    for ind in real(project, ctx):
        raw = ind.raw.get("level1")
        if raw.__class__ is not str or "分" not in raw:
            continue
        lv = _level_of(raw)
        if lv is None or lv in out:
            continue
        sp = parse_stated_points(raw)  # memoised: the reading _level_of made
        out[lv] = (sp.low, sp.high, raw.strip(), icell(ctx, ind, "level1"))
    return out


@rule(
    "WT005",
    "stated-level-points",
    "error",
    "project",
    "{cell} 项目“{project}”的{level}注明{stated}分（“{label}”），其下各指标权重合计为{total}，应为{stated}；请核对各指标权重或注明的分值",
    message_en="weights differ from the level's stated points",
    title="一级指标的权重合计不等于表中注明的分值",
    needs=("weight",),
)
def stated_level_points(project, ctx):
    """
    问题：表中给一级指标注明了分值，如“产出指标(50分)”“产出指标（40-50分）”，或表头写着
    “绩效指标(权重分值90分,其中产出指标权重分值50分……)”，但该一级指标下各条指标的权重（分值）
    之和不等于注明的分值（或不在注明的范围内）。

    原因：注明的分值是模板或填报说明给出的分配，各条指标的分值必须加起来等于它，自评打分时
    才不会多出或少了分；不一致说明某条指标的分值填错，或漏了指标。

    依据：实践：乌海2021目标表“绩效指标(权重分值90分,其中产出指标权重分值50分…)”，产出各行分值 4×10 + 10 = 50；未找到正式文件。

    """
    if not _any_points(ctx):
        return None
    stated = _level_points(project, ctx)
    if not stated:
        return None
    totals: dict[str, float] = {}
    for ind in real(project, ctx):
        lv = ind.level1 if ind.level1 in _LEVEL1 else _level_of(ind.raw.get("level1"))
        if ind.weight is not None and lv in stated:
            totals[lv] = totals.get(lv, 0.0) + ind.weight
    tol = ctx.config.tolerance
    hits = []
    for level, (low, high, label, cell) in stated.items():
        total = totals.get(level)
        if total is None or low - tol <= total <= high + tol:
            continue
        shown = num(high) if low == high else f"{num(low)}–{num(high)}"
        hits.append(Hit(cell=cell, row=_row_of(cell), params={"level": level, "stated": shown, "label": label, "total": num(total)}))
    return hits or None


@rule(
    "WT006",
    "table-stated-total",
    "info",
    "table",
    "{cell} 本表注明{how}，按{stated}分核对各项目的权重合计（配置的期望合计为{configured}）",
    message_en="the table states its own total",
    title="按表中注明的总分核对权重合计",
)
def stated_total(table, ctx):
    """
    问题：表中注明了指标的总分，如“绩效指标(90分)”“年度绩效目标(90分)”，或“合计 100”与
    “预算执行情况(10分)”，或清单表的“合计”行填了权重、且恰等于每个项目的权重合计（不是各项目之和，
    见WT008），与配置的期望合计（默认90）不同。本表按注明的总分核对权重合计（WT002），
    每张表提示一次。

    原因：各地模板的总分不同：四川的目标表为90分（预算执行的10分在自评时加上），有的地方按100分
    填写。表中写明了总分时，以表为准，比统一的配置更可靠；提示让审核人知道用了哪个数。

    依据：财预〔2020〕10号：一级指标合计90分、预算执行率10分（研究笔记所记，原文未逐字核对）；实践：乌海“权重分值90分”、青神“绩效指标(90分)”在表中注明了总分。

    反例：配置 expected_total = 90，表头写“绩效指标(100分)”，却按90核对，每个项目都报WT002。

    正例：表头写“绩效指标(100分)”，本表按100核对，并提示一次。
    """
    configured = ctx.cache.get("configured_total")
    got = stated_of(table, ctx.config.tolerance)
    if got is None or configured is None or abs(got[0] - configured) <= ctx.config.tolerance:
        return None
    stated, row = got
    sp = table.points_stated()
    if row is not None:  # a list's 合计 row
        how = f"“{row.name}”行的权重为{num(stated)}（每个项目的权重合计都是{num(stated)}）"
        return Hit(cell=row.weight_cell, row=row.row,
                   params={"how": how, "stated": num(stated), "configured": num(configured)})
    if "绩效指标" in sp:
        how, cell = f"绩效指标共{num(stated)}分", sp["绩效指标"][2]
    else:
        how = f"合计{num(sp['合计'][1])}分" + (f"、预算执行情况{num(sp['预算执行'][1])}分" if "预算执行" in sp else "")
        cell = sp["合计"][2]
    return Hit(cell=cell, row=_row_of(cell), params={"how": how, "stated": num(stated), "configured": num(configured)})


@rule(
    "WT007",
    "table-evident-total",
    "info",
    "table",
    "{cell} 本表没有注明总分，{n}个有权重的项目中{k}个的权重合计为{evident}分，按{evident}分核对各项目的权重合计"
    "（默认的期望合计为{configured}分；本表确应按{configured}分核对时，请在配置中设置 expected_total = {configured}）",
    message_en="the table evidently uses another total",
    title="按多数项目的合计（100分）核对权重合计",
    needs=("weight",),
)
def evident_total(table, ctx):
    """
    问题：表中没有注明总分，期望合计也没有在配置中设置（默认90分），而本表多数有权重的项目
    权重合计恰为100分（且合计为100的比合计为90的多；清单表至少要有3个有权重的项目，一张目标表
    以它自己的合计为准）。本表按100分核对各项目的权重合计（WT002），
    每张表提示一次。

    原因：四川的目标表按90分填写（预算执行的10分在自评时加上），财政部和许多省份的模板按100分
    填写（如产出50、效益30、满意度10、成本10）。表上不写总分时，只按默认的90分核对，会把按100分
    认真填写的每个项目都报成“合计为100，应为90”。多数项目恰好都是100分，说明用的是100分的模板；
    只有少数项目为100时仍按90核对，由WT002和WT004指出；只有一两个项目的清单表不作推断，
    合计为100多半是填错，仍由WT002指出。配置中写明了期望合计（xlperf.toml、
    “配置”工作表或 --expected-total）时，始终按配置，不作推断。

    依据：财预〔2021〕101号附件的项目支出绩效目标表以100分设置指标分值（研究笔记所记，原文未逐字
    核对）；实践：廊坊自评表按100分；四川样表、乌海、青神按90分。判断“多数”的做法是本工具的，
    没有正式文件规定。
    """
    why = ctx.cache.get("judged_total")
    if not why or why[1] != "evident":
        return None
    got = evident_of(table, ctx.config.tolerance)
    if got is None:
        return None
    evident, k, n = got
    cell = table.cell("weight", table.header_row) if table.header_row else None
    row = table.header_row
    if cell is None:
        first = next((p for p in table.projects if real(p, ctx)), None)
        if first is not None:
            i = real(first, ctx)[0]
            cell, row = icell(ctx, i, "weight"), i.row
    return Hit(cell=cell, row=row, params={"n": n, "k": k, "evident": num(evident),
                                           "configured": num(ctx.cache.get("configured_total", 90.0))})
