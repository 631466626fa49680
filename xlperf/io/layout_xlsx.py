"""Write a Grid to an openpyxl worksheet in the familiar layout of the 绩效目标表, and the
text importer's result to a workbook (the table plus a 导入记录 sheet of what was repaired).

Layout: title merged across the twelve columns, a 金额单位 row, bold wrapped centred
headers with thin borders, the project/unit merges, wide goal and name columns,
wrapped text, panes frozen below the header, A4 landscape fitted to one page wide
with the header rows repeated on every printed page.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..core.grid import Grid
from .safe_cells import set_cell
from ..core.layout import field_of_header
from ..core.model import FIELDS, SEVERITY_ZH
from .atomic import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from ..core.pdftext import ImportResult

IMPORT_LOG_SHEET = "导入记录"
IMPORT_LOG_HEADERS = ("规则", "级别", "单元格", "源行号", "说明")
SAMPLE_TEXT = Path(__file__).resolve().parent.parent / "data" / "sample_2023.txt"
SAMPLE_XLSX = SAMPLE_TEXT.with_suffix(".xlsx")

# Column widths (in characters) by field: goal and names wide, short codes narrow.
WIDTHS: dict[str, float] = {
    "unit": 16, "project": 22, "budget": 11, "goal": 44, "level1": 11, "level2": 13,
    "name": 30, "comparator": 8, "target": 11, "measure": 9, "weight": 7, "direction": 11,
}
_WRAP_LEFT = {"unit", "project", "goal", "name"}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def header_row_of(grid: Grid) -> Optional[int]:
    """0-based grid row of the header (the first row naming at least six of the twelve fields)."""
    for r, row in enumerate(grid.rows[:30]):
        fields = {field_of_header(v) for v in row if isinstance(v, str)}
        if len(fields & set(FIELDS)) >= 6:
            return r
    return None


def write_layout_sheet(ws: Worksheet, grid: Grid, *, style: bool = True) -> None:
    """Values, merges and (with ``style``) the familiar look of the table."""
    covered = grid.merge_map()
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row):
            if v is None or (r, c) in covered:
                continue
            # set_cell: text such as "=100%" or "=cmd|..." stays text, never a formula
            set_cell(ws.cell(row=r + grid.row0, column=c + grid.col0), v)
    _merge_all(ws, grid)
    if not style:
        return

    width = max(grid.width, len(FIELDS))
    hdr = header_row_of(grid)
    col_field: dict[int, str] = {}
    if hdr is not None:
        for c, v in enumerate(grid.rows[hdr]):
            f = field_of_header(v) if isinstance(v, str) else None
            if f in FIELDS:
                col_field[c] = f
    else:
        col_field = dict(enumerate(FIELDS))

    for c in range(width):
        f = col_field.get(c)
        ws.column_dimensions[get_column_letter(c + grid.col0)].width = WIDTHS.get(f or "", 12)

    last_row = grid.height + grid.row0 - 1
    last_col = width + grid.col0 - 1
    first_data = (hdr + 1) if hdr is not None else 0
    if hdr is not None:
        # Title and 金额单位 rows above the header.
        for r in range(hdr):
            cell = ws.cell(row=r + grid.row0, column=grid.col0)
            if r == 0:
                cell.font = Font(bold=True, size=16)
                cell.alignment = Alignment(horizontal="center", vertical="center")
                ws.row_dimensions[r + grid.row0].height = 30
            else:
                cell.alignment = Alignment(horizontal="left", vertical="center")
        for c in range(width):
            cell = ws.cell(row=hdr + grid.row0, column=c + grid.col0)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = _BORDER
            cell.fill = _HEADER_FILL
        ws.freeze_panes = ws.cell(row=hdr + 1 + grid.row0, column=grid.col0).coordinate
        ws.print_title_rows = f"{1 + grid.row0 if hdr > 0 else grid.row0}:{hdr + grid.row0}"

    # One styled prototype per column, then its style array copied: assigning style objects
    # cell by cell hashes them every time (~30 µs a cell).
    protos = []
    for c in range(width):
        f = col_field.get(c)
        proto = Cell(ws, row=1, column=1)
        proto.border = _BORDER
        proto.alignment = Alignment(horizontal="left" if f in _WRAP_LEFT else "center", vertical="center", wrap_text=True)
        if f == "budget":
            proto.number_format = "#,##0.00"
        protos.append(proto._style)
    for r in range(first_data, grid.height):
        for c in range(width):
            ws.cell(row=r + grid.row0, column=c + grid.col0)._style = copy(protos[c])

    _set_row_heights(ws, grid, first_data, {c: WIDTHS.get(col_field.get(c) or "", 12) for c in range(width)})
    ws.print_area = f"{ws.cell(row=grid.row0, column=grid.col0).coordinate}:{get_column_letter(last_col)}{last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


LINE_HEIGHT = 15.0  # points per wrapped line at the default 11 pt


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines_needed(v: Any, col_width: float) -> int:
    if v is None:
        return 1
    text = f"{v:,.2f}" if isinstance(v, float) else str(v)
    usable = max(1.0, col_width - 1.5)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))


def _set_row_heights(ws: Worksheet, grid: Grid, first: int, widths: dict[int, float]) -> None:
    """Explicit heights so wrapped text shows whole in Excel, WPS and LibreOffice alike.

    A row gets the lines its own (unmerged) cells need; a vertical merge whose rows are
    still too short for its text (a long goal) spreads the missing height over its rows.
    """
    merged_anchor = {(m.r1, m.c1): m for m in grid.merges}
    covered = grid.merge_map()
    heights = {r: LINE_HEIGHT for r in range(first, grid.height)}
    for r in range(first, grid.height):
        for c, v in enumerate(grid.rows[r]):
            if v is None or (r, c) in covered:
                continue
            m = merged_anchor.get((r, c))
            if m is not None and m.r2 > m.r1:
                continue
            heights[r] = max(heights[r], LINE_HEIGHT * _lines_needed(v, widths.get(c, 12)))
    for m in grid.merges:
        if m.r2 == m.r1 or m.r1 < first:
            continue
        v = grid.get(m.r1, m.c1)
        width = sum(widths.get(c, 12) for c in range(m.c1, m.c2 + 1))
        need = LINE_HEIGHT * _lines_needed(v, width)
        rows = range(m.r1, m.r2 + 1)
        have = sum(heights[r] for r in rows)
        if need > have:
            extra = (need - have) / len(rows)
            for r in rows:
                heights[r] += extra
    for r, h in heights.items():
        ws.row_dimensions[r + grid.row0].height = round(h, 1)


def _merge_all(ws: Worksheet, grid: Grid) -> None:
    """``ws.merge_cells`` for every merge, in linear time.

    openpyxl's ``merge_cells`` checks each new range against every existing one
    (``MultiCellRange.__contains__``), which is quadratic: 6,000 project merges of a
    10,000-row table take ~40 s. The Grid's merges never overlap (the core built them),
    so add them directly and do what ``merge_cells`` does for each.
    """
    ranges = ws.merged_cells.ranges
    for m in grid.merges:
        r1, c1, r2, c2 = m.r1 + grid.row0, m.c1 + grid.col0, m.r2 + grid.row0, m.c2 + grid.col0
        mcr = MergedCellRange(ws, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
        ranges.add(mcr)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    ws._cells[r, c] = MergedCell(ws, r, c)
        mcr.format()


def import_log_rows(result: "ImportResult") -> list[list[Any]]:
    """One row per import finding: 规则 | 级别 | 单元格 | 源行号 | 说明."""
    lines = list(result.finding_lines) + [()] * (len(result.findings) - len(result.finding_lines))
    out: list[list[Any]] = []
    for f, ls in zip(result.findings, lines):
        out.append([f.code, SEVERITY_ZH[f.severity], f.cell or "", ls[0] if ls else None, f.message])
    return out


def write_import_log(ws: Worksheet, result: "ImportResult") -> None:
    ws.append(list(IMPORT_LOG_HEADERS))
    for row in import_log_rows(result):
        ws.append(row)
    for c, w in enumerate((8, 8, 10, 9, 100), start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column == 5)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if ws.max_row > 1:
        ws.auto_filter.ref = f"A1:E{ws.max_row}"


def build_import_workbook(result: "ImportResult", *, style: bool = True) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = result.grid.sheet or "绩效目标表"
    write_layout_sheet(ws, result.grid, style=style)
    write_import_log(wb.create_sheet(IMPORT_LOG_SHEET), result)
    return wb


def write_import_workbook(path: Path, result: "ImportResult") -> None:
    """The imported table (sheet 绩效目标表) and the 导入记录 sheet, written atomically."""
    wb = build_import_workbook(result)
    with atomic_path(Path(path)) as tmp:
        wb.save(tmp)


def regenerate_sample(out: Path = SAMPLE_XLSX) -> None:
    """Rebuild ``xlperf/data/sample_2023.xlsx`` from ``sample_2023.txt``."""
    from ..core.pdftext import import_text

    result = import_text(SAMPLE_TEXT.read_text(encoding="utf-8"))
    result.grid.source = SAMPLE_TEXT.name
    write_import_workbook(out, result)


if __name__ == "__main__":  # python -m xlperf.io.layout_xlsx
    regenerate_sample()
    print(SAMPLE_XLSX)
