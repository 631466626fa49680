"""Fixed entry points for the ribbon's RunPython calls, one per button.

The VBA callbacks run e.g. ``RunPython "import xlperf.excel.ribbon as r; r.validate()"`` —
always a fixed string, never one built from cell content. xlwings is imported inside the
functions so this module imports on Linux (tests, the workbook builder's cross-check).
"""

from __future__ import annotations

from typing import Any, Callable

from . import commands

ENTRY_POINTS = ("validate", "clear_marks", "weight_totals", "split_records", "export", "autofix", "undo_fix",
                "show_rules")


def _run(fn: Callable[[Any], Any]) -> None:
    import xlwings as xw

    from .xlwings_port import XlwingsPort

    port = XlwingsPort(xw.Book.caller())
    with port.busy():
        commands.run_button(port, fn)


def validate() -> None:
    """校验：mark every problem on the active sheet."""
    _run(commands.validate)


def clear_marks() -> None:
    """清除标记"""
    _run(commands.clear_marks)


def weight_totals() -> None:
    """权重合计"""
    _run(commands.weight_totals)


def split_records() -> None:
    """拆分为记录"""
    _run(commands.split_records)


def export() -> None:
    """导出报送"""
    _run(commands.export)


def autofix() -> None:
    """自动修正"""
    _run(commands.autofix)


def undo_fix() -> None:
    """撤销修正"""
    _run(commands.undo_fix)


def show_rules() -> None:
    """规则说明"""
    _run(commands.show_rules)
