"""File names that are not valid UTF-8, through the real command line.

A zip made on Chinese Windows and unpacked on Linux leaves GBK-encoded names (``表.xlsx`` as
the bytes ``b"\\xb1\\xed.xlsx"``); Python holds them with surrogate escapes (``os.fsdecode``).
calamine cannot open such a path, and a surrogate cannot be printed to a UTF-8 terminal
(``PYTHONIOENCODING=utf-8``: strict, as with any real UTF-8 locale) nor written into JSON.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xlperf.api import check_path
from xlperf.core.filenames import readable
from xlperf.writers.atomic import OutputError, temp_path_for
from xlperf.readers.source import InputError

from .test_split_export import sample_rows, strip, write_grid_xlsx
from .helpers import grid_of

BIAO = "表".encode("gbk")  # b"\xb1\xed"
CHU = "出".encode("gbk")  # b"\xb3\xf6"


def gbk(folder: Path, name: str) -> Path:
    """``folder/name`` with ``name`` encoded as GBK, as Python sees such a file."""
    return Path(os.fsdecode(os.path.join(os.fsencode(folder), name.encode("gbk"))))


@pytest.fixture
def gbk_file(tmp_path) -> Path:
    """A clean table (two projects, ten indicators) saved under a GBK name, 表.xlsx."""
    rows, merges = sample_rows()
    path = gbk(tmp_path, "表.xlsx")
    try:
        write_grid_xlsx(path, grid_of(rows, merges))
    except (OSError, UnicodeError):  # pragma: no cover - a file system that insists on UTF-8 names
        pytest.skip("this file system does not take names that are not UTF-8")
    assert os.fsencode(path).endswith(BIAO + b".xlsx")
    return path


def run(*args: object, cwd: Path) -> tuple[int, str, str]:
    """The CLI as on a UTF-8 terminal; output decoded strictly (an unencodable name would fail)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("XLPERF_DEBUG", None)
    argv = [sys.executable, "-m", "xlperf.cli", *(os.fsencode(a) if isinstance(a, Path) else a for a in args)]
    r = subprocess.run(argv, capture_output=True, cwd=cwd, env=env, timeout=180)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    assert "Traceback" not in err and "内部错误" not in err, err
    return r.returncode, out, err


def names(folder: Path) -> list[bytes]:
    return sorted(os.listdir(os.fsencode(folder)))


def test_readable_shows_gbk_bytes_as_the_name_the_clerk_saw():
    assert readable("plain/表.xlsx") == "plain/表.xlsx"
    assert readable(os.fsdecode(b"/tmp/\xe7\x94\xa8/" + BIAO + b".xlsx")) == "/tmp/用/表.xlsx"
    assert readable(os.fsdecode("项目".encode("gbk") + b".xlsx")) == "项目.xlsx"  # C4 BF alone is valid UTF-8
    assert readable(os.fsdecode(b"\x81\x40.xlsx")) == "丂.xlsx"  # a GBK second byte in ASCII
    assert readable(os.fsdecode(b"\xff\xfe.xlsx")) == "\\xff\\xfe.xlsx"  # not GB18030 either
    msg = readable(f"找不到文件：{os.fsdecode('预算表（终稿）.xlsx'.encode('gbk'))}（file not found）")
    assert msg == "找不到文件：预算表（终稿）.xlsx（file not found）"
    assert readable("a\ud800b") == "a\\ud800b"  # any other lone surrogate, escaped


def test_cli_check_reads_a_gbk_named_file(gbk_file, tmp_path):
    code, out, err = run("check", gbk_file, cwd=tmp_path)
    assert code == 0, err
    assert "无法打开" not in err
    assert out.splitlines()[0].endswith("表.xlsx") and "权重合计正确 2/2" in out
    code, out, err = run("check", gbk_file.name, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    data = json.loads(out)
    assert data["source"] == "表.xlsx" and data["summary"]["indicators"] == 10


def test_cli_split_reads_a_gbk_named_file_and_writes_gbk_names(gbk_file, tmp_path):
    for suffix in (".csv", ".json", ".xlsx"):
        out = gbk(tmp_path, "出" + suffix)
        code, _, err = run("split", gbk_file, "-o", out, cwd=tmp_path)
        assert code == 0, err
        assert "10 条记录" in err
    rows = list(csv.reader(gbk(tmp_path, "出.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 11 and rows[1][5] == "项目A"
    assert len(json.loads(gbk(tmp_path, "出.json").read_text(encoding="utf-8"))) == 10
    assert openpyxl.load_workbook(gbk(tmp_path, "出.xlsx"))["清洗记录"].max_row == 11
    assert names(tmp_path) == sorted([BIAO + b".xlsx"] + [CHU + s for s in (b".csv", b".json", b".xlsx")])


def test_cli_export_reads_a_gbk_named_file_and_writes_a_gbk_name(gbk_file, tmp_path):
    out = gbk(tmp_path, "出报送.xlsx")
    code, _, err = run("export", gbk_file, "-o", out, cwd=tmp_path)
    assert code == 0, err
    assert openpyxl.load_workbook(out).sheetnames == ["绩效目标表", "清洗记录", "权重合计"]
    assert strip(check_path(out).records()) == strip(check_path(gbk_file).records())


def test_cli_check_mark_of_a_gbk_named_file(gbk_file, tmp_path):
    out = gbk(tmp_path, "出标记.xlsx")
    code, _, err = run("check", gbk_file, "--mark", out, cwd=tmp_path)
    assert code == 0, err
    assert "校验结果" in openpyxl.load_workbook(out).sheetnames
    assert names(tmp_path) == sorted([BIAO + b".xlsx", "出标记".encode("gbk") + b".xlsx"])


def test_cli_messages_show_a_gbk_name_readably(gbk_file, tmp_path):
    missing = gbk(tmp_path, "没有.xlsx")  # 没 is C3 BB, which alone reads as the UTF-8 "û"
    assert str(missing).endswith("û\udcd3\udcd0.xlsx")
    code, _, err = run("split", missing, "-o", tmp_path / "o.csv", cwd=tmp_path)
    assert code == 2 and "找不到文件" in err and "没有.xlsx" in err
    broken = gbk(tmp_path, "坏.xlsx")
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run("check", broken, cwd=tmp_path)
    assert code == 2 and "坏.xlsx" in err and "No such file" not in err
    code, _, err = run("split", gbk_file, "-o", gbk_file, cwd=tmp_path)
    assert code == 2 and "输出文件不能与输入文件相同" in err and "表.xlsx" in err
    assert "\\udc" not in err


def test_errors_carry_a_readable_name():
    name = os.fsdecode(BIAO + b".xlsx")
    assert str(InputError(f"找不到文件：{name}")) == "找不到文件：表.xlsx"
    assert str(OutputError(f"输出文件夹不存在：{name}")) == "输出文件夹不存在：表.xlsx"


def test_temporary_beside_an_output_whose_name_is_not_utf8(tmp_path):
    tmp = temp_path_for(gbk(tmp_path, "出" * 100 + ".xlsx"))  # the length is counted in bytes
    assert tmp.parent == tmp_path and len(os.fsencode(tmp.name)) < 160


def test_cli_writes_gbk_names_from_a_plain_input(tmp_path):
    rows, merges = sample_rows()
    src = write_grid_xlsx(tmp_path / "plain.xlsx", grid_of(rows, merges))
    for args in (("split", src, "-o", gbk(tmp_path, "出.csv")), ("export", src, "-o", gbk(tmp_path, "出.xlsx")),
                 ("check", src, "--mark", gbk(tmp_path, "出标记.xlsx"))):
        code, _, err = run(*args, cwd=tmp_path)
        assert code == 0, err
    assert names(tmp_path) == sorted([b"plain.xlsx", CHU + b".csv", CHU + b".xlsx", "出标记".encode("gbk") + b".xlsx"])


def test_the_config_sheet_of_a_gbk_named_workbook_is_read(tmp_path):
    from .test_batch import book

    path = book(gbk(tmp_path, "配置表.xlsx"), [["期望权重合计", 100]])
    code, out, err = run("check", path, "--format", "json", cwd=tmp_path)
    assert code == 1, err  # 100, not the default 90: every project's weights are off
    data = json.loads(out)
    assert data["summary"]["expected_total"] == 100 and data["source"].endswith("配置表.xlsx")


def test_a_batch_holding_a_gbk_named_file(gbk_file, tmp_path):
    summary = tmp_path / "汇总.xlsx"
    code, out, err = run("check", tmp_path, "--format", "json", "--summary", summary, cwd=tmp_path)
    assert code == 0, err
    files = json.loads(out)["files"]
    assert [Path(f["file"]).name for f in files] == ["表.xlsx"] and files[0]["readable"] is True
    assert openpyxl.load_workbook(summary).worksheets[0].cell(2, 1).value.endswith("表.xlsx")
    summary.unlink()  # or the next batch would check it too
    code, out, err = run("check", tmp_path, cwd=tmp_path)  # the text table
    assert code == 0 and "表.xlsx" in out, err


def test_success_messages_show_a_gbk_name_readably(gbk_file, tmp_path):
    for args in (("split", gbk_file, "-o", gbk(tmp_path, "出.csv")), ("export", gbk_file, "-o", gbk(tmp_path, "出.xlsx")),
                 ("check", gbk_file, "--mark", gbk(tmp_path, "出标记.xlsx")),
                 ("fix", gbk_file, "-o", gbk(tmp_path, "出修正.xlsx"))):
        code, _, err = run(*args, cwd=tmp_path)
        assert code == 0, err
        assert "\\udc" not in err and "\udcb3" not in err, err
        assert "出" in err, err


def test_names_with_brackets_are_shown_as_written(tmp_path):
    # rich reads [..] as markup: "[/]" alone would raise, "[bold]" would vanish
    code, _, err = run("check", tmp_path / "a[/]b[bold].xlsx", cwd=tmp_path)
    assert code == 2 and "a[/]b[bold].xlsx" in err, err
    rows, merges = sample_rows()
    src = write_grid_xlsx(tmp_path / "表[终稿].xlsx", grid_of(rows, merges))
    code, _, err = run("split", src, "-o", tmp_path / "记录[1][red].csv", cwd=tmp_path)
    assert code == 0 and "记录[1][red].csv" in err, err
