"""Workbooks of the real self-evaluations (tests/data/real/*.tsv, copied from the shared
transcriptions), built as a clerk would have them: leading blanks of a row are vertical merges,
plain numbers are numbers (as ``tools/tsv2xlsx.py`` builds them), and optionally a cell holding
a number with a number format (``0.862`` shown as ``86%``) or a formula with its cached value
(``=E7/D7`` saved by Excel as 0.862…)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any, Optional

import openpyxl

REAL = Path(__file__).parent / "data" / "real"
LANGFANG = "hebei_langfang_2019_nuantonggaizao_selfeval"
QINGSHEN = "sichuan_meishan-qingshen_2023_gongzixing_selfeval"
HENGSHAN = "hunan_hengyang-hengshan_2020_chubeiliang_selfeval"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _value(text: str) -> Any:
    text = text.strip()
    if NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def rows_of(name: str) -> list[list[str]]:
    lines = (REAL / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def build(name: str, out: Path, *, formats: Optional[dict[str, tuple[Any, str]]] = None,
          formulas: Optional[dict[str, tuple[str, float]]] = None, sheet: str = "Sheet1") -> Path:
    rows = rows_of(name)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    run: dict[int, int] = {}
    width = max(len(r) for r in rows)
    for r, cells in enumerate(rows, start=1):
        values = [c.strip() for c in cells]
        first = next((i for i, v in enumerate(values) if v), width)
        for c, v in enumerate(values, start=1):
            if v:
                ws.cell(r, c, _value(v))
        for c in range(1, width + 1):
            if c <= first:
                if c not in run and r > 1 and ws.cell(r - 1, c).value is not None:
                    run[c] = r - 1
            elif c in run:
                top = run.pop(c)
                if r - 1 > top:
                    ws.merge_cells(start_row=top, start_column=c, end_row=r - 1, end_column=c)
    for c, top in run.items():
        if len(rows) > top:
            ws.merge_cells(start_row=top, start_column=c, end_row=len(rows), end_column=c)
    for ref, (value, fmt) in (formats or {}).items():
        ws[ref] = value
        ws[ref].number_format = fmt
    for ref, (formula, _) in (formulas or {}).items():
        ws[ref] = formula
        ws[ref].number_format = "0%"
    out = Path(out)
    wb.save(out)
    if formulas:
        _cache(out, sheet_index=1, values={ref: v for ref, (_, v) in formulas.items()})
    return out


def _cache(path: Path, sheet_index: int, values: dict[str, float]) -> None:
    """Write the cached results Excel saves with each formula (openpyxl writes them empty)."""
    part = f"xl/worksheets/sheet{sheet_index}.xml"
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                text = data.decode("utf-8")
                for ref, v in values.items():
                    text, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\g<1>\g<2><v>{v!r}</v>", text)
                    assert n == 1, ref
                data = text.encode("utf-8")
            zout.writestr(item, data)
    shutil.move(tmp, path)
