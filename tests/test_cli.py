"""The command line end to end on real files: exit codes, JSON contract, batch mode."""

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from .helpers import good_project, grid_of, ind


def write_xlsx(path: Path, rows, merges=()):
    g = grid_of(rows, merges)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = g.sheet
    for r, row in enumerate(g.rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    for m in g.merges:
        ws.merge_cells(start_row=m.r1 + 1, start_column=m.c1 + 1, end_row=m.r2 + 1, end_column=m.c2 + 1)
    wb.save(path)
    return path


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture
def clean_file(tmp_path):
    return write_xlsx(tmp_path / "clean.xlsx", good_project("项目A") + good_project("项目B"),
                      merges=[(0, 1, 4, 1), (0, 2, 4, 2), (0, 3, 4, 3)])


@pytest.fixture
def bad_file(tmp_path):
    rows = good_project("项目A")
    rows[1][10] = 5  # weights now total 80
    return write_xlsx(tmp_path / "bad.xlsx", rows)


def test_check_clean_file_exits_0(clean_file):
    r = run("check", clean_file)
    assert r.returncode == 0, r.stderr
    assert "项目A" in r.stdout and "权重合计正确 2/2" in r.stdout
    assert "Traceback" not in r.stderr


def test_check_errors_exit_1_and_json_contract(bad_file):
    r = run("check", bad_file, "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert set(data) >= {"projects", "findings", "summary"}
    p = data["projects"][0]
    assert {"unit", "name", "budget", "weight_total", "indicator_count"} <= set(p)
    assert p["weight_total"] == 80
    wt = [f for f in data["findings"] if f["code"] == "WT002"]
    assert wt and {"code", "severity", "sheet", "cell", "row", "project", "message"} <= set(wt[0])
    assert wt[0]["severity"] == "error"


def test_expected_total_option(bad_file):
    r = run("check", bad_file, "--format", "json", "--expected-total", "80")
    data = json.loads(r.stdout)
    assert not [f for f in data["findings"] if f["code"] == "WT002"]


def test_unreadable_input_exit_2_without_traceback(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_text("not a workbook")
    r = run("check", p)
    assert r.returncode == 2
    assert "不是有效的Excel工作簿" in r.stderr and "Traceback" not in r.stderr
    r = run("check", tmp_path / "missing.xlsx")
    assert r.returncode == 2 and "找不到文件" in r.stderr


def test_bad_config_exit_2(tmp_path, clean_file):
    cfg = tmp_path / "c.toml"
    cfg.write_text("expected_total = -5\n", encoding="utf-8")
    r = run("check", clean_file, "--config", cfg)
    assert r.returncode == 2 and "配置无效" in r.stderr


def test_config_beside_file_is_used(tmp_path, bad_file):
    (bad_file.parent / "xlperf.toml").write_text("expected_total = 80\n", encoding="utf-8")
    data = json.loads(run("check", bad_file, "--format", "json").stdout)
    assert data["summary"]["expected_total"] == 80


def test_batch_folder_reports_bad_file_and_continues(tmp_path, clean_file, bad_file):
    (tmp_path / "broken.xlsx").write_text("junk")
    summary = tmp_path / "out" / "summary.xlsx"
    summary.parent.mkdir()
    r = run("check", tmp_path, "--format", "json", "--jobs", "2", "--summary", summary)
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    files = {Path(f["file"]).name: f for f in data["files"]}
    assert set(files) == {"clean.xlsx", "bad.xlsx", "broken.xlsx"}
    assert files["broken.xlsx"]["readable"] is False and "不是有效" in files["broken.xlsx"]["error"]
    assert files["bad.xlsx"]["errors"] >= 1 and files["clean.xlsx"]["errors"] == 0
    wb = openpyxl.load_workbook(summary)
    assert wb["批量校验汇总"].max_row == 4


def test_version_and_help():
    assert run("--version").stdout.startswith("xlperf ")
    assert "校验" in run("--help").stdout


def test_config_sheet_in_workbook_is_used_by_cli(tmp_path, bad_file):
    # The CLI must judge a workbook like its own ribbon buttons do: 配置 sheet first.
    wb = openpyxl.load_workbook(bad_file)
    ws = wb.create_sheet("配置")
    ws.append(["设置", "值"])
    ws.append(["期望权重合计", 80])
    wb.save(bad_file)
    data = json.loads(run("check", bad_file, "--format", "json").stdout)
    assert data["summary"]["expected_total"] == 80
    assert not [f for f in data["findings"] if f["code"] == "WT002"]


def test_mark_with_wrong_suffix_refused_before_work(tmp_path, clean_file):
    r = run("check", clean_file, "--mark", tmp_path / "m.xlsm")
    assert r.returncode == 2 and "扩展名" in r.stderr and "项目A" not in r.stdout
