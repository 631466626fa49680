"""The total a table's projects are judged by (WT002, the report's 权重合计 column): one home.

In order: the total the table states (``绩效指标(90分)``, ``合计 100`` less ``预算执行情况(10分)``,
or a list's 合计 row whose weight is every project's total; WT006 says so); else, when nobody configured one, the total the table evidently uses (most of its
weighted projects add up to exactly 100, the national templates' 100 points, and more of them to
100 than to 90 — in a list, of three projects at least; WT007 says so); else the configured total (Sichuan's 90 by default).

"Nobody configured one": ``expected_total`` is not among the fields the settings set (xlperf.toml,
the 配置 sheet, ``--expected-total``, a batch's ``--config``). A total the user chose is never
second-guessed; a default is only a default.
"""

from __future__ import annotations

from typing import Literal, Optional

from .config import Config
from .model import Table, Unit

STANDARD_TOTALS = (90.0, 100.0)  # the two totals templates use (indicators only / with 预算执行)
EVIDENT_TOTAL = 100.0
Why = Literal["stated", "evident", "configured"]
# What a total row's weight is (read_total_row): every project's total (the points each project
# is to add up to: the table states its total), the sum of all of them (a column total), or neither.
TotalRowReading = Literal["every", "sum", "neither"]
# Self-evaluations count their points with the budget line (core.report.evaluation_figures).
_OWN_POINTS_LAYOUTS = frozenset({"self_evaluation"})
# A list (many projects, Sichuan's 90-point practice) needs this many weighted projects before
# their totals count as evidence: one or two projects at 100 are as likely a clerk's slip, which
# WT002 must still catch. A form is one project on its own template: its total is the evidence.
LIST_EVIDENCE_MIN = 3


def project_totals(table: Table, indices: Optional[list[int]] = None) -> list[float]:
    """The weight total of every project with at least one weighted real indicator (of the
    projects at ``indices`` when given)."""
    out = []
    for p in (table.projects if indices is None else [table.projects[i] for i in indices]):
        total, any_weight = 0.0, False
        for i in p.indicators:
            w = i.weight
            if w is not None and not i.is_placeholder:
                total += w
                any_weight = True
        if any_weight:
            out.append(total)
    return out


def evident_total(table: Table, tolerance: float) -> Optional[tuple[float, int, int]]:
    """(100, how many projects total 100, how many are weighted) when more than half of the
    table's weighted projects total exactly 100 and more total 100 than 90 (a list: of at least
    LIST_EVIDENCE_MIN weighted projects); else None."""
    totals = project_totals(table)
    n = len(totals)
    if not n or (table.layout == "list" and n < LIST_EVIDENCE_MIN):
        return None
    at_100 = sum(1 for t in totals if abs(t - EVIDENT_TOTAL) <= tolerance)
    at_90 = sum(1 for t in totals if abs(t - STANDARD_TOTALS[0]) <= tolerance)
    if at_100 * 2 > n and at_100 > at_90:
        return EVIDENT_TOTAL, at_100, n
    return None


def read_total_row(table: Table, row: Unit, tolerance: float) -> Optional[TotalRowReading]:
    """What the weight on a total row (``Table.total_rows``: 合计 or 小计) says of the weighted
    projects it totals; None when it states no number or they have no weights.

    One weighted project makes its total and the sum the same figure: that is a column total
    (``sum``), not a statement of what every project should add up to — a 合计 row under one
    project at 100 must not hide WT002 from it."""
    w = row.weight
    if w is None:
        return None
    totals = project_totals(table, row.project_indices)
    if not totals:
        return None
    if len(totals) > 1 and all(abs(t - w) <= tolerance for t in totals):
        return "every"
    if abs(sum(totals) - w) <= tolerance:
        return "sum"
    return "neither"


def stated_total(table: Table, tolerance: float) -> Optional[tuple[float, Optional[Unit]]]:
    """The total the table states, and the 合计 row that states it (None when a label does):
    a label's points (``Table.stated_total``) first, else the weight of a 合计 row that every
    weighted project adds up to (a 小计 row speaks for its unit, not the table)."""
    stated = table.stated_total()
    if stated is not None and stated > 0:
        return stated, None
    for row in table.total_rows:
        if not row.subtotal and row.weight is not None and row.weight > 0 and (
                read_total_row(table, row, tolerance) == "every"):
            return row.weight, row
    return None


def judged_total(table: Table, config: Config) -> tuple[float, Why]:
    """The total ``table``'s projects are judged by, and where it comes from."""
    stated = stated_total(table, config.tolerance)
    if stated is not None:
        return stated[0], "stated"
    if "expected_total" not in config.model_fields_set and table.layout not in _OWN_POINTS_LAYOUTS:
        got = evident_total(table, config.tolerance)
        if got is not None and abs(got[0] - config.expected_total) > config.tolerance:
            return got[0], "evident"
    return config.expected_total, "configured"
