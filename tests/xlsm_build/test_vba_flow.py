"""The stored (ASCII) RibbonPerf module runs in LibreOffice Basic: texts and failure paths.

LibreOffice's VBA support is an independent interpreter of the very module text the
workbook stores: the ChrW() pieces must parse and give back the Chinese of vba/, and each
way Python can fail must end in exactly one message (never an unhandled error). What a
person still has to see in Excel is on docs/windows-checklist.md §5, §10, §11.

Test-only changes to the stored module, each because LibreOffice is not Excel:
* the ``#If Mac`` block is removed (LibreOffice Basic has no conditional compilation and
  would run it);
* ``MsgBox`` in ``Tell`` is redirected to a recorder (a headless MsgBox shows nothing);
* PythonReady's ``CreateObject("WScript.Shell")`` returns a stand-in object, and its
  ``wsh.Run(`` calls the stub's ``ProbeRun(``, which raises or returns what the scenario says
  (there is no WScript.Shell off Windows, and LibreOffice drops errors raised inside a class
  method);
* its ``FileExists`` (xlwings') calls the stub's ``ProbeFileExists`` (LibreOffice Basic has a
  built-in FileExists that would win).
``xlwings`` is replaced by a stub of GetConfig/RunPython (the real module's ``Declare``
statements do not compile in LibreOffice).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tools.xlsm.assemble import assemble_xlsm
from tools.xlsm.build import CUSTOM_UI, VBA_DIR, project_modules
from tools.xlsm.sheets import layout_xlsx_bytes
from tools.xlsm.vbaproject import Module, build_vba_project

from .lo import SOFFICE

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed (.ci/run installs it)")

# (name, config error, interpreter, file exists, Run error, Run exit code[, RunPython error])
SCENARIOS = [
    ("scripting_disabled", 429, "", False, 0, 0),
    ("python_missing", 0, r"C:\nowhere\pythonw.exe", False, 0, 0),
    ("asr_blocks", 0, r"C:\Py\pythonw.exe", True, 70, 0),
    ("access_denied", 0, r"C:\Py\pythonw.exe", True, -2147024891, 0),
    ("run_not_found", 0, "python", False, -2147024894, 0),
    ("store_alias", 0, "python", False, 0, 9009),
    ("no_xlperf", 0, r"C:\Py\pythonw.exe", True, 0, 3),
    ("wrong_xlwings", 0, r"C:\Py\pythonw.exe", True, 0, 5),
    ("no_pywin32", 0, r"C:\Py\pythonw.exe", True, 0, 6),
    ("python_crashes", 0, r"C:\Py\pythonw.exe", True, 0, 1),
    ("ready", 0, r"C:\Py\pythonw.exe", True, 0, 0),
    # Python was ready, then RunPython itself fails (a policy pushed later, or anything else):
    ("runpython_blocked", 0, r"C:\Py\pythonw.exe", True, 0, 0, 70),
    ("runpython_fails", 0, r"C:\Py\pythonw.exe", True, 0, 0, 1004),
]
TEXT_CALLS = ['AppTitle()', 'SetupHint()', r'MsgPythonNotFound("C:\x\pythonw.exe")', 'MsgNoXlperf("P1")',
              'MsgWrongXlwings("P1")', 'MsgNoPywin32("P1")', 'MsgPythonFailed("P1", 7)',
              'MsgBlockedByPolicy("P1", 70)', 'MsgScriptingBlocked(429, "E1")', 'MsgCannotStart("P1", 1, "E1")',
              'MsgActionFailed("A1", 1, "E1")']

STUB = r'''Attribute VB_Name = "xlwings"
Option Explicit
Public probeConfigError As Long, probeInterp As String, probeExists As Boolean
Public probeRunError As Long, probeExit As Long, probeShown As Long, probeRow As Long, probeRan As String
Public probeRunPythonError As Long

Public Function GetConfig(configKey As String, Optional default As String = "") As Variant
    If probeConfigError <> 0 Then Err.Raise probeConfigError, , "ActiveX component can't create object"
    If UCase(configKey) = "INTERPRETER_WIN" Then GetConfig = probeInterp Else GetConfig = default
End Function

Public Function ProbeFileExists(ByVal f As String) As Boolean
    ProbeFileExists = probeExists
End Function

Public Function RunPython(c As String)
    probeRan = c
    If probeRunPythonError <> 0 Then Err.Raise probeRunPythonError, , "E2"
End Function

Public Sub ProbeMsgBox(Prompt, Buttons, Title)
    probeShown = probeShown + 1
    ThisWorkbook.Worksheets(1).Cells(probeRow, 2 + 2 * probeShown).Value = Prompt
    ThisWorkbook.Worksheets(1).Cells(probeRow, 3 + 2 * probeShown).Value = Title
End Sub

Public Function ProbeShell() As Object
    Set ProbeShell = New ProbeWsh
End Function

Public Function ProbeRun(ByVal command As String, ByVal style As Long, ByVal wait As Boolean) As Long
    If probeRunError <> 0 Then Err.Raise probeRunError, , "refused"
    ProbeRun = probeExit
End Function
'''
SHELL_CLASS = r'''VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "ProbeWsh"
Option Explicit
Public CurrentDirectory As String
'''


def _probe_sub() -> str:
    lines = ["", "Public Sub ProbeAll()", "    Dim ws As Object", "    Set ws = ThisWorkbook.Worksheets(1)"]
    for i, call in enumerate(TEXT_CALLS):
        lines.append(f"    ws.Cells({200 + i}, 1).Value = {call}")
    for i, (name, config_error, interp, exists, run_error, exit_code, *runpython_error) in enumerate(SCENARIOS):
        row = 100 + i
        lines += [
            f"    probeRunPythonError = {runpython_error[0] if runpython_error else 0}",
            f'    pythonChecked = False: probeShown = 0: probeRan = "": probeRow = {row}',
            f'    probeConfigError = {config_error}: probeInterp = "{interp}": probeExists = {exists}',
            f"    probeRunError = {run_error}: probeExit = {exit_code}",
            f'    ws.Cells({row}, 1).Value = "{name}"',
            "    OnValidate Nothing",
            f'    ws.Cells({row}, 2).Value = "returned"',
            f"    ws.Cells({row}, 3).Value = probeRan",
        ]
    lines += ["End Sub", ""]
    return "\r\n".join(lines)


def _ribbon_for_libreoffice(code: str) -> str:
    mac = "#If Mac Then\r\n    PythonReady = True\r\n    Exit Function\r\n#End If\r\n"
    shell = 'Set wsh = CreateObject("WScript.Shell")'
    sink = "    MsgBox message, icon, AppTitle()"
    exists = "Not FileExists(interpreter)"
    run = "exitCode = wsh.Run("
    for needle in (mac, shell, sink, exists, run):
        assert code.count(needle) == 1, needle
    code = code.replace(mac, "").replace(shell, "Set wsh = ProbeShell()").replace(sink, "    ProbeMsgBox message, icon, AppTitle()")
    return code.replace(exists, "Not ProbeFileExists(interpreter)").replace(run, "exitCode = ProbeRun(") + _probe_sub()


def _workbook(path: Path) -> None:
    modules = []
    for m in project_modules():
        if m.name in ("xlwings_udfs", "UdfHelp"):  # XLPy and MacroOptions are Excel's
            continue
        if m.name == "xlwings":
            m = Module("xlwings", "standard", STUB.replace("\n", "\r\n"))
        elif m.name == "ThisWorkbook":
            m = Module(m.name, m.kind, m.code.split("Private Sub Workbook_Open")[0])
        elif m.name == "RibbonPerf":
            m = Module(m.name, m.kind, _ribbon_for_libreoffice(m.code))
        modules.append(m)
    modules.append(Module("ProbeWsh", "class", SHELL_CLASS.replace("\n", "\r\n")))
    path.write_bytes(assemble_xlsm(layout_xlsx_bytes(), build_vba_project(modules), CUSTOM_UI.read_bytes()))


_HELPER = '''Sub RunDocMacro(path As String, macro As String, outPath As String)
    Dim args(1) As New com.sun.star.beans.PropertyValue
    args(0).Name = "MacroExecutionMode" : args(0).Value = 4
    args(1).Name = "Hidden" : args(1).Value = True
    Dim doc As Object
    doc = StarDesktop.loadComponentFromURL(ConvertToURL(path), "_blank", 0, args())
    doc.getScriptProvider().getScript("vnd.sun.star.script:VBAProject." &amp; macro &amp; _
        "?language=Basic&amp;location=document").invoke(Array(), Array(), Array())
    Dim fargs(0) As New com.sun.star.beans.PropertyValue
    fargs(0).Name = "FilterName" : fargs(0).Value = "Calc MS Excel 2007 XML"
    doc.storeToURL(ConvertToURL(outPath), fargs())
    doc.close(True)
End Sub'''


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[int, list]:
    from openpyxl import load_workbook

    tmp = tmp_path_factory.mktemp("vba_flow")
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_xlperf_"))
    try:
        env = f"-env:UserInstallation={profile.as_uri()}"
        subprocess.run([SOFFICE, env, "--headless", "--terminate_after_init"], capture_output=True, timeout=180)
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        text = module.read_text(encoding="utf-8")
        start = text.index('script:language="StarBasic">') + len('script:language="StarBasic">')
        module.write_text(text[:start] + _HELPER + "</script:module>", encoding="utf-8")
        source, out = tmp / "probe.xlsm", tmp / "out.xlsx"
        _workbook(source)
        subprocess.run([SOFFICE, env, "--headless",
                        f'macro:///Standard.Module1.RunDocMacro("{source}","RibbonPerf.ProbeAll","{out}")'],
                       capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert out.is_file(), "LibreOffice did not run the probe macro"
    ws = load_workbook(out).worksheets[0]
    return {r: [c.value for c in ws[r]] for r in range(100, 220)}


def _source_value(function: str, args: dict[str, str]) -> str:
    """Evaluate ``function = a & b & …`` of vba/RibbonPerf.bas (the readable source) in Python."""
    text = (VBA_DIR / "RibbonPerf.bas").read_bytes().decode("utf-8").replace("\r\n", "\n").replace(" _\n", " ")
    body = re.search(rf"^\s*{function} = (.*)$", text, re.M).group(1)
    version = re.search(r'XLWINGS_VERSION As String = "([^"]*)"', text).group(1)
    out = []
    for term in re.findall(r'"(?:[^"]|"")*"|[\w()]+', body):
        if term.startswith('"'):
            out.append(term[1:-1].replace('""', '"'))
        elif term == "vbCrLf":
            out.append("\n")
        elif term == "XLWINGS_VERSION":
            out.append(version)
        elif term == "SetupHint()":
            out.append(_source_value("SetupHint", {}))
        else:
            out.append(args[term])
    return "".join(out)


def _cell(value) -> str:
    return (value or "").replace("\r\n", "\n")


def test_every_message_reads_as_the_source_wrote_it(results):
    args = {
        "AppTitle": {}, "SetupHint": {}, "MsgPythonNotFound": {"interpreter": r"C:\x\pythonw.exe"},
        "MsgNoXlperf": {"interpreter": "P1"}, "MsgWrongXlwings": {"interpreter": "P1"},
        "MsgNoPywin32": {"interpreter": "P1"}, "MsgPythonFailed": {"interpreter": "P1", "exitCode": "7"},
        "MsgBlockedByPolicy": {"interpreter": "P1", "errNumber": "70"},
        "MsgScriptingBlocked": {"errNumber": "429", "errText": "E1"},
        "MsgCannotStart": {"interpreter": "P1", "errNumber": "1", "errText": "E1"},
        "MsgActionFailed": {"action": "A1", "errNumber": "1", "errText": "E1"},
    }
    for i, call in enumerate(TEXT_CALLS):
        name = call.split("(")[0]
        assert _cell(results[200 + i][0]) == _source_value(name, args[name]), name
    assert results[200][0] == "绩效目标"


def _scenario(results, name):
    row = next(r for r, values in results.items() if values[0] == name)
    values = results[row]
    messages = [_cell(v) for v in values[3::2] if v]  # columns D, F, …: one per message shown
    titles = [v for v in values[4::2] if v]
    return values, messages, titles


@pytest.mark.parametrize("name, expected", [
    ("scripting_disabled", "Excel 无法使用 Windows 脚本组件"),
    ("python_missing", r"找不到 Python：C:\nowhere\pythonw.exe"),
    ("asr_blocks", "本机的安全策略不允许 Excel 启动其他程序（运行时错误 70"),
    ("access_denied", "本机的安全策略不允许 Excel 启动其他程序（运行时错误 -2147024891"),
    ("run_not_found", "找不到 Python：python"),
    ("store_alias", "找不到 Python：python"),
    ("no_xlperf", "中没有安装 xlperf"),
    ("wrong_xlwings", "中没有本工作簿所需的 xlwings 0.37.8"),
    ("no_pywin32", "中没有安装 pywin32"),
    ("python_crashes", "启动后出错，退出代码 1"),
])
def test_each_failure_gives_one_message_and_no_python_call(results, name, expected):
    values, messages, titles = _scenario(results, name)
    assert values[1] == "returned", f"{name}: the callback did not return (an unhandled error?)"
    assert not values[2], f"{name}: RunPython ran although Python is not ready"
    assert len(messages) == 1 and expected in messages[0], (name, messages)
    assert titles == ["绩效目标"]
    if name in ("asr_blocks", "access_denied", "scripting_disabled"):
        assert "请告诉 IT" in messages[0] and "这不是安装问题" in messages[0]


def test_a_failing_runpython_is_reported_by_the_callback(results):
    values, messages, titles = _scenario(results, "runpython_blocked")
    assert values[1] == "returned" and values[2]  # RunPython was called, then raised error 70
    assert len(messages) == 1 and "运行时错误 70" in messages[0] and r"Python：C:\Py\pythonw.exe" in messages[0]
    values, messages, titles = _scenario(results, "runpython_fails")
    assert values[1] == "returned" and len(messages) == 1
    assert messages[0].startswith("“校验”未能完成：E2 (1004)") and "xlperf doctor" in messages[0]
    assert titles == ["绩效目标"]


def test_ready_python_runs_the_command_silently(results):
    values, messages, _ = _scenario(results, "ready")
    assert values[1] == "returned" and messages == []
    assert values[2] == "import xlperf.excel.ribbon as r; r.validate()"

