"""VL: values — 指标性质 (comparator), 指标值 (target), 度量单位 (measure) and 指标方向性 (direction)."""

from __future__ import annotations

import re

from ..normalise import _SCALE_GRADES  # noqa: PLC2701 - the grades lists_whole_scale knows
from ..normalise import (
    DIRECTIONS,
    IMPLIED_NOTE,
    QUANTITATIVE_ONLY,
    direction_for,
    is_time_unit,
    lists_whole_scale,
    money_factor,
    nfkc,
    split_value,
)
from ._common import QUANTITATIVE, icell, fix, is_template_row, num, short
from .registry import Hit, rule

_DIGIT_RE = re.compile(r"\d")
_DATE_RE = re.compile(r"(19|20)\d\d\s*[.\-/年]\s*\d{1,2}")
_TIME_WORDS = ("日期", "时间")
# Every character of the grades lists_whole_scale knows: a quick way out for ordinary sentences.
_GRADE_CHARS = frozenset("".join(g for scale in _SCALE_GRADES for g in scale))
VAGUE_PHRASES = (
    "有效提升", "有效提高", "有效改善", "明显改善", "明显提升", "明显提高", "显著提升", "显著提高",
    "进一步提高", "进一步提升", "进一步改善", "进一步加强", "有所提高", "有所提升", "有所改善",
    "逐步提高", "逐步提升", "不断提高", "不断提升", "稳步提升", "得到提升", "得到提高", "得到改善",
)
_VAGUE_RE = re.compile("|".join(VAGUE_PHRASES))


# --- comparator and target ------------------------------------------------------------

@rule(
    "VL001",
    "comparator-invalid",
    "error",
    "indicator",
    "{cell} 指标性质“{comparator}”{problem}",
    message_en="comparator missing or unknown",
    title="指标性质为空或无法识别",
    needs=("comparator",),
)
def comparator_invalid(ind, project, ctx):
    """
    问题：指标性质为空，或不是 ≥ ≤ = > < 定性 之一（常见写法如 >=、≧、不低于、不超过、＝、
    定性指标 已自动识别，见NM001）；或写了“定量”，但指标值里没有写明 ≥、≤ 或 =。

    原因：指标性质决定如何评分：≥ 类指标按“实际值/目标值”，≤ 类按“目标值/实际值”，
    定性指标按达成程度分档。无法识别的性质无法评分。

    依据：模板评分说明：正向指标（指标值为≥*）按“实际值/指标值”计分，反向指标（≤*）按“指标值/实际值”计分（http://biz.doczj.com/doc/174893555.html）。实践：四川样表的指标性质为 ≥ ≤ = 定性；9张表中南岳写ASCII“>=”“<=”。
    """
    c = ind.comparator
    if c in QUANTITATIVE or c == "定性":
        return None
    if c is None:
        if "comparator" not in ctx.table.columns or ind.is_placeholder:
            return None
        problem = "为空，应为 ≥ ≤ = > < 或 定性"
    elif c == QUANTITATIVE_ONLY:
        problem = "只说明是定量指标，指标值中也没有 ≥、≤ 或 =，请写明比较符号"
    else:
        problem = "无法识别，应为 ≥ ≤ = > < 或 定性"
    return Hit(cell=icell(ctx, ind, "comparator"), row=ind.row,
               params={"comparator": ind.raw.get("comparator") if c is None else c, "problem": problem})


@rule(
    "VL002",
    "quantitative-target-not-number",
    "error",
    "indicator",
    "{cell} 指标性质为“{comparator}”，但指标值“{target}”不是数字",
    message_en="quantitative target is not a number",
    title="定量指标的指标值不是数字",
)
def quantitative_target_not_number(ind, project, ctx):
    """
    问题：指标性质是 ≥ ≤ = > <（定量），但指标值不是一个数字。

    原因：定量指标评分时要计算“实际值/目标值”，指标值必须是数字；文字写的目标应改为
    定性指标，或改写成可计量的数字。指标值中带符号和单位（如“≥80%”）是可以识别的。

    依据：模板评分说明：定量指标按“实际值/指标值×分值”计分（http://biz.doczj.com/doc/174893555.html）
    ，指标值必须是数字。
    """
    t = ind.target
    if t is None or type(t) is float or ind.comparator not in QUANTITATIVE:
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row,
               params={"comparator": ind.comparator, "target": short(t)})


@rule(
    "VL003",
    "qualitative-target-is-number",
    "error",
    "indicator",
    "{cell} 指标性质为“定性”，但指标值“{target}”是数字",
    message_en="qualitative indicator with a numeric target",
    title="定性指标的指标值是数字",
)
def qualitative_target_is_number(ind, project, ctx):
    """
    问题：指标性质是“定性”，但指标值是一个数字，或数字加单位（如“80”“95%”“10次”）。

    原因：定性指标按达成程度分档评分，不计算实际值与目标值之比；写了数字说明其实是定量指标，
    指标性质填错了，评分方式会因此出错。

    依据：财预〔2020〕10号：定性指标按“达成/部分达成/未达成”分档计分（研究笔记所记，中江县注释印证）。数字
    目标写成定性属推断的填报错误。
    """
    if ind.comparator != "定性":
        return None
    t = ind.target
    if type(t) is float:
        shown = ind.raw.get("target")
    elif isinstance(t, str) and _DIGIT_RE.search(t):
        sv = split_value(t)
        # "2023年12月底前" is a date, not a number + unit: a unit never holds digits
        if sv is None or (sv.measure_raw and _DIGIT_RE.search(sv.measure_raw)):
            return None
        shown = t
    else:
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={"target": short(shown)})


@rule(
    "VL004",
    "qualitative-lists-scale",
    "error",
    "indicator",
    "{cell} 定性指标值“{target}”列出了整个等级，应只填一个目标等级",
    message_en="qualitative target lists a whole scale",
    title="定性指标值列出了整个等级",
)
def qualitative_lists_scale(ind, project, ctx):
    """
    问题：定性指标的指标值把整个等级都写上了，如“高中低”“优、良、中、差”“好/较好/一般/较差”。

    原因：指标值是年初设定的目标，必须是一个等级，年底才能判断是否达成；写出整个等级
    等于没有设定目标，无法评分，所以是错误（以前只作警告）。

    依据：财预〔2020〕10号：定性指标按是否达成年度指标分档计分（研究笔记所记，原文未逐字核对），目标须是一个等
    级。实践：遂宁样表有24个定性指标值写“高中低”或“优良中低差”。
    """
    if ind.comparator != "定性":
        return None
    t = ind.target
    if t.__class__ is not str or len(t) > 40 or _GRADE_CHARS.isdisjoint(t) or not lists_whole_scale(t):
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={"target": t})


@rule(
    "VL005",
    "quantitative-without-measure",
    "error",
    "indicator",
    "{cell} 定量指标“{name}”（{comparator}{target}）没有度量单位",
    message_en="quantitative indicator without a unit",
    title="定量指标缺少度量单位",
)
def quantitative_without_measure(ind, project, ctx):
    """
    问题：指标性质是 ≥ ≤ = > <（定量），但度量单位为空，指标值中也没有单位。

    原因：没有单位的数字无法理解和核实：“≥88”是88人、88次还是88%？
    细化量化的目标必须写明计量单位。

    依据：财预〔2015〕88号“细化量化”原则（研究笔记所记，原文未逐字核对）。实践：9张表中乌海“出差人数”没有
    计量单位；研究笔记记宁乡的表只有数字。
    """
    if ind.measure is not None or ind.comparator not in QUANTITATIVE or "measure" not in ctx.table.columns:
        return None
    return Hit(cell=icell(ctx, ind, "measure"), row=ind.row,
               params={"name": ind.name, "comparator": ind.comparator, "target": num(ind.target)
                       if type(ind.target) is float else short(ind.target)})


@rule(
    "VL006",
    "qualitative-with-measure",
    "warning",
    "indicator",
    "{cell} 定性指标“{name}”填了度量单位“{measure}”",
    message_en="qualitative indicator with a unit",
    title="定性指标填了度量单位",
    fixable=True,
)
def qualitative_with_measure(ind, project, ctx):
    """
    问题：指标性质是“定性”，却填写了度量单位。

    原因：定性指标的指标值是一个等级或一句描述（如“高”“按时完成”），没有计量单位；
    填了单位，通常说明指标性质填错（本应是定量），或单位是从上一行复制下来的。
    若指标确属定性，可自动清除单位；若本应是定量，请改指标性质和指标值。

    依据：实践：遂宁样表有15个定性指标的度量单位写“项”。未找到正式文件。
    """
    if ind.comparator != "定性" or ind.measure is None:
        return None
    cell = icell(ctx, ind, "measure")
    old = ind.raw.get("measure")
    return Hit(cell=cell, row=ind.row, params={"name": ind.name, "measure": ind.measure},
               fix=fix(ctx, cell, old, None, "清除定性指标的度量单位"))


# --- direction ------------------------------------------------------------------------

@rule(
    "VL007",
    "direction-invalid",
    "error",
    "indicator",
    "{cell} 指标方向性“{direction}”{problem}",
    message_en="direction missing or unknown",
    title="指标方向性为空或无法识别",
    needs=("direction",),
    fixable=True,
)
def direction_invalid(ind, project, ctx):
    """
    问题：指标方向性为空，或不是“正向指标”“反向指标”。

    原因：方向性说明指标越大越好（正向）还是越小越好（反向），自评时决定评分公式。
    指标性质为 ≥ 或 > 时应为正向指标，为 ≤ 或 < 时应为反向指标，这两种情况可以自动填写；
    = 和定性指标请自行判断（通常为正向指标）。

    依据：模板评分说明：正向、反向决定计分公式（http://biz.doczj.com/doc/174893555.html）
    。实践：9张表中只有遂宁样表和乌海有方向列；遂宁“智慧政法”项目6行都没填方向。
    """
    d = ind.direction
    if d in DIRECTIONS or "direction" not in ctx.table.columns or ind.is_placeholder:
        return None
    implied = direction_for(ind.comparator)
    problem = "为空" if d is None else "无法识别"
    cell = icell(ctx, ind, "direction")
    f = None
    if implied:
        problem += f"；指标性质为“{ind.comparator}”，应为“{implied}”"
        f = fix(ctx, cell, ind.raw.get("direction"), implied, f"按指标性质“{ind.comparator}”填写“{implied}”")
    else:
        problem += "，应为“正向指标”或“反向指标”"
    return Hit(cell=cell, row=ind.row, params={"direction": d, "problem": problem}, fix=f)


@rule(
    "VL008",
    "direction-contradicts-comparator",
    "error",
    "indicator",
    "{cell} 指标“{name}”的指标性质为“{comparator}”，方向性却是“{direction}”，应为“{implied}”",
    message_en="direction contradicts the comparator",
    title="指标方向性与指标性质矛盾",
)
def direction_contradicts_comparator(ind, project, ctx):
    """
    问题：指标性质为 ≥ 或 > 却标为反向指标，或指标性质为 ≤ 或 < 却标为正向指标。

    原因：评分说明规定：正向指标即指标值为“≥*”，按“实际值/目标值”计分；反向指标即指标值为
    “≤*”，按“目标值/实际值”计分。两者矛盾时无法评分，通常是其中一个填错了，例如把
    “稳定运行率”写成“≤99%”。请判断是性质错了还是方向错了，不自动修正。

    依据：模板评分说明：“正向指标(即指标值为≥*)”“反向指标(即指标值≤*)”（http://biz.doczj.com/doc/174893555.html）
    。
    """
    d = ind.direction
    if d is None:
        return None
    implied = direction_for(ind.comparator)
    if implied is None or d == implied or d not in DIRECTIONS:
        return None
    return Hit(cell=icell(ctx, ind, "direction"), row=ind.row,
               params={"name": ind.name, "comparator": ind.comparator, "direction": d, "implied": implied})


@rule(
    "VL009",
    "reverse-with-equal-or-qualitative",
    "warning",
    "indicator",
    "{cell} 指标“{name}”的指标性质为“{comparator}”，却标为反向指标",
    message_en="reverse direction with = or 定性",
    title="= 或定性指标标为反向指标",
)
def reverse_with_equal_or_qualitative(ind, project, ctx):
    """
    问题：指标性质为“=”或“定性”，指标方向性却是“反向指标”。

    原因：“=”表示恰好达到某个值（如“=100%”按时发放率），定性指标按等级评价，等级越高越好；
    两者都很少是“越小越好”的反向指标，通常是从上一行复制时带下来的。确属反向时可豁免。

    依据：推断：由上述评分说明，=和定性都不是“越小越好”。实践：9张表中乌海5条成本指标都是“反向”配“=”。
    """
    if ind.direction != "反向指标" or ind.comparator not in ("=", "定性"):
        return None
    if IMPLIED_NOTE in ind.notes:
        return None  # the table has no 指标性质: "=" was read from a bare number (VL016)
    return Hit(cell=icell(ctx, ind, "direction"), row=ind.row,
               params={"name": ind.name, "comparator": ind.comparator})


# --- ranges and kinds ---------------------------------------------------------------------

# Rates that may exceed 100 % (growth, completion above plan) and rates whose ceiling is 100 %.
MAY_EXCEED_RE = re.compile(r"增长|增幅|增速|超额|完成率|同比|环比|提高率|提升率|增加率")
CEILING_RE = re.compile(
    r"合格|覆盖率|满意|达标率|及时|按时|按期|到位率|知晓率|参保率|发放率|执行率|完好率|建成率|联通率|"
    r"通过率|准确率|普及率|安全率|入学率|保障率|供应率|采购率|验收")


def may_exceed_100(name) -> bool:
    return bool(name) and MAY_EXCEED_RE.search(name) is not None and CEILING_RE.search(name) is None


def needs_equal(ind) -> bool:
    """≥100% / >100% on a rate whose ceiling is 100 % (合格率, 覆盖率, 满意度 …), or ≤0% / <0%:
    reachable only at exactly that value, so the comparator should be =."""
    if ind.measure != "%" or type(ind.target) is not float:
        return False
    t, c = ind.target, ind.comparator
    if t == 0.0 and c in ("≤", "<"):
        return True
    return t == 100.0 and c in ("≥", ">") and bool(ind.name) and CEILING_RE.search(ind.name) is not None


def equal_fix(ctx, ind):
    """VL010's fix: set the comparator to =, in the cell that holds it; None when that is not clear-cut
    (both the 指标性质 column and the 指标值 cell carry a symbol). NM001 yields to it."""
    if not needs_equal(ind):
        return None
    description = f"指标性质改为“=”（={num(ind.target)}%）"
    if "comparator" in ind.origin:  # the symbol sits in the 指标值 cell (≥100%)
        raw = ind.raw.get("target")
        sv = split_value(raw)
        if sv is None or not sv.comparator_raw:
            return None
        text = nfkc(raw).strip()
        if not text.startswith(sv.comparator_raw):
            return None
        return fix(ctx, ctx.table.cell("target", ind.row), raw, "=" + text[len(sv.comparator_raw):].lstrip(),
                   description)
    if "embedded_comparator" in ind.raw:
        return None
    return fix(ctx, icell(ctx, ind, "comparator"), ind.raw.get("comparator"), "=", description)


@rule(
    "VL010",
    "percent-out-of-range",
    "error",
    "indicator",
    "{cell} 指标“{name}”的指标值为{comparator}{target}%，{problem}",
    message_en="percentage out of range",
    title="百分比指标值超出0–100%或无法超过",
    fixable=True,
)
def percent_out_of_range(ind, project, ctx):
    """
    问题：度量单位为%的指标值小于0，或大于100而指标不是可以超过100%的比率（错误）；
    上限为100%的比率（合格率、覆盖率、满意度、达标率、及时率、执行率等）写成“≥100%”“>100%”，
    或写成“≤0%”（警告）。

    原因：百分比超过100%（如“292%”）多是录入或识别错误（应为“≥92%”）。但增长率、增幅、
    同比、超额完成和“完成率”（超计划完成）可以超过100%，不报告；“完成率 ≥100%”也是正常写法。
    上限为100%的比率写“≥100%”只有恰好等于100%才能达到，应写作“=100%”；同理“≤0%”应写作“=0%”，
    可自动把指标性质改为“=”。名称看不出上限的比率不再提这条建议。

    依据：实践：衡山“市民满意度调查 290%”、研究笔记所记鄂州“292%”（应为≥90%、≥92%）；岳阳县“完
    成及时率 ≥100%”、研究笔记所记池州“≥100百分比”。未找到正式文件。
    """
    if ind.measure != "%":
        return None
    t = ind.target
    if type(t) is not float or 0.0 < t < 100.0:
        return None
    c = ind.comparator
    params = {"name": ind.name, "comparator": c if c in QUANTITATIVE else "", "target": num(t)}
    if t < 0 or (t > 100 and not may_exceed_100(ind.name)):
        params["problem"] = "超出0–100%的范围"
        return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params=params)
    if needs_equal(ind):
        params["problem"] = f"只有恰好等于{num(t)}%时才能达到，应写作“={num(t)}%”"
        return Hit(cell=icell(ctx, ind, "comparator"), row=ind.row, params=params, severity="warning",
                   fix=equal_fix(ctx, ind))
    return None


@rule(
    "VL011",
    "satisfaction-target",
    "warning",
    "indicator",
    "{cell} 满意度指标“{name}”：{problems}",
    message_en="satisfaction indicator: unit, comparator or level",
    title="满意度指标的单位、性质或目标值不合常规",
)
def satisfaction_target(ind, project, ctx):
    """
    问题：满意度指标（二级为“服务对象满意度指标”，或名称含“满意”）的度量单位不是%，
    指标性质不是 ≥ 或 =，目标值低于配置的最低值（satisfaction_min，默认80%），或目标值定为100%。

    原因：满意度通常以问卷调查的满意率计量，写作“≥90%”。公开的目标表多在85%–95%之间；
    财预〔2020〕10号要求对“设定明显偏低”的指标值扣分。没有官方最低值，因此只作警告。
    反过来，100%的满意度几乎不可能由调查得到，审核时会被问“依据是什么”，同样作警告。

    依据：未找到满意度最低值的正式规定；财预〔2020〕10号要求对“设定明显偏低”的年初指标值扣分（研究笔记所记，
    原文未逐字核对）。实践：9张表中满意度目标为≥80%（遂宁）、≥90%（南岳4条、青山、遂宁）、≥95%（岳阳县
    、遂宁），廊坊为100。
    """
    name = ind.name
    if ind.level2 != "服务对象满意度指标" and (name is None or "满意" not in name):
        return None
    if ind.is_placeholder:
        return None
    problems = []
    m, c, t = ind.measure, ind.comparator, ind.target
    if m is not None and m != "%":
        problems.append(f"度量单位为“{m}”，通常应为%")
    if c == "定性" or c in ("≤", "<", ">"):
        problems.append(f"指标性质为“{c}”，通常应为 ≥ 或 =")
    if m == "%" and type(t) is float and t < ctx.config.satisfaction_min:
        problems.append(f"目标值{num(t)}%低于{num(ctx.config.satisfaction_min)}%")
    elif m == "%" and t == 100.0 and c in ("≥", "=", ">"):
        problems.append("目标值为100%：满意度调查很少人人满意，定为100%审核时常被质疑，"
                        "建议参照以往调查结果设定（如≥90%）")
    if not problems:
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={"name": name, "problems": "；".join(problems)})


# A bare "12月" is left out: it is as often "by December" as "12 months".
_WHOLE_YEAR = {"年": 1.0, "个月": 12.0, "天": 365.0, "日": 365.0, "季度": 4.0, "个季度": 4.0}


def is_frequency(measure) -> bool:
    """次/年, 件/月, 期/季度: how often, not how soon (a time unit only after the slash)."""
    if "次" in measure and "/" in measure:
        head, _, tail = measure.partition("/")
        return not is_time_unit(head) or head == "次"
    head, sep, tail = measure.partition("/")
    return bool(sep) and is_time_unit(tail) and not is_time_unit(head)


def whole_year(ind) -> bool:
    """≤1年 / =12个月 / ≤365天 on a 时效 indicator: the budget year itself."""
    if ind.comparator not in ("≤", "=", "<") or type(ind.target) is not float:
        return False
    if ind.comparator == "<":
        return False
    return _WHOLE_YEAR.get(ind.measure) == ind.target or (ind.measure == "天" and ind.target == 366.0)


_FREQUENCY_MESSAGE = ("{cell} 时效指标“{name}”的度量单位“{measure}”是频次：说明一年做多少次，不说明是否按时完成，"
                      "应放在数量指标下，或改为完成时限、及时率")
_WHOLE_YEAR_MESSAGE = ("{cell} 时效指标“{name}”的目标为“{comparator}{target}{measure}”，等于整个预算年度：年度项目本来"
                       "就要在年内完成，这个目标起不到时效约束作用，请写明具体完成时限（如“≤6个月”或“2023年9月底前”）")


@rule(
    "VL012",
    "timeliness-unit",
    "warning",
    "indicator",
    "{cell} 时效指标“{name}”的度量单位为“{measure}”，不是%、时间单位或日期",
    message_en="timeliness indicator unit",
    title="时效指标的单位不是%、时间或日期",
)
def timeliness_unit(ind, project, ctx):
    """
    问题：时效指标（定量）的度量单位既不是%，也不是时间单位（年、月、日、天、工作日、小时、
    季度、周等），指标值也不是日期；或单位是频次（次/年、件/月）；或目标等于整个预算年度
    （≤1年、=1年、≤12个月、≤365天；“12月”既可能指12个月也可能指12月份，不报告）。

    原因：时效指标衡量是否按时完成，常见写法是“及时率 ≥ 90 %”“完成时限 ≤ 6 月”或
    “2023.07-2024.01”。单位为“次”“人”等时，多半是把数量指标放在了时效指标下；“次/年”是频次，
    说明做多少次，也不说明是否按时。年度项目本来就在一个预算年度内实施，“完成时限 ≤1年”
    什么也没有约束，审核时会要求写明具体时限。定性的时效指标（如“在计划时间内完成”）不检查。

    依据：实践：时效指标在9张表中写作%（南岳、青山、岳阳县、衡山、乌海）、时间单位（遂宁：天、月、年、小时）或日期
    （乌海、宁德）。未找到正式文件。
    """
    if ind.level2 != "时效指标":
        return None
    m = ind.measure
    if m is None or m == "%" or ind.comparator == "定性" or m in _TIME_WORDS:
        return None
    params = {"name": ind.name, "measure": m}
    if is_frequency(m):
        return Hit(cell=icell(ctx, ind, "measure"), row=ind.row, params=params, message=_FREQUENCY_MESSAGE,
                   message_en="a frequency (times per period) is not timeliness")
    if is_time_unit(m):
        if whole_year(ind):
            params.update(comparator=ind.comparator, target=num(ind.target))
            return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params=params,
                       message=_WHOLE_YEAR_MESSAGE, message_en="a timeliness target equal to the whole budget year")
        return None
    t = ind.raw.get("target")
    if isinstance(t, str) and _DATE_RE.search(t):
        return None
    return Hit(cell=icell(ctx, ind, "measure"), row=ind.row, params=params)


def _same_measure(a, b) -> bool:
    if a == b:
        return True
    fa, fb = money_factor(a), money_factor(b)
    return fa is not None and fa == fb


@rule(
    "VL013",
    "value-cell-contradicts-column",
    "error",
    "indicator",
    "{cell} 指标值“{target}”中的{what}“{embedded}”与“{column}”列的“{value}”不一致",
    message_en="value cell contradicts its column",
    title="指标值单元格中的符号或单位与所在列矛盾",
)
def value_cell_contradicts_column(ind, project, ctx):
    """
    问题：指标值单元格里带了比较符号或单位（如“≥80%”），但与“指标性质”或“度量单位”列填写的不同。

    原因：许多表格把符号和单位写进指标值里，xlperf 能识别并拆分；但若与本列的值相矛盾
    （指标性质写“≤”，指标值写“≥80%”；度量单位写“次”，指标值写“80%”），无法判断哪个是对的。

    依据：实践：9张表中南岳、岳阳县、宁德把符号和单位写在指标值单元格里（“>=98%”“≥100公里”）；与本列矛
    盾时无法判断，属推断。
    """
    if "split:target" not in ind.notes:
        return None
    raw = ind.raw
    hits = []
    emb = raw.get("embedded_comparator")
    if (emb and "comparator" not in ind.origin and ind.comparator != emb
            and ind.comparator is not None and "unknown:comparator" not in ind.notes):
        hits.append(Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={
            "target": short(raw.get("target")), "what": "比较符号", "embedded": emb,
            "column": "指标性质", "value": short(raw.get("comparator"))}))
    emb = raw.get("embedded_measure")
    if emb and "measure" not in ind.origin and ind.measure is not None and not _same_measure(ind.measure, emb):
        hits.append(Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={
            "target": short(raw.get("target")), "what": "单位", "embedded": emb,
            "column": "度量单位", "value": short(raw.get("measure"))}))
    return hits or None


@rule(
    "VL014",
    "vague-qualitative-target",
    "info",
    "indicator",
    "{cell} 定性指标值“{target}”中的“{phrase}”过于笼统，难以判断是否达成",
    message_en="vague qualitative target",
    title="定性指标值过于笼统",
)
def vague_qualitative_target(ind, project, ctx):
    """
    问题：定性指标的指标值只写了“有效提升”“明显改善”“进一步提高”之类的笼统说法。

    原因：绩效目标要“细化量化”，年底要能判断是否达成。笼统的说法几乎总能说成已达成，
    审核时常被要求改写。能量化的改为定量指标；不能量化的写明可检验的标准或等级。

    依据：财预〔2015〕88号“细化量化”原则（研究笔记所记，原文未逐字核对）。实践：青山“持续改善”“巩固提高”
    。
    """
    if ind.comparator != "定性":
        return None
    t = ind.target
    if not isinstance(t, str):
        return None
    m = _VAGUE_RE.search(t)
    if m is None:
        return None
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={"target": short(t), "phrase": m.group(0)})


@rule(
    "VL015",
    "target-missing",
    "error",
    "indicator",
    "{cell} 三级指标“{name}”没有指标值",
    message_en="target missing",
    title="指标值为空",
)
def target_missing(ind, project, ctx):
    """
    问题：一条指标有名称（或权重），但“指标值”为空。

    原因：指标值是年初设定的目标，年底据此判断是否达成；没有指标值的指标无法评分。
    定性指标也要写出目标等级或描述（如“高”“按时完成”）。

    依据：模板评分说明：按年度指标值计分（http://biz.doczj.com/doc/174893555.html）
    。实践：青山长期指标的指标值7行全空。
    """
    if ind.target is not None or ind.is_placeholder or is_template_row(ind):
        return None  # an empty template row (指标2, ……) is TX009's
    return Hit(cell=icell(ctx, ind, "target"), row=ind.row, params={"name": ind.name})
