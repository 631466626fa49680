"""Run the real command line (``python -m xlperf.cli``) as child processes, several at a
time, each under an address-space limit, and measure each one's wall time and peak memory.

Single-threaded on purpose: children are started with ``preexec_fn`` (to set RLIMIT_AS),
which is only safe when the parent has no other threads, and reaped with ``os.wait4``,
which reports the child's own ``ru_maxrss``. Output goes to files, so no pipe can fill up.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

AS_LIMIT = 2 * 2**30  # bytes of address space per child
HARD_TIMEOUT = 60.0  # seconds before a child is killed (tests assert much less)


@dataclass
class Job:
    key: object
    args: Sequence[str]
    cwd: Optional[Path] = None
    timeout: float = HARD_TIMEOUT
    # Called every few ms while the child runs, with (elapsed seconds, Popen); may kill it.
    watch: Optional[Callable[[float, subprocess.Popen], None]] = None


@dataclass
class Result:
    key: object
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    timed_out: bool = False
    signal: Optional[int] = None
    extra: dict = field(default_factory=dict)


def _limit_memory() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "xlperf.cli", *map(str, args)]


def run_many(jobs: Sequence[Job], parallel: Optional[int] = None) -> dict[object, Result]:
    parallel = parallel or max(1, os.cpu_count() or 1)
    pending = list(jobs)
    running: dict[int, tuple[Job, subprocess.Popen, float, object, object]] = {}
    results: dict[object, Result] = {}
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="200", NO_COLOR="1")
    env.pop("XLPERF_DEBUG", None)
    while pending or running:
        while pending and len(running) < parallel:
            job = pending.pop(0)
            out = tempfile.TemporaryFile()
            err = tempfile.TemporaryFile()
            proc = subprocess.Popen(list(job.args), cwd=job.cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    env=env, preexec_fn=_limit_memory)
            running[proc.pid] = (job, proc, time.monotonic(), out, err)
        time.sleep(0.003)
        for pid in list(running):
            job, proc, start, out, err = running[pid]
            elapsed = time.monotonic() - start
            timed_out = False
            if job.watch is not None and proc.returncode is None:
                job.watch(elapsed, proc)
            if elapsed > job.timeout:
                timed_out = True
                with _quiet():
                    os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, os.WNOHANG) if not timed_out else os.wait4(pid, 0)
            if done == 0:
                continue
            proc.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.monotonic() - start
            out.seek(0)
            err.seek(0)
            results[job.key] = Result(
                key=job.key, args=[str(a) for a in job.args], returncode=proc.returncode,
                stdout=out.read().decode("utf-8", "replace"), stderr=err.read().decode("utf-8", "replace"),
                seconds=seconds, peak_mb=usage.ru_maxrss / 1024, timed_out=timed_out,
                signal=-proc.returncode if proc.returncode < 0 else None,
            )
            out.close()
            err.close()
            del running[pid]
    return results


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], ProcessLookupError)  # type: ignore[arg-type]


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``folder``: size, mtime (ns) and SHA-256, to prove nothing changed."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns, hashlib.sha256(p.read_bytes()).digest())
    return out
