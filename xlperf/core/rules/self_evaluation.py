"""SE: self-evaluation checks (绩效自评表, read by ``core.layouts.self_evaluation``).

A self-evaluation is judged on what finance bureaus reject: an 执行率 or a budget score that
does not follow from the money figures, indicator scores above their points or cut without a
reason, scores that cannot follow from target and actual, totals that do not add up, and a
form sent back unfilled. The rules run only on tables the self-evaluation reader read
(``registry.applies``); the list rules that make no sense there are listed in
``registry.LAYOUT_RULES`` (the one place).

SE001–SE049 judge one self-evaluation; SE050–SE099 (``core.compare``) hold it against the
approved target table.
"""

from __future__ import annotations

import math
import re
from typing import Any, Optional

from ..model import FundLine, Indicator, Project
from ..normalise import clean_text, compact, nfkc, parse_number, split_value
from ._common import icell, num, real, short, signed
from .registry import REGISTRY, Hit, rule

# A reason cell that says nothing (the template's 0, 无, /).
PLACEHOLDER_REASONS = frozenset(("0", "无", "/", "／", "-", "—", "--", "——", "\\", "否", "没有", "暂无", "无偏差",
                                 "0.0", "不适用"))
# 实际完成值 saying "nothing was achieved".
NOTHING = frozenset(("无", "未完成", "未达成", "未实现", "没有", "否", "未开展", "未达到"))
COST_LEVEL2 = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
EPS = 1e-6


def is_reason(v: Any) -> bool:
    """A real reason: not blank and not a placeholder (``0``, ``无``, ``/`` …)."""
    s = clean_text(v)
    return bool(s) and compact(nfkc(s)) not in PLACEHOLDER_REASONS


def _ev(project: Project):
    return project.evaluation


def unfilled(project: Project, ctx) -> bool:
    """No 完成值 and no 得分 anywhere (indicators, budget line, 总分): the form was sent blank."""
    cache = ctx.cache.setdefault("se_unfilled", {})
    got = cache.get(project.index)
    if got is None:
        ev = project.evaluation
        inds = real(project, ctx)
        got = bool(inds) and ev is not None and all(
            i.actual is None and i.score is None and i.raw.get("actual") is None and i.raw.get("score") is None
            for i in inds) and ev.budget_score is None and ev.total_score is None
        cache[project.index] = got
    return got


# --- target against actual -------------------------------------------------------------------


def direction_of(ind: Indicator) -> str:
    """正向 (more is better) or 反向, from the 指标方向 column, else the comparison sign, else the
    level (成本 indicators are 反向); ``=`` is ``equal``."""
    if ind.direction == "反向指标":
        return "反向"
    if ind.direction == "正向指标":
        return "正向"
    c = ind.comparator
    if c in ("≤", "<"):
        return "反向"
    if c in ("≥", ">"):
        return "正向"
    if c == "=":
        return "equal"
    if ind.level2 in COST_LEVEL2:
        return "反向"
    return "正向"


def _actual_measure(ind: Indicator) -> Optional[str]:
    sv = split_value(ind.raw.get("actual")) if isinstance(ind.raw.get("actual"), str) else None
    return sv.measure if sv is not None else None


def grade(ind: Indicator, ctx) -> tuple[str, str]:
    """How the actual stands against the target: ``met`` / ``unmet`` / ``partial`` (qualitative
    部分达成) / ``missing`` (no actual) / ``na`` (``/``) / ``invalid`` (the target itself is
    invalid, VL010) / ``incomparable`` / ``unknown`` (qualitative text we cannot grade), and a
    short Chinese explanation."""
    cache = ctx.cache.setdefault("se_grade", {})
    k = (ind.sheet, ind.row)
    got = cache.get(k)
    if got is None:
        got = cache[k] = _grade(ind, ctx)
    return got


def _grade(ind: Indicator, ctx) -> tuple[str, str]:
    raw_actual = ind.raw.get("actual")
    if ind.actual is None:
        return ("na", "完成值为“/”") if raw_actual is not None else ("missing", "完成值未填写")
    t, a = ind.target, ind.actual
    vl010 = REGISTRY.get("VL010")
    hit = vl010.func(ind, None, ctx) if vl010 is not None and vl010.func is not None else None
    if hit is not None and hit.severity is None:  # VL010's error case: out of 0–100 %
        return "invalid", f"年度指标值{short(ind.raw.get('target'))}本身无效"
    a_text = clean_text(a) if isinstance(a, str) else None
    if isinstance(t, float):
        if a_text is not None:
            if compact(nfkc(a_text)) in NOTHING:
                if abs(t) < EPS:
                    return "met", f"目标为0，完成值为“{a_text}”"
                return "unmet", f"目标{_show_target(ind)}，完成值为“{a_text}”"
            return "incomparable", f"年度指标值“{_raw_target(ind)}”是数值，完成值“{short(a_text)}”不是数值，请填写实际完成的数值"
        am = _actual_measure(ind)
        if am and ind.measure and am != ind.measure:
            return "incomparable", f"年度指标值的单位是“{ind.measure}”，完成值的单位是“{am}”，请用同一单位填写完成值"
        d = direction_of(ind)
        if d == "反向":
            ok = a < t + EPS if ind.comparator != "<" else a < t - EPS
        elif d == "equal":
            ok = abs(a - t) < EPS * max(1.0, abs(t))
        else:
            ok = a > t - EPS if ind.comparator != ">" else a > t + EPS
        word = {"反向": "反向指标：完成值应不高于目标", "equal": "指标性质为“=”：完成值应等于目标",
                "正向": "正向指标：完成值应不低于目标"}[d]
        return ("met" if ok else "unmet"), f"目标{_show_target(ind)}，完成{_show_actual(ind)}（{word}）"
    if isinstance(t, str):
        at = a_text if a_text is not None else clean_text(a) or ""
        ta, aa = compact(nfkc(t)), compact(nfkc(at))
        if aa == ta or (ta and ta in aa and not aa.startswith(("未", "没有", "不"))):
            return "met", f"目标“{short(t)}”，完成“{short(at)}”"
        if aa.startswith(("部分", "基本")):
            return "partial", f"目标“{short(t)}”，完成“{short(at)}”"
        if aa in NOTHING or aa.startswith(("未", "没有")):
            return "unmet", f"目标“{short(t)}”，完成“{short(at)}”"
        if aa in ("达成", "完成", "已完成", "全部完成", "全部达成", "达到", "实现", "是", "符合", "合格"):
            return "met", f"目标“{short(t)}”，完成“{short(at)}”"
        return "unknown", f"目标“{short(t)}”，完成“{short(at)}”"
    return "unknown", ""


def _show_target(ind: Indicator) -> str:
    c = ind.comparator if ind.comparator in ("≥", "≤", ">", "<", "=") else ""
    return f"{c}{num(ind.target)}{ind.measure or ''}"


def _raw_target(ind: Indicator) -> str:
    """The 年度指标值 as the clerk wrote it (``≥100人次``), else as read."""
    raw = ind.raw.get("target")
    if isinstance(raw, str) and raw.strip() and not raw.strip().replace(".", "", 1).isdigit():
        return short(raw)
    return _show_target(ind)


def _rate(line: FundLine, rate: float) -> str:
    """An execution rate for a message: 86.2%, 90% (two places at most, no trailing zeros)."""
    return f"{num(round(rate, 2))}%"


def _show_actual(ind: Indicator) -> str:
    a = ind.actual
    return f"{num(a)}{_actual_measure(ind) or ind.measure or ''}" if isinstance(a, float) else str(a)


# --- indicator rules -------------------------------------------------------------------------


@rule(
    "SE001",
    "self-evaluation-unfilled",
    "error",
    "project",
    "{cell} 自评表“{project}”未填写：{count}条指标都没有完成值和得分{budget}，无法评分；请逐条填写实际完成值和得分",
    message_en="self-evaluation not filled in",
    title="自评表未填写（没有完成值和得分）",
)
def unfilled_self_evaluation(project, ctx):
    """
    问题：自评表所有指标的实际完成值（完成值）和得分都是空的，预算执行的得分和总分也没有填，整张表只有一条这个问题。

    原因：自评表要把年初的每条目标与全年实际完成情况对照打分；只有目标、没有完成值和得分的
    表没有任何评价内容，财政部门会退回。逐格报告“完成值为空”只会淹没这一件事，所以合为一条。

    依据：实践：青神2023自评表（四川510000_0013zp模板）公开时完成值和得分均未填写；财预〔2020〕10号要求对照年度绩效目标开展自评（研究笔记所记，原文未逐字核对）。

    反例：青神县 2023 年“工资性支出”自评表：两条指标的完成值、得分和总额得分全部空白。

    正例：发放(缴纳)覆盖率 | = | 100 | % | 完成值 100 | 权重 60 | 得分 60。
    """
    if not unfilled(project, ctx):
        return None
    inds = real(project, ctx)
    first = inds[0]
    ev = project.evaluation
    budget = "，预算执行得分也未填写" if ev is not None and "budget_points" in ev.cells else ""
    return Hit(cell=icell(ctx, first, "actual"), row=first.row, params={"count": len(inds), "budget": budget})


@rule(
    "SE004",
    "score-above-points",
    "error",
    "indicator",
    "{cell} 指标“{name}”的得分{score}{problem}",
    message_en="score above the indicator's points",
    title="指标得分高于分值或为负数",
)
def score_above_points(ind, project, ctx):
    """
    问题：一条指标的得分大于它的分值（权重），或得分为负数。

    原因：分值是这条指标能得的最高分，超额完成也只能得满分；负分在自评中不存在。
    多出的分会让总分超过100。

    依据：实践：廊坊（MoF模板）、青神（四川模板）各指标的得分都以分值为上限；未找到正式文件对负分的规定。

    反例：工程完工率 | 分值 10 | 得分 12。

    正例：工程完工率 | 分值 10 | 得分 10。
    """
    s, w = ind.score, ind.weight
    if s is None or project.evaluation is None:
        return None
    if s < -EPS:
        problem = "是负数，得分应在0到分值之间"
    elif w is not None and s > w + EPS:
        problem = f"高于分值{num(w)}，最多得{num(w)}分"
    else:
        return None
    return Hit(cell=icell(ctx, ind, "score"), row=ind.row, params={"name": ind.name, "score": num(s), "problem": problem})


@rule(
    "SE005",
    "cut-without-reason",
    "error",
    "indicator",
    "{cell} 指标“{name}”得分{score}低于分值{points}，但{problem}；请写明扣分的原因和改进措施",
    message_en="score cut without a reason",
    title="扣分的指标没有说明偏差原因",
)
def cut_without_reason(ind, project, ctx):
    """
    问题：一条指标的得分低于分值（被扣分），偏差原因分析（未完成原因分析）却是空的，或只写了
    “0”“无”“/”之类的占位内容。得满分的指标写占位内容或写了原因都没有问题。

    原因：扣分说明目标没有全部完成，自评表要求逐条说明偏差原因和改进措施；
    没有原因的扣分，财政部门无法判断是执行问题还是目标定得不合理。

    依据：MoF自评表的“偏差原因分析及改进措施”列、四川模板的“未完成原因分析”列要求说明扣分原因。实践：廊坊唯一扣分的数量指标写明了原因；三条满分指标原因栏写“0”，不算问题。

    反例：工程资金金额 | 分值 10 | 得分 9 | 偏差原因 0。

    正例：工程资金金额 | 分值 10 | 得分 9 | 已完工，剩余3%尾款未付，且最高限价低于预算金额。提高预算准确度。
    """
    s, w = ind.score, ind.weight
    if s is None or w is None or s >= w - EPS or project.evaluation is None:
        return None
    if is_reason(ind.reason):
        return None
    raw = ind.raw.get("reason")
    problem = "偏差原因未填写" if raw is None else f"偏差原因只写了“{short(raw)}”"
    cell = icell(ctx, ind, "reason") or icell(ctx, ind, "score")
    return Hit(cell=cell, row=ind.row, params={"name": ind.name, "score": num(s), "points": num(w), "problem": problem})


@rule(
    "SE006",
    "actual-missing",
    "warning",
    "indicator",
    "{cell} 指标“{name}”的实际完成值未填写，请填写全年实际完成的情况（不适用写“/”）",
    message_en="actual value missing",
    title="指标的实际完成值未填写",
)
def actual_missing(ind, project, ctx):
    """
    问题：自评表已经填写（有别的完成值或得分），但这条指标的实际完成值是空的。整张表都没填时
    只报SE001一条。完成值写“/”表示不适用，不报。

    原因：没有完成值就无法判断目标是否达成，这条指标的得分也无从核对。

    依据：MoF自评表的“实际完成值”列、四川模板的“完成值”列逐条填写。实践：3张自评表都有这一列。

    反例：学生满意度 | 年度指标值 100 | 实际完成值（空）| 得分 10。

    正例：学生满意度 | 年度指标值 100 | 实际完成值 98 | 得分 10。
    """
    if ind.actual is not None or ind.raw.get("actual") is not None or ind.is_placeholder:
        return None
    if project.evaluation is None or unfilled(project, ctx):
        return None
    return Hit(cell=icell(ctx, ind, "actual"), row=ind.row, params={"name": ind.name})


@rule(
    "SE007",
    "actual-incomparable",
    "warning",
    "indicator",
    "{cell} 指标“{name}”的完成值无法与年度指标值比较：{why}",
    message_en="actual not comparable with the target",
    title="实际完成值无法与年度指标值比较",
)
def actual_incomparable(ind, project, ctx):
    """
    问题：年度指标值是数值，实际完成值却是一段文字（不是“无”“未完成”这类表示没有完成的话），
    或两者的单位不同（% 对 万元）。

    原因：完成值要和目标用同一把尺子量，才能判断是否达成、得分是否合理；写成“按计划推进”
    或换了单位，审核的人只能自己去猜。

    依据：实践：衡山表以“无”作完成值；未找到正式文件。

    反例：培训人次 | 年度指标值 ≥100人次 | 实际完成值 按计划完成。

    正例：培训人次 | 年度指标值 ≥100人次 | 实际完成值 120人次。
    """
    if project.evaluation is None or ind.is_placeholder:
        return None
    g, why = grade(ind, ctx)
    if g != "incomparable":
        return None
    return Hit(cell=icell(ctx, ind, "actual"), row=ind.row, params={"name": ind.name, "why": why})


@rule(
    "SE008",
    "score-does-not-follow",
    "error",
    "indicator",
    "{cell} 指标“{name}”得分{score}（分值{points}）与完成情况不符：{why}，{problem}",
    message_en="score does not follow from target and actual",
    title="得分与目标完成情况不符",
)
def score_does_not_follow(ind, project, ctx):
    """
    问题：得分与目标、完成值对不上：目标没有达成却得满分，或目标已经达成却被扣分；
    定性指标的得分不在等级对应的区间内。

    原因：按自评的计分规则（财预〔2020〕10号附件的通行做法），定量指标按方向判断：正向指标
    完成值不低于目标、反向指标完成值不高于目标即为达成，得满分，未达成的按完成比例扣分；
    定性指标按达成（分值的80%–100%）、部分达成（60%–80%）、未达成（0–60%）三档计分。
    得分不能从目标和完成值推出来，说明打分是估计的。

    依据：财预〔2020〕10号附件的自评计分做法（研究笔记所记，原文未逐字核对）：完成指标值的得满分，未完成的按比例扣分；定性指标按达成（80–100%）、部分达成（60–80%）、未达成（0–60%）分档。

    反例：培训人次 | ≥100 | 完成 80 | 分值 10 | 得分 10（未达成却得满分）。

    正例：培训人次 | ≥100 | 完成 80 | 分值 10 | 得分 8 | 偏差原因：下半年停训一个月。
    """
    s, w = ind.score, ind.weight
    if s is None or w is None or w <= 0 or project.evaluation is None:
        return None
    g, why = grade(ind, ctx)
    full = s >= w - EPS
    problem = None
    qualitative = isinstance(ind.target, str)
    if g == "met" and not full and not qualitative:
        problem = f"目标已达成，应得满分{num(w)}；若另有扣分理由，请写在偏差原因中"
    elif g == "unmet" and full:
        problem = "目标未达成，不应得满分；请按完成程度扣分并写明原因"
    elif qualitative and g in ("met", "partial", "unmet"):
        lo, hi, word = {"met": (0.8, 1.0, "达成"), "partial": (0.6, 0.8, "部分达成"), "unmet": (0.0, 0.6, "未达成")}[g]
        if not (lo * w - EPS <= s <= hi * w + EPS):
            problem = f"定性指标{word}应得分值的{int(lo * 100)}%–{int(hi * 100)}%，即{num(lo * w)}–{num(hi * w)}分"
    if problem is None:
        return None
    return Hit(cell=icell(ctx, ind, "score"), row=ind.row,
               params={"name": ind.name, "score": num(s), "points": num(w), "why": why, "problem": problem})


@rule(
    "SE009",
    "target-unmet",
    "info",
    "indicator",
    "{cell} 指标“{name}”未达到年度指标值：{why}；原因：{reason}",
    message_en="target not met",
    title="未达成的指标（无分值得分的自评表，已说明原因）",
)
def target_unmet(ind, project, ctx):
    """
    问题：自评表没有分值和得分列（如衡山县的县级专项资金绩效目标自评表）时，列出每条按方向
    判断没有达成年度指标值、并已写明原因的指标，供审核的人逐条过目。没写原因的报SE010。

    原因：没有得分列的表无法核对分数，只能逐条对照目标和完成值；未达成的指标是审核的重点。

    依据：实践：衡山2020县级专项资金绩效目标自评表没有分值、得分列，只有“未完成原因和改进措施”；未找到正式文件。

    反例：政策性挂账利息补贴保障率 | 100% | 完成值 无 | 原因：没有轮换、动用库存。

    正例：利息费用保障率 | 100% | 完成值 100%。
    """
    ev = project.evaluation
    if ev is None or ev.has_scores or ind.is_placeholder or not is_reason(ind.reason):
        return None
    g, why = grade(ind, ctx)
    if g not in ("unmet", "partial"):
        return None
    return Hit(cell=icell(ctx, ind, "actual"), row=ind.row, params={"name": ind.name, "why": why, "reason": short(ind.reason, 40)})


@rule(
    "SE010",
    "target-unmet-without-reason",
    "warning",
    "indicator",
    "{cell} 指标“{name}”未达到年度指标值：{why}；没有说明原因，请在未完成原因中写明原因和改进措施",
    message_en="target not met, no reason given",
    title="未达成的指标没有说明原因（无分值得分的自评表）",
)
def target_unmet_without_reason(ind, project, ctx):
    """
    问题：自评表没有分值和得分列时，一条指标按方向判断没有达成年度指标值，未完成原因却是空的
    或只写了“0”“无”“/”。

    原因：没有得分列，未完成原因是审核的人了解偏差的唯一依据；自评表要求未完成的指标逐条
    说明原因和改进措施。

    依据：实践：衡山2020县级专项资金绩效目标自评表（“未完成原因和改进措施”列）；未找到正式文件。

    反例：政策性挂账利息补贴保障率 | 100% | 完成值 无 | 未完成原因（空）。

    正例：政策性挂账利息补贴保障率 | 100% | 完成值 无 | 没有轮换、动用库存。
    """
    ev = project.evaluation
    if ev is None or ev.has_scores or ind.is_placeholder or is_reason(ind.reason):
        return None
    g, why = grade(ind, ctx)
    if g not in ("unmet", "partial"):
        return None
    return Hit(cell=icell(ctx, ind, "reason") or icell(ctx, ind, "actual"), row=ind.row,
               params={"name": ind.name, "why": why})


@rule(
    "SE011",
    "target-invalid-not-compared",
    "info",
    "indicator",
    "{cell} 指标“{name}”的年度指标值“{target}”本身有误（见VL010），未与完成值“{actual}”比较；请按批复的目标改正",
    message_en="invalid target, not compared",
    title="年度指标值无效，未与完成值比较",
)
def target_invalid_not_compared(ind, project, ctx):
    """
    问题：年度指标值本身无效（如百分比写成“290%”，多半是“≥90%”的“≥”被识别成了“2”），
    这条指标的完成值和得分就不与它比较，只在这里说明一次；目标值的问题由VL010报告在目标单元格上。

    原因：拿一个错的目标去判断达成与否，只会得出错的结论（290%永远达不到）。

    依据：实践：衡山表市民满意度调查的目标“290%”（“≥90%”的“≥”被识别成“2”）；百分比上限同VL010。

    反例：市民满意度调查 | 年度指标值 290% | 完成值 100%。

    正例：市民满意度调查 | 年度指标值 ≥90% | 完成值 100%。
    """
    if project.evaluation is None or ind.is_placeholder:
        return None
    g, _ = grade(ind, ctx)
    if g != "invalid":
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row,
               params={"name": ind.name, "target": short(ind.raw.get("target")), "actual": short(ind.raw.get("actual"))})


# --- the money block -------------------------------------------------------------------------


def _base(line: FundLine) -> tuple[Optional[float], str]:
    if line.budget is not None:
        return line.budget, "budget"
    return line.initial, "initial"


def _places(line: FundLine) -> Optional[int]:
    p = line.raw.get("rate_places")
    return p if isinstance(p, int) else None


def shown(x: float, places: Optional[int]) -> str:
    p = 2 if places is None else min(places, 4)
    return f"{x:.{p}f}%"


@rule(
    "SE002",
    "execution-rate",
    "error",
    "project",
    "{cell} “{line}”的执行率写为{stated}，按执行数{spent}÷预算数{budget}应为{computed}；请改正执行率，或核对执行数和预算数",
    message_en="execution rate does not follow",
    title="执行率不等于执行数÷预算数",
)
def execution_rate(project, ctx):
    """
    问题：资金行的执行率不等于全年执行数（预算执行数）÷全年预算数（调整后预算数；没有这一列时
    用年初预算数）。按单元格显示的精度比较：写“86%”时 37.24÷43.2=86.2% 算对，写“86.20%”时
    就要对到两位小数。执行率以 0.862（百分比格式）、公式的计算结果或文字“86%”保存都可以。
    执行率是公式而文件没有保存计算结果时（不是在 Excel 中保存的文件）给提示。

    原因：执行率是预算执行得分的依据，算错会带错得分；常见原因是用了年初预算数而不是调整后
    预算数，或公式引用错了行。

    依据：四川510000_0013zp模板注：“预算执行率=预算执行数/调整后预算数”；MoF自评表的“执行率”列。实践：廊坊 37.24/43.2 记作 86%、衡山 194.9/194.9 记作 100%、青神 251.89/251.89 记作 100.00%。

    反例：全年预算数 43.2 | 全年执行数 37.24 | 执行率 90%。

    正例：全年预算数 43.2 | 全年执行数 37.24 | 执行率 86%（或 86.2%）。
    """
    if project.evaluation is None or project.funds is None:
        return None
    hits = []
    for line in project.funds.lines:
        base, _ = _base(line)
        raw = line.raw.get("rate")
        if line.rate is None and isinstance(raw, str) and raw.startswith("="):
            cell = line.cells.get("rate")
            hits.append(Hit(cell=cell, row=_row(cell), severity="info", params={"formula": short(raw, 30)},
                            message="{cell} 执行率是公式“{formula}”，文件中没有它的计算结果，无法核对；"
                                    "在 Excel 中打开并保存一次即可",
                            message_en="execution rate formula without a cached value"))
            continue
        if line.rate is None or line.spent is None or base is None:
            continue
        if abs(base) < EPS:
            computed = 0.0 if abs(line.spent) < EPS else None
            if computed is None or abs(line.rate) < EPS:
                continue
        else:
            computed = line.spent / base * 100
        places = _places(line)
        tol = 0.5 * 10 ** -(places if places is not None else 2) + 1e-9
        if abs(line.rate - computed) <= tol:
            continue
        hits.append(Hit(cell=line.cells.get("rate"), row=_row(line.cells.get("rate")),
                        params={"line": line.label, "stated": shown(line.rate, places), "spent": num(line.spent),
                                "budget": num(base), "computed": _computed(computed, places)}))
    return hits or None


def _computed(x: float, places: Optional[int]) -> str:
    """The rate as computed, at the cell's precision plus one place (86.2% for a cell showing 86%),
    without a trailing .0 the clerk did not write (90%, not 90.0%)."""
    text = shown(x, max(places or 0, 1))
    return text.replace(".0%", "%") if not places and text.endswith(".0%") else text


def _row(addr: Optional[str]) -> Optional[int]:
    if not addr:
        return None
    digits = "".join(ch for ch in addr if ch.isdigit())
    return int(digits) if digits else None


def expected_budget_score(line: FundLine) -> Optional[tuple[float, float]]:
    """(rate used, expected score) = min(执行率 × 分值, 分值), 执行率 from the figures when they
    are there, else as stated."""
    base, _ = _base(line)
    if line.points is None:
        return None
    if line.spent is not None and base is not None and base > EPS:
        rate = line.spent / base * 100
    elif line.rate is not None:
        rate = line.rate
    else:
        return None
    return rate, min(rate / 100 * line.points, line.points)


def round_half_up(x: float, places: int = 0) -> float:
    f = 10 ** places
    return math.floor(x * f + 0.5 + 1e-9) / f


@rule(
    "SE003",
    "budget-score",
    "error",
    "project",
    "{cell} 预算执行得分{problem}",
    message_en="budget execution score does not follow",
    title="预算执行得分不等于执行率×分值",
)
def budget_score(project, ctx):
    """
    问题：预算执行的得分不等于 执行率 × 分值（最高为分值）。模板常用的取整规则——按四舍五入
    取整数分或保留一位小数（37.24÷43.2×10=8.62，写作9或8.6）——可以接受，只作提示；
    其他不一致是错误。自评表已填写而预算执行得分为空时给警告。

    原因：预算执行率一项按“执行率×分值”计分、最高不超过分值（财预〔2020〕10号附件的自评计分
    方法）；得分与执行率不符，多是按满分估计或抄错了行。

    依据：财预〔2020〕10号：预算执行率一项10分，按执行率计分（研究笔记所记，原文未逐字核对）。实践：廊坊 86.2%×10=8.62 记作 9（按整数四舍五入，本规则只作提示）。

    反例：全年预算数 43.2 | 全年执行数 37.24 | 分值 10 | 执行率 86% | 得分 10。

    正例：全年预算数 43.2 | 全年执行数 37.24 | 分值 10 | 执行率 86% | 得分 8.62（或按四舍五入写9）。
    """
    ev = project.evaluation
    if ev is None or project.funds is None or not project.funds.lines:
        return None
    line = next((ln for ln in project.funds.lines if ln.role == "total"), project.funds.lines[0])
    got = expected_budget_score(line)
    if got is None:
        return None
    rate, expected = got
    cell = line.cells.get("score") or ev.cells.get("budget_score")
    if line.score is None:
        if unfilled(project, ctx) or cell is None:
            return None
        return Hit(cell=cell, row=_row(cell), severity="warning",
                   params={"score": "", "problem": f"未填写，按执行率{_rate(line, rate)}×分值{num(line.points)}应为{num(round(expected, 2))}"})
    s = line.score
    if abs(s - expected) <= 0.005 + EPS:
        return None
    for places, word in ((0, "取整数分"), (1, "保留一位小数")):
        if abs(s - round_half_up(expected, places)) <= EPS:
            return Hit(cell=cell, row=_row(cell), severity="info",
                       message="{cell} 预算执行得分{problem}",
                       message_en="template rounding of the budget score, accepted", params={
                "score": num(s),
                "problem": f"写为{num(s)}：执行率{_rate(line, rate)}×分值{num(line.points)}={num(round(expected, 2))}，按四舍五入{word}，可以接受"})
    return Hit(cell=cell, row=_row(cell), params={
        "score": num(s), "problem": f"写为{num(s)}，按执行率{_rate(line, rate)}×分值{num(line.points)}应为{num(round(expected, 2))}（最高为分值）；请改为{num(round(expected, 2))}"})


@rule(
    "SE014",
    "funds-lines-sum",
    "error",
    "project",
    "{cell} “{total}”的{column}为{stated}，其中各行合计{sum}（{lines}）；请核对总额或其中各行",
    message_en="funds lines do not add up",
    title="资金总额不等于其中各行之和",
)
def funds_lines_sum(project, ctx):
    """
    问题：资金表中年度资金总额（总额）某一列（年初预算数、全年预算数、全年执行数）不等于其下
    各资金来源行（当年财政拨款、上年结转资金、其他资金……）之和。只核对其中至少一行填了数的列。

    原因：总额是各来源之和；对不上，说明漏填了来源、或总额与明细分别改过。

    部门整体支出绩效自评表的资金总额分两次列明（按收入性质分：一般公共预算、其他资金……；按支出性质分：
    基本支出、项目支出），每一组分别核对：组内各行之和等于该组标题行的金额，标题行等于资金总额
    （标题行未填金额时，组内各行直接与资金总额核对）。

    依据：MoF自评表：年度资金总额 = 其中：当年财政拨款 + 上年结转资金 + 其他资金（逐列）；部门整体支出
    绩效自评表：按收入性质分、按支出性质分两组各自等于资金总额。实践：廊坊、衡山、青神的资金行。

    反例：年度资金总额 全年执行数 37.24 | 其中：当年财政拨款 30 | 其他资金 5。

    正例：年度资金总额 全年执行数 37.24 | 其中：当年财政拨款 37.24。
    """
    if project.evaluation is None or project.funds is None:
        return None
    lines = project.funds.lines
    total = next((ln for ln in lines if ln.role == "total"), None)
    if total is None:
        return None
    # (the total a set of lines adds up to, the lines): the lines under the block's total, and
    # for a department's 按收入性质分 / 按支出性质分, each group's lines under its heading's
    # amounts, the heading under the block's total (or, with no amounts, the lines directly)
    heads = {ln.group: ln for ln in lines if ln.role == "total" and ln.group is not None and ln is not total}
    by: dict[Optional[str], list] = {}
    for ln in lines:
        if ln is not total and ln.sub:
            by.setdefault(ln.group, []).append(ln)
    checks = [(heads.get(g, total), parts) for g, parts in by.items()] + [(total, [h]) for h in heads.values()]
    hits = []
    for whole, parts in checks:
        for col, zh in (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数")):
            stated = getattr(whole, col)
            vals = [(ln, getattr(ln, col)) for ln in parts if getattr(ln, col) is not None]
            if whole is not total and stated is None:
                stated = getattr(total, col)  # a heading without amounts: its lines add up to the total
                whole_cell = total.cells.get(col)
            else:
                whole_cell = whole.cells.get(col)
            if stated is None or not vals:
                continue
            s = sum(v for _, v in vals)
            if abs(s - stated) <= 0.005 + EPS:
                continue
            label = whole.label if whole is total or getattr(whole, col) is not None else total.label
            hits.append(Hit(cell=whole_cell, row=_row(whole_cell), params={
                "total": label, "column": zh, "stated": num(stated), "sum": num(round(s, 6)),
                "lines": " + ".join(f"{ln.label}{num(v)}" for ln, v in vals)}))
    return hits or None


# --- totals ----------------------------------------------------------------------------------


@rule(
    "SE012",
    "points-total",
    "error",
    "project",
    "{cell} 自评表“{project}”的分值{what}",
    message_en="points do not add up",
    title="分值合计不等于100（或模板规定的分配）",
)
def points_total(project, ctx):
    """
    问题：自评表的分值加起来不等于100：预算执行的分值加上各指标的分值应为100；模板在标签里写明
    分配时（“预算执行情况(10分)”“绩效指标(90分)”），预算执行和指标各自的分值也要与之相符。

    原因：自评按百分制计分，一般是预算执行率10分、产出/效益/满意度指标共90分；合计不是100，
    总分就没有可比性，通常是漏了指标或分值改过。

    依据：财预〔2020〕10号：预算执行率10分，产出、效益、满意度指标共90分（研究笔记所记，原文未逐字核对）。实践：青神“预算执行情况(10分)”“绩效指标(90分)”、合计100；廊坊分值合计100。

    反例：预算执行 分值 10 | 指标分值 60 + 20 | 绩效指标(90分)。

    正例：预算执行 分值 10 | 指标分值 60 + 30 | 绩效指标(90分) | 合计 100。
    """
    ev = project.evaluation
    if ev is None or not ev.has_points:
        return None
    inds = [i for i in real(project, ctx) if i.weight is not None]
    if not inds:
        return None
    s = sum(i.weight for i in inds)  # type: ignore[misc]
    b = ev.budget_points
    hits = []
    cell = icell(ctx, inds[0], "weight")
    if ev.indicator_points_stated is not None and abs(s - ev.indicator_points_stated) > 0.01:
        hits.append(Hit(cell=ev.cells.get("indicator_points_stated"), row=_row(ev.cells.get("indicator_points_stated")),
                        params={"what": f"：各指标分值合计{num(s)}，表中注明“绩效指标({num(ev.indicator_points_stated)}分)”，应为{num(ev.indicator_points_stated)}"}))
    if ev.budget_points_stated is not None and b is not None and abs(b - ev.budget_points_stated) > 0.01:
        hits.append(Hit(cell=ev.cells.get("budget_points"), row=_row(ev.cells.get("budget_points")),
                        params={"what": f"：预算执行分值为{num(b)}，表中注明“预算执行情况({num(ev.budget_points_stated)}分)”，应为{num(ev.budget_points_stated)}"}))
    whole = s + (b or 0)
    expected = 100.0
    if not hits and abs(whole - expected) > 0.01:
        what = (f"合计为{num(whole)}（预算执行{num(b)} + 指标{num(s)}），应为100；请核对各指标的分值" if b is not None
                else f"：各指标分值合计{num(s)}，加上预算执行的分值后应为100；请核对各指标的分值")
        if b is None and ev.indicator_points_stated is None and abs(s - 90) <= 0.01:
            return None  # no budget points column: 90 for the indicators is the usual split
        hits.append(Hit(cell=ev.cells.get("budget_points") or cell, row=_row(ev.cells.get("budget_points") or cell),
                        params={"what": what}))
    return hits or None


@rule(
    "SE013",
    "stated-total",
    "error",
    "project",
    "{cell} {label}写为{stated}，{what}合计为{sum}，应为{sum}",
    message_en="stated total differs from the sum",
    title="总分（合计）不等于各项之和",
)
def stated_total(project, ctx):
    """
    问题：总分（合计）行写的得分不等于预算执行得分与各指标得分之和；或写的分值合计不等于
    预算执行分值与各指标分值之和。

    原因：总分决定自评等级（90分以上为优……），手填的总分与明细对不上，等级就不可信。

    依据：实践：青神的“合计”行、MoF模板的“总分”行都是各项之和；未找到正式文件。

    反例：预算执行得分 9 | 指标得分 9 + 8×10 | 总分 100。

    正例：预算执行得分 9 | 指标得分 9 + 8×10 | 总分 98。
    """
    ev = project.evaluation
    if ev is None:
        return None
    inds = real(project, ctx)
    hits = []
    if ev.total_score is not None and not unfilled(project, ctx):
        s = sum(i.score for i in inds if i.score is not None) + (ev.budget_score or 0)
        if abs(s - ev.total_score) > 0.01:
            hits.append(Hit(cell=ev.cells.get("total_score"), row=_row(ev.cells.get("total_score")), params={
                "label": "总分", "stated": num(ev.total_score), "what": "预算执行得分与各指标得分", "sum": num(round(s, 6))}))
    if ev.total_points is not None and ev.has_points:
        s = sum(i.weight for i in inds if i.weight is not None) + (ev.budget_points or 0)
        if abs(s - ev.total_points) > 0.01:
            hits.append(Hit(cell=ev.cells.get("total_points"), row=_row(ev.cells.get("total_points")), params={
                "label": "分值合计", "stated": num(ev.total_points), "what": "预算执行分值与各指标分值", "sum": num(round(s, 6))}))
    return hits or None


# --- the texts -------------------------------------------------------------------------------

_INSTRUCTION_RE = re.compile(r"\d+\s*字以内|^(对照年度目标|结合自评情况|针对项目自评|说明相关|请填写|填写说明)")
CONCLUSION_LABELS = ("评价结论", "存在问题", "改进措施", "自评结论", "存在的问题及原因", "下一步改进措施")


_EMPTY = "未填写"


def _text_problem(v: Any) -> Optional[str]:
    if v is None or (isinstance(v, str) and not v.strip()):
        return _EMPTY
    s = clean_text(v) or ""
    if isinstance(v, (int, float)) or parse_number(s).value is not None:
        return f"只写了数字“{s}”，应写明目标内容或完成情况"
    if _INSTRUCTION_RE.search(nfkc(s)):
        return f"还是模板的填写说明“{short(s, 24)}”，请写明实际内容"
    return None


@rule(
    "SE015",
    "evaluation-text",
    "warning",
    "project",
    "{cell} 自评表“{project}”的{what}{problem}",
    message_en="goal or conclusion text missing, a number or the template's instruction",
    title="年度总体目标或评价结论未填写、只写数字或仍是模板说明",
)
def evaluation_text(project, ctx):
    """
    问题：年度总体目标的预期目标、实际完成情况为空、只写了一个数字，或还是模板里的填写说明
    （“对照年度目标,说明相关任务目标的完成情况(100字以内)”）；评价结论、存在问题、改进措施
    仍是模板说明。整张表未填写时只报SE001。

    原因：总体目标的完成情况和评价结论是自评表的文字部分，财政部门据此了解项目做成了什么、
    还有什么问题；填一个金额或留着模板说明，等于没有写。

    依据：MoF自评表的“年度总体目标：预期目标 / 实际完成情况”、四川模板的“评价结论 / 存在问题 / 改进措施”。实践：廊坊总体目标栏只填了金额 43.2 / 37.24。

    反例：预期目标 43.2 | 实际完成情况 37.24（廊坊）；评价结论“结合自评情况,说明项目自评总分……(200字以内)”。

    正例：预期目标“完成办公宿舍楼、食堂及餐厅暖通改造” | 实际完成情况“改造已完工并通过验收，尾款3%未付”。
    """
    ev = project.evaluation
    if ev is None or unfilled(project, ctx):
        return None
    hits = []
    for key, what, value in (("goal", "年度总体目标（预期目标）", project.goal),
                             ("goal_actual", "年度总体目标的实际完成情况", ev.goal_actual)):
        cell = project.cells.get(key)
        if cell is None:
            continue  # the layout has no such cell
        problem = _text_problem(project.raw.get(key, value) if key == "goal" else value)
        if problem:
            hits.append(Hit(cell=cell, row=_row(cell), params={"what": what, "problem": problem}))
    for label in CONCLUSION_LABELS:
        if label in project.details and project.details[label] is not None:
            problem = _text_problem(project.details[label])
            if problem and problem != _EMPTY:
                cell = project.cells.get(label)
                hits.append(Hit(cell=cell, row=_row(cell), params={"what": label, "problem": problem}))
    return hits or None


@rule(
    "SE016",
    "budget-reason-missing",
    "warning",
    "project",
    "{cell} {what}，但预算执行的“原因”{problem}；请说明调整或未达90%的原因",
    message_en="budget adjustment or execution rate below 90 % without a reason",
    title="预算调整或执行率未达90%而未说明原因",
)
def budget_reason_missing(project, ctx):
    """
    问题：资金表有“原因”列（四川 510000_0013zp 模板）时，调整后预算数与年初预算不同（年中追加或
    调减），或预算执行率未达到90%，“原因”却是空的、只有占位内容，或仍是模板的填写说明。
    整张表未填写时只报SE001。

    原因：模板要求“预算执行率未达到90%的需说明原因”“年中发生预算调整的（追加或调减），应单独说明
    理由”；没有理由的调整和低执行率，财政部门无法判断是预算编制还是执行的问题。

    依据：四川510000_0013zp模板“原因”列的注：“预算执行率未达到90%的需说明原因……年中发生预算调整的（追加或调减），应单独说明理由”。实践：青神2023自评表调整后预算数比年初预算多12.96万元，原因栏只有模板说明。

    反例：年初预算 238.93 | 调整后预算数 251.89 | 原因“1.预算执行率=预算执行数/调整后预算数……(100字以内)”。

    正例：年初预算 238.93 | 调整后预算数 251.89 | 原因“年中人员调资追加12.96万元”。
    """
    if project.evaluation is None or project.funds is None or unfilled(project, ctx):
        return None
    line = next((ln for ln in project.funds.lines if ln.role == "total"), None)
    if line is None or "reason" not in line.raw and not _has_reason_column(project):
        return None
    whats = []
    if line.initial is not None and line.budget is not None and abs(line.initial - line.budget) > 0.005:
        change = line.budget - line.initial
        whats.append(f"调整后预算数{num(line.budget)}比年初预算{num(line.initial)}{'增加' if change > 0 else '减少'}{num(round(abs(change), 6))}")
    got = expected_budget_score(line) if line.points is not None else None
    rate = got[0] if got else line.rate
    if rate is not None and rate < 90 - EPS:
        whats.append(f"预算执行率{_rate(line, rate)}未达到90%")
    if not whats:
        return None
    raw = line.raw.get("reason")
    if raw is None:
        problem = "未填写"
    elif not is_reason(raw):
        problem = f"只写了“{short(raw)}”"
    elif _INSTRUCTION_RE.search(nfkc(clean_text(raw) or "")):
        problem = "仍是模板的填写说明"
    else:
        return None
    cell = line.cells.get("reason") or project.evaluation.cells.get("budget_reason")
    return Hit(cell=cell, row=_row(cell), params={"what": "，".join(whats), "problem": problem})


def _has_reason_column(project: Project) -> bool:
    return bool(project.evaluation and "budget_reason" in project.evaluation.cells)


# --- the summary of results (绩效自评结果汇总表: a project per row, no indicators) ----------------


def is_summary(table) -> bool:
    """A self-evaluation read in its summary shape (layouts.se_summary): no indicator columns."""
    return table.layout == "self_evaluation" and "name" not in table.columns and bool(table.projects)


@rule(
    "SE017",
    "summary-only",
    "info",
    "table",
    "{cell} 本表为自评结果汇总表（{count}个项目，每行一个项目，没有指标）：已核对执行率、自评得分与等级、合计行；"
    "各项目指标的完成值和得分未检查，请用各项目的自评表核对",
    message_en="summary of self-evaluation results: indicators not checked",
    title="自评结果汇总表：未检查指标",
)
def summary_only(table, ctx):
    """
    问题：本表是绩效自评结果的汇总表，每行一个项目（预算数、执行数、执行率、自评得分、自评等级），
    没有绩效指标。汇总表能核对的只有执行率、得分与等级是否相符、合计行是否等于各项目之和；
    指标完成值与得分是否相符（SE008 等）只能在各项目的自评表上检查。

    原因：审核者需要知道哪些检查没有做，而不是以为“没有问题”就是全部通过。

    依据：实践：部门公开的“项目支出绩效自评结果汇总表”只列各项目的得分与等级，指标见各项目自评表。

    反例：只报送汇总表（学生资助 95分 优 | 营养改善计划 88分 良），没有各项目的自评表。

    正例：汇总表之外，每个项目另附项目支出绩效自评表（含指标的完成值与得分）。
    """
    if not is_summary(table):
        return None
    return Hit(cell=table.cell("project", table.header_row) if table.header_row else None, row=table.header_row,
               params={"count": len(table.projects)}, scope="table")


_SUMMARY_ZH = {"initial": "年初预算数", "spent": "全年执行数"}


@rule(
    "SE018",
    "summary-total",
    "error",
    "table",
    "{cell} 合计行的{column}为{stated}，{what}为{want}{diff}；请核对合计行或各项目",
    message_en="the summary's total row does not add up",
    title="自评结果汇总表的合计行与各项目不符",
)
def summary_total(table, ctx):
    """
    问题：自评结果汇总表的合计行中，年初预算数、全年执行数不等于各项目之和（精确到0.01万元），
    或合计的执行率不等于合计执行数÷合计预算数（按单元格显示的小数位比较）。全年预算数的合计由
    BG002 核对。

    原因：合计行是部门整体执行情况的依据；对不上，多是漏了一行、改了明细没改合计，或执行率
    用各项目执行率的平均数代替了按金额计算的结果。

    依据：实践（推断）：合计等于各项目之和，执行率按金额计算（执行数÷预算数）。未找到正式文件。

    反例：学生资助 执行数 480 | 营养改善计划 300 | 合计 执行数 800。

    正例：合计 执行数 780；执行率 = 780 ÷ 合计全年预算数。
    """
    if not is_summary(table):
        return None
    hits = []
    lines = [p.funds.lines[0] for p in table.projects if p.funds and p.funds.lines]
    for t in table.total_rows:
        for f, zh in _SUMMARY_ZH.items():
            stated = t.amounts.get(f)
            vals = [getattr(ln, f) for ln in lines if getattr(ln, f) is not None]
            if stated is None or not vals:
                continue
            s = sum(vals)
            if abs(s - stated) > 0.005 + EPS:
                hits.append(Hit(cell=t.amount_cells.get(f), row=t.row, params={
                    "column": zh, "stated": num(stated), "what": "各项目之和", "want": num(round(s, 6)),
                    "diff": f"（相差{signed(stated - s)}）"}))
        rate = t.amounts.get("rate")
        base = t.amounts.get("budget", t.amounts.get("initial"))
        spent = t.amounts.get("spent")
        if rate is None or not base or spent is None:
            continue
        computed = spent / base * 100
        places = int(t.amounts.get("rate_places") or 0)
        if abs(round(computed, places) - rate) > 10 ** -places / 2 + EPS and abs(computed - rate) > 0.005:
            hits.append(Hit(cell=t.amount_cells.get("rate"), row=t.row, params={
                "column": "执行率", "stated": f"{num(rate)}%", "what": f"按合计执行数{num(spent)}÷合计预算数{num(base)}",
                "want": f"{num(round(computed, max(places, 1) + 1))}%", "diff": ""}))
    return hits or None


_GRADES = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", float("-inf")))
_GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中", "合格": "中",
                "一般": "中", "差": "差", "较差": "差", "不合格": "差"}


def grade_of(score: float) -> str:
    return next(g for g, low in _GRADES if score >= low - EPS)


@rule(
    "SE019",
    "grade-by-score",
    "error",
    "project",
    "{cell} 自评得分{score}分对应的等级为“{want}”（90分及以上为优、80—90分为良、60—80分为中、60分以下为差），"
    "表中写为“{got}”；请核对得分或等级",
    message_en="grade does not match the score",
    title="自评等级与自评得分不符",
)
def grade_by_score(project, ctx):
    """
    问题：自评等级与自评得分不符。等级按得分划为四档：90分（含）以上为优，80分（含）至90分为良，
    60分（含）至80分为中，60分以下为差。等级写作“优秀”“良好”“中等”“合格”“较差”等也按同一档读取；
    读不出档次的等级不检查。

    原因：等级由得分决定，不能另行评定；得分改过而等级未改，或按印象定级，都会出现不符。

    依据：《项目支出绩效评价管理办法》（财预〔2020〕10号）：绩效评价结果采取评分和评级相结合的方式，
    总分一般设置为100分，等级一般划分为四档：90（含）-100分为优、80（含）-90分为良、60（含）-80分
    为中、60分以下为差（研究笔记所记，条款号未逐字核对）。

    反例：自评得分 72 | 自评等级 优。

    正例：自评得分 72 | 自评等级 中。
    """
    ev = project.evaluation
    if ev is None or ev.grade is None or ev.total_score is None:
        return None
    got = _GRADE_WORDS.get(compact(ev.grade).rstrip("级等"))
    if got is None:
        got = _GRADE_WORDS.get(compact(ev.grade))
    if got is None:
        return None
    want = grade_of(ev.total_score)
    if got == want:
        return None
    cell = ev.cells.get("grade")
    return Hit(cell=cell, row=_row(cell), params={"score": num(ev.total_score), "want": want, "got": ev.grade})
