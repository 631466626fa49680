"""BG012–BG013, ST021–ST022: a form's cost breakdown (``Project.costs``: 成本构成 / 项目成本测算,
read by ``core.layouts.cost_block``) and what the form reader says about a form as a whole (not
filled in; a cost block read).

Amounts are 万元 (a column written in 元 is converted when read), compared to the cent of 万元
(0.01). The 合计 line covers the lines that are not parts of another (``CostLine.sub``: 其中
lines, items under a category with its own amount) and not 小计 lines; a top-level line with no
amount in a column but with parts counts as the sum of its parts there. Lines the reader took
from one cell (``设备购置50万元，人员经费20万元``: ``CostLine.listed_in``) are added like any
other, and the messages say which cell they were read from.
"""

from __future__ import annotations

from typing import Optional

from ..model import CostLine, Costs
from ._common import num, row_of, short
from .budget import MONEY_TOLERANCE
from .registry import Hit, read_rule, rule


def _m(x: float) -> str:
    return f"{num(round(x, 2))}"


def _off(a: float, b: float) -> bool:
    return abs(a - b) > MONEY_TOLERANCE


def covered_lines(costs: Costs, column: str) -> list[tuple[CostLine, float]]:
    """The lines a 合计 adds up in ``column``, each with the amount it counts for there."""
    out: list[tuple[CostLine, float]] = []
    lines = costs.lines
    for i, ln in enumerate(lines):
        if ln.total or ln.subtotal or ln.sub:
            continue
        a = ln.amounts.get(column)
        if a is None:
            parts = []
            for nxt in lines[i + 1:]:
                if not nxt.sub:
                    break
                if nxt.amounts.get(column) is not None:
                    parts.append(nxt.amounts[column])
            if not parts:
                continue
            a = sum(parts)
        out.append((ln, a))
    return out


def main_column(costs: Costs) -> Optional[str]:
    """The column that holds a line's whole amount (``Costs.main_column``)."""
    return costs.main_column()


def listed(costs: Costs, lines: Optional[list[CostLine]] = None) -> tuple[str, str]:
    """What a message adds (Chinese, English) when some of ``lines`` (else of the block's) were
    read from one cell that lists them: the clerk looks for them in that cell, not in rows."""
    lines = costs.lines if lines is None else lines
    cells = costs.listed_cells(lines)
    if not cells:
        return "", ""
    n = sum(1 for ln in lines if ln.listed_in)
    where = "、".join(cells)
    if n < len(lines):
        return f"；其中{n}项写在单元格{where}中，已逐项读出", f"; {n} of them were read from {where}"
    if len(cells) == 1:
        return f"；这些成本项写在同一个单元格{where}中，已逐项读出", f"; all of them were read from the one cell {where}"
    return f"；这些成本项分别写在单元格{where}中，已逐项读出", f"; all of them were read from the cells {where}"


def group_sources(costs: Costs) -> list[tuple[str, list[str]]]:
    """(the total column, its source columns) of every group of a two-row header whose columns
    are a 合计 / 预算数 and what it is made of (预算金额 over 合计 | 财政拨款 | 其他资金)."""
    out = []
    for cols in costs.groups.values():
        total = costs.main_column(cols)
        rest = [c for c in cols if c != total]
        if total is not None and rest:
            out.append((total, rest))
    return out


def cost_total(costs: Costs) -> Optional[tuple[float, Optional[str], bool]]:
    """(the block's total in 万元, its cell, whether a 合计 line states it) — the 合计 line's
    amount in the main column (or across the columns when none is the whole amount), else (no
    合计 line, or one without an amount: 合计 | 设备50万元，人员20万元) the sum of the lines."""
    col = main_column(costs)
    cols = [col] if col else list(costs.columns)
    if not cols:
        return None
    t = costs.total_line()
    vals = [t.amounts.get(c) for c in cols] if t is not None else []
    if t is not None and any(v is not None for v in vals):
        return sum(v for v in vals if v is not None), t.cells.get(cols[0]) or t.cells.get("label"), True
    got = [a for c in cols for _, a in covered_lines(costs, c)]
    if not got:
        return None
    first = next((ln for ln in costs.lines if not ln.sub), costs.lines[0])
    return sum(got), first.cells.get(cols[0]) or first.cells.get("label"), False


@rule(
    "BG012",
    "cost-total-off",
    "error",
    "project",
    "{cell} 项目“{project}”的成本构成“{column}”列合计为{total}万元，各项（{lines}）之和为{sum}万元（相差{diff}万元）{listed}",
    message_en="{cell} the cost breakdown's total in “{column}” is {total} (万元) but its lines ({lines}) add up to {sum} (difference {diff}){listed_en}",
    title="成本构成的合计不等于各项之和",
    needs=("costs",),
)
def cost_total_off(project, ctx):
    """
    问题：项目的成本构成（成本测算）表中，“合计”行的金额不等于其上（或其下）各项成本之和，按0.01万元
    逐列比较（金额、预算数、财政拨款、其他资金等每个金额列各比一次）。“其中”行、小计行不重复计入；
    只有明细、本身没填金额的成本类别按其明细之和计入。以元填写的列先换算为万元。表头分两行
    （“预算金额”下分“合计、财政拨款、其他资金”）时，每一列各比一次，消息写出上下两行的列名；
    每一行的“合计”（或预算数、小计）还应等于同一行财政拨款、其他资金等来源之和。成本各项写在
    一个单元格里（“设备购置50万元，人员经费20万元，培训费10万元”）时逐项读出后同样相加，
    消息说明它们来自哪个单元格；“2人×10万元”这样的测算式只是一项的算法，不拆成几项。

    原因：合计是各项成本的加总，不一致说明漏列、多列或抄错了一项；成本构成是审核资金测算是否合理、
    成本指标取值是否有依据的底稿，合计错了，据此判断的资金规模与绩效目标是否匹配也会出错。

    依据：财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》把成本指标列为一级指标
    （经济成本、社会成本、生态环境成本），要求按成本测算设定指标值（研究笔记所记，原文未逐字核对）；各地推行
    成本预算绩效管理的申报表列出成本构成明细。合计等于各项之和是表格本身的算术，未找到另行规定的正式文件；
    本仓库的9张真实表中没有成本构成表，规则按全国模板的写法编写。
    """
    costs = project.costs
    if costs is None or not costs.lines:
        return None
    hits = _row_sources_off(costs)
    total = costs.total_line()
    if total is None:
        return hits or None
    for col in costs.columns:
        t = total.amounts.get(col)
        if t is None:
            continue
        lines = covered_lines(costs, col)
        if not lines:
            continue
        s = sum(a for _, a in lines)
        if not _off(s, t):
            continue
        cell = total.cells.get(col) or total.cells.get("label")
        zh, en = listed(costs, [ln for ln, _ in lines])
        hits.append(Hit(cell=cell, row=row_of(cell), params={
            "column": short(costs.heading(col), 24), "total": _m(t), "sum": _m(s), "diff": f"{num(round(s - t, 2)):+}",
            "lines": "、".join(f"{short(ln.label, 12)}{_m(a)}" for ln, a in lines[:8]) + ("…" if len(lines) > 8 else ""),
            "listed": zh, "listed_en": en}))
    return hits or None


_ROW_MESSAGE = "{cell} 项目“{project}”的成本构成中“{label}”一行的“{column}”为{total}万元，同一行{parts}之和为{sum}万元（相差{diff}万元）"
_ROW_MESSAGE_EN = "{cell} cost line “{label}”: “{column}” is {total} but its sources in the same row ({parts}) add up to {sum} (difference {diff})"


def _own_heading(costs: Costs, column: str) -> str:
    """``2025年·其中：财政拨款`` -> ``其中：财政拨款``: the group is named once, with the total column."""
    g = costs.group_of(column)
    return column[len(g) + 1:] if g is not None and column.startswith(f"{g}·") else column


def _row_sources_off(costs: Costs) -> list[Hit]:
    """Each line's 合计 column against the source columns beside it, under one upper heading
    (预算金额 over 合计 | 财政拨款 | 其他资金); an empty source counts 0, a line with none is skipped."""
    hits = []
    for total_col, sources in group_sources(costs):
        for ln in costs.lines:
            t = ln.amounts.get(total_col)
            got = [(c, ln.amounts.get(c)) for c in sources]
            if t is None or all(a is None for _, a in got):
                continue
            s = sum(a for _, a in got if a is not None)
            if not _off(s, t):
                continue
            cell = ln.cells.get(total_col) or ln.cells.get("label")
            hits.append(Hit(cell=cell, row=row_of(cell), message=_ROW_MESSAGE, message_en=_ROW_MESSAGE_EN, params={
                "label": short(ln.label, 16) or "（无名称）", "column": short(costs.heading(total_col), 24), "total": _m(t),
                "sum": _m(s), "diff": f"{num(round(s - t, 2)):+}",
                "parts": "、".join(f"“{short(_own_heading(costs, c), 12)}”{_m(a or 0)}" for c, a in got)}))
    return hits


@rule(
    "BG013",
    "cost-total-vs-funds",
    "warning",
    "project",
    "{cell} 项目“{project}”的成本构成{what}为{cost}万元，与年度资金总额{funds}万元不一致（相差{diff}万元）{listed}",
    message_en="{cell} the cost breakdown's total ({cost} 万元) differs from the annual funds total ({funds} 万元){listed_en}",
    title="成本构成合计与年度资金总额不一致",
    needs=("costs", "funds"),
)
def cost_total_vs_funds(project, ctx):
    """
    问题：项目表既有资金块的“年度资金总额”，又有成本构成（成本测算）表，两者的合计不一致
    （按0.01万元比较）。成本构成没有合计行时，比较其各项之和；合计取“合计”“金额”“预算数”列，
    没有这样的列时取“小计”列（不把财政拨款、其他资金等来源列再加一遍）。成本各项写在一个
    单元格里时，逐项读出后相加，消息说明它们来自哪个单元格。

    原因：成本构成一般是年度资金的测算明细，合计应与年度资金总额一致；不一致时，或是成本少列、多列，
    或是资金总额填错。但成本也可能按实施期（多年）或全成本（含非财政资金、以前年度投入）测算，
    与当年资金本就不同，所以只作警告，请核对口径并在表中说明。

    依据：财预〔2021〕101号要求成本指标按成本测算取值、与预算资金相匹配（研究笔记所记，原文未逐字核对）；
    未找到要求成本合计与年度资金总额相等的正式文件，规则编码的是“成本测算即资金测算”的常见做法，
    所以严重程度为警告而非错误。
    """
    costs, funds = project.costs, project.funds
    if costs is None or funds is None or funds.total is None:
        return None
    got = cost_total(costs)
    if got is None:
        return None
    amount, cell, stated = got
    if not _off(amount, funds.total):
        return None
    zh, en = listed(costs, [ln for ln in costs.lines if not ln.total])
    return Hit(cell=cell, row=row_of(cell), params={
        "what": "合计" if stated else "各项之和", "cost": _m(amount), "funds": _m(funds.total),
        "diff": f"{num(round(amount - funds.total, 2)):+}", "listed": zh, "listed_en": en})


read_rule(
    "ST021",
    "form-unfilled",
    "error",
    "{cell} 这是一张未填写的{form}：只有标签，没有项目名称、资金、目标和指标，无法校验",
    message_en="{cell} this {form} is not filled in: labels only, no project name, funds, goal or indicators; nothing to check",
    title="表单未填写（只有标签）",
    doc="""
    问题：工作表是项目支出绩效目标表（或部门整体支出绩效目标表）的空白模板：项目名称、主管部门、
    资金、年度目标等标签和指标表头都在，但项目名称、金额、目标文字和指标都没有填写。

    原因：空白表不是“不是表格”，而是还没填；xlperf 把它认作表单，只报这一条，不逐项报告
    “项目名称为空”“没有指标”，也不说“未找到表头”。填写后再校验即可。拆分、导出没有记录可写，退出码为1。

    依据：财政部项目支出绩效目标表模板（财预〔2015〕88号附件，研究笔记所记）：标签与指标表头是模板固有的，
    内容由项目单位填写；PerfTemplate.xlsm 的“项目绩效目标表”工作表即此空白表。实践：自评表的同类情况见 SE001。
    """,
)

read_rule(
    "ST022",
    "cost-block-read",
    "info",
    "{cell} 已读取项目“{project}”的成本构成：{count}行{listed}，{columns}；拆分、导出的记录只含指标，成本明细见 JSON 报告的 projects[].costs",
    message_en="{cell} the cost breakdown of “{project}” was read ({count} lines{listed_en}, {columns}); split and export write indicator records only, the cost lines are in the JSON report (projects[].costs)",
    title="已读取成本构成（拆分、导出不含）",
    doc="""
    问题：表单中有成本构成（成本测算）表，xlperf 已读取它的每一行（成本项目、各金额列、测算依据及其单元格）。
    两行表头的列名按“上行·下行”写出；成本各项写在一个单元格里的，说明有几行出自哪个单元格。

    原因：成本构成不是绩效指标，拆分、导出写出的是一条条指标记录，不含成本明细；为免“读了却不见了”，
    在此说明一次：成本行在 JSON 报告的 projects[].costs 中，合计由 BG012、BG013 核对。

    依据：实践：本项目“不悄悄丢弃任何非空单元格”的约定；成本构成的写法见 BG012。

    """,
)
