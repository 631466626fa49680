"""BG: the funds of forms and department tables — blocks that add up, amounts written as text.

A form's funds block is ``Project.funds`` (``model.Funds``: the total, its 其中 lines per amount
column); a department table's 年度履职目标 lines are
``Project.details["duties"]``. Amounts are 万元, compared to the cent (0.01 万元). Cells written as text
(``854万(高标准农田建设400万元,…)``) were read by the reader (``normalise.parse_amount``, once): the rules
use what it stored — ``amount``, the ``parts`` listed in the cell, ``repeated``, ``text``.
"""

from __future__ import annotations

from typing import Optional

from ..model import DutyLine, FundLine, FundPart, Funds
from ..headers import DUTY_TOTAL_WORDS
from ..normalise import compact
from .budget import MONEY_TOLERANCE
from ._common import num, row_of, short
from .registry import Hit, rule


def _at(cell: Optional[str], **kw) -> Hit:
    return Hit(cell=cell, row=row_of(cell), **kw)


def _m(x: float) -> str:
    """An amount for a message: 854, 60.8, 232.21 (never 232.20999999)."""
    return f"{num(round(x, 2))}"


def _off(a: float, b: float) -> bool:
    return abs(a - b) > MONEY_TOLERANCE


def _columns(funds: Funds) -> list[tuple[Optional[str], Optional[float], Optional[str], list]]:
    """(group or None, its total, the total's cell, its lines) for every amount column: the block's
    total over the lines without a group, and each parallel column's ``total`` line over its own.
    A group without a total line of its own is a breakdown of the block's total (部门整体: 按收入性质分
    一般公共预算/政府性基金/其他资金, 按支出性质分 基本支出/项目支出): it adds up to that total."""
    by: dict[Optional[str], list] = {}
    totals: dict[str, FundLine] = {}
    for line in funds.lines:
        if line.role == "total" and line.group is not None:
            totals.setdefault(line.group, line)
        elif line.role != "total":
            by.setdefault(line.group, []).append(line)
    out = [(None, funds.total, funds.total_cell, by.pop(None, []))]
    for group, lines in by.items():
        t = totals.get(group)
        if t is None:
            out.append((group, funds.total, funds.total_cell, lines))
        else:
            out.append((group, t.amount, t.cell, lines))
    return out


def breakdowns(funds: Funds) -> set[str]:
    """The groups that break the block's total down (no total line of their own)."""
    own = {ln.group for ln in funds.lines if ln.role == "total" and ln.group is not None}
    return {ln.group for ln in funds.lines if ln.group is not None and ln.group not in own}


@rule(
    "BG006",
    "funds-total-off",
    "error",
    "project",
    "{cell} 项目“{project}”的{column}资金总额为{total}万元，其中各项（{lines}）合计{sum}万元（相差{diff}万元）；请核对总额或各项金额",
    message_en="funds lines do not add up",
    title="资金总额不等于其中各项之和",
    needs=("funds",),
)
def funds_lines_sum(project, ctx):
    """
    问题：表中项目资金（或部门年度预算安排）的“年度资金总额”不等于其下“其中”各项（财政拨款、
    其他资金、上年结转等）之和，按0.01万元比较；有几列金额（年初预算数、全年预算数、全年执行数）
    时逐列核对。空白的项按0计。部门整体表把资金总额按几种口径分解（按收入性质分、按支出性质分
    等）时，每一组单独与资金总额核对。

    原因：资金总额是其中各项的合计，不一致说明漏填、多填或抄错了一项；据此审核的资金与目标
    是否匹配、成本指标是否超出资金，都会因此出错。

    依据：财政部项目支出绩效目标表模板：年度资金总额下列“其中：财政拨款”“其他资金”。实践：9张表中6张有资金块（宁德 171.41 = 60.8 + 110.61，南岳 10 = 10 + 0）。

    """
    funds = project.funds
    if funds is None or not funds.lines:
        return None
    hits = []
    split = breakdowns(funds)
    for col, total, cell, lines in _columns(funds):
        amounts = [ln for ln in lines if ln.amount is not None]
        if total is None or not amounts:
            continue
        s = sum(ln.amount for ln in amounts)
        if not _off(s, total):
            continue
        hits.append(_at(cell or amounts[0].cell, params={
            "column": "" if not col else (f"“{col}”列的" if col not in split else f"{col}的"), "total": _m(total),
            "lines": "、".join(f"{short(ln.label, 16)}{_m(ln.amount)}" for ln in amounts),
            "sum": _m(s), "diff": f"{num(round(s - total, 2)):+}"}))
    return hits or None


def _text_cells(project):
    """(label, cell, amount, line) of every money cell written as text: the funds block (total
    and lines) and a department's 年度履职目标 lines. ``line`` (a FundLine or DutyLine) holds what
    the reader read from the cell (``text``, ``parts``, ``repeated``); ``amount`` is its amount,
    the block's total for the total's own line."""
    funds = project.funds
    if funds is not None:
        t = funds.total_line
        if t is not None and t.text:
            yield t.label or "资金总额", t.cell or funds.total_cell, t.amount if t.amount is not None else funds.total, t
        for ln in funds.lines:
            if ln.text:
                yield ln.label, ln.cell, ln.amount, ln
    for d in duty_lines(project):
        if d.text:
            yield d.label, d.cell, d.amount, d


@rule(
    "BG008",
    "listed-amounts-sum",
    "error",
    "project",
    "{cell} “{label}”写明{amount}万元，括号内列出的各项（{parts}）合计{sum}万元（相差{diff}万元）；请核对总额或括号内的金额",
    message_en="amounts listed in the cell do not add up",
    title="资金单元格内列出的各项金额之和不等于该金额",
    needs=("funds",),
)
def listed_amounts_sum(project, ctx):
    """
    问题：资金单元格中在金额后用括号列出了明细，如“854万(高标准农田建设400万元,示范建设295万元,
    畅通工程159万元)”，明细之和不等于前面的金额（按0.01万元比较）。

    原因：单元格内的明细是资金的来源或用途分解，与总额不一致说明其中一项写错或漏写。
    按单元格自己的单位换算（元÷10000）。

    依据：实践：岳阳县2022目标表“854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)”，400 + 295 + 159 = 854；未找到正式文件。

    """
    hits = []
    for label, cell, amount, line in _text_cells(project):
        if not line.parts or amount is None:
            continue
        s = sum(p.amount for p in line.parts)
        if not _off(s, amount):
            continue
        hits.append(_at(cell, params={
            "label": short(label, 16), "amount": _m(amount), "sum": _m(s), "diff": f"{num(round(s - amount, 2)):+}",
            "parts": "、".join(f"{short(p.label, 12)}{_m(p.amount)}" for p in line.parts)}))
    return hits or None


@rule(
    "BG009",
    "amount-repeated",
    "warning",
    "project",
    "{cell} “{label}”的金额“{text}”把同一个数写了两次，按{amount}万元读取",
    message_en="the same amount written twice",
    title="资金单元格中同一金额重复书写",
    needs=("funds",),
)
def amount_repeated(project, ctx):
    """
    问题：资金单元格中同一个金额连写了两次，如“854万854万(…)”。按一个金额（854万元）读取，
    并提示改正。

    原因：多半是复制粘贴时重复了一次。按原样读成“854854万”或读不出金额，都会使资金总额、
    其中各项的核对出错。

    依据：实践：岳阳县2022目标表财政拨款单元格写作“854万854万(…)”；未找到正式文件。

    """
    hits = []
    for label, cell, amount, line in _text_cells(project):
        if line.repeated and amount is not None:
            hits.append(_at(cell, params={"label": short(label, 16), "text": short(line.text, 20), "amount": _m(amount)}))
    return hits or None


def duty_lines(project) -> list[DutyLine]:
    """A department table's 年度履职目标 lines from ``Project.details["duties"]``: DutyLines, or the
    department reader's dicts (function, task, project, amount, amount_text, amount_parts,
    amount_repeated, cells) read as DutyLines."""
    raw = project.details.get("duties") if project.details else None
    if not raw:
        return []
    out = []
    for d in raw:
        if isinstance(d, DutyLine):
            out.append(d)
            continue
        if not isinstance(d, dict):
            continue
        cells = d.get("cells") or {}
        amount = d.get("amount")
        out.append(DutyLine(label=str(d.get("project") or d.get("task") or ""), amount=amount if isinstance(amount, (int, float)) else None,
                            cell=cells.get("amount"), text=d.get("amount_text"), duty=d.get("function"), task=d.get("task"),
                            parts=[FundPart(label=k, amount=v) for k, v in d.get("amount_parts") or ()],
                            repeated=bool(d.get("amount_repeated")), sources=dict(d.get("sources") or {}),
                            source_cells={k[7:]: v for k, v in cells.items() if k.startswith("source_")}))
    return out


def _duty_role(d) -> str:
    if d.role:
        return d.role
    return "basic" if "基本支出" in d.label else "project"


NOT_APPLICABLE = frozenset(("/", "／", "—", "-", "--", "——", "无", "不适用"))
ROLE_ZH = {"project": "项目支出", "basic": "基本支出"}
SOURCE_ZH = {"fiscal": "财政拨款", "other": "其他资金", "carried_over": "上年结转", "special_account": "财政专户管理资金",
             "unit_funds": "单位资金"}


@rule(
    "BG010",
    "duty-lines-sum",
    "error",
    "project",
    "{cell} {block}中{what}为{got}万元，{against}为{want}万元；{detail}；请核对两处金额",
    message_en="duty lines do not add up to the funds they break down",
    title="年度履职目标（年度主要任务）各项金额与资金总额不一致",
    needs=("duties",),
)
def duty_lines_sum(project, ctx):
    """
    问题：部门整体支出绩效目标表的“年度履职目标”中，各支出项目的预算金额之和与“年度预算安排”
    不一致：项目支出各行之和应等于项目支出，基本支出各行之和应等于基本支出，全部之和应等于
    资金总额（按0.01万元比较）。中央部门整体支出绩效目标申报表的“年度主要任务”（任务名称、主要内容、
    预算金额分总额、财政拨款、其他资金三列）没有单独的资金块，其“金额合计”行即资金：各任务的总额之和
    应等于合计的总额，财政拨款、其他资金两列也逐列核对。

    原因：年度履职目标按部门职能分解年度预算，分解之和必须等于预算本身；常见错误是把资金总额
    抄到了“基本支出”一行，使分解合计大于预算。

    依据：部门整体支出绩效目标表模板的“年度履职目标”按支出项目列出预算金额。实践：宁德2019部门整体目标表（项目 49.8 + 11 = 60.8，基本支出一行写作 171.41 而非 110.61）。

    """
    duties = [d for d in duty_lines(project) if d.amount is not None]
    funds = project.funds
    if not duties or funds is None:
        return None
    block = str(project.details.get("duties_label") or "年度履职目标")
    # The 中央 template has no funds block: its 金额合计 row under the tasks is the funds (form reader).
    own_total = funds.total_line is not None and compact(funds.total_line.label) in DUTY_TOTAL_WORDS
    against = f"“{funds.total_line.label}”行" if own_total else "年度预算安排中"
    by_role: dict[str, list] = {}
    for d in duties:
        by_role.setdefault(_duty_role(d), []).append(d)
    split = breakdowns(funds)  # 按支出性质分 基本支出/项目支出 break the total down: their lines count
    lines = {ln.role: ln.amount for ln in funds.lines if ln.role in ROLE_ZH and ln.amount is not None
             and (ln.group is None or ln.group in split)}
    total = sum(d.amount for d in duties)
    total_text = (f"{block}合计{_m(total)}万元，资金总额{_m(funds.total)}万元"
                  if funds.total is not None else f"{block}合计{_m(total)}万元")
    hits = []
    for role, ds in by_role.items():
        want = lines.get(role)
        got = sum(d.amount for d in ds)
        if want is None or not _off(got, want):
            continue
        hits.append(_at(ds[0].cell, params={"block": block, "against": against,
                                            "what": ROLE_ZH[role] if role in ROLE_ZH else role,
                                            "got": _m(got), "want": _m(want), "detail": total_text}))
    if not hits and funds.total is not None and _off(total, funds.total):
        hits.append(_at(duties[0].cell, params={"block": block, "against": against, "what": "各项合计",
                                                "got": _m(total), "want": _m(funds.total),
                                                "detail": "各行的预算金额之和应等于资金总额"}))
    # 总额 | 财政拨款 | 其他资金 on every line: each column adds up to the funds line of its source.
    for role, want in ((ln.role, ln.amount) for ln in funds.lines if ln.role in SOURCE_ZH and ln.amount is not None):
        got_parts = [d.sources.get(role) for d in duties]
        if not all(g is not None for g in got_parts) or not duties[0].sources:
            continue
        got = sum(got_parts)  # type: ignore[arg-type]
        if _off(got, want):
            hits.append(_at(duties[0].source_cells.get(role) or duties[0].cell, params={
                "block": block, "against": against, "what": f"各行{SOURCE_ZH[role]}合计", "got": _m(got),
                "want": _m(want), "detail": f"“{SOURCE_ZH[role]}”一列各行之和应等于合计"}))
    return hits or None


@rule(
    "BG011",
    "amount-as-text",
    "info",
    "project",
    "{cell} 资金“{label}”的金额写成了文字“{text}”，{how}",
    message_en="amount written as text",
    title="资金金额写成文字（已识别或无法识别）",
    needs=("funds",),
)
def amount_as_text(project, ctx):
    """
    问题：资金块（年度资金总额、财政拨款等）中的金额不是数值，而是文字，如“10000万元”“120万”
    “854万(…)”。能读出金额的，按万元读取，每个项目提示一次（列出各单元格，金额不会丢失）；
    读不出的（如“约十万”）逐个作为警告；“/”“—”“无”表示不适用，不报告。

    原因：金额写成文字后，Excel 无法求和，汇总和导入预算系统时会丢失或出错；带单位的写法
    还可能与表头的“(万元)”不一致。建议只写数字，单位写在表头。

    依据：实践：岳阳县（“854万(…)”）、青山（“10000万元”）的资金写成带单位的文字；未找到正式文件。

    """
    hits = []
    read: list = []
    for label, cell, value, line in _text_cells(project):
        text = line.text
        if text.strip() in NOT_APPLICABLE:
            continue  # “/”, “—”, “无”: the line does not apply
        if value is None:
            hits.append(_at(cell, severity="warning", params={
                "label": short(label, 16), "text": short(text, 24), "how": "无法读取为金额，请改为数字（万元）"}))
        else:
            read.append((label, cell, text, value))
    if read:  # the readable ones: one note for the block
        label, cell, text, value = read[0]
        more = f"共{len(read)}个金额（{'、'.join(c for _, c, _, _ in read if c)}）" if len(read) > 1 else ""
        hits.append(_at(cell, params={"label": short(label, 16), "text": short(text, 24),
                                      "how": f"已按{_m(value)}万元读取{more and '；' + more + '写成了文字'}，建议只填数字"}))
    return hits or None
