"""The openpyxl writer of the familiar layout and of the text importer's workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from xlperf.core.grid import Grid, Merge
from xlperf.core.model import FIELDS
from xlperf.readers.text import import_text
from xlperf.writers.styled_table import (
    IMPORT_LOG_HEADERS,
    IMPORT_LOG_SHEET,
    SAMPLE_TEXT,
    SAMPLE_XLSX,
    import_log_rows,
    write_import_workbook,
    write_layout_sheet,
)

HEADERS = list(FIELDS.values())


def small_grid() -> Grid:
    rows = [
        ["部门预算项目绩效目标申报表（2024年度）"] + [None] * 11,
        ["金额单位：万元"] + [None] * 11,
        HEADERS,
        ["208001-某单位", "培训经费", 12.5, "完成年度培训任务，提升干部业务能力水平。" * 3, "产出指标", "数量指标",
         "培训次数", "≥", 5, "次", 50, "正向指标"],
        [None, None, None, None, "效益指标", "社会效益指标", "干部业务能力", "定性", "提升", None, 40, "正向指标"],
    ]
    merges = [Merge(0, 0, 0, 11)] + [Merge(3, c, 4, c) for c in range(4)]
    return Grid("绩效目标表", rows, merges)


@pytest.fixture(scope="module")
def sample_result():
    return import_text(SAMPLE_TEXT.read_text(encoding="utf-8"))


def sheet_values(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def merge_set(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_write_layout_sheet_values_and_merges():
    wb = Workbook()
    ws = wb.active
    g = small_grid()
    write_layout_sheet(ws, g)
    assert ws["A1"].value == g.rows[0][0]
    assert [c.value for c in ws[3]] == HEADERS
    assert ws["C4"].value == 12.5 and ws["K5"].value == 40
    assert ws["B5"].value is None  # covered by the project merge
    assert merge_set(ws) == {"A1:L1", "A4:A5", "B4:B5", "C4:C5", "D4:D5"}


def test_write_layout_sheet_style_and_print_setup():
    wb = Workbook()
    ws = wb.active
    write_layout_sheet(ws, small_grid())
    for c in ws[3]:
        assert c.font.b and c.alignment.wrap_text and c.alignment.horizontal == "center"
        assert c.border.left.style == "thin" and c.border.bottom.style == "thin"
    assert ws["A1"].font.b
    assert ws["G4"].alignment.wrap_text and ws["G4"].border.top.style == "thin"
    assert ws["C4"].number_format == "#,##0.00"
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEFGHIJKL"}
    assert widths["D"] > widths["G"] > widths["J"] and widths["B"] > widths["K"]
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$3"
    # the long goal needs more height than two single-line rows
    assert ws.row_dimensions[4].height + ws.row_dimensions[5].height > 2 * 15


def test_write_layout_sheet_without_style_writes_only_content():
    wb = Workbook()
    ws = wb.active
    write_layout_sheet(ws, small_grid(), style=False)
    assert merge_set(ws) == {"A1:L1", "A4:A5", "B4:B5", "C4:C5", "D4:D5"}
    assert ws.freeze_panes is None and not ws["A3"].font.b


def test_write_import_workbook(tmp_path: Path, sample_result):
    out = tmp_path / "imported.xlsx"
    write_import_workbook(out, sample_result)
    assert [p.name for p in tmp_path.iterdir()] == ["imported.xlsx"]  # no temporary file left
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["绩效目标表", IMPORT_LOG_SHEET]
    ws = wb["绩效目标表"]
    g = sample_result.grid
    assert ws.max_row == g.height
    assert ws["C4"].value == pytest.approx(3346.95)
    log = sheet_values(wb[IMPORT_LOG_SHEET])
    assert tuple(log[0]) == IMPORT_LOG_HEADERS == ("规则", "级别", "单元格", "源行号", "说明")
    assert len(log) - 1 == len(sample_result.findings) == 36
    first = log[1]
    f = sample_result.findings[0]
    assert first == [f.code, "提示", f.cell, 35, f"{f.message}（{f.message_en}）"]  # a repair made: 提示; the sheet keeps the English
    st008 = [r for r in log[1:] if r[0] == "ST008"]
    assert [(r[1], r[3]) for r in st008] == [("提示", 58), ("提示", 85), ("提示", 117)]


def test_write_import_workbook_replaces_existing_file(tmp_path: Path):
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old")
    r = import_text("单位名称\t项目名称\t预算数\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t指标方向性\n"
                    "\t甲项目经费\t1.00\t目标，完整。\t产出指标\t数量指标\t次数\t≥\t5\t次\t90\t正向指标")
    write_import_workbook(out, r)
    wb = openpyxl.load_workbook(out)
    assert wb["绩效目标表"]["B4"].value == "甲项目经费"
    assert sheet_values(wb[IMPORT_LOG_SHEET]) == [list(IMPORT_LOG_HEADERS)]


def test_import_log_rows_one_per_finding(sample_result):
    rows = import_log_rows(sample_result)
    assert len(rows) == len(sample_result.findings)
    assert all(len(r) == 5 and r[0] in ("ST007", "ST008") and r[1] in ("警告", "提示") for r in rows)
    assert all(isinstance(r[3], int) and r[4].startswith(r[2]) for r in rows)


def test_committed_sample_workbook_matches_regeneration(tmp_path: Path, sample_result):
    """xlperf/data/sample_2023.xlsx is what the importer makes of sample_2023.txt (content, not bytes)."""
    assert SAMPLE_XLSX.exists(), "run: python -m xlperf.writers.styled_table"
    fresh = tmp_path / "fresh.xlsx"
    write_import_workbook(fresh, sample_result)
    a, b = openpyxl.load_workbook(SAMPLE_XLSX), openpyxl.load_workbook(fresh)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        assert sheet_values(a[name]) == sheet_values(b[name]), name
        assert merge_set(a[name]) == merge_set(b[name]), name
    assert a["绩效目标表"].print_title_rows == b["绩效目标表"].print_title_rows
