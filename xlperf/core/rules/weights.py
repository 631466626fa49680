"""WT: weights — every indicator weighted, each project adding up to the expected total and shares."""

from __future__ import annotations

from typing import Optional

from ..normalise import compact
from ..taxonomy import LEVEL1
from ..totals import STANDARD_TOTALS, project_totals, read_total_row
from ._common import (icell, is_template_row, num, out_of_range, pcell, range_problem, real, routine_reason, short,
                      signed, weight_total)
from .registry import Hit, rule

_LEVEL1 = frozenset(LEVEL1)


@rule(
    "WT001",
    "weight-invalid",
    "error",
    "indicator",
    "{cell} 三级指标“{name}”的{problem}",
    message_en="weight missing, not a number or ≤ 0",
    title="权重缺失、不是数字或不大于0",
    needs=("weight",),
)
def weight_invalid(ind, project, ctx):
    """
    问题：一条指标的权重为空、不是数字，或不大于0。

    原因：权重决定每条指标的分值，自评时按权重计分；没有有效权重的指标无法评分，
    项目的权重合计也无法核对。

    依据：财预〔2020〕10号：自评按各指标的权重计分（研究笔记所记，原文未逐字核对）。实践：9张表中有权重（分值
    ）列的4张（遂宁、青神、乌海、廊坊）每条指标都有权重。
    """
    w = ind.weight
    if w is not None and w > 0:
        return None
    if ind.is_placeholder or is_template_row(ind):
        return None  # an empty template row (指标2, ……) is TX009's
    raw = ind.raw.get("weight")
    if w is not None:
        problem = f"权重为{num(w)}，必须大于0"
    elif raw is None or raw == "":
        problem = "权重未填写"
    elif out_of_range(raw):
        problem = range_problem("权重", raw)
    else:
        problem = f"权重“{short(raw)}”不是数字"
    return Hit(cell=icell(ctx, ind, "weight"), row=ind.row, params={"name": ind.name, "problem": problem})


def _weight_cell(project, ctx):
    inds = real(project, ctx)
    first = inds[0] if inds else None
    if first is None:
        return pcell(ctx, project, "project"), project.row_first
    return icell(ctx, first, "weight"), first.row


@rule(
    "WT002",
    "weight-total",
    "error",
    "project",
    "{cell} 项目“{project}”的权重合计为{total}，应为{expected}（相差{diff}）",
    message_en="weights do not add up",
    title="项目权重合计不等于期望值",
    needs=("weight",),
)
def weight_total_off(project, ctx):
    """
    问题：一个项目所有三级指标的权重之和不等于期望合计（默认90，可在配置中改为100；
    允许误差见 tolerance）。

    原因：自评时一级指标原则上按产出50、效益30、满意度10、预算执行率10计分（财预〔2020〕10号）。
    目标表中没有预算执行率一行，它的10分在自评时才加上，所以目标表的权重合计应为90。
    合计为80、100或110，说明漏了或多了指标、或权重填错。有的系统按100分填写目标表，
    此时请在配置中设置 expected_total = 100。

    依据：财预〔2020〕10号（约第十六条）：“原则上预算执行率和一级指标权重统一设置为：产出指标50%、效益指标30%、服务对象满意度指标10%，预算执行率10%”（研究笔记所记，原文未逐字核对）；中江县2022自评表注1同
    此。实践：青神60+30=90加预算执行10分合计100，乌海表头“权重分值90分”，遂宁样表22个项目中20个
    合计90。
    """
    if not real(project, ctx):
        return None
    total = weight_total(project, ctx)
    expected = ctx.config.expected_total
    if abs(total - expected) <= ctx.config.tolerance:
        return None
    cell, row = _weight_cell(project, ctx)
    return Hit(cell=cell, row=row, params={"total": num(total), "expected": num(expected),
                                           "diff": signed(total - expected)})


def _shares_text(values: dict[str, float]) -> str:
    return "、".join(f"{k}{num(v)}" for k, v in values.items())


@rule(
    "WT003",
    "level1-shares",
    "warning",
    "project",
    "{cell} 项目“{project}”的一级指标权重为{actual}，原则上应为{expected}{note}",
    message_en="level-1 shares differ",
    title="一级指标权重分配不符合50/30/10",
    needs=("weight",),
)
def level1_shares(project, ctx):
    """
    问题：项目各一级指标的权重不是配置的分配（默认产出指标50、效益指标30、满意度指标10）。
    权重合计不对时（WT002）也照样检查，并在消息中注明合计。

    原因：一级指标权重“原则上”统一为产出50%、效益30%、满意度10%，特殊情况可以调整，因此只作警告。
    成本指标有两种写法：写在产出指标下的二级“成本指标”（旧写法）就是产出的一部分；作为一级指标的
    “成本指标”（财预〔2021〕101号的写法）默认没有自己的分值，与产出合计比较，消息中按表上的算法写出
    “产出指标50 + 成本指标10 = 60”；要给它单独的分值，在配置 shares 中加上“成本指标”。旧版模板把
    服务对象满意度指标放在效益指标下（见TX002），这里仍算作满意度指标。所有一级指标都能识别（TX001不报）、
    且配置的各项分值之和等于期望合计时才检查。工资性支出、公用经费等运转类项目（如只有产出60、效益30）
    不报本规则，改由TX020提示一次。

    依据：财预〔2020〕10号（约第十六条）：一级指标权重原则上为产出50%、效益30%、满意度10%，“如有特殊
    情况，一级指标权重可做适当调整”（研究笔记所记，原文未逐字核对）。实践：乌海表头写明产出50、效益30、满意度10；
    青神“工资性支出”为60/30；研究笔记记中江实际为70/20。未找到成本指标作为一级时的分值规定。
    """
    if routine_reason(project, ctx):
        return None  # TX020
    return shares_off(project, ctx)


def _share_weights(project, ctx) -> Optional[tuple[dict[str, float], float]]:
    """Weights by configured share ({level-1: points}) and the points of a level-1 成本指标 that has
    no share of its own (counted inside 产出, shown apart); None when an indicator's level-1 is not
    one of the known ones (TX001). (One loop for both: this runs for every project.)"""
    shares = ctx.config.shares
    own_cost = "成本指标" in shares
    by: dict[str, float] = {}
    cost_top = 0.0
    known = _LEVEL1
    for i in real(project, ctx):
        l1 = i.level1
        if l1 not in known:
            return None
        w = i.weight
        if w is None:
            continue
        if i.level2 == "服务对象满意度指标":
            g = "满意度指标"  # filed under 效益 by older templates (TX002)
        elif l1 == "成本指标" and not own_cost:
            cost_top += w
            g = "产出指标"
        else:
            g = l1 or "其他"
        by[g] = by.get(g, 0.0) + w
    return by, cost_top


def shares_off(project, ctx):
    """WT003's finding for any project (TX020 asks it for the routine ones)."""
    inds = real(project, ctx)
    if not inds:
        return None
    cfg = ctx.config
    shares = cfg.shares
    if abs(sum(shares.values()) - cfg.expected_total) > cfg.tolerance:
        return None  # the configured shares cannot add up to the expected total: nothing to compare
    got = _share_weights(project, ctx)
    if got is None:
        return None  # TX001
    by, cost_top = got
    tol = cfg.tolerance
    for k, v in shares.items():
        if abs(by.get(k, 0.0) - v) > tol:
            break
    else:
        if by.keys() <= shares.keys():
            return None
    parts = []
    for k in list(shares) + [k for k in by if k not in shares]:
        v = by.get(k, 0.0)
        if k == "产出指标" and cost_top:
            parts.append(f"产出指标{num(v - cost_top)} + 成本指标{num(cost_top)} = {num(v)}")
        else:
            parts.append(f"{k}{num(v)}")
    total = weight_total(project, ctx)
    note = ""
    if abs(total - cfg.expected_total) > cfg.tolerance:
        note = f"（权重合计为{num(total)}，不是{num(cfg.expected_total)}，见WT002）"
    cell, row = _weight_cell(project, ctx)
    return Hit(cell=cell, row=row, params={"actual": "、".join(parts), "expected": _shares_text(shares),
                                           "note": note})


@rule(
    "WT004",
    "mixed-totals",
    "info",
    "table",
    "{cell} 本表各项目的权重合计不统一：{detail}，可能混用了不同的模板",
    message_en="projects use different totals",
    title="同一张表中项目权重合计有90也有100",
    needs=("weight",),
)
def mixed_totals(table, ctx):
    """
    问题：同一张表中，有的项目权重合计为90，有的为100。

    原因：目标表的权重合计通常为90（预算执行率的10分在自评时加上），也有系统按100填写。
    同一张表两种都有，多半是从不同模板复制的项目；按配置的期望合计，其中一种会被WT002报为错误。
    本规则只提示现象，帮助判断该改项目还是改配置（expected_total）。

    依据：实践：9张表中乌海按90分、廊坊自评表按100分（含预算执行率10分）。未找到正式文件。
    """
    cfg = ctx.config
    standard = set(STANDARD_TOTALS) | {cfg.expected_total}
    groups: dict[float, list] = {}
    for p in table.projects:
        if not real(p, ctx):
            continue
        total = weight_total(p, ctx)
        for s in standard:
            if abs(total - s) <= cfg.tolerance:
                groups.setdefault(s, []).append(p)
                break
    if len(groups) < 2:
        return None
    # at most one group has the expected total: point at the first project of another one
    odd = next(ps[0] for s, ps in sorted(groups.items()) if abs(s - cfg.expected_total) > cfg.tolerance)
    detail = "；".join(f"合计为{num(s)}的{len(ps)}个项目（如“{ps[0].label}”）" for s, ps in sorted(groups.items()))
    cell, row = _weight_cell(odd, ctx)
    return Hit(cell=cell, row=row, params={"detail": detail})


def _totals_text(totals: list[float]) -> str:
    """The projects' totals for a message: 4个项目都为90 / 3个项目为90、1个项目为100."""
    counts: dict = {}
    for t in totals:
        counts[num(t)] = counts.get(num(t), 0) + 1
    if len(counts) == 1:
        return f"{len(totals)}个项目都为{next(iter(counts))}"
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return "、".join(f"{n}个项目为{t}" for t, n in ranked)


@rule(
    "WT008",
    "total-row-weight",
    "warning",
    "table",
    "{cell} {what}的权重为{weight}：既不是每个项目的权重合计（{totals}），也不是这{n}个项目的权重之和（{sum}），"
    "请核对该行的权重或各项目的权重",
    message_en="the total row's weight matches neither each project's total nor their sum",
    title="合计行的权重既不是每个项目的权重合计，也不是各项目之和",
    needs=("weight",),
)
def total_row_weight(table, ctx):
    """
    问题：清单表的“合计”（“总计”）行或单位的“小计”行填了权重，但它既不等于每个项目的权重合计，
    也不等于它所合计的各项目权重之和。合计行与全表项目比较，小计行与它所结束的单位的项目比较。
    只有一个有权重的项目时，二者是同一个数，按“之和”看待。

    原因：合计行的权重只有两种说得通的写法：写每个项目应有的总分（如每个项目都是90分，合计行写90），
    这时它就是本表注明的总分，按它核对各项目（见WT006）；或者写整列之和（如4个项目共360分）。
    两者都不是，说明合计行抄错了，或者有项目的权重填错、漏填。有项目的权重缺失或无效（WT001）时
    先不比较。

    依据：实践：本工具收集的真实表中，还没有清单表在合计行填权重的例子（遂宁样表的部门行只填预算数）；
    “每个项目的总分”与“整列之和”两种读法是本工具的判断。未找到正式文件规定合计行的权重怎么填。
    """
    hits = []
    for row in table.total_rows:
        reading = read_total_row(table, row, ctx.config.tolerance)
        if reading != "neither":
            continue
        covered = [table.projects[i] for i in row.project_indices]
        if any((i.weight is None or i.weight <= 0) and not is_template_row(i) for p in covered for i in real(p, ctx)):
            continue  # WT001 first: the totals are not the clerk's yet
        totals = project_totals(table, row.project_indices)
        # a 小计 row that closed a unit carries the unit's name; one that closed none, its own
        what = f"单位“{row.name}”的小计行" if row.subtotal and not compact(row.name).endswith("小计") \
            else f"“{row.name}”行"
        hits.append(Hit(cell=row.weight_cell, row=row.row, params={
            "what": what, "weight": num(row.weight), "totals": _totals_text(totals), "n": len(totals),
            "sum": num(sum(totals))}))
    return hits or None
