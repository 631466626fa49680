"""Issue 13: ordinary values that crashed or vanished, on real files through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xlperf.core.normalise import MAX_NUMBER, parse_number
from xlperf.core.rules._common import num, signed

from .helpers import good_project
from .robustness.make_corpus import SHEET, rewrite_zip, write_table


def run(*args):
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def two_projects() -> list[list]:
    return [list(r) for r in good_project("项目A") + good_project("项目B")]


def renamed(path: Path, name: str) -> Path:
    """The table's sheet renamed in workbook.xml (openpyxl refuses ``[`` in a title; files have them)."""
    tmp = path.with_name("src_" + path.name)
    path.rename(tmp)
    quoted = name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

    def change(part: str, data: bytes) -> bytes:
        if part == "xl/workbook.xml":
            return data.replace(f'name="{SHEET}"'.encode(), f'name="{quoted}"'.encode())
        return data

    rewrite_zip(tmp, path, change)
    tmp.unlink()
    return path


# --- §4 numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("v", [1e308, -1e308, float("inf"), float("nan"), 1e15, 10**400, "1e400", "1e308", "１e308"])
def test_numbers_beyond_range_are_not_numbers(v):
    n = parse_number(v)
    assert n.value is None and n.kind == "range"


def test_numbers_in_range_stay_numbers():
    assert parse_number(MAX_NUMBER / 10).value == 1e14
    assert parse_number("-12.5").value == -12.5


@pytest.mark.parametrize("v", [float("inf"), float("-inf"), float("nan"), 1e308, 1e300])
def test_message_numbers_never_raise(v):
    num(v)
    signed(v)


@pytest.mark.parametrize("field,col,code,cells", [("weight", 10, "WT001", ["K4", "K5"]),
                                                  ("budget", 2, "BG001", ["C4", "C9"])])
@pytest.mark.parametrize("value", [1e308, 1.7e308])
def test_huge_weights_and_budgets_are_findings_on_every_command(tmp_path, field, col, code, cells, value):
    rows = two_projects()
    if field == "weight":
        rows[0][col] = rows[1][col] = value  # their sum is inf
    else:
        rows[0][col] = rows[5][col] = value  # the department total would be inf
    src = write_table(tmp_path / "big.xlsx", rows)
    r = run("check", src, "--format", "json")
    assert r.returncode == 1, r.stderr
    found = [f for f in json.loads(r.stdout)["findings"] if f["code"] == code]
    assert sorted(f["cell"] for f in found) == cells
    assert all("超出可计算的数值范围" in f["message"] for f in found)
    r = run("check", src)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr, r.stderr
    for args in (["check", src, "--mark", tmp_path / "m.xlsx"], ["split", src, "-o", tmp_path / "s.xlsx"],
                 ["export", src, "-o", tmp_path / "e.xlsx", "--force"], ["fix", src, "-o", tmp_path / "f.xlsx"],
                 ["split", src, "-o", tmp_path / "s.json"]):
        r = run(*args)
        assert r.returncode in (0, 1), (args, r.stderr)
        assert "内部错误" not in r.stderr and "Traceback" not in r.stderr


def test_text_number_that_is_inf_is_a_finding(tmp_path):
    rows = two_projects()
    rows[0][10] = "1e400"
    src = write_table(tmp_path / "t.xlsx", rows)
    r = run("check", src, "--format", "json")
    assert r.returncode == 1
    assert [f["cell"] for f in json.loads(r.stdout)["findings"] if f["code"] == "WT001"] == ["K4"]


# --- §4 sheet names and names that are markup or bidi controls ------------------------------


@pytest.mark.parametrize("name", ["表[/b]", "表[/]", "表[d]", "[bold red]表", "表\\[x]"])
def test_sheet_names_with_markup_are_printed_as_they_are(tmp_path, name):
    rows = two_projects()
    rows[1][10] = 5  # a WT002: the sheet name is printed with the finding
    src = renamed(write_table(tmp_path / "s.xlsx", rows), name)
    r = run("check", src)
    assert r.returncode == 1, r.stderr
    assert f"{name}!K4" in r.stdout, r.stdout
    r = run("check", src, "--format", "json")
    assert {f["sheet"] for f in json.loads(r.stdout)["findings"]} == {name}
    r = run("export", src, "-o", tmp_path / "e.xlsx")  # the refusal lists errors with their cells
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr


def test_bidi_controls_are_printed_escaped(tmp_path):
    rows = two_projects()
    rows[0][1] = "项目\u202egpj.exe"
    rows[1][10] = 5
    src = write_table(tmp_path / "b.xlsx", rows)
    r = run("check", src)
    assert "\u202e" not in r.stdout and "<U+202E>" in r.stdout, r.stdout
    src2 = tmp_path / "名\u202etxt.xlsx"
    src.rename(src2)
    r = run("check", src2, "--mark", tmp_path / "m\u2067.xlsx")
    assert "\u2067" not in r.stderr and "<U+2067>" in r.stderr


# --- §4 --jobs ------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["0", "-3", "abc", "1.5", "10000"])
def test_wrong_jobs_exit_2_with_a_sentence(tmp_path, jobs):
    a = write_table(tmp_path / "a.xlsx", two_projects())
    b = write_table(tmp_path / "b.xlsx", two_projects())
    for files in ([a, b], [a]):
        r = run("check", f"--jobs={jobs}", *files)
        assert r.returncode == 2, r.stderr
        assert "--jobs 应为 1 到" in r.stderr and "内部错误" not in r.stderr


@pytest.mark.parametrize("jobs", ["1", "2", "auto", "AUTO"])
def test_good_jobs_run(tmp_path, jobs):
    a = write_table(tmp_path / "a.xlsx", two_projects())
    b = write_table(tmp_path / "b.xlsx", two_projects())
    r = run("check", "--jobs", jobs, a, b)
    assert r.returncode == 0, r.stderr


def test_jobs_api_refuses_the_same():
    from xlperf.batch import parse_jobs
    from xlperf.io.read import InputError

    assert parse_jobs(None) >= 1 and parse_jobs("auto") == parse_jobs(None) and parse_jobs(1) == 1
    for bad in (0, -3, "x", True):
        with pytest.raises(InputError):
            parse_jobs(bad)
