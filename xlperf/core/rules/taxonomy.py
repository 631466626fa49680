"""TX: the indicator taxonomy — level-1 and level-2 names, what every project must contain."""

from __future__ import annotations

import re

from ..normalise import is_money
from ..taxonomy import LEVEL1, LEVEL2, is_level2_text
from ._common import icell, fix, pcell, real, routine_reason
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

    依据：财预〔2015〕88号：一级指标为产出、效益、满意度指标；财预〔2021〕101号：另设成本指标为一级（研
    究笔记所记，原文未逐字核对）。9张表都用这几个一级指标。
    """
    if ind.level1 in _LEVEL1 or "level1" not in ctx.table.columns:
        return None
    if ind.is_placeholder or (ind.level1 is not None and "filled:level1" in ind.notes):
        return None  # reported once, on the row that holds the text
    hint = ""
    if ind.level1 is not None and is_level2_text(ind.level1):
        from .layoutfit import two_level_rows

        if ind.row in two_level_rows(ctx.table, ctx) and ctx.config.enabled("TX011"):
            return None  # the whole table has two levels: TX011 says so once
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
    问题：二级指标为空、不是规范名称，或不属于所在的一级指标。服务对象满意度指标填在效益指标下时，
    如果全表都没有“满意度指标”一级指标（旧版模板的写法），只作提示；表中其他项目已按现行体系
    使用“满意度指标”一级指标时，才是错误。

    原因：二级指标只能在所属的一级指标下使用：产出指标：数量、质量、时效、成本（旧口径）指标；
    效益指标：经济效益、社会效益、生态效益、可持续影响指标；满意度指标：服务对象满意度指标；
    成本指标：经济成本、社会成本、生态环境成本指标。放错位置会使权重和指标体系的检查都失真。
    旧版模板（如湖南旧版目标表）没有满意度一级指标，把满意度放在效益指标块中，这是模板本身的
    写法，不是填报错误；权重检查（WT003）把它算作满意度指标。

    依据：财预〔2015〕88号、财预〔2021〕101号的二级指标归属（研究笔记所记，原文未逐字核对）。实践：旧版
    湖南模板（湘潭2023，见研究笔记）把“社会公众或服务对象满意度”放在效益指标下，没有满意度一级指标。
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
    cell = icell(ctx, ind, "level2")
    if l1 == "效益指标" and l2 == "服务对象满意度指标" and not _follows_current_taxonomy(ctx):
        return Hit(cell=cell, row=ind.row, severity="info", message=_OLD_TEMPLATE_SATISFACTION,
                   message_en="satisfaction filed under 效益 by an older template: read as 满意度指标",
                   params={"level2": ind.raw.get("level2") or l2})
    parents = _PARENTS.get(l2) if l2 else None
    if parents:
        hint = "，应归入“" + "”或“".join(parents) + "”"
    else:
        hint = f"；“{l1}”下可用：" + "、".join(LEVEL2[l1])
    return Hit(cell=cell, row=ind.row, params={"level1": l1, "level2": l2, "hint": hint})


_OLD_TEMPLATE_SATISFACTION = (
    "{cell} 二级指标“{level2}”填在效益指标下：这是旧版模板的写法（如湖南旧版目标表把“社会公众或服务对象"
    "满意度指标”放在效益指标中），按满意度指标读取；现行指标体系把它列为一级指标“满意度指标”，"
    "换用新模板时请移过去")


def _follows_current_taxonomy(ctx) -> bool:
    """Does any project of the table file an indicator under the level-1 满意度指标 (the current
    taxonomy)? Computed once per check."""
    got = ctx.cache.get("current_taxonomy")
    if got is None:
        got = ctx.cache["current_taxonomy"] = any(
            i.level1 == "满意度指标" and not i.is_placeholder for i in ctx.table.indicators())
    return got


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

    依据：实践：别名见于遂宁样表（二级“满意度指标”）和研究笔记所记的佳县（环境效益指标）、中江和池州（“产出指标(50分)”）；龙图 pmkpi 系统也是去掉“指标”二字后比对名称。未找到正式文件。
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

    依据：财预〔2020〕10号单位自评指标：产出数量、质量、时效、成本，以及经济效益、社会效益、生态效益、可持续影
    响、服务对象满意度等（约第十五条，研究笔记所记，原文未逐字核对）。9张表中未被截断的每个项目都既有产出也有效益指
    标。
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
    工资性支出、公用经费等运转类项目（按名称或配置 routine_projects 识别）没有外部服务对象，
    模板规定不适用的指标不考核、其余按百分制折算，这类项目不报本规则，改由TX020提示一次。
    其他项目确实不需要时可在“豁免”列填写TX005。

    依据：财预〔2015〕88号：满意度指标反映服务对象或项目受益人的认可程度（研究笔记所记，原文未逐字核对）。模板
    说明：不适用的指标不考核，其余指标按百分制折算（http://biz.doczj.com/doc/174893555.html）
    。9张表中7张有满意度指标；青神的“工资性支出”没有，乌海的表被截断。
    """
    if routine_reason(project, ctx):
        return None  # TX020
    return satisfaction_missing(project, ctx)


def satisfaction_missing(project, ctx):
    """TX005's finding for any project (TX020 asks it for the routine ones)."""
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
    由TX004报告，这里不再重复。工资性支出、公用经费等运转类项目（如只有“发放覆盖率”一个产出指标）
    不报本规则，改由TX020提示一次。

    依据：财预〔2015〕88号：产出指标包括数量、质量、时效、成本（研究笔记所记，原文未逐字核对）；未找到要求三类
    都有的正式规定。实践：9张表中青神“工资性支出”只有数量指标，遂宁样表有4个项目没有时效指标。
    """
    if routine_reason(project, ctx):
        return None  # TX020
    return output_kinds_missing(project, ctx)


def output_kinds_missing(project, ctx):
    """TX006's findings for any project (TX020 asks them for the routine ones)."""
    if "level2" not in ctx.table.columns or "level1" not in ctx.table.columns:
        return None
    l1s, have, _ = _levels(project, ctx)
    if "产出指标" not in l1s:
        return None
    hits = [Hit(cell=pcell(ctx, project, "project"), row=project.row_first, params={"level2": k})
            for k in OUTPUT_KINDS if k not in have]
    return hits or None


_MONEY_NAME_RE = re.compile(r"经费|费用|资金|金额|投入|费$")
_TIME_NAME_RE = re.compile(r"时限|(时间|时长|周期)$")
_COST_NAME_RE = re.compile(r"成本|费用")
_SAVING_RE = re.compile(r"节约|节省|降低|减少|下降|压减")
# units that count things (a quantity), and names that make a count a quality measure
_COUNT_UNIT_RE = re.compile(r"^[万千百]?(次|人次|人|个|件|套|台|条|场|场次|期|篇|户|家|批|本|册|份)(/次)?$")
_QUALITY_NAME_RE = re.compile(r"率|度|质量|合格|达标|优良|评分|得分|排名|等级|投诉|事故|差错|错误|失误|问题|违规|缺陷|故障|返工|整改")
_OUTPUT_OF = "“产出指标—数量指标”"
_BENEFITS = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")


def money_as_output(ind) -> bool:
    """A 数量/质量 indicator that measures money: the input, not an output (VL031 reports it)."""
    if ind.level2 not in ("数量指标", "质量指标"):
        return False
    name = ind.name or ""
    return is_money(ind.measure) or bool(_MONEY_NAME_RE.search(name))


def misplacement(ind):
    """The pattern table of TX007: (what gives it away, as the message says it, where it belongs), or None.

    Rows, in order: 满意 outside 满意度; 合格率/达标率 under 效益; 成本/费用 under a 效益 level-2
    (not 节约/降低 …); money (经费/费用/资金/金额/…费, or a money unit) under 数量/质量; 时限/时间
    under 数量; a count (次/人/个/套 …, ≥ or =) under 质量 when the name is not a quality measure."""
    name = ind.name
    if name is None:
        return None
    l1, l2 = ind.level1, ind.level2
    if "满意" in name:
        if l1 == "满意度指标" or l2 == "服务对象满意度指标" or l1 is None:
            return None
        return "含“满意”", "“满意度指标—服务对象满意度指标”"
    if l1 == "效益指标" and ("合格率" in name or "达标率" in name):
        return ("含“合格率”" if "合格率" in name else "含“达标率”"), "“产出指标—质量指标”"
    if l2 in _BENEFITS:
        m = _COST_NAME_RE.search(name)
        if m and not _SAVING_RE.search(name):
            return f"含“{m.group(0)}”", "“成本指标”"
        return None
    if money_as_output(ind):
        m = _MONEY_NAME_RE.search(name)
        return (f"含“{m.group(0)}”" if m else f"以“{ind.measure}”计量"), "“成本指标”（投入不能作为产出）"
    if l2 == "数量指标":
        m = _TIME_NAME_RE.search(name)
        if m:
            return f"含“{m.group(0)}”", "“产出指标—时效指标”"
        return None
    if (l2 == "质量指标" and ind.comparator in ("≥", "=", ">") and ind.measure
            and _COUNT_UNIT_RE.match(ind.measure) and not _QUALITY_NAME_RE.search(name)):
        return f"以“{ind.measure}”计数", _OUTPUT_OF
    return None


@rule(
    "TX007",
    "name-suggests-other-level",
    "warning",
    "indicator",
    "{cell} 三级指标“{name}”{word}，却填在“{filed}”下，可能应归入{suggest}",
    message_en="name suggests another level",
    title="三级指标名称与所在级别不符",
)
def name_suggests_other_level(ind, project, ctx):
    """
    问题：三级指标的名称或单位看起来属于另一个级别。对照表（按顺序）：含“满意”却不在满意度指标下；
    “合格率”“达标率”放在效益指标下；含“成本”“费用”（不是“节约成本”“降低费用”）却放在效益指标下；
    经费、资金、金额、“……费”或以金额计量的指标放在数量或质量指标下；“时限”“时间”放在数量指标下；
    以次、人、个、套等计数（≥或=）的指标放在质量指标下，而名称不是合格率、得分、投诉之类的质量度量。

    原因：这些是审核中最常见的错放：满意度被当作社会效益，质量（合格率）被当作效益，
    成本控制被当作经济效益或生态效益，花的钱被当作产出，次数被当作质量。错放会使
    产出/效益/满意度的权重分配失真。经费、资金放在数量或质量指标下时由VL031报告
    （投入不能作为绩效目标），本规则不重复；忽略VL031时由本规则报告。

    依据：实践：研究笔记所记的常见错误（https://m.shutu.cn/template/p9476085.html：
    质量与效益混淆、以满意度代替效益），湘潭（满意程度放在社会效益下）和池州（成本控制放在生态效益下）；遂宁样表有“
    月均水电气费”在数量指标下、“特殊人群走访服务 ≥80万次”在质量指标下、“询价控制成本”在经济效益指标下。未找
    到正式文件。
    """
    got = misplacement(ind)
    if got is None:
        return None
    if money_as_output(ind) and ctx.config.enabled("VL031"):
        return None  # VL031: 投入不能作为绩效目标
    word, suggest = got
    filed = "—".join(x for x in (ind.level1, ind.level2) if x)
    return Hit(cell=icell(ctx, ind, "name"), row=ind.row,
               params={"name": ind.name, "word": word, "filed": filed, "suggest": suggest})


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

    依据：财预〔2021〕101号把成本指标列为一级；财预〔2015〕88号、〔2020〕10号把成本放在产出下（研
    究笔记所记，原文未逐字核对）。9张表中7张把成本指标放在产出下，遂宁样表只有1个项目把它作为一级指标。
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
