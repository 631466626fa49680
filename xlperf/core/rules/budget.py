"""BG: budget — 预算数 of projects, units and the department, and cost indicators against it."""

from __future__ import annotations

from ..normalise import is_money, is_percent, money_factor
from ._common import COST_LEVEL2, icell, num, out_of_range, pcell, range_problem, short, signed
from .registry import Hit, rule

NON_MONEY_COSTS = frozenset(("社会成本指标", "生态环境成本指标"))
MONEY_TOLERANCE = 0.005  # 万元: amounts are compared to the cent of 万元 (0.01)


@rule(
    "BG001",
    "budget-invalid",
    "error",
    "project",
    "{cell} 项目“{project}”的{problem}",
    message_en="budget missing, not a number or ≤ 0",
    title="预算数缺失、不是数字或不大于0",
)
def budget_invalid(project, ctx):
    """
    问题：项目的预算数为空、不是数字，或不大于0。

    原因：预算数是审核“资金与目标是否匹配”（适当性）和成本指标的依据，
    也要与单位、部门的合计核对。表头或“金额单位”行注明单位（默认万元）。

    依据：财预〔2015〕88号审核要点“适当性”：资金与目标是否匹配（研究笔记所记，原文未逐字核对）。9张表都写明
    了资金数。
    """
    if "budget" not in ctx.table.columns:
        return None
    b = project.budget
    if b is not None and b > 0:
        return None
    raw = project.raw.get("budget")
    if b is not None:
        problem = f"预算数为{num(b)}万元，必须大于0"
    elif raw is None or raw == "":
        problem = "预算数未填写"
    elif out_of_range(raw):
        problem = range_problem("预算数", raw)
    else:
        problem = f"预算数“{short(raw)}”不是数字"
    return Hit(cell=pcell(ctx, project, "budget"), row=project.row_first, params={"problem": problem})


def _projects_by_department(table) -> dict:
    """Department code -> its projects, one pass (a bureau's file can hold hundreds of departments)."""
    by: dict = {}
    for p in table.projects:
        by.setdefault(p.department_code, []).append(p)
    return by


def _department_projects(table, dept, by_code, code_counts):
    if len(table.departments) == 1:
        return table.projects
    if dept.code is None or code_counts.get(dept.code) != 1:
        return None  # cannot tell which projects belong to it
    return by_code.get(dept.code, [])


@rule(
    "BG002",
    "budget-total",
    "error",
    "table",
    "{cell} {kind}“{name}”的预算数为{budget}万元，所属项目合计为{total}万元（相差{diff}万元）",
    message_en="total ≠ sum of projects",
    title="部门或单位预算数不等于所属项目合计",
)
def budget_total(table, ctx):
    """
    问题：部门行（如“208-……部门”）或单位行的预算数，不等于其下所有项目预算数之和；表中
    单位名称写作“合计”“总计”的合计行，不等于全表项目预算数之和；写作“小计”的小计行，不等于
    它所结束的单位（或上一个单位行、合计行以来）各项目预算数之和（按0.01万元比较）。

    原因：部门、单位行是汇总数，必须与明细一致；不一致说明漏了项目、多抄了项目，
    或某个项目的预算数填错。有项目预算数缺失或不是数字时（见BG001）先不比较。

    依据：实践：遂宁部门行3,346.95等于22个项目合计；岳阳县854=400+295+159；宁德履职目标块的
    基本支出写成171.41，与资金总额不符。未找到正式文件。
    """
    hits = []
    pairs = []
    by_code = _projects_by_department(table) if len(table.departments) > 1 else {}
    code_counts: dict = {}
    for d in table.departments:
        code_counts[d.code] = code_counts.get(d.code, 0) + 1
    for d in table.departments:
        ps = _department_projects(table, d, by_code, code_counts)
        if d.budget is not None and ps is not None:
            pairs.append(("部门", d.name, d.budget, d.budget_cell, d.row, ps))
    for u in table.units:
        if u.budget is not None:
            pairs.append(("单位", u.name, u.budget, u.budget_cell, u.row,
                          [table.projects[i] for i in u.project_indices]))
    for t in table.total_rows:  # 合计 / 总计: every project of the table; 小计: its unit's
        if t.budget is not None:
            pairs.append(("小计行" if t.subtotal else "合计行", t.name, t.budget, t.budget_cell, t.row,
                          [table.projects[i] for i in t.project_indices]))
    for kind, name, budget, cell, row, ps in pairs:
        if any(p.budget is None for p in ps):
            continue  # BG001
        total = sum(p.budget for p in ps)
        if abs(total - budget) <= MONEY_TOLERANCE:
            continue
        hits.append(Hit(cell=cell, row=row, params={
            "kind": kind, "name": name, "budget": _money(budget), "total": _money(total),
            "diff": signed(round(budget - total, 2))}))
    return hits or None


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _is_cost(ind) -> bool:
    return ind.level1 == "成本指标" or ind.level2 in COST_LEVEL2


@rule(
    "BG003",
    "cost-above-budget",
    "error",
    "indicator",
    "{cell} 成本指标“{name}”为{amount}万元（{target}{measure}），超过项目预算数{budget}万元",
    message_en="cost above the project budget",
    title="成本指标金额超过项目预算数",
)
def cost_above_budget(ind, project, ctx):
    """
    问题：成本指标（一级“成本指标”，或二级“成本指标”“经济成本指标”等）以金额计量，
    换算为万元后超过了项目的预算数。

    原因：成本指标说明项目花多少钱，不能超过项目本身的预算；公开的目标表中，成本总额
    通常正好等于预算数。超出多半是单位写错（元写成万元）或抄错了数。没有预算数列的表
    （财政部的项目支出绩效目标表）与资金块的“年度资金总额”比较。
    按度量单位换算：元÷10000，千元÷10，亿元×10000。按人、按月的单价（元/人）不比较。

    依据：财预〔2021〕101号：绩效目标是“预期达到的产出和效果以及相应的成本控制要求”（http://www.kao110.com/html/63/ee/148155.html）
    。实践：乌海“年度预算总成本 3”等于资金总额3，遂宁“支出成本 ≤164万元”等于预算数164。
    """
    t = ind.target
    if type(t) is not float or not _is_cost(ind):
        return None
    factor = money_factor(ind.measure)
    b = project.budget
    if b is None and project.funds is not None:
        b = project.funds.total  # a form's 年度资金总额, when the reader left budget empty
    if factor is None or b is None:
        return None
    amount = t * factor
    if amount <= b + MONEY_TOLERANCE:
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={
        "name": ind.name, "amount": num(amount), "target": num(t), "measure": ind.measure, "budget": num(b)})


@rule(
    "BG004",
    "cost-unit",
    "warning",
    "indicator",
    "{cell} 成本指标“{name}”的度量单位“{measure}”既不是金额（元、万元等）也不是%",
    message_en="cost indicator not in money or %",
    title="成本指标的单位既不是金额也不是%",
)
def cost_unit(ind, project, ctx):
    """
    问题：经济成本指标（一级“成本指标”下的“经济成本指标”，或产出指标下的二级“成本指标”）的
    度量单位既不是金额（元、万元、千元、亿元、元/人等），也不是%（如成本控制率）。
    社会成本指标、生态环境成本指标不检查。

    原因：经济成本说明花了多少钱或成本控制在什么比例，应以金额或百分比计量；
    单位是“次”“人”等时，多半是把数量指标放在了成本指标下。社会成本和生态环境成本说明项目对社会、
    生态造成的负面影响（如占用耕地、噪声、排放），常以实物量（亩、吨、分贝）或定性描述，
    不要求金额。

    依据：财预〔2021〕101号：成本指标分经济成本、社会成本、生态环境成本（研究笔记所记，原文未逐字核对），社会
    成本和生态环境成本描述对社会、生态的负面影响，常以实物量或定性表述。实践：9张表中经济成本都以金额或%计量（乌海
    万元、南岳和岳阳县元/亩、衡山和廊坊的%）。
    """
    m = ind.measure
    if m is None or not _is_cost(ind) or is_money(m) or is_percent(m) or ind.is_placeholder:
        return None
    if ind.level2 in NON_MONEY_COSTS:
        return None  # 社会成本 / 生态环境成本: physical units or qualitative (101号)
    return Hit(cell=icell(ctx, ind, "measure"), row=ind.row, params={"name": ind.name, "measure": m})


@rule(
    "BG005",
    "total-not-a-number",
    "error",
    "table",
    "{cell} {kind}“{name}”的预算数“{value}”不是有效的金额",
    message_en="department/unit budget is not a number",
    title="部门或单位的预算合计不是数字",
)
def total_not_a_number(table, ctx):
    """
    问题：部门行或单位行的“预算数”填了内容，但不是数字（如“约十万”“待定”）。

    原因：部门和单位的预算数是其下各项目预算的合计，财政部门据此核对；写成文字后既无法
    核对（BG002 无从比较），也无法导入预算系统。

    依据：实践（推断）：合计须是数字才能核对。未找到正式文件。
    """
    hits = []
    for kind, items in (("部门", table.departments), ("单位", table.units)):
        for item in items:
            if item.budget is None and item.budget_raw not in (None, "") and item.row:
                hits.append(Hit(cell=item.budget_cell or table.cell("budget", item.row), row=item.row,
                                params={"kind": kind, "name": item.name, "value": item.budget_raw}))
    return hits or None
