"""Shared test data for the xlsm builder tests: VBE export text (with Chinese) and helpers."""

from __future__ import annotations

import logging

THIS_WORKBOOK = """\
VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "ThisWorkbook"
Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = True
Attribute VB_Exposed = True
Attribute VB_TemplateDerived = False
Attribute VB_Customizable = True
Option Explicit

Private Sub Workbook_Open()
    Application.StatusBar = "绩效目标申报表已就绪"
End Sub
"""

# Attributes out of Excel's order and incomplete: the builder must reorder and fill in.
SHEET1 = """\
VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "Sheet1"
Attribute VB_Customizable = True
Attribute VB_TemplateDerived = False
Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"
Attribute VB_Exposed = True
Option Explicit

Private Sub Worksheet_Change(ByVal Target As Range)
    If Target.Column = 1 Then Target.Offset(0, 1).Value = "已修改"
End Sub
"""

SHEET2 = """\
Attribute VB_Name = "Sheet2"
' 报表页：没有代码
"""

DICTIONARY = """\
VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "Dictionary"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = False
Attribute VB_Exposed = False
Attribute VB_Description = "简单字典：键 -> 值"
''
' 简单字典（测试用）
Option Explicit

Private pKeys As New Collection
Private pItems As New Collection

Public Property Get Count() As Long
Attribute Count.VB_Description = "条目数量"
    Count = pItems.Count
End Property

Public Property Get Item(Key As Variant) As Variant
Attribute Item.VB_UserMemId = 0
    Item = pItems(CStr(Key))
End Property

Public Sub Add(Key As Variant, Value As Variant)
    pKeys.Add Key, CStr(Key)
    pItems.Add Value, CStr(Key)
End Sub
"""

RIBBON_PERF = """\
Attribute VB_Name = "RibbonPerf"
Option Explicit
' 功能区回调：每个按钮调用一个 Python 函数

Public Sub OnValidate(control As IRibbonControl)
    RunPython "import xlperf.xl as x; x.validate()"
End Sub

Public Sub OnSplit(control As IRibbonControl)
    MsgBox "拆分完成：" & Format(Now, "yyyy-mm-dd"), vbInformation, "绩效目标"
End Sub
"""


def bulk_module(lines: int = 400) -> str:
    """A standard module well over 4096 bytes (several compression chunks)."""
    body = ["Attribute VB_Name = \"Bulk\"", "Option Explicit", ""]
    for i in range(lines):
        body.append(f"' 第{i}行：项目{i % 37}的绩效指标，目标值{i * 7 % 101}")
        if i % 25 == 0:
            body += [f"Public Function Check{i}(v As Variant) As Boolean",
                     f"    Check{i} = (v > {i}) ' 检查{i}",
                     "End Function"]
    return "\r\n".join(body) + "\r\n"


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def strip_attributes(text: str) -> str:
    """Code without the .cls VERSION header and Attribute lines, LF line ends: the
    comparison the brief asks for (readers may differ in how they show attributes)."""
    text = text.replace("\r\n", "\n")
    if text.startswith("VERSION "):
        text = text.split("\nEND\n", 1)[1]
    return "\n".join(line for line in text.split("\n") if not line.startswith("Attribute "))


class LogCapture(logging.Handler):
    """Collects records of the given loggers, whatever their configured level."""

    def __init__(self, *names: str) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.loggers = [logging.getLogger(name) for name in names]

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> "LogCapture":
        self.saved = [logger.level for logger in self.loggers]
        for logger in self.loggers:
            logger.setLevel(logging.DEBUG)  # oletools' loggers are silenced by default
            logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        for logger, level in zip(self.loggers, self.saved):
            logger.removeHandler(self)
            logger.setLevel(level)

    def problems(self) -> list[str]:
        return [f"{r.name} {r.levelname}: {r.getMessage()}" for r in self.records if r.levelno >= logging.WARNING]
