"""The ``imageMso`` icons the ribbon may use: Excel's own commands only.

An ``imageMso`` that Excel does not know draws a blank square, and no Linux tool can tell.
The ids below are control ids of commands on Excel's own ribbon, taken from Microsoft's
"Office Fluent User Interface Control Identifiers" lists (the per-application workbook
``ExcelControls.xlsx`` in the Office 2016 help-file download, also published as
github.com/OfficeDev/office-fluent-ui-command-identifiers), where each appears with the
Excel tab and group it belongs to (noted here). A command's control id is also its image id.
Earlier icons came from other Office applications (``AcceptInvitation`` is Outlook's,
``QueryBuilder`` and ``CreateTable`` Access's) and are listed as refused.

On Windows, docs/windows-checklist.md §4 proves each id with
``?TypeName(Application.CommandBars.GetImageMso("<id>", 32, 32))`` in the VBE immediate
window: ``Picture`` for an id Excel has, a run-time error for one it lacks.
"""

from __future__ import annotations

__all__ = ["EXCEL_IMAGE_MSO", "NOT_EXCEL"]

EXCEL_IMAGE_MSO: dict[str, str] = {
    "DataValidation": "数据 (Data) > 数据工具 (Data Tools) > 数据验证 (Data Validation)",
    "ClearFormats": "开始 (Home) > 编辑 (Editing) > 清除 (Clear) > 清除格式 (Clear Formats)",
    "Help": "Help (F1), every Office application",
    "AutoSum": "开始 (Home) > 编辑 (Editing) > 自动求和 (AutoSum); 公式 (Formulas) > 函数库",
    "UnmergeCells": "开始 (Home) > 对齐方式 (Alignment) > 合并后居中 > 取消单元格合并 (Unmerge Cells)",
    "FileSaveAsExcelXlsx": "文件 (File) > 另存为 > Excel 工作簿 (Excel Workbook)",
    "ReplaceDialog": "开始 (Home) > 编辑 (Editing) > 查找和选择 > 替换 (Replace)",
    "Undo": "快速访问工具栏 (Quick Access Toolbar) > 撤消 (Undo)",
}

NOT_EXCEL = ("AcceptInvitation", "QueryBuilder", "CreateTable")
