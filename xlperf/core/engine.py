"""Run the rulebook over a Table: one pass over indicators, one over projects, one over the table."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .config import Config
from .model import Finding, Indicator, Project, Table, fast_construct
from .rules import load_all
from .rules.registry import REGISTRY, Context, Hit, Rule, render, render_rule


def make_finding(
    code: str,
    hit: Hit,
    table: Table,
    project: Optional[Project],
    config: Optional[Config] = None,
) -> Finding:
    r = REGISTRY[code]
    severity = hit.severity or r.severity
    if config is not None:
        severity = config.severity_of(code, severity)
    params = dict(hit.params)
    params.setdefault("cell", hit.cell or (f"第{hit.row}行" if hit.row else table.sheet))
    params.setdefault("project", project.label if project else "")
    params.setdefault("row", hit.row or "")
    # Every value is already of its field's type (codes, severities and messages are ours), so
    # validation is skipped: thousands of findings on a large table.
    return fast_construct(
        Finding,
        code=code,
        slug=r.slug,
        severity=severity,
        sheet=table.sheet,
        cell=hit.cell,
        row=hit.row,
        project=project.name if project else None,
        message=render_rule(r, params, hit.message),
        fix=hit.fix,
        waived=False,
    )


def _as_hits(result: Any) -> Iterable[Hit]:
    if result is None:
        return ()
    if isinstance(result, Hit):
        return (result,)
    return result


def check_table(table: Table, config: Optional[Config] = None) -> list[Finding]:
    """All findings for one table: those found while reading plus every enabled rule."""
    load_all()
    config = config or Config()
    ctx = Context(table=table, config=config)
    enabled = [r for r in REGISTRY.values() if r.func is not None and config.enabled(r.code)]
    ind_rules = [r for r in enabled if r.scope == "indicator"]
    proj_rules = [r for r in enabled if r.scope == "project"]
    table_rules = [r for r in enabled if r.scope == "table"]

    findings: list[Finding] = []
    for f in table.findings:
        if config.enabled(f.code):
            sev = config.severity_of(f.code, f.severity)
            findings.append(f if sev == f.severity else f.model_copy(update={"severity": sev}))

    waivers_by_row: dict[int, frozenset[str]] = {}
    project_waivers: dict[int, frozenset[str]] = {}
    for p in table.projects:
        acc: set[str] = set()
        for ind in p.indicators:
            if ind.waivers:
                waivers_by_row[ind.row] = ind.waivers
                acc |= ind.waivers
        project_waivers[p.index] = frozenset(acc)
    for ind in table.orphans:
        if ind.waivers:
            waivers_by_row[ind.row] = ind.waivers

    def emit(r: Rule, result: Any, project: Optional[Project]) -> None:
        for hit in _as_hits(result):
            f = make_finding(r.code, hit, table, project, config)
            row_w = waivers_by_row.get(hit.row or -1, frozenset())
            proj_w = project_waivers.get(project.index, frozenset()) if project and r.scope != "indicator" else frozenset()
            if _waives(r.code, row_w) or _waives(r.code, proj_w):
                f.waived = True
            findings.append(f)

    # The hot loop: 27 indicator rules × every row. Functions are bound once; a rule returns
    # None for a clean row, which is nearly always.
    ind_funcs = [(r, r.func) for r in ind_rules]
    proj_funcs = [(r, r.func) for r in proj_rules]
    for p in table.projects:
        for ind in p.indicators:
            for r, fn in ind_funcs:
                res = fn(ind, p, ctx)  # type: ignore[misc]
                if res is not None:
                    emit(r, res, p)
        for r, fn in proj_funcs:
            res = fn(p, ctx)  # type: ignore[misc]
            if res is not None:
                emit(r, res, p)
    for r in table_rules:
        res = r.func(table, ctx)  # type: ignore[misc]
        if res is not None:
            emit(r, res, None)

    findings.sort(key=Finding.sort_key)
    return findings


def _waives(code: str, waivers: frozenset[str]) -> bool:
    if not waivers:
        return False
    return code in waivers or code[:2] in waivers or "ALL" in waivers


def read_finding(
    code: str,
    *,
    sheet: str,
    cell: Optional[str] = None,
    row: Optional[int] = None,
    project: Optional[str] = None,
    severity=None,
    message: Optional[str] = None,
    **params: Any,
) -> Finding:
    """A finding raised while reading (layout, blocks, text import): same codes, same templates."""
    load_all()
    r = REGISTRY[code]
    params.setdefault("cell", cell or (f"第{row}行" if row else sheet))
    params.setdefault("project", project or "")
    params.setdefault("row", row or "")
    return Finding(
        code=code,
        slug=r.slug,
        severity=severity or r.severity,
        sheet=sheet,
        cell=cell,
        row=row,
        project=project,
        message=render(code, params, message),
    )
