"""The form-layout sheets of ``PerfTemplate.xlsm``: the blank Ministry-of-Finance target form
(项目绩效目标表), the blank Sichuan self-evaluation (自评表, template 510000_0013zp) and the
filled example forms (示例（项目表）).

A list sheet is one row per indicator; these sheets are *forms*: label–value rows on top, a
funds block, the goal, then the indicator grid. The layout readers (``xlperf.core.layouts``)
recognise them the way they recognise the published tables, so the same ribbon buttons work on
them. Cell positions are constants here because the tests, the docs and the checklist refer
to them (e.g. the 预算执行率 formulas of the 自评表).

Formulas: only the 自评表 has any (预算执行率 = 预算执行数 ÷ 调整后预算数, shown as %, and the 合计 of
权重 and 得分). They are written *after* :func:`xlperf.writers.safe_cells.harden_sheet` (which turns
every other ``=`` text into plain text) and use only functions Excel and LibreOffice share
(``IF``, ``N``, ``COUNT``, ``SUM``); the workbook asks for a full recalculation on load, so
both show the results although openpyxl stores no cached values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xlperf.writers.safe_cells import set_cell

__all__ = [
    "FORM_SHEET", "SELF_EVAL_SHEET", "FORM_SAMPLE_SHEET", "FORM", "SELF_EVAL", "FORM_EXAMPLES",
    "dropdown", "write_form_template", "write_self_eval_template", "write_form_examples",
    "self_eval_formulas",
]

FORM_SHEET = "项目绩效目标表"
SELF_EVAL_SHEET = "自评表"
FORM_SAMPLE_SHEET = "示例（项目表）"

_FILL = PatternFill("solid", fgColor="D9E1F2")  # headers and labels, as on the list sheet
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL = Alignment(horizontal="center", vertical="center", wrap_text=True)
_VALUE = Alignment(horizontal="left", vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_PERCENT = "0.00%"
_MONEY = "#,##0.00"


# --- shared helpers --------------------------------------------------------------------------


def dropdown(ws: Worksheet, ref: str, label: str, formula: str, prompt: str) -> None:
    """A list validation as the list sheet has them: a warning (never a refusal) and a prompt."""
    dv = DataValidation(
        type="list", formula1=formula, allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorStyle="warning",
        errorTitle=label, error=f"“{label}”一般应从下拉列表中选择。仍要使用输入的内容吗？",
        showInputMessage=True, promptTitle=label, prompt=prompt,
    )
    dv.add(ref)
    ws.add_data_validation(dv)


def _indicator_dropdowns(ws: Worksheet, cols: dict[str, str], first: int, last: int) -> None:
    """一级, dependent 二级 (INDIRECT of the row's 一级), 指标性质 and 指标方向 where the sheet has them."""
    if "level1" in cols:
        dropdown(ws, f"{cols['level1']}{first}:{cols['level1']}{last}", "一级指标", "xlperf_level1",
                 "从列表选择：产出、效益、满意度或成本指标。")
    if "level2" in cols and "level1" in cols:
        dropdown(ws, f"{cols['level2']}{first}:{cols['level2']}{last}", "二级指标",
                 f"INDIRECT(${cols['level1']}{first})", "先选一级指标，这里只列出其下的二级指标。")
    if "comparator" in cols:
        dropdown(ws, f"{cols['comparator']}{first}:{cols['comparator']}{last}", "指标性质", "xlperf_comparators",
                 "≥ ≤ = > < 或 定性。")
    if "direction" in cols:
        dropdown(ws, f"{cols['direction']}{first}:{cols['direction']}{last}", "指标方向", "xlperf_directions",
                 "正向指标（越大越好）或反向指标（越小越好）。")


def _put(ws: Worksheet, ref: str, value: Any = None, *, kind: str = "value", fmt: Optional[str] = None) -> None:
    """Write ``value`` at the top-left of ``ref`` (a cell or a range, merged), border the whole
    range, and style it as a ``label`` (filled, centred), ``value``, ``center`` or ``text`` (top)."""
    c1, r1, c2, r2 = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
    if (c1, r1) != (c2, r2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            ws.cell(row=r, column=c).border = _BORDER
    cell = ws.cell(row=r1, column=c1)
    if value is not None:
        set_cell(cell, value)  # "=" or ">=" typed as content stays text
    cell.alignment = {"label": _LABEL, "value": _VALUE, "center": _CENTER, "text": _TOP}[kind]
    if kind == "label":
        cell.font = Font(bold=True)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).fill = _FILL
    if fmt:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).number_format = fmt


def _title(ws: Worksheet, ref: str, text: str, *, size: int = 16, height: float = 30.0) -> None:
    c1, r1, c2, r2 = range_boundaries(ref)
    ws.merge_cells(ref)
    cell = ws.cell(row=r1, column=c1)
    set_cell(cell, text)
    cell.font = Font(bold=True, size=size)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[r1].height = height


def _widths(ws: Worksheet, widths: tuple[float, ...]) -> None:
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w


def _print_form(ws: Worksheet, *, last_col: int, last_row: int, title_rows: Optional[str]) -> None:
    """The list sheet's print set-up (A4 landscape, one page wide, the grid's header repeated),
    over the form's area, centred like the tables written by ``writers.styled_table``."""
    from .sheets import _print_setup  # sheets imports this module's names

    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    _print_setup(ws, title_rows=title_rows)
    ws.print_options.horizontalCentered = True


# --- 项目绩效目标表 (MoF form) ------------------------------------------------------------------


@dataclass(frozen=True)
class FormShape:
    """Where things sit on one form, rows relative to the form's first row (0 = title)."""

    headers: tuple[str, ...] = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值",
                                "指标方向", "备注")
    columns: tuple[str, ...] = ("level1", "level2", "name", "comparator", "target", "measure", "weight",
                                "direction", "note")
    widths: tuple[float, ...] = (16, 16, 36, 9, 16, 9, 7, 11, 20)
    funds: tuple[str, ...] = ("年度资金总额", "其中：财政拨款", "上年结转", "其他资金")
    name_row: int = 2
    unit_row: int = 3
    funds_row: int = 4  # then one row per funds line, 年度目标, the grid's header (blank form: rows 5-8, 9, 10)
    header_row: int = 9
    blank_rows: int = 20  # indicator rows of the blank form

    @property
    def width(self) -> int:
        return len(self.headers)

    def col(self, field: str) -> str:
        return get_column_letter(self.columns.index(field) + 1)


FORM = FormShape()
FORM_TITLE = "项目支出绩效目标表"
FORM_YEAR = "（    年度）"


def _form(ws: Worksheet, top: int, data: Optional[dict[str, Any]] = None) -> int:
    """One form from sheet row ``top`` (1-based); ``data`` fills it (with the published table's own
    title, labels and grid columns, ``fields``), else the blank MoF form. Returns its last row."""
    s, d = FORM, data or {}
    fields = d.get("fields", s.columns)
    w = len(fields)
    last = get_column_letter(w)
    _title(ws, f"A{top}:{last}{top}", d.get("title", FORM_TITLE))
    year = ws.cell(row=top + 1, column=1)
    ws.merge_cells(f"A{top + 1}:{last}{top + 1}")
    set_cell(year, d.get("year", FORM_YEAR))
    year.alignment = Alignment(horizontal="center", vertical="center")
    r = top + s.name_row
    _put(ws, f"A{r}", "项目名称", kind="label")
    _put(ws, f"B{r}:{last}{r}", d.get("project"))
    r = top + s.unit_row
    if w >= 8:
        dept, label, unit = "B{r}:C{r}", "D{r}:E{r}", f"F{{r}}:{last}{{r}}"
    else:
        k = max(2, (w + 1) // 2)
        dept, label = f"B{{r}}:{get_column_letter(k)}{{r}}", f"{get_column_letter(k + 1)}{{r}}"
        unit = f"{get_column_letter(k + 2)}{{r}}:{last}{{r}}"
    _put(ws, "A{r}".format(r=r), "主管部门", kind="label")
    _put(ws, dept.format(r=r), d.get("department"))
    _put(ws, label.format(r=r), "实施单位", kind="label")
    _put(ws, unit.format(r=r), d.get("unit"))
    r = top + s.funds_row
    funds = list(d.get("funds", {label: None for label in s.funds}).items())
    _put(ws, f"A{r}:A{r + len(funds) - 1}", d.get("funds_label", "项目资金（万元）"), kind="label")
    labels_to = "C" if w > 5 else "B"
    values_from = get_column_letter(ord(labels_to) - ord("A") + 2)
    for i, (label, amount) in enumerate(funds):
        _put(ws, f"B{r + i}:{labels_to}{r + i}", label, kind="label")
        _put(ws, f"{values_from}{r + i}:{last}{r + i}", amount, fmt=_MONEY)
    r += len(funds)
    _put(ws, f"A{r}", "年度目标", kind="label")
    _put(ws, f"B{r}:{last}{r}", d.get("goal"), kind="text")
    ws.row_dimensions[r].height = 48
    r += 1
    for c, f in enumerate(fields, start=1):
        _put(ws, f"{get_column_letter(c)}{r}", s.headers[s.columns.index(f)], kind="label")
    rows = d.get("indicators") or [()] * s.blank_rows
    for i, ind in enumerate(rows, start=1):
        for c, f in enumerate(fields, start=1):
            v = ind[c - 1] if c - 1 < len(ind) else None
            _put(ws, f"{get_column_letter(c)}{r + i}", v, kind="value" if f in ("name", "note") else "center")
    end = r + len(rows)
    if data:  # 一级/二级 written once per block: merged down as on a published form
        for level_col in ("A", "B"):
            _merge_runs(ws, level_col, r + 1, end)
    if d.get("footer"):
        end += 1
        _put(ws, f"A{end}:{last}{end}", d["footer"], kind="text")
        ws.row_dimensions[end].height = 45
    return end


def _merge_runs(ws: Worksheet, col: str, first: int, last: int) -> None:
    """Merge each filled cell of ``col`` down over the blank cells below it (a published form's
    merged 一级/二级 cells); for 二级 the run also stops where the 一级 column starts a new block."""
    c = range_boundaries(f"{col}1:{col}1")[0]
    r = first
    while r <= last:
        if ws.cell(row=r, column=c).value is None:
            r += 1
            continue
        end = r
        while end + 1 <= last and ws.cell(row=end + 1, column=c).value is None and \
                (c == 1 or ws.cell(row=end + 1, column=c - 1).value is None):
            end += 1
        if end > r:
            ws.merge_cells(start_row=r, start_column=c, end_row=end, end_column=c)
        r = end + 1


def write_form_template(ws: Worksheet) -> None:
    s = FORM
    last = _form(ws, 1)
    _widths(ws, s.widths)
    first = 1 + s.header_row + 1
    cols = {f: s.col(f) for f in ("level1", "level2", "comparator", "direction")}
    _indicator_dropdowns(ws, cols, first, last)
    ws.freeze_panes = None
    _print_form(ws, last_col=s.width, last_row=last, title_rows=f"{1 + s.header_row}:{1 + s.header_row}")


# --- 示例（项目表）: two real forms, stacked ---------------------------------------------------------
#
# Transcribed from the published tables in ../shared/data/real/ (kept in tests/data/real/), laid out
# on this workbook's form. Every oddity of the originals is kept on purpose: it is what the checks
# find (no 分值 column filled, sign and unit inside 指标值, "854万854万", ASCII ">=", template
# placeholders such as "(≥**个)" in indicator names, a name that says 100% over a value of 98%).

FORM_EXAMPLES: tuple[dict[str, Any], ...] = (
    {
        "source": "岳阳县农业农村局 2022（http://www.yyx.gov.cn/37584/38137/content_2016103.html）",
        "title": "绩效目标申报表(基础设施建设类)",
        "year": "(2022年度)",
        "fields": ("level1", "level2", "name", "target"),
        "funds_label": "资金情况 (万元)",
        "project": "岳阳县2022年高标准农田建设项目",
        "department": "岳阳县农业农村局",
        "unit": "农田建设服务中心",
        "funds": {
            "年度资金总额:": "854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)",
            "其中:财政拨款": "854万854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)",
            "其他资金": None,
        },
        "goal": "完成项目主体工程70%",
        "indicators": (
            ("产出指标", "数量指标", "脱贫村村内道路硬化里程", "≥100公里"),
            (None, None, "脱贫户供水设施数量", "≥20座"),
            (None, "质量指标", "项目(工程)验收合格率", "100%"),
            (None, "时效指标", "项目(工程)完成及时率", "≥100%"),
            (None, "成本指标", "财政资金补助", "1600元/亩"),
            ("效益指标", "经济效益指标", "年增粮食", "3500公斤"),
            (None, "社会效益指标", "受益脱贫(监测)人口数", "≥500人"),
            (None, None, "解决脱贫(监测)饮水安全问题人数", "≥1000人"),
            (None, "生态效益指标", "新增和改善灌溉达标面积", "≥500亩"),
            (None, None, "新增和改善排水达标面积", "≥200亩"),
            (None, "可持续影响指标", "工程设计使用年限", "≥20年"),
            ("满意度指标", "服务对象满意度指标", "受益脱贫(监测)户满意度", "≥95%"),
        ),
        "footer": "注:各地请根据实际情况,从上述绩效指标中选择适合的填报(其中三颗星为必填的核心绩效指标,"
                  "可结合已下达的中央对地方专项转移支付绩效指标),也可自行增加或适当调整。",
    },
    {
        "source": "衡阳市南岳区 2018（扶贫基地）",
        "title": "绩效目标申报表",
        "year": None,
        "fields": ("level1", "level2", "name", "target", "note"),
        "funds_label": "资金情况(万元)",
        "project": "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)",
        "department": "南岳镇政府",
        "unit": "[610001]湖南省润山润水生态农业发展有限公司",
        "funds": {"年度资金总额:": 10, "其中:财政拨款": 10, "其他资金": 0},
        "goal": "为水濂村带来观光游客不少于6万人,村集体收入达6万元。",
        "indicators": (
            ("产出指标", "数量指标", "贫困地区旅游基础设施建设工程", ">=20平方米"),
            (None, None, "贫困地区旅游景点开发数量( ≥**个 )", ">=4个"),
            (None, None, "流转土地", ">=60亩"),
            (None, "质量指标", "*贫困地区旅游基础设施建设质量达标率100%", ">=98%"),
            (None, "时效指标", "贫困地区基础设施建设按期完成率(≥**%)", ">=95%"),
            (None, "成本指标", "流转土地补助标准", "<=475元/亩"),
            (None, None, "景观建设成本", "<=2875元/个"),
            (None, None, "贫困地区旅游基础设施建设工程建设成本", "<=3000元/平方米"),
            ("效益指标", "经济效益指标", "乡村旅游带动增加贫困村收入(≥**万元)", ">=6万元"),
            (None, None, "乡村旅游带动增加贫困人口收入(≥**万元)", ">=2.61万元"),
            (None, "社会效益指标", "贫困地区乡村旅游开发景点接待游客数量(≥**人)", ">=60000人"),
            (None, None, "受益建档立卡贫困人口数≥**人", ">=29人"),
            ("满意度指标", "服务对象满意度指标", "旅游行业经营主体满意度(≥**%)", ">=90%"),
            (None, None, "参与旅游扶贫项目贫困群众满意度(≥**%)", ">=90%"),
            (None, None, "旅游区居民满意度(≥**%)", ">=90%"),
            (None, None, "游客满意度(≥**%)", ">=90%"),
        ),
    },
)
FORM_GAP = 2  # empty rows between stacked forms
EXAMPLE_WIDTHS = {"level2": 18, "name": 44, "target": 18, "note": 36}  # fewer columns than the blank form


def write_form_examples(ws: Worksheet) -> None:
    """The two real forms stacked (as many clerks' sheets hold them), a page break between."""
    top, ends = 1, []
    for example in FORM_EXAMPLES:
        ends.append(_form(ws, top, example))
        top = ends[-1] + 1 + FORM_GAP
    # one column letter per grid position; the widest use of each position wins
    widths: dict[int, float] = {}
    for example in FORM_EXAMPLES:
        for c, f in enumerate(example["fields"]):
            widths[c] = max(widths.get(c, 0), EXAMPLE_WIDTHS.get(f, FORM.widths[FORM.columns.index(f)]))
    _widths(ws, tuple(widths[c] for c in sorted(widths)))
    ws.sheet_properties.tabColor = "70AD47"
    # stacked forms: each prints with its own header, none is repeated
    _print_form(ws, last_col=FORM.width, last_row=ends[-1], title_rows=None)
    for end in ends[:-1]:
        ws.row_breaks.append(Break(id=end))


# --- 自评表 (Sichuan 510000_0013zp) ------------------------------------------------------------


@dataclass(frozen=True)
class SelfEvalShape:
    headers: tuple[str, ...] = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值",
                                "权重", "得分", "未完成原因分析")  # columns B … K
    columns: tuple[str, ...] = ("level1", "level2", "name", "comparator", "target", "measure", "actual",
                                "weight", "score", "reason")
    money_headers: tuple[str, ...] = ("年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分")  # C … H
    money_rows: tuple[str, ...] = ("总额", "其中：财政资金", "财政专户管理资金", "单位资金", "其他资金")
    widths: tuple[float, ...] = (14, 16, 16, 30, 9, 12, 9, 12, 8, 8, 26)
    code_row: int = 1
    title_row: int = 2
    name_row: int = 3
    unit_row: int = 4
    basic_row: int = 5  # 5..7
    money_row: int = 8  # header; 9..13 the five lines
    grid_row: int = 14  # header; indicator rows below
    blank_rows: int = 12
    budget_points: int = 10
    indicator_points: int = 90

    @property
    def first_indicator(self) -> int:
        return self.grid_row + 1

    @property
    def last_indicator(self) -> int:
        return self.grid_row + self.blank_rows

    @property
    def total_row(self) -> int:
        return self.last_indicator + 1

    def col(self, field: str) -> str:
        return get_column_letter(self.columns.index(field) + 2)


SELF_EVAL = SelfEvalShape()
SELF_EVAL_CODE = "报表编号：510000_0013zp"
SELF_EVAL_TITLE = "部门预算项目支出绩效自评表（    年度）"
SELF_EVAL_REASON_PROMPT = ("预算执行率=预算执行数/调整后预算数，未达到90%的需说明原因（100字以内）；"
                           "年中发生预算调整的（追加或调减），应单独说明理由。")


def self_eval_formulas(shape: SelfEvalShape = SELF_EVAL) -> dict[str, str]:
    """The 自评表's formulas by cell: 预算执行率 per money line (blank until 调整后预算数 is filled,
    never #DIV/0!), the 合计 of 权重 (budget points + indicator weights) and of 得分 (blank until
    a score is entered, so an unscored form shows no 0)."""
    s = shape
    out: dict[str, str] = {}
    for i in range(len(s.money_rows)):
        r = s.money_row + 1 + i
        out[f"F{r}"] = f'=IF(N(D{r})=0,"",E{r}/D{r})'
    w, sc = s.col("weight"), s.col("score")
    budget = s.money_row + 1
    rng = f"{s.first_indicator}:{{c}}{s.last_indicator}"
    out[f"{w}{s.total_row}"] = f"=SUM(G{budget},{w}{rng.format(c=w)})"
    out[f"{sc}{s.total_row}"] = (f'=IF(COUNT(H{budget},{sc}{rng.format(c=sc)})=0,"",'
                                 f"SUM(H{budget},{sc}{rng.format(c=sc)}))")
    return out


def write_self_eval_template(ws: Worksheet) -> None:
    s = SELF_EVAL
    c = ws.cell(row=s.code_row, column=1)
    set_cell(c, SELF_EVAL_CODE)
    c.font = Font(size=9)
    _title(ws, f"A{s.title_row}:K{s.title_row}", SELF_EVAL_TITLE)
    _put(ws, f"A{s.name_row}", "项目名称", kind="label")
    _put(ws, f"B{s.name_row}:K{s.name_row}")
    _put(ws, f"A{s.unit_row}", "主管部门", kind="label")
    _put(ws, f"B{s.unit_row}:E{s.unit_row}")
    _put(ws, f"F{s.unit_row}:G{s.unit_row}", "实施单位（盖章）", kind="label")
    _put(ws, f"H{s.unit_row}:K{s.unit_row}")
    r = s.basic_row
    _put(ws, f"A{r}:A{r + 2}", "项目基本情况", kind="label")
    _put(ws, f"B{r}:B{r + 1}", "1.项目年度目标完成情况", kind="label")
    _put(ws, f"C{r}:F{r}", "项目年度目标", kind="label")
    _put(ws, f"G{r}:K{r}", "年度目标完成情况", kind="label")
    _put(ws, f"C{r + 1}:F{r + 1}", kind="text")
    _put(ws, f"G{r + 1}:K{r + 1}", kind="text")
    ws.row_dimensions[r + 1].height = 60
    _put(ws, f"B{r + 2}", "2.项目实施内容及过程概述", kind="label")
    _put(ws, f"C{r + 2}:K{r + 2}", kind="text")
    ws.row_dimensions[r + 2].height = 45
    r = s.money_row
    last_money = r + len(s.money_rows)
    _put(ws, f"A{r}:A{last_money}", f"预算执行情况（{s.budget_points}分）", kind="label")
    _put(ws, f"B{r}", "年度预算数（万元）", kind="label")
    for i, h in enumerate(s.money_headers):
        _put(ws, f"{get_column_letter(3 + i)}{r}", h, kind="label")
    _put(ws, f"I{r}:K{r}", "原因", kind="label")
    for i, label in enumerate(s.money_rows):
        row = r + 1 + i
        _put(ws, f"B{row}", label, kind="label")
        for col in "CDE":
            _put(ws, f"{col}{row}", kind="center", fmt=_MONEY)
        _put(ws, f"F{row}", kind="center", fmt=_PERCENT)
        if i == 0:
            _put(ws, f"G{row}", s.budget_points, kind="center")
            _put(ws, f"H{row}", kind="center")
        else:  # the template's "/": points and score belong to the 总额 line only
            _put(ws, f"G{row}", "/", kind="center")
            _put(ws, f"H{row}", "/", kind="center")
    _put(ws, f"I{r + 1}:K{last_money}", kind="text")
    dropdown_free = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", allow_blank=True,
                                   showInputMessage=True, promptTitle="原因", prompt=SELF_EVAL_REASON_PROMPT)
    dropdown_free.add(f"I{r + 1}")
    ws.add_data_validation(dropdown_free)
    r = s.grid_row
    _put(ws, f"A{r}:A{s.last_indicator}", f"绩效指标（{s.indicator_points}分）", kind="label")
    for i, h in enumerate(s.headers):
        _put(ws, f"{get_column_letter(2 + i)}{r}", h, kind="label")
    for row in range(s.first_indicator, s.last_indicator + 1):
        for i, f in enumerate(s.columns):
            _put(ws, f"{get_column_letter(2 + i)}{row}", kind="value" if f in ("name", "reason") else "center")
    t = s.total_row
    _put(ws, f"A{t}:H{t}", "合计", kind="label")
    _put(ws, f"I{t}", kind="center")
    _put(ws, f"J{t}", kind="center")
    _put(ws, f"K{t}", kind="center")
    for i, label in enumerate(("评价结论", "存在问题", "改进措施"), start=1):
        _put(ws, f"A{t + i}", label, kind="label")
        _put(ws, f"B{t + i}:K{t + i}", kind="text")
        ws.row_dimensions[t + i].height = 45
    sign = t + 4
    set_cell(ws.cell(row=sign, column=1), "项目负责人：")
    set_cell(ws.cell(row=sign, column=7), "财务负责人：")
    _widths(ws, s.widths)
    cols = {f: s.col(f) for f in ("level1", "level2", "comparator")}
    _indicator_dropdowns(ws, cols, s.first_indicator, s.last_indicator)
    _print_form(ws, last_col=11, last_row=sign, title_rows=f"{s.grid_row}:{s.grid_row}")


def apply_formulas(ws: Worksheet, formulas: dict[str, str]) -> None:
    """Formula cells (after harden_sheet, which would have made them text)."""
    for ref, formula in formulas.items():
        cell = ws[ref]
        cell.value = formula
        cell.data_type = "f"
