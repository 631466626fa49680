Attribute VB_Name = "RibbonPerf"
' xlperf: callbacks of the ribbon tab (customUI/customUI14.xml).
'
' Every button calls one fixed entry point in the Python package xlperf through
' xlwings' RunPython (module xlwings). The command strings are constants: nothing
' read from the workbook's cells is ever put into a command.
'
' Each callback sets its error handler first, then PythonReady checks once per
' session that the interpreter configured on the hidden sheet "xlwings.conf" starts
' and finds xlperf, xlwings 0.37.8 and pywin32. Every failure becomes one Chinese
' message that says what the clerk or IT must do; none ends in VBA's raw error dialog.
'
' The Chinese texts below are readable in vba/RibbonPerf.bas; the build turns them
' into ChrW() expressions so that the module stored in the workbook is pure ASCII
' (tools/xlsm/vba_ascii.py). That is why they are Functions, not Consts.
Option Explicit

Private Const XLWINGS_VERSION As String = "0.37.8"
' Exit status 0: ready; 3: xlperf missing; 4: xlwings missing; 5: another xlwings version;
' 6: pywin32 missing (xlwings needs it on Windows).
Private Const CHECK_COMMAND As String = "import sys,importlib.util as u,importlib.metadata as m;" & _
    "sys.exit(3 if u.find_spec('xlperf') is None else 4 if u.find_spec('xlwings') is None " & _
    "else 6 if sys.platform=='win32' and u.find_spec('win32api') is None " & _
    "else 0 if m.version('xlwings')=='0.37.8' else 5)"
' Run-time errors of WScript.Shell.Run: 70 "Permission denied" is what the Defender ASR rule
' "Block all Office applications from creating child processes" gives (xlwings issues
' #821, #1420, #2433); E_ACCESSDENIED is the same refusal as an HRESULT.
Private Const ERR_PERMISSION_DENIED As Long = 70
Private Const E_ACCESSDENIED As Long = -2147024891
Private Const E_FILE_NOT_FOUND As Long = -2147024894
Private Const E_PATH_NOT_FOUND As Long = -2147024893
Private Const ERR_CANNOT_CREATE_OBJECT As Long = 429
' cmd.exe's "not recognized as a command" and the Microsoft Store "python" alias.
Private Const EXIT_COMMAND_NOT_FOUND As Long = 9009

Private pythonChecked As Boolean

' Validate
Public Sub OnValidate(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.validate()"
    Exit Sub
failed:
    ReportFailure "校验"
End Sub

' Clear marks
Public Sub OnClearMarks(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.clear_marks()"
    Exit Sub
failed:
    ReportFailure "清除标记"
End Sub

' Weight totals
Public Sub OnWeightTotals(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.weight_totals()"
    Exit Sub
failed:
    ReportFailure "权重合计"
End Sub

' Split into records
Public Sub OnSplitRecords(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.split_records()"
    Exit Sub
failed:
    ReportFailure "拆分为记录"
End Sub

' Export for submission
Public Sub OnExport(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.export()"
    Exit Sub
failed:
    ReportFailure "导出报送"
End Sub

' Auto-fix
Public Sub OnAutofix(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.autofix()"
    Exit Sub
failed:
    ReportFailure "自动修正"
End Sub

' Undo auto-fix
Public Sub OnUndoFix(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.undo_fix()"
    Exit Sub
failed:
    ReportFailure "撤销修正"
End Sub

' Rules
Public Sub OnShowRules(control As IRibbonControl)
    On Error GoTo failed
    If Not PythonReady() Then Exit Sub
    RunPython "import xlperf.excel.ribbon as r; r.show_rules()"
    Exit Sub
failed:
    ReportFailure "规则说明"
End Sub

' --- texts shown to the clerk -----------------------------------------------------------

Private Function AppTitle() As String
    AppTitle = "绩效目标"
End Function

Private Function SetupHint() As String
    SetupHint = "请运行离线安装包中的“安装.bat”（能上网时也可按 README「Windows 安装（Windows set-up）」一节安装），" & _
        "然后在“命令提示符”中运行 xlperf doctor：它逐项检查 Python、xlwings、xlperf 和本工作簿，" & _
        "并说明需要您或 IT 做什么。"
End Function

Private Function MsgPythonNotFound(ByVal interpreter As String) As String
    MsgPythonNotFound = "找不到 Python：" & interpreter & vbCrLf & vbCrLf & _
        "请运行离线安装包中的“安装.bat”；本机还没有 Python 时，请 IT 安装 64 位 Python 3.11 或 3.12" & _
        "（为当前用户安装，位数须与 Excel 相同）。" & vbCrLf & _
        "Python 装在别处时，请在隐藏工作表“xlwings.conf”的 Interpreter_Win 一行填写 pythonw.exe 的完整路径。" & _
        vbCrLf & vbCrLf & SetupHint()
End Function

Private Function MsgNoXlperf(ByVal interpreter As String) As String
    MsgNoXlperf = "Python（" & interpreter & "）中没有安装 xlperf。" & vbCrLf & vbCrLf & SetupHint()
End Function

Private Function MsgWrongXlwings(ByVal interpreter As String) As String
    MsgWrongXlwings = "Python（" & interpreter & "）中没有本工作簿所需的 xlwings " & XLWINGS_VERSION & _
        "（未安装或版本不同）。请重新运行“安装.bat”，或运行 pip install xlwings==" & XLWINGS_VERSION & "。" & _
        vbCrLf & vbCrLf & SetupHint()
End Function

Private Function MsgNoPywin32(ByVal interpreter As String) As String
    MsgNoPywin32 = "Python（" & interpreter & "）中没有安装 pywin32，xlwings 在 Windows 上需要它。" & _
        "请重新运行“安装.bat”。" & vbCrLf & vbCrLf & SetupHint()
End Function

Private Function MsgPythonFailed(ByVal interpreter As String, ByVal exitCode As Long) As String
    MsgPythonFailed = "Python（" & interpreter & "）启动后出错，退出代码 " & exitCode & "。" & vbCrLf & vbCrLf & _
        SetupHint() & vbCrLf & "如仍不行，请把 xlperf doctor 的全部输出发给 IT。"
End Function

Private Function MsgBlockedByPolicy(ByVal interpreter As String, ByVal errNumber As Long) As String
    MsgBlockedByPolicy = "Excel 无法启动 Python：本机的安全策略不允许 Excel 启动其他程序" & _
        "（运行时错误 " & errNumber & "，权限被拒绝）。这不是安装问题，重新安装 Python 没有用。" & vbCrLf & vbCrLf & _
        "请告诉 IT：多半是 Microsoft Defender 的攻击面减少（ASR）规则" & _
        "“阻止所有 Office 应用程序创建子进程”（D4F940AB-401B-4EFC-AADC-AD5F3C50688A）。" & _
        "请按离线安装包中“内网安装说明.txt”第 5 节为本机添加按路径的排除（Python：" & interpreter & "），" & _
        "之后运行 xlperf doctor 确认。"
End Function

Private Function MsgScriptingBlocked(ByVal errNumber As Long, ByVal errText As String) As String
    MsgScriptingBlocked = "Excel 无法使用 Windows 脚本组件（WScript.Shell / Scripting.Dictionary）：" & _
        errText & " (" & errNumber & ")" & vbCrLf & vbCrLf & _
        "xlwings 用它们读取设置并启动 Python，本机的策略禁用了它们。这不是安装问题。" & vbCrLf & _
        "请告诉 IT：允许 Office 创建 WScript.Shell（wshom.ocx）和 Scripting.Dictionary（scrrun.dll）对象，" & _
        "见“内网安装说明.txt”第 5 节；之后运行 xlperf doctor 确认。"
End Function

Private Function MsgCannotStart(ByVal interpreter As String, ByVal errNumber As Long, ByVal errText As String) As String
    MsgCannotStart = "无法启动 Python（" & interpreter & "）：" & errText & " (" & errNumber & ")" & _
        vbCrLf & vbCrLf & SetupHint()
End Function

Private Function MsgActionFailed(ByVal action As String, ByVal errNumber As Long, ByVal errText As String) As String
    MsgActionFailed = "“" & action & "”未能完成：" & errText & " (" & errNumber & ")" & vbCrLf & vbCrLf & SetupHint()
End Function

' --- helpers ---------------------------------------------------------------------------

Private Sub Tell(ByVal message As String, ByVal icon As VbMsgBoxStyle)
    ' MsgBox converts its text to the system's ANSI code page: where that cannot hold the
    ' text (an English or Japanese Windows), show it with WScript.Shell's Unicode Popup,
    ' and fall back to MsgBox when scripting is disabled too. Never raises.
    Dim host As Object
    On Error Resume Next
    If StrConv(StrConv(message & AppTitle(), vbFromUnicode), vbUnicode) <> message & AppTitle() Then
        Set host = CreateObject("WScript.Shell")
        If Not host Is Nothing Then
            Err.Clear
            host.Popup message, 0, AppTitle(), icon
            If Err.Number = 0 Then Exit Sub
        End If
    End If
    Err.Clear
    MsgBox message, icon, AppTitle()
End Sub

Private Function IsPolicyRefusal(ByVal errNumber As Long) As Boolean
    IsPolicyRefusal = (errNumber = ERR_PERMISSION_DENIED Or errNumber = E_ACCESSDENIED)
End Function

Private Sub ReportFailure(ByVal action As String)
    ' Called from a callback's error handler, while Err still describes the failure.
    Dim errNumber As Long, errText As String, interpreter As String
    errNumber = Err.Number
    errText = Err.Description
    On Error Resume Next
    If IsPolicyRefusal(errNumber) Then
        ' (under Resume Next a failing argument would skip the whole Tell statement)
        interpreter = "python"
        interpreter = GetConfig("INTERPRETER_WIN", "python")
        Tell MsgBlockedByPolicy(interpreter, errNumber), vbExclamation
    Else
        Tell MsgActionFailed(action, errNumber, errText), vbExclamation
    End If
End Sub

Private Function PythonReady() As Boolean
    ' True when Python, xlwings and xlperf were found (checked once per Excel session).
    ' Never raises: every failure is told to the clerk, with what to do, and gives False.
    Dim interpreter As String, exitCode As Long, problem As String, wsh As Object, previousDir As String
    Dim stage As String, errNumber As Long, errText As String

    On Error GoTo failed
    If pythonChecked Then
        PythonReady = True
        Exit Function
    End If
#If Mac Then
    PythonReady = True
    Exit Function
#End If

    ' xlwings' GetConfig reads the xlwings.conf sheet into a Scripting.Dictionary and
    ' expands %VARIABLES% with WScript.Shell: it fails where scripting is disabled.
    stage = "config"
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
    If InStr(interpreter, "\") > 0 And Not FileExists(interpreter) Then
        problem = MsgPythonNotFound(interpreter)
        GoTo finish
    End If

    stage = "shell"
    Set wsh = CreateObject("WScript.Shell")
    stage = "run"
    ' "python -c" puts the current folder on sys.path, as RunPython puts the workbook's
    ' folder: run the check there, then give Excel its current folder back.
    previousDir = wsh.CurrentDirectory
    stage = "cd"  ' an unsaved workbook has no folder: run the check from Excel's
    wsh.CurrentDirectory = ThisWorkbook.Path
    stage = "run"
    exitCode = wsh.Run(Chr(34) & interpreter & Chr(34) & " -c " & Chr(34) & CHECK_COMMAND & Chr(34), 0, True)
    Select Case exitCode
    Case 0
        pythonChecked = True
    Case 3
        If GetConfig("PYTHONPATH", "") <> "" Then
            pythonChecked = True  ' xlperf may live on the configured PYTHONPATH
        Else
            problem = MsgNoXlperf(interpreter)
        End If
    Case 4, 5
        problem = MsgWrongXlwings(interpreter)
    Case 6
        problem = MsgNoPywin32(interpreter)
    Case EXIT_COMMAND_NOT_FOUND
        problem = MsgPythonNotFound(interpreter)
    Case Else
        problem = MsgPythonFailed(interpreter, exitCode)
    End Select

finish:
    On Error Resume Next
    If previousDir <> "" Then wsh.CurrentDirectory = previousDir
    If problem <> "" Then Tell problem, vbExclamation
    PythonReady = pythonChecked
    Exit Function

failed:
    If stage = "cd" Then
        stage = "run"
        Resume Next
    End If
    errNumber = Err.Number
    errText = Err.Description
    If stage = "run" Then
        If IsPolicyRefusal(errNumber) Then
            problem = MsgBlockedByPolicy(interpreter, errNumber)
        ElseIf errNumber = E_FILE_NOT_FOUND Or errNumber = E_PATH_NOT_FOUND Then
            problem = MsgPythonNotFound(interpreter)
        Else
            problem = MsgCannotStart(interpreter, errNumber, errText)
        End If
    ElseIf stage = "shell" Or errNumber = ERR_CANNOT_CREATE_OBJECT Or IsPolicyRefusal(errNumber) Then
        problem = MsgScriptingBlocked(errNumber, errText)
    Else
        problem = MsgCannotStart(interpreter, errNumber, errText)
    End If
    Resume finish
End Function
