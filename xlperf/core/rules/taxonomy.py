"""TX: the indicator taxonomy — level-1 and level-2 names, what every project must contain."""

from __future__ import annotations

from ..taxonomy import LEVEL1, LEVEL2, is_level2_text
from ._common import icell, fix, pcell, real
from .registry import Hit, rule

_LEVEL1 = frozenset(LEVEL1)
_PARENTS: dict[str, tuple[str, ...]] = {}
for _l1, _l2s in LEVEL2.items():
    for _l2 in _l2s:
        _PARENTS[_l2] = _PARENTS.get(_l2, ()) + (_l1,)
OUTPUT_KINDS = ("数量指标", "质量指标", "时效指标")


@rule(
    "TX001",
    "unknown-level1",
    "error",
    "indicator",
    "{cell} 一级指标“{level1}”不是产出指标、效益指标、满意度指标或成本指标{hint}",
    message_en="unknown level-1 indicator",
    title="一级指标名称不规范",
)
def unknown_level1(ind, project, ctx):
    """
    问题：一级指标为空，或不是“产出指标”“效益指标”“满意度指标”“成本指标”之一。

    原因：一级指标决定指标归类和权重分配（产出50、效益30、满意度10）。常见写法已自动识别：
    “产出”“效益指标(30分)”“服务对象满意度指标”等都按规范名称读取（见TX003）。
    仍无法识别的，多半是整行错列（二级指标写进了一级指标列）或自创的分类。
    """
    if ind.level1 in _LEVEL1 or "level1" not in ctx.table.columns:
        return None
    if ind.is_placeholder or (ind.level1 is not None and "filled:level1" in ind.notes):
        return None  # reported once, on the row that holds the text
    hint = ""
    if ind.level1 is not None and is_level2_text(ind.level1):
        hint = f"；“{ind.level1}”是二级指标名称，一级与二级指标可能错列"
    return Hit(cell=icell(ctx, ind, "level1"), row=ind.row, params={"level1": ind.level1, "hint": hint})


@rule(
    "TX002",
    "level2-not-under-level1",
    "error",
    "indicator",
    "{cell} 二级指标“{level2}”不属于一级指标“{level1}”{hint}",
    message_en="level-2 not allowed under its level-1",
    title="二级指标与一级指标不匹配",
)
def level2_not_under_level1(ind, project, ctx):
    """
    问题：二级指标为空、不是规范名称，或不属于所在的一级指标。

    原因：二级指标只能在所属的一级指标下使用（依据财预〔2015〕88号、〔2021〕101号）：
    产出指标：数量、质量、时效、成本（旧口径）指标；效益指标：经济效益、社会效益、
    生态效益、可持续影响指标；满意度指标：服务对象满意度指标；成本指标：经济成本、
    社会成本、生态环境成本指标。放错位置会使权重和指标体系的检查都失真。

    反例：产出指标 | 社会效益指标 | 群众安全感

    正例：效益指标 | 社会效益指标 | 群众安全感
    """
    l1 = ind.level1
    if l1 not in _LEVEL1:
        return None  # TX001
    l2 = ind.level2
    if l2 in LEVEL2[l1] or "level2" not in ctx.table.columns or ind.is_placeholder:
        return None
    notes = ind.notes
    if "filled:level1" in notes and "filled:level2" in notes:
        return None  # the row that holds both names reports it
    parents = _PARENTS.get(l2) if l2 else None
    if parents:
        hint = "，应归入“" + "”或“".join(parents) + "”"
    else:
        hint = f"；“{l1}”下可用：" + "、".join(LEVEL2[l1])
    return Hit(cell=icell(ctx, ind, "level2"), row=ind.row, params={"level1": l1, "level2": l2, "hint": hint})


@rule(
    "TX003",
    "level-alias",
    "info",
    "indicator",
    "{cell} {field}“{old}”已按规范名称“{new}”读取",
    message_en="alias normalised",
    title="指标级别名称按别名识别",
    fixable=True,
)
def level_alias(ind, project, ctx):
    """
    问题：一级或二级指标使用了别名或附带了分值，例如“环境效益指标”“满意度指标”（二级）、
    “产出指标(50分)”“产出”。

    原因：各地模板写法不同，xlperf 按规范名称读取并继续校验；提交前建议统一为规范名称，
    便于财政部门汇总。可自动修正为规范名称。
    """
    notes = ind.notes
    if "alias:level1" not in notes and "alias:level2" not in notes:
        return None
    hits = []
    for field, label in (("level1", "一级指标"), ("level2", "二级指标")):
        if f"alias:{field}" in notes and f"filled:{field}" not in notes:
            old, new = ind.raw.get(field), getattr(ind, field)
            cell = icell(ctx, ind, field)
            hits.append(Hit(cell=cell, row=ind.row, params={"field": label, "old": old, "new": new},
                            fix=fix(ctx, cell, old, new, f"{label}改为规范名称“{new}”")))
    return hits or None


def _levels(project, ctx) -> tuple[set, set, bool]:
    """(level-1 names, level-2 names under 产出, has a 服务对象满意度 level-2) of the real indicators."""
    cache = ctx.cache.setdefault("levels", {})
    got = cache.get(project.index)
    if got is None:
        l1s, output_l2s, satisfaction = set(), set(), False
        for i in real(project, ctx):
            l1 = i.level1
            l1s.add(l1)
            if l1 == "产出指标":
                output_l2s.add(i.level2)
            elif i.level2 == "服务对象满意度指标":
                satisfaction = True
        got = cache[project.index] = (l1s, output_l2s, satisfaction)
    return got


@rule(
    "TX004",
    "missing-output-or-outcome",
    "error",
    "project",
    "{cell} 项目“{project}”没有{level1}",
    message_en="project without output or outcome indicators",
    title="项目缺少产出指标或效益指标",
)
def missing_output_or_outcome(project, ctx):
    """
    问题：一个项目没有任何产出指标，或没有任何效益指标（各报告一次）。

    原因：产出（做了多少、做得怎样、是否按时）和效益（带来了什么效果）是所有官方指标框架
    的核心，缺一不可；只有满意度或只有成本的目标无法评价。
    """
    if "level1" not in ctx.table.columns or not real(project, ctx):
        return None
    have = _levels(project, ctx)[0]
    hits = [Hit(cell=pcell(ctx, project, "project"), row=project.row_first, params={"level1": l1})
            for l1 in ("产出指标", "效益指标") if l1 not in have]
    return hits or None


@rule(
    "TX005",
    "missing-satisfaction",
    "warning",
    "project",
    "{cell} 项目“{project}”没有满意度指标",
    message_en="project without a satisfaction indicator",
    title="项目缺少满意度指标",
)
def missing_satisfaction(project, ctx):
    """
    问题：一个项目没有满意度指标（一级“满意度指标”或二级“服务对象满意度指标”）。

    原因：有服务对象或受益人的项目，应设置服务对象满意度指标（原则上占10分）。
    单位内部运转类项目可能没有外部服务对象，因此只作警告；确实不需要时可在“豁免”列填写TX005。

    反例：培训项目只有产出和效益指标。

    正例：满意度指标 | 服务对象满意度指标 | 参训人员满意度 | ≥ | 90 | % | 10 | 正向指标
    """
    if "level1" not in ctx.table.columns or not real(project, ctx):
        return None
    l1s, _, satisfaction_l2 = _levels(project, ctx)
    if "满意度指标" in l1s or satisfaction_l2:  # the latter filed under 效益 (old 湖南 layout): TX002 says so
        return None
    return Hit(cell=pcell(ctx, project, "project"), row=project.row_first)


@rule(
    "TX006",
    "output-kind-missing",
    "warning",
    "project",
    "{cell} 项目“{project}”的产出指标中没有{level2}",
    message_en="outputs lack quantity, quality or timeliness",
    title="产出指标缺少数量、质量或时效指标",
)
def output_kind_missing(project, ctx):
    """
    问题：项目有产出指标，但其中缺少数量指标、质量指标或时效指标（缺几类报几次）。

    原因：产出指标通常应同时说明做多少（数量）、做得怎样（质量）和何时完成（时效），
    这是常见的审核要求（没有找到统一的官方硬性规定，因此作警告）。项目完全没有产出指标时
    由TX004报告，这里不再重复。

    反例：产出指标只有“培训次数 ≥ 5 次”。

    正例：再加“培训合格率 ≥ 95 %”（质量指标）和“培训完成时限 ≤ 12 月”（时效指标）。
    """
    if "level2" not in ctx.table.columns or "level1" not in ctx.table.columns:
        return None
    l1s, have, _ = _levels(project, ctx)
    if "产出指标" not in l1s:
        return None
    hits = [Hit(cell=pcell(ctx, project, "project"), row=project.row_first, params={"level2": k})
            for k in OUTPUT_KINDS if k not in have]
    return hits or None


@rule(
    "TX007",
    "name-suggests-other-level",
    "warning",
    "indicator",
    "{cell} 三级指标“{name}”含“{word}”，却填在“{filed}”下，可能应归入{suggest}",
    message_en="name suggests another level",
    title="三级指标名称与所在级别不符",
)
def name_suggests_other_level(ind, project, ctx):
    """
    问题：三级指标的名称看起来属于另一个级别：含“满意”却不在满意度指标下；
    “合格率”“达标率”放在效益指标下；含“成本”“费用”却放在生态效益指标下。

    原因：这些是审核中最常见的错放：满意度被当作社会效益，质量（合格率）被当作效益，
    成本控制被当作生态效益。错放会使产出/效益/满意度的权重分配失真。

    反例：效益指标 | 社会效益指标 | 市民对空气质量改善的满意程度

    正例：满意度指标 | 服务对象满意度指标 | 市民对空气质量改善的满意程度
    """
    name = ind.name
    if name is None:
        return None
    l1, l2 = ind.level1, ind.level2
    if "满意" in name:
        if l1 == "满意度指标" or l2 == "服务对象满意度指标" or l1 is None:
            return None
        word, suggest = "满意", "“满意度指标—服务对象满意度指标”"
    elif l1 == "效益指标" and ("合格率" in name or "达标率" in name):
        word = "合格率" if "合格率" in name else "达标率"
        suggest = "“产出指标—质量指标”"
    elif l2 == "生态效益指标" and ("成本" in name or "费用" in name):
        word = "成本" if "成本" in name else "费用"
        suggest = "“成本指标”"
    else:
        return None
    filed = "—".join(x for x in (l1, l2) if x)
    return Hit(cell=icell(ctx, ind, "name"), row=ind.row,
               params={"name": name, "word": word, "filed": filed, "suggest": suggest})


@rule(
    "TX008",
    "cost-filed-two-ways",
    "warning",
    "table",
    "{cell} 本表同时把成本指标作为一级指标（{n_top}行，如第{row_top}行）和产出指标下的二级指标"
    "（{n_under}行，如第{row_under}行），请统一一种写法",
    message_en="cost indicators filed two ways",
    title="成本指标在同一张表中有两种归类",
)
def cost_filed_two_ways(table, ctx):
    """
    问题：同一张表中，有的项目把“成本指标”作为一级指标（财预〔2021〕101号的写法），
    有的项目把它作为“产出指标”下的二级指标（旧写法）。

    原因：两种写法都被接受，但混用说明表格拼自不同模板，汇总时成本指标会被分到两个地方。
    权重检查时两种写法都计入产出指标的50分。
    """
    top = under = None
    n_top = n_under = 0
    for p in table.projects:
        for ind in p.indicators:
            l1 = ind.level1
            if l1 == "成本指标" and not ind.is_placeholder:
                n_top += 1
                top = top or ind
            elif l1 == "产出指标" and ind.level2 == "成本指标" and not ind.is_placeholder:
                n_under += 1
                under = under or ind
    if not (top and under):
        return None
    at, field = (top, "level1") if n_top <= n_under else (under, "level2")
    return Hit(cell=icell(ctx, at, field), row=at.row,
               params={"n_top": n_top, "row_top": top.row, "n_under": n_under, "row_under": under.row})
