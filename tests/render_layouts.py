"""Render one real example of each layout into docs/img/ (committed), with LibreOffice:

    PYTHONPATH=$PWD python -m tests.render_layouts

* ``layout-list.png``: the bundled sample (遂宁市委政法委 2023), its first rows;
* ``layout-form.png``: 岳阳县 2022 高标准农田 (tests/data/real), the MoF form;
* ``layout-form-long.png``: 武汉市青山区 2020 教育基建, 长期 and 年度 groups side by side;
* ``layout-department.png``: 宁德 2019 部门整体支出绩效目标表;
* ``layout-selfeval.png``: 廊坊 2019 项目支出绩效自评表 (the MoF template), whole: money block,
  总体目标, indicators with 分值/得分/偏差原因, 总分.

The workbooks are built as in the tests (``tests/real_tables.py``), with borders, wrapped text
and column widths so they print the way a clerk's table looks; printed landscape, one page wide.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

from xlperf.api import sample_path

from .real_tables import build
from .xlsm_build.lo import to_pdf, to_png

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
THIN = Side(style="thin", color="808080")
EXAMPLES = {
    "layout-form": ("hunan_yueyang-yueyangxian_2022_gaobiaozhunnongtian_target", [14, 16, 26, 30, 16]),
    "layout-form-long": ("hubei_wuhan-qingshan_2020_jiaoyujijian_target", [12, 18, 22, 16, 18, 26, 16]),
    "layout-department": ("fujian_ningde_2019_dangshidifangzhi_dept", [14, 22, 30, 26, 16]),
    # 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因: the reason column wide enough to read
    "layout-selfeval": ("hebei_langfang_2019_nuantonggaizao_selfeval", [11, 15, 21, 10, 10, 7, 7, 30]),
}


def style(path: Path, widths: list[int], rows: int = 0, orientation: str = "landscape") -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    last = rows or ws.max_row
    if rows and ws.max_row > rows:
        ws.delete_rows(rows + 1, ws.max_row - rows)
        ws.merged_cells.ranges = {m for m in ws.merged_cells.ranges if m.max_row <= rows}
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = w
    for row in ws.iter_rows(min_row=1, max_row=last, max_col=ws.max_column):
        for c in row:
            c.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
            c.alignment = Alignment(wrap_text=True, vertical="center")
            c.font = Font(name="WenQuanYi Micro Hei", size=9)
    merged_top = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    for row in ws.iter_rows(min_row=1, max_row=last, max_col=ws.max_column):
        lines = 1
        for c in row:
            if c.value is None or c.column > len(widths):
                continue
            m = merged_top.get((c.row, c.column))
            width = sum(widths[m.min_col - 1:m.max_col]) if m else widths[c.column - 1]
            rows_spanned = (m.max_row - m.min_row + 1) if m else 1
            need = -(-len(str(c.value)) * 2 // max(width, 1))  # CJK characters are two wide
            lines = max(lines, -(-need // rows_spanned))
        ws.row_dimensions[row[0].row].height = 13 * lines + 2
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(path)
    return path


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for out, (name, widths) in EXAMPLES.items():
            tall = out == "layout-selfeval"  # one narrow, long form: portrait prints it larger
            xlsx = style(build(tmp / f"{out}.xlsx", [name], percent=tall), widths,
                         orientation="portrait" if tall else "landscape")
            print(to_png(to_pdf(xlsx, tmp), IMG / f"{out}.png", dpi=110 if tall else 90, height=0.8 if tall else 1.0))
        sample = tmp / "layout-list.xlsx"
        sample.write_bytes(sample_path().read_bytes())
        style(sample, [22, 24, 8, 26, 9, 10, 22, 7, 8, 7, 6, 9], rows=20)
        print(to_png(to_pdf(sample, tmp), IMG / "layout-list.png", dpi=90))


if __name__ == "__main__":
    sys.exit(main())
