"""Every button's Python side, run on the built workbook through the openpyxl port.

The ribbon runs the same ``xlperf.excel.commands`` functions over the xlwings port; here they
run over the openpyxl port on PerfTemplate.xlsm itself, so the sheets this build lays out (示例,
配置, 规则说明, the empty 绩效目标表) are known to work with the buttons. What Excel itself
does is on docs/windows-checklist.md.
"""

from __future__ import annotations

import shutil
import zipfile

import pytest

from xlperf.excel import commands
from xlperf.excel.openpyxl_port import OpenpyxlPort
from tools.xlsm.sheets import RULES_SHEET, SAMPLE_SHEET, TEMPLATE_SHEET


@pytest.fixture
def port(built_path, tmp_path):
    path = tmp_path / "PerfTemplate.xlsm"
    shutil.copyfile(built_path, path)
    return OpenpyxlPort.open(path, answers=True)


def press(port, button, sheet=SAMPLE_SHEET):
    port.wb.active = port.wb[sheet]
    commands.run_button(port, getattr(commands, button))
    return port.messages[-1] if port.messages else ""


def test_validate_on_the_sample(port, built_path):
    from xlperf.api import check_path

    summary = check_path(built_path, sheet=SAMPLE_SHEET).report.summary  # what `xlperf check` says
    text = press(port, "validate")
    assert f"错误 {summary.errors} 个" in text and f"警告 {summary.warnings} 个" in text
    assert "22个项目" in text and all(name in text for name in summary.projects_weight_off)
    assert "校验结果" in port.wb.sheetnames
    assert port.wb.active.title == SAMPLE_SHEET
    # the first error: VL004 (a whole scale, 高中低) is an error since issue 17, before WT002 at K36
    assert port.wb[SAMPLE_SHEET].sheet_view.selection[0].activeCell == "I13"


def test_validate_on_the_empty_template(port):
    # the empty template has a header and no rows: one error (ST013), nothing else
    text = press(port, "validate", TEMPLATE_SHEET)
    assert "错误 1 个、警告 0 个（0个项目" in text
    assert [r[1] for r in port.wb["校验结果"].iter_rows(min_row=2, values_only=True) if r[1]] == ["ST013"]


def test_buttons_refuse_the_config_sheet(port):
    assert "xlperf 生成的工作表" in press(port, "validate", "配置")
    assert "校验结果" not in port.wb.sheetnames


def test_weights_records_export(port, tmp_path):
    assert "22个项目" in press(port, "weight_totals") and "2个项目" in port.messages[-1]
    assert "116 条记录" in press(port, "split_records")
    assert "已导出报送文件" in press(port, "export")
    assert (tmp_path / "PerfTemplate_报送.xlsx").is_file()
    assert port.questions and "仍要导出吗" in port.questions[-1]


def test_autofix_then_undo(port):
    assert "已自动修正" in press(port, "autofix")
    assert "没有可以自动修正的问题" in press(port, "autofix")
    assert "已撤销自动修正" in press(port, "undo_fix")
    assert "没有可以撤销的自动修正" in press(port, "undo_fix")


def test_show_rules_uses_the_shipped_sheet(port):
    before = [list(r) for r in port.wb[RULES_SHEET].iter_rows(values_only=True)]
    press(port, "show_rules")
    assert port.wb.active.title == RULES_SHEET
    assert [list(r) for r in port.wb[RULES_SHEET].iter_rows(values_only=True)] == before


def test_clear_marks(port):
    press(port, "validate")
    assert "已清除" in press(port, "clear_marks")


def test_marked_copy_keeps_ribbon_and_vba(port, tmp_path):
    press(port, "validate")
    out = tmp_path / "marked.xlsm"
    port.save(out)
    with zipfile.ZipFile(out) as z:
        assert "customUI/customUI14.xml" in z.namelist() and "xl/vbaProject.bin" in z.namelist()
        assert b"ui/extensibility" in z.read("_rels/.rels")


def test_autofix_leaves_formulas_alone(port):
    """The Windows checklist's 自动修正 step, here through the openpyxl port."""
    port.wb[SAMPLE_SHEET]["L70"] = '=""'
    text = press(port, "autofix")
    assert "已自动修正" in text and "含公式的单元格未修改：L70" in text
    assert port.wb[SAMPLE_SHEET]["L70"].value == '=""'
    assert port.wb[SAMPLE_SHEET]["L86"].value == "正向指标"
