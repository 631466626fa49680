"""Inputs are never changed; outputs appear whole or not at all.

- every writing command refuses an output that is its input (exit 2, input bytes and mtime
  unchanged, nothing new in the folder), also through ``./``, an absolute path, a symlink or a
  hard link;
- a write killed (SIGKILL) at different moments leaves the old output or a complete new one,
  never a partial file under the output's name; the only possible leftover is our hidden
  ``.~xlperf.….tmp``, which the next write into that folder removes;
- the atomic writer itself: failures (an exception, a full disk) keep the old file and leave
  no temporary file; permissions are the usual ones, not mkstemp's 0600.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from xlperf.writers.atomic import (
    OutputError,
    atomic_path,
    check_output,
    clean_stale_temps,
    is_temp_name,
    temp_path_for,
    write_bytes_atomic,
)

from ..helpers import good_project
from .make_corpus import make_clean, write_table
from .runner import Job, command, run_many, snapshot

SAME = "输出文件不能与输入文件相同"


def _text_input(path: Path) -> Path:
    from xlperf.api import sample_text_path

    shutil.copy(sample_text_path(), path)
    return path


@pytest.fixture(scope="module")
def same_path_runs(tmp_path_factory):
    """Each writing command pointed at its own input, plus path variants, as real CLI runs."""
    root = tmp_path_factory.mktemp("same")
    jobs, folders = [], {}

    def job(key, make_input, args_of):
        folder = root / f"case{len(jobs)}"
        folder.mkdir()
        src = make_input(folder)
        folders[key] = (folder, snapshot(folder))
        jobs.append(Job(key, command(*args_of(src)), cwd=folder))

    book = lambda f: (make_clean(f / "表.xlsx"), f / "表.xlsx")[1]  # noqa: E731
    job("check --mark", book, lambda s: ["check", s.name, "--mark", s.name])
    job("split", book, lambda s: ["split", s.name, "-o", s.name])
    job("export", book, lambda s: ["export", s.name, "-o", s.name])
    job("export --force", book, lambda s: ["export", s.name, "--force", "-o", s.name])
    job("fix", book, lambda s: ["fix", s.name, "-o", s.name])
    job("import-text", lambda f: _text_input(f / "表.txt"), lambda s: ["import-text", s.name, "-o", s.name])
    job("split absolute", book, lambda s: ["split", s.name, "-o", s.resolve()])

    def linked(kind):
        def make(f):
            src = book(f)
            (os.symlink if kind == "symlink" else os.link)(src, f / "链接.xlsx")
            return src
        return make

    job("split symlink", linked("symlink"), lambda s: ["split", s.name, "-o", "链接.xlsx"])
    job("split hard link", linked("hardlink"), lambda s: ["split", s.name, "-o", "链接.xlsx"])
    job("check --mark hard link", linked("hardlink"), lambda s: ["check", s.name, "--mark", "链接.xlsx"])
    results = run_many(jobs)
    return results, folders


CASES = ["check --mark", "split", "export", "export --force", "fix", "import-text", "split absolute",
         "split symlink", "split hard link", "check --mark hard link"]


@pytest.mark.parametrize("key", CASES)
def test_output_equal_to_input_is_refused(same_path_runs, key):
    results, folders = same_path_runs
    r = results[key]
    folder, before = folders[key]
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert SAME in r.stderr and "output must differ from the input" in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(folder) == before  # same files, same bytes, same mtimes; nothing new


# --- killed mid-write ----------------------------------------------------------------------

BIG_PROJECTS = 250  # 1,250 records: the xlsx write takes a noticeable fraction of a second


def _old_output(path: Path) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "旧文件"
    wb.active["A1"] = "old"
    wb.save(path)
    return path.read_bytes()


class Killer:
    """Kill the child ``delay`` seconds after our temporary file appears in ``folder``
    (or at ``at`` seconds after start, whichever is given)."""

    def __init__(self, folder: Path, *, delay: float | None = None, at: float | None = None) -> None:
        self.folder, self.delay, self.at = folder, delay, at
        self.seen_at: float | None = None
        self.killed_with_temp = False
        self.killed = False

    def __call__(self, elapsed: float, proc: subprocess.Popen) -> None:
        if self.killed:
            return
        temps = [n for n in os.listdir(self.folder) if is_temp_name(n)]
        if temps and self.seen_at is None:
            self.seen_at = elapsed
        due = (self.at is not None and elapsed >= self.at) or (
            self.delay is not None and self.seen_at is not None and elapsed >= self.seen_at + self.delay)
        if due:
            self.killed_with_temp = bool([n for n in os.listdir(self.folder) if is_temp_name(n)])
            try:
                os.kill(proc.pid, 9)
            except ProcessLookupError:
                return
            self.killed = True


def test_killed_writes_leave_old_or_complete_file(tmp_path):
    src = write_table(tmp_path / "大表.xlsx", [r for i in range(BIG_PROJECTS) for r in good_project(f"项目{i}")],
                      merges=False)
    plans = [
        ("xlsx-at-0.3s", ".xlsx", dict(at=0.3)),
        ("xlsx-temp+0", ".xlsx", dict(delay=0.0)),
        ("xlsx-temp+0.05", ".xlsx", dict(delay=0.05)),
        ("csv-temp+0.01", ".csv", dict(delay=0.01)),
        ("xlsx-not-killed", ".xlsx", None),
    ]
    jobs, killers, olds = [], {}, {}
    for key, suffix, plan in plans:
        folder = tmp_path / key
        folder.mkdir()
        target = folder / f"out{suffix}"
        if suffix == ".xlsx":
            olds[key] = _old_output(target)
        else:
            olds[key] = b"old,csv\r\n"
            target.write_bytes(olds[key])
        killer = killers[key] = Killer(folder, **plan) if plan else None
        jobs.append(Job(key, command("split", src, "-o", target.name), cwd=folder, watch=killer, timeout=60))
    before = (src.stat().st_mtime_ns, src.read_bytes())
    results = run_many(jobs)
    assert (src.stat().st_mtime_ns, src.read_bytes()) == before

    outcomes = {}
    for key, suffix, plan in plans:
        folder = tmp_path / key
        target = folder / f"out{suffix}"
        names = sorted(os.listdir(folder))
        others = [n for n in names if n != target.name]
        assert all(is_temp_name(n) for n in others) and len(others) <= 1, (key, names)
        assert target.exists(), key  # the old file stays until the new one replaces it
        data = target.read_bytes()
        if data == olds[key]:
            outcomes[key] = "old"
        else:
            outcomes[key] = "new"
            if suffix == ".xlsx":
                wb = openpyxl.load_workbook(target, read_only=True)
                assert sum(1 for _ in wb["清洗记录"].iter_rows()) == BIG_PROJECTS * 5 + 1, key
                wb.close()
            else:
                assert data.decode("utf-8-sig").count("\r\n") == BIG_PROJECTS * 5 + 1, key
        if killers[key] is None:
            assert results[key].returncode == 0 and outcomes[key] == "new"
    # The next write into each folder removes what a killed process left behind.
    small = tmp_path / "小表.xlsx"
    make_clean(small)
    again = run_many([Job(key, command("split", small, "-o", "again.json"), cwd=tmp_path / key) for key, _, _ in plans])
    for key, _, _ in plans:
        assert again[key].returncode == 0, again[key].stderr
        assert not [n for n in os.listdir(tmp_path / key) if is_temp_name(n)], (key, os.listdir(tmp_path / key))
    mid_write = [k for k, kl in killers.items() if kl is not None and kl.killed_with_temp]
    print("outcomes:", outcomes, "killed mid-write:", mid_write)
    assert mid_write, f"no kill landed while a temporary file existed: {outcomes}"


# --- the atomic writer in-process ------------------------------------------------------------


def test_failure_keeps_old_file_and_leaves_no_temp(tmp_path):
    out = tmp_path / "结果.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(out) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("crash mid-write")
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["结果.xlsx"]


def test_disk_full_is_a_clear_output_error(tmp_path):
    out = tmp_path / "结果.csv"
    out.write_bytes(b"old")
    with pytest.raises(OutputError, match="磁盘空间不足") as e:
        with atomic_path(out) as tmp:
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert "disk full" in str(e.value) and "原有文件" in str(e.value)
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["结果.csv"]


def test_unwritable_folder_is_refused_before_any_work(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="没有权限"):
            check_output(ro / "x.xlsx", tmp_path / "in.xlsx")
    finally:
        ro.chmod(0o700)


def test_spellings_of_the_input_path_are_refused(tmp_path, monkeypatch):
    src = tmp_path / "表.xlsx"
    src.write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    for out in ("表.xlsx", "./表.xlsx", "sub/../表.xlsx", str(src), str(tmp_path / "sub" / ".." / "表.xlsx")):
        with pytest.raises(OutputError, match=SAME):
            check_output(Path(out), Path("表.xlsx"))
    check_output(Path("表2.xlsx"), Path("表.xlsx"))  # a different name is fine


def test_missing_folder_and_folder_as_output(tmp_path):
    with pytest.raises(OutputError, match="输出文件夹不存在"):
        check_output(tmp_path / "nope" / "x.xlsx", tmp_path / "in.xlsx")
    with pytest.raises(OutputError, match="是一个文件夹"):
        check_output(tmp_path, tmp_path / "in.xlsx")


def test_case_variant_of_input_is_refused_where_the_file_system_folds_case(tmp_path):
    src = tmp_path / "Table.xlsx"
    src.write_bytes(b"x")
    variant = tmp_path / "TABLE.xlsx"
    if not variant.exists():
        pytest.skip("case-sensitive file system: a different file")
    with pytest.raises(OutputError):
        check_output(variant, src)


def test_permissions_are_normal_and_kept(tmp_path):
    out = tmp_path / "a.json"
    write_bytes_atomic(out, b"{}")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    out.chmod(0o640)
    write_bytes_atomic(out, b"[]")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_bytes() == b"[]"


def test_temp_names_cannot_be_taken_for_outputs(tmp_path):
    from xlperf.cli.batch import expand_paths

    tmp = temp_path_for(tmp_path / "报送.xlsx")
    assert tmp.parent == tmp_path and tmp.name.startswith(".~xlperf.") and tmp.name.endswith(".tmp")
    assert is_temp_name(tmp.name) and not is_temp_name("报送.xlsx") and not is_temp_name(".报送.xlsx.tmp")
    tmp.write_bytes(b"partial")
    assert expand_paths([tmp_path]) == []
    long = temp_path_for(tmp_path / ("很长的名字" * 40 + ".xlsx"))
    assert len(long.name.encode()) < 200 and is_temp_name(long.name)


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temps_are_removed_only_when_stale(tmp_path):
    from xlperf.writers import atomic

    host = atomic._host()
    dead = tmp_path / f".~xlperf.{host}.{_dead_pid()}.abcd1234.out.xlsx.tmp"
    alive = tmp_path / f".~xlperf.{host}.{os.getppid()}.abcd1234.out.xlsx.tmp"
    other_host = tmp_path / ".~xlperf.otherhost.1.abcd1234.out.xlsx.tmp"
    old_other = tmp_path / ".~xlperf.otherhost.2.abcd1234.out.xlsx.tmp"
    lookalike = tmp_path / ".~xlperf.not-ours.tmp"
    for p in (dead, alive, other_host, old_other, lookalike):
        p.write_bytes(b"x")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old_other, (day_ago, day_ago))
    removed = clean_stale_temps(tmp_path)
    assert sorted(p.name for p in removed) == sorted([dead.name, old_other.name])
    assert alive.exists() and other_host.exists() and lookalike.exists()
