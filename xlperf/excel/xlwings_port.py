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

Everything here is on the Windows checklist (docs/windows-checklist.md); a test checks that
every xlwings attribute used exists in the pinned xlwings' public classes.
"""

from __future__ import annotations

import contextlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator, Optional

from ..core.grid import Merge
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
    quote_sheet,
)

XL_SHEET_VERY_HIDDEN = 2
XL_RANGE_VALUE_XML_SPREADSHEET = 11
SS_NS = "urn:schemas-microsoft-com:office:spreadsheet"

# The public xlwings API this module (and ribbon.py) relies on, by class; checked by a test
# against the pinned xlwings so an upgrade that renames something fails on Linux, not on a
# clerk's desk.
XLWINGS_API: dict[str, tuple[str, ...]] = {
    "Book": ("caller", "app", "name", "fullname", "sheets", "sheet_names"),
    "Sheets": ("active", "add"),
    "Sheet": ("name", "range", "used_range", "cells", "activate", "clear_contents", "visible", "api"),
    "Range": ("options", "value", "formula", "last_cell", "row", "column", "select", "api",
              "column_width", "conditional_formats"),
    "ConditionalFormats": ("add_custom",),
    "ConditionalFormat": ("formula", "delete"),
    "App": ("properties", "alert", "screen_updating", "calculation"),
}
# Top-level names: ``xw.Book.caller()`` in ribbon.py, the UDF decorators in xlperf/excel/udfs.py.
XLWINGS_TOP: tuple[str, ...] = ("Book", "func", "arg", "ret")
# COM members used through ``.api`` (Windows only; not checkable here).
COM_API = ("Worksheet.Visible = 2", "Range.Value(11)", "PyIDispatch.Invoke / GetIDsOfNames")


def excel_text(v: Any) -> Any:
    """A value for ``Range.value``: text Excel would turn into a number, date or formula
    ("001", "2023-1", "=x", "-5") gets the apostrophe prefix that keeps it text."""
    if isinstance(v, Formula):
        return str(v)
    if isinstance(v, str) and v and (v[0] in "=+-@'0123456789. \t" or v.upper() in ("TRUE", "FALSE")):
        return "'" + v
    return v


class XlwingsPort(CountingPort):
    def __init__(self, book: Any) -> None:
        super().__init__()
        self.book = book
        self.app = book.app
        self._busy = False
        self._pending: list[tuple[str, str, bool]] = []

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
        return BookInfo(self.book.name, path, self.book.sheets.active.name, tuple(self.book.sheet_names))

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
        # ``layout`` (writers.sheet_layout: wrap, colours, print set-up) is applied to files only; live
        # Excel gets the ``widths`` every caller passes with it (the calls the manifest allows).
        del layout
        # Cleared and rewritten, never deleted: conditional formats that read a mark sheet
        # would turn into #REF! if it were deleted. The block is complete before the write.
        block = _prepare(rows) if rows else None
        active = self.book.sheets.active
        if name in self.book.sheet_names:
            sheet = self.book.sheets[name]
            sheet.clear_contents()
        else:
            sheet = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheet_names) - 1])
        if block:
            sheet.range(top_left).value = block
        for col, width in (widths or {}).items():
            sheet.range(f"{col}1").column_width = width
        _set_visibility(sheet, visibility)
        if visibility != "visible" or active.name != name:
            active.activate()  # sheets.add activates the new sheet; keep the clerk where they were

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


def _set_visibility(sheet: Any, visibility: Visibility) -> None:
    if visibility == "visible":
        sheet.visible = True
    elif visibility == "veryHidden" and sys.platform == "win32":
        sheet.api.Visible = XL_SHEET_VERY_HIDDEN  # no public xlwings API for very hidden
    else:
        sheet.visible = False


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
