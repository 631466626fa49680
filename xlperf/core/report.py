"""The result of a check: per-project weight summary, findings, totals. Also the stable JSON contract."""

from __future__ import annotations

from itertools import chain, islice, repeat
from operator import attrgetter, eq, itemgetter
from typing import Any, Literal, Optional

from pydantic import ConfigDict, Field

from .config import Config
from .filenames import readable
from .headers import POINTS_WORD, WEIGHT_WORD
from .model import Costs, Finding, Funds, Model, Project, Table, built, construct_all
from .normalise import text_unless_number
from .taxonomy import share_group
from .totals import judged_total

LEVEL1_COLUMNS = ("产出指标", "效益指标", "满意度指标", "成本指标")
STATUS_OK = "通过"
# ProjectSummary.status when the weights do not add up: a value of the JSON contract, the same
# whatever the table calls its weights; what a clerk reads follows the word (shown_status).
STATUS_WEIGHT_OFF = "权重合计不符"


def shown_status(status: str, word: str = WEIGHT_WORD) -> str:
    """A project's status as a clerk reads it, in the word the table uses (分值合计不符)."""
    return f"{word}合计不符" if status == STATUS_WEIGHT_OFF and word != WEIGHT_WORD else status

# The JSON contract (docs/report.md, docs/report.schema.json): additions bump the minor
# version; nothing is renamed or removed without a new major version.
SCHEMA_VERSION = "1.3"  # 1.3: tables[].weight_word, summary.weight_word (权重 or 分值, as the table says); ProjectSummary.grade (a summary's 自评等级); ProjectSummary.costs groups/main_column and CostLine.listed_in. 1.2: ProjectSummary.costs (a form's cost breakdown), encoding (of a .txt source). 1.1: tables[] (the layout of each table read); self-evaluations (ProjectSummary execution_rate … points_total, FundLine per column, Finding.other_cell, FileResult.against)
SCHEMA_VERSION_PATTERN = r"^1\.\d+$"
WeightWord = Literal["权重", "分值"]  # what a table calls its weights (headers.weight_word)
# Every model of the report: no field beyond the documented ones, and every field is written
# (so the schema lists each as required in what we write).
CONTRACT = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class ProjectSummary(Model):
    """One project's line of the weight summary (权重合计). ``budget_text`` is the 预算数 cell
    as the clerk wrote it (cleaned) when it is not a number (``一百``); ``budget`` is then None
    — the same pair as ``Record.budget`` / ``Record.budget_text``."""

    model_config = CONTRACT

    sheet: str
    row: int
    unit: Optional[str] = None
    name: Optional[str] = None
    budget: Optional[float] = None
    budget_text: Optional[str] = None  # the 预算数 cell's text when it is not a number
    indicator_count: int = 0
    weights: dict[str, float] = Field(default_factory=dict)  # by level-1 (as written, canonical)
    weight_total: float = 0.0
    expected: float = 90.0
    weight_ok: bool = True
    errors: int = 0
    warnings: int = 0
    status: str = STATUS_OK
    layout: str = "list"  # the layout reader that read the project's table (core.layouts)
    layout_reason: str = ""
    department: Optional[str] = None  # 主管部门, where the layout has it (forms)
    funds: Optional[Funds] = None  # the funds block, where the layout has one (forms)
    costs: Optional[Costs] = None  # the cost breakdown (成本构成), where a form has one (1.2)
    # Self-evaluations only (None elsewhere): 执行率 in percent (from 执行数 ÷ 预算数 where both are
    # there, 86.2; else as the cell states it), the budget line's 分值 and 得分, and the totals
    # as the 总分 row counts them (budget + indicators). ``score_total`` is None when the form
    # is unfilled or has no 得分 column; ``weight_total``/``expected`` are the indicators' points.
    execution_rate: Optional[float] = None
    budget_points: Optional[float] = None
    budget_score: Optional[float] = None
    score_total: Optional[float] = None
    points_total: Optional[float] = None
    grade: Optional[str] = None  # 自评等级 as written (a summary of results: 优/良/中/差), 1.3


def text_budgets(projects: list[ProjectSummary]) -> int:
    """How many projects' 预算数 is text (``budget_text``): left out of every budget total."""
    return sum(1 for p in projects if p.budget_text)


class Summary(Model):
    """The totals of one file's check."""

    model_config = CONTRACT

    files: int = 1
    tables: int = 0
    projects: int = 0
    indicators: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    waived: int = 0
    budget_total: float = 0.0
    projects_weight_ok: int = 0
    projects_weight_off: list[str] = Field(default_factory=list)
    expected_total: float = 90.0
    layouts: dict[str, int] = Field(default_factory=dict)  # tables read per layout reader
    # 1.3: the word for the weights the report's summary uses (its 权重合计 / 分值合计 lines): 分值
    # when every table with weights says 分值 (tables[].weight_word), else 权重.
    weight_word: WeightWord = WEIGHT_WORD


class TableSummary(Model):
    """One table read: where, by which layout reader and why (one line each in the text report)."""

    model_config = CONTRACT

    sheet: str
    layout: str
    layout_reason: str = ""
    title: Optional[str] = None
    header_row: Optional[int] = None  # sheet row of the (indicator) header
    first_row: Optional[int] = None  # the table's first sheet row (a form's first row)
    projects: int = 0
    indicators: int = 0
    weight_word: WeightWord = WEIGHT_WORD  # 1.3: the word its 权重 column's header uses: 权重 or 分值


class Report(Model):
    """The JSON of ``xlperf check FILE --format json`` (docs/report.md)."""

    model_config = CONTRACT

    schema_version: str = Field(SCHEMA_VERSION, pattern=SCHEMA_VERSION_PATTERN)
    source: str = ""  # the file, as it can be shown (a GBK file name decoded: core.filenames)
    encoding: Optional[str] = None  # 1.2: how a text (.txt) source was decoded (UTF-16 LE（带BOM）…); null for a workbook
    sheets: list[str] = Field(default_factory=list)
    tables: list[TableSummary] = Field(default_factory=list)
    projects: list[ProjectSummary] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)

    @property
    def has_errors(self) -> bool:
        return self.summary.errors > 0

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def rounded_weight(x: float) -> float:
    """A weight sum as every total is shown and compared: to 6 places."""
    # round(x, 6) goes through a decimal string (~1 µs); a whole number is its own rounding
    return x if x.is_integer() else round(x, 6)


def weight_breakdown(p: Project, config: Config) -> tuple[dict[str, float], float]:
    """The project's weights by level-1 and their total (the real indicators only)."""
    by, total, _ = weight_figures(p)
    return by, total


def weight_figures(p: Project) -> tuple[dict[str, float], float, int]:
    """:func:`weight_breakdown` and the count of real indicators, in one pass over the
    indicators: the report's per-project work at 10k rows (1,660 projects, 10,000 indicators)
    went 26 → 22 ms CPU with the table's count below."""
    by: dict[str, float] = {}
    total = 0.0
    count = 0
    for ind in p.indicators:
        if not ind.name and ind.is_placeholder:  # (as Project.real_indicators)
            continue
        count += 1
        w = ind.weight
        if w is None:
            continue
        key = ind.level1 if ind.level1 in LEVEL1_COLUMNS else "其他"
        by[key] = by.get(key, 0.0) + w
        total += w
    return {k: rounded_weight(v) for k, v in by.items()}, rounded_weight(total), count


def share_breakdown(p: Project, config: Config) -> dict[str, float]:
    """Weights grouped the way the configured shares count them (成本 inside 产出)."""
    out: dict[str, float] = {}
    for ind in p.indicators:
        if ind.weight is None or ind.is_placeholder:
            continue
        g = share_group(ind.level1, config.shares) or "其他"
        out[g] = out.get(g, 0.0) + ind.weight
    return out


SELF_EVALUATION = "self_evaluation"
STATUS_POINTS_OFF = "分值合计不符"


def is_self_evaluation(report: "Report") -> bool:
    """Every project of the report is a self-evaluation (its summary sheet is 得分汇总)."""
    return bool(report.projects) and all(p.layout == SELF_EVALUATION for p in report.projects)


def evaluation_figures(p: Project, points: float, config: Config) -> dict[str, Any]:
    """The self-evaluation fields of a ProjectSummary (see there), and the expected indicator
    points: the template's own split (绩效指标(90分)), else 100 minus the budget points."""
    ev = p.evaluation
    if ev is None:
        return {}
    total = next((ln for ln in p.funds.lines if ln.role == "total"), None) if p.funds and p.funds.lines else None
    rate = ev.execution_rate
    if total is not None:
        base = total.budget if total.budget is not None else total.initial
        if total.spent is not None and base:
            rate = total.spent / base * 100
    real = p.real_indicators()
    scores = [i.score for i in real if i.score is not None]
    filled = bool(scores) or ev.budget_score is not None
    score_total = round(sum(scores) + (ev.budget_score or 0.0), 6) if ev.has_scores and filled else None
    if not p.indicators and ev.total_score is not None:
        score_total = ev.total_score  # a summary of results states each project's score, nothing to add up
    points_total = round(points + (ev.budget_points or 0.0), 6) if ev.has_points else None
    if ev.indicator_points_stated is not None:
        expected = ev.indicator_points_stated
    elif ev.budget_points is not None:
        expected = 100.0 - ev.budget_points
    else:
        expected = config.expected_total
    return {"execution_rate": None if rate is None else round(rate, 2), "budget_points": ev.budget_points,
            "budget_score": ev.budget_score, "score_total": score_total, "points_total": points_total,
            "grade": ev.grade, "expected": float(expected),
            "weight_ok": (not ev.has_points) or abs(points - expected) <= config.tolerance}


def summarise_project(p: Project, findings: list[Finding], config: Config,
                      table: Optional[Table] = None, judged: Optional[tuple[bool, float]] = None) -> ProjectSummary:
    """``judged``: (whether the table has weights at all, the total it is judged by) — computed
    once per table by :func:`table_total`; a table without weights is not "off"."""
    weights, total, count = weight_figures(p)
    weighted, expected = judged or (True, config.expected_total)
    ok = not weighted or abs(total - expected) <= config.tolerance
    figures = evaluation_figures(p, total, config)
    if figures:
        ok = figures["weight_ok"]
    errors = warnings = 0
    for f in findings:
        if not f.waived:
            if f.severity == "error":
                errors += 1
            elif f.severity == "warning":
                warnings += 1
    if not ok:
        status = STATUS_POINTS_OFF if figures else STATUS_WEIGHT_OFF
    elif errors:
        status = "有错误"
    elif warnings:
        status = "有警告"
    else:
        status = STATUS_OK
    unit = "-".join(x for x in (p.unit_code, p.unit_name) if x) or None
    # One summary per project (16,000 on a 100k-row table): every value below is already of its
    # field's type, so pydantic's validation is skipped.
    return construct_all(ProjectSummary, {
        "sheet": p.sheet, "row": p.row_first, "unit": unit, "name": p.name,
        "budget": None if p.budget is None else float(p.budget),
        "budget_text": text_unless_number(p.budget, p.raw.get("budget")),
        "indicator_count": count,
        "weights": weights, "weight_total": float(total), "expected": float(expected),
        "weight_ok": ok, "errors": errors, "warnings": warnings, "status": status,
        "layout": table.layout if table is not None else "list",
        "layout_reason": table.layout_reason if table is not None else "",
        "department": p.department, "funds": p.funds, "costs": p.costs,
        "execution_rate": figures.get("execution_rate"), "budget_points": figures.get("budget_points"),
        "budget_score": figures.get("budget_score"), "score_total": figures.get("score_total"),
        "points_total": figures.get("points_total"), "grade": figures.get("grade"),
    } | ({"expected": figures["expected"]} if figures else {}), _SUMMARY_FIELDS)


_SUMMARY_FIELDS = set(ProjectSummary.model_fields)


def located(findings: list[Finding], tables: list[Table]) -> list[Finding]:
    """Every finding with a cell and a row, as the JSON contract has them (docs/report.md): one
    that names no cell (``cell`` None inside the engine: "no place") gets column A of its row,
    else — being about the whole table — its table's header cell, or the title cell A1 when no
    header was found, with ``scope="table"``. The engine's findings are left as they are."""
    if all(f.cell is not None for f in findings):
        return findings
    from .grid import address

    headers: dict[str, tuple[int, int]] = {}
    for t in tables:
        if t.header_row and t.sheet not in headers:
            headers[t.sheet] = (t.header_row, min(t.columns.values(), default=1))
    out = []
    for f in findings:
        if f.cell is None:
            if f.row:
                update = {"cell": address(f.row, 1)}
            else:
                row, col = headers.get(f.sheet, (1, 1))
                update = {"cell": address(row, col), "row": row, "scope": "table"}
            f = f.model_copy(update=update)
        out.append(f)
    return out


def table_total(table: Table, config: Config) -> tuple[bool, float]:
    """Whether the table has weights (a 权重/分值 column with a value), and the total its projects
    are judged by (``core.totals.judged_total``: stated, evident or configured) — the same as
    WT002 uses."""
    return "weight" in table.present_fields(), judged_total(table, config)[0]


def build_report(tables: list[Table], findings: list[Finding], config: Config, source: str = "") -> Report:
    # (sheet, row) -> (table, project): several Tables can share a sheet (stacked forms), and
    # each numbers its projects from 0, so a project is known by its table too.
    by_project: dict[tuple[str, Optional[tuple[int, int]]], list[Finding]] = {}
    row_to_project: dict[str, dict[int, tuple[int, int]]] = {}
    for ti, t in enumerate(tables):
        rows = row_to_project.setdefault(t.sheet, {})
        for p in t.projects:
            rows.update(dict.fromkeys(range(p.row_first, p.row_last + 1), (ti, p.index)))
    for f in findings:
        key = row_to_project.get(f.sheet, {}).get(f.row) if f.row else None
        by_project.setdefault((f.sheet, key), []).append(f)

    report = built(Report, source=readable(source), sheets=list(dict.fromkeys(t.sheet for t in tables)),
                   summary=built(Summary))  # (its default_factory would validate one)
    summaries: list[ProjectSummary] = []
    indicators = ok_count = 0
    budget_total = 0.0
    off: list[str] = []
    layouts: dict[str, int] = {}
    totals: set[float] = set()  # the totals the weighted tables are judged by
    words: set[str] = set()  # and the words they call their weights by
    table_indicators: list[int] = []  # each table's real indicators: its projects' counts
    for ti, t in enumerate(tables):
        layouts[t.layout] = layouts.get(t.layout, 0) + 1
        judged = table_total(t, config)
        if judged[0] and t.projects:
            totals.add(judged[1])
            words.add(t.weight_word)
        before = indicators
        for p in t.projects:
            ps = summarise_project(p, by_project.get((t.sheet, (ti, p.index)), []), config, t, judged)
            summaries.append(ps)
            indicators += ps.indicator_count
            budget_total += p.budget or 0.0
            if ps.weight_ok:
                ok_count += 1
            else:
                off.append(p.label)
        table_indicators.append(indicators - before)
    report.projects = summaries
    report.tables = [built(
        TableSummary,
        sheet=t.sheet, layout=t.layout, layout_reason=t.layout_reason, title=t.title, header_row=t.header_row,
        first_row=min((p.row_first for p in t.projects), default=t.header_row), projects=len(t.projects),
        indicators=n, weight_word=t.weight_word) for t, n in zip(tables, table_indicators)]
    report.findings = sorted(located(findings, tables), key=Finding.sort_key)
    counts = {"error": 0, "warning": 0, "info": 0}
    waived = 0
    for f in report.findings:
        if f.waived:
            waived += 1
        else:
            counts[f.severity] += 1
    report.summary = built(
        Summary,
        tables=len(tables), projects=len(summaries), indicators=indicators, errors=counts["error"],
        warnings=counts["warning"], infos=counts["info"], waived=waived, budget_total=round(budget_total, 6),
        projects_weight_ok=ok_count, projects_weight_off=off,
        # what every table is judged by when they agree (a stated or evident 100), else the configured
        expected_total=totals.pop() if len(totals) == 1 else config.expected_total,
        layouts=layouts,
        weight_word=POINTS_WORD if words == {POINTS_WORD} else WEIGHT_WORD,
    )
    return report


# --- the report as JSON text, without building its pydantic schema ------------------------------
#
# The models are ``defer_build`` (see model.Model): the first ``model_dump_json`` of a Report
# builds the schemas of Report, Finding, ProjectSummary, Funds, Costs … (~7 ms CPU), then walks
# them value by value (~11 ms at 10k rows: 1,660 projects, 1,869 findings). pydantic_core's
# ``to_json`` of the models' own ``__dict__``s writes the same bytes (one serializer for str, int,
# float, None, and for whatever a field types as ``Any``; pydantic writes a model's fields in its
# ``__dict__``'s order) without a schema. The values are checked a column (one field of every
# instance) at a time, at C speed: checked value by value the check alone cost 10 ms.
# 10k rows, CPU (warm): the schema 7 ms + the dump 8.9 ms → the checks 4.7 ms + to_json 6.1 ms.
#
# The same bytes only where a value is of its field's type, which construct_all does not check:
# each column's classes are held to the field's annotation, an int or bool where a float belongs
# is written as the float pydantic writes (90 -> 90.0, True -> 1.0), and anything else (a str
# subclass, a tuple, a model subclass, a missing or extra key, a field type not handled here)
# sends the whole report through pydantic, as before. tests/test_report_json_plain.py holds both
# ways to the same text.

class _Unplain(Exception):
    """A value the plain path would not write as pydantic does: use pydantic."""


_NONE = type(None)
_FLOAT_FROM = (int, bool)  # written as float(v) in a float field (pydantic: 90 -> 90.0, True -> 1.0)


def _to_float(v: Any) -> float:
    if v.__class__ in _FLOAT_FROM:
        return float(v)
    raise _Unplain


def _unplain(v: Any) -> Any:
    raise _Unplain


# A field's annotation as a spec: ("any",) written by inference; ("leaf", classes written as they
# are, converter for others); ("opt", spec) also None; ("list", spec); ("dict", spec) str keys;
# ("model", cls); ("no",) a type not handled here.
_SPECS: dict[Any, tuple] = {}


def _spec(ann: Any) -> tuple:
    import typing

    if ann is Any:
        return ("any",)
    if ann is str or ann is int or ann is bool:
        return ("leaf", frozenset((ann,)), _unplain)
    if ann is float:
        return ("leaf", frozenset((float,)), _to_float)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is Literal and all(a.__class__ is str for a in args):
        return ("leaf", frozenset((str,)), _unplain)
    if origin is typing.Union and len(args) == 2 and _NONE in args:
        inner = _spec(args[0] if args[1] is _NONE else args[1])
        if inner[0] == "leaf":
            return ("leaf", inner[1] | {_NONE}, inner[2])
        return inner if inner[0] in ("any", "no") else ("opt", inner)
    if origin is list and len(args) == 1:
        return ("list", _spec(args[0]))
    if origin is dict and len(args) == 2 and args[0] is str:
        return ("dict", _spec(args[1]))
    if isinstance(ann, type) and issubclass(ann, Model):
        return ("model", ann)
    return ("no",)


def _fields(cls: type) -> Optional[tuple[frozenset, list[tuple[Any, frozenset, list]], list[tuple[str, tuple]]]]:
    """(the field names, the leaf fields grouped by the classes they take — (getter, classes,
    [(name, spec)]): one pass checks a group —, the other fields not written by inference as
    [(name, spec)]); None when pydantic writes more or other than the fields (computed fields,
    serializers, aliases, exclusions)."""
    got = _SPECS.get(cls, False)
    if got is not False:
        return got
    decorators = cls.__pydantic_decorators__
    if (cls.model_computed_fields or decorators.field_serializers or decorators.model_serializers
            or cls.model_config.get("ser_json_inf_nan", "null") != "null"
            or any(f.alias or f.serialization_alias or f.exclude for f in cls.model_fields.values())):
        got = None
    else:
        leaves: dict[frozenset, list[tuple[str, tuple]]] = {}
        others = []
        for name, f in cls.model_fields.items():
            sp = _spec(f.annotation)
            if sp[0] == "leaf":
                leaves.setdefault(sp[1], []).append((name, sp))
            elif sp[0] != "any":
                others.append((name, sp))
        groups = [(itemgetter(*[n for n, _ in members]), ok, members) for ok, members in leaves.items()]
        got = (frozenset(cls.model_fields), groups, others)
    _SPECS[cls] = got
    return got


def _column(spec: tuple, values: list) -> list:
    """``values`` (one field of many instances) as to_json should get them: the same list when
    each is written as it is; raises _Unplain where only pydantic writes one right."""
    kind = spec[0]
    if kind == "any" or not values:
        return values
    if kind == "leaf":
        ok, conv = spec[1], spec[2]
        if set(map(type, values)) <= ok:
            return values
        return [v if v.__class__ in ok else conv(v) for v in values]
    if kind == "opt":
        held = [i for i, v in enumerate(values) if v is not None]
        if len(held) == len(values):
            return _column(spec[1], values)
        inner = [values[i] for i in held]
        got = _column(spec[1], inner)
        if got is inner:
            return values
        out = list(values)
        for i, v in zip(held, got):
            out[i] = v
        return out
    if kind == "list":
        if set(map(type, values)) != {list}:
            raise _Unplain
        flat = list(chain.from_iterable(values))
        got = _column(spec[1], flat)
        if got is flat:
            return values
        it = iter(got)
        return [list(islice(it, len(v))) for v in values]
    if kind == "dict":
        if set(map(type, values)) != {dict} or not set(map(type, chain.from_iterable(values))) <= {str}:
            raise _Unplain
        flat = list(chain.from_iterable(map(dict.values, values)))
        got = _column(spec[1], flat)
        if got is flat:
            return values
        it = iter(got)
        return [dict(zip(v, it)) for v in values]
    if kind == "model":
        return _models(spec[1], values)
    raise _Unplain


_DICT = attrgetter("__dict__")


def _models(cls: type, values: list) -> list[dict]:
    """Instances of exactly ``cls`` as their ``__dict__``s (a copy where a value is converted)."""
    fields = _fields(cls)
    if fields is None or set(map(type, values)) != {cls}:
        raise _Unplain  # a subclass: pydantic writes the declared class's fields only
    names, groups, others = fields
    dicts = list(map(_DICT, values))
    if not all(map(eq, map(dict.keys, dicts), repeat(names))):
        raise _Unplain  # a missing or extra key: pydantic leaves it out
    todo = []
    for getter, ok, members in groups:
        held = map(getter, dicts)
        if len(members) > 1:
            held = chain.from_iterable(held)
        if not set(map(type, held)) <= ok:
            todo += members  # some value to convert (or refuse): field by field
    mine: set[int] = set()  # the dicts copied (never write into a model's own)
    for name, spec in todo + others:
        col = list(map(itemgetter(name), dicts))
        got = _column(spec, col)
        if got is col:
            continue
        for i, (old, new) in enumerate(zip(col, got)):
            if old is not new:
                if i not in mine:
                    dicts[i] = dict(dicts[i])
                    mine.add(i)
                dicts[i][name] = new
    return dicts


def report_json_bytes(report: Any) -> bytes:
    """``report.model_dump_json(indent=2)`` as UTF-8 bytes, the same text; a Report mostly without
    pydantic's schema (above), anything else (a batch report) by pydantic."""
    if report.__class__ is Report:
        from pydantic_core import to_json

        try:
            plain = _models(Report, [report])[0]
        except _Unplain:
            pass
        else:
            return to_json(plain, indent=2, inf_nan_mode="null")
    return report.model_dump_json(indent=2).encode("utf-8")
