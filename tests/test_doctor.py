"""``xlperf doctor``: the checks that run on every OS, and the parsers behind the Windows ones."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlperf.excel import doctor
from xlperf.cli.app import app
from tools.xlsm.build import DOCUMENT_MODULES, REQUIRED_MODULES
from xlperf.excel.doctor import (ASR_CHILD_PROCESSES, ASR_WIN32_API, ERROR, FIX, OK, SKIP, Item, asr_findings,
                           check_asr, check_dll, check_excel_bitness, check_interpreter, check_motw, check_python,
                           check_template, check_xlwings, conf_interpreter, exit_code, parse_mdm_rules,
                           pe_machine_bits, zone_id)
from xlperf.excel.vbaread import load_manifest, module_digest, read_modules_from_xlsm
from tools.xlsm.assemble import assemble_xlsm
from tools.xlsm.build import CUSTOM_UI, DEFAULT_OUTPUT, project_modules
from tools.xlsm.sheets import layout_xlsx_bytes
from tools.xlsm.vbaproject import Module, build_vba_project


@pytest.fixture(scope="module")
def layout() -> bytes:
    return layout_xlsx_bytes()


def workbook_with(tmp_path: Path, layout: bytes, change=None, name="PerfTemplate.xlsm") -> Path:
    modules = project_modules()
    if change is not None:
        modules = change(modules)
    path = tmp_path / name
    path.write_bytes(assemble_xlsm(layout, build_vba_project(modules), CUSTOM_UI.read_bytes()))
    return path


def run(*args: str):
    return CliRunner().invoke(app, ["doctor", *args])


def test_the_committed_template_is_healthy():
    result = run(str(DEFAULT_OUTPUT))
    assert result.exit_code == 0, result.output
    assert "[通过] 模板 PerfTemplate.xlsm" in result.output and f"{len(DOCUMENT_MODULES) + len(REQUIRED_MODULES)} 个 VBA 模块与清单一致" in result.output
    assert "结论：一切正常" in result.output


def test_a_tampered_module_needs_fixing(tmp_path, layout):
    def tamper(modules):
        return [Module(m.name, m.kind, m.code.replace('r.validate()', 'r.export()')) if m.name == "RibbonPerf"
                else m for m in modules]

    path = workbook_with(tmp_path, layout, tamper)
    result = run(str(path))
    assert result.exit_code == 1, result.output
    assert "[需处理] 模板 PerfTemplate.xlsm" in result.output
    assert "内容不同的模块：RibbonPerf" in result.output and "怎么办" in result.output


def test_a_tampered_document_module_is_found_too(tmp_path, layout):
    def tamper(modules):
        return [Module(m.name, m.kind, m.code + '\r\nPrivate Sub Workbook_BeforeClose(Cancel As Boolean)\r\nEnd Sub')
                if m.name == "ThisWorkbook" else m for m in modules]

    items, _ = check_template(workbook_with(tmp_path, layout, tamper))
    assert items[0].status == FIX and "ThisWorkbook" in items[0].detail


def test_missing_and_extra_modules(tmp_path, layout):
    def swap(modules):
        return [m for m in modules if m.name != "UdfHelp"] + [Module("Payload", "standard", 'Attribute VB_Name = "Payload"')]

    items, _ = check_template(workbook_with(tmp_path, layout, swap))
    assert items[0].status == FIX
    assert "缺少的模块：UdfHelp" in items[0].detail and "多出的模块：Payload" in items[0].detail


def test_what_excel_rewrites_on_save_still_matches():
    """Excel may add Attribute lines and trailing blank lines when it saves: not a change."""
    modules = {m.name: m.code for m in project_modules()}
    manifest = load_manifest()
    resaved = 'Attribute VB_Name = "RibbonPerf"\r\nAttribute VB_Description = "x"\r\n' + \
        modules["RibbonPerf"].split("\r\n", 1)[1] + "\r\n\r\n  \r\n"
    assert module_digest(resaved) == manifest["modules"]["RibbonPerf"]
    assert module_digest(resaved.replace("vbExclamation", "vbInformation", 1)) != manifest["modules"]["RibbonPerf"]


def test_the_manifest_matches_what_the_stdlib_reader_reads():
    modules = read_modules_from_xlsm(DEFAULT_OUTPUT)
    manifest = load_manifest()
    assert {n: module_digest(t) for n, t in modules.items()} == manifest["modules"]
    assert manifest["xlwings_version"] == "0.37.8"


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "无法打开工作簿"),
    (None, "没有 VBA 工程"),  # a plain .xlsx saved under the .xlsm name
])
def test_a_broken_template_needs_fixing(tmp_path, layout, content, message):
    path = tmp_path / "PerfTemplate.xlsm"
    path.write_bytes(layout if content is None else content)
    result = run(str(path))
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_corrupt_vba_project_is_reported_not_raised(tmp_path, layout):
    path = workbook_with(tmp_path, layout)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/vbaProject.bin"] = parts["xl/vbaProject.bin"][:1500]
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    items, modules = check_template(path)
    assert items[0].status == FIX and modules == {}


def test_no_template_means_a_check_could_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(str(tmp_path / "nowhere.xlsm"))
    assert result.exit_code == 2, result.output
    assert "[无法检查] 模板" in result.output and "找不到文件" in result.output


def test_json_output(tmp_path):
    result = run(str(DEFAULT_OUTPUT), "--format", "json")
    data = json.loads(result.output)
    assert data["exit_code"] == result.exit_code == 0
    keys = [i["key"] for i in data["items"]]
    for key in ("python", "xlwings", "pywin32", "xlwings_dll", "excel_bitness", "interpreter", "motw", "asr",
                "template"):
        assert key in keys
    assert all(i["status"] in (OK, SKIP) for i in data["items"])


def test_exit_code_precedence():
    ok, fix, err = (Item("k", "t", s, "") for s in (OK, FIX, ERROR))
    assert exit_code([ok]) == 0 and exit_code([ok, err]) == 2 and exit_code([err, fix]) == 1
    assert exit_code([Item("k", "t", SKIP, "")]) == 0


def test_python_version():
    assert check_python((3, 9, 18), 64).status == FIX
    assert check_python((3, 11, 9), 64).status == OK
    assert "离线安装包只为" in check_python((3, 13, 1), 64).detail


def test_xlwings_versions():
    assert check_xlwings("0.37.8", "0.37.8", "0.37.8").status == OK
    wrong = check_xlwings("0.37.8", "0.37.8", "0.38.0")
    assert wrong.status == FIX and "pip install xlwings==0.37.8" in wrong.action
    assert check_xlwings("0.36.0", "0.37.8", "0.37.8").status == FIX  # a template of another release
    assert check_xlwings(None, "0.37.8", None).status == FIX


def _pe(machine: int) -> bytes:
    header = bytearray(1024)
    header[:2] = b"MZ"
    struct.pack_into("<I", header, 0x3C, 0x80)
    header[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<H", header, 0x84, machine)
    return bytes(header)


def test_pe_machine_bits():
    assert pe_machine_bits(_pe(0x8664)) == 64 and pe_machine_bits(_pe(0x014C)) == 32
    assert pe_machine_bits(b"MZ" + b"\0" * 10) is None and pe_machine_bits(b"\x7fELF" + b"\0" * 100) is None


def test_excel_bitness_against_python(tmp_path):
    exe = tmp_path / "EXCEL.EXE"
    exe.write_bytes(_pe(0x014C))

    def read(hive, key, value):
        if key.endswith(r"App Paths\excel.exe"):
            return str(exe)
        raise OSError("no such key")

    item = check_excel_bitness(read, 64)
    assert item.status == FIX and "Excel 为 32 位" in item.detail and "32 位的 Python" in item.action
    assert check_excel_bitness(read, 32).status == OK

    def c2r_only(hive, key, value):
        if value == "Platform":
            return "x64"
        raise OSError

    assert check_excel_bitness(c2r_only, 64).status == OK

    def nothing(hive, key, value):
        raise OSError

    assert check_excel_bitness(nothing, 64).status == ERROR


def test_zone_identifier(tmp_path):
    assert zone_id("[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://example.org/\r\n") == 3
    assert zone_id("[ZoneTransfer]\nLastWriterPackageFamilyName=x\n") is None
    path = tmp_path / "PerfTemplate.xlsm"
    path.write_bytes(b"x")
    assert check_motw(path).status == OK
    # On NTFS "file:Zone.Identifier" is the alternate data stream; elsewhere it is a sibling
    # file of that name, which exercises the same code.
    Path(f"{path}:Zone.Identifier").write_text("[ZoneTransfer]\r\nZoneId=3\r\n")
    item = check_motw(path)
    assert item.status == FIX and "解除锁定" in item.action and "Unblock-File" in item.action


def test_mdm_rules_and_asr_findings():
    rules = parse_mdm_rules("d4f940ab-401b-4efc-aadc-ad5f3c50688a=1|{92E97FA1-2EDF-4476-BDD6-9DD0B4DDDC7B}=2")
    assert rules == {ASR_CHILD_PROCESSES: 1, ASR_WIN32_API: 2}
    paths = {"Python": r"C:\Users\clerk\AppData\Local\Programs\Python\Python311"}
    items = asr_findings(rules, [], paths)
    assert [i.status for i in items] == [FIX, OK]
    assert "运行时错误 70" in items[0].detail and "内网安装说明.txt 第 5 节" in items[0].action
    assert "重新安装没有用" in items[0].action
    excluded = asr_findings(rules, [r"C:\Users\clerk\AppData\Local\Programs\Python"], paths)
    assert excluded[0].status == OK and "已按路径排除" in excluded[0].detail
    assert asr_findings({}, [], paths)[0].status == OK  # not configured
    assert asr_findings({ASR_WIN32_API: 6}, [], paths)[1].status == FIX  # warn mode also stops the macro


def test_asr_unreadable_is_a_check_that_could_not_run():
    def denied(hive, key, value):
        raise PermissionError("access denied")

    def no_powershell():
        raise OSError("powershell not found")

    items = check_asr(denied, {"Python": "C:\\Python311"}, powershell=no_powershell)
    assert [i.status for i in items] == [ERROR] and exit_code(items) == 2


def test_asr_from_the_policy_registry():
    def read(hive, key, value):
        if key.endswith(r"Exploit Guard\ASR\Rules") and "Policies" in key:
            return {"D4F940AB-401B-4EFC-AADC-AD5F3C50688A": "1"}
        raise OSError

    def no_powershell():
        raise OSError

    items = check_asr(read, {"Python": "C:\\Python311"}, powershell=no_powershell)
    assert [i.status for i in items] == [FIX, OK]


def test_conf_interpreter_reads_like_xlwings():
    rows = [["Interpreter_Win", r"C:\Py\pythonw.exe"], ["PYTHONPATH", None], [None, None], ["Interpreter", "x"]]
    assert conf_interpreter(rows) == r"C:\Py\pythonw.exe"
    assert conf_interpreter([["interpreter_win", ""], ["INTERPRETER", "python"]]) == "python"
    assert conf_interpreter([]) is None


def test_interpreter_in_the_template(tmp_path):
    template = DEFAULT_OUTPUT
    assert check_interpreter(template, windows=False).status == SKIP
    mismatch = check_interpreter(template, windows=True, executable=str(tmp_path / "python.exe"))
    assert mismatch.status == FIX and "Interpreter_Win" in mismatch.action
    # The template names %LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe; here that
    # variable does not expand, so a Python at the literal path is the same interpreter.
    configured = r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"
    same = check_interpreter(template, windows=True, executable=configured.replace("pythonw.exe", "python.exe"))
    assert same.status == OK, same


def test_xlwings_dll_next_to_the_interpreter(tmp_path):
    exe = tmp_path / "Scripts" / "python.exe"
    exe.parent.mkdir()
    assert check_dll("0.37.8", 64, str(exe)).status == FIX
    (tmp_path / "xlwings64-0.37.8.dll").write_bytes(b"")  # a virtualenv: the DLL is in its root
    assert check_dll("0.37.8", 64, str(exe)).status == OK
    assert check_dll("0.37.8", 32, str(exe)).status == FIX


def test_doctor_on_linux_skips_the_windows_checks():
    items = doctor.run_checks(DEFAULT_OUTPUT, windows=False)
    skipped = {i.key for i in items if i.status == SKIP}
    assert {"pywin32", "xlwings_dll", "excel_bitness", "interpreter", "motw", "asr"} <= skipped


def test_the_stdlib_reader_reads_an_excel_saved_project_as_oletools_does():
    """xlwings' quickstart was saved by Excel (code page 1252, compiled p-code before each
    module's source): the reader doctor uses must find the same sources as oletools."""
    import xlwings
    from oletools.olevba import VBA_Parser

    from xlperf.excel.vbaread import project_code_page

    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    mine = read_modules_from_xlsm(path)
    parser = VBA_Parser(str(path))
    try:
        theirs = {f.rsplit(".", 1)[0]: code for _, stream, f, code in parser.extract_macros() if stream.startswith("VBA/")}
    finally:
        parser.close()
    assert project_code_page(path) == 1252
    assert set(mine) == set(theirs) and "xlwings" in mine
    for name in mine:
        assert mine[name].replace("\r\n", "\n").rstrip() == theirs[name].replace("\r\n", "\n").rstrip(), name
