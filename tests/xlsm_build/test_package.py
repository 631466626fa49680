"""The package and its sheets: content types, relationships, code names, and what each sheet holds."""

from __future__ import annotations

import io

import openpyxl
import pytest
from lxml import etree

from xlperf.core.config import Config
from xlperf.core.model import FIELDS
from xlperf.core.rules import all_rules
from xlperf.core.taxonomy import LEVEL1, LEVEL2
from tools.xlsm.config_sheet import CONFIG_ROWS, config_from_rows, default_rows, parse_config_rows
from tools.xlsm.sheets import (
    COMPARATORS,
    DIRECTIONS,
    LISTS_SHEET,
    SAMPLE_SHEET,
    SHEETS,
    TEMPLATE_SHEET,
    XLWINGS_CONF,
    XLWINGS_CONF_SHEET,
    rule_rows,
)

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def wb(built):
    return openpyxl.load_workbook(io.BytesIO(built))  # reading only: openpyxl never writes our file


def test_content_types(parts):
    root = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{CT}Override")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{CT}Default")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert defaults["xml"] == "application/xml"  # covers customUI/customUI14.xml
    assert "spreadsheetml.sheet.main+xml" not in parts["[Content_Types].xml"].decode()


def test_relationships(parts):
    package = etree.fromstring(parts["_rels/.rels"])
    ui = [r for r in package.iter(f"{REL}Relationship")
          if r.get("Type") == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"]
    assert [r.get("Target") for r in ui] == ["customUI/customUI14.xml"]
    workbook = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    vba = [r for r in workbook.iter(f"{REL}Relationship")
           if r.get("Type") == "http://schemas.microsoft.com/office/2006/relationships/vbaProject"]
    assert [r.get("Target") for r in vba] == ["vbaProject.bin"]
    assert list(parts)[0] == "[Content_Types].xml"
    assert "customUI/customUI14.xml" in parts and "xl/vbaProject.bin" in parts


def test_code_names_match_the_document_modules(parts, vba_sources):
    root = etree.fromstring(parts["xl/workbook.xml"])
    assert root.find(f"{MAIN}workbookPr").get("codeName") == "ThisWorkbook"
    sheets = [(s.get("name"), s.get("state", "visible")) for s in root.iter(f"{MAIN}sheet")]
    assert sheets == [(spec.title, spec.state) for spec in SHEETS]
    for i, spec in enumerate(SHEETS, start=1):
        xml = etree.fromstring(parts[f"xl/worksheets/sheet{i}.xml"])
        assert xml.find(f"{MAIN}sheetPr").get("codeName") == spec.code_name
        assert spec.code_name in vba_sources


def test_fixed_dates(parts):
    core = parts["docProps/core.xml"].decode()
    assert "2023-01-01T00:00:00Z" in core


def test_template_sheet(wb):
    ws = wb[TEMPLATE_SHEET]
    assert wb.active.title == TEMPLATE_SHEET
    assert ws["A1"].value.startswith("部门预算项目绩效目标申报表")
    assert ws["A2"].value == "金额单位：万元"
    assert [c.value for c in ws[3]] == [*FIELDS.values(), "豁免"]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$2:$3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["D"].width > ws.column_dimensions["K"].width  # 年度目标 wide, 权重 narrow
    assert ws["D4"].alignment.wrap_text
    assert all(c.value is None for row in ws.iter_rows(min_row=4) for c in row)


def test_template_dropdowns(wb):
    ws = wb[TEMPLATE_SHEET]
    by_col = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}
    assert by_col["E"].formula1 == "xlperf_level1"
    assert by_col["F"].formula1 == "INDIRECT($E4)"  # relative row: each 二级 reads its own 一级
    assert by_col["H"].formula1 == "xlperf_comparators"
    assert by_col["L"].formula1 == "xlperf_directions"
    for dv in by_col.values():
        assert dv.type == "list" and dv.allow_blank and dv.errorStyle == "warning"
        assert str(dv.sqref).endswith("2003")

    lists = wb[LISTS_SHEET]

    def values(name):
        ref = wb.defined_names[name].attr_text
        sheet, cells = ref.split("!")
        assert sheet.strip("'") == LISTS_SHEET
        return [c.value for row in lists[cells.replace("$", "")] for c in row]

    assert values("xlperf_level1") == list(LEVEL1)
    for level1 in LEVEL1:  # INDIRECT(一级指标) finds a name spelt exactly like the 一级 text
        assert values(level1) == list(LEVEL2[level1])
    assert values("xlperf_comparators") == list(COMPARATORS)
    assert values("xlperf_directions") == list(DIRECTIONS)
    assert lists.sheet_state == "veryHidden"


def test_formula_cells_only_where_the_self_evaluation_template_has_them(parts):
    """"=" in the lists and every clerk-facing text stays text; the only formulas are the
    自评表's 预算执行率 and 合计 cells (tools.xlsm.form_sheets.self_eval_formulas)."""
    from tools.xlsm.form_sheets import self_eval_formulas

    for i, spec in enumerate(SHEETS, start=1):
        xml = etree.fromstring(parts[f"xl/worksheets/sheet{i}.xml"])
        found = {c.get("r"): "=" + c.find(f"{MAIN}f").text for c in xml.iter(f"{MAIN}c") if c.find(f"{MAIN}f") is not None}
        assert found == (self_eval_formulas() if spec.title == "自评表" else {}), spec.title
    calc = etree.fromstring(parts["xl/workbook.xml"]).find(f"{MAIN}calcPr")
    assert calc.get("fullCalcOnLoad") in ("1", "true")  # no cached values: computed on open


def test_sample_sheet_is_the_bundled_table(wb):
    from xlperf.api import sample_path

    sample = openpyxl.load_workbook(sample_path())[TEMPLATE_SHEET]
    ws = wb[SAMPLE_SHEET]
    assert ws.max_row == sample.max_row and ws.max_column == sample.max_column
    for got, want in zip(ws.iter_rows(values_only=True), sample.iter_rows(values_only=True)):
        assert list(got) == list(want)
    assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in sample.merged_cells.ranges}
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$2:$3"


def test_sample_sheet_checks_like_the_sample(built_path):
    from xlperf.api import check_path, sample_path

    ours = check_path(built_path, sheet=SAMPLE_SHEET)
    bundled = check_path(sample_path(), sheet=TEMPLATE_SHEET)
    assert ours.report.summary.projects == bundled.report.summary.projects == 22
    # The bundled workbook also carries the text importer's log (导入记录: ST007 shifted
    # cells, ST008 page-break rows), which 示例 leaves out; every other finding is the same.
    imported = {"ST007", "ST008"}
    assert sorted((f.code, f.cell) for f in ours.findings) == \
        sorted((f.code, f.cell) for f in bundled.findings if f.code not in imported)
    assert ours.report.summary.errors > 0  # something for 校验 to show


def test_rules_sheet_lists_every_rule(wb):
    ws = wb["规则说明"]
    assert [c.value for c in ws[2]] == ["代码", "级别", "名称", "问题", "原因", "反例", "正例", "可自动修正"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in rows] == [r[0] for r in rule_rows()]
    assert sorted(r[0] for r in rows) == sorted(r.code for r in all_rules())
    for row in rows:
        assert all(row[3:7]), f"{row[0]}: a doc section is empty"
        assert not any(str(v).startswith(("问题：", "原因：", "反例：", "正例：")) for v in row[3:7])


def test_config_sheet_round_trips_to_the_default_config(wb):
    ws = wb["配置"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[:len(default_rows())] == default_rows()
    assert config_from_rows(rows) == Config()


@pytest.mark.parametrize("row", CONFIG_ROWS, ids=lambda r: r.key)
def test_each_config_row_reaches_its_config_field(row):
    value = {"number": 7, "integer": 7, "codes": "wt001, VL", "severity": "WT001=提示"}[row.kind]
    rows = default_rows()
    rows[[r[0] for r in rows].index(row.key)][1] = value
    parsed = parse_config_rows(rows)
    config = config_from_rows(rows)
    if row.field.startswith("shares."):
        assert config.shares[row.field.split(".", 1)[1]] == 7
    elif row.kind == "codes":
        assert getattr(config, row.field) == ["WT001", "VL"]
    elif row.kind == "severity":
        assert config.severity == {"WT001": "info"}
    else:
        assert getattr(config, row.field) == 7 and parsed[row.field] == 7


def test_xlwings_conf_sheet(wb):
    ws = wb[XLWINGS_CONF_SHEET]
    assert ws.sheet_state == "hidden"
    # xlwings reads A1 down to the first empty cell; every key must sit in that block.
    keys = []
    for row in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if row[0] is None:
            break
        keys.append(row)
    assert keys == [(k, v) for k, v in XLWINGS_CONF]
    conf = {k.upper(): v for k, v in keys}
    assert conf["UDF MODULES"] == "xlperf.excel.udfs"
    assert conf["INTERPRETER_WIN"].endswith("pythonw.exe")
    assert conf["USE UDF SERVER"] is False and conf["SHOW CONSOLE"] is False
    assert conf["PYTHONPATH"] is None
