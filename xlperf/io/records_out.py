"""Write the clean records (one row per indicator, every field filled) as .xlsx, .csv or .json.

- .xlsx: one sheet 清洗记录, Chinese headers, numbers as numbers, frozen header row, autofilter.
- .csv: UTF-8 with BOM (Excel opens Chinese correctly), CRLF, formula-injection safe.
- .json: a list of records with English keys (the ``Record`` fields), ``ensure_ascii=False``.

Every write is atomic: a temporary file in the same folder renamed into place.
"""

from __future__ import annotations

import csv
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..core.grid import col_letter, col_number
from ..core.model import FIELDS, RECORD_COLUMNS, Record
from .atomic import OutputError, atomic_path
from .safe_cells import csv_value, safe_row

RECORDS_SHEET = "清洗记录"
SOURCE_COLUMN = "来源单元格"
SUFFIXES = (".xlsx", ".csv", ".json")

# Column order of the xlsx/csv outputs: the Record fields, then where they came from.
COLUMNS: list[tuple[str, str]] = list(RECORD_COLUMNS.items()) + [("source", SOURCE_COLUMN)]
HEADERS: list[str] = [h for _, h in COLUMNS]
WIDTHS: dict[str, float] = {
    "sheet": 12, "row": 8, "department": 26, "unit_code": 10, "unit_name": 26, "project": 32,
    "budget": 13, "goal": 40, "level1": 12, "level2": 16, "name": 30, "comparator": 9,
    "target": 12, "measure": 10, "weight": 7, "direction": 11, "waivers": 10, "source": 34,
}
_FIELD_LABEL = dict(FIELDS)
_ADDR_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=1024)
def _col_number(letters: str) -> int:
    return col_number(letters)


def check_suffix(out: Path) -> str:
    """The output kind (".xlsx", ".csv", ".json"), or a clear error for anything else."""
    suffix = Path(out).suffix.lower()
    if suffix not in SUFFIXES:
        shown = Path(out).suffix or "（无扩展名）"
        raise OutputError(
            f"不支持的输出格式“{shown}”：清洗记录只能保存为 .xlsx、.csv 或 .json：{out}"
            "（unsupported output type; use .xlsx, .csv or .json）"
        )
    return suffix


def write_records(records: list[Record], out: Path) -> None:
    out = Path(out)
    suffix = check_suffix(out)
    if suffix == ".xlsx":
        _write_xlsx(records, out)
    elif suffix == ".csv":
        _write_csv(records, out)
    else:
        _write_json(records, out)


# --- what a row holds ---------------------------------------------------------


def source_text(rec: Record) -> str:
    """Where the record's values came from, compactly: ``A8:L8`` when all on the indicator's
    row, else ``E12:L12；项目名称B8；预算数C8；年度目标D8`` (values filled down from a merged
    or first-row cell are named with the cell they were read from)."""
    on_row: list[int] = []
    elsewhere: list[str] = []
    for f, addr in rec.cells.items():
        m = _ADDR_RE.match(addr)
        if m is None:
            continue
        if int(m.group(2)) == rec.row:
            on_row.append(_col_number(m.group(1)))
        else:
            elsewhere.append(f"{_FIELD_LABEL.get(f, f)}{addr}")
    parts: list[str] = []
    if on_row:
        lo, hi = min(on_row), max(on_row)
        parts.append(f"{col_letter(lo)}{rec.row}" if lo == hi else f"{col_letter(lo)}{rec.row}:{col_letter(hi)}{rec.row}")
    parts.extend(elsewhere)
    return "；".join(parts)


def record_values(rec: Record) -> list[Any]:
    """The row of one record, in ``COLUMNS`` order; numbers stay numbers, blanks are None."""
    d = rec.__dict__
    row: list[Any] = []
    for key, _ in COLUMNS:
        if key == "source":
            row.append(source_text(rec) or None)
            continue
        v = d.get(key)
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        if v == "":
            v = None
        row.append(v)
    return row


# --- xlsx -----------------------------------------------------------------------


def fill_records_sheet(ws: Any, records: Sequence[Record]) -> None:
    """Write the records table into an empty worksheet (normal or write-only mode).

    Freeze panes, autofilter and widths are set before the rows, as write-only mode requires.
    """
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill

    ncols = len(COLUMNS)
    last = col_letter(ncols)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(len(records) + 1, 1)}"
    for i, (key, _) in enumerate(COLUMNS, 1):
        ws.column_dimensions[col_letter(i)].width = WIDTHS.get(key, 12)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = []
    for h in HEADERS:
        c = Cell(ws, row=1, column=1, value=h)
        c.font, c.fill, c.alignment = bold, fill, centre
        header.append(c)
    ws.append(header)
    for rec in records:
        ws.append(safe_row(ws, record_values(rec)))


def _write_xlsx(records: Sequence[Record], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(RECORDS_SHEET)
    fill_records_sheet(ws, records)
    with atomic_path(out) as tmp:
        wb.save(tmp)


# --- csv ------------------------------------------------------------------------


def csv_rows(records: Iterable[Record]) -> Iterable[list[str]]:
    yield [csv_value(h) for h in HEADERS]
    for rec in records:
        yield [csv_value(v) for v in record_values(rec)]


def _write_csv(records: Sequence[Record], out: Path) -> None:
    with atomic_path(out) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerows(csv_rows(records))


# --- json -----------------------------------------------------------------------


def _json_record(rec: Record) -> dict[str, Any]:
    d = rec.model_dump(mode="json")
    for k, v in d.items():
        if isinstance(v, float) and not math.isfinite(v):
            d[k] = None
    return d


def _write_json(records: Sequence[Record], out: Path) -> None:
    data = [_json_record(r) for r in records]
    with atomic_path(out) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
