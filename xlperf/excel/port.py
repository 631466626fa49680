"""The workbook port: the few coarse operations the ribbon buttons need from a workbook.

Every button talks to Excel (or a file) only through these methods, so the same logic runs
against live Excel (``XlwingsPort``) and files (``OpenpyxlPort``: the CLI and the tests).
Each method is one round trip in spirit: it takes or returns a whole 2-D block, never a
cell. The base class counts calls so tests can prove that a validation costs the same
handful of calls for 50 rows or 50,000.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Optional, Protocol, Sequence, TypeVar, runtime_checkable

from ..core.grid import Merge
from ..core.config import CONFIG_SHEET  # its one home
from ..core.grid import quote_sheet  # noqa: F401 - the buttons import it from here

Visibility = Literal["visible", "hidden", "veryHidden"]
Block = Sequence[Sequence[Any]]

# Our own sheets. Marks and undo data are very hidden: a clerk cannot unhide them by accident
# (Format > Unhide does not list them), and the reader skips sheets whose name starts with "_".
MARK_SHEET = "_xlperf_marks"
UNDO_SHEET = "_xlperf_undo"
RESULTS_SHEET = "校验结果"
WEIGHTS_SHEET = "权重合计"
RECORDS_SHEET = "清洗记录"
RULES_SHEET = "规则说明"
NOTES_HEADER = "校验说明"

# Conditional-format colours: Excel's own "light red fill with dark red text" and
# "yellow fill with dark yellow text", which clerks already know from Excel's presets.
MARK_STYLES = {
    "E": {"fill": "FFC7CE", "font": "9C0006"},
    "W": {"fill": "FFEB9C", "font": "9C5700"},
}


class Formula(str):
    """A string the port must write as a formula. Plain ``str`` values are always text."""


class UserError(Exception):
    """Something the clerk can act on; the message (Chinese) is shown as it is."""


@dataclass
class SheetData:
    """What one read of a sheet returns: values from A1 to the end of the used range."""

    name: str
    values: list[list[Any]]  # rectangular, row 0 = sheet row 1, column 0 = column A
    merges: list[Merge] = field(default_factory=list)  # 0-based, same coordinates as values
    formulas: Optional[dict[tuple[int, int], str]] = None  # (r, c) -> formula, when asked for

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.values), default=0)


@dataclass(frozen=True)
class BookInfo:
    name: str
    path: Optional[Path]  # None for a workbook never saved (or one that lives on a web URL)
    active_sheet: str
    sheet_names: tuple[str, ...]
    # Of the sheets named as xlperf names its own (``named_like_ours``: 校验结果, 校验结果(2), the
    # helper sheets …), those that are xlperf's — its marker, the exact header row of an earlier
    # version, or empty (core/own_sheets.py) — decided with the names, so a button needs no
    # further call to know where it may write. None: the port did not decide (it answers
    # ``own_sheet(name)`` itself).
    own: Optional[frozenset[str]] = None


@runtime_checkable
class WorkbookPort(Protocol):
    calls: int
    counts: Counter

    def book_info(self) -> BookInfo:
        """Name, path, active sheet and sheet names in one call."""

    def read_sheet(self, name: str, *, formulas: bool = False, merges: bool = True) -> Optional[SheetData]:
        """The used block from A1 (values; merges; formulas if asked). None if no such sheet."""

    def write_block(self, sheet: str, top_left: str, rows: Block) -> None:
        """Write a rectangular 2-D block at ``top_left``; None empties a cell."""

    def replace_sheet(self, name: str, rows: Block, *, top_left: str = "A1", visibility: Visibility = "visible",
                      widths: Optional[dict[str, float]] = None, layout: Any = None) -> None:
        """Create the sheet if missing, clear it, write ``rows`` at ``top_left``, set visibility, and
        mark it as xlperf's own (the hidden sheet-scoped name ``_xlperf_sheet``, core/own_sheets.py).
        ``layout`` (:class:`xlperf.writers.sheet_layout.SheetLayout`): how it looks and prints —
        applied by every port in the same call (wrap, header, colours by 级别, frozen header,
        filter, print set-up)."""

    def lay_out_table(self, sheet: str, spec: Any) -> None:
        """The clerk's marked sheet, in one call (:class:`xlperf.excel.marks.TableLayout`): the
        校验说明 column's width and wrap, its header cell, rows raised (never lowered) to fit the
        notes, a print area that ends at the table's last column widened to take the notes in,
        and ``spec.print`` only where the clerk has no print set-up of their own."""

    def apply_marks_format(self, sheet: str, area: str, mark_sheet: str) -> None:
        """Colour ``area`` from the mark sheet (same addresses) by conditional formatting; replaces
        any earlier xlperf rules on the sheet and never touches the clerk's own formats."""

    def message(self, text: str, *, title: str = "xlperf", error: bool = False) -> None:
        """Tell the clerk something."""

    def ask(self, text: str, *, title: str = "xlperf") -> bool:
        """A yes/no question."""

    def select(self, sheet: str, cell: str) -> None:
        """Activate the sheet and select the cell."""


F = TypeVar("F", bound=Callable[..., Any])


def counted(fn: F) -> F:
    """Count a port method call (total and per method)."""

    @functools.wraps(fn)
    def wrapper(self: "CountingPort", *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.counts[fn.__name__] += 1
        return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class CountingPort:
    """Shared bookkeeping of both ports."""

    def __init__(self) -> None:
        self.calls = 0
        self.counts: Counter = Counter()

    def reset_counts(self) -> None:
        self.calls = 0
        self.counts = Counter()


_NUMBERED = re.compile(r"^(.*)\((\d+)\)$")


def named_like_ours(name: str) -> bool:
    """A name xlperf gives a sheet it writes: 校验结果, 权重合计(2) …, or a helper sheet's."""
    from ..core.own_sheets import OWN_SHEETS, is_helper_name

    m = _NUMBERED.match(name)
    return name in OWN_SHEETS or is_helper_name(name) or bool(m and m.group(1) in OWN_SHEETS)


def mark_sheet_for(sheet: str) -> str:
    """The very hidden mark sheet that mirrors ``sheet``.

    One per table sheet (``_xlperf_marks_绩效目标表``), so validating 示例 does not recolour
    绩效目标表: both carry a conditional format that reads their own mark sheet. Names that are
    too long (31 characters at most) or awkward in a formula get a short hash instead.
    """
    import hashlib

    suffix = sheet if len(sheet) <= 31 - len(MARK_SHEET) - 1 and _plain(sheet) else hashlib.sha1(sheet.encode()).hexdigest()[:8]
    return f"{MARK_SHEET}_{suffix}"


def _plain(name: str) -> bool:
    return not any(ch in name for ch in "'[]:*?/\\")
