"""Write a Grid in the familiar layout of the 绩效目标表 — to an openpyxl worksheet
(``write_layout_sheet``: the macro workbook's sheets, the text importer's workbook) or streamed
into a submission workbook (``layout_sheet``: ``xlperf export``) — and the text importer's
result to a workbook (the table plus a 导入记录 sheet of what was repaired).

Layout: title merged across the twelve columns, a 金额单位 row, bold wrapped centred
headers with thin borders, the project/unit merges, wide goal and name columns,
wrapped text, panes frozen below the header, A4 landscape fitted to one page wide
with the header rows repeated on every printed page. Both writers take the look from one
``LayoutPlan`` (styles, widths, row heights), so it is the same whichever wrote the sheet.
"""

from __future__ import annotations

import math
from copy import copy
from dataclasses import dataclass
from itertools import chain, repeat, zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

from ..core.grid import Grid, col_letter
from ..core.headers import field_of_header
from ..core.model import FIELDS, SEVERITY_ZH
from .atomic import atomic_path
from .safe_cells import set_cell
from .sheet_layout import display_width
from .xlsx_stream import Sheet, Style, ValueMemo, XlsxBook, cell_range, num_text

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ..readers.text import ImportResult

IMPORT_LOG_SHEET = "导入记录"
IMPORT_LOG_HEADERS = ("规则", "级别", "单元格", "源行号", "说明")
SAMPLE_TEXT = Path(__file__).resolve().parent.parent / "data" / "sample_2023.txt"
SAMPLE_XLSX = SAMPLE_TEXT.with_suffix(".xlsx")

# Column widths (in characters) by field: goal and names wide, short codes narrow.
WIDTHS: dict[str, float] = {
    "unit": 16, "project": 22, "budget": 11, "goal": 44, "level1": 11, "level2": 13,
    "name": 30, "comparator": 8, "target": 11, "measure": 9, "weight": 7, "direction": 11,
}
DEFAULT_WIDTH = 12
_WRAP_LEFT = {"unit", "project", "goal", "name"}
HEADER_FILL = "D9E1F2"
MONEY_FORMAT = "#,##0.00"
TITLE_STYLE = Style(bold=True, size=16, horizontal="center", vertical="center")
UNIT_ROW_STYLE = Style(horizontal="left", vertical="center")  # 金额单位 and other rows above the header
HEADER_STYLE = Style(bold=True, horizontal="center", vertical="center", wrap=True, border=True, fill=HEADER_FILL)
TITLE_HEIGHT = 30.0
LINE_HEIGHT = 15.0  # points per wrapped line at the default 11 pt
PRINT_MARGINS = (0.4, 0.4, 0.5, 0.5, 0.5, 0.5)  # left, right, top, bottom, header, footer


def data_style(field: Optional[str]) -> Style:
    """Every cell below the header: thin borders, wrapped, names left and codes centred."""
    return Style(border=True, horizontal="left" if field in _WRAP_LEFT else "center", vertical="center",
                 wrap=True, number_format=MONEY_FORMAT if field == "budget" else None)


def header_row_of(grid: Grid) -> Optional[int]:
    """0-based grid row of the header (the first row naming at least six of the twelve fields)."""
    for r, row in enumerate(grid.rows[:30]):
        fields = {field_of_header(v) for v in row if isinstance(v, str)}
        if len(fields & set(FIELDS)) >= 6:
            return r
    return None


# --- the plan both writers follow --------------------------------------------------------


@dataclass
class LayoutPlan:
    """How a Grid is laid out; rows and columns are 0-based grid positions."""

    width: int  # columns styled and sized (at least the twelve fields)
    hdr: Optional[int]  # header row, None when the grid has none
    first_data: int  # first row below the header
    fields: list[Optional[str]]  # field of each column
    widths: list[float]  # width of each column, in characters
    columns: list[list[Any]]  # the data rows' values by column; merge-covered cells blank
    heights: dict[int, float]  # explicit row heights in points (title row and data rows)

    def last_row(self, grid: Grid) -> int:
        return grid.height + grid.row0 - 1

    def last_col(self, grid: Grid) -> int:
        return self.width + grid.col0 - 1

    def print_titles(self, grid: Grid) -> Optional[str]:
        if self.hdr is None:
            return None
        return f"{1 + grid.row0 if self.hdr > 0 else grid.row0}:{self.hdr + grid.row0}"

    def freeze(self, grid: Grid) -> Optional[str]:
        return None if self.hdr is None else f"{col_letter(grid.col0)}{self.hdr + 1 + grid.row0}"

    def print_area(self, grid: Grid) -> str:
        return f"{col_letter(grid.col0)}{grid.row0}:{col_letter(self.last_col(grid))}{self.last_row(grid)}"


def layout_plan(grid: Grid) -> LayoutPlan:
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
    fields = [col_field.get(c) for c in range(width)]
    widths = [WIDTHS.get(f or "", DEFAULT_WIDTH) for f in fields]
    first = (hdr + 1) if hdr is not None else 0
    columns = _data_columns(grid, first, width)
    heights = _row_heights(grid, first, fields, widths, columns)
    if hdr is not None and hdr > 0:
        heights[0] = TITLE_HEIGHT
    return LayoutPlan(width, hdr, first, fields, widths, columns, heights)


def _data_columns(grid: Grid, first: int, width: int) -> list[list[Any]]:
    """Values of rows ``first``… column by column, cells under a merge (not its anchor) blank."""
    height = grid.height
    n = height - first
    cols = [list(col) for col in zip_longest(*grid.rows[first:])] if n > 0 else []
    cols += [[None] * n for _ in range(width - len(cols))]
    for m in grid.merges:
        for c in range(m.c1, min(m.c2, len(cols) - 1) + 1):
            lo = max(m.r1 + 1 if c == m.c1 else m.r1, first) - first
            hi = min(m.r2 + 1, height) - first
            if hi > lo:
                cols[c][lo:hi] = repeat(None, hi - lo)
    return cols


def _display_width(text: str) -> int:
    return display_width(text)  # one definition (and its fast path) for every writer


def _lines_needed(v: Any, col_width: float, money: bool = False) -> int:
    """Wrapped lines the value needs at this width, as it is shown: money as 1,234.50, other
    numbers in Excel's General format (an int and an equal float look the same)."""
    if v is None:
        return 1
    if isinstance(v, bool):
        text = "TRUE" if v else "FALSE"
    elif isinstance(v, (int, float)):
        text = (f"{v:,.2f}" if math.isfinite(v) else "") if money else (num_text(v) or "")
    else:
        text = str(v)
    usable = max(1.0, col_width - 1.5)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))


def _row_heights(grid: Grid, first: int, fields: list[Optional[str]], widths: list[float],
                 columns: list[list[Any]]) -> dict[int, float]:
    """Explicit heights so wrapped text shows whole in Excel, WPS and LibreOffice alike.

    A row gets the lines its own (unmerged) cells need; a vertical merge whose rows are
    still too short for its text (a long goal) spreads the missing height over its rows.
    Computed column by column (``ValueMemo``): 1.2 M cells at 100k rows.
    """
    height = grid.height
    n = height - first
    if n <= 0:
        return {}
    memos: dict[tuple[float, bool], ValueMemo] = {}

    def lines_of(width: float, money: bool) -> ValueMemo:
        m = memos.get((width, money))
        if m is None:
            m = memos[(width, money)] = ValueMemo(lambda v: _lines_needed(v, width, money))
        return m

    def width_of(c: int) -> float:
        return widths[c] if c < len(widths) else DEFAULT_WIDTH

    def money(c: int) -> bool:
        return c < len(fields) and fields[c] == "budget"

    line_cols = [lines_of(width_of(c), money(c)).column(col) for c, col in enumerate(columns)]
    # A vertical merge's text counts for all its rows together (below), not for its first row.
    tall: list[tuple[Any, int]] = []  # (merge, lines its text needs) where its rows may be too few
    for m in grid.merges:
        if m.r2 == m.r1 or not first <= m.r1 < height or m.c1 >= len(line_cols):
            continue
        i = m.r1 - first
        if m.c2 == m.c1:
            lines = line_cols[m.c1][i]
        else:
            width = sum(width_of(c) for c in range(m.c1, m.c2 + 1))
            lines = lines_of(width, money(m.c1)).get_one(grid.get(m.r1, m.c1))
        line_cols[m.c1][i] = 1
        if lines > min(m.r2, height - 1) - m.r1 + 1:  # every row is at least one line high
            tall.append((m, lines))
    most = list(map(max, repeat(1, n), *line_cols)) if line_cols else [1] * n
    heights = [LINE_HEIGHT * k for k in most]
    for m, lines in tall:
        rows = range(m.r1 - first, min(m.r2, height - 1) - first + 1)
        need = LINE_HEIGHT * lines
        have = sum(heights[i] for i in rows)
        if need > have:
            extra = (need - have) / len(rows)
            for i in rows:
                heights[i] += extra
    return dict(zip(range(first, height), map(round, heights, repeat(1))))


# --- openpyxl ---------------------------------------------------------------------------


def _openpyxl_style(style: Style) -> dict[str, Any]:
    """The openpyxl style attributes of ``style`` (for ``setattr`` on a cell)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    out: dict[str, Any] = {}
    if style.bold or style.size:
        out["font"] = Font(bold=style.bold or None, size=style.size)
    if style.fill:
        out["fill"] = PatternFill("solid", fgColor=style.fill)
    if style.border:
        thin = Side(style="thin", color="000000")
        out["border"] = Border(left=thin, right=thin, top=thin, bottom=thin)
    if style.has_alignment:
        out["alignment"] = Alignment(horizontal=style.horizontal, vertical=style.vertical,
                                     wrap_text=True if style.wrap else None)
    if style.number_format:
        out["number_format"] = style.number_format
    return out


def style_cell(cell: Any, style: Style) -> Any:
    for name, value in _openpyxl_style(style).items():
        setattr(cell, name, value)
    return cell


def write_layout_sheet(ws: "Worksheet", grid: Grid, *, style: bool = True) -> None:
    """Values, merges and (with ``style``) the familiar look of the table."""
    from openpyxl.cell.cell import Cell

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

    plan = layout_plan(grid)
    r0, c0 = grid.row0, grid.col0
    for c, w in enumerate(plan.widths):
        ws.column_dimensions[col_letter(c + c0)].width = w
    hdr = plan.hdr
    if hdr is not None:
        for r in range(hdr):  # title and 金额单位 rows above the header
            style_cell(ws.cell(row=r + r0, column=c0), TITLE_STYLE if r == 0 else UNIT_ROW_STYLE)
        for c in range(plan.width):
            style_cell(ws.cell(row=hdr + r0, column=c + c0), HEADER_STYLE)
        ws.freeze_panes = plan.freeze(grid)
        ws.print_title_rows = plan.print_titles(grid)

    # One styled prototype per column, then its style array copied: assigning style objects
    # cell by cell hashes them every time (~30 µs a cell).
    protos = [style_cell(Cell(ws, row=1, column=1), data_style(f))._style for f in plan.fields]
    for r in range(plan.first_data, grid.height):
        for c in range(plan.width):
            ws.cell(row=r + r0, column=c + c0)._style = copy(protos[c])
    for r, h in plan.heights.items():
        ws.row_dimensions[r + r0].height = h
    ws.print_area = plan.print_area(grid)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    left, right, top, bottom, _, _ = PRINT_MARGINS
    ws.page_margins.left, ws.page_margins.right = left, right
    ws.page_margins.top, ws.page_margins.bottom = top, bottom


def _merge_all(ws: "Worksheet", grid: Grid) -> None:
    """``ws.merge_cells`` for every merge, in linear time.

    openpyxl's ``merge_cells`` checks each new range against every existing one
    (``MultiCellRange.__contains__``), which is quadratic: 6,000 project merges of a
    10,000-row table take ~40 s. The Grid's merges never overlap (the core built them),
    so add them directly and do what ``merge_cells`` does for each.
    """
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    ranges = ws.merged_cells.ranges
    for m in grid.merges:
        r1, c1, r2, c2 = m.r1 + grid.row0, m.c1 + grid.col0, m.r2 + grid.row0, m.c2 + grid.col0
        mcr = MergedCellRange(ws, cell_range(r1, c1, r2, c2))
        ranges.add(mcr)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    ws._cells[r, c] = MergedCell(ws, r, c)
        mcr.format()


# --- streamed (xlsx_stream) ---------------------------------------------------------------


def layout_sheet(book: XlsxBook, grid: Grid) -> Sheet:
    """The layout as a streamed sheet of ``book``: what ``write_layout_sheet`` makes of it."""
    plan = layout_plan(grid)
    r0, c0 = grid.row0, grid.col0
    return Sheet(
        name=grid.sheet,
        rows=chain(_head_rows(book, grid, plan), _data_rows(book, grid, plan)),
        dimension=f"{col_letter(c0)}{r0}:{col_letter(plan.last_col(grid))}{max(plan.last_row(grid), r0)}",
        widths=[(c + c0, w) for c, w in enumerate(plan.widths)],
        freeze=plan.freeze(grid),
        merges=[cell_range(m.r1 + r0, m.c1 + c0, m.r2 + r0, m.c2 + c0) for m in grid.merges],
        print_titles=plan.print_titles(grid),
        print_area=plan.print_area(grid),
        fit_width=True,
        centered=True,
        margins=PRINT_MARGINS,
    )


def _head_rows(book: XlsxBook, grid: Grid, plan: LayoutPlan) -> Iterator[str]:
    """Title, 金额单位 and header rows, cell by cell (a handful)."""
    hdr = plan.hdr
    covered = {(r, c) for m in grid.merges if m.r1 < plan.first_data
               for r in range(m.r1, min(m.r2, plan.first_data - 1) + 1) for c in range(m.c1, m.c2 + 1)
               if (r, c) != (m.r1, m.c1)}
    title, unit_row, header = book.style(TITLE_STYLE), book.style(UNIT_ROW_STYLE), book.style(HEADER_STYLE)
    for r in range(plan.first_data):
        row = grid.rows[r]
        cells = []
        for c in range(max(len(row), plan.width if r == hdr else 0)):
            v = row[c] if c < len(row) and (r, c) not in covered else None
            if r == hdr:
                sid = header
            elif c == 0 and hdr is not None:
                sid = title if r == 0 else unit_row
            else:
                sid = 0
            cells.append((c + grid.col0, v, sid))
        yield book.row(r + grid.row0, cells, plan.heights.get(r))


def _data_rows(book: XlsxBook, grid: Grid, plan: LayoutPlan) -> Iterator[str]:
    first = plan.first_data
    styles = [book.style(data_style(f)) for f in plan.fields]
    heights = [plan.heights.get(r) for r in range(first, grid.height)]
    return book.rows(first + grid.row0, plan.columns, styles, first_col=grid.col0, heights=heights)


def import_log_rows(result: "ImportResult") -> list[list[Any]]:
    """One row per import finding: 规则 | 级别 | 单元格 | 源行号 | 说明."""
    lines = list(result.finding_lines) + [()] * (len(result.findings) - len(result.finding_lines))
    out: list[list[Any]] = []
    for f, ls in zip(result.findings, lines):
        # the clerk's sheet keeps the English after the Chinese, as it always had it
        text = f"{f.message}（{f.message_en}）" if f.message_en else f.message
        out.append([f.code, SEVERITY_ZH[f.severity], f.cell or "", ls[0] if ls else None, text])
    return out


def write_import_log(ws: "Worksheet", result: "ImportResult") -> None:
    from openpyxl.styles import Alignment

    ws.append(list(IMPORT_LOG_HEADERS))
    for row in import_log_rows(result):
        ws.append(row)
    for c, w in enumerate((8, 8, 10, 9, 100), start=1):
        ws.column_dimensions[col_letter(c)].width = w
    head = Style(bold=True, fill=HEADER_FILL, border=True, horizontal="center", vertical="center")
    for cell in ws[1]:
        style_cell(cell, head)
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


def build_import_workbook(result: "ImportResult", *, style: bool = True) -> "Workbook":
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = result.grid.sheet or "绩效目标表"
    write_layout_sheet(ws, result.grid, style=style)
    log = wb.create_sheet(IMPORT_LOG_SHEET)
    write_import_log(log, result)
    from .sheet_marker import mark_own_sheet

    mark_own_sheet(log)
    return wb


def write_import_workbook(path: Path, result: "ImportResult") -> None:
    """The imported table (sheet 绩效目标表) and the 导入记录 sheet, written atomically."""
    wb = build_import_workbook(result)
    with atomic_path(Path(path)) as tmp:
        wb.save(tmp)


def regenerate_sample(out: Path = SAMPLE_XLSX) -> None:
    """Rebuild ``xlperf/data/sample_2023.xlsx`` from ``sample_2023.txt``."""
    from ..readers.text import import_text

    result = import_text(SAMPLE_TEXT.read_text(encoding="utf-8"))
    result.grid.source = SAMPLE_TEXT.name
    write_import_workbook(out, result)


if __name__ == "__main__":  # python -m xlperf.writers.styled_table
    regenerate_sample()
    print(SAMPLE_XLSX)
