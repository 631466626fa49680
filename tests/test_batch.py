"""Batch checking: a process pool gives the same report as one process, in the input order,
with the configuration applied in every worker, whether workers are forked or spawned."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest

import xlperf.cli.batch as batch
from xlperf.api import sample_path
from xlperf.cli.batch import worst_findings
from xlperf.core.model import Finding
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
    assert hundred.summary["expected_totals"] == [100]
    assert {r.expected_total for r in hundred.files if r.readable} == {100}
    assert dump(hundred) == dump(batch.run_batch(folder, Config(expected_total=100), jobs=1))
    assert [r.projects_weight_off for r in hundred.files] != [r.projects_weight_off for r in default.files]


def test_spawned_workers_load_the_engine_themselves(folder, monkeypatch):
    # Windows and macOS spawn workers: nothing is inherited, the initializer must do it all.
    real = multiprocessing.get_context
    monkeypatch.setattr(batch.multiprocessing, "get_context", lambda method=None: real("spawn"))
    assert dump(batch.run_batch(folder[:3], Config(), jobs=2)) == dump(batch.run_batch(folder[:3], Config(), jobs=1))
    # each file's own configuration, with an override on top, is resolved in a spawned worker too
    own = batch.run_batch(folder[:3], None, jobs=2, overrides={"expected_total": 100})
    assert dump(own) == dump(batch.run_batch(folder[:3], None, jobs=1, overrides={"expected_total": 100}))
    assert own.summary["expected_totals"] == [100]


@pytest.mark.parametrize("n,jobs,want", [(1, 2, 1), (40, 2, 1), (500, 2, 8), (10_000, 8, 8), (90, 3, 1)])
def test_chunks_stay_small(n, jobs, want):
    assert batch._chunksize(n, jobs) == want


# --- every file judged by its own configuration, as `xlperf check FILE` judges it -----------------

from typer.testing import CliRunner  # noqa: E402

from xlperf.cli.app import app  # noqa: E402


def book(path: Path, settings: list[list] | None = None) -> Path:
    """The real sample table, saved again by openpyxl, with a 配置 sheet when settings are given."""
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(sample_path())
    if settings is not None:
        ws = wb.create_sheet("配置")
        ws.append(["设置", "值"])
        for row in settings:
            ws.append(row)
    wb.save(path)
    return path


def cli(*args) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["check", *map(str, args)])
    return r.exit_code, r.stdout, r.stderr


def single(path: Path, *args) -> dict:
    """What the batch must say about this file: the single-file check's JSON, in batch terms."""
    code, stdout, stderr = cli(path, "--format", "json", *args)
    assert code in (0, 1), stderr
    rep = json.loads(stdout)
    s = rep["summary"]
    active = [f for f in rep["findings"] if not f["waived"]]
    return {"tables": s["tables"], "projects": s["projects"], "indicators": s["indicators"],
            "errors": s["errors"], "warnings": s["warnings"], "infos": s["infos"],
            "projects_weight_off": s["projects_weight_off"], "expected_total": s["expected_total"],
            "worst": [{k: getattr(f, k) for k in ("code", "severity", "sheet", "cell", "message")}
                      for f in worst_findings([Finding.model_validate(f) for f in active])]}


def batched(*args) -> tuple[int, dict[str, dict]]:
    code, stdout, stderr = cli(*args, "--format", "json")
    assert code in (0, 1, 2), stderr
    rep = json.loads(stdout)
    return code, {Path(f["file"]).name: f for f in rep["files"]} | {"": rep["summary"]}


def same(batch_entry: dict, want: dict) -> None:
    assert batch_entry["readable"] is True, batch_entry["error"]
    assert {k: batch_entry.get(k) for k in want} == want


@pytest.fixture
def two_configs(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "单位报送"
    return {
        "plain": book(d / "plain.xlsx"),
        # 100 instead of 90: every project's weights are off
        "hundred": book(d / "hundred.xlsx", [["期望权重合计", 100]]),
        # the weight rules waived, another rule made an error, a wide tolerance
        "waived": book(d / "waived.xlsx", [["关闭规则", "WT002, WT001"], ["级别调整", "VL004=错误"],
                                           ["权重合计容差", 5]]),
    }


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_workbook_is_judged_by_its_own_config_sheet(two_configs, jobs):
    code, files = batched(two_configs["plain"].parent, "--jobs", jobs)
    wants = {p.name: single(p) for p in two_configs.values()}
    assert len({json.dumps(w, sort_keys=True) for w in wants.values()}) == 3  # three different verdicts
    for name, want in wants.items():
        same(files[name], want)
    assert files[""]["errors"] == sum(w["errors"] for w in wants.values())
    assert files[""]["expected_totals"] == [90, 100]
    assert code == 1


def test_an_xlperf_toml_in_a_subfolder_applies_only_below_it(tmp_path):
    top = book(tmp_path / "a.xlsx")
    below = book(tmp_path / "区县" / "b.xlsx")
    (below.parent / "xlperf.toml").write_text("expected_total = 100\nignore = [\"VL004\"]\n", encoding="utf-8")
    _, files = batched(tmp_path, "--jobs", 2)
    same(files["a.xlsx"], single(top))
    same(files["b.xlsx"], single(below))
    assert files["a.xlsx"]["expected_total"] == 90 and files["b.xlsx"]["expected_total"] == 100
    assert files["b.xlsx"]["errors"] != files["a.xlsx"]["errors"]


def test_an_explicit_config_applies_to_every_file(two_configs, tmp_path):
    (two_configs["plain"].parent / "xlperf.toml").write_text("expected_total = 100\n", encoding="utf-8")
    cfg = tmp_path / "bureau.toml"
    cfg.write_text("expected_total = 80\nignore = [\"VL\"]\n", encoding="utf-8")
    _, files = batched(two_configs["plain"].parent, "--config", cfg, "--jobs", 2)
    for p in two_configs.values():
        want = single(p, "--config", cfg)
        assert want["expected_total"] == 80 and not [f for f in want["worst"] if f["code"].startswith("VL")]
        same(files[p.name], want)
    assert files[""]["expected_totals"] == [80]


def test_expected_total_option_overrides_only_the_total(two_configs):
    # --expected-total replaces the total of each file's own configuration, nothing else of it.
    _, files = batched(two_configs["plain"].parent, "--expected-total", 95, "--jobs", 1)
    for p in two_configs.values():
        same(files[p.name], single(p, "--expected-total", 95))
    assert files["waived.xlsx"]["errors"] != files["plain.xlsx"]["errors"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_config_sheet_is_reported_for_its_file_only(two_configs, jobs):
    broken = book(two_configs["plain"].parent / "broken_config.xlsx", [["期望权重合计", "九十"]])
    code, stdout, stderr = cli(broken)
    assert code == 2 and "不是数字" in stderr
    code, files = batched(two_configs["plain"].parent, "--jobs", jobs)
    entry = files["broken_config.xlsx"]
    assert entry["readable"] is False and "不是数字" in entry["error"]
    assert "错误：" + entry["error"] in stderr  # word for word what the single check says
    for p in two_configs.values():
        same(files[p.name], single(p))
    assert files[""]["unreadable"] == 1 and files[""]["files"] == 4
    assert code == 1
