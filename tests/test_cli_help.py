"""Help screens and usage errors are in Chinese (with English), including what the framework
itself prints, and `check --help` lists the exit codes (issue 14)."""

from __future__ import annotations

import re

import pytest

from .test_cli import run

COMMANDS = ["check", "split", "export", "fix", "rules", "schema", "import-text", "build-workbook"]
ENGLISH_ONLY = ("Show this message and exit", "Usage:", "Options:", "Arguments:", "Commands:", "Missing option",
                "Try '", "Error:")


def _bare_english(text: str) -> list[str]:
    """Framework English that is not inside a Chinese line's (English) gloss."""
    bad = []
    for line in text.splitlines():
        for en in ENGLISH_ONLY:
            if en in line and not re.search(r"[\u4e00-\u9fff]", line):
                bad.append(line)
    return bad


@pytest.mark.parametrize("args", [["--help"]] + [[c, "--help"] for c in COMMANDS], ids=lambda a: a[0])
def test_help_is_chinese(args):
    r = run(*args)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("用法（Usage）: xlperf")
    assert "显示此帮助并退出（Show this message and exit）" in out
    assert "选项（Options）：" in out
    assert not _bare_english(out), _bare_english(out)
    # every option has a Chinese help text
    opts = [line for line in out.split("选项（Options）：")[1].splitlines() if line.startswith("  -")]
    assert opts and all(re.search(r"[\u4e00-\u9fff]", line) for line in opts), opts


def test_check_help_lists_exit_codes():
    out = run("check", "--help").stdout
    tail = out.split("退出码（exit codes）：")[1]
    for code in ("0", "1", "2", "3"):
        assert re.search(rf"^\s+{code}\s+\S", tail, re.M), code


@pytest.mark.parametrize("args,zh", [
    (["split"], "缺少选项 '-o' / '--output'"),
    (["check", "--bogus"], "没有选项 --bogus"),
    (["check", "--format", "xml"], "'--format' 的值无效：'xml' 不是 'text', 'json' 之一"),
    (["nope"], "没有命令“nope”"),
    (["check", "--jobs"], "选项 --jobs 后面要写一个值"),
])
def test_usage_errors_are_chinese_with_exit_2(args, zh):
    r = run(*args)
    assert r.returncode == 2
    assert f"错误：{zh}" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not _bare_english(r.stderr), r.stderr
