"""Write files so that a crash leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator


class OutputError(ValueError):
    """An output path that must not be written; the message is for the clerk."""


def check_output(out: Path, *inputs: Path) -> None:
    out = Path(out)
    for inp in inputs:
        try:
            if inp is not None and out.resolve() == Path(inp).resolve():
                raise OutputError(f"输出文件不能与输入文件相同：{out}（output must differ from input）")
        except OSError:
            pass
    if out.exists() and out.is_dir():
        raise OutputError(f"输出路径是一个文件夹：{out}（output path is a folder）")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"输出文件夹不存在：{parent}（output folder does not exist）")


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """Yield a temporary path in the same folder; rename it onto ``out`` on success."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, out)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_atomic(out: Path, writer: Callable[[Path], None]) -> None:
    with atomic_path(out) as tmp:
        writer(tmp)


def write_bytes_atomic(out: Path, data: bytes) -> None:
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
