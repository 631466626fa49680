"""The department workbook ``xlperf combine`` writes (values only, streamed like the export):

- 绩效目标表: the list layout of every combined project (``core.export_plan.layout_grid``):
  title, 金额单位, the twelve headers, a department row with its total before each department's
  projects, 单位名称/项目名称/预算数/年度目标 merged over each project's rows;
- 清洗记录: the records, one per indicator;
- 权重合计: per project, as in the export;
- 来源清单: per project, the source file, sheet, rows and layout, and its errors/warnings;
- 未读取文件 (only when some file could not be read): each file and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.combine import Combined
from ..core.export_plan import layout_grid
from ..core.report import Report
from .atomic import atomic_path
from .export import check_export_path, weights_sheet
from .styled_table import layout_sheet
from .records import records_sheet, table_sheet
from .xlsx_stream import XlsxBook

TITLE = "部门预算项目绩效目标汇总表"
SOURCES_SHEET = "来源清单"
UNREADABLE_SHEET = "未读取文件"
SOURCE_HEADER = ["序号", "项目", "单位", "主管部门", "预算数(万元)", "指标数", "错误", "警告", "读取版式", "来源文件", "工作表", "起始行", "结束行"]
SOURCE_WIDTHS = [6, 36, 30, 26, 12, 8, 6, 6, 10, 40, 14, 8, 8]


def source_columns(combined: Combined) -> list[list[Any]]:
    rows = [[i, s.project, s.unit, s.department, s.budget if s.budget is not None else s.budget_text,
             s.indicators, s.errors, s.warnings, s.layout, s.file, s.sheet, s.row_first, s.row_last]
            for i, s in enumerate(combined.sources, 1)]
    return [list(col) for col in zip(*rows)] if rows else [[] for _ in SOURCE_HEADER]


def write_combined(combined: Combined, out: Path, *, title: str = TITLE) -> None:
    out = Path(out)
    check_export_path(out)
    grid = layout_grid(combined.records, title=title, money_unit="万元")
    with atomic_path(out) as tmp:
        with XlsxBook(tmp, title=title, creator="xlperf") as book:
            book.add(layout_sheet(book, grid))
            book.add(records_sheet(book, combined.records))
            book.add(weights_sheet(book, Report(projects=combined.summaries)))
            book.add(table_sheet(book, SOURCES_SHEET, SOURCE_HEADER, source_columns(combined),
                                 widths=SOURCE_WIDTHS))
            if combined.unreadable:
                files, reasons = zip(*combined.unreadable)
                book.add(table_sheet(book, UNREADABLE_SHEET, ["文件", "原因"], [list(files), list(reasons)],
                                     widths=[50, 90]))
