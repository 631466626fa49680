"""The workbook port over live Excel, through xlwings' public (BSD) API only.

Each port method is a handful of COM calls whatever the table size: a used range is read
with one ``Range.value`` and written with one assignment of a 2-D list. xlwings PRO (remote
and calamine engines) is never used.

Two things xlwings has no public API for, done through ``.api`` (COM) on Windows only:

- *very hidden* sheets: ``sheet.api.Visible = 2`` (``xlSheetVeryHidden``); on macOS the sheet
  is just hidden;
- the merged ranges of a sheet: one ``Range.Value(xlRangeValueXMLSpreadsheet)`` call returns
  the block as Excel 2003 XML, whose ``ss:MergeAcross``/``ss:MergeDown`` attributes list every
  merge (asking each cell for its ``merge_area`` would cost one call per cell). If that call
  fails, no merges are returned: the core fills project blocks down without them, because
  Excel reports the hidden cells of a merge as empty.

How a sheet looks and prints (issue 14) comes from the one description every port applies
(:class:`xlperf.writers.sheet_layout.SheetLayout` for the sheets xlperf writes,
:class:`xlperf.excel.marks.TableLayout` for the clerk's marked sheet); here it is done with
xlwings' public API where it has one (widths, wrap, alignment, fill, bold, row heights, the
conditional formats) and through COM (``COM_API``) for the rest: the page set-up
(``Worksheet.PageSetup``, batched between ``Application.PrintCommunication = False/True``), the
manual page break (``VPageBreaks.Add``), the auto-filter, the frozen header (the window's
``SplitRow`` + ``FreezePanes``) and xlperf's own-sheet marker, a hidden sheet-level name
(``Names.Add("'校验结果'!_xlperf_sheet", '="校验结果"', False)``: the name's sheet prefix makes it
sheet-level; Excel saves it as the file ports write it, core/own_sheets.py).

Everything here is on the Windows checklist (docs/windows-checklist.md); a test checks that
every xlwings attribute used exists in the pinned xlwings' public classes, and runs the buttons
on a fake that has exactly these xlwings and COM members and records what is set.
"""

from __future__ import annotations

import contextlib
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator, Optional

from ..core.grid import Merge, col_letter, col_number
from ..core.own_sheets import MARKER
from .port import (
    MARK_SHEET,
    MARK_STYLES,
    Block,
    BookInfo,
    CountingPort,
    Formula,
    SheetData,
    Visibility,
    counted,
    named_like_ours,
    quote_sheet,
)

XL_SHEET_VERY_HIDDEN = 2
XL_RANGE_VALUE_XML_SPREADSHEET = 11
XL_PAPER_A4 = 9
XL_PORTRAIT, XL_LANDSCAPE = 1, 2
MAX_ROW_PT = 409.0  # Excel refuses a taller RowHeight
SS_NS = "urn:schemas-microsoft-com:office:spreadsheet"

# The public xlwings API this module (and ribbon.py) relies on, by class; checked by a test
# against the pinned xlwings so an upgrade that renames something fails on Linux, not on a
# clerk's desk.
XLWINGS_API: dict[str, tuple[str, ...]] = {
    "Book": ("caller", "app", "name", "fullname", "sheets", "sheet_names"),
    "Sheets": ("active", "add"),
    "Sheet": ("name", "range", "used_range", "cells", "activate", "clear", "visible", "api", "names"),
    "Range": ("options", "value", "formula", "last_cell", "row", "column", "select", "api",
              "column_width", "row_height", "wrap_text", "vertical_alignment", "color", "font", "rows",
              "conditional_formats"),
    "RangeRows": ("autofit",),
    "Font": ("bold",),
    "Names": (),  # iterated
    "Name": ("name",),
    "ConditionalFormats": ("add_custom",),
    "ConditionalFormat": ("formula", "delete"),
    "App": ("properties", "alert", "screen_updating", "calculation", "api"),
}
# Top-level names: ``xw.Book.caller()`` in ribbon.py, the UDF decorators in xlperf/excel/udfs.py.
XLWINGS_TOP: tuple[str, ...] = ("Book", "func", "arg", "ret")
# COM members used through ``.api`` (Windows only), by Excel object: the test fake has exactly
# these; what Excel does with them is on the Windows checklist.
COM_API: dict[str, tuple[str, ...]] = {
    "Application": ("PrintCommunication", "ActiveWindow"),
    "Window": ("FreezePanes", "SplitRow", "SplitColumn", "ScrollRow"),
    "Worksheet": ("Visible", "PageSetup", "Names", "VPageBreaks", "AutoFilterMode", "Cells"),
    "PageSetup": ("PaperSize", "Orientation", "Zoom", "FitToPagesWide", "FitToPagesTall", "PrintTitleRows",
                  "PrintTitleColumns", "PrintArea", "LeftMargin", "RightMargin"),
    "Names": ("Add",),  # Add(Name, RefersTo, Visible)
    "VPageBreaks": ("Add",),  # Add(Before)
    "Range": ("AutoFilter",),  # and Value(11) through PyIDispatch (merges)
}


def excel_text(v: Any) -> Any:
    """A value for ``Range.value``: text Excel would turn into a number, date or formula
    ("001", "2023-1", "=x", "-5") gets the apostrophe prefix that keeps it text."""
    if isinstance(v, Formula):
        return str(v)
    if isinstance(v, str) and v and (v[0] in "=+-@'0123456789. \t" or v.upper() in ("TRUE", "FALSE")):
        return "'" + v
    return v


class XlwingsPort(CountingPort):
    def __init__(self, book: Any, *, com: Optional[bool] = None) -> None:
        super().__init__()
        self.book = book
        self.app = book.app
        self._busy = False
        self._pending: list[tuple[str, str, bool]] = []
        # COM (``.api``) is Excel for Windows'; elsewhere (macOS) only the public API is used.
        self.com = sys.platform == "win32" if com is None else com

    @contextlib.contextmanager
    def busy(self) -> Iterator["XlwingsPort"]:
        """No redraw and no recalculation while a button works; messages wait until the
        screen is live again, so the clerk sees the marks behind the message box."""
        self._busy = True
        try:
            with self.app.properties(screen_updating=False, calculation="manual"):
                yield self
        finally:
            self._busy = False
            pending, self._pending = self._pending, []
            for text, title, error in pending:
                self._alert(text, title, error)

    # --- reads ---------------------------------------------------------------

    @counted
    def book_info(self) -> BookInfo:
        full = str(self.book.fullname)
        path = Path(full) if Path(full).is_absolute() and not full.lower().startswith("http") else None
        names = tuple(self.book.sheet_names)
        # Only sheets named as xlperf names its own are looked at (a few COM calls each, not one
        # per sheet of a large workbook): the marker, else the first rows (an earlier version's
        # header row, or nothing at all).
        own = frozenset(n for n in names if named_like_ours(n) and _is_own(self.book.sheets[n]))
        return BookInfo(self.book.name, path, self.book.sheets.active.name, names, own)

    @counted
    def read_sheet(self, name: str, *, formulas: bool = False, merges: bool = True) -> Optional[SheetData]:
        if name not in self.book.sheet_names:
            return None
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        rng = sheet.range((1, 1), (last.row, last.column))  # from A1, so addresses line up
        values = rng.options(ndim=2).value
        found = None
        if formulas:
            found = {}
            for r, row in enumerate(_rows2d(rng.formula)):
                for c, f in enumerate(row):
                    if isinstance(f, str) and f.startswith("="):
                        found[(r, c)] = f
        mlist = _read_merges(rng) if merges and sys.platform == "win32" else []
        return SheetData(name, [list(r) for r in values], mlist, found)

    # --- writes --------------------------------------------------------------

    @counted
    def write_block(self, sheet: str, top_left: str, rows: Block) -> None:
        if rows:
            self.book.sheets[sheet].range(top_left).value = _prepare(rows)

    @counted
    def replace_sheet(self, name: str, rows: Block, *, top_left: str = "A1", visibility: Visibility = "visible",
                      widths: Optional[dict[str, float]] = None, layout: Any = None) -> None:
        # Cleared (values and formats: the sheet is xlperf's — the callers make sure) and rewritten,
        # never deleted: conditional formats that read a mark sheet would turn into #REF! if it
        # were deleted. The block is complete before the write.
        block = _prepare(rows) if rows else None
        active = self.book.sheets.active
        old_rows = 0
        if name in self.book.sheet_names:
            sheet = self.book.sheets[name]
            old_rows = _last_row(sheet) if layout is not None else 0
            sheet.clear()
        else:
            sheet = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheet_names) - 1])
        if block:
            sheet.range(top_left).value = block
        for col, width in {**(widths or {}), **(layout.widths if layout is not None else {})}.items():
            sheet.range(f"{col}1").column_width = width
        if layout is not None and block and top_left == "A1":
            self._lay_out_new(sheet, block, layout, old_rows)
        self._mark_own(sheet)
        _set_visibility(sheet, visibility, self.com)
        if visibility != "visible" or active.name != name or self.book.sheets.active.name != active.name:
            active.activate()  # sheets.add activates the new sheet; keep the clerk where they were

    def _mark_own(self, sheet: Any) -> None:
        """xlperf's marker (core/own_sheets.py) as Excel holds it: a hidden sheet-level name whose
        value is the sheet's name; Names.Add replaces an earlier one of the same name."""
        local = f"{quote_sheet(sheet.name)}!{MARKER}"
        value = '="' + sheet.name.replace('"', '""') + '"'
        if self.com:
            sheet.api.Names.Add(local, value, False)  # positional: Name, RefersTo, Visible
        # (macOS: no marker; the sheet is still known by its header row)

    def _lay_out_new(self, sheet: Any, block: list[list[Any]], layout: Any, old_rows: int = 0) -> None:
        """A :class:`~xlperf.writers.sheet_layout.SheetLayout` on a sheet xlperf just wrote from A1."""
        from ..writers.sheet_layout import HEADER_FILL, SEVERITY_FILLS

        n, w = len(block), max((len(r) for r in block), default=1)
        everything = sheet.range((1, 1), (n, w))
        if layout.wrap_cols:  # every cell top-aligned, so a row reads across; the long ones wrapped
            everything.vertical_alignment = "top"
            for c in sorted(layout.wrap_cols):
                sheet.range((1, c), (n, c)).wrap_text = True
        if layout.header_row:
            head = sheet.range((layout.header_row, 1), (layout.header_row, w))
            head.font.bold = True
            head.color = "#" + HEADER_FILL
            head.wrap_text = True
            head.vertical_alignment = "center"
        if layout.wrap_cols or layout.heights:
            # Excel measures the wrapped text itself (the heights in the layout are for readers
            # that do not: LibreOffice); AutoFit also resets rows a longer earlier result raised.
            sheet.range((1, 1), (max(n, old_rows), 1)).rows.autofit()
        needs_window = bool(layout.freeze_rows or (layout.severity_col and layout.severity_rows and layout.last_col))
        if needs_window:
            sheet.activate()
        if layout.freeze_rows and self.com:
            win = self.app.api.ActiveWindow
            win.FreezePanes = False
            win.ScrollRow = 1
            win.SplitColumn = 0
            win.SplitRow = layout.freeze_rows
            win.FreezePanes = True
        if layout.auto_filter and self.com:
            if sheet.api.AutoFilterMode:
                sheet.api.AutoFilterMode = False  # Range.AutoFilter() toggles: start from none
            sheet.range(layout.auto_filter).api.AutoFilter()
        if layout.severity_col and layout.severity_rows and layout.last_col:
            r1, r2 = layout.severity_rows
            sheet.range((r1, 1)).select()  # relative references in a new rule are read from the active cell
            area = sheet.range((r1, 1), (r2, layout.last_col))
            for word, (fill, font) in SEVERITY_FILLS.items():
                area.conditional_formats.add_custom(f'=${layout.severity_col}{r1}="{word}"', fill_color="#" + fill,
                                                    font_color="#" + font, stop_if_true=True)
            sheet.range((1, 1)).select()
        if layout.print is not None and self.com:
            self._page_setup(sheet, layout.print, layout.print.scale)

    def _page_setup(self, sheet: Any, p: Any, scale: Optional[int]) -> None:
        """A4, orientation, scale or so many pages wide, the repeated header rows, the page break:
        set between PrintCommunication False and True (each PageSetup property otherwise talks
        to the printer driver)."""
        with _print_batch(self.app):
            ps = sheet.api.PageSetup
            ps.PaperSize = XL_PAPER_A4
            ps.Orientation = XL_LANDSCAPE if p.landscape else XL_PORTRAIT
            if scale:
                ps.Zoom = scale
            else:
                ps.Zoom = False  # False: FitToPagesWide/Tall decide
                ps.FitToPagesWide = p.fit_width
                ps.FitToPagesTall = p.fit_height or False  # False: as many pages down as it takes
            if p.title_rows:
                ps.PrintTitleRows = f"${p.title_rows[0]}:${p.title_rows[1]}"
        if p.break_after:
            sheet.api.VPageBreaks.Add(sheet.api.Cells(1, p.break_after + 1))  # left of the column after

    @counted
    def lay_out_table(self, sheet: str, spec: Any) -> None:
        """The clerk's marked sheet (:class:`xlperf.excel.marks.TableLayout`). Their print set-up is
        read first (PageSetup) and never overwritten; their row heights are only ever raised."""
        from ..writers.sheet_layout import HEADER_FILL

        sh = self.book.sheets[sheet]
        c, (r1, r2) = spec.notes_col, spec.notes_rows
        sh.range((1, c)).column_width = spec.notes_width
        notes = sh.range((r1, c), (max(r2, r1), c))
        notes.wrap_text = True
        notes.vertical_alignment = "top"
        if spec.header_row:
            head = sh.range((spec.header_row, c))
            head.font.bold = True
            head.color = "#" + HEADER_FILL
            head.vertical_alignment = "center"
        self._raise_rows(sh, spec.heights)
        if not self.com:
            return
        try:
            self._table_print(sh, spec)
        except _com_errors():  # PageSetup fails on a PC without any printer: the marks stand
            pass

    def _table_print(self, sh: Any, spec: Any) -> None:
        from ..writers.sheet_layout import scale_for

        c = spec.notes_col
        ps = sh.api.PageSetup
        clerk_setup = clerk_has_print_setup(ps)  # before the print area below is touched
        area = ps.PrintArea or ""
        widened = widened_print_area(area, c)
        if widened:
            ps.PrintArea = widened
        if spec.print is not None and not clerk_setup:
            p = spec.print
            scale = p.scale
            if scale is None:
                margins = ((ps.LeftMargin or 50.4) + (ps.RightMargin or 50.4)) / 72
                scale = scale_for(self._widths(sh, spec.last_col), margins)
            self._page_setup(sh, p, scale)

    def _raise_rows(self, sh: Any, heights: dict[int, float]) -> None:
        """Rows raised to ``heights`` (at most Excel's 409 points), never lowered: the rows' heights
        are read in one call when they are all the same (the usual table), else one by one."""
        if not heights:
            return
        lo, hi = min(heights), max(heights)
        same = sh.range((lo, 1), (hi, 1)).row_height
        for r, need in sorted(heights.items()):
            now = same if same is not None else sh.range((r, 1)).row_height
            need = min(need, MAX_ROW_PT)
            if now is None or now < need:
                sh.range((r, 1)).row_height = need

    def _widths(self, sh: Any, last_col: int) -> list[float]:
        """The widths (characters) of columns A … ``last_col``: one call when they are equal."""
        if last_col < 1:
            return []
        same = sh.range((1, 1), (1, last_col)).column_width
        if same is not None:
            return [float(same)] * last_col
        return [float(sh.range((1, c)).column_width or 8.43) for c in range(1, last_col + 1)]

    @counted
    def apply_marks_format(self, sheet: str, area: str, mark_sheet: str) -> None:
        sh = self.book.sheets[sheet]
        for cf in reversed(list(sh.cells.conditional_formats)):
            formula = cf.formula or ""
            if MARK_SHEET in formula:
                cf.delete()  # our earlier rule; the clerk's own rules are left alone
        top_left = area.split(":")[0]
        # Excel reads relative references in a new rule from the active cell: make it the
        # area's top-left cell so "A5" means "the same cell" everywhere in the area.
        sh.activate()
        sh.range(top_left).select()
        for code, style in MARK_STYLES.items():
            sh.range(area).conditional_formats.add_custom(
                f'={quote_sheet(mark_sheet)}!{top_left}="{code}"',
                fill_color="#" + style["fill"], font_color="#" + style["font"], stop_if_true=True,
            )

    # --- the clerk -------------------------------------------------------------

    @counted
    def message(self, text: str, *, title: str = "xlperf", error: bool = False) -> None:
        if self._busy:
            self._pending.append((text, title, error))
        else:
            self._alert(text, title, error)

    def _alert(self, text: str, title: str, error: bool) -> None:
        self.app.alert(text, title=title, mode="critical" if error else "info")

    @counted
    def ask(self, text: str, *, title: str = "xlperf") -> bool:
        return self.app.alert(text, title=title, buttons="yes_no") == "yes"

    @counted
    def select(self, sheet: str, cell: str) -> None:
        sh = self.book.sheets[sheet]
        sh.activate()
        sh.range(cell).select()


def _set_visibility(sheet: Any, visibility: Visibility, com: bool = sys.platform == "win32") -> None:
    if visibility == "visible":
        sheet.visible = True
    elif visibility == "veryHidden" and com:
        sheet.api.Visible = XL_SHEET_VERY_HIDDEN  # no public xlwings API for very hidden
    else:
        sheet.visible = False


FIRST_ROWS = 20  # where an earlier version's header row is looked for (it was row 1)


def _is_own(sheet: Any) -> bool:
    """xlperf's sheet: its marker, or the first non-empty row is the header row an earlier
    version wrote, or the sheet is empty (core/own_sheets.py, as the file ports decide)."""
    from ..core.own_sheets import is_own_header

    if _has_marker(sheet):
        return True
    last = sheet.used_range.last_cell
    rows = sheet.range((1, 1), (min(last.row, FIRST_ROWS), last.column)).options(ndim=2).value
    for row in rows:
        if any(v is not None and str(v).strip() for v in row):
            return is_own_header(row)
    return last.row <= FIRST_ROWS  # empty (beyond the first rows: not looked at, so the clerk's)


def _has_marker(sheet: Any) -> bool:
    """The sheet carries xlperf's marker: a sheet-level name ``_xlperf_sheet`` (hidden names are
    in the collection too; each is listed as ``'校验结果'!_xlperf_sheet``)."""
    return any(n.name.rsplit("!", 1)[-1] == MARKER for n in sheet.names)


def _com_errors() -> tuple[type[BaseException], ...]:
    try:
        import pywintypes  # type: ignore[import-not-found]
    except ImportError:
        return ()
    return (pywintypes.com_error,)


def _last_row(sheet: Any) -> int:
    return sheet.used_range.last_cell.row


@contextlib.contextmanager
def _print_batch(app: Any) -> Iterator[None]:
    """``Application.PrintCommunication = False`` while PageSetup is set (Excel 2010 and later;
    without it each property is a round trip to the printer driver), True again afterwards,
    which applies them."""
    try:
        app.api.PrintCommunication = False
        batched = True
    except Exception:  # noqa: BLE001 - an Excel without it sets each property directly
        batched = False
    try:
        yield
    finally:
        if batched:
            app.api.PrintCommunication = True


def clerk_has_print_setup(ps: Any) -> bool:
    """Whether the sheet's PageSetup holds a print set-up someone chose (the rule of the file
    ports, ``sheet_layout.has_print_setup_openpyxl`` / ``clerk_has_print_setup``): landscape, a
    zoom other than 100 % or fit-to-pages (Zoom False), print titles, or a print area."""
    zoom = ps.Zoom
    return bool(ps.Orientation == XL_LANDSCAPE or zoom is False or (zoom is not None and zoom != 100)
                or ps.PrintTitleRows or ps.PrintTitleColumns or ps.PrintArea)


_AREA = re.compile(r"^(\$?[A-Z]+\$?\d+:\$?)([A-Z]+)(\$?\d+)$")


def widened_print_area(area: str, notes_col: int) -> Optional[str]:
    """A print area (``$A$1:$L$120``) that ends at the column left of 校验说明 takes it in; None
    when there is none, it has several parts, or it ends elsewhere."""
    m = _AREA.match((area or "").strip())
    if not m or col_number(m.group(2)) != notes_col - 1:
        return None
    return m.group(1) + col_letter(notes_col) + m.group(3)


def _prepare(rows: Block) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    return [[excel_text(v) for v in r] + [None] * (width - len(r)) for r in rows]


def _rows2d(v: Any) -> list[list[Any]]:
    """``Range.formula`` gives a string for one cell and nested tuples for a block."""
    if isinstance(v, (list, tuple)):
        if v and not isinstance(v[0], (list, tuple)):
            return [list(v)]
        return [list(r) for r in v]
    return [[v]]


def _read_merges(rng: Any) -> list[Merge]:
    """All merges of the block in one COM call (see the module docstring); [] if that fails."""
    try:
        disp = rng.api._oleobj_  # the raw IDispatch: Value(11) is a property with an argument
        import pythoncom  # type: ignore[import-not-found]

        dispid = disp.GetIDsOfNames("Value")
        xml = disp.Invoke(dispid, 0, pythoncom.DISPATCH_PROPERTYGET, True, XL_RANGE_VALUE_XML_SPREADSHEET)
    except Exception:  # noqa: BLE001 - merges are an optimisation, never a reason to fail
        return []
    try:
        return merges_from_xml_spreadsheet(xml)
    except ET.ParseError:
        return []


def merges_from_xml_spreadsheet(xml: str) -> list[Merge]:
    """Merged ranges (0-based) from Excel 2003 XML Spreadsheet text of a block starting at A1.

    Rows and cells carry ``ss:Index`` (1-based) when they skip ahead; a cell hidden under a
    merge is left out, and the next cell then names its index.
    """
    root = ET.fromstring(xml)
    table = root.find(f".//{{{SS_NS}}}Table")
    out: list[Merge] = []
    if table is None:
        return out
    r = 0
    for row in table.iter(f"{{{SS_NS}}}Row"):
        idx = row.get(f"{{{SS_NS}}}Index")
        r = int(idx) if idx else r + 1
        c = 0
        for cell in row.iter(f"{{{SS_NS}}}Cell"):
            cidx = cell.get(f"{{{SS_NS}}}Index")
            c = int(cidx) if cidx else c + 1
            across = int(cell.get(f"{{{SS_NS}}}MergeAcross", "0"))
            down = int(cell.get(f"{{{SS_NS}}}MergeDown", "0"))
            if across or down:
                out.append(Merge(r - 1, c - 1, r - 1 + down, c - 1 + across))
            c += across
    return out
