"""Batch checking: a process pool gives the same report as one process, in the input order,
with the configuration applied in every worker, whether workers are forked or spawned."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

import xlperf.batch as batch
from xlperf.api import sample_path
from xlperf.core.config import Config


@pytest.fixture
def folder(tmp_path: Path) -> list[Path]:
    files = []
    for i in range(7):
        p = tmp_path / f"book_{i}.xlsx"
        shutil.copy(sample_path(), p)
        files.append(p)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    files.insert(3, bad)
    (tmp_path / "notes.txt").write_text("这不是表格\n", encoding="utf-8")
    return batch.expand_paths([tmp_path])


def dump(report: batch.BatchReport) -> dict:
    return report.model_dump()


def test_pool_equals_one_process_in_input_order(folder):
    seen: list[str] = []
    one = batch.run_batch(folder, Config(), jobs=1)
    two = batch.run_batch(folder, Config(), jobs=2, on_done=lambda r: seen.append(r.file))
    assert dump(two) == dump(one)
    assert [r.file for r in two.files] == [str(p) for p in folder]
    assert sorted(seen) == sorted(str(p) for p in folder)
    assert [Path(r.file).name for r in two.files if not r.readable] == ["broken.xlsx"]
    assert two.summary["files"] == len(folder) == 9


def test_config_reaches_every_worker(folder):
    default = batch.run_batch(folder, Config(), jobs=2)
    hundred = batch.run_batch(folder, Config(expected_total=100), jobs=2)
    assert hundred.summary["expected_total"] == 100
    assert dump(hundred) == dump(batch.run_batch(folder, Config(expected_total=100), jobs=1))
    assert [r.projects_weight_off for r in hundred.files] != [r.projects_weight_off for r in default.files]


def test_spawned_workers_load_the_engine_themselves(folder, monkeypatch):
    # Windows and macOS spawn workers: nothing is inherited, the initializer must do it all.
    real = multiprocessing.get_context
    monkeypatch.setattr(batch.multiprocessing, "get_context", lambda method=None: real("spawn"))
    assert dump(batch.run_batch(folder[:3], Config(), jobs=2)) == dump(batch.run_batch(folder[:3], Config(), jobs=1))


@pytest.mark.parametrize("n,jobs,want", [(1, 2, 1), (40, 2, 1), (500, 2, 8), (10_000, 8, 8), (90, 3, 1)])
def test_chunks_stay_small(n, jobs, want):
    assert batch._chunksize(n, jobs) == want
