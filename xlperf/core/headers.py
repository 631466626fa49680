"""Find the table inside a sheet: title, 金额单位, the header row and which column is which."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Optional

from .grid import Grid, is_blank
from .normalise import clean_text, compact

HEADER_SCAN_ROWS = 30

# The one header vocabulary: header text (compacted, markers and parentheses removed) -> field.
# Grown from the Sichuan list, the MoF form templates (财预〔2021〕101号 附件) and the real tables
# in tests/data/real (湖北 湖南 内蒙古 福建 四川 河北). ``tests/test_vocabulary.py`` has a test per
# synonym. Fields beyond the list's twelve: ``explanation`` (指标解释) and ``standard`` (绩效标准),
# read into ``Indicator.details`` by every layout.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit": ("单位名称", "预算单位", "单位", "部门单位", "单位名称编码", "部门单位名称", "预算单位名称",
             "实施单位", "实施单位名称", "项目实施单位", "项目单位"),
    "project": ("项目名称", "项目", "项目名", "预算项目名称", "支出项目名称", "专项资金名称", "专项名称"),
    "budget": ("预算数", "预算金额", "项目金额", "资金总额", "年度资金总额", "预算资金", "金额", "项目预算", "预算", "申报金额", "资金",
               "项目资金", "资金情况", "年度预算数", "项目资金总额", "年初安排金额", "预算安排",
               # how other provinces' lists head it (金额 / 资金 / 预算 with what the money is)
               "资金金额", "安排资金", "申请资金", "资金规模", "项目资金规模", "年度预算金额", "预算安排数", "资金安排",
               "总金额", "项目总金额", "拨款金额", "本年预算", "本年预算数", "当年预算", "全年预算数", "项目经费",
               "预算资金总额", "申请金额", "申报资金", "安排金额", "预算总额", "项目预算数", "资金数额",
               "年度预算", "年度资金", "项目预算金额", "预算金额合计"),
    "goal": ("年度目标", "年度绩效目标", "绩效目标", "项目年度目标", "年度总体目标", "总体目标"),
    "level1": ("一级指标", "一级", "一级指标名称"),
    "level2": ("二级指标", "二级", "二级指标名称"),
    "name": ("三级指标", "三级", "指标名称", "三级指标名称", "绩效指标名称", "指标内容"),
    "comparator": ("指标性质", "指标值类型", "指标类型", "符号", "比较符", "运算符", "计算符号", "指标属性", "指标符号"),
    "target": ("指标值", "指标值及单位", "目标值", "指标目标值", "年度指标值", "指标值内容", "年度目标值", "绩效指标值"),
    "measure": ("度量单位", "计量单位", "指标单位", "单位符号"),
    "weight": ("权重", "分值", "指标权重", "分值权重", "权重分", "分值分", "权重分值", "指标分值"),
    "direction": ("指标方向性", "方向", "指标方向", "方向性", "指标方向类型"),
    "waiver": ("豁免", "豁免规则", "豁免代码"),
    "note": ("备注", "说明"),
    "explanation": ("指标解释", "指标说明", "指标值说明", "指标释义", "指标定义"),
    "standard": ("绩效标准", "评分标准", "评扣分标准", "指标值设定依据", "标准"),
}
# Fields read into ``Indicator.details`` under their header as written (not list columns).
DETAIL_FIELDS = ("explanation", "standard")
# Labels of the form-like layouts (label–value rows, funds and goal blocks, the department
# table's 年度履职目标 block): label key (``layouts.labels.label_key``: no spaces, brackets,
# colons or ``其中``) -> role. Roles: project/department/unit/org (the table's subject),
# detail (kept in ``Project.details`` by its label), funds (a funds block's own label),
# funds_head (its column headings), total and the FundLine roles (fiscal, other, carried_over,
# special_account, unit_funds, project_spending, basic_spending), goal/goal_long/goal_head/
# goal_done, grid (the indicator grid's banner), duties (部门整体: 年度履职目标).
LABELS: dict[str, tuple[str, ...]] = {
    "project": ("项目名称", "专项资金名称", "专项名称", "项目名", "资金名称"),
    "department": ("主管部门", "主管部门及编码", "县级主管部门", "市级主管部门", "省级主管部门", "主管单位",
                   "主管部门名称", "主管部门编码"),
    "unit": ("实施单位", "实施单位名称", "项目实施单位", "实施单位及编码", "项目单位"),
    "org": ("部门名称", "部门单位名称", "单位名称", "预算部门"),
    "detail": ("项目负责人", "负责人", "项目负责人及电话", "负责人及电话", "联系人", "联系电话", "项目属性", "项目类别",
               "项目类型", "项目起止时间", "项目期", "项目周期", "实施期限", "项目实施期", "归口科室", "归口处室",
               "部门预算编码", "项目编码", "项目代码", "单位编码", "部门编码", "报表编号", "填报单位", "填报日期",
               "部门职能职责概述", "部门职能职责", "职能职责", "部门职责", "职能职责概述", "部门主要职能"),
    "funds": ("项目资金", "资金情况", "投入目标", "年度预算安排", "项目资金情况", "资金投入", "预算安排",
              "项目资金申请", "资金来源情况", "年度资金", "年度预算申请", "年度预算申请情况", "年度资金总额及构成",
              "资金总额及构成", "项目资金总额及构成", "年度资金构成"),
    # A breakdown of the block's total (部门整体: 按收入性质分 一般公共预算/政府性基金…, 按支出性质分
    # 基本支出/项目支出): each group adds up to the total on its own (FundLine.group, BG006).
    "funds_group": ("按收入性质分", "按支出性质分", "按资金来源", "按资金来源分", "按资金性质", "按资金性质分", "按支出类别",
                    "按支出类别分", "按经济分类", "按功能分类", "按收入来源分", "按支出经济分类"),
    "funds_head": ("资金来源", "年初安排金额", "金额", "预算金额"),
    "total": ("年度资金总额", "资金总额", "当年资金总额", "项目资金总额", "总额", "年度预算总额", "资金合计", "合计",
              "年度预算", "实施期资金总额", "中期资金总额"),
    "fiscal": ("财政拨款", "财政拨款数", "当年财政拨款", "财政资金", "财政补助", "一般公共预算", "一般公共预算拨款",
               "财政补助资金", "本级财政拨款", "财政拨款资金", "中央财政资金", "省级财政资金", "中央补助"),
    "other": ("其他资金", "当年其他资金", "其他", "其他来源资金"),
    "carried_over": ("上年结转", "上年结转资金", "结转资金", "上年结余", "上年结转结余"),
    "special_account": ("财政专户管理资金", "财政专户", "财政专户资金", "财政专户管理的资金"),
    "unit_funds": ("单位资金", "单位自有资金", "自有资金", "单位自筹"),
    "project_spending": ("项目支出",),
    "basic_spending": ("基本支出",),
    "goal": ("年度目标", "年度总体目标", "年度绩效目标", "项目年度目标", "当年目标", "整体绩效目标", "部门整体绩效目标",
             "年度整体绩效目标"),
    "goal_long": ("中期目标", "长期目标", "实施期目标", "实施期总体目标", "长期绩效目标", "中长期目标", "中期绩效目标",
                  "项目总体目标", "整体目标"),
    "goal_head": ("总体目标", "绩效目标", "项目绩效目标"),
    "goal_done": ("年度总体目标完成情况", "完成情况", "实际完成情况", "目标完成情况"),
    "grid": ("绩效指标", "绩效项目指标表", "年度绩效指标", "绩效指标表", "项目绩效指标", "绩效目标指标",
             "长期绩效指标", "中期绩效指标", "实施期绩效指标"),
    "duties": ("年度履职目标", "履职目标", "部门履职目标", "年度主要任务", "主要任务", "部门年度主要任务"),
}
# The 年度履职目标 block's columns: they mean that inside the block only (预算金额 is also a
# funds heading, 支出项目名称 a list column).
DUTY_LABELS: dict[str, tuple[str, ...]] = {
    "duty_function": ("部门职能", "职能"),
    "duty_task": ("年度目标任务", "目标任务", "重点工作任务", "年度重点工作", "任务名称", "主要任务", "任务"),
    "duty_content": ("主要内容", "任务内容", "主要工作内容", "工作内容", "具体内容"),
    "duty_project": ("支出项目名称", "对应项目", "支出项目", "项目名称"),
    "duty_amount": ("预算金额", "金额", "资金总额", "预算资金"),
}
# A duties block's own total row (中央 部门整体 template: 金额合计 under the 年度主要任务 lines).
DUTY_TOTAL_WORDS = frozenset({"合计", "总计", "金额合计", "资金合计", "预算金额合计", "合计金额"})
LABEL_LOOKUP: dict[str, str] = {}
for _role, _labels in LABELS.items():
    for _label in _labels:
        if _label in LABEL_LOOKUP:
            raise ValueError(f"label {_label!r} has two roles")
        LABEL_LOOKUP[_label] = _role
# Inside a 年度履职目标 block its column labels mean duty_* (预算金额 is also a funds heading).
DUTY_LOOKUP: dict[str, str] = {k: r for r, ls in DUTY_LABELS.items() for k in ls}
# FundLine.role of each funds role (core.model.FundLine); "total" is a block's (other) total.
FUND_ROLES = {"fiscal": "fiscal", "other": "other", "carried_over": "carried_over",
              "special_account": "special_account", "unit_funds": "unit_funds",
              "project_spending": "project", "basic_spending": "basic", "total": "total"}

# Columns we know and deliberately leave alone (our own output, row numbers).
IGNORED_HEADERS = ("校验说明", "序号", "行号", "编号")
HEADER_LOOKUP: dict[str, str] = {syn: f for f, syns in _SYNONYMS.items() for syn in syns}
HEADER_FIELDS = tuple(_SYNONYMS)  # what a [headers] mapping may name
# 权重 is not required: national forms and other provinces' lists have none (the weight
# rules then skip the table, see core.rules); project, name and target are.
REQUIRED = ("project", "name", "target")
REQUIRED_ANY_LEVEL = ("level1", "level2")

_PAREN_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_MONEY_IN_HEADER_RE = re.compile(r"[(（]\s*(万元|元)\s*[)）]")
# The title and 金额单位 rows: also used by the text importer (readers/text.py).
# 金额单位：万元, 单位：元, （单位：万元）; never 实施单位：元宝区… (元 followed by a character of a name)
MONEY_ROW_RE = re.compile(r"(?:金额单位\s*[:：]?|单位\s*[:：])\s*(万元|元)(?![\u4e00-\u9fff])")
TITLE_RE = re.compile(r"绩效目标|绩效指标|申报表|目标表")


def header_key(v: Any) -> Optional[str]:
    s = clean_text(v)
    if s is None or len(s) > 20:
        return None
    k = compact(s).lstrip("*＊★").rstrip("*＊★:：")
    k = _PAREN_RE.sub("", k)
    return k or None


# The period a column or a funds heading is for: the 中央 template writes 中期指标值 | 年度指标值 and
# 中期资金总额 | 年度资金总额 side by side, 青山 三级指标(长期) beside 三级指标(年度).
LONG_PERIOD_RE = re.compile(r"长期|中期|实施期|中长期")
ANNUAL_PERIOD_RE = re.compile(r"年度|当年|本年")
_PERIOD_PREFIX_RE = re.compile(r"^(?:中长期|长期|中期|实施期|年度|当年|本年)")
# Fields a period prefix may be put before (中期指标值, 实施期三级指标); not budget, whose 年度预算数 /
# 当年资金总额 are synonyms of their own.
_PERIOD_FIELDS = frozenset({"level1", "level2", "name", "comparator", "target", "measure", "weight", "direction"})


@lru_cache(maxsize=4096, typed=True)
def field_of_header(v: Any) -> Optional[str]:
    k = header_key(v)
    if not k:
        return None
    f = HEADER_LOOKUP.get(k)
    if f is None:  # 中期指标值, 长期三级指标: the period's column of a known field
        rest = _PERIOD_PREFIX_RE.sub("", k)
        if rest != k:
            f = HEADER_LOOKUP.get(rest)
            if f not in _PERIOD_FIELDS:
                f = None
    return f


def is_long_period(v: Any) -> bool:
    """A header for the 长期/中期/实施期 period (中期指标值, 指标值(长期)) and not the annual one."""
    s = clean_text(v) if isinstance(v, str) else None
    return bool(s) and LONG_PERIOD_RE.search(s) is not None and ANNUAL_PERIOD_RE.search(s) is None


@dataclass
class Layout:
    header_row: Optional[int]  # grid row of the (last) header row
    columns: dict[str, int] = field(default_factory=dict)  # field -> grid column
    ignored_columns: set[int] = field(default_factory=set)
    title: Optional[str] = None
    money_unit: str = "万元"
    missing: list[str] = field(default_factory=list)  # required fields not found
    header_rows: set[int] = field(default_factory=set)  # grid rows that are header rows

    @property
    def ok(self) -> bool:
        return self.header_row is not None and not self.missing


def mapped_field(v: Any, headers: Optional[dict[str, str]]) -> Optional[str]:
    """The field of a header cell: the configured ``[headers]`` mapping first (the header as
    written, or its key), then the vocabulary."""
    if headers and isinstance(v, str):
        f = headers.get(clean_text(v) or "")
        if f is None:
            k = header_key(v)
            f = headers.get(k) if k else None
        if f is not None:
            return f
    return field_of_header(v)


def _row_fields(row: list[Any], headers: Optional[dict[str, str]] = None) -> dict[str, int]:
    found: dict[str, int] = {}
    long: set[str] = set()
    for c, v in enumerate(row):
        f = mapped_field(v, headers) if headers else field_of_header(v)
        if not f:
            continue
        if f not in found or (f in long and not is_long_period(v)):
            # 中期指标值 | 年度指标值 in a list: the year's column is the indicator's
            found[f] = c
            if is_long_period(v):
                long.add(f)
            else:
                long.discard(f)
    return found


def _label_values(row: list[Any], fields: dict[str, int]) -> bool:
    """Is the row a form's label–value pairs (项目名称 | X | 实施单位 | Y), not header text? A
    项目名称 or 单位 whose next filled cell is neither a header nor a label is a label with its value."""
    for f in ("project", "unit"):
        c = fields.get(f)
        if c is None:
            continue
        nxt = next((v for v in row[c + 1:] if not is_blank(v)), None)
        if nxt is None:
            continue
        if not isinstance(nxt, str):
            return True
        k = header_key(nxt)
        if field_of_header(nxt) is None and (k is None or k not in LABEL_LOOKUP):
            return True
    return False


def find_layout(grid: Grid, headers: Optional[dict[str, str]] = None) -> Layout:
    """The list's header row and columns; ``headers`` is ``Config.headers`` ([headers])."""
    best_row, best_fields = None, {}
    for r in range(min(HEADER_SCAN_ROWS, grid.height)):
        fields = _row_fields(grid.rows[r], headers)
        # A two-row header: 绩效指标 merged over 一级/二级/三级 in the row below. The row above
        # must itself look like header text (two fields at least): a form's 项目名称 label
        # right above its indicator grid is not the list's 项目名称 column.
        if r > 0:
            above = _row_fields(grid.rows[r - 1], headers)
            if len(above) >= 2 and not _label_values(grid.rows[r - 1], above):
                for f, c in above.items():
                    fields.setdefault(f, c)
                _split_value_header(grid, r, above, fields)
        if len(fields) > len(best_fields):
            best_row, best_fields = r, fields
    layout = Layout(header_row=None)
    if best_row is None or len(best_fields) < 3:
        layout.missing = [f for f in REQUIRED]
        layout.money_unit = _money_unit(grid, min(HEADER_SCAN_ROWS, grid.height), None)
        return layout
    layout.header_row = best_row
    layout.columns = best_fields
    layout.header_rows = {best_row}
    if best_row > 0:
        above = _row_fields(grid.rows[best_row - 1], headers)
        if len(above) >= 2 and not _label_values(grid.rows[best_row - 1], above):
            layout.header_rows.add(best_row - 1)
    for c, v in enumerate(grid.rows[best_row]):
        if header_key(v) in IGNORED_HEADERS:
            layout.ignored_columns.add(c)
    missing = [f for f in REQUIRED if f not in best_fields]
    if not any(f in best_fields for f in REQUIRED_ANY_LEVEL):
        missing.append("level1")
    layout.missing = missing
    layout.title = _title(grid, best_row)
    layout.money_unit = _money_unit(grid, best_row + 1, best_fields.get("budget"))
    return layout


# A 指标值 header spanning sub-headers in the row below (``指标值`` over ``符号 | 数值 | 单位``):
# under it these words name the value's parts; elsewhere 单位 is the 单位名称 column.
_VALUE_PARTS = {"符号": "comparator", "计算符号": "comparator", "指标性质": "comparator", "比较符": "comparator",
                "运算符": "comparator", "比较符号": "comparator", "数值": "target", "值": "target",
                "目标值": "target", "指标值": "target", "数": "target", "单位": "measure", "计量单位": "measure",
                "度量单位": "measure", "指标单位": "measure"}


def value_parts(grid: Grid, r: int, c0: int) -> Optional[dict[str, int]]:
    """The comparator/number/unit columns of a 指标值 header at (``r``, ``c0``) that spans
    sub-headers in row ``r + 1`` (merged across, or written once over blank cells); None when
    fewer than two of the cells below name a part. Shared by the list and the form readers."""
    span = next((m.c2 for m in grid.merges if m.r1 == r and m.c1 == c0 and m.c2 > c0), None)
    if span is None:  # written once over blank cells
        row = grid.rows[r]
        span = c0
        while span + 1 < len(row) and is_blank(row[span + 1]) and not is_blank(grid.get(r + 1, span + 1)):
            span += 1
    parts: dict[str, int] = {}
    for c in range(c0, span + 1):
        f = _VALUE_PARTS.get(header_key(grid.get(r + 1, c)) or "")
        if f and f not in parts:
            parts[f] = c
    return parts if len(parts) >= 2 else None


def _split_value_header(grid: Grid, r: int, above: dict[str, int], fields: dict[str, int]) -> None:
    """Row ``r``'s sub-headers under a spanning 指标值 in the row above are the value's parts."""
    c0 = above.get("target")
    parts = value_parts(grid, r - 1, c0) if c0 is not None else None
    if parts is None:
        return
    lo, hi = c0, max(parts.values())
    for f in [f for f, c in fields.items() if lo <= c <= hi]:
        del fields[f]
    for f, c in parts.items():
        fields.setdefault(f, c)


def _title(grid: Grid, header_row: int) -> Optional[str]:
    for r in range(min(header_row, HEADER_SCAN_ROWS)):
        for v in grid.rows[r]:
            s = clean_text(v)
            if s and TITLE_RE.search(s) and not MONEY_ROW_RE.search(s):
                return s
    return None


def _money_unit(grid: Grid, upto: int, budget_col: Optional[int]) -> str:
    for r in range(min(upto, grid.height)):
        for v in grid.rows[r]:
            if isinstance(v, str):
                m = MONEY_ROW_RE.search(v)
                if m:
                    return m.group(1)
    if budget_col is not None and upto > 0:
        m = _MONEY_IN_HEADER_RE.search(str(grid.get(upto - 1, budget_col) or ""))
        if m:
            return m.group(1)
    return "万元"


# The words a 权重 column's header is written with, as a clerk reads them back: a table whose
# header says 分值 (分值, 指标分值, 分值(分)) speaks of 分值 and is told so; any header naming 权重
# (权重, 权重分值, 分值权重) keeps 权重.
WEIGHT_WORD, POINTS_WORD = "权重", "分值"
# A header merged over rows puts its text on the top row: the rows above the last header row
# looked at for it.
_WEIGHT_HEADER_ROWS_UP = 3


def weight_word_of(v: Any) -> str:
    """The word a 权重 column's header uses: ``分值`` when it says 分值 and not 权重, else ``权重``."""
    text = compact(v) if isinstance(v, str) else ""
    return POINTS_WORD if POINTS_WORD in text and WEIGHT_WORD not in text else WEIGHT_WORD


def weight_word(grid: Grid, header_row: Optional[int], weight_col: Optional[int]) -> str:
    """The word of the table whose (last) header row and 权重 column are ``header_row`` and
    ``weight_col`` (sheet row and column, as ``Table.header_row``/``Table.columns`` hold them):
    the header cell's own, or the text of a header merged down onto it. ``权重`` when the table
    has no such column."""
    if header_row is None or weight_col is None:
        return WEIGHT_WORD
    r, c = header_row - grid.row0, weight_col - grid.col0
    for rr in range(r, max(r - _WEIGHT_HEADER_ROWS_UP, 0) - 1, -1):
        v = grid.get(rr, c)
        if not is_blank(v):
            return weight_word_of(v)
    return WEIGHT_WORD


def is_repeated_header(row: list[Any], columns: dict[str, int], header: Optional[list[Any]] = None) -> bool:
    """A header row repeated inside the table (page breaks in printed/pasted tables).

    Called once per data row, so the common case (a data row) must be cheap: only short
    strings can be header text, and exact repeats of the detected header are checked first.
    """
    wc = columns.get("weight")
    if wc is not None and wc < len(row) and not isinstance(row[wc], str):
        return False  # a header row has text in the 权重 column; data rows mostly hold numbers
    hits = 0
    for f, c in columns.items():
        if c >= len(row):
            continue
        v = row[c]
        if not isinstance(v, str) or len(v) > 24:
            continue
        if (header is not None and c < len(header) and v == header[c]) or field_of_header(v) == f:
            hits += 1
            if hits >= 3:
                return True
    return False


def is_banner_row(row: list[Any]) -> bool:
    """Title or 金额单位 rows repeated inside the table: exactly one text cell."""
    text = None
    for v in row:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if text is not None or not isinstance(v, str):
            return False
        text = v
    if text is None:
        return False
    return bool(MONEY_ROW_RE.search(text)) or (bool(TITLE_RE.search(text)) and "表" in text and len(text) < 60)
