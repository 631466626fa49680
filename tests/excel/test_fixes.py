"""The fix plan: formula cells are never written, blocks cover only changed cells."""

from __future__ import annotations

from xlperf.core.config import Config
import datetime as dt

from xlperf.core.grid import Merge
from xlperf.excel.fixes import change_blocks, plan_fixes, same_value, undo_rows, with_unchanged_gaps
from xlperf.excel.port import SheetData

from .conftest import HEADER, TITLE, make_rows


def sheet(rows, formulas=None) -> SheetData:
    values = [[TITLE] + [None] * 11, ["金额单位：万元"] + [None] * 11, list(HEADER)] + [list(r) for r in rows]
    return SheetData("绩效目标表", values, [], formulas or {})


CFG = Config(select=["NM99"])


def test_plan_applies_fixes(test_rules):
    plan = plan_fixes(sheet(make_rows(8)), CFG)
    assert [(c.cell, c.old, c.new) for c in plan.changes] == [("H19", ">=", "≥"), ("H39", ">=", "≥")]
    assert plan.formula_cells == []
    assert not [f for f in plan.result.findings if f.fix]  # nothing left to fix


def test_plan_never_writes_a_formula_cell(test_rules):
    # H19 shows ">=" but it is the result of a formula: the clerk's formula stays.
    plan = plan_fixes(sheet(make_rows(8), {(18, 7): '=">"&"="'}), CFG)
    assert [c.cell for c in plan.changes] == ["H39"]
    assert plan.formula_cells == ["H19"]


def test_stale_fix_is_skipped(test_rules, monkeypatch):
    """A fix whose ``old`` is not what the cell holds is not applied."""
    import dataclasses

    from xlperf.core.model import Fix
    from xlperf.core.rules.registry import REGISTRY, Hit

    def wrong_old(ind, project, ctx):
        if ind.raw.get("comparator") == ">=":
            cell = ctx.table.indicator_cell(ind, "comparator")
            return Hit(cell=cell, row=ind.row, fix=Fix(sheet=ctx.table.sheet, cell=cell, old="=>", new="≥"))
        return None

    monkeypatch.setitem(REGISTRY, "NM990", dataclasses.replace(REGISTRY["NM990"], func=wrong_old))
    assert plan_fixes(sheet(make_rows(8)), CFG).changes == []


def test_change_blocks_cover_only_changed_cells():
    cells = {(5, 8): "a", (6, 8): "b", (9, 8): "c", (5, 9): "d", (6, 9): "e", (12, 3): "f"}
    blocks = dict(change_blocks(cells))
    assert blocks == {"H5": [["a", "d"], ["b", "e"]], "H9": [["c"]], "C12": [["f"]]}


def test_same_value():
    assert same_value(None, "") and same_value(80, 80.0)
    assert not same_value("80", 80) and not same_value(None, 0) and not same_value(">=", "≥")


def test_undo_rows_header():
    assert undo_rows([])[0] == ["工作表", "单元格", "原值", "新值", "说明"]


def test_gaps_are_filled_only_where_rewriting_changes_nothing():
    values = [["a", "x", "p", "d"], ["b", "=f", "q", dt.date(2023, 1, 1)], ["c", "y", "r", "e"], [None, "z", "s", "f"]]
    data = SheetData("s", values, [Merge(1, 2, 2, 2)], {(1, 1): "=A1"})
    cells = {(1, 1): "A", (3, 1): "C", (1, 2): "X", (3, 2): "Y", (1, 3): "P", (4, 3): "S", (1, 4): "D", (3, 4): "E"}
    got = with_unchanged_gaps(cells, data)
    assert got[(2, 1)] == "b"  # plain text between two fixes: written back as it was
    assert (2, 2) not in got  # a formula in the gap
    assert (2, 3) not in got and (3, 3) not in got  # a merge in the gap
    assert (2, 4) not in got  # a date: not rewritten
    assert dict(change_blocks(got))["A1"] == [["A"], ["b"], ["C"]]
