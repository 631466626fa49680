"""Checks the real tables of every layout need: values read without a 指标性质 column, date
serials where a number belongs, template leftovers, level names out of place.

Table-wide facts are computed once (``ctx.cache``); per-row work stays O(1).
"""

from __future__ import annotations

from ..normalise import IMPLIED_NOTE
from ._common import icell, short
from .registry import Hit, rule


@rule(
    "VL016",
    "comparator-implied",
    "info",
    "table",
    "{cell} 本表没有指标性质（比较符号）：{detail}（no comparator column: values read as = or 定性）",
    title="没有指标性质的指标值按“=”或“定性”读取",
)
def comparator_implied(table, ctx):
    """
    问题：表中没有“指标性质”列（或该列全部为空），指标值中也没有写 ≥、≤ 等符号。这样的指标值
    按“=”读取（如“2”“100%”“20座”）；不含数字的文字指标值（如“持续改善”“高中低”）按“定性”读取。
    每张表只提示一次，列出条数和第一处。

    原因：财政部的项目支出绩效目标表只有“指标值”一列，比较符号、数值和单位写在一起（“≥95%”）。
    没有符号的数字只能理解为“等于”，评分时“实际值/目标值”的方向因此不明；提示审核人确认
    是否应写成“≥”或“≤”。读取后，定性指标的检查（如列出整个等级、填了单位）照常执行。

    反例：指标值列写“2”“100%”（没有比较符号）。

    正例：指标值列写“≥2个”“=100%”“持续改善”。
    """
    if "comparator" in ctx.cache.get("present_fields", ()):
        return None
    eq: list = []
    qual = 0
    for ind in table.indicators():
        if IMPLIED_NOTE in ind.notes:
            if ind.comparator == "=":
                eq.append(ind)
            else:
                qual += 1
    if not eq and not qual:
        return None
    parts = []
    first = eq[0] if eq else next(i for i in table.indicators() if IMPLIED_NOTE in i.notes)
    if eq:
        parts.append(f"{len(eq)}条指标的指标值没有比较符号（如{icell(ctx, eq[0], 'target')}“{short(eq[0].raw.get('target'))}”），按“=”读取，"
                     "请确认是否应为“≥”或“≤”")
    if qual:
        parts.append(f"{qual}条不含数字的文字指标值按“定性”读取")
    return Hit(cell=icell(ctx, first, "target"), row=first.row, params={"detail": "；".join(parts)})
