"""The terminal report stays readable on a large table: long reports are condensed, --all
prints everything, a short report (the bundled sample) is printed whole."""

from __future__ import annotations

import re

import pytest

from .helpers import good_project
from .test_cli import run, write_xlsx

N_PROJECTS = 80  # above FULL_PROJECTS (60)
BAD_EVERY = 4  # every 4th project has weights totalling 80 (WT002)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    rows = []
    for i in range(N_PROJECTS):
        p = good_project(f"项目{i:03d}")
        if i % BAD_EVERY == 0:
            p[1][10] = 5  # 15 -> 5: the project now totals 80
        for r in p:  # three stray spaces per project: 240 NM003 findings, above FULL_FINDINGS
            r[9] = f"{r[9]} " if r[9] else r[9]
        rows += p
    return write_xlsx(tmp_path_factory.mktemp("big") / "big.xlsx", rows)


def test_large_report_lists_only_projects_needing_attention(big_file):
    r = run("check", big_file)
    assert r.returncode == 1, r.stderr
    out = r.stdout
    bad = [f"项目{i:03d}" for i in range(0, N_PROJECTS, BAD_EVERY)]
    assert all(name in out.split("问题汇总")[0] for name in bad[:10])
    assert "项目001" not in out.split("问题汇总")[0]  # a passing project is not listed
    assert f"共 {N_PROJECTS} 个项目" in out and "--all" in out


def test_large_report_counts_findings_per_rule_and_shows_first_errors(big_file):
    out = run("check", big_file).stdout
    assert "问题汇总" in out
    row = next(line for line in out.splitlines() if "WT002" in line and "│" in line)
    assert re.search(rf"│\s*{N_PROJECTS // BAD_EVERY}\s*│", row), row
    assert f"前 {N_PROJECTS // BAD_EVERY} 个错误" in out
    assert out.count("错误 WT002 ") == N_PROJECTS // BAD_EVERY
    # the names of the projects whose weights are off are capped in the closing line
    last = closing_line(out)
    assert "等 20 个项目" in last and last.count("、") < 15


def test_all_option_prints_every_project_and_finding(big_file):
    out = run("check", big_file, "--all").stdout
    assert all(f"项目{i:03d}" in out for i in range(N_PROJECTS))
    assert "问题汇总" not in out
    assert out.count(" NM003 ") >= 3 * N_PROJECTS


def closing_line(out: str) -> str:
    """The 合计 line (the next steps follow it)."""
    return next(line for line in out.splitlines() if line.startswith("合计："))


def test_sample_report_lists_the_projects_needing_attention():
    out = run("check").stdout
    assert "问题清单" in out and "问题汇总" not in out
    assert "22 个项目" in out
    assert "需处理的项目" in out and "其余 16 个项目" in out


def test_markup_like_text_in_a_message_is_printed_as_written(tmp_path):
    rows = good_project("项目[red]甲[/red]")
    rows[1][10] = 5
    out = run("check", write_xlsx(tmp_path / "m.xlsx", rows)).stdout
    assert "项目[red]甲[/red]" in out.split("问题清单")[1]


def test_markup_like_project_and_file_names_are_printed_as_written(tmp_path):
    """A project named "[/]…" crashed every text surface with rich's MarkupError (exit 2, "内部
    错误"), and "[bold]" in a name or file name vanished: the project table, the closing line's
    list of projects whose weights are off, the errors listed when export refuses, the batch
    table (file and note)."""
    rows = good_project("[/]项目甲") + good_project("[bold]乙", budget="[/]一百")
    rows[1][10] = 5
    src = write_xlsx(tmp_path / "表[bold].xlsx", rows)
    r = run("check", src)
    assert r.returncode == 1 and "MarkupError" not in r.stderr, r.stderr
    out = r.stdout
    assert "表[bold].xlsx" in out.splitlines()[0]
    table = [line.split() for line in out.split("问题清单")[0].splitlines()[3:] if line.strip()]
    assert [(cells[1], cells[2]) for cells in table[1:]] == [("[/]项目甲", "10.00"), ("[bold]乙", "[/]一百")]
    assert closing_line(out).endswith("权重合计不符：[/]项目甲")
    r = run("export", src, "-o", tmp_path / "报送.xlsx")
    assert r.returncode == 1 and "MarkupError" not in r.stderr, r.stderr
    assert "项目“[/]项目甲”的权重合计为80" in r.stderr
    r = run("check", tmp_path)
    assert r.returncode == 1 and "MarkupError" not in r.stderr, r.stderr
    assert "表[bold].xlsx" in r.stdout and "权重不符：[/]项目甲" in r.stdout.replace("\n", "").replace("│", "").replace(" ", "")


@pytest.mark.parametrize("encode,label", [
    (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "UTF-16 LE（带BOM）"),  # Notepad's "Unicode"
    (lambda t: t.encode("utf-8-sig"), "UTF-8（带BOM）"),
    (lambda t: t.encode("gb18030"), "GB18030（GBK）"),  # Chinese Windows' "ANSI"
    (lambda t: t.encode("utf-8"), "UTF-8"),
])
def test_check_of_a_text_file_says_its_encoding_once(tmp_path, encode, label):
    """Issue 13: ``import-text`` said which encoding it read a .txt in; ``check`` says it too, once
    (on the first 读取 line), and the JSON carries it (``encoding``, null for a workbook)."""
    import json

    from xlperf.api import sample_path

    text = sample_path().with_suffix(".txt").read_text(encoding="utf-8")
    src = tmp_path / "粘贴.txt"
    src.write_bytes(encode(text))
    r = run("check", src)
    assert r.returncode == 1, r.stderr
    assert r.stdout.count("文本编码") == 1
    first = next(line for line in r.stdout.splitlines() if line.startswith("读取："))
    assert f"（文本编码：{label}）" in first
    data = json.loads(run("check", src, "--format", "json").stdout)
    assert data["encoding"] == label
    book = json.loads(run("check", sample_path(), "--format", "json").stdout)
    assert book["encoding"] is None
