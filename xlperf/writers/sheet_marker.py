"""xlperf's marker on a sheet it writes (see core/own_sheets.py): a hidden sheet-scoped defined
name, so a later run knows the sheet is its own and never mistakes a clerk's sheet for one."""

from __future__ import annotations

from typing import Any


def mark_own_sheet(ws: Any) -> None:
    """xlperf's marker on a sheet it wrote (see core/own_sheets.py): a hidden sheet-scoped name."""
    from openpyxl.workbook.defined_name import DefinedName

    from ..core.own_sheets import MARKER

    quoted = ws.title.replace('"', '""')
    ws.defined_names[MARKER] = DefinedName(MARKER, attr_text=f'"{quoted}"', hidden=True)
