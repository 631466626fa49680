"""``self_evaluation`` in its list shape: a department's 项目支出绩效自评表 as one list, many projects,
one row per indicator, the target list's columns with the year's figures beside them:

    单位名称 | 项目名称 | 预算数 | 执行数 | 执行率 | 一级指标 | … | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因
    某县教育局 | 学生资助 | 500 | 480 | 96% | 产出指标 | … | ≥1000人 | 1050人 | 30 | 30 |

The list reader (``core.blocks.build_table``) reads it as it reads a target list — units, merged
project blocks, levels filled down, 合计 rows — with the self-evaluation columns kept beside each
indicator (its ``kept`` columns); this module then gives them their meaning: 实际完成值 / 得分 /
偏差原因 are the indicator's ``actual`` / ``score`` / ``reason``, 年初预算数 / 执行数 / 执行率 the
project's, in one funds line (as a form's 年度资金总额 line), so the self-evaluation checks (SE001 …)
run as on a form. A project figure written again lower in its block with another value is ST003's
(``Project.seen``), as the budget is.

Only the self-evaluation reader calls this module (``SelfEvaluationReader.read``); the list reader's
fit steps aside for such a header (``ListReader.fit``).
"""

from __future__ import annotations

from typing import Any, Optional

from ..config import Config
from ..grid import Grid, is_blank
from ..headers import field_of_header
from ..model import EVALUATION_COLUMNS, EXECUTION_COLUMNS, Evaluation, FundLine, Funds, Table
from ..normalise import clean_text

# Per indicator row, and per project (its block's first row, or merged over the block).
INDICATOR_FIELDS = ("actual", "score", "reason")
PROJECT_FIELDS = ("initial", "spent", "rate")
# The clerk's words for them (ST003's messages, the reading's reason, the kept columns' keys).
FIELD_ZH = {**EVALUATION_COLUMNS, **EXECUTION_COLUMNS}
_SCORE_HEADERS = frozenset({"得分", "自评得分", "指标得分", "评分", "实际得分"})


def _field(v: Any) -> Optional[str]:
    """The self-evaluation field a header cell names (None for the target list's own headers,
    which the list reader reads: 全年预算数 is its 预算数, 说明 its 备注)."""
    from .self_evaluation import _IND_LOOKUP, _MONEY_LOOKUP, key

    k = key(v)
    if k is None or field_of_header(v) is not None:
        return None
    if k in _SCORE_HEADERS:
        return "score"
    f = _IND_LOOKUP.get(k)
    if f in INDICATOR_FIELDS:
        return f
    f = _MONEY_LOOKUP.get(k)
    return f if f in PROJECT_FIELDS or f == "reason" else None


def list_header(row: list[Any]) -> Optional[dict[str, int]]:
    """field -> 0-based column of the self-evaluation columns of a list's header row: 项目名称, an
    indicator column (三级指标 or 指标值) and 实际完成值 or 得分; None for any other row (a target
    list's header, a form's indicator grid)."""
    if not any(v.__class__ is str for v in row):
        return None
    own: dict[str, int] = {}
    listed = set()
    for c, v in enumerate(row):
        if v.__class__ is not str:
            continue
        f = field_of_header(v)
        if f is not None:
            listed.add(f)
            continue
        g = _field(v)
        if g is not None and g not in own:
            own[g] = c
    if "project" in listed and ("name" in listed or "target" in listed) and ("actual" in own or "score" in own):
        return own
    return None


def filled_header(grid: Grid, r: int) -> Optional[dict[str, int]]:
    """:func:`list_header` of row ``r`` when some row below fills its 实际完成值 or 得分 column: a
    target list with those columns added but empty everywhere is a target list (a column empty
    everywhere counts as absent), read by the list reader."""
    own = list_header(grid.rows[r])
    if own is None:
        return None
    cols = [c for f, c in own.items() if f in ("actual", "score")]
    for row in grid.rows[r + 1:]:
        n = len(row)
        if any(c < n and not is_blank(row[c]) for c in cols):
            return own
    return None


def find_list_header(grid: Grid, upto: int) -> Optional[int]:
    for r in range(min(upto, grid.height)):
        if filled_header(grid, r) is not None:
            return r
    return None


def read_list(grid: Grid, header: int, reader_name: str, config: Config) -> Table:
    """The list as one Table of projects with their indicators' actuals and scores."""
    from .list_layout import read_list_table
    from .self_evaluation import _YEAR_RE, _actual, number, percent

    own = filled_header(grid, header) or {}
    kept = {c: FIELD_ZH[f] for f, c in own.items()}
    table = read_list_table(grid, config, kept=kept)
    if table.header_row != grid.sheet_row(header):
        return table  # the list reader took another row for the header: its own reading (and ST001) stands
    table.layout = reader_name
    for f, c in own.items():
        table.columns[f] = c + grid.col0
    year = None
    for v in (table.title, *(v for r in range(header) for v in grid.rows[r])):
        m = _YEAR_RE.search(v) if isinstance(v, str) else None
        if m:
            year = m.group(1)
            break
    yuan = table.money_unit == "元"
    fields = {FIELD_ZH[f]: f for f in own}
    for p in table.projects:
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        cells: dict[str, str] = {}
        for ind in p.indicators:
            got = {fields[k]: (ind.details.pop(k), ind.origin.pop(k, None)) for k in list(ind.details) if k in fields}
            for f in INDICATOR_FIELDS:
                v, _ = got.get(f, (None, None))
                ind.raw[f] = v
            ind.actual = _actual(ind.raw["actual"])
            ind.score = number(ind.raw["score"])
            ind.reason = clean_text(ind.raw["reason"]) if ind.raw["reason"] is not None else None
            for f in PROJECT_FIELDS:
                if f not in got:
                    continue
                v, cell = got[f]
                if f not in raw:
                    raw[f], cells[f] = v, cell or ""
                    p.seen[f] = [(ind.row, v)]
                else:
                    from ..blocks import _seen

                    _seen(p, f, ind.row, v)
        for f in PROJECT_FIELDS:
            v = raw.get(f)
            if v is None:
                continue
            if f == "rate":
                values["rate"], places = percent(v)
                if places is not None:
                    raw["rate_places"] = places
            else:
                n = number(v)
                values[f] = None if n is None else (n / 10000 if yuan else n)
        line_cells = {**cells, **({"budget": p.cells["budget"]} if p.cells.get("budget") else {})}
        line_raw = {**raw, **({"budget": p.raw["budget"]} if "budget" in p.raw else {})}
        line = FundLine(label=p.name or "", role="total", amount=p.budget, cell=p.cells.get("budget"),
                        label_cell=p.cells.get("project"),
                        initial=values.get("initial"), budget=p.budget, spent=values.get("spent"),
                        rate=values.get("rate"), cells=line_cells, raw=line_raw)
        p.funds = Funds(total=p.budget, total_cell=p.cells.get("budget"), lines=[line])
        p.evaluation = Evaluation(year=year, execution_rate=values.get("rate"), has_points="weight" in table.columns,
                                  has_scores="score" in own)
        p.cells.update({f: c for f, c in cells.items() if c})
    named = "、".join(FIELD_ZH[f] for f in (*INDICATOR_FIELDS, *PROJECT_FIELDS) if f in own)
    table.layout_reason = f"第{table.header_row}行为清单式自评表表头（项目名称、三级指标与{named}），每行一个指标"
    return table
