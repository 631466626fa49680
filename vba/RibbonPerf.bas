Attribute VB_Name = "RibbonPerf"
' xlperf: callbacks of the ribbon tab "绩效目标" (customUI/customUI14.xml).
'
' Every button calls one fixed entry point in the Python package xlperf through
' xlwings' RunPython (module xlwings). The command strings are constants: nothing
' read from the workbook's cells is ever put into a command.
'
' Before the first Python call of a session, PythonReady checks once that the
' interpreter configured on the hidden sheet "xlwings.conf" starts and can import
' xlperf and xlwings 0.37.8, and otherwise tells the clerk, in Chinese, what to do.
Option Explicit

Private Const XLWINGS_VERSION As String = "0.37.8"
Private Const SETUP_HINT As String = "请按 README「Windows 安装（Windows set-up）」一节：安装 64 位 Python 3.11，" & _
    "运行 pip install xlperf（会同时安装 xlwings 0.37.8），" & _
    "再在隐藏工作表“xlwings.conf”的 Interpreter_Win 一行填写 pythonw.exe 的完整路径。"
' Exit status 0: ready; 3: xlperf missing; 4: xlwings missing; 5: another xlwings version.
Private Const CHECK_COMMAND As String = "import sys,importlib.util as u,importlib.metadata as m;" & _
    "sys.exit(3 if u.find_spec('xlperf') is None else 4 if u.find_spec('xlwings') is None " & _
    "else 0 if m.version('xlwings')=='0.37.8' else 5)"
Private Const TITLE As String = "绩效目标"

Private pythonChecked As Boolean

' 校验
Public Sub OnValidate(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.validate()"
    Exit Sub
failed:
    ReportFailure "校验"
End Sub

' 清除标记
Public Sub OnClearMarks(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.clear_marks()"
    Exit Sub
failed:
    ReportFailure "清除标记"
End Sub

' 权重合计
Public Sub OnWeightTotals(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.weight_totals()"
    Exit Sub
failed:
    ReportFailure "权重合计"
End Sub

' 拆分为记录
Public Sub OnSplitRecords(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.split_records()"
    Exit Sub
failed:
    ReportFailure "拆分为记录"
End Sub

' 导出报送
Public Sub OnExport(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.export()"
    Exit Sub
failed:
    ReportFailure "导出报送"
End Sub

' 自动修正
Public Sub OnAutofix(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.autofix()"
    Exit Sub
failed:
    ReportFailure "自动修正"
End Sub

' 撤销修正
Public Sub OnUndoFix(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.undo_fix()"
    Exit Sub
failed:
    ReportFailure "撤销修正"
End Sub

' 规则说明
Public Sub OnShowRules(control As IRibbonControl)
    If Not PythonReady() Then Exit Sub
    On Error GoTo failed
    RunPython "import xlperf.excel.ribbon as r; r.show_rules()"
    Exit Sub
failed:
    ReportFailure "规则说明"
End Sub

Private Sub ReportFailure(ByVal action As String)
    MsgBox "“" & action & "”未能完成：" & Err.Description & " (" & Err.Number & ")" & vbCrLf & vbCrLf & SETUP_HINT, _
        vbExclamation, TITLE
End Sub

Private Function PythonReady() As Boolean
    ' True when Python and xlperf were found (checked once per Excel session).
    Dim interpreter As String, exitCode As Long, problem As String, wsh As Object, previousDir As String

    If pythonChecked Then
        PythonReady = True
        Exit Function
    End If
#If Mac Then
    PythonReady = True
    Exit Function
#End If

    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    If InStr(interpreter, "\") > 0 And Not FileExists(interpreter) Then
        problem = "找不到 Python 解释器：" & interpreter
    Else
        On Error GoTo cannotStart
        Set wsh = CreateObject("WScript.Shell")
        ' "python -c" puts the current folder on sys.path, as RunPython puts the workbook's
        ' folder: run the check there, then give Excel its current folder back.
        previousDir = wsh.CurrentDirectory
        On Error Resume Next
        wsh.CurrentDirectory = ThisWorkbook.Path
        On Error GoTo cannotStart
        exitCode = wsh.Run(Chr(34) & interpreter & Chr(34) & " -c " & Chr(34) & CHECK_COMMAND & Chr(34), 0, True)
        Select Case exitCode
        Case 0
            pythonChecked = True
        Case 3
            If GetConfig("PYTHONPATH", "") <> "" Then
                pythonChecked = True  ' xlperf may live on the configured PYTHONPATH
            Else
                problem = "Python（" & interpreter & "）中没有安装 xlperf。"
            End If
        Case 4
            problem = "Python（" & interpreter & "）中没有安装 xlwings " & XLWINGS_VERSION & "。"
        Case 5
            problem = "Python（" & interpreter & "）中的 xlwings 版本不是本工作簿所需的 " & XLWINGS_VERSION & _
                "，请运行 pip install xlwings==" & XLWINGS_VERSION & "。"
        Case Else
            problem = "Python（" & interpreter & "）无法运行，退出代码 " & exitCode & "。"
        End Select
    End If
afterRun:
    On Error Resume Next
    If previousDir <> "" Then wsh.CurrentDirectory = previousDir
    On Error GoTo 0

    If problem <> "" Then MsgBox problem & vbCrLf & vbCrLf & SETUP_HINT, vbExclamation, TITLE
    PythonReady = pythonChecked
    Exit Function

cannotStart:
    problem = "无法启动 Python（" & interpreter & "）：" & Err.Description
    Resume afterRun
End Function
