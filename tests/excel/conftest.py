"""Fixtures for the Excel-side tests: real .xlsx files made with openpyxl, and three small
test-only rules so what the buttons write can be asserted exactly, whatever the real
rulebook says today (the real rules run too, in the consistency tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest

from xlperf.core.model import FIELDS, Fix
from xlperf.core.rules import load_all
from xlperf.core.rules.registry import REGISTRY, Hit, Rule

HEADER = list(FIELDS.values())
TITLE = "部门预算项目绩效目标申报表（2023年度）"
HEADER_ROW = 3  # title, 金额单位, header
FIRST_DATA = HEADER_ROW + 1
COL = {f: i + 1 for i, f in enumerate(FIELDS)}  # field -> 1-based column
TEST_CODES = ("VL990", "VL991", "NM990")
SELECT_TEST_RULES = ["VL99", "NM99"]
DOC = "问题：测试。\n原因：测试。\n反例：测试。\n正例：测试。"


def _too_heavy(ind, project, ctx):
    if ind.weight is not None and ind.weight > 40:
        return Hit(cell=ctx.table.indicator_cell(ind, "weight"), row=ind.row, params={"w": ind.weight})
    return None


def _pending(ind, project, ctx):
    if ind.name and "待定" in ind.name:
        return Hit(cell=ctx.table.indicator_cell(ind, "name"), row=ind.row)
    return None


def _ascii_ge(ind, project, ctx):
    raw = ind.raw.get("comparator")
    if raw == ">=":
        cell = ctx.table.indicator_cell(ind, "comparator")
        return Hit(cell=cell, row=ind.row,
                   fix=Fix(sheet=ctx.table.sheet, cell=cell, old=">=", new="≥", description="“>=”改为“≥”"))
    return None


@pytest.fixture
def test_rules(monkeypatch):
    """VL990 error (weight > 40), VL991 warning (name says 待定), NM990 fixable warning (>=)."""
    load_all()
    rules = [
        Rule("VL990", "test-too-heavy", "error", "indicator", "{cell} 权重{w}过大（测试）", _too_heavy, DOC,
             title="测试：权重过大"),
        Rule("VL991", "test-pending", "warning", "indicator", "{cell} 指标名称待定（测试）", _pending, DOC,
             title="测试：待定"),
        Rule("NM990", "test-ascii-ge", "warning", "indicator", "{cell} 应写作“≥”（测试）", _ascii_ge, DOC,
             title="测试：>=", fixable=True),
    ]
    for r in rules:
        monkeypatch.setitem(REGISTRY, r.code, r)
    return rules


def project_rows(i: int, *, heavy: bool = False, pending: bool = False, ascii_ge: bool = False) -> list[list[Any]]:
    """Five indicator rows of project i; weights 20/15/15/30/10 = 90 unless ``heavy``."""
    p = dict(unit="208001-中国共产党遂宁市委员会政法委员会", project=f"项目{i:05d}", budget=10.0 + i,
             goal="完成年度培训任务，提升干部业务能力水平")
    rows = [
        [p["unit"], p["project"], p["budget"], p["goal"], "产出指标", "数量指标", "培训次数",
         ">=" if ascii_ge else "≥", 5, "次", 45 if heavy else 20, "正向指标"],
        [None, None, None, None, "产出指标", "质量指标", "培训合格率（待定）" if pending else "培训合格率", "≥", 95, "%", 15, "正向指标"],
        [None, None, None, None, "产出指标", "时效指标", "培训完成时限", "≤", 12, "月", 15, "反向指标"],
        [None, None, None, None, "效益指标", "社会效益指标", "干部业务能力", "定性", "提升", None, 30, "正向指标"],
        [None, None, None, None, "满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", 90, "%", 10, "正向指标"],
    ]
    return rows


def make_rows(n_projects: int, *, every: int = 4) -> list[list[Any]]:
    """Projects with problems: every ``every``-th project heavy (error), the next pending
    (warning), the next with ASCII >= (fixable)."""
    rows: list[list[Any]] = []
    for i in range(n_projects):
        k = i % every
        rows.extend(project_rows(i, heavy=k == 1, pending=k == 2, ascii_ge=k == 3))
    return rows


def write_table(path: Path, rows: list[list[Any]], *, sheet: str = "绩效目标表", merge: bool = True,
                config: Optional[list[list[Any]]] = None, fills: bool = True, extra_sheets: bool = False) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.cell_range import MultiCellRange

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([TITLE] + [None] * 11)
    ws.append(["金额单位：万元"] + [None] * 11)
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    if merge:
        refs = ["A1:L1"]
        start = None
        for i, r in enumerate(rows + [["END", None]]):
            if r[1] is not None or r[0] == "END":
                if start is not None and i - 1 > start:
                    refs.extend(f"{c}{FIRST_DATA + start}:{c}{FIRST_DATA + i - 1}" for c in "ABCD")
                start = i
        # ws.merge_cells checks every new range against all earlier ones (quadratic: minutes
        # for 40,000 merges); the covered cells are empty here, so set the ranges directly.
        ws.merged_cells = MultiCellRange(refs)
    if fills:  # the clerk's own formatting, which marks must never touch
        ws["G5"].fill = PatternFill("solid", start_color="00B0F0", end_color="00B0F0")
        ws["K4"].fill = PatternFill("solid", start_color="92D050", end_color="92D050")
    if config is not None:
        cs = wb.create_sheet("配置")
        for row in config:
            cs.append(row)
    wb.save(path)
    return path


def config_rows(extra: Optional[list[list[Any]]] = None) -> list[list[Any]]:
    return [["设置项", "值", "说明"], ["只启用规则", "VL99, NM99", "测试"]] + (extra or [])


@pytest.fixture
def table_file(tmp_path, test_rules):
    """Eight projects (40 rows), problems of each kind, the test rules selected via 配置."""
    return write_table(tmp_path / "表.xlsx", make_rows(8), config=config_rows())
