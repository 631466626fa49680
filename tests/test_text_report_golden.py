"""Golden text report of the bundled sample at 80 columns (issue 14): short, actionable, every
error listed, ``--all`` gives everything. tests/golden/sample_report*.txt are the expected
outputs; after a deliberate change of a message or of the report, regenerate them with
``XLPERF_UPDATE_GOLDEN=1 pytest tests/test_text_report_golden.py`` and read the diff."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from xlperf.api import check_path, sample_path

GOLDEN = Path(__file__).parent / "golden"
WIDTH = 80


def report(*args: str) -> str:
    env = dict(os.environ, COLUMNS=str(WIDTH))
    r = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", *args], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 1, r.stderr
    return r.stdout.replace(str(sample_path()), "sample_2023.xlsx")


@pytest.fixture(scope="module")
def default():
    return report()


@pytest.fixture(scope="module")
def everything():
    return report("--all")


@pytest.fixture(scope="module")
def findings():
    return check_path(sample_path()).report.findings


@pytest.mark.parametrize("name,args", [("sample_report.txt", ()), ("sample_report_all.txt", ("--all",))])
def test_matches_golden(name, args):
    got = report(*args)
    path = GOLDEN / name
    if os.environ.get("XLPERF_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_default_report_is_at_most_40_lines(default):
    assert len(default.splitlines()) <= 40


def test_every_error_is_listed(default, findings):
    errors = [f for f in findings if f.severity == "error"]
    assert errors
    listed = default.split("问题清单")[1]
    for f in errors:
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", f.cell).groups()
        ranges = re.findall(rf"{col}(\d+)–{col}(\d+)", listed)
        assert re.search(rf"\b{f.cell}\b", listed) or any(int(a) <= int(row) <= int(b) for a, b in ranges), f.cell


def test_all_lists_every_finding_one_by_one(everything, findings):
    lines = everything.split("问题清单")[1].splitlines()
    for f in findings:
        assert any(line.startswith(f"{'错误警告提示'[['error', 'warning', 'info'].index(f.severity) * 2:][:2]} {f.code} "
                                   f"{f.sheet}!{f.cell} ") for line in lines), (f.code, f.cell)
    assert sum(1 for line in lines if re.match(r"^(错误|警告|提示) [A-Z]{2}\d{3} ", line)) == len(findings)


def test_the_table_fits_80_columns(default, everything):
    for out in (default, everything):
        table = out.split("问题清单")[0].splitlines()
        rows = [line for line in table if re.match(r"^\s*(行|\d+)\s", line)]
        assert rows and all(cell_len(line.rstrip()) <= WIDTH for line in rows)
        header = next(line for line in table if line.lstrip().startswith("行 "))
        assert "预算(万元)" in header and "状态" in header  # the header is whole


def test_each_line_shows_its_cell_once_and_no_gloss(default):
    for line in default.splitlines():
        m = re.match(r"^(错误|警告|提示) [A-Z]{2}\d{3} 绩效目标表!([A-Z]+\d+) (.*)$", line)
        if m:
            assert not m.group(3).startswith(m.group(2) + " "), line
    assert "weights do not add up" not in default and "（空）" not in default


def test_import_repairs_are_one_info_line(default, findings):
    repairs = [f for f in findings if f.code == "ST007"]
    assert len(repairs) == 33 and all(f.severity == "info" for f in repairs)
    assert "ST007 导入时修复了 33 处错位，见“导入记录”工作表" in default  # on the one 提示 line
    assert default.count("ST007") == 1


def test_repeated_findings_collapse_with_count_cells_and_fix(default):
    line = next(line for line in default.splitlines() if line.startswith("警告 VL006 ×15："))
    assert "J95–J96" in line and line.endswith("可用 xlperf fix 一键修正")


def test_next_steps_fit_what_was_found(default, tmp_path):
    steps = default.split("下一步")[1]
    assert "xlperf fix sample_2023.xlsx -o" in steps and "--mark" in steps
    assert "修正 35 个错误后再导出" in steps  # 35 since issue 17 made VL004 (24 on the sample) an error
    from .helpers import good_project
    from .test_cli import write_xlsx

    clean = write_xlsx(tmp_path / "clean.xlsx", good_project("项目A"))
    env = dict(os.environ, COLUMNS=str(WIDTH))
    out = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(clean)], capture_output=True, text=True,
                         env=env, timeout=120).stdout
    steps = out.split("下一步")[1]
    assert "没有错误，可以导出" in steps and "xlperf fix" not in steps


def test_cost_counted_into_outputs_is_shown_that_way(default):
    """WT003 counts 成本 into 产出 (the default shares): the weight table adds them up the same way."""
    row = next(line for line in default.splitlines() if re.match(r"^\s*86 ", line))
    assert row.split()[-5] == "60"  # 产出 is the fifth column from the end (a long name may be cut with “…”)
    assert "第86行 产出 50 + 成本 10 = 60" in default


def test_collapsed_errors_say_what_each_cell_becomes(default):
    line = next(line for line in default.splitlines() if line.startswith("错误 VL007 ×8："))
    assert line.startswith("错误 VL007 ×8：指标方向性未填写（绩效目标表!L65、L70、L86–L91）")
    assert "L70、L86–L87 应为“正向指标”；L91 应为“反向指标”，可用 xlperf fix 一键修正" in line


def test_self_evaluation_table_fits_80_columns(tmp_path):
    """The 自评得分 table, like the weight table: whole headers, one line per project, a long name
    cut with …, on the three real self-evaluations (廊坊, 衡山, 青神: wide forms) plus one with a
    60-character project name."""
    import openpyxl

    from .real_tables import build

    names = ["hebei_langfang_2019_nuantonggaizao_selfeval", "hunan_hengyang-hengshan_2020_chubeiliang_selfeval",
             "sichuan_meishan-qingshen_2023_gongzixing_selfeval"]
    path = build(tmp_path / "自评.xlsx", names + names[:1], percent=True)
    long_name = "某某市某某区2023年度城乡居民基本医疗保险财政补助资金及困难群众救助补助资金项目" * 2
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[3]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "办公宿舍楼、食堂及餐厅暖通改造经费")
    cell.value = long_name
    wb.save(path)
    env = dict(os.environ, COLUMNS=str(WIDTH))
    out = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(path)], capture_output=True, text=True,
                         env=env, timeout=120).stdout
    table = out.split("自评得分")[1].split("问题清单")[0].splitlines()[1:]
    rows = [line for line in table if line.strip()]
    assert rows[0].split()[:3] == ["行", "项目名称", "预算(万元)"] and rows[0].split()[-1] == "状态", rows[0]
    assert len(rows) == 5, rows  # the header and one line per project (nothing wraps)
    assert all(cell_len(line.rstrip()) <= WIDTH for line in rows), rows
    assert "86.2%" in rows[1] and "9/10" in rows[1] and "98/100" in rows[1]
    assert any("某某市某某区" in line and "…" in line for line in rows) and long_name not in out
