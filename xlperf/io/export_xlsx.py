"""The submission workbook: ``xlperf export FILE -o OUT.xlsx``.

Three sheets, values only (no formulas, no macros, no marks):

- 绩效目标表: the familiar layout rebuilt from the clean records (``core.export_layout``),
  project cells merged again, title and 金额单位 rows, print set-up;
- 清洗记录: the records, one row per indicator (the same table ``xlperf split`` writes);
- 权重合计: per project, weights by level-1, total, expected and status.

Every text cell is written as a string (``safe_cells``), so a clerk's ``=HYPERLINK(...)`` stays
text. The file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..core.export_layout import DEFAULT_TITLE, LAYOUT_SHEET, layout_grid
from ..core.grid import col_letter
from ..core.report import LEVEL1_COLUMNS, Report
from .atomic import OutputError, atomic_path
from .records_out import RECORDS_SHEET, fill_records_sheet
from .safe_cells import harden_sheet, safe_row

if TYPE_CHECKING:  # pragma: no cover
    from ..api import CheckResult

WEIGHTS_SHEET = "权重合计"
OTHER_LEVEL = "其他"


def check_export_path(out: Path) -> None:
    """The submission workbook is always .xlsx: refuse .xlsm (macros) and anything else."""
    suffix = Path(out).suffix.lower()
    if suffix == ".xlsm":
        raise OutputError(
            f"报送工作簿不能保存为 .xlsm（启用宏的工作簿）：{out}。导出只含数值、不含宏，请改用 .xlsx 扩展名。"
            "（the submission workbook never carries macros: use .xlsx）"
        )
    if suffix != ".xlsx":
        shown = Path(out).suffix or "（无扩展名）"
        raise OutputError(f"不支持的导出格式“{shown}”，报送工作簿只能保存为 .xlsx：{out}（export writes .xlsx only）")


def _title(result: "CheckResult") -> str:
    for t in result.tables:
        if t.title:
            return t.title
    return DEFAULT_TITLE


def write_export(result: "CheckResult", out: Path) -> None:
    from openpyxl import Workbook

    out = Path(out)
    check_export_path(out)
    records = result.records()
    grid = layout_grid(records, title=_title(result), money_unit="万元", tables=result.tables)

    wb = Workbook()
    wb.properties.creator = "xlperf"
    wb.properties.title = _title(result)
    ws = wb.active
    ws.title = LAYOUT_SHEET
    _write_layout(ws, grid)
    harden_sheet(ws)  # whatever the layout writer did, text stays text

    fill_records_sheet(wb.create_sheet(RECORDS_SHEET), records)
    fill_weights_sheet(wb.create_sheet(WEIGHTS_SHEET), result.report)
    wb.active = 0
    with atomic_path(out) as tmp:
        wb.save(tmp)


def _write_layout(ws: Any, grid: Any) -> None:
    from .layout_xlsx import write_layout_sheet

    write_layout_sheet(ws, grid, style=True)


# --- 权重合计 --------------------------------------------------------------------


def weights_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the 权重合计 sheet (numbers as numbers, a 合计 row at the end)."""
    levels = list(LEVEL1_COLUMNS)
    if any(OTHER_LEVEL in p.weights for p in report.projects):
        levels.append(OTHER_LEVEL)
    header = ["单位", "项目", "预算数(万元)", "指标数"] + levels + ["合计", "期望", "状态"]
    rows: list[list[Any]] = []
    for p in report.projects:
        rows.append(
            [p.unit, p.name, p.budget, p.indicator_count]
            + [p.weights.get(lv) for lv in levels]
            + [p.weight_total, p.expected, p.status]
        )
    if report.projects:
        budget_total = round(sum(p.budget or 0.0 for p in report.projects), 6)
        ok = sum(1 for p in report.projects if p.weight_ok)
        rows.append(
            ["合计", f"{len(report.projects)}个项目", budget_total, sum(p.indicator_count for p in report.projects)]
            + [None] * len(levels)
            + [None, None, f"{ok}个项目权重合计符合期望"]
        )
    return header, rows


def fill_weights_sheet(ws: Any, report: Report) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    header, rows = weights_table(report)
    ws.append(header)
    for row in rows:
        ws.append(safe_row(ws, [_clean_num(v) for v in row]))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c in ws[1]:
        c.font, c.fill, c.alignment = bold, fill, centre
    if rows:
        for c in ws[ws.max_row]:
            c.font = bold
    bad = PatternFill("solid", fgColor="FFC7CE")
    status_col = len(header)
    for r, p in enumerate(report.projects, start=2):
        if not p.weight_ok:
            ws.cell(r, status_col - 2).fill = bad  # 合计
            ws.cell(r, status_col).fill = bad
    widths = {"单位": 30, "项目": 36, "状态": 14}
    for i, h in enumerate(header, 1):
        ws.column_dimensions[col_letter(i)].width = widths.get(h, 11)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{col_letter(len(header))}{max(len(report.projects) + 1, 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _clean_num(v: Any) -> Optional[Any]:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v
