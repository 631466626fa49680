"""The ribbon buttons on the workbook's form sheets, through the openpyxl port: a filled
项目绩效目标表 (one MoF form), 示例（项目表） (two real forms stacked on one sheet) and a filled
自评表 (the Sichuan self-evaluation). The same commands as on a list; the layout reader that fits
the sheet (``xlperf.core.layouts``) decides how it is read.

The form and self-evaluation readers live on their own branches until they are merged; each
test here is skipped while its reader is not registered, and runs as soon as it is.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import openpyxl
import pytest

from xlperf.api import check_path
from xlperf.core.grid import address
from xlperf.excel import commands
from xlperf.excel.marks import CODE_OF, RANK, cell_of
from xlperf.excel.openpyxl_port import OpenpyxlPort
from xlperf.excel.port import mark_sheet_for
from tools.xlsm.form_sheets import FORM_SAMPLE_SHEET, FORM_SHEET, SELF_EVAL_SHEET
from tools.xlsm.sheets import layout_xlsx_bytes


def _reader(name: str) -> bool:
    return importlib.util.find_spec(f"xlperf.core.layouts.{name}") is not None


needs_form = pytest.mark.skipif(not _reader("form"), reason="form reader (h/forms) not merged yet")
needs_self_eval = pytest.mark.skipif(not _reader("self_evaluation"),
                                     reason="self-evaluation reader (h/selfeval) not merged yet")
BUTTONS = ("validate", "weight_totals", "split_records", "export", "clear_marks", "autofix", "undo_fix")
MAX_CALLS = 10

# --- the sheets, filled as a clerk would ---------------------------------------------------------

FORM_ROWS = [  # weights add up to 115 (G11: WT002), ">=" not yet "≥" (D15: NM001)
    ("产出指标", "数量指标", "培训人次", "≥", 500, "人次", 30, "正向指标"),
    (None, "质量指标", "培训合格率", "≥", 95, "%", 20, "正向指标"),
    (None, "时效指标", "完成时间", "≤", 12, "月", 10, "反向指标"),
    ("效益指标", "社会效益指标", "受益人数", "≥", 1000, "人", 45, "正向指标"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", ">=", 90, "%", 10, "正向指标"),
]
SE_ROWS = [  # 足额保障率 scores 25 of 30 and gives no reason (K16)
    ("产出指标", "数量指标", "发放(缴纳)覆盖率", "=", 100, "%", 100, 60, 60, None),
    ("效益指标", "社会效益指标", "足额保障率(参保率)", "=", 100, "%", 95, 30, 25, None),
]


def _book(active: str):
    wb = openpyxl.load_workbook(io.BytesIO(layout_xlsx_bytes()))
    wb.active = wb.sheetnames.index(active)
    return wb


def filled_form(path: Path) -> Path:
    wb = _book(FORM_SHEET)
    ws = wb[FORM_SHEET]
    ws["A2"] = "（2024年度）"
    ws["B3"] = "农村实用技术培训"
    ws["B4"], ws["F4"] = "某县农业农村局", "208001-某县农业技术推广中心"
    ws["D5"], ws["D6"], ws["D8"] = 100, 80, 20
    ws["B9"] = "全年培训农民500人次，合格率95%以上。"
    for i, row in enumerate(FORM_ROWS):
        for c, v in enumerate(row, start=1):
            ws.cell(11 + i, c, v)
    wb.save(path)
    return path


def filled_self_eval(path: Path) -> Path:
    """青神 2023's 工资性支出, filled in (the published one is blank)."""
    wb = _book(SELF_EVAL_SHEET)
    ws = wb[SELF_EVAL_SHEET]
    ws["A2"] = "部门预算项目支出绩效自评表（2023年度）"
    ws["B3"] = "51000021R000000019951-工资性支出"
    ws["B4"], ws["H4"] = "青神县发展和改革局本级", "青神县发展和改革局"
    ws["C6"] = "严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳。"
    ws["G6"] = "工资及时足额发放。"
    for col, values in zip("CDE", ((238.93, 238.93, 0, 0), (251.89, 251.89, 0, 0), (251.89, 251.89, 0, 0))):
        for i, v in enumerate(values):
            ws[f"{col}{9 + i}"] = v
    ws["H9"] = 10
    for i, row in enumerate(SE_ROWS):
        for c, v in enumerate(row, start=2):
            ws.cell(15 + i, c, v)
    wb.save(path)
    return path


def examples(path: Path) -> Path:
    _book(FORM_SAMPLE_SHEET).save(path)
    return path


def press(port: OpenpyxlPort, button: str, sheet: str) -> str:
    port.reset_counts()
    port.wb.active = port.wb[sheet]
    commands.run_button(port, getattr(commands, button))
    assert port.calls <= MAX_CALLS, (button, dict(port.counts))
    return port.messages[-1] if port.messages else ""


def marks(port: OpenpyxlPort, sheet: str) -> dict[str, str]:
    name = mark_sheet_for(sheet)
    if name not in port.wb.sheetnames:
        return {}
    return {c.coordinate: c.value for row in port.wb[name].iter_rows() for c in row if c.value}


def expected_marks(result, sheet: str) -> dict[str, str]:
    """What 校验 must colour: each active finding's cell (its row's 三级指标 cell when it names
    only a row), the worst severity per cell."""
    table = commands.sheet_table(result.tables, sheet)
    out: dict[str, str] = {}
    for f in result.findings:
        rc = cell_of(f, table) if f.sheet == sheet and not f.waived else None
        if rc is not None:
            a = address(*rc)
            if RANK[CODE_OF[f.severity]] > RANK[out.get(a)]:
                out[a] = CODE_OF[f.severity]
    return out


def column(port: OpenpyxlPort, sheet: str, col: str) -> dict[str, str]:
    return {c.coordinate: c.value for c in port.wb[sheet][col] if c.value is not None}


# --- one form ---------------------------------------------------------------------------------


@needs_form
def test_validate_a_filled_form(tmp_path):
    path = filled_form(tmp_path / "form.xlsx")
    result = check_path(path, sheet=FORM_SHEET)
    assert [t.layout for t in result.tables] == ["form"]
    s = result.report.summary
    port = OpenpyxlPort.open(path)
    text = press(port, "validate", FORM_SHEET)
    assert f"错误 {s.errors} 个、警告 {s.warnings} 个（1个项目，5条指标）" in text
    got = marks(port, FORM_SHEET)
    assert got == expected_marks(result, FORM_SHEET)
    assert got["G11"] == "E" and got["D15"] == "W"  # WT002 (115, not 90), NM001 (">=")
    notes = column(port, FORM_SHEET, "J")  # right of the form (A:I)
    assert notes["J1"] == "校验说明" and set(notes) == {"J1", "J11", "J15"}
    assert notes["J11"].startswith("错误 WT002") and notes["J15"].startswith("警告 NM001")
    # the marks cover the whole form, its label–value rows too, not only the indicator grid
    assert [str(cf.sqref) for cf in port.wb[FORM_SHEET].conditional_formatting] == ["A1:H30"]
    assert port.wb[FORM_SHEET].sheet_view.selection[0].activeCell == "G11"
    codes = [r[1] for r in port.wb["校验结果"].iter_rows(min_row=2, values_only=True)]
    assert codes == [f.code for f in result.report.findings]
    # a second 校验 does not read the first one's notes as the clerk's content
    again = press(port, "validate", FORM_SHEET)
    assert again == text and marks(port, FORM_SHEET) == {"G11": "E", "D15": "W"}
    assert column(port, FORM_SHEET, "J") == notes


@needs_form
def test_clear_marks_on_a_form(tmp_path):
    port = OpenpyxlPort.open(filled_form(tmp_path / "form.xlsx"))
    press(port, "validate", FORM_SHEET)
    before = [[c.value for c in row] for row in port.wb[FORM_SHEET].iter_rows(max_col=9)]
    assert "已清除" in press(port, "clear_marks", FORM_SHEET)
    assert marks(port, FORM_SHEET) == {} and column(port, FORM_SHEET, "J") == {}
    assert [[c.value for c in row] for row in port.wb[FORM_SHEET].iter_rows(max_col=9)] == before


@needs_form
def test_weights_split_export_on_a_form(tmp_path):
    port = OpenpyxlPort.open(filled_form(tmp_path / "form.xlsx"), answers=True)
    assert "1个项目" in press(port, "weight_totals", FORM_SHEET)
    rows = list(port.wb["权重合计"].iter_rows(values_only=True))
    assert rows[1][0] is not None and "农村实用技术培训" in rows[1]
    assert f"#'{FORM_SHEET}'!B3" in rows[1][-1]  # 位置 jumps to the form's 项目名称 value
    assert "5 条记录" in press(port, "split_records", FORM_SHEET)
    press(port, "export", FORM_SHEET)
    out = tmp_path / "form_报送.xlsx"
    assert out.is_file()


# --- stacked forms --------------------------------------------------------------------------------


@needs_form
def test_validate_the_stacked_example_forms(tmp_path):
    """岳阳县 (rows 1–22) and 南岳 (rows 25–49) on one sheet: one mark sheet and one 校验说明
    column for both; each form's findings on its own rows."""
    path = examples(tmp_path / "examples.xlsx")
    result = check_path(path, sheet=FORM_SAMPLE_SHEET)
    assert [t.layout for t in result.tables] == ["form", "form"]
    port = OpenpyxlPort.open(path)
    text = press(port, "validate", FORM_SAMPLE_SHEET)
    assert "2个项目，28条指标" in text
    got = marks(port, FORM_SAMPLE_SHEET)
    assert got == expected_marks(result, FORM_SAMPLE_SHEET)  # every finding's cell, the worst code
    assert got["D13"] == "W"  # 岳阳县's "≥100%" (VL010)
    notes = column(port, FORM_SAMPLE_SHEET, "F")  # right of the wider form (A:E)
    assert notes["F1"] == "校验说明"
    assert {int(a[1:]) for a in notes} - {1} == {f.row for f in result.findings if f.row and f.row > 1}
    assert [mark_sheet_for(FORM_SAMPLE_SHEET)] == [n for n in port.wb.sheetnames if n.startswith("_xlperf_marks")]
    press(port, "weight_totals", FORM_SAMPLE_SHEET)
    links = [r[-1] for r in port.wb["权重合计"].iter_rows(min_row=2, values_only=True) if r[-1]]
    assert any("!B3\"" in str(v) for v in links) and any("!B27\"" in str(v) for v in links)
    assert "28 条记录" in press(port, "split_records", FORM_SAMPLE_SHEET)
    press(port, "clear_marks", FORM_SAMPLE_SHEET)
    assert marks(port, FORM_SAMPLE_SHEET) == {} and column(port, FORM_SAMPLE_SHEET, "F") == {}


# --- 自评表 ------------------------------------------------------------------------------------------


@needs_self_eval
def test_validate_a_filled_self_evaluation(tmp_path):
    port = OpenpyxlPort.open(filled_self_eval(tmp_path / "selfeval.xlsx"))
    text = press(port, "validate", SELF_EVAL_SHEET)
    assert "（1个项目，2条指标）" in text and "全部1个项目的指标分值合计均为90" in text
    # 25 of 30 points without a reason (K16); 调整后预算数 above 年初预算 with no 原因 (I9, the
    # oddity of the published 青神 form)
    assert marks(port, SELF_EVAL_SHEET) == {"K16": "E", "I9": "W"}
    notes = column(port, SELF_EVAL_SHEET, "L")
    assert set(notes) == {"L1", "L9", "L16"} and notes["L16"].startswith("错误 SE005")
    assert notes["L9"].startswith("警告 SE016")
    assert press(port, "validate", SELF_EVAL_SHEET) == text  # its own notes are not read back
    assert "2 条记录" in press(port, "split_records", SELF_EVAL_SHEET)
    press(port, "clear_marks", SELF_EVAL_SHEET)
    assert marks(port, SELF_EVAL_SHEET) == {} and column(port, SELF_EVAL_SHEET, "L") == {}


@needs_self_eval
def test_blank_self_evaluation_is_read_as_one(tmp_path):
    """The blank 自评表 is recognised as a self-evaluation (the clerk is told what is missing,
    not that the sheet is not a table)."""
    path = tmp_path / "blank.xlsx"
    _book(SELF_EVAL_SHEET).save(path)
    port = OpenpyxlPort.open(path)
    text = press(port, "validate", SELF_EVAL_SHEET)
    assert "无法处理" not in text and "校验结果" in port.wb.sheetnames


# --- what each button costs, per layout -------------------------------------------------------------


CASES = [
    pytest.param(filled_form, FORM_SHEET, marks=needs_form, id="form"),
    pytest.param(examples, FORM_SAMPLE_SHEET, marks=needs_form, id="stacked-forms"),
    pytest.param(filled_self_eval, SELF_EVAL_SHEET, marks=needs_self_eval, id="self-evaluation"),
]


@pytest.mark.parametrize("make, sheet", CASES)
def test_every_button_costs_at_most_ten_port_calls(make, sheet, tmp_path):
    port = OpenpyxlPort.open(make(tmp_path / "book.xlsx"), answers=True)
    for button in BUTTONS:
        press(port, button, sheet)  # asserts port.calls <= MAX_CALLS
        assert "出错" not in port.messages[-1], port.messages[-1]
