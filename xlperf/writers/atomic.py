"""Write files so that a crash leaves either the old file or the new one, never half of one.

Every output goes to a temporary file in the output's own folder, is flushed to disk, and is
then renamed onto the output in one step (``os.replace``). A crash, a kill or a full disk
before the rename leaves the old output (or none) untouched; after it, the complete new one.

The temporary file cannot be mistaken for an output: it is hidden (a leading dot; not the
Windows hidden attribute, which makes writers' ``open(..., "wb")`` fail), ends in ``.tmp`` (so neither Excel nor ``xlperf check FOLDER``
opens it), and is named ``.~xlperf.<host>.<pid>.<random>.<output name>.tmp``. If the process
is killed before it can remove it, the next write into the same folder removes it: at once
when the process that made it is known to be gone (same host, POSIX), else after a day.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import socket
import sys
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..core.filenames import ReadableMessage

TMP_PREFIX = ".~xlperf."
TMP_SUFFIX = ".tmp"
STALE_AFTER = 24 * 3600  # seconds: a temp file this old is stale whoever made it
_TMP_RE = re.compile(r"^\.~xlperf\.(?P<host>[A-Za-z0-9_-]*)\.(?P<pid>\d+)\.(?P<rand>[0-9a-f]+)\..*\.tmp$")


class OutputError(ReadableMessage, ValueError):
    """An output path that must not be written; the message is for the clerk."""


def check_output(out: Path, *inputs: Optional[Path]) -> None:
    """Refuse an output that is one of the inputs (by path, symlink, hard link or case), a
    folder, or in a folder that does not exist or cannot be written."""
    out = Path(out)
    for inp in inputs:
        if inp is None:
            continue
        inp = Path(inp)
        same = False
        with contextlib.suppress(OSError):
            same = out.resolve() == inp.resolve()
        if not same and out.exists() and inp.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(out, inp)
        if same:
            raise OutputError(
                f"输出文件不能与输入文件相同：{out}。xlperf 从不改动原文件，请另取一个文件名"
                "（output must differ from the input; the input is never changed）"
            )
    if out.exists() and out.is_dir():
        raise OutputError(f"输出路径是一个文件夹：{out}（output path is a folder）")
    parent = _folder(out)
    if not parent.is_dir():
        raise OutputError(f"输出文件夹不存在：{parent}（output folder does not exist）")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"没有权限在此文件夹中写入：{parent}（output folder is not writable）")


def _folder(out: Path) -> Path:
    return out.parent if str(out.parent) else Path(".")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", socket.gethostname())[:20]


def temp_path_for(out: Path) -> Path:
    """A fresh temporary name next to ``out`` (see the module docstring)."""
    out = Path(out)
    name = out.name
    while len(os.fsencode(name)) > 120:  # under common 255-byte limits, counted as on disk (GBK names too)
        name = name[:-1]
    return _folder(out) / f"{TMP_PREFIX}{_host()}.{os.getpid()}.{secrets.token_hex(4)}.{name}{TMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    return bool(_TMP_RE.match(name))


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, owned by someone else
        return True
    return True


def clean_stale_temps(folder: Path, *, now: Optional[float] = None) -> list[Path]:
    """Remove our own temporary files left by killed processes; return what was removed."""
    removed: list[Path] = []
    now = time.time() if now is None else now
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if not m:
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            pid = int(m.group("pid"))
            stale = age > STALE_AFTER or (
                m.group("host") == host and pid != os.getpid() and not _alive(pid))
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _fsync_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy_mode(tmp: Path, out: Path) -> None:
    """The new file gets the old output's permissions, or the usual ones for a new file."""
    with contextlib.suppress(OSError):
        if out.exists():
            os.chmod(tmp, out.stat().st_mode & 0o7777)


def _output_error(e: OSError, out: Path) -> OutputError:
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        why = "磁盘空间不足"
        en = "disk full"
    elif e.errno in (errno.EACCES, errno.EPERM) or isinstance(e, PermissionError):
        why = "没有写入权限，或目标文件正在Excel/WPS中打开（请关闭后重试）"
        en = "permission denied, or the file is open in Excel/WPS"
    elif e.errno == errno.EROFS:
        why, en = "磁盘是只读的", "read-only file system"
    else:
        why, en = f"系统错误：{e.strerror or e}", "could not write"
    return OutputError(f"无法写入输出文件 {out}：{why}。原有文件（如有）未被改动（{en}; nothing was changed）")


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """Yield a temporary path in the same folder; rename it onto ``out`` on success.

    On any failure (exception, Ctrl+C) the temporary file is removed and ``out`` is as it
    was; an OSError (disk full, permission) becomes an :class:`OutputError` with a sentence.
    """
    out = Path(out)
    folder = _folder(out)
    clean_stale_temps(folder)
    tmp = temp_path_for(out)
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666)
        os.close(fd)
    except OSError as e:
        raise _output_error(e, out) from None
    try:
        yield tmp
        _fsync_file(tmp)
        _copy_mode(tmp, out)
        os.replace(tmp, out)
        _fsync_dir(folder)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError):
            raise _output_error(e, out) from None
        raise


def write_atomic(out: Path, writer: Callable[[Path], None]) -> None:
    with atomic_path(out) as tmp:
        writer(tmp)


def write_bytes_atomic(out: Path, data: bytes) -> None:
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
