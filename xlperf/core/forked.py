"""Run part of a computation in a forked child while the parent does the rest.

A forked child starts with the parent's memory as it is (copy-on-write), so a large Table
needs no pickling to get there; only the child's result comes back, through a pipe. Used to
run the rules over the second half of a large table's projects on the second core.

Only where ``os.fork`` exists (not on Windows, where the Excel add-in runs: there everything
stays in one process). If the child fails in any way, ``result()`` returns None and the
caller computes that part itself, so a fork can cost time but never a finding.

Invariant the engine's split relies on (``core.engine.check_table``): a rule's result for a
project depends only on that project, the Table (read-only) and the Config; ``Context.cache``
holds per-project memos keyed by ``project.index`` that any process can recompute on a miss.
A rule that accumulated facts across projects in the cache (a running total, a set of names
seen so far) would see only its half in each process: such a check must be a table rule
(``scope="table"``), which runs once in the parent after both halves. The split starts at
PARALLEL_MIN_ROWS indicator rows (20,000), so the bench's --quick files (1k/10k) never fork.
"""

from __future__ import annotations

import os
import pickle
from typing import Any, Callable, Optional


def can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


class Forked:
    """``Forked(fn)`` starts ``fn()`` in a child now; ``result()`` waits for its value."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.pid: Optional[int] = None
        self._read: Optional[int] = None
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # the child: compute, send, and leave without running any parent cleanup
            code = 1
            try:
                os.close(r)
                data = pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(w, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent recomputes; nothing may escape a fork
                pass
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self._read = pid, r

    def result(self) -> Optional[Any]:
        if self.pid is None or self._read is None:
            return None
        try:
            with os.fdopen(self._read, "rb") as f:
                data = f.read()
            _, status = os.waitpid(self.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0 or not data:
                return None
            return pickle.loads(data)
        except (OSError, pickle.UnpicklingError, EOFError):
            return None
        finally:
            self.pid = self._read = None

    def cancel(self) -> None:
        """Stop the child (the parent is failing or was interrupted) and reap it."""
        if self.pid is None:
            return
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        if self._read is not None:
            try:
                os.close(self._read)
            except OSError:
                pass
        self.pid = self._read = None
