"""``self_evaluation`` in its summary shape: the 绩效自评结果汇总表 a department publishes after the
year, one row per project and no indicators:

    序号 | 项目名称 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 自评得分 | 自评等级 | 备注
    1    | 学生资助 | 500        | 500        | 480        | 96%    | 95       | 优
    合计 |          | 1000       | 1020       | 900        | 88.24%

Each row is a project whose ``Evaluation`` carries the score and grade, with one funds line (the
project's 年初预算数 / 全年预算数 / 全年执行数 / 执行率) so the execution-rate check runs as on a
form; the 合计 row is the table's total row with every column's amount (SE018 adds them up).
The indicator checks have nothing to look at, and the report says so once (SE017's table note).

Only the self-evaluation reader calls this module: a sheet with such a header and no indicator
header of its own (``SelfEvaluationReader.read``).
"""

from __future__ import annotations

from typing import Any, Optional

from ..grid import Grid, is_blank
from ..headers import IGNORED_HEADERS, field_of_header
from ..model import Evaluation, FundLine, Funds, Project, Table, Unit, construct_all
from ..normalise import clean_text, compact

# The summary's own columns (the money columns as the self-evaluation form heads them).
_OWN = {
    "score": ("自评得分", "得分", "自评分", "自评分数", "评价得分", "综合得分", "总得分", "自评总分", "绩效自评得分"),
    "grade": ("自评等级", "等级", "评价等级", "自评结果", "评价结果", "绩效等级", "自评结论", "评价结论", "绩效评价等级"),
    "spent": ("实际支出", "支出数", "执行金额", "实际支出数", "决算数", "实际执行金额"),
}
_TOTAL_WORDS = frozenset({"合计", "总计", "全部合计", "小计合计"})
_PROJECT_FIELDS = set(Project.model_fields)


def summary_header(row: list[Any]) -> Optional[dict[str, int]]:
    """field -> column of a summary header: 项目名称 with a score or grade and an amount or rate
    column; None for any other row (a target list, a self-evaluation's indicator header)."""
    from .self_evaluation import _MONEY_LOOKUP, key

    own = {h: f for f, hs in _OWN.items() for h in hs}
    cols: dict[str, int] = {}
    for c, v in enumerate(row):
        k = key(v)
        if k is None:
            continue
        f = own.get(k) or _MONEY_LOOKUP.get(k)
        if f is None:
            f = field_of_header(v)
            if f in ("name", "level1", "level2", "target"):
                return None  # an indicator header: a list's, or a self-evaluation's
            if f not in ("project", "unit", "note"):
                f = None
        if f is not None and f not in cols:
            cols[f] = c
    if "project" in cols and ("score" in cols or "grade" in cols) and (
            "spent" in cols or "rate" in cols or "budget" in cols or "initial" in cols):
        return cols
    return None


def find_summary_header(grid: Grid, upto: int) -> Optional[int]:
    for r in range(min(upto, grid.height)):
        if summary_header(grid.rows[r]) is not None:
            return r
    return None


def read_summary(grid: Grid, header: int, reader_name: str) -> Table:
    """The summary as one Table: a project per row, the 合计 row as its total row."""
    from ..engine import read_finding
    from .self_evaluation import _YEAR_RE, TITLE_RE, number, percent

    cols = summary_header(grid.rows[header]) or {}
    A = grid.addr
    title, year = None, None
    for r in range(header):
        for v in grid.rows[r]:
            if isinstance(v, str) and title is None and TITLE_RE.search(v) and len(v) <= 60:
                title = clean_text(v)
                m = _YEAR_RE.search(v)
                year = m.group(1) if m else None
    projects: list[Project] = []
    total_rows: list[Unit] = []
    findings = []
    money = ("initial", "budget", "spent")
    header_row = grid.rows[header]
    ignored = {c for c, v in enumerate(header_row) if clean_text(v) in IGNORED_HEADERS}  # 序号
    known = set(cols.values()) | ignored
    unit_name: Optional[str] = None
    for r in range(header + 1, grid.height):
        row = grid.rows[r]
        if all(is_blank(v) for v in row):
            continue
        get = {f: (None if c >= len(row) or is_blank(row[c]) else row[c]) for f, c in cols.items()}
        first = next((v for v in row if not is_blank(v)), None)
        is_total = any(isinstance(v, str) and compact(v) in _TOTAL_WORDS for v in row[: (cols["project"] + 1)])
        if is_total:
            amounts = {f: number(get[f]) for f in money if get.get(f) is not None}
            cells = {f: A(r, cols[f]) for f in money + ("rate",) if get.get(f) is not None}
            if get.get("rate") is not None:
                amounts["rate"], places = percent(get["rate"])
                amounts["rate_places"] = places
            budget_f = "budget" if "budget" in amounts else "initial"
            total_rows.append(construct_all(Unit, {
                "code": None, "name": clean_text(first) or "合计", "row": grid.sheet_row(r),
                "budget": amounts.get(budget_f), "budget_raw": get.get(budget_f),
                "budget_cell": cells.get(budget_f), "department_code": None, "project_indices": [],
                "amounts": amounts, "amount_cells": cells}, set(Unit.model_fields)))
            _unplaced(grid, r, known, findings, read_finding)
            continue
        if get.get("project") is None:
            if get.get("unit") is not None and all(get.get(f) is None for f in cols if f not in ("unit",)):
                unit_name = clean_text(get["unit"])  # a unit row heading the projects below it
                continue
            _unplaced(grid, r, ignored, findings, read_finding)  # figures without a project
            continue
        if get.get("unit") is not None:
            unit_name = clean_text(get["unit"])
        values = {f: number(get[f]) for f in money if get.get(f) is not None}
        rate, places = percent(get["rate"]) if get.get("rate") is not None else (None, None)
        cells = {f: A(r, cols[f]) for f in (*money, "rate") if get.get(f) is not None}
        raw = {f: get[f] for f in (*money, "rate") if get.get(f) is not None}
        if places is not None:
            raw["rate_places"] = places
        budget = values.get("budget", values.get("initial"))
        line = FundLine(label=clean_text(get["project"]) or "", role="total", amount=budget, cell=cells.get("budget") or cells.get("initial"),
                        initial=values.get("initial"), budget=values.get("budget"), spent=values.get("spent"),
                        rate=rate, cells=cells, raw=raw)
        ev = Evaluation(year=year, execution_rate=rate, total_score=number(get.get("score")))
        ev.grade = clean_text(get.get("grade"))
        for f, target in (("score", "total_score"), ("grade", "grade"), ("rate", "execution_rate")):
            if get.get(f) is not None:
                ev.cells[target] = A(r, cols[f])
                ev.raw[target] = get[f]
        p_cells = {"project": A(r, cols["project"])}
        details: dict[str, Any] = {}
        if get.get("note") is not None:
            details["备注"] = clean_text(get["note"])
            p_cells["备注"] = A(r, cols["note"])
        if "unit" in cols and get.get("unit") is not None:
            p_cells["unit"] = A(r, cols["unit"])
        projects.append(construct_all(Project, {
            "index": len(projects), "sheet": grid.sheet, "row_first": grid.sheet_row(r), "row_last": grid.sheet_row(r),
            "name": clean_text(get["project"]), "budget": budget, "goal": None, "unit_code": None,
            "unit_name": unit_name, "department_code": None, "indicators": [],
            "raw": {"project": get["project"], **({"budget": raw.get("budget", raw.get("initial"))} if budget is not None else {})},
            "seen": {}, "cells": {**p_cells, **({"budget": line.cell} if line.cell else {})}, "waivers": frozenset(),
            "department": None, "funds": Funds(total=budget, total_cell=line.cell, lines=[line]),
            "goal_long": None, "details": details, "evaluation": ev, "costs": None,
        }, _PROJECT_FIELDS))
        _unplaced(grid, r, known, findings, read_finding)
    columns = {f: c + grid.col0 for f, c in cols.items()}
    reason = (f"第{grid.sheet_row(header)}行为自评结果汇总表表头（项目名称、"
              f"{'、'.join(z for f, z in _ZH.items() if f in cols)}），每行一个项目，没有指标")
    rows = [p.row_first for p in projects]
    for t in total_rows:  # the 合计 row totals every project (BG002 and SE018 compare it with them)
        t.project_indices = list(range(len(projects)))
    return Table(sheet=grid.sheet, source=grid.source, title=title, header_row=grid.sheet_row(header), columns=columns,
                 projects=projects, total_rows=total_rows, findings=findings, layout=reader_name,
                 layout_reason=reason, data_rows=(min(rows), max(rows)) if rows else (0, 0))


_ZH = {"initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数", "rate": "执行率", "score": "自评得分",
       "grade": "自评等级"}


def _unplaced(grid: Grid, r: int, known: set[int], findings: list, read_finding) -> None:
    """ST010 for a cell of the row outside the summary's columns and its 序号 column; the 合计
    label is structure."""
    for c, v in enumerate(grid.rows[r]):
        if is_blank(v) or c in known or (isinstance(v, str) and compact(v) in _TOTAL_WORDS):
            continue
        findings.append(read_finding("ST010", sheet=grid.sheet, cell=grid.addr(r, c), row=grid.sheet_row(r),
                                     value=clean_text(v) or ""))
