"""``form``: the Ministry of Finance 项目支出绩效目标表 and its provincial variants — one project
per form, several forms stacked on a sheet or one per sheet.

A form, top to bottom (any part may be missing, labels written however the clerk wrote them,
see ``labels``):

    title rows               项目支出绩效目标表 / (2022年度)           -> Table.title, details["标题"]
    label–value rows         项目名称 | X | 主管部门 | Y ; 实施单位 | Z  -> Project.name, department, unit
                             项目属性 / 负责人 / 项目起止时间 …        -> Project.details[label]
    funds block              项目资金(万元) | 年度资金总额 | 120      -> Project.funds, budget (万元)
                                            | 其中：财政拨款 | 100
                                            | 其他资金 | 20
    goal block               总体目标 | 中期目标 | 年度目标            -> goal_long, goal
                                      | 长期文字 | 年度文字
    indicator grid           一级指标 | 二级指标 | 三级指标 | 指标值 | (指标性质 度量单位 分值 指标方向
                             绩效标准 指标解释 备注 …)                  -> Project.indicators
                             (长期 and 年度 groups side by side: the 年度 group is read as the
                             indicators, the 长期 one kept in each Indicator.details)
    cost breakdown           项目成本构成(万元) | 成本项目 | 金额       -> Project.costs (cost_block.py;
                             | 人员成本 | 20 ; | 合计 | 20               before or after the grid)
    tail                     审核意见 | (盖章) ; 注：…                 -> Project.details
    footnotes                注：1.… / 备注：… / 说明：… and their     -> Project.details["注"] …, always
                             lines                                     the form's above (footnote_rows)

Mapping to the model: one Table per form with one Project (index 0); the form's rows
``row_first``…``row_last`` are the project's, so every finding on them is the project's.
``unit`` is the 实施单位 (split into code and name), ``department`` the 主管部门, ``budget`` the
annual total (年度资金总额 / 当年资金总额, else 资金总额) in 万元. Every non-empty cell ends in
the Table (a field, a detail, a fund line, a cost line) or in a finding (ST010, ST015). A form
with labels only (the template's blank form) is a Table without a project and one ST021.

The department table (部门整体支出绩效目标表, ``department.py``) is read by the same machinery
with a few more labels; see there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..blocks import read_indicator, split_code_name
from ..config import Config
from ..engine import read_finding
from ..grid import Grid, is_blank
from ..headers import (ANNUAL_PERIOD_RE, DUTY_LOOKUP, DUTY_TOTAL_WORDS, FUND_ROLES, HEADER_SCAN_ROWS, LABEL_LOOKUP, LONG_PERIOD_RE,
                       field_of_header, mapped_field, value_parts)
from ..model import FIELDS, Costs, Finding, FundLine, FundPart, Funds, Indicator, Project, Table, construct_all
from ..normalise import clean_text, compact
from ..taxonomy import normalise_level1
from . import Fit, register
from . import cost_block
from .columns import content_swaps, unknown_header_finding
from ..normalise import parse_stated_points
from .labels import (Covered, LabelText, covered_cells, label_text, merge_end, parse_amount, stated_points,
                     value_right)

INDICATOR_FIELDS = ("level1", "level2", "name", "comparator", "target", "measure", "weight", "direction")
DETAIL_HEADER_FIELDS = ("explanation", "standard", "note")
SUBJECT_ROLES = ("project", "department", "unit", "org", "detail")
GOAL_ROLES = ("goal", "goal_long", "goal_head", "goal_done")
# Headers only a self-evaluation (绩效自评表) has: such a sheet is left to that reader.
SELF_EVAL_MARKS = ("实际完成值", "全年完成值", "完成值", "全年执行数", "预算执行数", "执行数", "执行率",
                   "预算执行率", "得分", "自评", "偏差原因", "未完成原因")
_LONG_RE, _ANNUAL_RE = LONG_PERIOD_RE, ANNUAL_PERIOD_RE
_FOOTER_RE = re.compile(r"^(注|附件|附注|说明|备注|填报说明)\s*\d*\s*[:：]|审核意见|盖章|填报人|填表人|联系电话|审核人|负责人签字")
_TITLE_ROW_RE = re.compile(r"绩效目标|绩效指标|申报表|目标表|^[(（]?\s*\d{4}\s*年度?\s*[)）]?$")
# A footnote under (or inside) a form: 注：…, 注1：, 注：1.…, 备注：, 说明：, 填报说明：. It and the
# lines that go on from it (1.…, 2.…, single text cells up to a blank row) belong to the form
# above: never a form's start, never the next form's title.
_NOTE_RE = re.compile(r"^(注|附注|说明|备注|填报说明|填表说明)\s*\d*\s*(?:[:：]|\d+\s*[.、．])|^注\s*$")
_NUMBERED_RE = re.compile(r"^\s*(?:[(（]?\d+[)）.、．]|[一二三四五六七八九十]+[、.．])")
_CODE_RE = re.compile(r"^\s*[\[\(（【]\s*(\d{2,})\s*[\]\)）】]\s*(.+?)\s*$")


def split_code(text: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """``[015001]武汉市青山区教育局`` / ``(433)乌海市…`` / ``208001-…`` -> (code, name)."""
    if not text:
        return None, text
    m = _CODE_RE.match(text)
    if m:
        return m.group(1), m.group(2)
    code, name = split_code_name(text)
    return code, name


# --- the indicator grid's header ------------------------------------------------------------------


@dataclass
class GridHeader:
    row: int  # grid row of the (last) header row
    rows: set[int]
    columns: dict[str, int]  # field -> grid column: the indicators (年度 group, or the only one)
    long_columns: dict[str, int] = field(default_factory=dict)  # the 长期/中期/实施期 group
    details: dict[int, str] = field(default_factory=dict)  # grid column -> header as written
    unknown: dict[int, str] = field(default_factory=dict)  # header text not recognised
    labels: set[int] = field(default_factory=set)  # block-label columns (绩效指标)
    swapped: Optional[tuple[int, int]] = None


def _header_fields(row: list[Any], headers: dict[str, str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for c, v in enumerate(row):
        if v.__class__ is not str:
            continue
        f = mapped_field(v, headers) if headers else field_of_header(v)
        if f:
            out[c] = f
    return out


def is_header_row(row: list[Any], headers: dict[str, str]) -> bool:
    """A list's header row (单位名称 | 项目名称 | 预算数 | …): three or more column headers, so its
    项目名称 is a column, not a form's label."""
    return len(set(_header_fields(row, headers).values())) >= 3


def grid_header_at(grid: Grid, r: int, headers: dict[str, str], covered: Optional[Covered] = None
                   ) -> Optional[GridHeader]:
    """The indicator grid's header if row ``r`` is one: a level column and a name or value
    column among at least three indicator headers, and no 项目名称 column (that is a list)."""
    fields = _header_fields(grid.rows[r], headers)
    kinds = [f for f in fields.values() if f in INDICATOR_FIELDS]
    if len(kinds) < 3 or not ({"level1", "level2"} & set(kinds)) or not ({"name", "target"} & set(kinds)):
        return None
    if "project" in fields.values():
        return None
    above = grid.rows[r - 1] if r > 0 else []
    # 长期绩效指标 / 年度绩效指标 merged over their columns in the row above
    covered = covered if covered is not None else covered_cells(grid, r)
    group_above: dict[int, str] = {}
    for c, v in enumerate(above):
        anchor = covered.get((r - 1, c))
        if anchor is not None and anchor[0] == r - 1:
            v = grid.get(*anchor)
        if isinstance(v, str):
            group_above[c] = v
    gh = GridHeader(r, {r}, {})
    dup: list[tuple[int, str]] = []
    for c, v in enumerate(grid.rows[r]):
        if is_blank(v):
            continue
        f = fields.get(c)
        text = clean_text(v) or ""
        if f is None:
            if label_text(v) is not None and LABEL_LOOKUP.get(label_text(v).key) == "grid":
                gh.labels.add(c)
            else:
                gh.unknown[c] = text
            continue
        if f in DETAIL_HEADER_FIELDS or f not in INDICATOR_FIELDS:
            gh.details[c] = text
            continue
        tag = text + " " + (clean_text(group_above.get(c)) or "")
        if _LONG_RE.search(tag) and not _ANNUAL_RE.search(text):
            if f in gh.long_columns:
                dup.append((c, text))
            else:
                gh.long_columns[f] = c
            continue
        if f in gh.columns:
            dup.append((c, text))
        else:
            gh.columns[f] = c
    for f in [f for f in gh.long_columns if f not in gh.columns]:  # only a 长期 column: the indicator's
        gh.columns[f] = gh.long_columns.pop(f)
    for c, text in dup:
        gh.details[c] = text
    for f, c in gh.long_columns.items():
        gh.details[c] = clean_text(grid.get(r, c)) or f
    # 指标值 over 符号 | 数值 | 单位 in the row below: a two-row header whose parts are the columns
    parts = value_parts(grid, r, gh.columns["target"]) if "target" in gh.columns and r + 1 < grid.height else None
    if parts is not None:
        for c in parts.values():
            gh.details.pop(c, None)
            gh.unknown.pop(c, None)
        gh.columns.update(parts)
        gh.rows.add(r + 1)
        gh.row = r + 1
    return gh


def find_grid_header(grid: Grid, start: int, end: int, headers: dict[str, str],
                     covered: Optional[Covered] = None) -> Optional[GridHeader]:
    for r in range(start, min(end, grid.height)):
        gh = grid_header_at(grid, r, headers, covered)
        if gh is not None:
            return gh
    return None


# --- fit ---------------------------------------------------------------------------------------------


@dataclass
class Signals:
    subject: Optional[tuple[int, int]] = None  # the 项目名称 (or 部门名称) label
    subject_role: Optional[str] = None
    subject_filled: bool = True  # False: the label is there with no value (a blank template)
    funds: bool = False
    goal: bool = False
    duties: bool = False
    grid: Optional[int] = None
    self_eval: list[str] = field(default_factory=list)
    department_title: bool = False


def signals(grid: Grid, upto: int = HEADER_SCAN_ROWS, headers: Optional[dict[str, str]] = None) -> Signals:
    """What the first rows of a sheet say about it (cheap: the fit of every sheet runs this)."""
    s = Signals()
    covered = covered_cells(grid, upto)
    for r in range(min(upto, grid.height)):
        row = grid.rows[r]
        for c, v in enumerate(row):
            if not isinstance(v, str) or (r, c) in covered:
                continue
            k = compact(v)
            if "部门整体" in k and ("绩效" in k or "目标" in k):
                s.department_title = True
            for mark in SELF_EVAL_MARKS:
                if mark in k and len(k) <= 24 and mark not in s.self_eval:
                    s.self_eval.append(mark)
            lt = label_text(v)
            if lt is None:
                continue
            role = LABEL_LOOKUP.get(lt.key)
            if role in ("project", "org") and (s.subject is None or not s.subject_filled) and c <= 3:
                value, _ = value_right(grid, r, c, covered, LABEL_LOOKUP) if lt.inline is None else (lt.inline, None)
                if not is_header_row(row, headers or {}):
                    if value is not None:
                        s.subject, s.subject_role, s.subject_filled = (r, c), role, True
                    elif s.subject is None:
                        s.subject, s.subject_role, s.subject_filled = (r, c), role, False
            elif role == "funds" or role in FUND_ROLES:
                s.funds = True
            elif role in GOAL_ROLES:
                s.goal = True
            elif role == "duties":
                s.duties = True
        if s.grid is None and grid_header_at(grid, r, headers or {}, covered) is not None:
            s.grid = r
    return s


def _fit_reason(grid: Grid, s: Signals, what: str) -> str:
    parts = []
    if s.subject is not None:
        parts.append(f"{grid.addr(*s.subject)}为“{clean_text(grid.get(*s.subject))}”标签"
                     + ("" if s.subject_filled else "（未填写）"))
    if s.funds:
        parts.append("有资金块")
    if s.goal:
        parts.append("有目标块")
    if s.duties:
        parts.append("有年度履职目标块")
    if s.grid is not None:
        parts.append(f"第{grid.sheet_row(s.grid)}行为指标表头")
    return "、".join(parts) + f"，{what}" if parts else f"前{HEADER_SCAN_ROWS}行中未找到{what}的标签"


class FormReader:
    name = "form"
    title = "项目支出绩效目标表（表单，每表一个项目）"
    subject_roles = ("project",)

    def fit(self, grid: Grid) -> Fit:
        s = signals(grid)
        return self.fit_signals(grid, s)

    def fit_signals(self, grid: Grid, s: Signals) -> Fit:
        if s.subject is None or s.subject_role not in self.subject_roles:
            score = 0.1 if s.grid is not None and (s.funds or s.goal) else 0.0
            return Fit(self.name, score, _fit_reason(grid, s, "但没有“项目名称”标签") if score else
                       f"前{HEADER_SCAN_ROWS}行中未找到“项目名称”等表单标签")
        if not s.subject_filled and s.grid is None and not s.funds:
            # a lone 项目名称 label with nothing beside it and no form around it: not a form
            return Fit(self.name, 0.0, _fit_reason(grid, s, "但标签未填写，也没有资金块或指标表头"))
        score = 0.45 + (0.15 if s.funds else 0) + (0.1 if s.goal else 0) + (0.3 if s.grid is not None else 0)
        if s.department_title or s.duties:
            score = min(score, 0.3)
        if s.self_eval:
            return Fit(self.name, min(score, 0.35),
                       _fit_reason(grid, s, f"但含自评表的列（{'、'.join(s.self_eval[:3])}），应为绩效自评表"))
        return Fit(self.name, round(min(score, 1.0), 3), _fit_reason(grid, s, "为项目支出绩效目标表（表单）"))

    def read(self, grid: Grid, config: Config) -> list[Table]:
        return read_forms(grid, config, kind="form")


# --- reading --------------------------------------------------------------------------------------------


def _subject_rows(grid: Grid, covered: Covered, roles: tuple[str, ...]) -> list[int]:
    """Rows holding a form's 项目名称 (or 部门名称) label with a value: each starts a form."""
    out = []
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row[:4]):
            if not isinstance(v, str) or (r, c) in covered:
                continue
            lt = label_text(v)
            if lt is None or LABEL_LOOKUP.get(lt.key) not in roles:
                continue
            value = lt.inline if lt.inline is not None else value_right(grid, r, c, covered, LABEL_LOOKUP)[0]
            if (value is not None or _blank_form_below(grid, r, covered)) and not (out and out[-1] == r) \
                    and not is_header_row(row, {}):
                out.append(r)
            break
    return out


_FORM_NEAR_ROLES = ("department", "unit", "funds", "total", "fiscal")


def _blank_form_below(grid: Grid, r: int, covered: Covered) -> bool:
    """An empty 项目名称 label starts a (blank) form when the form's other labels (主管部门,
    实施单位, the funds block) are on its row or the next two."""
    for rr in range(r, min(r + 3, grid.height)):
        for c, v in _own_cells(grid, covered, rr):
            if rr == r and c <= 0:
                continue
            if isinstance(v, str) and LABEL_LOOKUP.get(label_key_of(v) or "") in _FORM_NEAR_ROLES:
                return True
    return False


def _is_title_row(grid: Grid, r: int, covered: Covered) -> bool:
    """A blank row or a title row (``项目支出绩效目标表``, ``(2022年度)``) above a form's labels."""
    cells = [(c, v) for c, v in enumerate(grid.rows[r]) if not is_blank(v) and (r, c) not in covered]
    if not cells:
        return True
    if len(cells) != 1 or not isinstance(cells[0][1], str):
        return False
    v = cells[0][1]
    return bool(_TITLE_ROW_RE.search(compact(v))) and LABEL_LOOKUP.get(label_key_of(v) or "") is None


def label_key_of(v: Any) -> Optional[str]:
    lt = label_text(v)
    return lt.key if lt else None


def _own_cells(grid: Grid, covered: Covered, r: int) -> list[tuple[int, Any]]:
    return [(c, v) for c, v in enumerate(grid.rows[r]) if not is_blank(v) and (r, c) not in covered]


_TITLE_END_RE = re.compile(r"表(?:[(（][^)）]*[)）])?$|^[(（]?\d{4}年度?[)）]?$|^[(（]\s*年度\s*[)）]$")


def title_like(v: Any) -> bool:
    """A form's title (项目支出绩效目标表, 绩效目标申报表(基础设施建设类), (2024年度)) rather than
    a footnote's prose: it ends in 表 (and a bracket) or is a year."""
    if not isinstance(v, str):
        return False
    k = compact(v)
    return len(k) <= 30 and bool(_TITLE_END_RE.search(k)) and not _NUMBERED_RE.match(k) and not _NOTE_RE.match(k)


def is_note_opener(v: Any) -> bool:
    return isinstance(v, str) and bool(_NOTE_RE.match(compact(v)))


def footnote_rows(grid: Grid, covered: Covered) -> dict[int, int]:
    """Every footnote row of the sheet -> the row of the footnote's opener (``注：``): the opener
    (its first cell 注/备注/说明…：) and the single-text rows going on from it, up to a blank row,
    a row of several cells, or a form's title."""
    out: dict[int, int] = {}
    opener: Optional[int] = None
    for r in range(grid.height):
        cells = _own_cells(grid, covered, r)
        if not cells:
            opener = None
            continue
        c0, v0 = cells[0]
        if c0 <= 3 and is_note_opener(v0):
            opener = r
            out[r] = r
            continue
        if opener is not None and len(cells) == 1 and isinstance(v0, str) and not title_like(v0) and \
                not cost_block.entry(cells):
            out[r] = opener
            continue
        opener = None
    return out


def segments(grid: Grid, covered: Covered, roles: tuple[str, ...],
             notes: Optional[dict[int, int]] = None) -> list[tuple[int, int]]:
    """The forms of a sheet as grid row ranges [start, end): one per subject label row, each
    starting at the title rows just above its label."""
    notes = notes if notes is not None else footnote_rows(grid, covered)
    starts = [r for r in _subject_rows(grid, covered, roles) if r not in notes]
    if not starts:
        return [(0, grid.height)]
    out: list[int] = []
    prev = 0
    for i, r in enumerate(starts):
        s = r
        floor = prev if i else 0
        while s - 1 >= floor and s - 1 not in notes and _is_title_row(grid, s - 1, covered):
            s -= 1
        if i == 0:
            s = 0
        out.append(s)
        prev = r + 1
    return [(s, out[i + 1] if i + 1 < len(out) else grid.height) for i, s in enumerate(out)]


@dataclass
class _FundsCtx:
    label_col: int
    unit: Optional[str]
    label: str
    group: Optional[str] = None  # the breakdown group the lines below belong to (按收入性质分 …)
    group_col: Optional[int] = None
    # Column headings over the amounts (中期资金总额 | 年度资金总额): column -> heading as written;
    # each line's amount is the year's column, the others go into FundLine.raw / cells.
    columns: dict[int, str] = field(default_factory=dict)


# Roles that keep a funds block going; a row starting at the block's label column with anything
# else (项目概况, 立项情况, 项目实施进度计划 …, unless its value is an amount) ends it.
_FUNDS_BLOCK_ROLES = frozenset({"funds", "funds_head", "funds_group"}) | frozenset(FUND_ROLES)
# A breakdown group's label not in the vocabulary: 按…分 / 按…分类 / 按…划分 inside a funds block.
_GROUP_RE = re.compile(r"^按[\u4e00-\u9fff]{2,6}(?:分|分类|划分)$")
_PART_LABEL_RE = re.compile(r"^\s*其中\s*[:：]?\s*|\s*[:：]\s*$")
# A sub-table's column headings are short (项目实施内容 | 开始时间 | 完成时间); a longer text is a value.
_HEADING_MAX = 10
# A duties block's amount columns (财政拨款 | 其他资金 under 预算金额) as funds lines, labelled as the template does.
_ROLE_LABEL = {"fiscal": "财政拨款", "other": "其他资金", "carried_over": "上年结转", "special_account": "财政专户管理资金",
               "unit_funds": "单位资金", "project": "项目支出", "basic": "基本支出"}


@dataclass
class FormParts:
    """What the top part of a form says, before the indicator grid."""

    title: Optional[str] = None
    name: Optional[str] = None
    name_cell: Optional[str] = None
    subject_label: Optional[str] = None
    department: Optional[str] = None
    department_cell: Optional[str] = None
    unit: Optional[str] = None
    unit_cell: Optional[str] = None
    org: Optional[str] = None
    org_cell: Optional[str] = None
    goal: Optional[str] = None
    goal_cell: Optional[str] = None
    goal_long: Optional[str] = None
    goal_long_cell: Optional[str] = None
    details: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    totals: list[tuple[FundLine, int]] = field(default_factory=list)  # (line, label column)
    lines: list[tuple[FundLine, int]] = field(default_factory=list)
    duties: list[dict[str, Any]] = field(default_factory=list)
    stated_points: dict[str, Any] = field(default_factory=dict)
    raw_budget: Any = None


class _Reader:
    """Reads one form (rows [start, end) of a grid)."""

    def __init__(self, grid: Grid, config: Config, start: int, end: int, covered: Covered,
                 money_unit: str, kind: str) -> None:
        self.grid, self.config, self.start, self.end = grid, config, start, end
        self.covered, self.money_unit, self.kind = covered, money_unit, kind
        self.headers = dict(getattr(config, "headers", None) or {})
        self.claimed: set[tuple[int, int]] = set()
        self.findings: list[Finding] = []
        self.parts = FormParts()
        self.sheet = grid.sheet
        self.read_columns: dict[str, int] = {}
        self._cells: dict[int, list[tuple[int, Any]]] = {}
        self.grid_stop = end
        self.costs: Optional[Costs] = None
        self.cost_rows: set[int] = set()
        self.notes: dict[int, int] = {}  # footnote rows -> their opener's row (footnote_rows)
        # 预算金额 over 总额 | 财政拨款 | 其他资金 in a duties block: column -> "amount" or a FundLine role
        self._duty_parts: dict[int, str] = {}
        self._duty_total: Optional[list[FundLine]] = None  # its 金额合计 row: total line first

    # -- helpers
    def addr(self, r: int, c: int) -> str:
        return self.grid.addr(r, c)

    def cells_of(self, r: int) -> list[tuple[int, Any]]:
        """The row's own non-empty cells (not under a merge), computed once per row."""
        got = self._cells.get(r)
        if got is None:
            covered = self.covered
            got = self._cells[r] = [(c, v) for c, v in enumerate(self.grid.rows[r])
                                    if v is not None and (v.__class__ is not str or v.strip()) and (r, c) not in covered]
        return got

    def is_grid_header(self, r: int) -> bool:
        return grid_header_at(self.grid, r, self.headers, self.covered) is not None

    def read_costs(self, start: int, stop: int) -> None:
        """Every cost block (成本构成 …) in rows [start, stop) into ``self.costs``, its rows taken."""
        for r in range(start, stop):
            if r in self.cost_rows or r in self.notes:
                continue
            cells = [(c, v) for c, v in self.cells_of(r) if (r, c) not in self.claimed]
            if not cells or not cost_block.entry(cells):
                continue
            costs, rows = cost_block.read_block(self, r, stop)
            if costs is not None:
                self.costs = cost_block.merge(self.costs, costs)
                self.cost_rows |= rows

    def footnote(self, r: int) -> None:
        """A footnote row: every cell under the opener's key (注, 注2 … / 说明 …), as written."""
        opener = self.notes[r]
        cells = self.cells_of(opener)
        m = _NOTE_RE.match(compact(cells[0][1])) if cells and isinstance(cells[0][1], str) else None
        key = m.group(1) if m and m.group(1) else "注"
        for c, v in self.cells_of(r):
            if (r, c) in self.claimed:
                continue
            self.detail(key, v, (r, c))
            self.claim((r, c))

    def claim(self, *pos: Optional[tuple[int, int]]) -> None:
        for p in pos:
            if p is not None:
                self.claimed.add(p)

    def detail(self, key: str, value: Any, pos: Optional[tuple[int, int]]) -> None:
        d = self.parts.details
        k, i = key, 2
        while k in d:
            k, i = f"{key}{i}", i + 1
        d[k] = clean_text(value) if isinstance(value, str) else value
        if pos is not None:
            self.parts.cells[k] = self.addr(*pos)

    # -- the top part
    def read_top(self, stop: int) -> None:
        p = self.parts
        funds: Optional[_FundsCtx] = None
        slots: dict[int, str] = {}  # goal or duty column -> role, for the rows below a header row
        slot_texts: dict[str, list[tuple[str, tuple[int, int]]]] = {}
        cont: Optional[tuple[str, int]] = None  # (role, column) a goal text continues in
        duty_cols: dict[int, str] = {}
        seen_label = False
        block: Optional[tuple[str, tuple[int, int]]] = None  # (key, anchor) of a label merged over sub-labels
        table: Optional[tuple[str, tuple[int, int], dict[int, str]]] = None  # a sub-table: key, anchor, headings
        for r in range(self.start, stop):
            cells = self.cells_of(r)
            if not cells:
                continue
            if block is not None and self.covered.get((r, block[1][1])) != block[1]:
                block = None
            if table is not None:
                if self.covered.get((r, table[1][1])) == table[1] and (r, cells[0][0]) not in self.claimed:
                    self._table_row(r, cells, table)
                    continue
                table = None
            if r in self.cost_rows or r in self.notes:
                if r in self.notes:
                    self.footnote(r)
                funds, slots, cont, duty_cols = None, {}, None, {}
                continue
            labelled = [(c, v, label_text(v)) for c, v in cells]
            roles = [(c, v, lt, LABEL_LOOKUP.get(lt.key) if lt else None) for c, v, lt in labelled]
            known = [x for x in roles if x[3] is not None]
            # Title rows before the first label.
            if not seen_label and not known and len(cells) == 1 and isinstance(cells[0][1], str):
                c, v = cells[0]
                if p.title is None:
                    p.title = clean_text(v)
                    p.cells["title"] = self.addr(r, c)
                else:
                    self.detail("标题", v, (r, c))
                self.claim((r, c))
                continue
            if known:
                seen_label = True
            # Rows under a duties header: one duty line per row.
            if duty_cols and not any(x[3] in ("duties",) or (x[3] in SUBJECT_ROLES) for x in known) and \
                    not self._left_label(r, cells, min(duty_cols)):
                self._duty_line(r, cells, duty_cols)
                continue
            duty_cols = {}
            # Rows under a goal header row: texts go to the slot above them.
            if slots and not known and not self._left_label(r, cells, min(slots)):
                for c, v in cells:
                    slot = max((sc for sc in slots if sc <= c), default=min(slots))
                    slot_texts.setdefault(slots[slot], []).append((clean_text(v) or "", (r, c)))
                    self.claim((r, c))
                continue
            slots = {}
            # A goal text that goes on in the rows below (年度总体目标 | 目标1… / | 目标2…).
            if cont is not None and not known and len(cells) == 1 and cells[0][0] == cont[1]:
                c, v = cells[0]
                slot_texts.setdefault(cont[0], []).append((clean_text(v) or "", (r, c)))
                self.claim((r, c))
                continue
            cont = None
            # Funds block ends at a row starting at its label column with something else (项目概况 …),
            # and a breakdown group at the next row starting at or left of the group's column.
            if funds is not None:
                left = [x for x in roles if x[0] <= funds.label_col]
                if left and not any(x[3] in _FUNDS_BLOCK_ROLES for x in left) and not self._amount_right(r, left[0]):
                    funds = None
                elif funds.group_col is not None and any(x[0] <= funds.group_col for x in roles):
                    funds.group = funds.group_col = None
            # Funds block ends at a row whose labels are not funds labels.
            if funds is not None and known and not any(x[3] == "funds_head" or x[3] in FUND_ROLES for x in known):
                if not (self.covered and (r, funds.label_col) in self.covered) or any(
                        x[3] in SUBJECT_ROLES + GOAL_ROLES for x in known):
                    funds = None
            goal_labels = [x for x in known if x[3] in GOAL_ROLES]
            headings = self._funds_headings(r, known)
            i = 0
            done: set[int] = set()
            for c, v, lt, role in roles:
                if c in done or (r, c) in self.claimed:
                    continue
                if c in headings:
                    if funds is None:
                        funds = _FundsCtx(min(headings) - 1, lt.unit or self.money_unit, lt.text)
                    funds.columns[c] = lt.text
                    if lt.unit:
                        funds.unit = lt.unit
                    self.claim((r, c))
                    continue
                if role == "duties" and self.kind == "department":
                    self.claim((r, c))
                    duty_cols = {cc: DUTY_LOOKUP[label_key_of(vv) or ""] for cc, vv in cells
                                 if cc > c and DUTY_LOOKUP.get(label_key_of(vv) or "")}
                    for cc in duty_cols:
                        self.claim((r, cc))
                        done.add(cc)
                    self._duty_parts = {}
                    p.details.setdefault("duties_label", clean_text(v))
                    continue
                if role in SUBJECT_ROLES:
                    value, pos = (lt.inline, (r, c)) if lt.inline is not None else value_right(
                        self.grid, r, c, self.covered, LABEL_LOOKUP)
                    self.claim((r, c), pos)
                    if pos is not None:
                        done.add(pos[1])
                    self._label_pos = (r, c)
                    self._subject(role, lt, value, pos)
                    continue
                if role == "funds":
                    funds = _FundsCtx(c, lt.unit or self.money_unit, lt.text)
                    p.details.setdefault("资金块", lt.text)
                    self.claim((r, c))
                    value, pos = (lt.inline, (r, c)) if lt.inline is not None else value_right(
                        self.grid, r, c, self.covered, LABEL_LOOKUP)
                    if value is not None and parse_amount(value, funds.unit).value is not None:
                        self._fund_line("total", lt, value, (r, c), pos, funds)
                        self.claim(pos)
                        if pos:
                            done.add(pos[1])
                    continue
                if role is None and funds is not None and lt is not None and lt.inline is None and \
                        _GROUP_RE.match(lt.key):
                    role = "funds_group"
                if role == "funds_group":
                    if funds is None:
                        funds = _FundsCtx(c, lt.unit or self.money_unit, lt.text)
                    funds.group, funds.group_col = _PART_LABEL_RE.sub("", lt.text) or lt.key, c
                    self.claim((r, c))
                    continue
                if role == "funds_head":
                    if funds is None:
                        funds = _FundsCtx(c, lt.unit or self.money_unit, lt.text)
                    elif lt.unit:
                        funds.unit = lt.unit
                    self.claim((r, c))
                    continue
                if role in FUND_ROLES:
                    if funds is None:
                        funds = _FundsCtx(c, lt.unit or self.money_unit, lt.text)
                    if funds.columns and lt.inline is None and c < min(funds.columns):
                        done.update(self._column_line(role, lt, r, c, funds))
                        continue
                    value, pos = (lt.inline, (r, c)) if lt.inline is not None else value_right(
                        self.grid, r, c, self.covered, LABEL_LOOKUP)
                    self.claim((r, c), pos)
                    if pos:
                        done.add(pos[1])
                    self._fund_line(role, lt, value, (r, c), pos, funds)
                    continue
                if role in GOAL_ROLES:
                    value, pos = (lt.inline, (r, c)) if lt.inline is not None else value_right(
                        self.grid, r, c, self.covered, LABEL_LOOKUP)
                    self.claim((r, c))
                    if value is not None and len(goal_labels) == 1:
                        the = "goal" if role == "goal_head" else role
                        slot_texts.setdefault(the, []).append((clean_text(value) or "", pos))  # type: ignore[arg-type]
                        self.claim(pos)
                        if pos:
                            done.add(pos[1])
                            cont = (the, pos[1])
                    elif role != "goal_head" or len(goal_labels) == 1:
                        slots[c] = "goal" if role == "goal_head" else role
                    continue
                if role == "grid":
                    self.claim((r, c))
                    pts = stated_points(v)
                    if pts:
                        p.stated_points.update({k: {"points": val, "cell": self.addr(r, c)} for k, val in pts.items()})
                    p.details.setdefault("指标表", lt.text)
                    continue
                # Not a known label.
                if funds is not None and c > funds.label_col - 1 and isinstance(v, str) and lt is not None:
                    value, pos = (lt.inline, (r, c)) if lt.inline is not None else value_right(
                        self.grid, r, c, self.covered, LABEL_LOOKUP)
                    if value is not None and parse_amount(value, funds.unit).value is not None:
                        if funds.columns and lt.inline is None and c < min(funds.columns):
                            done.update(self._column_line(None, lt, r, c, funds))
                            continue
                        self.claim((r, c), pos)
                        if pos:
                            done.add(pos[1])
                        self._fund_line(None, lt, value, (r, c), pos, funds)
                        continue
                if role is None and lt is not None and lt.inline is None and self._merged_down(r, c):
                    headings = self._sub_table_headings(r, c, cells)
                    if headings:  # 项目实施进度计划 | 项目实施内容 | 开始时间 | 完成时间, its rows below
                        table = (lt.key, (r, c), headings)
                        self.claim((r, c), *((r, cc) for cc in headings))
                        done.update(headings)
                        p.details[lt.key] = []
                        p.cells[lt.key] = self.addr(r, c)
                        continue
                    if self._labels_right(r, c, cells):  # 立项情况 | 项目立项的依据 | … : a block of labels
                        block = (lt.key, (r, c))
                        self.claim((r, c))
                        p.cells["分块:" + lt.key] = self.addr(r, c)
                        continue
                if lt is not None and (lt.inline is not None or self._has_value_right(r, c)):
                    value, pos = (lt.inline, (r, c)) if lt.inline is not None else value_right(
                        self.grid, r, c, self.covered, LABEL_LOOKUP)
                    self.claim((r, c), pos)
                    if pos:
                        done.add(pos[1])
                    key = lt.key if lt.inline is None else (clean_text(lt.text) or "").split("：")[0].split(":")[0]
                    if block is not None and c > block[1][1]:
                        key = f"{block[0]}·{key}"
                    self.detail(key, value, pos)
                    continue
                if isinstance(v, str) and not known and len(cells) == 1:
                    pts = stated_points(v)
                    if pts:  # 绩效指标(权重分值90分,其中产出指标权重分值50分…)
                        p.stated_points.update({k: {"points": val, "cell": self.addr(r, c)} for k, val in pts.items()})
                    self.detail("指标表" if pts else "说明", v, (r, c))
                    self.claim((r, c))
                    continue
                i += 1
        # Goals from their slots.
        for role, texts in slot_texts.items():
            texts = [(t, pos) for t, pos in texts if t]
            if not texts:
                continue
            joined = " ".join(t for t, _ in texts)
            cell = self.addr(*texts[0][1]) if texts[0][1] else None
            if role == "goal":
                p.goal, p.goal_cell = joined, cell
            elif role == "goal_long":
                p.goal_long, p.goal_long_cell = joined, cell
            else:
                self.detail("目标完成情况" if role == "goal_done" else role, joined, texts[0][1])

    def _funds_headings(self, r: int, known: list[tuple[int, Any, Optional[LabelText], Optional[str]]]) -> set[int]:
        """The columns of a funds headings row: two or more funds totals or headings
        (中期资金总额 | 年度资金总额, 资金来源 | 金额 …) with no amount of their own, over a row
        that has an amount in one of their columns."""
        heads = [x for x in known if x[3] in ("total", "funds_head") and x[2] is not None and x[2].inline is None
                 and not self._amount_right(r, x)]
        if len(heads) < 2 or r + 1 >= self.end:
            return set()
        below = dict(self.cells_of(r + 1))
        if not any(parse_amount(below[c], self.money_unit).value is not None for c, *_ in heads if c in below):
            return set()
        return {c for c, *_ in heads}

    def _column_line(self, role: Optional[str], lt: LabelText, r: int, c: int, funds: _FundsCtx) -> set[int]:
        """A funds line under column headings: its amount from the year's column (年度/当年, else
        the last); every other column's amount a line of that heading's group, the way a parallel
        block (资金总额 beside 当年资金总额) is read, so each column is added up on its own (BG006).
        Returns the columns taken."""
        own = dict(self.cells_of(r))
        cols = sorted(funds.columns)
        annual = [hc for hc in cols if _ANNUAL_RE.search(funds.columns[hc]) and not _LONG_RE.search(funds.columns[hc])]
        main = annual[0] if annual else cols[-1]
        value, pos = (own[main], (r, main)) if main in own else (None, None)
        self.claim((r, c), pos)
        self._fund_line(role, lt, value, (r, c), pos, funds)
        for hc in cols:
            if hc == main or hc not in own:
                continue
            self.claim((r, hc))
            heading = funds.columns[hc]
            if role == "total":  # the column's own total: Funds groups the lines of its column under it
                self._fund_line(role, lt, own[hc], (r, c), (r, hc), funds, label=heading)
            else:
                self._fund_line(role, lt, own[hc], (r, c), (r, hc), funds, group=heading)
        return set(cols)

    def _amount_right(self, r: int, x: tuple[int, Any, Optional[LabelText], Optional[str]]) -> bool:
        """Is the value of the label ``x`` (same cell after a colon, or to its right) an amount?"""
        c, v, lt, _ = x
        if lt is None:
            return False
        value = lt.inline if lt.inline is not None else value_right(self.grid, r, c, self.covered, LABEL_LOOKUP)[0]
        return value is not None and parse_amount(value, self.money_unit).value is not None

    def _merged_down(self, r: int, c: int) -> bool:
        """Is the cell at (r, c) a label merged over the row below (a block label)?"""
        return r + 1 < self.end and self.covered.get((r + 1, c)) == (r, c)

    def _sub_table_headings(self, r: int, c: int, cells: list[tuple[int, Any]]) -> dict[int, str]:
        """The column headings right of a block label when the row is a sub-table's header: two or
        more short texts, none a known label or an amount (项目实施内容 | 开始时间 | 完成时间)."""
        out: dict[int, str] = {}
        for cc, vv in cells:
            if cc <= c:
                continue
            lt = label_text(vv)
            if lt is None or lt.inline is not None or LABEL_LOOKUP.get(lt.key) is not None or \
                    len(lt.key) > _HEADING_MAX or parse_amount(vv, self.money_unit).value is not None:
                return {}
            out[cc] = clean_text(vv) or lt.key
        return out if len(out) >= 2 else {}

    def _labels_right(self, r: int, c: int, cells: list[tuple[int, Any]]) -> bool:
        """A block label over label–value rows: the next cell is a label with a value of its own."""
        right = [(cc, vv) for cc, vv in cells if cc > c]
        if len(right) < 2:
            return False
        lt = label_text(right[0][1])
        return lt is not None and lt.inline is None and LABEL_LOOKUP.get(lt.key) is None

    def _table_row(self, r: int, cells: list[tuple[int, Any]], table: tuple[str, tuple[int, int], dict[int, str]]
                   ) -> None:
        """One row of a sub-table (进度计划 …): a dict heading -> value, with its cells, in details."""
        key, _, headings = table
        row: dict[str, Any] = {"row": self.grid.sheet_row(r), "cells": {}}
        first = min(headings)
        for c, v in cells:
            col = max((hc for hc in headings if hc <= c), default=first)
            h = headings[col]
            h = h if h not in row else f"{h}_{c}"
            row[h] = clean_text(v) if isinstance(v, str) else v
            row["cells"][h] = self.addr(r, c)
            self.claim((r, c))
        self.parts.details[key].append(row)

    def _left_label(self, r: int, cells: list[tuple[int, Any]], first_col: int) -> bool:
        """Does the row start with its own text left of the block's columns (a new block)?"""
        return any(c < first_col for c, _ in cells)

    def _has_value_right(self, r: int, c: int) -> bool:
        v, pos = value_right(self.grid, r, c, self.covered, LABEL_LOOKUP)
        return pos is not None

    def _subject(self, role: str, lt: LabelText, value: Any, pos: Optional[tuple[int, int]]) -> None:
        p = self.parts
        text = clean_text(value) if value is not None else None
        cell = self.addr(*pos) if pos else None
        if role in ("project", "org") and pos is None and "subject_label" not in p.cells:
            p.cells["subject_label"] = self.addr(*self._label_pos)
        if role == "project":
            if p.name is None:
                p.name, p.name_cell, p.subject_label = text, cell, lt.text
            else:
                self.detail(lt.key, value, pos)
        elif role == "org":
            if p.org is None:
                p.org, p.org_cell = text, cell
                if p.subject_label is None:
                    p.subject_label = lt.text
            else:
                self.detail(lt.key, value, pos)
        elif role == "department" and p.department is None:
            p.department, p.department_cell = text, cell
        elif role == "unit" and p.unit is None:
            p.unit, p.unit_cell = text, cell
        else:
            self.detail(lt.key, value, pos)

    def _fund_line(self, role: Optional[str], lt: LabelText, value: Any, label_pos: tuple[int, int],
                   pos: Optional[tuple[int, int]], funds: _FundsCtx, *, label: Optional[str] = None,
                   group: Optional[str] = None) -> FundLine:
        amount = parse_amount(value, lt.unit or funds.unit)
        if label is None:
            label = lt.text if lt.inline is None else lt.text.split("：")[0].split(":")[0]
        line = FundLine(label=label,
                        role=FUND_ROLES.get(role) if role else None, amount=amount.value,
                        cell=self.addr(*pos) if pos else None,
                        text=amount.text, label_cell=self.addr(*label_pos),
                        parts=[FundPart(label=_PART_LABEL_RE.sub("", a) or a, amount=b) for a, b in amount.parts],
                        repeated=amount.repeated, group=group or (funds.group if role != "total" else None))
        if role == "total":
            self.parts.totals.append((line, label_pos[1]))
        else:
            self.parts.lines.append((line, label_pos[1]))
        return line

    def _duty_subheads(self, r: int, cells: list[tuple[int, Any]], amount_col: int) -> bool:
        """预算金额 over 总额 | 财政拨款 | 其他资金 (the row below the duties header): the amount's
        columns, remembered in ``_duty_parts``."""
        if len(cells) < 2 or any(c < amount_col or not isinstance(v, str) for c, v in cells):
            return False
        parts: dict[int, str] = {}
        for c, v in cells:
            role = LABEL_LOOKUP.get(label_key_of(v) or "")
            if role in ("total", "funds_head"):
                parts[c] = "amount"
            elif role in FUND_ROLES:
                parts[c] = FUND_ROLES[role]
            else:
                return False
        self._duty_parts = parts
        self.claim(*((r, c) for c, _ in cells))
        return True

    def _duty_line(self, r: int, cells: list[tuple[int, Any]], duty_cols: dict[int, str]) -> None:
        amount_col = next((c for c, f in duty_cols.items() if f == "duty_amount"), None)
        if amount_col is not None and not self._duty_parts and self._duty_subheads(r, cells, amount_col):
            return
        line: dict[str, Any] = {"row": self.grid.sheet_row(r), "cells": {}}
        first = min(duty_cols)
        sources: dict[str, Any] = {}
        for c, v in cells:
            if c < first:
                continue
            part = self._duty_parts.get(c)
            if part is not None and part != "amount":
                sources[part] = (v, (r, c))
                self.claim((r, c))
                continue
            col = max((dc for dc in duty_cols if dc <= c), default=first)
            role = "amount" if part == "amount" else duty_cols[col][5:]  # function / task / content / project / amount
            key = role if role not in line else f"{role}_{c}"
            line[key] = clean_text(v) if isinstance(v, str) else v
            line["cells"][key] = self.addr(r, c)
            self.claim((r, c))
        if sources:
            line["sources"] = {}
            for role, (v, pos) in sources.items():
                line["sources"][role] = parse_amount(v, self.money_unit).value
                line["cells"]["source_" + role] = self.addr(*pos)
            if "amount" not in line and all(a is not None for a in line["sources"].values()):
                line["amount"] = round(sum(line["sources"].values()), 6)  # no 总额 column: its parts
        if "amount" in line:
            a = parse_amount(line["amount"], self.money_unit)
            line["amount_text"] = None if isinstance(line["amount"], (int, float)) else line["amount"]
            line["amount"] = a.value
            if a.parts or a.repeated:  # for BG008/BG009, which read the cell from here
                line["amount_parts"], line["amount_repeated"] = [list(p) for p in a.parts], a.repeated
        name = line.get("task") or line.get("project") or line.get("function")
        if isinstance(name, str) and compact(name) in DUTY_TOTAL_WORDS:
            self._duty_total_row(line, sources)
            return
        self.parts.duties.append(line)

    def _duty_total_row(self, line: dict[str, Any], sources: dict[str, Any]) -> None:
        """The duties block's 金额合计 row. Where no funds block was read (the 中央 部门整体 template
        has none), it is the department's funds: 总额 the total, the other columns its lines."""
        cells = line["cells"]
        label_key = next(k for k in ("task", "project", "function") if k in line)
        label, label_cell = str(line[label_key]), cells[label_key]
        total = FundLine(label=label, role="total", amount=line.get("amount"), cell=cells.get("amount"),
                         text=line.get("amount_text"), label_cell=label_cell)
        lines = [FundLine(label=_ROLE_LABEL.get(role, role), role=role, amount=line["sources"][role],
                          cell=cells.get("source_" + role), label_cell=label_cell, sub=True)
                 for role in sources]
        self._duty_total = [total, *lines]
        self.detail("履职目标合计", line.get("amount"), _pos(cells.get("amount") or label_cell, self.grid))

    # -- funds: the chosen total and the lines' groups
    def funds(self) -> Optional[Funds]:
        p = self.parts
        if not p.totals and not p.lines and self._duty_total is not None:
            total, *lines = self._duty_total
            return Funds(total=total.amount, total_cell=total.cell, lines=lines, total_line=total)
        if not p.totals and not p.lines:
            return None
        totals = sorted(p.totals, key=lambda t: t[1])
        main = None
        for line, col in totals:
            if _ANNUAL_RE.search(line.label):
                main = (line, col)
                break
        if main is None and totals:
            main = totals[0]
        lines: list[FundLine] = []
        bands = [(col, line) for line, col in totals]
        for line, col in sorted(p.lines, key=lambda t: (t[0].label_cell or "")):
            band = max((b for b in bands if b[0] <= col), default=None, key=lambda b: b[0])
            if band is not None and main is not None and band[1] is not main[0] and line.group is None:
                line = line.model_copy(update={"group": band[1].label})
            lines.append(line)
        ordered = [ln for ln, _ in p.lines]
        lines.sort(key=lambda ln: ordered.index(next(x for x in ordered if x.label_cell == ln.label_cell)))
        for line, col in totals:
            if main is None or line is not main[0]:
                lines.append(line.model_copy(update={"group": line.label}))
        total_line = main[0] if main else None
        return Funds(total=total_line.amount if total_line else None,
                     total_cell=total_line.cell if total_line else None, lines=lines, total_line=total_line)

    # -- the indicator grid
    def read_grid(self, gh: GridHeader, project_index: int = 0) -> tuple[list[Indicator], int, int]:
        grid = self.grid
        headers_rows = gh.rows
        for r in headers_rows:
            for c, v in self.cells_of(r):
                self.claim((r, c))
        # the row above the header when it only names the groups (长期绩效指标 | 年度绩效指标)
        if gh.row - 1 >= self.start and gh.long_columns:
            above = self.cells_of(gh.row - 1)
            if above and all(isinstance(v, str) and (_LONG_RE.search(v) or _ANNUAL_RE.search(v) or
                                                      LABEL_LOOKUP.get(label_key_of(v) or "") == "grid")
                             for _, v in above):
                for c, _ in above:
                    self.claim((gh.row - 1, c))
        cols = dict(gh.columns)
        swap = content_swaps(grid, cols, range(gh.row + 1, self.end))
        if swap is not None:
            cols = swap.columns
            self.findings.append(read_finding(
                "ST014", sheet=self.sheet, cell=self.addr(gh.row, swap.col), row=grid.sheet_row(gh.row),
                header=swap.header, content=swap.content, other=swap.other, other_content=swap.other_content))
        self.read_columns = cols
        ind_cols = {f: c for f, c in cols.items() if f in INDICATOR_FIELDS}
        value_fields = [f for f in ("name", "comparator", "target", "measure", "weight", "direction") if f in ind_cols]
        first_col = min(list(ind_cols.values()) + list(gh.long_columns.values()))
        known_cols = set(ind_cols.values()) | set(gh.details) | gh.labels
        unknown_cells: dict[int, list[tuple[int, int]]] = {}
        indicators: list[Indicator] = []
        prev_l1: Any = None
        prev_l2: Any = None
        prev_pos: list[Optional[tuple[int, int]]] = [None, None]
        first_row = last_row = None
        r = gh.row + 1
        stop = self.end
        while r < self.end:
            cells = self.cells_of(r)
            if not cells:
                r += 1
                continue
            if cells[0][0] < first_col and LABEL_LOOKUP.get(label_key_of(cells[0][1]) or "") == "grid":
                # the grid's block label printed again at a page break (绩效指标 | 效益指标 | …)
                self.claim((r, cells[0][0]))
                cells = cells[1:]
                if not cells:
                    r += 1
                    continue
            if self._is_stop(r, cells, ind_cols, first_col):
                stop = r
                break
            if grid_header_at(grid, r, self.headers, self.covered) is not None:  # the header again (page break)
                self.claim(*((r, c) for c, _ in cells))
                r += 1
                continue
            own = {c: v for c, v in cells}

            def at(c: Optional[int]) -> Any:
                return None if c is None else own.get(c)

            def level(f: str, prev: Any, prev_p: Optional[tuple[int, int]]) -> tuple[Any, Optional[tuple[int, int]], bool]:
                c = ind_cols.get(f)
                if c is None:
                    return None, None, False
                if c in own:
                    return own[c], (r, c), True
                anchor = self.covered.get((r, c))
                if anchor is not None:
                    v = grid.get(*anchor)
                    return (v, anchor, False) if not is_blank(v) else (None, None, False)
                return prev, prev_p, False

            l1, l1_pos, l1_own = level("level1", prev_l1, prev_pos[0])
            l2, l2_pos, l2_own = level("level2", prev_l2, prev_pos[1])
            if l1_own and prev_l1 is not None and normalise_level1(_strip_points(l1)).value != normalise_level1(_strip_points(prev_l1)).value and not l2_own:
                l2, l2_pos = None, None  # a new level-1 does not inherit the level-2 above
            vals = {f: at(ind_cols[f]) for f in value_fields}
            if not any(v is not None for v in vals.values()) and not l2_own and not l1_own:
                # a row with only details / unknown cells
                pass
            notes: set[str] = set()
            origin: dict[str, str] = {}
            if l1 is not None and not l1_own:
                notes.add("filled:level1")
                if l1_pos:
                    origin["level1"] = self.addr(*l1_pos)
            if l2 is not None and not l2_own:
                notes.add("filled:level2")
                if l2_pos:
                    origin["level2"] = self.addr(*l2_pos)
            l1_name = self._points(l1, l1_pos, l1_own)
            l2_name = self._points(l2, l2_pos, l2_own)
            target_c = ind_cols.get("target")
            ind = read_indicator(self.sheet, grid.sheet_row(r), vals, l1_name, l2_name,
                                 target_cell=self.addr(r, target_c) if target_c is not None else self.addr(r, first_col),
                                 project_index=project_index, origin=origin, notes=notes)
            for f, c in swap.columns.items() if swap is not None else ():
                if c != gh.columns.get(f) and f in ind_cols:
                    ind.origin[f] = self.addr(r, c)
            for c, header in gh.details.items():
                if c in own:
                    ind.details[header] = own[c]
                    ind.origin[header] = self.addr(r, c)
            if "note" in cols and cols["note"] in own:
                ind.raw["note"] = own[cols["note"]]
            for c, v in cells:
                if c in known_cols:
                    self.claim((r, c))
                elif c in gh.unknown:
                    unknown_cells.setdefault(c, []).append((r, c))
                    self.claim((r, c))
            indicators.append(ind)
            prev_l1, prev_l2 = l1, l2
            prev_pos = [l1_pos, l2_pos]
            first_row = first_row if first_row is not None else grid.sheet_row(r)
            last_row = grid.sheet_row(r)
            r += 1
        for c, where in unknown_cells.items():
            self.findings.append(unknown_header_finding(grid, gh.row, c, gh.unknown[c], where))
        self._empty_long_group(gh, indicators)
        self.grid_stop = stop
        return indicators, first_row or 0, last_row or 0

    def read_stacked(self, stack: list[tuple[GridHeader, Optional[str]]], end: int) -> GridHeader:
        """Stacked 长期 / 年度 grids: every 长期 one read like a grid and kept in
        ``details[its label]`` (one dict per row: the levels, name, value, cells), ST016 when it is
        empty; the first other one is returned: the indicators."""
        main = next(h for h, t in stack if t != "long")
        for i, (h, tag) in enumerate(stack):
            if tag != "long":
                continue
            stop = stack[i + 1][0].row if i + 1 < len(stack) else end
            saved = self.end, self.read_columns
            self.end = stop
            inds, _, _ = self.read_grid(h)
            self.end, self.read_columns = saved
            first = min(list(h.columns.values()) + list(h.long_columns.values()))
            label_pos = next(((h.row, c) for c, _ in self.cells_of(h.row) if c < first), (h.row, first))
            label = clean_text(self.grid.get(*label_pos)) or "长期绩效指标"
            key = label_key_of(label) or label
            rows = []
            for ind in inds:
                d: dict[str, Any] = {"row": ind.row}
                for f in ("level1", "level2", "name", "comparator", "target", "measure", "weight", "direction"):
                    v = getattr(ind, f)
                    if v is not None:
                        d[f] = v
                if ind.details:
                    d["details"] = dict(ind.details)
                r = ind.row - self.grid.row0
                d["cells"] = {f: self.addr(r, c) for f, c in h.columns.items()
                              if (r, c) in self.claimed and not is_blank(self.grid.get(r, c))} | dict(ind.origin)
                rows.append(d)
            self.detail(key, rows, label_pos)
            if not any(d.get("name") not in (None, "") or d.get("target") not in (None, "") for d in rows):
                self.findings.append(read_finding(
                    "ST016", sheet=self.sheet, cell=self.addr(*label_pos), row=self.grid.sheet_row(h.row),
                    project=self.parts.name or self.parts.org, fields="“三级指标”、“指标值”"))
        return main

    def _points(self, v: Any, pos: Optional[tuple[int, int]], own: bool) -> Any:
        lp = parse_stated_points(v) if isinstance(v, str) else None
        if lp is None or not lp.stated:
            return v
        if pos is not None:
            entry: dict[str, Any] = {"cell": self.addr(*pos), "as_written": clean_text(v)}
            if lp.points is not None:
                entry["points"] = lp.points
            else:
                entry["low"], entry["high"] = lp.low, lp.high
            self.parts.stated_points.setdefault(lp.name, entry)
        return lp.name

    def _is_stop(self, r: int, cells: list[tuple[int, Any]], ind_cols: dict[str, int], first_col: int) -> bool:
        c0, v0 = cells[0]
        text = compact(v0) if isinstance(v0, str) else ""
        if text and _FOOTER_RE.search(text) or r in self.notes:
            return True
        if cost_block.entry(cells):
            return True
        if c0 < first_col:
            return True
        value_cols = {ind_cols.get(f) for f in ("name", "target", "level2")} - {None}
        if c0 == ind_cols.get("level1") and not any(c in value_cols for c, _ in cells):
            if not normalise_level1(_strip_points(v0)).known:
                return True
        if label_key_of(v0) and LABEL_LOOKUP.get(label_key_of(v0) or "") in SUBJECT_ROLES and c0 <= first_col:
            return True
        return False

    def _empty_long_group(self, gh: GridHeader, indicators: list[Indicator]) -> None:
        if not gh.long_columns or not indicators:
            return
        empty = []
        for f in ("name", "target"):
            c = gh.long_columns.get(f)
            if c is None:
                continue
            header = gh.details.get(c, f)
            if all(ind.details.get(header) in (None, "") for ind in indicators):
                empty.append(header)
        if empty:
            c = min(gh.long_columns.values())
            self.findings.append(read_finding(
                "ST016", sheet=self.sheet, cell=self.addr(gh.row, c), row=self.grid.sheet_row(gh.row),
                project=self.parts.name or self.parts.org, fields="、".join(f"“{h}”" for h in empty)))

    # -- everything after the grid
    def read_tail(self, start: int) -> None:
        self.read_costs(start, self.end)
        for r in range(start, self.end):
            if r in self.notes:
                self.footnote(r)
                continue
            cells = self.cells_of(r)
            i = 0
            while i < len(cells):
                c, v = cells[i]
                if (r, c) in self.claimed:
                    i += 1
                    continue
                lt = label_text(v)
                if lt is not None and lt.inline is not None:
                    self.detail(lt.key, lt.inline, (r, c))
                    self.claim((r, c))
                elif lt is not None and i + 1 < len(cells) and len(cells) == 2:
                    c2, v2 = cells[i + 1]
                    self.detail(lt.key, v2, (r, c2))
                    self.claim((r, c), (r, c2))
                    i += 1
                else:
                    self.detail("附注", v, (r, c))
                    self.claim((r, c))
                i += 1

    def unclaimed(self) -> None:
        for r in range(self.start, self.end):
            for c, v in self.cells_of(r):
                if (r, c) not in self.claimed:
                    self.findings.append(read_finding("ST010", sheet=self.sheet, cell=self.addr(r, c),
                                                      row=self.grid.sheet_row(r), value=_short(v),
                                                      project=self.parts.name or self.parts.org))


def _group_tag(grid: Grid, gh: GridHeader, covered: Covered) -> Optional[str]:
    """``long`` / ``annual`` when the grid header's own block label (left of its columns, or a
    single text in the row above) names its group (长期绩效指标 / 年度绩效指标), else None."""
    first = min(list(gh.columns.values()) + list(gh.long_columns.values()))
    texts = []
    for c in range(first):
        anchor = covered.get((gh.row, c), (gh.row, c))
        v = grid.get(*anchor)
        if isinstance(v, str):
            texts.append(v)
    if not texts and gh.row > 0:
        above = _own_cells(grid, covered, gh.row - 1)
        if len(above) == 1 and isinstance(above[0][1], str) and len(compact(above[0][1])) <= 12:
            texts.append(above[0][1])
    k = "".join(compact(t) for t in texts)
    if _LONG_RE.search(k) and not _ANNUAL_RE.search(k):
        return "long"
    if _ANNUAL_RE.search(k):
        return "annual"
    return None


def _stacked_groups(grid: Grid, gh: Optional[GridHeader], end: int, headers: dict[str, str],
                    covered: Covered) -> list[tuple[GridHeader, Optional[str]]]:
    """长期绩效指标 and 年度绩效指标 grids stacked one under the other, each with its own header
    row: the headers with their tags, when one is a 长期 group and another is not; else []."""
    if gh is None or _group_tag(grid, gh, covered) is None:
        return []
    stack = [(gh, _group_tag(grid, gh, covered))]
    while True:
        nxt = find_grid_header(grid, stack[-1][0].row + 1, end, headers, covered)
        if nxt is None:
            break
        stack.append((nxt, _group_tag(grid, nxt, covered)))
    tags = [t for _, t in stack]
    if "long" not in tags or all(t == "long" for t in tags):
        return []
    return stack


def _strip_points(v: Any) -> Any:
    lp = parse_stated_points(v) if isinstance(v, str) else None
    return lp.name if lp is not None and lp.stated else v


def _short(v: Any, n: int = 30) -> str:
    s = clean_text(v) or ""
    return s if len(s) <= n else s[: n - 1] + "…"


_PROJECT_FIELDS = set(Project.model_fields)


def read_forms(grid: Grid, config: Config, kind: str = "form") -> list[Table]:
    """Every form on the sheet as its own Table (``kind``: form or department)."""
    from ..headers import _money_unit

    covered = covered_cells(grid)
    roles = ("project",) if kind == "form" else ("org",)
    notes = footnote_rows(grid, covered)
    segs = segments(grid, covered, roles, notes)
    money_unit = _money_unit(grid, min(HEADER_SCAN_ROWS, grid.height), None)
    tables: list[Table] = []
    headers = dict(getattr(config, "headers", None) or {})
    for start, end in segs:
        rd = _Reader(grid, config, start, end, covered, money_unit, kind)
        rd.notes = {r: o for r, o in notes.items() if start <= r < end}
        gh = find_grid_header(grid, start, end, headers, covered)
        stack = _stacked_groups(grid, gh, end, headers, covered)
        rd.read_costs(start, gh.row if gh is not None else end)
        rd.read_top(gh.row if gh is not None else end)
        indicators: list[Indicator] = []
        first = last = 0
        tail_start = end
        if stack:
            gh = rd.read_stacked(stack, end)
        if gh is not None:
            indicators, first, last = rd.read_grid(gh)
            tail_start = rd.grid_stop
        rd.read_tail(tail_start)
        rd.unclaimed()
        tables.append(_table(grid, rd, gh, indicators, first, last, start, end, kind, money_unit))
    return tables


def _table(grid: Grid, rd: _Reader, gh: Optional[GridHeader], indicators: list[Indicator], first: int,
           last: int, start: int, end: int, kind: str, money_unit: str) -> Table:
    p = rd.parts
    funds = rd.funds()
    last_used = start
    for r in range(start, end):
        if any(not is_blank(v) for v in grid.rows[r]):
            last_used = r
    if kind == "department":
        name, name_cell = p.org, p.org_cell
        unit_code, unit_name = split_code(p.org)
        dept_code, dept_name = unit_code, unit_name
        if p.department:
            dept_code, dept_name = split_code(p.department)
    else:
        name, name_cell = p.name, p.name_cell
        unit_code, unit_name = split_code(p.unit)
        dept_code, dept_name = split_code(p.department)
    details = dict(p.details)
    cells = dict(p.cells)
    if p.stated_points:
        details["stated_points"] = p.stated_points
    if p.duties:
        details["duties"] = p.duties
    raw: dict[str, Any] = {}
    pcells: dict[str, str] = {k: v for k, v in cells.items()}
    if name_cell:
        pcells["project"] = name_cell
        raw["project"] = grid.get(*_pos(name_cell, grid))
    if funds and funds.total_cell:
        pcells["budget"] = funds.total_cell
        raw["budget"] = grid.get(*_pos(funds.total_cell, grid))
    if p.goal_cell:
        pcells["goal"] = p.goal_cell
        raw["goal"] = p.goal
    if p.goal_long_cell:
        pcells["goal_long"] = p.goal_long_cell
    if p.unit_cell:
        pcells["unit"] = p.unit_cell
    if p.department_cell:
        pcells["department"] = p.department_cell
    if p.org_cell and kind == "department":
        pcells["unit"] = p.org_cell
    project = construct_all(Project, {
        "index": 0, "sheet": grid.sheet, "row_first": grid.sheet_row(start), "row_last": grid.sheet_row(last_used),
        "name": name, "budget": funds.total if funds else None, "goal": p.goal,
        "unit_code": unit_code, "unit_name": unit_name, "department_code": dept_code,
        "indicators": indicators, "raw": raw, "seen": {}, "cells": pcells, "waivers": frozenset(),
        "department": dept_name, "funds": funds, "goal_long": p.goal_long, "details": details,
        "costs": rd.costs,
    }, _PROJECT_FIELDS)
    unfilled = _unfilled(project, p)
    table = Table(sheet=grid.sheet, source=grid.source, title=p.title, money_unit=money_unit,
                  header_row=grid.sheet_row(gh.row) if gh is not None and not unfilled else None,
                  columns={f: c + grid.col0 for f, c in (rd.read_columns.items() if gh else ())},
                  projects=[] if unfilled else [project], findings=rd.findings, data_rows=(first, last), layout=kind)
    if unfilled:
        # A blank template (labels only): one finding, no project for the rules to report on
        # field by field, and no "未找到表头" either.
        where = p.cells.get("subject_label") or grid.addr(start, 0)
        table.findings.append(read_finding("ST021", sheet=grid.sheet, cell=where, row=_row_of(where, grid),
                                           form="部门整体支出绩效目标表" if kind == "department" else "项目支出绩效目标表",
                                           project=""))
        return table
    if rd.costs is not None and rd.costs.lines:
        c = rd.costs
        where = c.label_cell or next((ln.cells.get("label") for ln in c.lines if ln.cells.get("label")), None) \
            or grid.addr(start, 0)
        t = c.total_line()
        cols = "、".join(f"“{c.heading(h)}”" for h in c.columns) or "无金额列"
        from_cells = c.listed_cells()
        n_listed = sum(1 for ln in c.lines if ln.listed_in)
        table.findings.append(read_finding(
            "ST022", sheet=grid.sheet, cell=where, row=_row_of(where, grid), project=name or "", count=len(c.lines),
            columns=f"金额列{cols}" + ("，有合计行" if t is not None else "，无合计行"),
            listed=("" if not from_cells else f"（都写在单元格{'、'.join(from_cells)}中，已逐项读出）" if n_listed == len(c.lines)
                    else f"，其中{n_listed}行写在单元格{'、'.join(from_cells)}中（一格内列出各项，已逐项读出）"),
            listed_en=f", {n_listed} of them listed in the cell(s) {', '.join(from_cells)}" if from_cells else ""))
    if gh is None:
        where = name_cell or grid.addr(start, 0)
        table.findings.append(read_finding("ST017", sheet=grid.sheet, cell=where,
                                           row=grid.sheet_row(start), project=name or ""))
    return table


def _unfilled(project: Project, p: FormParts) -> bool:
    """Labels only: no name, no amount, no goal, no cost amount, no indicator with a value."""
    if project.name or p.org or p.goal or p.goal_long or p.department or p.unit:
        return False
    f = project.funds
    if f is not None and (f.total is not None or any(ln.amount is not None or ln.text for ln in f.lines)):
        return False
    c = project.costs
    if c is not None and any(a is not None for ln in c.lines for a in ln.amounts.values()):
        return False
    if project.real_indicators():
        return False
    return not any(k not in ("资金块", "指标表", "标题", "stated_points") for k in p.details)


def _row_of(cell: str, grid: Grid) -> int:
    return _pos(cell, grid)[0] + grid.row0


def _pos(cell: str, grid: Grid) -> tuple[int, int]:
    from ..grid import parse_address

    r, c = parse_address(cell)
    return r - grid.row0, c - grid.col0


register(FormReader())
