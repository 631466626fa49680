"""Make VBA module text pure ASCII: Chinese string literals become ``ChrW()`` expressions.

The ``vba/`` sources keep readable Chinese string literals. The project stores module
text in an ANSI code page, and the same bytes tokenise differently under another
double-byte system locale (Japanese 932, Korean 949, Traditional Chinese 950), so the
build rewrites every literal that holds a non-ASCII character into an expression of
ASCII pieces::

    problem = "找不到 Python：" & interpreter
    ->  problem = ChrW(25214) & ChrW(19981) & ChrW(21040) & " Python" & ChrW(65306) & interpreter

Rules (a :class:`VbaTextError` names the line when one is broken):

* non-ASCII is allowed only inside string literals: comments, identifiers and
  ``Attribute`` lines must be ASCII in the source already;
* a ``Const`` cannot hold ``ChrW()`` (not a constant expression): write a
  ``Private Function`` that returns the text instead;
* a physical line stays under VBA's 1,023-character limit: long expressions are wrapped
  with `` _`` continuations after an ``&``, at most 24 per logical line (VBA's limit).

:func:`decode_expression` evaluates such an expression back (tests prove each clerk-facing
text round-trips).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["VbaTextError", "MAX_LINE", "MAX_CONTINUATIONS", "Literal", "literals", "encode_module",
           "encode_literal", "decode_expression", "is_ascii"]

MAX_LINE = 1023  # characters on one physical line (VBA editor and compiler limit)
MAX_CONTINUATIONS = 24  # line continuations in one logical line
_WRAP_AT = 900  # wrap generated expressions well below MAX_LINE
_CONST = re.compile(r"^\s*(?:(?:Public|Private|Global)\s+)?Const\s", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"^\s*Attribute\s", re.IGNORECASE)
_CHRW = re.compile(r"ChrW\((\d+)\)")


class VbaTextError(ValueError):
    """A VBA source line cannot be made ASCII as it stands; the message names the line."""


@dataclass(frozen=True)
class Literal:
    line: int  # 1-based physical line in the module
    text: str  # the value ("" unescaped)


def is_ascii(text: str) -> bool:
    return all(ord(ch) < 128 for ch in text)


def _split(line: str) -> list[tuple[str, str]]:
    """A physical line as ("code" | "string" | "comment", text) pieces; a string piece is
    the literal with its quotes. VBA strings cannot span lines; ``""`` is a quote inside."""
    pieces: list[tuple[str, str]] = []
    i, start, n = 0, 0, len(line)
    while i < n:
        ch = line[i]
        if ch == '"':
            if i > start:
                pieces.append(("code", line[start:i]))
            j = i + 1
            while j < n:
                if line[j] == '"':
                    if j + 1 < n and line[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                raise VbaTextError(f"unterminated string literal: {line!r}")
            pieces.append(("string", line[i:j + 1]))
            i = start = j + 1
        elif ch == "'":
            if i > start:
                pieces.append(("code", line[start:i]))
            pieces.append(("comment", line[i:]))
            return pieces
        else:
            if re.match(r"(?i)rem\b", line[i:]) and not line[start:i].strip():
                # Rem at the start of a statement is a comment too.
                if i > start:
                    pieces.append(("code", line[start:i]))
                pieces.append(("comment", line[i:]))
                return pieces
            i += 1
    if start < n:
        pieces.append(("code", line[start:]))
    return pieces


def literals(text: str) -> list[Literal]:
    """Every string literal of a module, in order (for round-trip checks)."""
    out = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        for kind, piece in _split(line):
            if kind == "string":
                out.append(Literal(number, piece[1:-1].replace('""', '"')))
    return out


def encode_literal(value: str) -> str:
    """An ASCII VBA expression equal to the string `value` (``"…"`` pieces and ``ChrW(n)``)."""
    if is_ascii(value):
        return '"' + value.replace('"', '""') + '"'
    parts: list[str] = []
    run = ""
    for unit in value.encode("utf-16-le").hex(" ", 2).split():  # UTF-16 code units
        code = int.from_bytes(bytes.fromhex(unit), "little")
        if code < 128:
            run += chr(code)
            continue
        if run:
            parts.append('"' + run.replace('"', '""') + '"')
            run = ""
        parts.append(f"ChrW({code})")  # decimal: > 32767 is a Long literal, never negative
    if run:
        parts.append('"' + run.replace('"', '""') + '"')
    return " & ".join(parts)


def decode_expression(expr: str) -> str:
    """The value of an expression made only of ``"…"`` literals and ``ChrW(n)`` joined by
    ``&`` (line continuations allowed): the inverse of :func:`encode_literal`."""
    expr = re.sub(r" _\r?\n\s*", " ", expr).strip()
    out: list[str] = []
    pos = 0
    token = re.compile(r'\s*(?:"((?:[^"]|"")*)"|ChrW\((\d+)\))\s*(&|$)')
    while pos < len(expr):
        m = token.match(expr, pos)
        if not m:
            raise ValueError(f"not a literal expression at {expr[pos:pos + 40]!r}")
        if m.group(2) is not None:
            out.append(chr(int(m.group(2))))
        else:
            out.append(m.group(1).replace('""', '"'))
        pos = m.end()
    return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _wrap(line: str, indent: str) -> list[str]:
    """Split a long physical line after " & " pieces so each part stays under _WRAP_AT."""
    if len(line) <= _WRAP_AT:
        return [line]
    parts: list[str] = []
    rest = line
    while len(rest) > _WRAP_AT:
        cut = rest.rfind(" & ", 0, _WRAP_AT - 2)
        if cut <= 0 or _inside_string(rest, cut):
            cut = _last_safe_amp(rest, _WRAP_AT - 2)
        if cut <= 0:
            raise VbaTextError(f"line cannot be wrapped under {MAX_LINE} characters: {line[:60]!r}…")
        parts.append(rest[:cut + 2] + " _")  # keep "... &" then " _"
        rest = indent + "    " + rest[cut + 3:]
    parts.append(rest)
    return parts


def _inside_string(line: str, index: int) -> bool:
    return line[:index].count('"') % 2 == 1


def _last_safe_amp(line: str, limit: int) -> int:
    cut = line.rfind(" & ", 0, limit)
    while cut > 0 and _inside_string(line, cut):
        cut = line.rfind(" & ", 0, cut)
    return cut


def encode_module(text: str, name: str = "module") -> str:
    """`text` (VBE export text, CRLF or LF) with every non-ASCII string literal rewritten
    as an ASCII expression; the result has CRLF line ends and only ASCII characters."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    continuations = 0  # in the logical line being built
    for number, line in enumerate(lines, start=1):
        where = f"{name} line {number}"
        if is_ascii(line):
            new_lines = [line]
        else:
            if _ATTRIBUTE.match(line):
                raise VbaTextError(f"{where}: an Attribute line must be ASCII")
            if _CONST.match(line) and continuations == 0:
                raise VbaTextError(f"{where}: a Const cannot hold non-ASCII text (ChrW is not a constant "
                                   f"expression); return it from a Private Function instead")
            pieces = []
            for kind, piece in _split(line):
                if kind == "string" and not is_ascii(piece):
                    pieces.append(encode_literal(piece[1:-1].replace('""', '"')))
                elif not is_ascii(piece):
                    what = "comment" if kind == "comment" else "code outside a string literal"
                    raise VbaTextError(f"{where}: non-ASCII {what} (only string literals may hold Chinese)")
                else:
                    pieces.append(piece)
            encoded = "".join(pieces)
            indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
            new_lines = _wrap(encoded, indent)
        for physical in new_lines:
            if len(physical) > MAX_LINE:
                raise VbaTextError(f"{where}: {len(physical)} characters, VBA allows {MAX_LINE}")
        continuations += len(new_lines) - 1
        if new_lines[-1].endswith(" _"):
            continuations += 1
        else:
            if continuations > MAX_CONTINUATIONS:
                raise VbaTextError(f"{where}: {continuations} line continuations in one statement, "
                                   f"VBA allows {MAX_CONTINUATIONS}")
            continuations = 0
        out.extend(new_lines)
    result = "\r\n".join(out)
    assert is_ascii(result)
    return result
