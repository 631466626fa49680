"""The raw cells of one sheet, whatever they were read from.

Rows and columns are 0-based inside the Grid; ``row0``/``col0`` say where the
Grid's first cell sits on the sheet so every object built from it can name the
cell it came from in Excel's own terms (``E12``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


def col_letter(col: int) -> str:
    """1-based column number -> Excel letters (1 -> A, 27 -> AA)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def address(row: int, col: int) -> str:
    """1-based sheet row and column -> ``E12``."""
    return f"{col_letter(col)}{row}"


def parse_address(ref: str) -> tuple[int, int]:
    """``E12`` -> (12, 5), 1-based."""
    ref = ref.replace("$", "")
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), col_number(ref[:i])


@dataclass(frozen=True, slots=True)
class Merge:
    """A merged range, 0-based and inclusive, in Grid coordinates."""

    r1: int
    c1: int
    r2: int
    c2: int

    def contains(self, r: int, c: int) -> bool:
        return self.r1 <= r <= self.r2 and self.c1 <= c <= self.c2


@dataclass(slots=True)
class Grid:
    """One sheet's cells as a dense 2-D list plus its merged ranges."""

    sheet: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    row0: int = 1  # sheet row of rows[0]
    col0: int = 1  # sheet column of rows[r][0]
    source: str = ""  # file path or description, for messages
    hidden_rows: frozenset[int] = frozenset()  # 0-based grid rows hidden in the sheet

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        # map(len) runs in C: 0.33 -> 0.23 ms a call at 10k rows (the list reader asks twice)
        return max(map(len, self.rows), default=0)

    def get(self, r: int, c: int) -> Any:
        row = self.rows[r] if 0 <= r < len(self.rows) else None
        if row is None or not 0 <= c < len(row):
            return None
        return row[c]

    def addr(self, r: int, c: int) -> str:
        """Grid position -> sheet address."""
        return address(r + self.row0, c + self.col0)

    def sheet_row(self, r: int) -> int:
        return r + self.row0

    def merge_map(self) -> dict[tuple[int, int], Merge]:
        """Every covered cell -> its merge (only the non-anchor cells)."""
        out: dict[tuple[int, int], Merge] = {}
        for m in self.merges:
            for r in range(m.r1, m.r2 + 1):
                for c in range(m.c1, m.c2 + 1):
                    if (r, c) != (m.r1, m.c1):
                        out[(r, c)] = m
        return out

    def iter_nonempty(self) -> Iterator[tuple[int, int, Any]]:
        for r, row in enumerate(self.rows):
            for c, v in enumerate(row):
                if not is_blank(v):
                    yield r, c, v


def is_blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    return False


def quote_sheet(name: str) -> str:
    """A sheet name as it appears in a formula reference: always quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"
