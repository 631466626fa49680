"""Run the rulebook over a Table: each indicator rule over every row, each project rule over every
project, then the table rules (findings sorted at the end)."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .config import Config
from .forked import Forked, can_fork
from .totals import judged_total
from .model import Finding, FindingScope, Indicator, Project, Table, construct_all
from .rules import load_all
from .rules.registry import REGISTRY, Context, Hit, Rule, applies, render_rule, render_rule_en


_FINDING_FIELDS = tuple(Finding.model_fields)
_FINDING_FIELD_SET = set(_FINDING_FIELDS)


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
    # the defaults first, the rule's own values over them (as setdefault on a copy would)
    params = {"cell": hit.cell or (f"第{hit.row}行" if hit.row else table.sheet),
              "project": project.label if project else "", "row": hit.row or ""}
    params.update(hit.params)
    # Every value is already of its field's type (codes, severities and messages are ours), so
    # validation is skipped: thousands of findings on a large table. One shared fields set
    # (construct_all) instead of a new one per finding.
    return construct_all(Finding, {
        "code": code, "slug": r.slug, "severity": severity, "sheet": table.sheet, "cell": hit.cell,
        "row": hit.row, "scope": hit.scope or "cell", "project": project.name if project else None,
        "message": render_rule(r, params, hit.message),
        "message_en": render_rule_en(r, params, hit.message_en),
        "fix": hit.fix, "waived": False, "source": None, "other_cell": None,
    }, _FINDING_FIELD_SET)


def _as_hits(result: Any) -> Iterable[Hit]:
    if result is None:
        return ()
    if isinstance(result, Hit):
        return (result,)
    return result


# Below this many indicator rows a fork costs more than the second core saves.
PARALLEL_MIN_ROWS = 20_000


def _parallel_cut(projects: list[Project], workers: int) -> int:
    """Where to split the projects between this process and a forked one (0: don't), so
    that each side gets about half of the indicator rows."""
    if workers < 2 or not can_fork():
        return 0
    total = sum(len(p.indicators) for p in projects)
    if total < PARALLEL_MIN_ROWS:
        return 0
    acc = 0
    for i, p in enumerate(projects):
        acc += len(p.indicators)
        if acc * 2 >= total:
            return i + 1 if i + 1 < len(projects) else 0
    return 0


def _finding_values(f: Finding) -> tuple:
    d = f.__dict__
    return tuple(d[k] for k in _FINDING_FIELDS)


def _finding_of(values: tuple) -> Finding:
    return construct_all(Finding, dict(zip(_FINDING_FIELDS, values)), _FINDING_FIELD_SET)


def check_table(table: Table, config: Optional[Config] = None, *, workers: int = 1) -> list[Finding]:
    """All findings for one table: those found while reading plus every enabled rule.

    ``workers=2`` lets a large table's second half of projects be checked in a forked process
    on the second core (POSIX only; the findings are the same, in the same order)."""
    load_all()
    config = config or Config()
    # A table that states its points (绩效指标(90分), 合计 100) is judged by them (WT006 says so);
    # one whose projects evidently total 100, when no total was configured, by 100 (WT007).
    configured = config.expected_total
    judged, why = judged_total(table, config)
    if abs(judged - configured) > config.tolerance:
        config = config.model_copy(update={"expected_total": judged})
    ctx = Context(table=table, config=config)
    ctx.cache["configured_total"] = configured
    ctx.cache["judged_total"] = (judged, why)
    enabled = [r for r in REGISTRY.values() if r.func is not None and config.enabled(r.code)
               and applies(r.code, table)]
    # A rule that needs a field the table does not really have is not run; ST030 says so once.
    present = ctx.cache["present_fields"] = table.present_fields()
    skipped = [r for r in enabled if r.needs and not present.issuperset(r.needs)]
    if skipped:
        ctx.cache["skipped_rules"] = skipped
        enabled = [r for r in enabled if r not in skipped]
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
        project_waivers[p.index] = frozenset(acc) | p.waivers
    for ind in table.orphans:
        if ind.waivers:
            waivers_by_row[ind.row] = ind.waivers

    def emit(r: Rule, result: Any, project: Optional[Project]) -> None:
        code = r.code
        proj_w = project_waivers.get(project.index, _NONE) if project is not None and r.scope != "indicator" else _NONE
        for hit in _as_hits(result):
            f = make_finding(code, hit, table, project, config)
            if waivers_by_row or proj_w:  # 豁免 are rare: most tables have none at all
                if _waives(code, waivers_by_row.get(hit.row or -1, _NONE)) or _waives(code, proj_w):
                    f.waived = True
            findings.append(f)

    # The hot loop: 45 indicator rules × every row, rule by rule. Rule-major, not row-major: with
    # one function at the call site for 10,000 calls, CPython (3.11) specialises the call and runs
    # the rule in the same eval loop; cycling through 45 functions per row defeats that and every
    # call goes through the generic path. 10k rows, every rule: 162 → 121 ms (median of 5). Rules
    # are pure (their ctx.cache entries are memos) and each rule still sees the rows in order, so
    # after the sort below the findings are the same, in the same order: the sort key ends with
    # the code, and one rule's findings keep the order it emitted them in.
    ind_funcs = [(r, r.func) for r in ind_rules]
    proj_funcs = [(r, r.func) for r in proj_rules]

    def run(projects: list[Project]) -> list[Finding]:
        nonlocal findings
        saved, findings = findings, []
        try:
            for r, fn in ind_funcs:
                for p in projects:
                    for ind in p.indicators:
                        res = fn(ind, p, ctx)  # type: ignore[misc]
                        if res is not None:
                            emit(r, res, p)
            for r, fn in proj_funcs:
                for p in projects:
                    res = fn(p, ctx)  # type: ignore[misc]
                    if res is not None:
                        emit(r, res, p)
            return findings
        finally:
            findings = saved

    projects = table.projects
    cut = _parallel_cut(projects, workers)
    if cut:
        child = Forked(lambda: [_finding_values(f) for f in run(projects[cut:])])
        try:
            findings.extend(run(projects[:cut]))
        except BaseException:
            child.cancel()
            raise
        tail = child.result()
        findings.extend(run(projects[cut:]) if tail is None else [_finding_of(v) for v in tail])
    else:
        findings.extend(run(projects))
    for r in table_rules:
        res = r.func(table, ctx)  # type: ignore[misc]
        if res is not None:
            emit(r, res, None)

    findings.sort(key=Finding.sort_key)
    return findings


_NONE: frozenset[str] = frozenset()


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
    message_en: Optional[str] = None,
    scope: Optional[FindingScope] = None,
    **params: Any,
) -> Finding:
    """A finding raised while reading (layout, blocks, text import): same codes, same templates.
    ``message`` / ``message_en``: another wording (Chinese / its English) than the rule's."""
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
        scope=scope or "cell",
        project=project,
        message=render_rule(r, params, message),
        message_en=render_rule_en(r, params, message_en),
    )
