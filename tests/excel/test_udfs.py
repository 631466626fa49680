"""The worksheet functions: pure helpers tested directly, names safe for the VBA wrappers."""

from __future__ import annotations

import inspect
import re

import pytest

import xlperf.excel.udfs as udfs

from .conftest import HEADER, TITLE, make_rows, project_rows

UDFS = ("PERF_WEIGHT_TOTAL", "PERF_WEIGHTS", "PERF_CHECK", "PERF_DIRECTION")

# VBA keywords and statements that cannot name a Function or a parameter (VBA language
# reference, "Keywords"), plus Excel names a wrapper must not shadow.
VBA_RESERVED = {
    "addressof", "alias", "and", "any", "as", "attribute", "base", "binary", "boolean", "byref", "byte", "byval",
    "call", "case", "cbool", "cbyte", "ccur", "cdate", "cdbl", "cdec", "cdecl", "cint", "circle", "clng", "clnglng",
    "clngptr", "close", "compare", "const", "csng", "cstr", "currency", "cvar", "cverr", "date", "debug", "decimal",
    "declare", "defbool", "defbyte", "defcur", "defdate", "defdbl", "defdec", "defint", "deflng", "deflnglng",
    "deflngptr", "defobj", "defsng", "defstr", "defvar", "dim", "do", "double", "each", "else", "elseif", "empty",
    "end", "endif", "enum", "eqv", "erase", "error", "event", "exit", "explicit", "false", "for", "friend",
    "function", "get", "global", "gosub", "goto", "if", "imp", "implements", "in", "input", "integer", "is", "len",
    "let", "lib", "like", "line", "local", "lock", "long", "longlong", "longptr", "loop", "lset", "me", "mod",
    "module", "name", "new", "next", "not", "nothing", "null", "object", "on", "open", "option", "optional", "or",
    "paramarray", "preserve", "print", "private", "property", "ptrsafe", "public", "put", "raiseevent", "randomize",
    "redim", "rem", "resume", "return", "rset", "scale", "seek", "select", "set", "shared", "single", "spc",
    "static", "step", "stop", "string", "sub", "tab", "then", "to", "true", "type", "typeof", "unlock", "until",
    "variant", "vb_name", "wend", "while", "with", "withevents", "write", "xor",
    # names the generated wrapper itself declares or calls
    "argsarray", "caller", "i", "k", "py", "runpython", "thisworkbook",
}


def table(n=4):
    return [[TITLE] + [None] * 11, list(HEADER)] + make_rows(n)


def test_udfs_are_marked_for_xlwings_and_vba_safe():
    for name in UDFS:
        fn = getattr(udfs, name)
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name)
        assert name.lower() not in VBA_RESERVED
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+", name)  # would read as a cell address (PERF1)
        for arg in inspect.signature(fn).parameters:
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", arg) and arg.lower() not in VBA_RESERVED, (name, arg)


def test_generated_wrappers_list_exactly_these_udfs():
    gen = pytest.importorskip("tools.xlsm.udf_wrappers")
    funcs = gen.udf_functions()
    assert set(funcs) == set(UDFS)
    for name, args in funcs.items():
        assert all(a.lower() not in VBA_RESERVED for a in args)


def test_weight_total():
    t = table()
    assert udfs.PERF_WEIGHT_TOTAL(t, "项目00000") == 90
    assert udfs.weight_total(t, " 项目00001 ") == 115
    assert "未找到项目" in udfs.weight_total(t, "没有这个")
    assert "未找到表头" in udfs.weight_total(make_rows(2), "项目00000")


def test_weights_spill():
    got = udfs.PERF_WEIGHTS(table())
    assert got[0] == ["项目", "权重合计", "期望", "状态"]
    assert got[1] == ["项目00000", 90.0, 90.0, "通过"]
    assert got[2] == ["项目00001", 115.0, 90.0, "权重合计不符"]
    assert len(got) == 5 and all(len(r) == 4 for r in got)
    assert udfs.weights(table(), 115)[2][3] == "通过"


def test_check_row_clean_and_dirty():
    clean = project_rows(0)[0]
    assert udfs.PERF_CHECK([clean]) == ""
    assert udfs.check_row(clean) == ""  # a 1-D row works too
    dirty = list(clean)
    dirty[7], dirty[11] = "≥", "反向指标"
    text = udfs.check_row(dirty)
    assert "错误" in text and "VL" in text
    assert not re.match(r"^\w+ [A-Z]{2}\d{3}：[A-Z]+\d+ ", text)  # no address of the helper grid
    # a row inside a project block (no project name) is checked as its own project
    inner = project_rows(0)[1]
    assert udfs.check_row(inner) == ""
    # header row + row, in another column order
    hdr = list(HEADER)
    assert udfs.check_row([hdr, clean]) == ""


def test_direction():
    assert udfs.PERF_DIRECTION("≥") == "正向指标" and udfs.direction(">=") == "正向指标"
    assert udfs.direction("≤") == "反向指标" and udfs.direction("<") == "反向指标"
    assert udfs.direction("定性") == "正向指标" and udfs.direction("=") == "正向指标"
    assert udfs.direction("差不多") == "" and udfs.direction(None) == ""
