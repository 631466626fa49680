"""Cells that cannot carry a formula: the one place that decides how text is written out.

A clerk's text may begin with ``=``, ``+``, ``-`` or ``@`` (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``, ``-2+3``). Whatever we write must stay inert text:

- **xlsx**: openpyxl turns any string that starts with ``=`` into a formula cell and any
  string equal to an error code (``#N/A``) into an error cell. We force every text cell to
  the string type (written as an inline string), so the workbook has no ``<f>`` elements at
  all and the text reads back exactly as it was — no prefix needed, nothing altered.
- **CSV**: a CSV cell has no type; Excel and LibreOffice evaluate a field beginning with
  ``= + - @``, tab or carriage return. The standard defence (OWASP "CSV injection") is a
  leading apostrophe on such *text* fields. Real numbers (``-5`` the float) are written as
  numbers and never prefixed.
- **Lone surrogates** (U+D800–U+DFFF: half of a UTF-16 pair, not a character) can be neither
  stored in XML nor encoded as UTF-8. No file reader produces them (calamine keeps Excel's
  ``_xD83D_`` escape as text, the text importer decodes strictly), but a caller of the API or
  the Excel side can pass one: every writer drops them — xlsx with ``ILLEGAL_XML_RE``, CSV and
  JSON with ``LONE_SURROGATE_RE`` (the CSV before it decides on the apostrophe).

Both writers (``records_out`` and ``export_xlsx``) go through these functions.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

# Characters a spreadsheet treats as the start of a formula when it parses a typed/CSV value.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_NEUTRALISER = "'"
# A sign on its own is data, not a formula: the 指标性质 "=" (a comparator), a "-" placeholder.
# A formula needs something after its sign: LibreOffice's CSV import with formula evaluation on
# reads each of these as the text itself, while "==", "= 1" or "=1+1" are formulas
# (tests/test_csv_lone_sign.py). So they are written bare, without the apostrophe that Excel
# would show ('=); every longer text beginning with a sign keeps it.
LONE_SIGNS = frozenset({"=", "+", "-", "@"})

# Characters XML 1.0 (and so xlsx) cannot hold: control characters (openpyxl raises on them),
# lone surrogates (a file cannot even be encoded with them) and the non-characters U+FFFE/FFFF.
ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The only code points UTF-8 cannot encode.
LONE_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def is_risky_text(v: Any) -> bool:
    """Text a spreadsheet could evaluate if it were typed or imported from CSV."""
    return isinstance(v, str) and v.startswith(FORMULA_TRIGGERS)


def csv_value(v: Any) -> str:
    """One CSV field: numbers as numbers, risky text neutralised, blanks empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    s = str(v)
    if s.startswith(FORMULA_TRIGGERS) and s not in LONE_SIGNS:
        return CSV_NEUTRALISER + s
    return s


def without_surrogates(v: Any) -> Any:
    """``v`` with lone surrogates removed when it is text (what the xlsx writers do to them too);
    anything else unchanged."""
    return LONE_SURROGATE_RE.sub("", v) if isinstance(v, str) else v


# Excel's limit on one cell; the readers cut longer texts (with ST020), and no writer writes one.
MAX_CELL_CHARS = 32_767


def xlsx_text(s: str) -> str:
    """Text an xlsx can store: XML-illegal characters removed."""
    return ILLEGAL_XML_RE.sub("", s)


def cell_text(s: str) -> str:
    """Text for one xlsx cell: storable (:func:`xlsx_text`) and at most 32,767 characters."""
    s = ILLEGAL_XML_RE.sub("", s)
    return s if len(s) <= MAX_CELL_CHARS else s[:MAX_CELL_CHARS]


def xlsx_value(v: Any) -> Any:
    """A value for an xlsx cell: numbers stay numbers (non-finite become blank)."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, str):
        return cell_text(v)
    return v


def set_cell(cell: Any, v: Any) -> Any:
    """Put ``v`` into an openpyxl cell so that text can never be a formula or an error code."""
    v = xlsx_value(v)
    cell.value = v
    if isinstance(v, str):
        cell.data_type = "s"
    return cell


def make_cell(ws: Any, v: Any) -> Any:
    """A detached cell (for ``ws.append``, normal or write-only sheets) holding ``v`` safely."""
    from openpyxl.cell.cell import Cell

    return set_cell(Cell(ws, row=1, column=1), v)


def safe_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append``: plain values where openpyxl already stores them inertly,
    string-typed cells where it would not (text starting with ``=`` or equal to ``#N/A``…)."""
    out: list[Any] = []
    for v in values:
        v = xlsx_value(v)
        if isinstance(v, str) and (v.startswith("=") or v.startswith("#")):
            out.append(make_cell(ws, v))
        else:
            out.append(v)
    return out


def harden_sheet(ws: Any) -> int:
    """Force every text cell of a (normal-mode) worksheet to the string type.

    Run it after any code that assigned values with ``cell.value = ...`` directly: that is
    where a ``=...`` text silently became a formula. Returns how many cells were changed.
    """
    changed = 0
    for cell in ws._cells.values():  # noqa: SLF001 - one pass, no new cells created
        v = cell._value  # noqa: SLF001
        if isinstance(v, str) and cell.data_type != "s":
            cell.data_type = "s"
            changed += 1
    return changed
