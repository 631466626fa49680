"""The form-layout sheets of PerfTemplate.xlsm: 项目绩效目标表 (blank MoF form), 自评表 (blank
Sichuan 510000_0013zp self-evaluation) and 示例（项目表） (two real forms, stacked).

What is laid out where, the dropdowns and print set-up (as on the list sheet), and that
LibreOffice computes the 自评表's formulas and shows 预算执行率 as a percentage.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tools.xlsm.form_sheets import (
    FORM,
    FORM_EXAMPLES,
    FORM_SAMPLE_SHEET,
    FORM_SHEET,
    SELF_EVAL,
    SELF_EVAL_SHEET,
    self_eval_formulas,
)
from tools.xlsm.sheets import layout_xlsx_bytes

from .lo import SOFFICE, pdf_text, to_pdf

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


@pytest.fixture(scope="module")
def wb(built):
    return openpyxl.load_workbook(io.BytesIO(built))


def values(ws, rows: int, cols: int):
    return [[ws.cell(r, c).value for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def dropdowns(ws) -> dict[str, tuple[str, str]]:
    """First column letter of each list validation -> (formula, sqref)."""
    return {str(dv.sqref)[0]: (dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation
            if dv.type == "list"}


def assert_print_setup(ws, title_rows):
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == title_rows


def test_tab_order(wb):
    assert wb.sheetnames[:5] == ["绩效目标表", FORM_SHEET, SELF_EVAL_SHEET, "示例", FORM_SAMPLE_SHEET]


# --- 项目绩效目标表 ----------------------------------------------------------------------------


def test_form_template_layout(wb):
    ws = wb[FORM_SHEET]
    assert ws["A1"].value == "项目支出绩效目标表" and "A1:I1" in {str(m) for m in ws.merged_cells.ranges}
    assert [ws[a].value for a in ("A3", "A4", "D4", "A5", "B5", "B6", "B7", "B8", "A9")] == [
        "项目名称", "主管部门", "实施单位", "项目资金（万元）", "年度资金总额", "其中：财政拨款", "上年结转", "其他资金", "年度目标"]
    assert [c.value for c in ws[10]] == ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值",
                                         "指标方向", "备注"]
    merges = {str(m) for m in ws.merged_cells.ranges}
    assert {"B3:I3", "B4:C4", "F4:I4", "A5:A8", "D5:I5", "D8:I8", "B9:I9"} <= merges
    # blank: every value cell and every indicator row is empty
    for ref in ("B3", "B4", "F4", "D5", "D6", "D7", "D8", "B9"):
        assert ws[ref].value is None, ref
    assert all(c.value is None for row in ws.iter_rows(min_row=11) for c in row)
    assert ws.max_row == 10 + FORM.blank_rows and ws["I30"].border.bottom.style == "thin"


def test_form_template_dropdowns_and_print(wb):
    ws = wb[FORM_SHEET]
    assert dropdowns(ws) == {
        "A": ("xlperf_level1", "A11:A30"),
        "B": ("INDIRECT($A11)", "B11:B30"),  # each 二级 reads its own row's 一级
        "D": ("xlperf_comparators", "D11:D30"),
        "H": ("xlperf_directions", "H11:H30"),
    }
    for dv in ws.data_validations.dataValidation:
        assert dv.allow_blank and dv.errorStyle == "warning" and dv.showInputMessage
    assert_print_setup(ws, "$10:$10")
    assert ws.print_area == "'项目绩效目标表'!$A$1:$I$30"


# --- 自评表 ------------------------------------------------------------------------------------


def test_self_eval_template_layout(wb):
    ws = wb[SELF_EVAL_SHEET]
    assert ws["A1"].value == "报表编号：510000_0013zp"
    assert ws["A2"].value.startswith("部门预算项目支出绩效自评表")
    assert [ws[a].value for a in ("A3", "A4", "F4", "A5", "B5", "C5", "G5", "B7")] == [
        "项目名称", "主管部门", "实施单位（盖章）", "项目基本情况", "1.项目年度目标完成情况", "项目年度目标", "年度目标完成情况",
        "2.项目实施内容及过程概述"]
    assert [c.value for c in ws[8]][:9] == ["预算执行情况（10分）", "年度预算数（万元）", "年初预算", "调整后预算数",
                                           "预算执行数", "预算执行率", "权重", "得分", "原因"]
    assert [ws.cell(r, 2).value for r in range(9, 14)] == ["总额", "其中：财政资金", "财政专户管理资金", "单位资金", "其他资金"]
    assert ws["G9"].value == 10 and [ws[f"G{r}"].value for r in range(10, 14)] == ["/"] * 4
    assert [c.value for c in ws[14]] == ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
                                         "度量单位", "完成值", "权重", "得分", "未完成原因分析"]
    t = SELF_EVAL.total_row
    assert ws[f"A{t}"].value == "合计" and f"A{t}:H{t}" in {str(m) for m in ws.merged_cells.ranges}
    assert [ws[f"A{t + i}"].value for i in (1, 2, 3)] == ["评价结论", "存在问题", "改进措施"]
    for r in range(SELF_EVAL.first_indicator, SELF_EVAL.last_indicator + 1):
        assert all(ws.cell(r, c).value is None for c in range(2, 12)), r
    for r in range(9, 14):
        assert ws[f"F{r}"].number_format == "0.00%"


def test_self_eval_formulas(wb):
    ws = wb[SELF_EVAL_SHEET]
    f = self_eval_formulas()
    assert f["F9"] == '=IF(N(D9)=0,"",E9/D9)'  # blank, never #DIV/0!, until 调整后预算数 is filled
    assert f["I27"] == "=SUM(G9,I15:I26)"  # 10 budget points + the indicator weights
    assert f["J27"] == '=IF(COUNT(H9,J15:J26)=0,"",SUM(H9,J15:J26))'
    assert set(f) == {"F9", "F10", "F11", "F12", "F13", "I27", "J27"}
    for ref, formula in f.items():
        assert ws[ref].data_type == "f" and ws[ref].value == formula


def test_self_eval_dropdowns_and_print(wb):
    ws = wb[SELF_EVAL_SHEET]
    assert dropdowns(ws) == {
        "B": ("xlperf_level1", "B15:B26"),
        "C": ("INDIRECT($B15)", "C15:C26"),
        "E": ("xlperf_comparators", "E15:E26"),
    }  # the Sichuan template has no 指标方向 column
    assert_print_setup(ws, "$14:$14")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_libreoffice_computes_the_self_eval_formulas(tmp_path):
    """青神 2023's figures typed into the blank 自评表: LibreOffice shows 100.00% and 95.24%,
    the 合计 of 权重 100 and of 得分 97 (Excel's check is on docs/windows-checklist.md)."""
    wb = openpyxl.load_workbook(io.BytesIO(layout_xlsx_bytes()))
    ws = wb[SELF_EVAL_SHEET]
    ws["C9"], ws["D9"], ws["E9"], ws["H9"] = 238.93, 251.89, 251.89, 10
    ws["C10"], ws["D10"], ws["E10"] = 200, 210, 200
    ws["I15"], ws["J15"], ws["I16"], ws["J16"] = 60, 60, 30, 27
    for other in wb.sheetnames:
        if other != SELF_EVAL_SHEET:
            wb[other].sheet_state = "hidden"
            wb[other].print_area = None
    wb.active = wb.sheetnames.index(SELF_EVAL_SHEET)
    path = tmp_path / "selfeval.xlsx"
    wb.save(path)
    text = pdf_text(to_pdf(path, tmp_path / "pdf"))
    assert "100.00%" in text and "95.24%" in text  # 251.89/251.89, 200/210
    total = next(line for line in text.splitlines() if "合计" in line).split()
    assert total[-2:] == ["100", "97"]
    assert "#DIV/0!" not in text  # the empty lines show nothing


# --- 示例（项目表） ------------------------------------------------------------------------------


def _tsv_indicators(name: str) -> list[tuple[str, str]]:
    """(三级指标, 指标值) of a real published table, in order."""
    out = []
    grid = False
    for line in (REAL / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        cells = line.split("\t")
        if "三级指标" in cells:
            grid = True
            continue
        if grid and len(cells) >= 5 and cells[0] == "":
            out.append((cells[-2], cells[-1]))
        elif grid:
            break
    return out


@pytest.mark.parametrize("i, tsv", [(0, "hunan_yueyang-yueyangxian_2022_gaobiaozhunnongtian_target.tsv"),
                                    (1, "hunan_hengyang-nanyue_2018_fupinjidi_target.tsv")])
def test_examples_are_the_published_tables(i, tsv):
    if not (REAL / tsv).is_file():
        pytest.skip("tests/data/real not present on this branch")
    ours = [(row[2], row[3]) for row in FORM_EXAMPLES[i]["indicators"]]
    assert ours == _tsv_indicators(tsv)


def test_example_sheet_holds_both_forms_stacked(wb):
    ws = wb[FORM_SAMPLE_SHEET]
    titles = [c.row - 2 for c in ws["A"] if c.value == "项目名称"]
    assert [ws[f"A{t}"].value for t in titles] == ["绩效目标申报表(基础设施建设类)", "绩效目标申报表"]
    assert ws[f"B{titles[0] + 2}"].value == "岳阳县2022年高标准农田建设项目"
    assert ws[f"B{titles[1] + 2}"].value == "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)"
    # the published grids' own columns: 岳阳县 一级/二级/三级/指标值, 南岳 with 备注
    assert [ws.cell(titles[0] + 8, c).value for c in range(1, 5)] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert [ws.cell(titles[1] + 8, c).value for c in range(1, 6)] == ["一级指标", "二级指标", "三级指标", "指标值", "备注"]
    assert ws[f"C{titles[0] + 5}"].value.startswith("854万854万")  # the repeated amount, as published
    assert ws[f"D{titles[1] + 9}"].value == ">=20平方米"  # ASCII >=, as published
    assert [b.id for b in ws.row_breaks.brk] == [titles[1] - 3]  # each form on its own page
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows is None  # each stacked form prints its own header
