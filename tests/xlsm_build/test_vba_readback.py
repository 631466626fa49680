"""The built workbook's VBA, read back by oletools, is vba/ module by module, with no warnings."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from oletools.olevba import VBA_Parser

from tools.xlsm.build import project_modules, vba_modules
from tools.xlsm.vba_ascii import decode_expression
from tools.xlsm.vbaproject import CODE_PAGE

from .conftest import code_lines

# olevba prints this for every OpenXML file, whoever made it (xlwings' own quickstart
# workbooks included): it reads the project from memory, where it cannot check stomping.
# The check on the extracted vbaProject.bin below runs without it.
IN_MEMORY_NOTICE = "VBA stomping cannot be detected for files in memory"


def olevba_cli(path: Path, *args: str) -> str:
    exe = Path(sys.executable).with_name("olevba")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "oletools.olevba"]
    done = subprocess.run([*cmd, *args, str(path)], capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def test_every_module_reads_back_equal(built_path, vba_sources):
    parser = VBA_Parser(str(built_path))
    try:
        assert parser.detect_vba_macros()
        read = {Path(vba_filename).stem: code for _, stream, vba_filename, code in parser.extract_macros()
                if stream.startswith("VBA/")}
    finally:
        parser.close()
    assert list(read) == [m.name for m in vba_modules()]
    stored = {m.name: m.code for m in project_modules()}
    assert set(stored) == set(vba_sources)
    for name, text in stored.items():
        assert code_lines(read[name]) == code_lines(text), f"module {name} differs after the round trip"
    # The Chinese texts are stored as ASCII ChrW() pieces and read back as the source's text.
    assert all(ord(ch) < 128 for text in read.values() for ch in text)
    line = next(line for line in read["RibbonPerf"].splitlines() if line.strip().startswith("AppTitle = "))
    assert decode_expression(line.split("=", 1)[1]) == "绩效目标"


def test_olevba_reports_no_warnings(built_path, tmp_path):
    out = olevba_cli(built_path)
    flagged = [line for line in out.splitlines()
               if line.startswith(("WARNING", "ERROR", "CRITICAL")) and IN_MEMORY_NOTICE not in line]
    assert flagged == []
    assert "VBA MACRO RibbonPerf.bas" in out

    with zipfile.ZipFile(built_path) as z:
        (tmp_path / "vbaProject.bin").write_bytes(z.read("xl/vbaProject.bin"))
    out = olevba_cli(tmp_path / "vbaProject.bin", "-a")
    assert [line for line in out.splitlines() if line.startswith(("WARNING", "ERROR", "CRITICAL"))] == []
    assert "VBA Stomping" not in out  # source-only: nothing to disagree with the source


def test_project_code_page_and_streams(parts):
    import olefile

    ole = olefile.OleFileIO(parts["xl/vbaProject.bin"])
    try:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000300")
        project = ole.openstream("PROJECT").read().decode("cp936")
    finally:
        ole.close()
    assert CODE_PAGE == 936
    assert "Module=RibbonPerf" in project and "Document=Sheet1/&H00000000" in project
