"""A fake Excel behind xlwings, for ``XlwingsPort`` without Excel.

It has exactly the xlwings members of the port's manifest ``XLWINGS_API`` and the COM members of
``COM_API`` (anything else raises), keeps what Excel would keep (values, widths, heights, wrap,
fills, conditional formats, names, the page set-up, frozen panes, the auto-filter) and records
every COM property set and method call in ``book._log`` in order, so a test can assert the
calls Excel needs. ``FakeBook.from_file`` loads a workbook the way Excel opens it and
``save_fake`` writes one the way Excel saves it (names, page set-up, frozen panes), so a marker
written through the port can be read back by the file readers.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, Optional

from xlperf.core.grid import address, col_letter, parse_address
from xlperf.excel.xlwings_port import COM_API, XLWINGS_API


class Strict:
    """Only the attributes the manifest lists for this class (and private ones) exist."""

    _cls = ""

    def __getattribute__(self, name: str) -> Any:
        cls = object.__getattribute__(self, "_cls")
        if not name.startswith("_") and name not in XLWINGS_API.get(cls, ()):
            raise AttributeError(f"{cls}.{name} is not in XLWINGS_API")
        return object.__getattribute__(self, name)


class Com:
    """A COM object with exactly the members of ``COM_API[_com]``; sets and calls are logged."""

    _com = ""

    def __init__(self, book: "FakeBook", where: str) -> None:
        object.__setattr__(self, "_book", book)
        object.__setattr__(self, "_where", where)

    def _check(self, name: str) -> None:
        if name not in COM_API.get(self._com, ()):
            raise AttributeError(f"COM {self._com}.{name} is not in COM_API")

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_"):
            object.__getattribute__(self, "_check")(name)
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        self._check(name)
        self._book._log.append((self._where, f"{self._com}.{name}", value))
        self._store(name, value)

    def _store(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _call(self, name: str, *args: Any) -> None:
        self._book._log.append((self._where, f"{self._com}.{name}()", args))


# --- COM ------------------------------------------------------------------------------------------


class ComApp(Com):
    _com = "Application"

    def __init__(self, book):
        super().__init__(book, "app")
        object.__setattr__(self, "PrintCommunication", True)

    @property
    def ActiveWindow(self):
        return ComWindow(self._book, self._book._active._name)


class ComWindow(Com):
    _com = "Window"

    def _store(self, name, value):
        sheet = self._book._sheet(self._where)
        if name == "FreezePanes":
            sheet._frozen = sheet._split if value else 0
        elif name == "SplitRow":
            sheet._split = value

    @property
    def FreezePanes(self):
        return bool(self._book._sheet(self._where)._frozen)


class ComPageSetup(Com):
    _com = "PageSetup"

    def __init__(self, book, where, **values):
        super().__init__(book, where)
        defaults = dict(PaperSize=1, Orientation=1, Zoom=100, FitToPagesWide=1, FitToPagesTall=1, PrintTitleRows="",
                        PrintTitleColumns="", PrintArea="", LeftMargin=50.4, RightMargin=50.4)
        defaults.update(values)
        for k, v in defaults.items():
            object.__setattr__(self, k, v)

    def _store(self, name, value):
        object.__setattr__(self, name, value)
        if name != "PrintArea" and self._book._app_api.PrintCommunication is not False:
            self._book._unbatched.append(name)  # set outside PrintCommunication = False


class ComNames(Com):
    _com = "Names"

    def Add(self, name, refers_to, visible=True):
        self._call("Add", name, refers_to, visible)
        prefix, _, local = name.rpartition("!")
        sheet = re.sub(r"^'(.*)'$", r"\1", prefix).replace("''", "'") if prefix else None
        # Excel: "Sheet!name" is a name of that sheet; Names.Add replaces one of the same scope
        self._book._names = [n for n in self._book._names if (n["sheet"], n["name"]) != (sheet, local)]
        self._book._names.append(dict(sheet=sheet, name=local, refers_to=refers_to, visible=visible))


class ComBreaks(Com):
    _com = "VPageBreaks"

    def Add(self, before):
        self._call("Add", before._ref)
        self._book._sheet(self._where)._breaks.append(before._c1)


class ComRange(Com):
    _com = "Range"

    def __init__(self, book, where, r1, c1, r2=None, c2=None):
        super().__init__(book, where)
        object.__setattr__(self, "_r1", r1)
        object.__setattr__(self, "_c1", c1)
        object.__setattr__(self, "_ref", f"{address(r1, c1)}" + (f":{address(r2, c2)}" if r2 else ""))

    def AutoFilter(self):
        self._call("AutoFilter")
        sheet = self._book._sheet(self._where)
        sheet._filter = None if sheet._filter else self._ref  # a toggle, as in Excel


class ComSheet(Com):
    _com = "Worksheet"

    def __init__(self, sheet):
        super().__init__(sheet._book, sheet._name)
        object.__setattr__(self, "_s", sheet)

    def _store(self, name, value):
        if name == "Visible":
            self._s._visible = value
        elif name == "AutoFilterMode":
            assert value is False, "AutoFilterMode can only be set to False"
            self._s._filter = None
        else:
            raise AttributeError(f"Worksheet.{name} is read-only")

    @property
    def AutoFilterMode(self):
        return self._s._filter is not None

    @property
    def PageSetup(self):
        return self._s._page

    @property
    def Names(self):
        return ComNames(self._book, self._where)

    @property
    def VPageBreaks(self):
        return ComBreaks(self._book, self._where)

    def Cells(self, r, c):
        return ComRange(self._book, self._where, r, c)


# --- xlwings --------------------------------------------------------------------------------------


class FakeApp(Strict):
    _cls = "App"

    def __init__(self, book, answer="yes"):
        self._book = book
        self._alerts: list[tuple[str, str, bool]] = []
        self._answer = answer
        self._props = {"screen_updating": True, "calculation": "automatic"}

    @contextlib.contextmanager
    def properties(self, **kw):
        old = dict(self._props)
        self._props.update(kw)
        try:
            yield self
        finally:
            self._props = old

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self._alerts.append((prompt, buttons, dict(self._props)["screen_updating"]))
        return self._answer if buttons == "yes_no" else "ok"

    @property
    def api(self):
        return self._book._app_api


class FakeCF(Strict):
    _cls = "ConditionalFormat"

    def __init__(self, owner, area, formula, fill=None, font=None):
        self._owner, self._area, self.formula = owner, area, formula
        self._fill, self._font = fill, font

    def delete(self):
        self._owner._cfs.remove(self)


class FakeCFs(Strict):
    _cls = "ConditionalFormats"

    def __init__(self, sheet, area):
        self._sheet, self._area = sheet, area

    def __iter__(self):
        return iter(list(self._sheet._cfs))

    def add_custom(self, formula, *, fill_color=None, font_color=None, font_bold=None, font_italic=None,
                   stop_if_true=False):
        cf = FakeCF(self._sheet, self._area, formula, fill_color, font_color)
        self._sheet._cfs.append(cf)
        cf._active = self._sheet._book._active_cell
        return cf


class FakeFont(Strict):
    _cls = "Font"

    def __init__(self, rng):
        self._rng = rng

    @property
    def bold(self):
        return self._rng._get("bold")

    @bold.setter
    def bold(self, v):
        self._rng._set("bold", v)


class FakeRows(Strict):
    _cls = "RangeRows"

    def __init__(self, rng):
        self._rng = rng

    def autofit(self):
        s = self._rng._sheet
        s._autofit.append((self._rng._r1, self._rng._r2))
        for r in range(self._rng._r1, self._rng._r2 + 1):
            s._heights.pop(r, None)  # back to what the contents need


class FakeName(Strict):
    _cls = "Name"

    def __init__(self, sheet_name, local):
        self._full = f"'{sheet_name}'!{local}"

    @property
    def name(self):
        return self._full


class FakeNames(Strict):
    _cls = "Names"

    def __init__(self, sheet):
        self._sheet = sheet

    def __iter__(self):
        book = self._sheet._book
        return iter([FakeName(self._sheet._name, n["name"]) for n in book._names if n["sheet"] == self._sheet._name])


DEFAULT_HEIGHT = 15.0
DEFAULT_WIDTH = 8.43


class FakeRange(Strict):
    _cls = "Range"

    def __init__(self, sheet, r1, c1, r2=None, c2=None):
        self._sheet, self._r1, self._c1 = sheet, r1, c1
        self._r2, self._c2 = (r2 or r1), (c2 or c1)

    def _cells(self):
        return [(r, c) for r in range(self._r1, self._r2 + 1) for c in range(self._c1, self._c2 + 1)]

    def _set(self, key, v):
        assert (self._r2 - self._r1 + 1) * (self._c2 - self._c1 + 1) <= 100_000, "a format on a huge range"
        for rc in self._cells():
            self._sheet._fmt.setdefault(rc, {})[key] = v

    def _get(self, key):
        vals = {self._sheet._fmt.get(rc, {}).get(key) for rc in self._cells()}
        return vals.pop() if len(vals) == 1 else None

    def options(self, convert=None, **kw):
        assert kw == {"ndim": 2}
        return self

    @property
    def value(self):
        self._sheet._book._reads += 1
        return [[self._sheet._cells.get((r, c)) for c in range(self._c1, self._c2 + 1)]
                for r in range(self._r1, self._r2 + 1)]

    @value.setter
    def value(self, rows):
        self._sheet._book._writes += 1
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                key = (self._r1 + i, self._c1 + j)
                if v is None:
                    self._sheet._cells.pop(key, None)
                else:
                    self._sheet._cells[key] = v[1:] if isinstance(v, str) and v.startswith("'") else v

    @property
    def formula(self):
        return tuple(tuple(str(self._sheet._formulas.get((r, c), self._sheet._cells.get((r, c), "")))
                           for c in range(self._c1, self._c2 + 1)) for r in range(self._r1, self._r2 + 1))

    @property
    def last_cell(self):
        return FakeRange(self._sheet, self._r2, self._c2)

    @property
    def row(self):
        return self._r1

    @property
    def column(self):
        return self._c1

    def select(self):
        assert self._sheet._book._active is self._sheet, "select needs the sheet active"
        self._sheet._book._active_cell = (self._sheet._name, address(self._r1, self._c1))

    @property
    def column_width(self):
        ws = {self._sheet._widths.get(c, DEFAULT_WIDTH) for c in range(self._c1, self._c2 + 1)}
        return ws.pop() if len(ws) == 1 else None

    @column_width.setter
    def column_width(self, w):
        for c in range(self._c1, self._c2 + 1):
            self._sheet._widths[c] = w

    @property
    def row_height(self):
        self._sheet._book._height_reads += 1
        hs = {self._sheet._heights.get(r, DEFAULT_HEIGHT) for r in range(self._r1, self._r2 + 1)}
        return hs.pop() if len(hs) == 1 else None

    @row_height.setter
    def row_height(self, h):
        assert 0 <= h <= 409.5, "Excel refuses this RowHeight"
        for r in range(self._r1, self._r2 + 1):
            self._sheet._heights[r] = h

    wrap_text = property(lambda self: self._get("wrap"), lambda self, v: self._set("wrap", v))
    vertical_alignment = property(lambda self: self._get("valign"), lambda self, v: self._set("valign", v))
    color = property(lambda self: self._get("fill"), lambda self, v: self._set("fill", v))

    @property
    def font(self):
        return FakeFont(self)

    @property
    def rows(self):
        return FakeRows(self)

    @property
    def conditional_formats(self):
        return FakeCFs(self._sheet, f"{address(self._r1, self._c1)}:{address(self._r2, self._c2)}")

    @property
    def api(self):
        if not self._sheet._book._com:
            raise AssertionError("Range.api is only used on Windows")
        return ComRange(self._sheet._book, self._sheet._name, self._r1, self._c1, self._r2, self._c2)


class FakeSheet(Strict):
    _cls = "Sheet"

    def __init__(self, book, name):
        self._book, self._name = book, name
        self._cells: dict[tuple[int, int], Any] = {}
        self._formulas: dict[tuple[int, int], str] = {}
        self._fmt: dict[tuple[int, int], dict[str, Any]] = {}
        self._widths: dict[int, float] = {}
        self._heights: dict[int, float] = {}
        self._cfs: list[FakeCF] = []
        self._visible: Any = True
        self._page = ComPageSetup(book, name)
        self._breaks: list[int] = []
        self._filter: Optional[str] = None
        self._frozen = self._split = 0
        self._autofit: list[tuple[int, int]] = []

    @property
    def name(self):
        return self._name

    def range(self, a, b=None):
        if isinstance(a, tuple):
            return FakeRange(self, a[0], a[1], *(b or a))
        first, _, last = a.partition(":")
        r, c = parse_address(first)
        r2, c2 = parse_address(last) if last else (r, c)
        return FakeRange(self, r, c, r2, c2)

    @property
    def used_range(self):
        keys = list(self._cells) or [(1, 1)]
        return FakeRange(self, min(k[0] for k in keys), min(k[1] for k in keys),
                         max(k[0] for k in keys), max(k[1] for k in keys))

    @property
    def cells(self):
        return FakeRange(self, 1, 1, 1048576, 16384)

    def activate(self):
        self._book._active = self

    def clear(self):
        """Cells.Clear: values, formats and conditional formats (not names, page set-up, panes)."""
        self._cells.clear()
        self._fmt.clear()
        self._cfs.clear()

    @property
    def visible(self):
        return self._visible

    @visible.setter
    def visible(self, v):
        self._visible = v

    @property
    def names(self):
        return FakeNames(self)

    @property
    def api(self):
        return ComSheet(self)


class FakeSheets(Strict):
    _cls = "Sheets"

    def __init__(self, book):
        self._book = book

    def __getitem__(self, key):
        return self._book._sheets[key] if isinstance(key, int) else next(s for s in self._book._sheets if s._name == key)

    @property
    def active(self):
        return self._book._active

    def add(self, name=None, before=None, after=None):
        s = FakeSheet(self._book, name)
        self._book._sheets.append(s)
        self._book._active = s  # like Excel: the new sheet becomes active
        return s


class FakeBook(Strict):
    _cls = "Book"

    def __init__(self, fullname: str, answer="yes", com: bool = False):
        self._sheets: list[FakeSheet] = []
        self._active: Any = None
        self._active_cell: Any = None
        self._log: list[tuple[str, str, Any]] = []
        self._unbatched: list[str] = []
        self._names: list[dict[str, Any]] = []
        self._com = com
        self._app_api = ComApp(self)
        self._app = FakeApp(self, answer)
        self._fullname = fullname
        self._reads = self._writes = self._height_reads = 0

    @classmethod
    def from_file(cls, path: Path, answer="yes", com: bool = False) -> "FakeBook":
        """The workbook as Excel opens it: values, widths, heights, sheet-level names (the marker),
        the page set-up."""
        from openpyxl import load_workbook

        book = cls(str(path), answer, com)
        wb = load_workbook(path)
        for i, ws in enumerate(wb.worksheets):
            s = FakeSheet(book, ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        s._cells[(c.row, c.column)] = c.value
            for letter, dim in ws.column_dimensions.items():
                if dim.width:
                    s._widths[parse_address(f"{letter}1")[1]] = dim.width
            for r, dim in ws.row_dimensions.items():
                if dim.height:
                    s._heights[r] = dim.height
            for name, dn in ws.defined_names.items():
                book._names.append(dict(sheet=ws.title, name=name, refers_to="=" + dn.attr_text, visible=not dn.hidden))
            ps, fit = ws.page_setup, ws.sheet_properties.pageSetUpPr
            values = dict(Orientation=2 if ps.orientation == "landscape" else 1,
                          Zoom=False if (fit is not None and fit.fitToPage) else int(ps.scale or 100),
                          PrintTitleRows=_abs_rows(ws.print_title_rows), PrintArea=_abs_area(ws.print_area))
            s._page = ComPageSetup(book, ws.title, **values)
            s._visible = {"visible": True, "hidden": False, "veryHidden": 2}[ws.sheet_state]
            book._sheets.append(s)
        book._active = book._sheets[wb.index(wb.active)] if wb.active is not None else book._sheets[0]
        return book

    app = property(lambda self: self._app)
    name = property(lambda self: Path(self._fullname).name)
    fullname = property(lambda self: self._fullname)
    sheets = property(lambda self: FakeSheets(self))
    sheet_names = property(lambda self: [s._name for s in self._sheets])

    def _sheet(self, name) -> FakeSheet:
        return next(s for s in self._sheets if s._name == name)

    def _sets(self, sheet: str, prefix: str = "") -> list[tuple[str, Any]]:
        """The COM sets and calls on ``sheet``, in order, whose member starts with ``prefix``."""
        return [(what, v) for where, what, v in self._log if where == sheet and what.startswith(prefix)]


def _abs_rows(titles: Optional[str]) -> str:
    """openpyxl's print titles ``'S'!$3:$3`` / ``3:3`` as Excel's PrintTitleRows ``$3:$3``."""
    if not titles:
        return ""
    part = titles.split("!")[-1].split(",")[0]
    a, b = part.replace("$", "").split(":")
    return f"${a}:${b}" if a.isdigit() else ""


def _abs_area(area: Optional[str]) -> str:
    if not area:
        return ""
    part = area.split("!")[-1]
    return "$" + re.sub(r"([A-Z]+)(\d+)", r"\1$\2", part.replace("$", "")).replace(":", ":$")


def save_fake(book: FakeBook, path: Path) -> Path:
    """The workbook as Excel saves it, for the file readers: values, visibility, sheet-level names
    (``<definedName name=… localSheetId=… hidden="1">``), the page set-up, frozen panes, filter."""
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.pagebreak import Break

    wb = Workbook()
    wb.remove(wb.active)
    for s in book._sheets:
        ws = wb.create_sheet(s._name)
        for (r, c), v in s._cells.items():
            ws.cell(r, c, v)
        for c, w in s._widths.items():
            ws.column_dimensions[col_letter(c)].width = w
        for r, h in s._heights.items():
            ws.row_dimensions[r].height = h
        ws.sheet_state = {True: "visible", False: "hidden", 2: "veryHidden"}[s._visible]
        p = s._page
        ws.page_setup.orientation = "landscape" if p.Orientation == 2 else "portrait"
        if p.Zoom is False:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = p.FitToPagesWide
            ws.page_setup.fitToHeight = p.FitToPagesTall or 0
        elif p.Zoom != 100:
            ws.page_setup.scale = p.Zoom
        if p.PrintTitleRows:
            ws.print_title_rows = p.PrintTitleRows.replace("$", "")
        if p.PrintArea:
            ws.print_area = p.PrintArea.replace("$", "")
        for c in s._breaks:
            ws.col_breaks.append(Break(id=c - 1))
        if s._frozen:
            ws.freeze_panes = f"A{s._frozen + 1}"
        if s._filter:
            ws.auto_filter.ref = s._filter
        for n in book._names:
            if n["sheet"] == s._name:
                ws.defined_names[n["name"]] = DefinedName(n["name"], attr_text=n["refers_to"].lstrip("="),
                                                          hidden=not n["visible"])
    wb.active = wb.sheetnames.index(book._active._name)
    wb.save(path)
    return path
