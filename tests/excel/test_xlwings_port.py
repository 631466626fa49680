"""The xlwings port without Excel.

1. Statically: every xlwings attribute the port and the ribbon use exists in the pinned
   xlwings' public classes, and nothing else of xlwings is touched (no PRO engines).
2. Dynamically: the buttons run through ``XlwingsPort`` on a fake book that implements
   exactly the manifest ``XLWINGS_API`` (anything else raises), so the mapping onto xlwings
   is exercised; what real Excel does with it is on the Windows checklist.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import xlwings
from xlwings import main as xlmain

import xlperf.excel.ribbon as ribbon
import xlperf.excel.xlwings_port as xp
from xlperf.core.grid import address
from xlperf.excel import commands
from xlperf.excel.xlwings_port import (
    COM_API,
    XLWINGS_API,
    XLWINGS_TOP,
    XlwingsPort,
    excel_text,
    merges_from_xml_spreadsheet,
)

from .conftest import config_rows, make_rows, write_table
from .xlwings_fake import FakeBook

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
    # the port's layout code: our own objects' fields, the stdlib
    "com", "own", "_mark_own", "_lay_out_new", "_page_setup", "_table_print", "_raise_rows", "_widths",
    "widths", "wrap_cols", "heights", "header_row", "freeze_rows", "auto_filter", "severity_col", "severity_rows",
    "last_col", "print", "landscape", "scale", "fit_width", "fit_height", "title_rows", "break_after",
    "notes_col", "notes_rows", "notes_width", "replace", "rsplit", "match", "group", "strip", "compile", "com_error",
}


def test_no_other_xlwings_attribute_is_used():
    com = {a for attrs in COM_API.values() for a in attrs}  # COM members (through .api), faked strictly
    allowed = {a for attrs in XLWINGS_API.values() for a in attrs} | set(XLWINGS_TOP) | OWN | com
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


# --- the buttons on a fake book with exactly the manifest's API (tests/excel/xlwings_fake.py) -------


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
