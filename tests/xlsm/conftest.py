"""Fixtures shared by the xlsm builder tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.xlsm.vbaproject import Module

from .vba_sources import DICTIONARY, RIBBON_PERF, SHEET1, SHEET2, THIS_WORKBOOK, LogCapture, bulk_module, crlf


@pytest.fixture(scope="session")
def xlwings_bas() -> str:
    import xlwings

    return (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def modules(xlwings_bas: str) -> list[Module]:
    return [
        Module("ThisWorkbook", "document", crlf(THIS_WORKBOOK)),
        Module("Sheet1", "document", crlf(SHEET1)),
        Module("Sheet2", "document", crlf(SHEET2)),
        Module("RibbonPerf", "standard", crlf(RIBBON_PERF)),
        Module("Dictionary", "class", crlf(DICTIONARY)),
        Module("Bulk", "standard", bulk_module()),
        Module("xlwings", "standard", xlwings_bas),
    ]


@pytest.fixture
def log_capture():
    return LogCapture
