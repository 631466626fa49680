"""Consolidate forms into the department list (``xlperf combine``): pure, no file access.

Departments collect one form per project and publish the list. ``combine_tables`` takes the
tables read from every file (any layout) and returns the records of the familiar list layout —
one per indicator, each project's 单位名称 its 实施单位 (``code-name``), its department the
主管部门 written the way a list's department row is (``…部门``), grouped so that each department's
projects follow its department row — plus one source row per project (file, sheet, rows,
layout) and the projects given twice.

The writer (``writers.combine``) lays the records out with the export's ``layout_grid``; reading
that workbook back gives the same records (tests/test_combine.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from .blocks import bare_projects, records
from .model import Record, Table
from .normalise import clean_text
from .report import ProjectSummary

_DEPT_SUFFIX_RE = re.compile(r"[(（]\s*部门\s*[)）]$")


def department_text(name: Optional[str]) -> Optional[str]:
    """A 主管部门 as the list's department row writes it: ending in 部门 (the list reader knows a
    department row by that, or by a code of three digits at most), so it reads back as itself."""
    name = clean_text(name)
    if not name:
        return None
    name = _DEPT_SUFFIX_RE.sub("", name).strip()
    return name if name.endswith("部门") else name + "部门"


@dataclass
class SourceRow:
    """Where one combined project came from."""

    file: str
    sheet: str
    row_first: int
    row_last: int
    layout: str
    project: Optional[str]
    unit: Optional[str]
    department: Optional[str]
    budget: Optional[float]
    budget_text: Optional[str]
    indicators: int
    errors: int = 0
    warnings: int = 0

    @property
    def where(self) -> str:
        return f"{self.file} 工作表“{self.sheet}”第{self.row_first}行"


@dataclass
class Combined:
    records: list[Record] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    summaries: list[ProjectSummary] = field(default_factory=list)
    duplicates: list[tuple[SourceRow, SourceRow]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


@dataclass
class FileTables:
    """What ``check`` read from one file: its tables and the report's project summaries
    (in table order, one per project)."""

    file: str
    tables: Sequence[Table]
    summaries: Sequence[ProjectSummary]


def _key(unit: Optional[str], name: Optional[str]) -> tuple[str, str]:
    return ((clean_text(unit) or "").replace(" ", ""), (clean_text(name) or "").replace(" ", ""))


def combine_tables(files: Sequence[FileTables]) -> Combined:
    out = Combined()
    groups: dict[Optional[str], list[tuple[list[Record], SourceRow, ProjectSummary]]] = {}
    seen: dict[tuple[str, str], SourceRow] = {}
    for ft in files:
        summaries = iter(ft.summaries)
        for t in ft.tables:
            recs = records(t) + bare_projects(t)
            for p in t.projects:
                summary = next(summaries)
                own = sorted((r for r in recs if p.row_first <= r.row <= p.row_last), key=lambda r: r.row)
                if t.layout == "list":
                    dept = own[0].department if own else None
                else:
                    dept = department_text(p.department)
                own = [r.model_copy(update={"department": dept, "unit_code": p.unit_code, "unit_name": p.unit_name})
                       for r in own]
                unit = "-".join(x for x in (p.unit_code, p.unit_name) if x) or None
                src = SourceRow(ft.file, t.sheet, p.row_first, p.row_last, t.layout, p.name, unit, dept,
                                p.budget, summary.budget_text, summary.indicator_count, summary.errors, summary.warnings)
                key = _key(unit, p.name)
                if key in seen:
                    out.duplicates.append((seen[key], src))
                else:
                    seen[key] = src
                groups.setdefault(dept, []).append((own, src, summary))
    # Projects without a department first (before any department row), then each department's.
    order = sorted(groups, key=lambda d: (d is not None, list(groups).index(d)))
    for dept in order:
        for own, src, summary in groups[dept]:
            out.records.extend(own)
            out.sources.append(src)
            out.summaries.append(summary)
    return out


def comparable(r: Record) -> tuple[Any, ...]:
    """A record's content without where it was read (sheet, row, cells): what a re-read keeps."""
    d = r.model_dump(exclude={"sheet", "row", "cells"})
    return tuple(sorted(d.items()))
