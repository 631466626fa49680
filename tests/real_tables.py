"""Workbooks a clerk would have, built from the transcribed real tables in tests/data/real.

Like ``../shared/tools/tsv2xlsx.py`` (leading blanks of a row continue the label above: vertical
merges; plain numbers become numbers), plus what real workbooks hold besides: percent-formatted
numbers (``100%`` stored as 1 with format 0%), date cells (``44,561``, the Excel serial of
2021-12-31, as a date), horizontal merges of a label over the blank cell after it, several
forms stacked on one sheet, or one form per sheet.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from typing import Any, Iterable, Optional

import openpyxl

DATA = pathlib.Path(__file__).parent / "data" / "real"
NUMBER = re.compile(r"-?\d+(\.\d+)?")
PERCENT = re.compile(r"(\d+(\.\d+)?)%")
SERIAL = re.compile(r"\d{2},\d{3}")


def tsv_rows(name: str) -> list[list[str]]:
    path = DATA / (name if name.endswith(".tsv") else name + ".tsv")
    return [[c.strip() for c in line.split("\t")] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def tsv_names(kind: str = "") -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.tsv") if p.stem.endswith(kind))


def cell_value(text: str, percent: bool, dates: bool) -> tuple[Any, Optional[str]]:
    if NUMBER.fullmatch(text):
        return (float(text) if "." in text else int(text)), None
    if percent and PERCENT.fullmatch(text):
        return float(PERCENT.fullmatch(text).group(1)) / 100, "0%"
    if dates and SERIAL.fullmatch(text):
        return dt.datetime(1899, 12, 30) + dt.timedelta(days=int(text.replace(",", ""))), "yyyy-mm-dd"
    return text, None


def write_rows(ws, rows: list[list[str]], top: int = 1, *, percent: bool = False, dates: bool = False,
               hmerge: bool = False) -> int:
    """Write one table at sheet row ``top``; returns the next free row."""
    run: dict[int, int] = {}
    width = max((len(r) for r in rows), default=0)
    grid_header = next((i for i, r in enumerate(rows) if "一级指标" in r), len(rows))

    def close(c: int, r1: int, r2: int) -> None:
        if r2 > r1:
            ws.merge_cells(start_row=r1, start_column=c, end_row=r2, end_column=c)

    for i, cells in enumerate(rows):
        r = top + i
        first = next((k for k, v in enumerate(cells) if v), width)
        for c, v in enumerate(cells, start=1):
            if v:
                value, fmt = cell_value(v, percent, dates)
                cell = ws.cell(r, c, value)
                if fmt:
                    cell.number_format = fmt
        for c in range(1, width + 1):
            if c <= first:
                if c not in run and i > 0 and ws.cell(r - 1, c).value is not None:
                    run[c] = r - 1
            elif c in run:
                close(c, run.pop(c), r - 1)
        if hmerge and i < grid_header:
            # a label over the blank cell after it, when a value follows (中期目标 | | 年度目标)
            for c in range(first + 1, len(cells) - 1):
                if cells[c] and not cells[c + 1] and c + 2 < len(cells) and cells[c + 2] and c > first:
                    ws.merge_cells(start_row=r, start_column=c + 1, end_row=r, end_column=c + 2)
    for c, r1 in run.items():
        close(c, r1, top + len(rows) - 1)
    return top + len(rows)


def build(path: pathlib.Path, tables: Iterable[str], *, stacked: bool = False, gap: int = 2, **opts: Any
          ) -> pathlib.Path:
    """``tables`` (tsv names) as one workbook: one sheet each, or all ``stacked`` on one sheet
    with ``gap`` blank rows between them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    top = 1
    for i, name in enumerate(tables):
        if not stacked and i:
            ws = wb.create_sheet(f"Sheet{i + 1}")
            top = 1
        top = write_rows(ws, tsv_rows(name), top, **opts) + gap
    wb.save(path)
    return path
