"""The result of a check: per-project weight summary, findings, totals. Also the stable JSON contract."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, Field

from .config import Config
from .model import Finding, Project, Table
from .taxonomy import share_group

LEVEL1_COLUMNS = ("产出指标", "效益指标", "满意度指标", "成本指标")
STATUS_OK = "通过"


class ProjectSummary(BaseModel):
    sheet: str
    row: int
    unit: Optional[str] = None
    name: Optional[str] = None
    budget: Optional[float] = None
    indicator_count: int = 0
    weights: dict[str, float] = Field(default_factory=dict)  # by level-1 (as written, canonical)
    weight_total: float = 0.0
    expected: float = 90.0
    weight_ok: bool = True
    errors: int = 0
    warnings: int = 0
    status: str = STATUS_OK


class Summary(BaseModel):
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


class Report(BaseModel):
    source: str = ""
    sheets: list[str] = Field(default_factory=list)
    projects: list[ProjectSummary] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)

    @property
    def has_errors(self) -> bool:
        return self.summary.errors > 0

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def weight_breakdown(p: Project, config: Config) -> tuple[dict[str, float], float]:
    by: dict[str, float] = {}
    total = 0.0
    for ind in p.indicators:
        if ind.weight is None or ind.is_placeholder:
            continue
        key = ind.level1 if ind.level1 in LEVEL1_COLUMNS else "其他"
        by[key] = by.get(key, 0.0) + ind.weight
        total += ind.weight
    return {k: round(v, 6) for k, v in by.items()}, round(total, 6)


def share_breakdown(p: Project, config: Config) -> dict[str, float]:
    """Weights grouped the way the configured shares count them (成本 inside 产出)."""
    out: dict[str, float] = {}
    for ind in p.indicators:
        if ind.weight is None or ind.is_placeholder:
            continue
        g = share_group(ind.level1, config.shares) or "其他"
        out[g] = out.get(g, 0.0) + ind.weight
    return out


def summarise_project(p: Project, findings: list[Finding], config: Config) -> ProjectSummary:
    weights, total = weight_breakdown(p, config)
    ok = abs(total - config.expected_total) <= config.tolerance
    active = [f for f in findings if not f.waived]
    errors = sum(1 for f in active if f.severity == "error")
    warnings = sum(1 for f in active if f.severity == "warning")
    if not ok:
        status = "权重合计不符"
    elif errors:
        status = "有错误"
    elif warnings:
        status = "有警告"
    else:
        status = STATUS_OK
    unit = "-".join(x for x in (p.unit_code, p.unit_name) if x) or None
    return ProjectSummary(
        sheet=p.sheet, row=p.row_first, unit=unit, name=p.name, budget=p.budget,
        indicator_count=len(p.real_indicators()), weights=weights, weight_total=total,
        expected=config.expected_total, weight_ok=ok, errors=errors, warnings=warnings, status=status,
    )


def build_report(tables: list[Table], findings: list[Finding], config: Config, source: str = "") -> Report:
    by_project: dict[tuple[str, Optional[int]], list[Finding]] = {}
    row_to_project: dict[tuple[str, int], int] = {}
    for t in tables:
        for p in t.projects:
            for r in range(p.row_first, p.row_last + 1):
                row_to_project[(t.sheet, r)] = p.index
    for f in findings:
        idx = row_to_project.get((f.sheet, f.row)) if f.row else None
        by_project.setdefault((f.sheet, idx), []).append(f)

    report = Report(source=source, sheets=[t.sheet for t in tables])
    s = report.summary
    s.expected_total = config.expected_total
    s.tables = len(tables)
    for t in tables:
        for p in t.projects:
            ps = summarise_project(p, by_project.get((t.sheet, p.index), []), config)
            report.projects.append(ps)
            s.indicators += ps.indicator_count
            s.budget_total += p.budget or 0.0
            if ps.weight_ok:
                s.projects_weight_ok += 1
            else:
                s.projects_weight_off.append(p.label)
    s.projects = len(report.projects)
    s.budget_total = round(s.budget_total, 6)
    report.findings = sorted(findings, key=Finding.sort_key)
    for f in report.findings:
        if f.waived:
            s.waived += 1
        elif f.severity == "error":
            s.errors += 1
        elif f.severity == "warning":
            s.warnings += 1
        else:
            s.infos += 1
    return report
