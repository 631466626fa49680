"""The ribbon: schema-valid customUI14, every button wired to a VBA Sub, every Sub to Python.

A static cross-check of the whole chain a click takes in Excel:
customUI14.xml onAction -> ``Public Sub X(control As IRibbonControl)`` in RibbonPerf.bas
-> ``RunPython "import M as r; r.f()"`` -> ``M.f`` exists in xlperf and takes no arguments.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys

import pytest
import xlwings
from lxml import etree

from tools.xlsm.build import CUSTOM_UI

NS = "http://schemas.microsoft.com/office/2009/07/customui"
BUTTONS = ["校验", "清除标记", "规则说明", "权重合计", "拆分为记录", "导出报送", "自动修正", "撤销修正"]
SUB_RE = re.compile(r"^Public Sub (\w+)\(control As IRibbonControl\)\r?$", re.M)
RUNPYTHON_RE = re.compile(r"^\s*RunPython\b(.*)$", re.M)
COMMAND_RE = re.compile(r"^import ([A-Za-z_][\w.]*) as (\w+); \2\.(\w+)\(\)$")


def ribbon():
    return etree.fromstring(CUSTOM_UI.read_bytes())


def buttons():
    return ribbon().findall(f".//{{{NS}}}button")


def sub_bodies(text: str) -> dict[str, str]:
    """Sub name -> its body, for every Sub/Function in a module."""
    out = {}
    for m in re.finditer(r"^(?:Public |Private )?(Sub|Function) (\w+)\(.*?^End \1", text, re.M | re.S):
        out[m.group(2)] = m.group(0)
    return out


def vba_constant(text: str, name: str) -> str:
    """The value of ``Const name As String = "a" & _ "b"`` (string literals joined)."""
    lines = text.split("\r\n")
    start = next(i for i, line in enumerate(lines) if re.match(rf"^(Private |Public )?Const {name} As String = ", line))
    expr = lines[start].split("=", 1)[1]
    i = start
    while expr.rstrip().endswith(" _"):
        i += 1
        expr = expr.rstrip()[:-2] + lines[i]
    literals = re.findall(r'"((?:[^"]|"")*)"', expr)
    assert re.fullmatch(r'\s*"(?:[^"]|"")*"(\s*&\s*"(?:[^"]|"")*")*\s*', expr), f"{name} is not a string constant"
    return "".join(lit.replace('""', '"') for lit in literals)


def test_customui_is_the_2009_07_part_with_the_tab():
    root = ribbon()
    assert root.tag == f"{{{NS}}}customUI"
    tabs = root.findall(f".//{{{NS}}}tab")
    assert [t.get("label") for t in tabs] == ["绩效目标"]


def test_buttons_have_labels_tips_and_icons():
    bs = buttons()
    assert [b.get("label") for b in bs] == BUTTONS
    ids = [b.get("id") for b in bs]
    assert len(set(ids)) == len(ids)
    for b in bs:
        for attr in ("screentip", "supertip", "imageMso", "onAction"):
            assert b.get(attr), (b.get("label"), attr)
        assert len(b.get("supertip")) <= 1024 and len(b.get("screentip")) <= 1024
        assert b.get("size") == "large"


def test_every_onaction_names_a_ribbon_sub(vba_sources):
    subs = set(SUB_RE.findall(vba_sources["RibbonPerf"]))
    actions = [b.get("onAction") for b in buttons()]
    for action in actions:
        module, _, sub = action.partition(".")
        assert module == "RibbonPerf", action
        assert sub in subs, f"{action}: no Public Sub {sub}(control As IRibbonControl) in vba/RibbonPerf.bas"
    assert subs == {a.split(".")[1] for a in actions}, "a ribbon callback no button uses"


def test_every_runpython_is_a_fixed_call_of_an_xlperf_function(vba_sources):
    from xlperf.excel.ribbon import ENTRY_POINTS

    text = vba_sources["RibbonPerf"]
    calls = RUNPYTHON_RE.findall(text)
    assert len(calls) == len(buttons())
    called = []
    for arg in calls:
        m = re.fullmatch(r'\s+"([^"]*)"\r?', arg)
        assert m, f"RunPython must take one string literal, nothing built at run time: {arg!r}"
        command = COMMAND_RE.match(m.group(1))
        assert command, f"unexpected command shape: {m.group(1)!r}"
        module_name, _, func_name = command.groups()
        assert module_name.startswith("xlperf.")
        func = getattr(importlib.import_module(module_name), func_name, None)
        assert callable(func), f"{module_name}.{func_name} does not exist"
        required = [p for p in inspect.signature(func).parameters.values() if p.default is inspect.Parameter.empty]
        assert required == [], f"{module_name}.{func_name} must take no arguments"
        called.append(func_name)
    assert sorted(called) == sorted(ENTRY_POINTS)


def test_every_callback_sets_its_handler_then_checks_python(vba_sources):
    bodies = sub_bodies(vba_sources["RibbonPerf"])
    for sub in SUB_RE.findall(vba_sources["RibbonPerf"]):
        body = bodies[sub]
        lines = [line.strip() for line in body.split("\r\n")[1:] if line.strip() and not line.strip().startswith("'")]
        # The handler comes first: PythonReady or RunPython failing must reach ReportFailure,
        # never VBA's raw run-time error dialog.
        assert lines[0] == "On Error GoTo failed", sub
        assert lines[1] == "If Not PythonReady() Then Exit Sub", sub
        assert lines[2].startswith("RunPython "), sub
        assert "failed:" in lines and "ReportFailure" in body, sub


def test_python_ready_sets_its_handler_before_anything_can_fail(vba_sources):
    body = sub_bodies(vba_sources["RibbonPerf"])["PythonReady"]
    handler = body.index("On Error GoTo failed")
    for risky in ("GetConfig(", 'CreateObject("WScript.Shell")', "wsh.Run(", "FileExists("):
        assert handler < body.index(risky), risky
    assert "Resume finish" in body  # the handler always ends by telling the clerk, then returns


def test_python_ready_tells_each_cause_apart(vba_sources):
    """Python not found / blocked by policy / scripting disabled / xlperf, xlwings, pywin32
    missing: each has its own message, and the policy ones say what to tell IT."""
    text = vba_sources["RibbonPerf"]
    bodies = sub_bodies(text)
    ready = bodies["PythonReady"]
    for message in ("MsgPythonNotFound", "MsgBlockedByPolicy", "MsgScriptingBlocked", "MsgNoXlperf",
                    "MsgWrongXlwings", "MsgNoPywin32", "MsgPythonFailed", "MsgCannotStart"):
        assert message + "(" in ready, message
    assert "IsPolicyRefusal(errNumber)" in ready and "IsPolicyRefusal(errNumber)" in bodies["ReportFailure"]
    assert "ERR_PERMISSION_DENIED As Long = 70" in text
    for name in ("MsgBlockedByPolicy", "MsgScriptingBlocked"):
        literal = "".join(re.findall(r'"((?:[^"]|"")*)"', bodies[name]))
        assert "告诉 IT" in literal and "xlperf doctor" in literal and "内网安装说明.txt" in literal, name
    assert "D4F940AB-401B-4EFC-AADC-AD5F3C50688A" in bodies["MsgBlockedByPolicy"]
    assert "重新安装 Python 没有用" in bodies["MsgBlockedByPolicy"]  # not the old "reinstall" advice
    # Every message reaches the clerk through Tell, which never raises.
    assert "MsgBox " not in "".join(b for n, b in bodies.items() if n != "Tell")
    assert "On Error Resume Next" in bodies["Tell"]


def test_python_check_matches_the_pinned_xlwings(vba_sources):
    text = vba_sources["RibbonPerf"]
    assert vba_constant(text, "XLWINGS_VERSION") == xlwings.__version__
    assert f"=='{xlwings.__version__}'" in vba_constant(text, "CHECK_COMMAND")


def test_python_check_command_runs(vba_sources, tmp_path):
    command = vba_constant(vba_sources["RibbonPerf"], "CHECK_COMMAND")
    assert '"' not in command  # it is passed inside double quotes on the command line
    ok = subprocess.run([sys.executable, "-c", command], cwd=tmp_path, timeout=60)
    assert ok.returncode == 0
    # Without site-packages (and without a PYTHONPATH pointing at a checkout) neither xlperf
    # nor xlwings can be found: exit status 3 (xlperf missing).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    missing = subprocess.run([sys.executable, "-S", "-c", command], cwd=tmp_path, timeout=60, env=env)
    assert missing.returncode == 3


def test_setup_hint_points_to_the_bundle_the_readme_and_doctor(vba_sources):
    body = sub_bodies(vba_sources["RibbonPerf"])["SetupHint"]
    hint = "".join(re.findall(r'"((?:[^"]|"")*)"', body))
    assert "安装.bat" in hint and "README" in hint and "Windows" in hint and "xlperf doctor" in hint
    not_found = sub_bodies(vba_sources["RibbonPerf"])["MsgPythonNotFound"]
    assert "xlwings.conf" in not_found and "Interpreter_Win" in not_found


@pytest.mark.filterwarnings("ignore")
def test_openxml_audit_finds_no_customui_errors(built_path):
    from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0).validate(str(built_path))
    errors = [e for e in result.errors if e.severity == ValidationSeverity.ERROR]
    assert [e.description for e in errors if e.part_uri.startswith("/customUI")] == []
    assert [e.description for e in errors if "content type" in e.description.lower()] == []


def test_openxml_audit_would_catch_a_bad_ribbon(tmp_path):
    """The gate above is live: a misspelt element in our ribbon is reported."""
    from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

    from tools.xlsm import build

    bad = CUSTOM_UI.read_bytes().replace(b'size="large" imageMso="Undo"', b'size="huge" imageMso="Undo"')
    assert bad != CUSTOM_UI.read_bytes()
    path = tmp_path / "bad.xlsm"
    from tools.xlsm.assemble import assemble_xlsm
    from tools.xlsm.sheets import layout_xlsx_bytes
    from tools.xlsm.vbaproject import build_vba_project

    path.write_bytes(assemble_xlsm(layout_xlsx_bytes(), build_vba_project(build.vba_modules()), bad))
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0).validate(str(path))
    assert any(e.part_uri.startswith("/customUI") and e.severity == ValidationSeverity.ERROR for e in result.errors)
