"""Build small tables for rule tests: a list of data rows under the standard header."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from xlperf.core.blocks import build_table
from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.grid import Grid, Merge
from xlperf.core.model import FIELDS, Finding, Table

HEADER = list(FIELDS.values())
TITLE_ROWS = [["部门预算项目绩效目标申报表（2023年度）"] + [None] * 11, ["金额单位：万元"] + [None] * 11]


def ind(level1="产出指标", level2="数量指标", name="培训次数", comparator="≥", target=5, measure="次",
        weight=20, direction="正向指标", **project: Any) -> list[Any]:
    """One indicator row; pass unit=/project=/budget=/goal= for the project's first row."""
    return [project.get("unit"), project.get("project"), project.get("budget"), project.get("goal"),
            level1, level2, name, comparator, target, measure, weight, direction]


def good_project(name="项目A", budget=10.0, goal="完成年度培训任务，提升干部业务能力水平", **over) -> list[list[Any]]:
    """A clean project whose weights total 90 (50/30/10)."""
    rows = [
        ind(project=name, budget=budget, goal=goal, unit=over.get("unit")),
        ind(level2="质量指标", name="培训合格率", target=95, measure="%", weight=15),
        ind(level2="时效指标", name="培训完成时限", comparator="≤", target=12, measure="月", weight=15, direction="反向指标"),
        ind(level1="效益指标", level2="社会效益指标", name="干部业务能力", comparator="定性", target="提升", measure=None, weight=30),
        ind(level1="满意度指标", level2="服务对象满意度指标", name="参训人员满意度", comparator="≥", target=90, measure="%", weight=10),
    ]
    return rows


def grid_of(rows: Iterable[list[Any]], merges: Iterable[tuple[int, int, int, int]] = (), extra_header: Optional[list[str]] = None) -> Grid:
    header = HEADER + (extra_header or [])
    width = len(header)
    body = [list(r) + [None] * (width - len(r)) for r in rows]
    all_rows = [r + [None] * (width - len(r)) for r in TITLE_ROWS] + [header] + body
    # merges are given in data-row coordinates (0 = first data row)
    off = len(TITLE_ROWS) + 1
    return Grid("绩效目标表", all_rows, [Merge(r1 + off, c1, r2 + off, c2) for r1, c1, r2, c2 in merges])


def table_of(rows, merges=(), extra_header=None) -> Table:
    return build_table(grid_of(rows, merges, extra_header))


def findings_of(rows, merges=(), config: Optional[Config] = None, extra_header=None) -> list[Finding]:
    return check_table(table_of(rows, merges, extra_header), config or Config())


def codes(findings: list[Finding], code: Optional[str] = None) -> list[str]:
    return [f.code for f in findings if code is None or f.code == code]


DATA_ROW0 = len(TITLE_ROWS) + 2  # sheet row of the first data row
