"""Hold Python's cyclic garbage collector off during bulk work.

Reading, checking and writing a large table allocate millions of small acyclic objects
(cells, indicators, findings, XML strings); every allocation burst makes the collector walk
the whole growing heap again — a third of the engine's time and half a writer's at 100,000
rows. Reference counting still frees everything, so pausing it loses nothing; the previous
state is restored afterwards, so callers can nest it.

The one switch: only the entry points use it (``cli.app.main`` for a whole command,
``api.check_grids``/``api.check_path`` for programs, each batch worker, ``excel.commands.run_button``
for a button). Readers, writers and the core never touch the collector (tests/test_import_direction.py).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
