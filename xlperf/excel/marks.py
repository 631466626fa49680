"""Pure builders of what 校验 writes: the mark block, the 校验说明 column, the 校验结果 rows
and the summary for the clerk. No workbook access here: each result is one 2-D block that
the port writes in one call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Protocol, Union

from ..core.grid import address, col_letter, parse_address
from ..core.headers import header_key
from ..core.model import SEVERITY_ZH, Finding, Table
from ..core.report import Report
from .port import NOTES_HEADER, Formula, SheetData, quote_sheet
from ..core.normalise import plain_number
from ..writers.sheet_layout import PrintSetup, text_height

CODE_OF = {"error": "E", "warning": "W", "info": "I"}
RANK = {"E": 3, "W": 2, "I": 1, "": 0, None: 0}
RESULT_HEADER = ["级别", "代码", "单元格", "项目", "说明", "已豁免"]
RESULT_WIDTHS = {"A": 6, "B": 7, "C": 14, "D": 26, "E": 64, "F": 7}
MAX_NAMES = 10


@dataclass
class Area:
    """Where the table's data sits on the sheet (1-based, inclusive)."""

    header_row: int
    first_row: int
    last_row: int
    last_col: int
    notes_col: int  # the 校验说明 column (existing, or the first free column)
    # Forms and self-evaluations have cells above their indicator header (labels, the funds
    # block): the marks start at the form's first row; the 校验说明 column still starts below
    # the header. None: marks start at ``first_row`` (a list).
    mark_first: Optional[int] = None

    @property
    def mark_from(self) -> int:
        return self.mark_first if self.mark_first is not None else self.first_row

    @property
    def ref(self) -> str:
        return f"A{self.mark_from}:{col_letter(self.last_col)}{self.last_row}"

    @property
    def empty(self) -> bool:
        return self.last_row < self.first_row or self.last_col < 1


class SheetShape(Protocol):
    """What marking needs to know of a sheet. A file is marked without reading all its values
    (``xlperf.writers.mark_package``), so this is asked for instead of a :class:`SheetData`."""

    @property
    def height(self) -> int:
        """Rows from A1 to the last row holding a cell."""

    def row_values(self, row: int) -> list[Any]:
        """The values of one sheet row (1-based), from column A."""

    def last_used_col(self, at_least: int) -> int:
        """``at_least`` or the rightmost column holding a value, whichever is further right."""


@dataclass
class DataShape:
    """:class:`SheetShape` over values already read (Excel, openpyxl)."""

    data: SheetData

    @property
    def height(self) -> int:
        return self.data.height

    def row_values(self, row: int) -> list[Any]:
        return list(self.data.values[row - 1]) if 1 <= row <= self.data.height else []

    def last_used_col(self, at_least: int) -> int:
        return max(at_least, last_used_col(self.data))

    def column_values(self, col: int, first: int) -> Iterable[Any]:
        return (row[col - 1] if col <= len(row) else None for row in self.data.values[first - 1:])


def shape_of(data: Union[SheetData, SheetShape]) -> SheetShape:
    return DataShape(data) if isinstance(data, SheetData) else data


# What xlperf writes into a 校验说明 cell: finding_line()s joined by "；".
_OUR_NOTE = re.compile(r"^(?:错误|警告|提示) [A-Z]{2}\d{3}：")


def ours(v: Any) -> bool:
    """A 校验说明 cell xlperf could have written (blank, or our finding lines)."""
    return v is None or (isinstance(v, str) and (not v.strip() or _OUR_NOTE.match(v) is not None))


def notes_column(data: Union[SheetData, SheetShape], header_row: int) -> Optional[int]:
    """The 校验说明 column (1-based) xlperf wrote before: headed 校验说明 (the way the reader
    ignores it) and holding nothing but our notes. A 校验说明 column with the clerk's own text
    is theirs: None, and ours goes beside it (to the right of everything they wrote)."""
    shape = shape_of(data)
    if 1 <= header_row <= shape.height:
        for c, v in enumerate(shape.row_values(header_row), 1):
            if header_key(v) == NOTES_HEADER and all(ours(x) for x in _column(shape, c, header_row + 1)):
                return c
    return None


def _column(shape: SheetShape, col: int, first: int) -> Iterable[Any]:
    values = getattr(shape, "column_values", None)
    if values is not None:
        return values(col, first)
    return (row[col - 1] if col <= len(row) else None
            for row in (shape.row_values(r) for r in range(first, shape.height + 1)))


NOTES_SCAN_ROWS = 200  # where 校验 puts the 校验说明 header: a list's header row, a form's first row


def notes_anchor(data: Union[SheetData, SheetShape]) -> Optional[tuple[int, int]]:
    """(row, col), 1-based, of the 校验说明 header 校验 wrote on this sheet, whatever its layout:
    a list's header row, or the first row of a sheet of forms (the reader of a form has no
    header row to look on, so the first rows are scanned for the exact text)."""
    shape = shape_of(data)
    for r in range(1, min(shape.height, NOTES_SCAN_ROWS) + 1):
        for c, v in enumerate(shape.row_values(r), 1):
            if v.__class__ is str and v.strip() == NOTES_HEADER:
                return r, c
    return None


def without_notes(data: SheetData) -> list[list[Any]]:
    """The sheet's rows with our own 校验说明 column blanked (a copy of the rows it touches):
    what the readers must see, so that a second 校验 does not read the first one's notes as the
    clerk's content (a form reader would take them for stray cells)."""
    at = notes_anchor(data)
    rows = list(data.values)
    if at is None:
        return rows
    r0, c = at
    for r in range(r0 - 1, len(rows)):
        row = rows[r]
        if c <= len(row) and row[c - 1] is not None:
            row = list(row)
            row[c - 1] = None
            rows[r] = row
    return rows


def last_used_col(data: SheetData) -> int:
    """The rightmost column holding a value (Excel's used range keeps cleared columns until
    the file is saved, so its width alone would push 校验说明 one column further each time)."""
    last = 0
    for row in data.values:
        for c in range(len(row), last, -1):
            v = row[c - 1]
            if v is not None and not (isinstance(v, str) and not v.strip()):
                last = c
                break
    return last


def cell_of(f: Finding, table: Table) -> Optional[tuple[int, int]]:
    """The (row, col) a finding is shown on: its cell, else the indicator-name cell of its row."""
    if f.cell:
        try:
            r, c = parse_address(f.cell.split(":")[0])
            return r, c
        except (ValueError, IndexError):
            pass
    if f.row:
        col = table.columns.get("name") or table.columns.get("project") or 1
        return f.row, col
    return None


def table_area(data: Union[SheetData, SheetShape], table: Table, findings: Iterable[Finding]) -> Area:
    shape = shape_of(data)
    header = table.header_row or 1
    notes = notes_column(shape, header)
    cols = list(table.columns.values())
    last_row = max(shape.height, table.data_rows[1] or 0)
    last_col = max(cols or [1])
    top = header + 1
    if table.layout != "list" and table.projects:
        top = min(top, min(p.row_first for p in table.projects))
    for f in findings:
        rc = cell_of(f, table)
        if rc and rc[0] >= top and (notes is None or rc[1] < notes):
            last_col = max(last_col, rc[1])
            last_row = max(last_row, rc[0])
    if notes is None:  # the first column right of everything the clerk wrote
        notes = shape.last_used_col(last_col) + 1
    last_col = min(last_col, notes - 1)
    return Area(header, header + 1, last_row, last_col, notes, top if top <= header else None)


def mine(findings: Iterable[Finding], sheet: str) -> list[Finding]:
    return [f for f in findings if f.sheet == sheet]


def mark_block(area: Area, table: Table, findings: Iterable[Finding]) -> tuple[int, list[list[Any]]]:
    """(first sheet row, rows) of status codes for the area: the worst active finding per cell.

    Only the rows between the first and the last mark are returned (the mark sheet is cleared
    before the write), so a clean 50,000-row table writes almost nothing.
    """
    codes: dict[tuple[int, int], str] = {}
    for f in findings:
        if f.waived:
            continue
        rc = cell_of(f, table)
        if rc is None or not (area.mark_from <= rc[0] <= area.last_row and 1 <= rc[1] <= area.last_col):
            continue
        code = CODE_OF[f.severity]
        if RANK[code] > RANK[codes.get(rc)]:
            codes[rc] = code
    if not codes:
        return area.mark_from, []
    r1 = min(r for r, _ in codes)
    r2 = max(r for r, _ in codes)
    rows: list[list[Any]] = [[None] * area.last_col for _ in range(r2 - r1 + 1)]
    for (r, c), code in codes.items():
        rows[r - r1][c - 1] = code
    return r1, rows


def finding_line(f: Finding) -> str:
    waived = "（已豁免）" if f.waived else ""
    return f"{SEVERITY_ZH[f.severity]} {f.code}：{f.message}{waived}"


def notes_block(area: Area, findings: Iterable[Finding]) -> list[list[Any]]:
    """The 校验说明 column from the header row down: one text per row that has findings."""
    by_row: dict[int, list[str]] = {}
    for f in findings:
        if f.row and area.first_row <= f.row <= area.last_row:
            by_row.setdefault(f.row, []).append(finding_line(f))
    rows: list[list[Any]] = [[NOTES_HEADER]]
    for r in range(area.first_row, area.last_row + 1):
        lines = by_row.get(r)
        rows.append(["；".join(lines) if lines else None])
    return rows


class Link(Formula):
    """A HYPERLINK formula that knows what it shows, for writers that store the shown value."""

    label: str = ""


def link(sheet: str, cell: str, label: Optional[str] = None) -> Link:
    """``=HYPERLINK("#'表'!E12","E12")``: a click jumps to the cell (the # keeps it in the book)."""
    target = f"#{quote_sheet(sheet)}!{cell}".replace('"', '""')
    text = (label or cell).replace('"', '""')
    out = Link(f'=HYPERLINK("{target}","{text}")')
    out.label = label or cell
    return out


def results_rows(findings: Iterable[Finding]) -> list[list[Any]]:
    rows: list[list[Any]] = [list(RESULT_HEADER)]
    for f in findings:
        if f.cell and f.sheet:
            where: Any = link(f.sheet, f.cell.split(":")[0], f.cell)
        elif f.row and f.sheet:
            where = link(f.sheet, address(f.row, 1), f"第{f.row}行")
        else:
            where = f.sheet or None
        rows.append([SEVERITY_ZH[f.severity], f.code, where, f.project, f.text(), "是" if f.waived else None])
    return rows


def first_error(findings: Iterable[Finding], sheet: str, table: Table) -> Optional[str]:
    for f in findings:
        if f.severity == "error" and not f.waived and f.sheet == sheet:
            rc = cell_of(f, table)
            if rc:
                return address(*rc)
    return None


def summary_text(report: Report, sheet: str, marked: bool = True) -> str:
    s = report.summary
    lines: list[str] = []
    if s.errors == 0 and s.warnings == 0:
        lines.append(f"校验通过：“{sheet}”未发现错误或警告（{s.projects}个项目，{s.indicators}条指标）。")
    else:
        lines.append(f"校验完成：“{sheet}”共有错误 {s.errors} 个、警告 {s.warnings} 个"
                     f"（{s.projects}个项目，{s.indicators}条指标）。")
    extra = []
    if s.infos:
        extra.append(f"提示 {s.infos} 个")
    if s.waived:
        extra.append(f"已豁免 {s.waived} 个")
    if extra:
        lines.append("另有" + "，".join(extra) + "。")
    off = s.projects_weight_off
    # a self-evaluation's 权重 are the indicators' points (分值): say so
    what = "指标分值合计" if report.projects and all(p.layout == "self_evaluation" for p in report.projects) \
        else f"{s.weight_word}合计"
    if off:
        names = "、".join(off[:MAX_NAMES]) + (f" 等{len(off)}个" if len(off) > MAX_NAMES else "")
        lines.append(f"{what}不等于{plain_number(s.expected_total)}的项目（{len(off)}个）：{names}。")
    elif s.projects:
        lines.append(f"全部{s.projects}个项目的{what}均为{plain_number(s.expected_total)}。")
    if marked and (s.errors or s.warnings):
        lines.append("错误单元格标为红色、警告标为黄色；每行的原因见右侧“校验说明”列，"
                     "全部问题见“校验结果”工作表（点击单元格地址可跳转）。")
    return "\n".join(lines)


# --- how the marked table looks and prints (every port: files, the package, live Excel) ----------

# The 校验说明 column of a marked table: this wide (characters), its text wrapped.
NOTES_WIDTH = 40
MAX_ROW_PT = 409.0  # Excel's tallest row (a taller one is refused by Excel's RowHeight, cut by its file reader)


@dataclass
class TableLayout:
    """What 校验 does to the look of the clerk's own sheet, beside the marks: one description
    that :meth:`WorkbookPort.lay_out_table` applies in each port, so the rules live here.

    - the 校验说明 column (``notes_col``) is ``notes_width`` wide, its cells wrapped and top-aligned
      from ``notes_rows[0]`` (its header) to ``notes_rows[1]``; the header cell (``header_row``)
      is bold on grey like the headers xlperf writes;
    - ``heights``: rows whose notes need more than one line are raised to this (never lowered);
    - a print area that ends at the table's last column (``last_col``) is widened to 校验说明;
    - ``print``: A4 landscape, the table's own columns one page wide (``scale`` None: the port
      measures the columns' widths, :func:`xlperf.writers.sheet_layout.scale_for`), a page break
      before 校验说明 (so it prints on one more page), the header row repeated on every page —
      applied only where the clerk has no print set-up of their own.
    """

    notes_col: int
    notes_rows: tuple[int, int]
    heights: dict[int, float]
    header_row: Optional[int]
    print: Optional[PrintSetup]
    notes_width: float = NOTES_WIDTH

    @property
    def last_col(self) -> int:
        return self.notes_col - 1


def table_layout(notes: list[tuple[str, list[list[Any]]]], title_row: Optional[int]) -> TableLayout:
    """The layout of a marked sheet from its 校验说明 blocks ((top-left cell, rows), the first
    one headed 校验说明) and the table's header row."""
    notes_row, notes_col = parse_address(notes[0][0])
    first, last = notes_row, notes_row
    heights: dict[int, float] = {}
    for at, block in notes:
        top, _ = parse_address(at)
        first, last = min(first, top), max(last, top + len(block) - 1)
        for i, row in enumerate(block):
            if row and row[0]:
                need = min(text_height(row[0], NOTES_WIDTH), MAX_ROW_PT)
                if need > 16:
                    heights[top + i] = max(heights.get(top + i, 0.0), need)
    title = title_row or notes_row
    last_col = notes_col - 1
    setup = PrintSetup(landscape=True, break_after=last_col or None, title_rows=(title, title))
    return TableLayout(notes_col, (first, last), heights, notes_row, setup)

