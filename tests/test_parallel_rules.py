"""Rules over a large table on two cores (a forked child takes the second half of the
projects) give exactly the findings of one core, in the same order."""

from __future__ import annotations

import os

import pytest

from xlperf.core import engine
from xlperf.core.config import Config
from xlperf.core.forked import Forked

from .helpers import good_project, table_of

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only; Windows stays on one core")


def _messy_table(n: int = 120):
    rows = []
    for i in range(n):
        p = good_project(f"项目{i:03d}", goal="短" if i % 7 == 0 else "完成年度培训任务，提升干部业务能力水平")
        if i % 3 == 0:
            p[1][10] = 5  # WT002
        if i % 5 == 0:
            p[2][11] = "正向指标"  # VL008 against ≤
        if i % 4 == 0:
            p[1][9] = "% "  # NM003, with a fix
        p[2][12:] = ["VL008" if i % 10 == 0 else None]  # waivers on some rows
        rows += p
    return table_of(rows, extra_header=["豁免"])


def test_two_cores_give_the_same_findings_in_the_same_order(monkeypatch):
    table = _messy_table()
    one = engine.check_table(table, Config(), workers=1)
    monkeypatch.setattr(engine, "PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    assert engine._parallel_cut(table.projects, 2) > 0
    two = engine.check_table(table, Config(), workers=2)
    assert [f.model_dump() for f in two] == [f.model_dump() for f in one]
    assert {f.code for f in one} >= {"WT002", "VL008", "NM003", "ST006"}
    assert any(f.waived for f in one) and any(f.fix is not None for f in one)


def test_small_tables_stay_in_one_process():
    table = _messy_table(10)
    assert engine._parallel_cut(table.projects, 2) == 0
    assert engine._parallel_cut(table.projects, 1) == 0


def test_a_failing_child_costs_time_not_findings(monkeypatch):
    table = _messy_table()
    one = engine.check_table(table, Config(), workers=1)
    monkeypatch.setattr(engine, "PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(engine, "can_fork", lambda: True)

    class Broken(Forked):
        def __init__(self, fn):
            super().__init__(lambda: 1 / 0)  # the child raises: result() is None

    monkeypatch.setattr(engine, "Forked", Broken)
    two = engine.check_table(table, Config(), workers=2)
    assert [f.model_dump() for f in two] == [f.model_dump() for f in one]


def test_forked_returns_the_childs_value_and_none_on_failure():
    assert Forked(lambda: {"a": [1, 2, 3]}).result() == {"a": [1, 2, 3]}
    assert Forked(lambda: 1 / 0).result() is None
    big = Forked(lambda: "x" * 5_000_000)  # larger than a pipe buffer: the child waits for the reader
    assert len(big.result()) == 5_000_000
