"""The table as data: Department -> Unit -> Project -> Indicator, the flat Record,
and the Finding/Fix pair every rule speaks in.

The hot path (100k indicator rows) builds these with ``model_construct``: the
values were already parsed by ``xlperf.core.normalise``, so validating them a
second time would only cost time.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "info"]


class Model(BaseModel):
    """The base of every model of the table and of the report. Their pydantic schemas are built
    when something first validates or serialises one, not at import (``defer_build``): the
    readers and the engine build them with :func:`construct_all`/:func:`built`, so ``split``,
    ``export`` and ``--mark`` never build one and ``check --format json`` builds only the
    report's. Measured at a3ec99a: the package's own import time went from 57 to 44 ms CPU."""

    model_config = ConfigDict(defer_build=True)


def fast_construct(cls: type[BaseModel], **values: Any) -> Any:
    """``cls.model_construct`` without its per-call overhead, for already-parsed values.

    Only for the hot path (one Indicator/Record per row): callers pass every field.
    The same attributes pydantic's own ``model_construct`` sets are set here.
    """
    m = cls.__new__(cls)
    object.__setattr__(m, "__dict__", values)
    object.__setattr__(m, "__pydantic_fields_set__", set(values))
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m


_new = BaseModel.__new__
_set = object.__setattr__
# BaseModel's slots, set through their descriptors: object.__setattr__ looks each name up on the
# class first (construct_all, same process, timeit: 0.86 -> 0.54 µs an Indicator with its dict
# copy; 11,700 objects at 10k rows)
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_FIELD_SETS: dict[type, set[str]] = {}


def built(cls: type[BaseModel], **values: Any) -> Any:
    """An instance from values that are already of their fields' types (ours, not the clerk's
    cells), the omitted fields at their defaults, without validating: no schema is built for
    it (see :class:`Model`)."""
    fields = _FIELD_SETS.get(cls)
    if fields is None:
        fields = _FIELD_SETS[cls] = set(cls.model_fields)
    return construct_all(cls, values, fields)


_DEFAULTS: dict[type, tuple[tuple[str, Callable[[], Any]], ...]] = {}
_IMMUTABLE = (type(None), str, int, float, bool, frozenset, tuple)
_BUILTIN_FACTORIES = (list, dict, set)


def _defaults(cls: type[BaseModel]) -> tuple[tuple[str, Callable[[], Any]], ...]:
    """Each field's default as a maker, found once per class. pydantic's ``get_default`` inspects
    the factory's signature on every call (~75 µs: 164 calls were 12 ms of the 10k bench's
    build); our factories take no arguments, and a shared immutable default needs no copy."""
    got = _DEFAULTS.get(cls)
    if got is None:
        makers = []
        for name, info in cls.model_fields.items():
            factory = info.default_factory
            # list/dict/set are asked first: pydantic's test of whether a factory takes the
            # validated data reads its signature, which for a builtin means parsing its text
            # signature (~0.1 ms a field: 2.7 ms on the first list sheet of a process)
            if factory in _BUILTIN_FACTORIES or (
                    factory is not None and not info.default_factory_takes_validated_data):
                make = factory
            elif info.default_factory is None and isinstance(info.default, _IMMUTABLE):
                make = (lambda d: lambda: d)(info.default)
            else:
                make = (lambda i: lambda: i.get_default(call_default_factory=True))(info)
            makers.append((name, make))
        got = _DEFAULTS[cls] = tuple(makers)
    return got


def construct_all(cls: type[BaseModel], values: dict[str, Any], fields: set[str]) -> Any:
    """:func:`fast_construct` for a caller that holds the dict of the fields and one shared
    ``fields`` set (``set(cls.model_fields)``): ~2× cheaper per row. Sharing the set is safe
    because it names every field; pydantic only ever adds to it.

    A field the dict leaves out gets its declared default (a model gains fields as layouts are
    added; a reader written before one must not build objects without it). The hot paths pass
    every field, so they pay only the length test."""
    if len(values) != len(fields):
        for name, make in _defaults(cls):
            if name not in values:
                values[name] = make()
    m = _new(cls)
    _set(m, "__dict__", values)
    _set_fields_set(m, fields)
    _set_extra(m, None)
    _set_private(m, None)
    return m


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# Canonical field identifiers, in table order, with the header a clerk sees.
FIELDS: dict[str, str] = {
    "unit": "单位名称",
    "project": "项目名称",
    "budget": "预算数",
    "goal": "年度目标",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "comparator": "指标性质",
    "target": "指标值",
    "measure": "度量单位",
    "weight": "权重",
    "direction": "指标方向性",
}
PROJECT_FIELDS = ("unit", "project", "budget", "goal")
INDICATOR_FIELDS = ("level1", "level2", "name", "comparator", "target", "measure", "weight", "direction")
OPTIONAL_FIELDS = {"waiver": "豁免"}


class Fix(Model):
    """A proposed change of one cell. Applied only by ``xlperf fix`` / 自动修正."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    sheet: str
    cell: str  # "H12"
    old: Any = None
    new: Any = None
    description: str = ""


class FundPart(Model):
    """An amount listed inside a funds cell: ``854万(高标准农田建设400万元,…)`` -> 高标准农田建设, 400."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    label: str
    amount: float


class FundLine(Model):
    """One line of a funds block (年度资金总额 / 其中：财政拨款 / 其他资金 / 上年结转 …), as written.

    ``role`` is what the line is, when the label says so: ``fiscal`` (财政拨款), ``other``
    (其他资金), ``carried_over`` (上年结转), ``special_account`` (财政专户管理资金),
    ``unit_funds`` (单位资金), ``project`` (项目支出), ``basic`` (基本支出), ``total`` (the total
    of a parallel column, see ``group``); None when unknown (the label is kept). Amounts are
    in 万元; ``text`` keeps the cell when it was not a plain number (``854万(…)``)."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    label: str
    role: Optional[str] = None
    amount: Optional[float] = None
    cell: Optional[str] = None
    text: Optional[str] = None
    # Self-evaluations (绩效自评表) give each line several columns; None where the layout has
    # no such column or the cell is empty / ``/``. ``amount`` is then ``budget`` (全年预算数 /
    # 调整后预算数). ``rate`` is a percentage (86.2 for 86.2 %) however the cell held it (0.862
    # with a % format, a formula's cached value, the text ``86%``); ``cells`` maps each of these
    # keys to its address, ``raw`` keeps what the cells said.
    initial: Optional[float] = None  # 年初预算数
    budget: Optional[float] = None  # 全年预算数 / 调整后预算数
    spent: Optional[float] = None  # 全年执行数 / 预算执行数
    rate: Optional[float] = None  # 执行率, percent
    points: Optional[float] = None  # 分值 / 权重
    score: Optional[float] = None  # 得分
    sub: bool = False  # a 其中 line (part of the total)
    cells: dict[str, str] = Field(default_factory=dict)
    raw: dict[str, Any] = Field(default_factory=dict)
    # Added with the form reader: where the label is; ``group`` the column heading of a
    # parallel block (资金总额 beside 当年资金总额: the lines under 资金总额 carry group "资金总额";
    # None = the lines under ``Funds.total``), so a rule adds up per column; the amounts listed
    # inside the cell (``parts``), and ``repeated`` when the cell wrote its amount twice.
    label_cell: Optional[str] = None
    group: Optional[str] = None
    parts: list[FundPart] = Field(default_factory=list)
    repeated: bool = False


class DutyLine(Model):
    """One line of a department table's 年度履职目标 block: 部门职能 / 年度目标任务 / 支出项目名称 /
    预算金额. ``label`` is the 支出项目名称 as written; ``role`` ``project`` or ``basic`` (基本支出)
    when known; ``amount`` in 万元; ``text`` the amount cell when it was not a plain number.

    The department reader keeps the lines in ``Project.details["duties"]`` (dicts: function, task,
    project, amount, amount_text, cells; or DutyLines); ``rules.funds.duty_lines`` reads either."""

    label: str
    role: Optional[str] = None
    amount: Optional[float] = None
    cell: Optional[str] = None
    text: Optional[str] = None
    duty: Optional[str] = None  # 部门职能
    task: Optional[str] = None  # 年度目标任务
    # 预算金额 over 总额 | 财政拨款 | 其他资金 (the 中央 部门整体 template): each source's amount and cell
    sources: dict[str, Optional[float]] = Field(default_factory=dict)
    source_cells: dict[str, str] = Field(default_factory=dict)
    # As on FundLine: the amounts listed inside the amount cell, and whether it wrote its amount twice.
    parts: list[FundPart] = Field(default_factory=list)
    repeated: bool = False


class Funds(Model):
    """A form's funds block: the total (年度资金总额 / 资金总额) and its lines.

    ``total_line`` is the total's own line (its label and, when it was not a plain number, its
    ``text``: ``854万(…)``); a parallel column's total is a line of ``lines`` with role ``total``
    and its ``group``."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    total: Optional[float] = None
    total_cell: Optional[str] = None
    lines: list[FundLine] = Field(default_factory=list)
    # The total's own line (label, cell, text, parts), when the block wrote one.
    total_line: Optional[FundLine] = None


class CostLine(Model):
    """One line of a form's cost breakdown (成本构成 / 项目成本测算), as written.

    ``amounts`` maps each amount column's heading as written (``金额(万元)``, ``预算数``,
    ``财政拨款`` …) to the line's amount in 万元 (None when the cell is empty or not a number;
    ``text`` then keeps what it said); ``cells`` maps ``label``, ``category`` and each heading to
    its address. ``total``: the 合计 / 总计 line; ``subtotal``: a 小计 line; ``sub``: part of the
    line above (a ``其中：`` line, or an item under a category line that has its own amount), so
    not counted again in the 合计. ``category`` is the 成本项目 / 类别 an item falls under when
    the block has two label columns (成本项目 | 明细). Other columns (测算依据, 单价, 数量 …) are in
    ``details`` by their heading. ``listed_in``: the cell that lists this line with others
    (``设备购置50万元，人员经费20万元`` written in one cell), its label and amount read from there."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    label: str
    category: Optional[str] = None
    row: int = 0
    amounts: dict[str, Optional[float]] = Field(default_factory=dict)
    text: dict[str, str] = Field(default_factory=dict)
    cells: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)
    total: bool = False
    subtotal: bool = False
    sub: bool = False
    listed_in: Optional[str] = None


# A cost column that holds a line's whole amount, one that is a source of it (the funds it comes
# from), and a 小计 column (the whole amount only where no 合计/金额 column says it).
_WHOLE_COLUMN_RE = re.compile(r"合计|总额|总计|金额|预算|成本")
_SOURCE_COLUMN_RE = re.compile(r"拨款|其他资金|自有资金|单位资金|自筹|结转|财政专户|社会资金|其他$")
_SUBTOTAL_COLUMN_RE = re.compile(r"小计")


class Costs(Model):
    """A form's cost breakdown block (项目成本构成 / 成本构成 / 成本测算明细): its label as written
    and cell, the amount columns' headings in order (``columns``) with the unit each was written
    in (``units``: 元 / 万元 …; every amount is stored in 万元), and its lines top to bottom — the
    合计 line (``total``) wherever it stands, at the top or the bottom.

    A header of two rows (``预算金额(万元)`` over ``合计 | 财政拨款 | 其他资金``) gives ``groups``:
    the upper heading -> the amount columns under it, left to right; each column is named by its
    own heading (``合计``), or ``upper·own`` where two groups share one. ``details``: what the
    block says that is not a line (a 测算依据 written on its own, ``2人×10万元``), by heading, its
    cell in ``cells``."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    label: Optional[str] = None
    label_cell: Optional[str] = None
    columns: list[str] = Field(default_factory=list)
    units: dict[str, str] = Field(default_factory=dict)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    # The header rows' cells (成本项目, 金额(万元), 测算依据 …): heading as written -> address.
    cells: dict[str, str] = Field(default_factory=dict)
    lines: list[CostLine] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)

    def total_line(self) -> Optional[CostLine]:
        return next((ln for ln in self.lines if ln.total), None)

    def listed_cells(self, lines: Optional[list[CostLine]] = None) -> list[str]:
        """The cells that list several lines (of ``lines``, else of the block), top to bottom."""
        return list(dict.fromkeys(ln.listed_in for ln in (self.lines if lines is None else lines) if ln.listed_in))

    def group_of(self, column: str) -> Optional[str]:
        return next((g for g, cols in self.groups.items() if column in cols), None)

    def heading(self, column: str) -> str:
        """A column as a clerk finds it in the header: ``预算金额(万元)·合计`` under a group."""
        g = self.group_of(column)
        return column if g is None or column.startswith(f"{g}·") else f"{g}·{column}"

    def main_column(self, columns: Optional[list[str]] = None) -> Optional[str]:
        """The column (of ``columns``, else of the block: its first group's, if any) that holds a
        line's whole amount: 合计 / 金额 / 预算数 …, else 小计, else the only column; None when the
        columns are parts to be added across (财政拨款 | 其他资金)."""
        if columns is None:
            first = next(iter(self.groups.values()), None)
            got = self.main_column(first) if first else None
            if got is not None:
                return got
            columns = self.columns
        own = [c for c in columns if not _SOURCE_COLUMN_RE.search(c)]
        for c in own:
            if _WHOLE_COLUMN_RE.search(c) and not _SUBTOTAL_COLUMN_RE.search(c):
                return c
        for c in own:
            if _SUBTOTAL_COLUMN_RE.search(c):
                return c
        return columns[0] if len(columns) == 1 else None


class Evaluation(Model):
    """What a self-evaluation (绩效自评表) says besides its funds lines and indicators.

    ``budget_points``/``budget_score``/``execution_rate`` are the 年度资金总额 (总额) line's
    分值/权重, 得分 and 执行率 (percent); ``*_stated`` are the points a label states
    (``预算执行情况(10分)``, ``绩效指标(90分)``); ``total_score``/``total_points`` the 总分 /
    合计 row as written. ``has_points``/``has_scores``: the indicator grid has 分值/权重 and
    得分 columns (衡山's has neither). Every value's cell is in ``cells`` under its name."""

    year: Optional[str] = None
    execution_rate: Optional[float] = None
    budget_points: Optional[float] = None
    budget_score: Optional[float] = None
    budget_points_stated: Optional[float] = None
    indicator_points_stated: Optional[float] = None
    total_score: Optional[float] = None
    total_points: Optional[float] = None
    has_points: bool = False
    has_scores: bool = False
    goal_actual: Optional[str] = None  # 年度总体目标: 实际完成情况
    grade: Optional[str] = None  # 自评等级 as written (优 / 良 / 中 / 差), a summary's
    cells: dict[str, str] = Field(default_factory=dict)
    raw: dict[str, Any] = Field(default_factory=dict)


FindingScope = Literal["cell", "table"]


class Finding(Model):
    """One finding, as the JSON report carries it (docs/report.md): where (``sheet``, ``cell``,
    ``row``; ``scope="table"`` when it is about the whole table and ``cell`` is the table's header
    or title cell), the project where one applies, the message in Chinese and in English, and
    ``source`` (the file) for findings that come from comparing two files."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    code: str
    slug: str
    severity: Severity
    sheet: str = ""
    cell: Optional[str] = None
    row: Optional[int] = None
    scope: FindingScope = "cell"
    project: Optional[str] = None
    message: str
    message_en: str = ""
    fix: Optional[Fix] = None
    waived: bool = False
    # --against: which file the finding is about ("self_evaluation" / "target"; None for an
    # ordinary check) and the matching cell in the other file ("目标表.xlsx!Sheet1!F12").
    source: Optional[str] = None
    other_cell: Optional[str] = None

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER[self.severity], self.sheet, self.row or 0, self.cell or "", self.code)

    def text(self) -> str:
        """The message without its leading cell, for a line or a row that shows the cell on its
        own (the text report, 校验结果); the JSON and the 校验说明 column, which sit beside no
        cell of their own, keep ``message``."""
        if self.cell and self.message.startswith(self.cell + " "):
            return self.message[len(self.cell) + 1:]
        return self.message


class Indicator(Model):
    """One indicator row, values normalised; ``raw`` keeps what the cell said."""

    sheet: str = ""
    row: int  # sheet row (1-based)
    project_index: Optional[int] = None
    level1: Optional[str] = None  # canonical when known, else the cleaned text
    level2: Optional[str] = None
    name: Optional[str] = None
    comparator: Optional[str] = None  # ≥ ≤ = > < 定性, or the cleaned unknown text
    target: Any = None  # float when numeric, str otherwise, None when blank
    measure: Optional[str] = None
    weight: Optional[float] = None
    direction: Optional[str] = None  # 正向指标 / 反向指标 / unknown text
    waivers: frozenset[str] = frozenset()
    raw: dict[str, Any] = Field(default_factory=dict)
    # field -> address, for values that did not come from their own column
    # (a comparator split out of the 指标值 cell, a shifted cell read back into place).
    origin: dict[str, str] = Field(default_factory=dict)
    # notes the parser made on the way (e.g. "target_split" when ≥80% was split)
    notes: frozenset[str] = frozenset()
    # Columns some layouts have besides the list's: 绩效标准 / 指标解释 / 备注 … by header as written
    # (the cell of each is in ``origin`` under the same key).
    details: dict[str, Any] = Field(default_factory=dict)
    # Self-evaluations: 实际完成值 (number when numeric, else the cleaned text), 得分, and the
    # 偏差原因 / 未完成原因 text; None elsewhere. Raw cells in ``raw`` under the same keys.
    actual: Any = None
    score: Optional[float] = None
    reason: Optional[str] = None

    @property
    def is_placeholder(self) -> bool:
        """A level-2 name and nothing else (an empty template row)."""
        return (
            not self.name
            and self.target is None
            and self.weight is None
            and self.raw.get("weight") in (None, "")
            and not self.comparator
        )


class Project(Model):
    index: int
    sheet: str = ""
    row_first: int
    row_last: int
    name: Optional[str] = None
    budget: Optional[float] = None  # in 万元
    goal: Optional[str] = None
    unit_code: Optional[str] = None
    unit_name: Optional[str] = None
    department_code: Optional[str] = None
    indicators: list[Indicator] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict)  # first raw value per project field
    # field -> [(sheet row, value), ...] for every distinct non-empty value seen in the block
    seen: dict[str, list[tuple[int, Any]]] = Field(default_factory=dict)
    cells: dict[str, str] = Field(default_factory=dict)  # field -> address of the value used
    # 豁免 codes written on a row of the project that holds no indicator (its project row
    # alone): they waive the project's findings, like the codes on its indicator rows
    waivers: frozenset[str] = frozenset()
    # What forms carry besides the list's columns (None in a list): 主管部门, the funds block,
    # the long-term (实施期/中期/长期) goal, and other label–value pairs (项目属性, 项目起止时间 …)
    # by their label as written; every value's cell is in ``cells`` under the same key.
    department: Optional[str] = None
    funds: Optional[Funds] = None
    goal_long: Optional[str] = None
    details: dict[str, Any] = Field(default_factory=dict)
    evaluation: Optional[Evaluation] = None  # self-evaluations only
    # A form's cost breakdown (成本构成), where it has one; None elsewhere.
    costs: Optional[Costs] = None

    def unplaced_waivers(self) -> frozenset[str]:
        """The project's 豁免 codes that are not on a real indicator's row (on its project row
        without indicator, or on empty template rows): what an export must write on the
        project's own row, as the rows they were on are not written."""
        return self.waivers.union(*(i.waivers for i in self.indicators if i.is_placeholder))

    @property
    def label(self) -> str:
        return self.name or f"第{self.row_first}行起的项目"

    def real_indicators(self) -> list[Indicator]:
        # Indicator.is_placeholder's first test in front: a named row is never a placeholder, and
        # nearly every row is named, so the property (a call per row) is asked only about the rest
        return [i for i in self.indicators if i.name or not i.is_placeholder]


class Unit(Model):
    """A unit of a list (its own row, or named on its first project's row), or a total row of
    ``Table.total_rows``: a 合计 row (every project of the table) or a 小计 row (``subtotal``:
    the unit it closes, by that unit's code and name, and its projects in ``project_indices``).
    ``weight``/``weight_raw``/``weight_cell``: the weight a total row states (合计 | … | 90), as
    a number, as written and where; ``measure_cell`` its 度量单位 cell when the row writes 分
    there (the weight's unit); None elsewhere."""

    code: Optional[str] = None
    name: str
    row: Optional[int] = None
    budget: Optional[float] = None
    budget_raw: Any = None
    budget_cell: Optional[str] = None
    department_code: Optional[str] = None
    project_indices: list[int] = Field(default_factory=list)
    weight: Optional[float] = None
    weight_raw: Any = None
    weight_cell: Optional[str] = None
    measure_cell: Optional[str] = None
    subtotal: bool = False
    # A self-evaluation summary's 合计 row: every column's amount (initial / budget / spent in
    # 万元, rate in percent) and its cell, for SE018.
    amounts: dict[str, Optional[float]] = Field(default_factory=dict)
    amount_cells: dict[str, str] = Field(default_factory=dict)


class Department(Model):
    code: Optional[str] = None
    name: str
    row: int
    budget: Optional[float] = None
    budget_raw: Any = None
    budget_cell: Optional[str] = None
    units: list[Unit] = Field(default_factory=list)


class Table(Model):
    """One sheet read as a performance-target table."""

    sheet: str
    source: str = ""
    title: Optional[str] = None
    money_unit: str = "万元"  # what the sheet says; budgets are always stored in 万元
    header_row: Optional[int] = None  # sheet row of the (last) header row
    columns: dict[str, int] = Field(default_factory=dict)  # field -> sheet column (1-based)
    departments: list[Department] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    orphans: list[Indicator] = Field(default_factory=list)  # rows before any project
    # 合计 / 总计 rows of a list (a total of every project in the table, not a unit named 合计)
    # and 小计 rows (a unit's: ``Unit.subtotal``), each as a Unit: name, row, budget, weight and
    # their cells, the projects it totals in ``project_indices``. BG002 compares the budget with
    # those projects, WT008 the weight; core.totals reads a 合计 row's weight as a stated total.
    total_rows: list[Unit] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)  # found while reading (ST001, ST007 …)
    data_rows: tuple[int, int] = (0, 0)  # first and last sheet row of the data area
    # Which layout reader read the table (core.layouts) and why, as the clerk is told.
    layout: str = "list"
    layout_reason: str = ""
    # Points the table states on its labels (normalise.parse_stated_points), by what they are
    # for: "绩效指标" (the indicators' total: 绩效指标(90分), 年度绩效目标(90分)), "预算执行"
    # (预算执行情况(10分)), "合计" (a 合计 row's 100), and level-1 names (产出指标(50分)); the
    # cell of each under the same key. A reader fills them; WT005/WT006 read them.
    stated_points: dict[str, float] = Field(default_factory=dict)
    stated_points_cells: dict[str, str] = Field(default_factory=dict)
    # The word the table's own 权重 column header uses: 权重, or 分值 (a 分值 column, the MoF
    # forms); the report names the weights with it (headers.weight_word).
    weight_word: str = "权重"

    def cell(self, field: str, row: int) -> Optional[str]:
        from .grid import address

        col = self.columns.get(field)
        return address(row, col) if col else None

    def indicator_cell(self, ind: Indicator, field: str) -> Optional[str]:
        return ind.origin.get(field) or self.cell(field, ind.row)

    def indicators(self):
        for p in self.projects:
            yield from p.indicators

    def points_stated(self) -> dict[str, tuple[float, float, Optional[str]]]:
        """Every point the table states, by ``normalise.points_key``: (low, high, cell). From
        ``stated_points`` and, for a one-project table (a form), the form reader's
        ``Project.details["stated_points"]`` ({label: {"points" | "low"/"high", "cell"}})."""
        from .normalise import points_key

        out: dict[str, tuple[float, float, Optional[str]]] = {}
        for k, v in self.stated_points.items():
            out[points_key(k)] = (v, v, self.stated_points_cells.get(k))
        if len(self.projects) == 1:
            for k, v in (self.projects[0].details.get("stated_points") or {}).items():
                if not isinstance(v, dict):
                    continue
                lo, hi = v.get("low", v.get("points")), v.get("high", v.get("points"))
                if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                    out.setdefault(points_key(k), (float(lo), float(hi), v.get("cell")))
        return out

    def stated_total(self) -> Optional[float]:
        """The indicators' total the table states (``points_stated``): 绩效指标(90分) / 年度绩效目标(90分),
        else a 合计 less the 预算执行情况 points (合计 100, 预算执行情况(10分) -> 90), else None."""
        sp = {k: hi for k, (lo, hi, _) in self.points_stated().items()}
        if "绩效指标" in sp:
            return sp["绩效指标"]
        if "合计" in sp:
            return sp["合计"] - sp.get("预算执行", 0.0)
        return None

    def present_fields(self) -> frozenset[str]:
        """The fields this table really has: a column for it (``columns``; a layout reader puts
        every field its grid has there) holding at least one non-blank cell. A 权重 column that
        is empty on every row counts as absent, like a missing one.

        One pass per column at most, stopping at the first filled cell: a filled column costs a
        row, an empty one a scan (~5 ms per 100k rows). The engine calls it once per check."""
        present = set()
        for f in self.columns:
            if f == "unit":  # read into unit_code/unit_name and the Unit rows, not raw
                if self.units or any(p.unit_name or p.unit_code for p in self.projects):
                    present.add(f)
            elif f in PROJECT_FIELDS:
                if any(not _blank(p.raw.get(f)) for p in self.projects):
                    present.add(f)
            elif f in FIELDS:
                if any(not _blank(i.raw.get(f)) for p in self.projects for i in p.indicators) or any(
                        not _blank(i.raw.get(f)) for i in self.orphans):
                    present.add(f)
            else:
                present.add(f)  # 豁免, 备注 …: no rule needs them empty or not
        # blocks some layouts have (not columns): rules that need them skip silently elsewhere
        if any(p.funds is not None for p in self.projects):
            present.add("funds")
        if any(p.details and p.details.get("duties") for p in self.projects):
            present.add("duties")
        if any(p.costs is not None and p.costs.lines for p in self.projects):
            present.add("costs")
        return frozenset(present)


def _blank(v: Any) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


class Record(Model):
    """One indicator as a clean, self-contained row: every field filled.

    ``weight_text`` is the 权重 cell as the clerk wrote it (cleaned text) when it could not be
    read as a number (``十``, ``10分``); ``weight`` is then None. ``budget_text`` is the same for
    the project's 预算数 (``一百``, ``约100万``): ``budget`` is then None, and the text is never
    converted between 元 and 万元. Every writer puts them in the 权重 / 预算数 cell, so an
    unreadable value is shown as written instead of being lost.
    """

    sheet: str
    row: int
    department: Optional[str] = None
    unit_code: Optional[str] = None
    unit_name: Optional[str] = None
    project: Optional[str] = None
    budget: Optional[float] = None
    budget_text: Optional[str] = None  # the 预算数 cell's text when it is not a number
    goal: Optional[str] = None
    level1: Optional[str] = None
    level2: Optional[str] = None
    name: Optional[str] = None
    comparator: Optional[str] = None
    target: Any = None
    measure: Optional[str] = None
    weight: Optional[float] = None
    weight_text: Optional[str] = None  # the 权重 cell's text when it is not a number
    direction: Optional[str] = None
    waivers: str = ""
    cells: dict[str, str] = Field(default_factory=dict)
    # self-evaluations: 实际完成值, 得分, 偏差原因 (None elsewhere)
    actual: Any = None
    score: Optional[float] = None
    reason: Optional[str] = None


RECORD_COLUMNS: dict[str, str] = {
    "sheet": "工作表",
    "row": "源行号",
    "department": "部门",
    "unit_code": "单位编码",
    "unit_name": "单位名称",
    "project": "项目名称",
    "budget": "预算数(万元)",
    "goal": "年度目标",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "comparator": "指标性质",
    "target": "指标值",
    "measure": "度量单位",
    "weight": "权重",
    "direction": "指标方向性",
    "waivers": "豁免",
}
# The record columns self-evaluations add (written only when the records come from one).
EVALUATION_COLUMNS: dict[str, str] = {"actual": "实际完成值", "score": "得分", "reason": "偏差原因"}
# A list-shaped self-evaluation's project columns (core.layouts.se_list): the project's funds line.
EXECUTION_COLUMNS: dict[str, str] = {"initial": "年初预算数", "spent": "执行数", "rate": "执行率"}
