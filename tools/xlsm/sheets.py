"""The sheets of ``PerfTemplate.xlsm``, laid out with openpyxl.

openpyxl only produces the ``.xlsx`` bytes here; :mod:`tools.xlsm.build` adds the VBA
project and the ribbon (openpyxl must never be the last writer: it drops the ribbon).

Sheets, in tab order, with the code names of their VBA document modules
(``vba/<code name>.cls``):

=============  ==========  ===========  =====================================================
sheet          code name   state        content
=============  ==========  ===========  =====================================================
绩效目标表     Sheet1      visible      the empty table: title, 金额单位, 12 headers + 豁免,
                                        dropdowns (一级, dependent 二级, 指标性质, 方向性)
项目绩效目标表 Sheet7      visible      the blank MoF form (label–value rows, 项目资金 block, 年度目标,
                                        indicator grid with dropdowns) — tools.xlsm.form_sheets
自评表         Sheet8      visible      the blank Sichuan self-evaluation (510000_0013zp) with its
                                        预算执行率 and 合计 formulas — tools.xlsm.form_sheets
示例           Sheet2      visible      the bundled real 2023 table (xlperf/data/sample_2023.xlsx)
示例（项目表） Sheet9      visible      two real published forms (岳阳县 2022, 南岳 2018), stacked
规则说明       Sheet3      visible      one row per rule, generated from the registry
配置           Sheet4      visible      settings the engine reads (tools.xlsm.config_sheet)
xlwings.conf   Sheet5      hidden       xlwings settings: interpreter, PYTHONPATH, UDF modules
_lists         Sheet6      veryHidden   the dropdown lists behind the named ranges
=============  ==========  ===========  =====================================================
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xlperf.core.grid import Grid, Merge
from xlperf.core.model import FIELDS, OPTIONAL_FIELDS, SEVERITY_ZH
from xlperf.core.taxonomy import LEVEL1, LEVEL2
from xlperf.writers.styled_table import write_layout_sheet
from xlperf.writers.safe_cells import harden_sheet, set_cell
from .config_sheet import CONFIG_SHEET, default_rows
from .form_sheets import FORM_SAMPLE_SHEET, FORM_SHEET, SELF_EVAL_SHEET

__all__ = [
    "SheetSpec", "SHEETS", "TEMPLATE_SHEET", "SAMPLE_SHEET", "FORM_SHEET", "SELF_EVAL_SHEET", "FORM_SAMPLE_SHEET", "RULES_SHEET", "XLWINGS_CONF_SHEET", "LISTS_SHEET",
    "XLWINGS_CONF", "COMPARATORS", "DIRECTIONS", "TEMPLATE_DATA_ROWS", "VALIDATION_ROWS",
    "build_layout_workbook", "layout_xlsx_bytes", "rule_rows",
]


@dataclass(frozen=True)
class SheetSpec:
    title: str
    code_name: str  # = the VBA document module's name
    state: str  # openpyxl sheet_state


TEMPLATE_SHEET = "绩效目标表"
SAMPLE_SHEET = "示例"
RULES_SHEET = "规则说明"
XLWINGS_CONF_SHEET = "xlwings.conf"
LISTS_SHEET = "_lists"

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(TEMPLATE_SHEET, "Sheet1", "visible"),
    SheetSpec(FORM_SHEET, "Sheet7", "visible"),
    SheetSpec(SELF_EVAL_SHEET, "Sheet8", "visible"),
    SheetSpec(SAMPLE_SHEET, "Sheet2", "visible"),
    SheetSpec(FORM_SAMPLE_SHEET, "Sheet9", "visible"),
    SheetSpec(RULES_SHEET, "Sheet3", "visible"),
    SheetSpec(CONFIG_SHEET, "Sheet4", "visible"),
    SheetSpec(XLWINGS_CONF_SHEET, "Sheet5", "hidden"),
    SheetSpec(LISTS_SHEET, "Sheet6", "veryHidden"),
)
WORKBOOK_CODE_NAME = "ThisWorkbook"

# xlwings reads keys from A1 down to the first empty cell (upper-cased), values from
# column B, expanding %VARIABLES%. The default interpreter is where the python.org
# installer puts a per-user 64-bit Python 3.11; README「Windows 安装」says how to change it.
XLWINGS_CONF: tuple[tuple[str, Any], ...] = (
    ("Interpreter_Win", r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"),
    ("PYTHONPATH", None),
    ("UDF Modules", "xlperf.excel.udfs"),
    ("Use UDF Server", False),
    ("Show Console", False),
)
_XLWINGS_CONF_NOTES = (
    "说明：本工作表供 xlwings 读取（xlwings settings for this workbook）。",
    "Interpreter_Win：pythonw.exe 的完整路径。默认是 python.org 安装程序为当前用户安装 64 位 Python 3.11 的位置；"
    "装在别处（或使用 32 位 Python，文件夹名为 Python311-32）时请改为实际路径。",
    "PYTHONPATH：留空即可（已用 pip 安装 xlperf 时不需要）。UDF Modules：工作表函数所在的 Python 模块。",
    "设置项必须从 A1 起连续填写，中间不能有空行。详见 README「Windows 安装（Windows set-up）」。",
    "不确定填什么时，在“命令提示符”中运行 xlperf doctor 本工作簿的路径：它会比较此处的路径与实际安装的 Python，并给出应填写的路径。",
)

COMPARATORS = ("≥", "≤", "=", ">", "<", "定性")
DIRECTIONS = ("正向指标", "反向指标")
TEMPLATE_TITLE = "部门预算项目绩效目标申报表（    年度）"
TEMPLATE_UNIT_ROW = "金额单位：万元"
TEMPLATE_DATA_ROWS = 30  # bordered empty rows below the header
VALIDATION_ROWS = 2000  # rows below the header that carry the dropdowns

_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(vertical="top", wrap_text=True)


# --- 绩效目标表 -------------------------------------------------------------------------

def _template_grid() -> Grid:
    headers = list(FIELDS.values()) + [OPTIONAL_FIELDS["waiver"]]
    width = len(headers)
    rows: list[list[Any]] = [
        [TEMPLATE_TITLE] + [None] * (width - 1),
        [TEMPLATE_UNIT_ROW] + [None] * (width - 1),
        headers,
    ]
    rows += [[None] * width for _ in range(TEMPLATE_DATA_ROWS)]
    return Grid(TEMPLATE_SHEET, rows, [Merge(0, 0, 0, width - 1)], source="template")


def _column_of(field: str) -> str:
    return get_column_letter(list(FIELDS).index(field) + 1)


def _add_validations(ws: Worksheet, first_row: int) -> None:
    last_row = first_row + VALIDATION_ROWS - 1

    def dropdown(field: str, formula: str, prompt: str) -> None:
        col = _column_of(field)
        label = FIELDS[field]
        dv = DataValidation(
            type="list", formula1=formula, allow_blank=True, showDropDown=False,
            showErrorMessage=True, errorStyle="warning",
            errorTitle=label, error=f"“{label}”一般应从下拉列表中选择。仍要使用输入的内容吗？",
            showInputMessage=True, promptTitle=label, prompt=prompt,
        )
        dv.add(f"{col}{first_row}:{col}{last_row}")
        ws.add_data_validation(dv)

    level1 = _column_of("level1")
    dropdown("level1", "xlperf_level1", "从列表选择：产出、效益、满意度或成本指标。")
    dropdown("level2", f"INDIRECT(${level1}{first_row})", "先选一级指标，这里只列出其下的二级指标。")
    dropdown("comparator", "xlperf_comparators", "≥ ≤ = > < 或 定性。")
    dropdown("direction", "xlperf_directions", "正向指标（越大越好）或反向指标（越小越好）。")


def _write_template(ws: Worksheet) -> None:
    grid = _template_grid()
    write_layout_sheet(ws, grid)
    # The clerk's table grows past the bordered rows: print what is filled in instead of
    # a fixed area (write_layout_sheet sets one for finished tables).
    ws.print_area = None
    ws.cell(row=2, column=1).font = Font(size=10)
    _add_validations(ws, first_row=grid.height - TEMPLATE_DATA_ROWS + grid.row0)


# --- 示例 ---------------------------------------------------------------------------------

def _sample_grid(sample: Optional[Path]) -> Grid:
    from xlperf.api import sample_path
    from xlperf.readers.source import read_source

    path = Path(sample) if sample is not None else sample_path()
    if not path.is_file():  # the bundled workbook is derived from the bundled text
        from xlperf.writers.styled_table import regenerate_sample

        regenerate_sample(path)
    source = read_source(path, sheet=TEMPLATE_SHEET)
    grid = source.grids[0]
    grid.sheet = SAMPLE_SHEET
    grid.merges = sorted(grid.merges, key=lambda m: (m.r1, m.c1, m.r2, m.c2))
    # calamine reads every number as a float; keep whole numbers whole (30, not 30.0).
    grid.rows = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in grid.rows]
    return grid


def _write_sample(ws: Worksheet, sample: Optional[Path]) -> None:
    write_layout_sheet(ws, _sample_grid(sample))
    ws.sheet_properties.tabColor = "70AD47"


# --- 规则说明 -----------------------------------------------------------------------------

RULE_HEADERS = ("代码", "级别", "名称", "问题", "原因", "反例", "正例", "可自动修正")
_RULE_WIDTHS = (8, 7, 30, 45, 60, 40, 40, 8)


def rule_rows() -> list[list[Any]]:
    """One row per rule: 代码 级别 名称 问题 原因 反例 正例 可自动修正 (family order, then code)."""
    from xlperf.core.rules import all_rules
    from xlperf.core.rules.docs import doc_sections
    from xlperf.core.rules.registry import FAMILIES

    order = list(FAMILIES)
    out: list[list[Any]] = []
    for r in sorted(all_rules(), key=lambda r: (order.index(r.family), r.code)):
        s = doc_sections(r.doc)
        out.append([r.code, SEVERITY_ZH[r.severity], r.title, s.get("问题", ""), s.get("原因", ""),
                    s.get("反例", ""), s.get("正例", ""), "是" if r.fixable else ""])
    return out


def _write_rules(ws: Worksheet) -> None:
    ws.append(["规则说明（由程序根据规则登记表生成，请勿手工修改）。级别：错误须修改后提交；警告须复核；"
               "提示供参考。可在“配置”工作表关闭规则或调整级别，或在表格的“豁免”列按行填写规则代码。"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RULE_HEADERS))
    ws.row_dimensions[1].height = 32
    ws.cell(row=1, column=1).alignment = Alignment(vertical="center", wrap_text=True)
    ws.append(list(RULE_HEADERS))
    rows = rule_rows()
    for row in rows:
        ws.append(row)
    # Written heights that fit the wrapped text (LibreOffice does not fit them on opening).
    from xlperf.writers.sheet_layout import fitted_heights

    widths = {get_column_letter(c): w for c, w in enumerate(_RULE_WIDTHS, start=1)}
    for r, h in fitted_heights(rows, widths, range(1, len(RULE_HEADERS) + 1), first_row=3).items():
        ws.row_dimensions[r].height = h
    for c, width in enumerate(_RULE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.border = _BORDER
            cell.alignment = _WRAP_TOP
    ws.freeze_panes = "B3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(RULE_HEADERS))}{ws.max_row}"
    _print_setup(ws, title_rows="2:2")


# --- 配置 ---------------------------------------------------------------------------------

def _write_config(ws: Worksheet) -> None:
    for row in default_rows():
        ws.append(row)
    for c, width in enumerate((18, 16, 90), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column == 3)
        row[1].alignment = Alignment(horizontal="left", vertical="top")
        row[1].fill = PatternFill("solid", fgColor="FFF2CC")  # the cells a clerk may change
    note = ws.max_row + 2
    ws.cell(row=note, column=1, value="只修改黄色的“值”一列；留空表示使用默认值。"
            "与工作簿同一文件夹中的 xlperf.toml（如有）也会被读取，本表填写的值优先。")
    ws.freeze_panes = "A2"
    _print_setup(ws, title_rows="1:1")


# --- xlwings.conf and _lists ------------------------------------------------------------

def _write_xlwings_conf(ws: Worksheet) -> None:
    for key, value in XLWINGS_CONF:
        ws.append([key, value])
    ws.append([])
    for line in _XLWINGS_CONF_NOTES:
        ws.append([line])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60


def _write_lists(ws: Worksheet, wb: Workbook) -> None:
    columns: list[tuple[str, str, tuple[str, ...]]] = [("xlperf_level1", "一级指标", LEVEL1)]
    # INDIRECT(一级指标) needs one name per level-1 text, holding its level-2 list.
    columns += [(level1, level1, LEVEL2[level1]) for level1 in LEVEL1]
    columns += [("xlperf_comparators", "指标性质", COMPARATORS), ("xlperf_directions", "指标方向性", DIRECTIONS)]
    for c, (name, header, values) in enumerate(columns, start=1):
        ws.cell(row=1, column=c, value=header)
        for r, value in enumerate(values, start=2):
            set_cell(ws.cell(row=r, column=c), value)  # "=" stays text, never a formula
        col = get_column_letter(c)
        ref = f"{quote_sheetname(LISTS_SHEET)}!${col}$2:${col}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


# --- shared -------------------------------------------------------------------------------

def _print_setup(ws: Worksheet, *, title_rows: Optional[str]) -> None:
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def build_layout_workbook(sample: Optional[Path] = None) -> Workbook:
    """The workbook's sheets (no VBA, no ribbon), code names set to match ``vba/``."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.code_name = WORKBOOK_CODE_NAME
    wb.properties.creator = "xlperf"
    wb.properties.title = "部门预算项目绩效目标申报表（xlperf PerfTemplate）"
    from openpyxl.workbook.properties import CalcProperties

    from . import form_sheets

    # The 自评表's formulas carry no cached value (openpyxl computes nothing): Excel and
    # LibreOffice are asked to calculate everything when the file is opened.
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    formulas = {SELF_EVAL_SHEET: form_sheets.self_eval_formulas()}
    writers = {
        TEMPLATE_SHEET: _write_template,
        FORM_SHEET: form_sheets.write_form_template,
        SELF_EVAL_SHEET: form_sheets.write_self_eval_template,
        FORM_SAMPLE_SHEET: form_sheets.write_form_examples,
        SAMPLE_SHEET: lambda ws: _write_sample(ws, sample),
        RULES_SHEET: _write_rules,
        CONFIG_SHEET: _write_config,
        XLWINGS_CONF_SHEET: _write_xlwings_conf,
        LISTS_SHEET: lambda ws: _write_lists(ws, wb),
    }
    for spec in SHEETS:
        ws = wb.create_sheet(spec.title)
        ws.sheet_properties.codeName = spec.code_name
        writers[spec.title](ws)
        harden_sheet(ws)  # clerk-facing text such as "=" or "≥ 80" must never become a formula
        form_sheets.apply_formulas(ws, formulas.get(spec.title, {}))  # the only formulas, on purpose
        ws.sheet_state = spec.state
    wb.active = 0
    return wb


def layout_xlsx_bytes(sample: Optional[Path] = None) -> bytes:
    buffer = io.BytesIO()
    build_layout_workbook(sample).save(buffer)
    return buffer.getvalue()
