"""The VBA project stores ASCII only, and every clerk-facing text comes back as written.

Under a system locale with another double-byte code page (932, 949, 950) the bytes of a
GBK string literal tokenise differently, and on a Western locale they are not Chinese at
all. The build therefore stores each Chinese literal as ``ChrW()`` pieces
(tools/xlsm/vba_ascii.py); these tests read the built workbook back and check both halves.
"""

from __future__ import annotations

import re

import pytest

from xlperf.excel.vbaread import read_modules_from_xlsm
from tools.xlsm.build import BuildError, project_modules, vba_modules
from tools.xlsm.vba_ascii import (MAX_CONTINUATIONS, MAX_LINE, VbaTextError, decode_expression, encode_literal,
                                   encode_module, literals)

from .conftest import copy_vba_sources


def test_every_stored_module_is_pure_ascii(built_path):
    from oletools.olevba import VBA_Parser

    mine = read_modules_from_xlsm(built_path)
    parser = VBA_Parser(str(built_path))
    try:
        theirs = {vba_filename.rsplit(".", 1)[0]: code for _, stream, vba_filename, code in parser.extract_macros()
                  if stream.startswith("VBA/")}
    finally:
        parser.close()
    names = [m.name for m in vba_modules()]
    assert sorted(mine) == sorted(theirs) == sorted(names)
    # The document modules (ThisWorkbook.cls, Sheet*.cls) are in the project too.
    assert {"ThisWorkbook", "Sheet1", "Sheet6", "RibbonPerf", "UdfHelp"} <= set(mine)
    for name in names:
        for reader, text in (("xlperf.excel.vbaread", mine[name]), ("olevba", theirs[name])):
            bad = sorted({ch for ch in text if ord(ch) > 127})
            assert not bad, f"{name} ({reader}): non-ASCII characters {bad[:5]}"


def test_the_stored_bytes_are_ascii(parts):
    """Below the text readers: the decompressed module streams themselves."""
    import olefile

    from tools.xlsm.ovba_compress import decompress

    ole = olefile.OleFileIO(parts["xl/vbaProject.bin"])
    try:
        streams = [s for s in ole.listdir() if s[0] == "VBA" and s[1] not in ("dir", "_VBA_PROJECT")]
        assert len(streams) == len(vba_modules())
        for s in streams:
            raw = decompress(ole.openstream(s).read())
            assert max(raw) < 128, s
    finally:
        ole.close()


def _stored_literal_values(stored: str) -> list[str]:
    """The value of each string expression the encoder produced, read from the stored text:
    every maximal run of literals/ChrW() joined by & (continuations included)."""
    joined = re.sub(r" _\r?\n\s*", " ", stored)
    piece = r'(?:"(?:[^"]|"")*"|ChrW\(\d+\))'
    return [decode_expression(m.group(0)) for m in re.finditer(rf"{piece}(?:\s*&\s*{piece})*", joined)]


def test_every_clerk_facing_text_round_trips(built_path):
    stored = read_modules_from_xlsm(built_path)
    checked = 0
    for module in vba_modules():
        source = [lit.text for lit in literals(module.code)]
        chinese = [text for text in source if any(ord(ch) > 127 for ch in text)]
        values = _stored_literal_values(stored[module.name])
        for text in chinese:
            # Literals the source joins with & (across continuations too) decode as one run.
            assert any(text in value for value in values), (
                f"{module.name}: {text[:30]!r}… does not come back from the workbook")
            checked += 1
    assert checked >= 30  # RibbonPerf's messages, the callbacks' names, UdfHelp's descriptions


def test_udf_descriptions_reach_the_workbook_in_chinese(built_path):
    stored = read_modules_from_xlsm(built_path)["UdfHelp"]
    values = _stored_literal_values(stored)
    assert "一行指标的校验问题（无问题时为空）。" in values and "绩效目标" in values


@pytest.mark.parametrize("text", ["绩效目标", "“校验”未能完成：", 'a"b', "", "≥ ≤ 10%", "x" * 5, "𠀀 (non-BMP)", "~&\\"])
def test_encode_literal_round_trips(text):
    expr = encode_literal(text)
    assert all(ord(ch) < 128 for ch in expr)
    assert decode_expression(expr) == text


def test_long_texts_are_wrapped_within_vba_limits():
    long = "请" * 300  # ~3,000 characters of ChrW() pieces
    out = encode_module(f'Private Function T() As String\r\n    T = "{long}" & x\r\nEnd Function\r\n')
    lines = out.split("\r\n")
    assert max(len(line) for line in lines) <= MAX_LINE
    statement = "\n".join(lines[1:-2])
    assert 1 <= statement.count(" _\n") <= MAX_CONTINUATIONS
    assert decode_expression(statement.split("=", 1)[1].rsplit("& x", 1)[0].rstrip().rstrip("&")) == long


def test_too_long_for_vba_is_refused_not_truncated():
    with pytest.raises(VbaTextError, match="continuations"):
        encode_module('x = "' + "请" * 3000 + '"\r\n')


@pytest.mark.parametrize("source, message", [
    ("Private Const T As String = \"绩效\"\r\n", "Const"),
    ("' 注释\r\n", "comment"),
    ("Dim 项目 As String\r\n", "outside a string"),
    ('Attribute VB_Description = "说明"\r\n', "Attribute"),
])
def test_non_ascii_outside_a_literal_is_refused(source, message):
    with pytest.raises(VbaTextError, match=message):
        encode_module(source)


def test_a_chinese_comment_in_vba_fails_the_build(tmp_path):
    vba = copy_vba_sources(tmp_path)
    path = vba / "Sheet1.cls"
    path.write_bytes(path.read_bytes() + "' 绩效目标表\r\n".encode("utf-8"))
    with pytest.raises(BuildError, match="Sheet1.*comment"):
        project_modules(vba)


def test_ascii_source_lines_are_kept_byte_for_byte():
    for module in vba_modules():
        stored = encode_module(module.code, module.name).split("\r\n")
        for line in module.code.replace("\r\n", "\n").split("\n"):
            if all(ord(ch) < 128 for ch in line):
                assert line in stored, (module.name, line)
