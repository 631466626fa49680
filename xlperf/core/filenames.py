"""File names a terminal, a JSON report or a workbook can show.

On Linux a file unpacked from a zip made on Chinese Windows often has a GBK-encoded name
(``表.xlsx`` as the bytes ``b"\\xb1\\xed.xlsx"``). Python holds each byte that is not UTF-8
as a lone surrogate (``"\\udcb1\\udced.xlsx"``, ``os.fsdecode``): the name still opens the file,
but it cannot be printed to a UTF-8 terminal, written into JSON or stored in an xlsx.

:func:`readable` turns such bytes back into characters for showing only: each run of them is
read as GB18030 (a superset of GBK; the name the clerk saw on Windows), and what is not GB18030
either is shown as ``\\xb1``; the name on disk is left as it is. Text without such bytes is
returned unchanged (the common case: one regular-expression search).
"""

from __future__ import annotations

import re
from pathlib import PurePath

# A run of undecodable bytes as Python holds them (U+DC80..U+DCFF) and the characters around
# them up to a delimiter: GBK bytes next to them may have been decoded as something else (a
# second byte 0x40..0x7E as ASCII, 项目 C4 BF as the valid UTF-8 "Ŀ", three bytes as a CJK
# character), so the whole run is read as GB18030 (ASCII reads as itself there). Delimiters:
# path separators, whitespace and control characters, the punctuation messages put around a
# name (so their own Chinese stays as it is), and other lone surrogates.
_DELIMITERS = "：（）“”‘’，。、；！？【】《》"
_NOT_DELIMITER = rf"[^\x00-\x20\x7f/\\\s{_DELIMITERS}\ud800-\udc7f\udd00-\udfff]"
_ESCAPED_RUN = re.compile(rf"{_NOT_DELIMITER}*?[\udc80-\udcff]{_NOT_DELIMITER}*")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _decoded(m: re.Match) -> str:
    run = m.group()
    raw = run.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


class ReadableMessage:
    """Mix into an error whose message is for the clerk: a file name in it that is not UTF-8
    is shown readable (``InputError``, ``OutputError``, ``ConfigError``)."""

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(readable(message) if isinstance(message, str) else message, *args)


def readable(text: str) -> str:
    """``text`` with a file name's undecodable bytes shown as characters (GB18030) or as
    ``\\xNN``; any other lone surrogate as ``\\udNNN``. Unchanged when there is none."""
    if not _LONE_SURROGATE.search(text):
        return text
    text = _ESCAPED_RUN.sub(_decoded, text)
    return _LONE_SURROGATE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


# Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and kin) reorder what a terminal or a
# message box shows: "项目‮gpj.exe" reads as "项目exe.jpg". Shown as ``<U+202E>`` instead; so are
# the C0/C1 control characters other than tab and line breaks (they move the cursor).
_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def visible_controls(text: str) -> str:
    """``text`` with bidi and control characters shown as ``<U+202E>``; unchanged when there is none."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def copy_suffix(path: str) -> str:
    """The suffix a copy of ``path`` must have (``fix -o``, ``--mark``): a workbook keeps its kind
    (a macro workbook stays .xlsm), a text pasted from a PDF becomes a .xlsx."""
    suffix = PurePath(path).suffix.lower()
    return ".xlsx" if suffix in (".txt", ".tsv", "") else suffix
