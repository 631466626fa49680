"""Checks the real tables of every layout need: values read without a 指标性质 column, date
serials where a number belongs, template leftovers, level names out of place.

Table-wide facts are computed once (``ctx.cache``); per-row work stays O(1).
"""

from __future__ import annotations

import re
from datetime import date as _date, datetime as _datetime, timedelta as _timedelta
from typing import Any, Optional

from ..normalise import IMPLIED_NOTE, _str_memo, parse_number
from ..taxonomy import LEVEL1, is_level1_text, is_level2_text
from ._common import icell, is_template_row, num, real, short
from .registry import Hit, rule

_LEVEL1 = frozenset(LEVEL1)


@rule(
    "VL016",
    "comparator-implied",
    "info",
    "table",
    "{cell} 本表没有指标性质（比较符号）：{detail}",
    message_en="no comparator column: values read as = or 定性",
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

    依据：实践：财政部项目支出绩效目标表模板只有“指标值”一列（如岳阳县“≥100公里”“1600元/亩”）；未找到正式文件。

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


# --- dates where a number or a unit belongs ------------------------------------------------

SERIAL_MIN, SERIAL_MAX = 36526.0, 54789.0  # 2000-01-01 … 2049-12-31 as Excel date serials


def serial_date(n: float) -> Optional[str]:
    """An Excel date serial (1900 system) as ``2021-12-31``; None outside 2000–2049 or not whole."""
    if not (SERIAL_MIN <= n <= SERIAL_MAX) or n != int(n):
        return None
    return (_date(1899, 12, 30) + _timedelta(days=int(n))).isoformat()


def _serial_of(v: Any) -> Optional[str]:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return serial_date(float(v))
    if isinstance(v, str):
        n = parse_number(v).value
        return serial_date(n) if n is not None else None
    return None


def _is_date(v: Any) -> bool:
    return isinstance(v, (_date, _datetime))


@rule(
    "VL017",
    "date-where-number",
    "warning",
    "indicator",
    "{cell} 指标“{name}”的{what}，应写成数值和单位（如“≤ 12 | 月”）或文字日期（如“2021年12月31日前”）",
    message_en="a date or Excel date serial where a number or unit belongs",
    title="指标值或度量单位是日期或Excel日期序列号",
)
def date_where_number(ind, project, ctx):
    """
    问题：指标值或度量单位是一个日期，或是Excel的日期序列号（如“44561”，即2021-12-31），
    而这里应是一个数值（指标值）或一个单位（度量单位）。

    原因：在设置了日期格式的单元格里填数字，或把日期复制到常规格式的单元格，Excel 会把
    日期变成序列号（从1900年起的天数）。“44561 | 44561”既不是目标值也不是单位，时效指标因此
    无法评分。时效目标应写成“≤ 12 | 月”或定性的“2021年12月31日前完成”。

    依据：实践：乌海2021目标表两条时效指标的目标值、计量单位都是“44,561”（Excel 日期序列号，2021-12-31）；未找到正式文件。

    """
    t = ind.target
    raw = ind.raw
    m_raw = raw.get("measure")
    odd_measure = m_raw is not None and (m_raw.__class__ is not str or m_raw[:1] in _DIGITS)
    if not odd_measure and (t.__class__ is float and t < SERIAL_MIN or t.__class__ is not float and t.__class__ is not str):
        return None  # the hot path: an ordinary number with an ordinary unit
    t_raw = raw.get("target")
    what = []
    cell_field = "target"
    if t.__class__ is str and _is_date(t_raw):
        what.append(f"指标值是日期（{t_raw:%Y-%m-%d}）")
    elif t.__class__ is float and t >= SERIAL_MIN:
        d = serial_date(t)
        if d and (m_raw is not None and _serial_of(m_raw) or ind.level2 == "时效指标" or m_raw is None
                  or _TIME_NAME_RE.search(ind.name or "")):
            what.append(f"指标值{num(t)}是Excel日期序列号（{d}）")
    if odd_measure:
        if _is_date(m_raw):
            what.append(f"度量单位是日期（{m_raw:%Y-%m-%d}）")
        else:
            d = _serial_of(m_raw)
            if d:
                what.append(f"度量单位“{short(m_raw)}”是Excel日期序列号（{d}）")
            elif parse_number(m_raw).value is not None:
                what.append(f"度量单位“{short(m_raw)}”是数字")
        if what and len(what) == 1 and "度量单位" in what[0]:
            cell_field = "measure"
    if not what:
        return None
    return Hit(cell=icell(ctx, ind, cell_field), row=ind.row, params={"name": ind.name, "what": "，".join(what)})


_TIME_NAME_RE = re.compile(r"时间|日期|时限|完成")
_DIGITS = frozenset("0123456789")


# --- template leftovers --------------------------------------------------------------------

_PLACEHOLDER_RE = re.compile(r"^指标\s*\d+|^[…．.。·、\s]+$|\*\*|＊＊|XX|xx|××|ＸＸ")
_PH_CHARS = frozenset("*＊Xx×…．.。·Ｘ")


@_str_memo
def placeholder_in(text: Optional[str]) -> Optional[str]:
    """The template leftover in a name or value (``指标1``, ``……``, ``**``, ``XX``), or None."""
    if not text or (not text.startswith("指标") and _PH_CHARS.isdisjoint(text)):
        return None
    m = _PLACEHOLDER_RE.search(text)
    return m.group(0).strip() or text if m else None


@rule(
    "TX009",
    "template-placeholder",
    "warning",
    "indicator",
    "{cell} {field}“{text}”中留有模板占位内容“{found}”，请填写实际的指标或删除该行",
    message_en="template placeholder left in",
    title="三级指标或指标值中留有模板占位内容",
)
def template_placeholder(ind, project, ctx):
    """
    问题：三级指标名称或指标值中留着模板的占位内容：编号“指标1”“指标2”、省略号“……”、
    星号“**”（如“≥**人”“(≥**%)”）、“XX”。

    原因：财政部和各地的参考模板用这些符号提示“在此填写”。留在表中，说明指标没有按项目
    实际填写，或空的模板行没有删除；这样的指标无法评价，公开后也不规范。只有编号、没有指标值和
    权重的模板空行只报这一条（不再报权重为空、指标值为空）。

    依据：实践：廊坊2019自评表留有“指标2”“……”模板行，南岳2018目标表名称中留有“≥**个”“(≥**%)”；未找到正式文件。

    """
    name = ind.name
    found = placeholder_in(name)  # memoised: names repeat across projects
    if found is not None:
        params = {"field": "三级指标", "text": short(name), "found": found}
        if is_template_row(ind):
            return Hit(cell=icell(ctx, ind, "name"), row=ind.row, params=params,
                       message="{cell} “{text}”是模板留下的空行（没有指标值和权重），请填写实际的指标或删除该行", message_en="empty template row left in")
        return Hit(cell=icell(ctx, ind, "name"), row=ind.row, params=params)
    t = ind.target
    if t.__class__ is str:
        found = placeholder_in(t)
        if found is not None and not found.startswith("指标"):
            return Hit(cell=icell(ctx, ind, "target"), row=ind.row,
                       params={"field": "指标值", "text": short(t), "found": found})
    return None


@rule(
    "TX010",
    "level-name-as-name",
    "warning",
    "indicator",
    "{cell} 三级指标写的是指标级别名称“{name}”，应写具体的指标",
    message_en="level name used as the indicator name",
    title="三级指标名称是一级或二级指标的名称",
)
def level_name_as_name(ind, project, ctx):
    """
    问题：三级指标（具体指标）的名称就是一级或二级指标的名称，如“质量指标”“社会效益指标”
    “满意度指标”（以“指标”结尾的级别名称；“服务对象满意度”这样的具体指标不算）。

    原因：三级指标要说明“衡量什么”，如“验收合格率”；写成级别名称，多半是模板行未填写，
    或把二级指标抄进了三级指标列，指标无法评价。

    依据：实践：遂宁2023样表 G92 的三级指标写作“质量指标”；未找到正式文件。

    """
    name = ind.name
    # only the level names as such (…指标): “服务对象满意度”, “社会效益” are common real names
    if not name or len(name) > 12 or not name.endswith("指标"):
        return None
    if not (is_level1_text(name) or is_level2_text(name)):
        return None
    return Hit(cell=icell(ctx, ind, "name"), row=ind.row, params={"name": name})


DUMMY_MIN_ROWS = 5


@rule(
    "VL018",
    "same-value-everywhere",
    "warning",
    "project",
    "{cell} 项目“{project}”的全部{n}条指标的指标值都是“{value}”，像是模板的默认值，请按每条指标填写目标",
    message_en="the same value on every indicator",
    title="项目的所有指标值都相同（疑似模板默认值）",
)
def same_value_everywhere(project, ctx):
    """
    问题：一个项目的所有指标（至少5条）的指标值都一样，如每条都是“100”。

    原因：不同的指标（数量、质量、时效、成本、效益、满意度）目标各不相同；全部相同，多半是
    模板的默认值没有改，或整列复制，目标值并没有真正设定。

    依据：实践：公开表中有每条指标值都是100的（廊坊2019自评表的质量、时效、成本、效益各行）；未找到正式文件。

    """
    inds = real(project, ctx)
    if len(inds) < DUMMY_MIN_ROWS:
        return None
    first = inds[0]
    if first.target is None or inds[1].target != first.target:
        return None  # the usual case, decided on two rows
    key = (first.comparator, first.target, first.measure)
    if any((i.comparator, i.target, i.measure) != key for i in inds[1:]):
        return None
    return Hit(cell=icell(ctx, first, "target"), row=first.row,
               params={"n": len(inds), "value": short(first.raw.get("target"))})


# --- a level-2 in the level-1 column (two-level tables) -------------------------------------

def two_level_rows(table, ctx) -> frozenset[int]:
    """Rows whose 一级指标 holds a level-2 name, when that is the table's pattern (at least half
    of its indicators): a table with only two levels under 一级/二级 headers. Computed once."""
    got = ctx.cache.get("two_level_rows")
    if got is None:
        rows, n = set(), 0
        for ind in table.indicators():
            if ind.is_placeholder:
                continue
            n += 1
            l1 = ind.level1
            if l1 is not None and l1 not in _LEVEL1 and is_level2_text(l1):
                rows.add(ind.row)
        got = ctx.cache["two_level_rows"] = frozenset(rows) if rows and len(rows) * 2 >= n else frozenset()
    return got


@rule(
    "TX011",
    "level2-in-level1-column",
    "warning",
    "table",
    "{cell} 本表“一级指标”列中写的是二级指标名称（如“{level1}”，共{n}行），二级指标列写的是具体指标：表中只有两级指标，请补上一级指标（产出、效益、满意度）",
    message_en="level-2 names in the level-1 column",
    title="一级指标列写的是二级指标（只有两级指标的表）",
)
def level2_in_level1_column(table, ctx):
    """
    问题：表中大多数指标的“一级指标”写的是二级指标的名称（数量指标、质量指标、社会效益指标……），
    “二级指标”写的是具体指标：整张表只有两级。每张表只报告一次（不再逐行报TX001）。

    原因：绩效指标体系为三级：一级（产出、效益、满意度）、二级（数量、质量……）、三级（具体
    指标）。缺了一级，权重无法按产出50、效益30、满意度10核对，指标也难以汇总。

    依据：财预〔2020〕10号附件的指标体系分一、二、三级（研究笔记所记，原文未逐字核对）；实践：只有两级指标的表把二级指标写在一级指标列。未找到更具体的正式文件。

    """
    rows = two_level_rows(table, ctx)
    if not rows:
        return None
    first = next(i for i in table.indicators() if i.row in rows)
    return Hit(cell=icell(ctx, first, "level1"), row=first.row, params={"level1": first.level1, "n": len(rows)})
