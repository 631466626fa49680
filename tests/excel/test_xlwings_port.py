"""The xlwings port without Excel.

1. Statically: every xlwings attribute the port and the ribbon use exists in the pinned
   xlwings' public classes, and nothing else of xlwings is touched (no PRO engines).
2. Dynamically: the buttons run through ``XlwingsPort`` on a fake book that implements
   exactly the manifest ``XLWINGS_API`` (anything else raises), so the mapping onto xlwings
   is exercised; what real Excel does with it is on the Windows checklist.
"""

from __future__ import annotations

import ast
import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
import xlwings
from xlwings import main as xlmain

import xlperf.excel.ribbon as ribbon
import xlperf.excel.xlwings_port as xp
from xlperf.core.grid import address, parse_address
from xlperf.excel import commands
from xlperf.excel.xlwings_port import XLWINGS_API, XLWINGS_TOP, XlwingsPort, excel_text, merges_from_xml_spreadsheet

from .conftest import config_rows, make_rows, write_table

HERE = Path(xp.__file__).parent
MODULES = [HERE / "xlwings_port.py", HERE / "ribbon.py"]


def test_pinned_xlwings():
    assert xlwings.__version__ == "0.37.8"


def test_every_xlwings_attribute_we_use_exists():
    for cls, attrs in XLWINGS_API.items():
        klass = getattr(xlmain, cls)
        for a in attrs:
            assert hasattr(klass, a), f"xlwings.{cls}.{a} does not exist in xlwings {xlwings.__version__}"
    for name in XLWINGS_TOP:
        assert hasattr(xlwings, name)


def _attributes(path: Path) -> set[str]:
    return {n.attr for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Attribute)}


# Attribute names in the two modules that are not xlwings': our own objects and the stdlib.
OWN = {
    # XlwingsPort / CountingPort / commands / BookInfo / SheetData
    "book", "app", "_busy", "_pending", "_alert", "calls", "counts", "busy", "run_button", "path",
    "validate", "clear_marks", "weight_totals", "split_records", "export", "autofix", "undo_fix", "show_rules",
    "__init__", "upper", "items", "append", "startswith", "lower", "is_absolute", "split", "get", "platform", "contextmanager",
    "fromstring", "find", "iter", "ParseError", "Invoke", "GetIDsOfNames", "DISPATCH_PROPERTYGET", "_oleobj_",
    "Visible",  # COM, Windows only: sheet.api.Visible = xlSheetVeryHidden
}


def test_no_other_xlwings_attribute_is_used():
    allowed = {a for attrs in XLWINGS_API.values() for a in attrs} | set(XLWINGS_TOP) | OWN
    for path in MODULES:
        unknown = _attributes(path) - allowed
        assert not unknown, f"{path.name} uses attributes not in XLWINGS_API: {sorted(unknown)}"


def test_no_xlwings_pro_and_no_top_level_xlwings_in_ribbon():
    for path in sorted(HERE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"xlwings\.pro|engines?\s*=\s*[\"'\[]|LICENSE_KEY|mode\s*=\s*[\"']r[\"']", text), path
    tree = ast.parse((HERE / "ribbon.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not any("xlwings" in ast.unparse(n) for n in top)


def test_ribbon_entry_points_exist():
    for name in ribbon.ENTRY_POINTS:
        assert callable(getattr(ribbon, name))
        assert callable(getattr(commands, name))
    vba = Path(__file__).resolve().parents[2] / "vba" / "RibbonPerf.bas"
    if vba.is_file():  # every RunPython command names an entry point
        called = re.findall(r'RunPython\s+"import xlperf\.excel\.ribbon as r; r\.(\w+)\(\)"', vba.read_text("utf-8", "replace"))
        assert called and set(called) <= set(ribbon.ENTRY_POINTS)


def test_excel_text_keeps_text_text():
    assert excel_text("001") == "'001" and excel_text("=SUM(A1)") == "'=SUM(A1)" and excel_text("-5") == "'-5"
    assert excel_text("项目") == "项目" and excel_text(5) == 5 and excel_text(None) is None
    assert excel_text(xp.Formula("=HYPERLINK(\"#A1\")")) == "=HYPERLINK(\"#A1\")"


def test_merges_from_excel_2003_xml():
    xml = """<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="S"><Table ss:ExpandedColumnCount="5" ss:ExpandedRowCount="9">
  <Row><Cell ss:MergeAcross="4"><Data ss:Type="String">title</Data></Cell></Row>
  <Row ss:Index="4"><Cell ss:MergeDown="2"><Data ss:Type="String">u</Data></Cell>
   <Cell ss:MergeDown="2"><Data ss:Type="String">p</Data></Cell><Cell ss:Index="4"><Data ss:Type="Number">1</Data></Cell></Row>
  <Row><Cell ss:Index="3"><Data ss:Type="Number">2</Data></Cell><Cell ss:MergeAcross="1" ss:MergeDown="1"/></Row>
 </Table></Worksheet></Workbook>"""
    got = merges_from_xml_spreadsheet(xml)
    assert [(m.r1, m.c1, m.r2, m.c2) for m in got] == [(0, 0, 0, 4), (3, 0, 5, 0), (3, 1, 5, 1), (4, 3, 5, 4)]


# --- a fake book with exactly the manifest's API -------------------------------------------------


class Strict:
    """Only the attributes the manifest lists for this class (and private ones) exist."""

    _cls = ""

    def __getattribute__(self, name: str) -> Any:
        cls = object.__getattribute__(self, "_cls")
        if not name.startswith("_") and name not in XLWINGS_API.get(cls, ()):
            raise AttributeError(f"{cls}.{name} is not in XLWINGS_API")
        return object.__getattribute__(self, name)


class FakeApp(Strict):
    _cls = "App"

    def __init__(self, answer="yes"):
        self._alerts: list[tuple[str, str, str]] = []
        self._answer = answer
        self._props = {"screen_updating": True, "calculation": "automatic"}
        self._seen: list[dict] = []

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


class FakeCF(Strict):
    _cls = "ConditionalFormat"

    def __init__(self, owner, area, formula):
        self._owner, self._area, self.formula = owner, area, formula

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
        cf = FakeCF(self._sheet, self._area, formula)
        self._sheet._cfs.append(cf)
        cf._active = self._sheet._book._active_cell
        return cf


class FakeAPI:
    def __init__(self, sheet):
        object.__setattr__(self, "_sheet", sheet)

    def __setattr__(self, name, value):
        assert name == "Visible"
        self._sheet._visible = value


class FakeRange(Strict):
    _cls = "Range"

    def __init__(self, sheet, r1, c1, r2=None, c2=None):
        self._sheet, self._r1, self._c1 = sheet, r1, c1
        self._r2, self._c2 = (r2 or r1), (c2 or c1)

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
        return 8.43

    @column_width.setter
    def column_width(self, w):
        pass

    @property
    def conditional_formats(self):
        return FakeCFs(self._sheet, f"{address(self._r1, self._c1)}:{address(self._r2, self._c2)}")

    @property
    def api(self):
        raise AssertionError("Range.api is only used on Windows")


class FakeSheet(Strict):
    _cls = "Sheet"

    def __init__(self, book, name):
        self._book, self._name = book, name
        self._cells: dict[tuple[int, int], Any] = {}
        self._formulas: dict[tuple[int, int], str] = {}
        self._cfs: list[FakeCF] = []
        self._visible: Any = True

    @property
    def name(self):
        return self._name

    def range(self, a, b=None):
        if b is not None:
            return FakeRange(self, a[0], a[1], b[0], b[1])
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

    def clear_contents(self):
        self._cells.clear()

    @property
    def visible(self):
        return self._visible

    @visible.setter
    def visible(self, v):
        self._visible = v

    @property
    def api(self):
        return FakeAPI(self)


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

    def __init__(self, fullname: str, answer="yes"):
        self._sheets: list[FakeSheet] = []
        self._active: Any = None
        self._active_cell: Any = None
        self._app = FakeApp(answer)
        self._fullname = fullname
        self._reads = self._writes = 0

    @classmethod
    def from_file(cls, path: Path, answer="yes") -> "FakeBook":
        from openpyxl import load_workbook

        book = cls(str(path), answer)
        wb = load_workbook(path)
        for ws in wb.worksheets:
            s = FakeSheet(book, ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        s._cells[(c.row, c.column)] = c.value
            book._sheets.append(s)
        book._active = book._sheets[0]
        return book

    app = property(lambda self: self._app)
    name = property(lambda self: Path(self._fullname).name)
    fullname = property(lambda self: self._fullname)
    sheets = property(lambda self: FakeSheets(self))
    sheet_names = property(lambda self: [s._name for s in self._sheets])

    def _sheet(self, name) -> FakeSheet:
        return next(s for s in self._sheets if s._name == name)


@pytest.fixture
def fake(tmp_path, test_rules):
    path = write_table(tmp_path / "表.xlsx", make_rows(8), config=config_rows(), fills=False)
    return FakeBook.from_file(path)


def test_validate_through_the_xlwings_port(fake):
    port = XlwingsPort(fake)
    with port.busy():
        commands.run_button(port, commands.validate)
    marks = fake._sheet("_xlperf_marks_绩效目标表")
    assert {address(*k): v for k, v in marks._cells.items()} == {
        "K9": "E", "G15": "W", "H19": "W", "K29": "E", "G35": "W", "H39": "W"}
    assert marks._visible is False  # very hidden needs COM (Windows); hidden elsewhere
    table = fake._sheet("绩效目标表")
    assert [cf.formula for cf in table._cfs] == ["='_xlperf_marks_绩效目标表'!A4=\"E\"",
                                                "='_xlperf_marks_绩效目标表'!A4=\"W\""]
    assert all(cf._active == ("绩效目标表", "A4") for cf in table._cfs)  # relative refs read from A4
    assert table._cells[(3, 13)] == "校验说明"
    results = fake._sheet("校验结果")
    assert results._cells[(2, 3)].startswith("=HYPERLINK(")
    assert fake._active is table and fake._active_cell == ("绩效目标表", "K9")
    # the message waited until screen updating was back on
    assert len(fake.app._alerts) == 1 and fake.app._alerts[0][2] is True
    assert port.calls <= 10
    # a handful of bulk reads and writes, not one per cell
    assert fake._reads <= 3 and fake._writes <= 4


def test_second_validate_replaces_its_rules(fake):
    port = XlwingsPort(fake)
    for _ in range(2):
        commands.run_button(port, commands.validate)
    assert len(fake._sheet("绩效目标表")._cfs) == 2


def test_autofix_and_undo_through_the_xlwings_port(fake):
    port = XlwingsPort(fake)
    assert commands.run_button(port, commands.autofix) == 2
    table = fake._sheet("绩效目标表")
    assert table._cells[(19, 8)] == "≥"
    assert commands.run_button(port, commands.undo_fix) == 2
    assert table._cells[(19, 8)] == ">="


def test_text_that_looks_like_a_number_is_written_as_text(fake):
    port = XlwingsPort(fake)
    port.write_block("绩效目标表", "A50", [["001", 1.5, "=1+1"]])
    table = fake._sheet("绩效目标表")
    assert table._cells[(50, 1)] == "001" and table._cells[(50, 3)] == "=1+1"


def test_export_asks_with_a_yes_no_box(fake, tmp_path):
    fake._app._answer = "no"
    port = XlwingsPort(fake)
    assert commands.run_button(port, commands.export) is None
    assert fake.app._alerts[0][1] == "yes_no"


def test_ribbon_runs_a_button_on_the_caller(fake, monkeypatch):
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: fake))
    ribbon.weight_totals()
    assert "权重合计" in fake.sheet_names
    assert "8个项目" in fake.app._alerts[-1][0]
    ribbon.show_rules()
    assert fake._active._name == "规则说明"
