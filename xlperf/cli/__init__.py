"""The command line: ``xlperf check | split | export | fix | rules | import-text | build-workbook …``.

- ``app``: the typer commands and the process-wide switches (exit codes, the GC switch);
- ``file_commands``: ``check --mark`` and ``fix`` on files, over the same port code as the buttons;
- ``batch``: many files, on several cores;
- ``text_report``: the text report printed without ``--format json``;
- other command helpers (``schema``, ``doctor`` front ends) as they come.

May import everything of ours (``api``, ``core``, ``readers``, ``writers``, ``excel``). Nothing
outside this package imports it, except the console script (``xlperf = xlperf.cli.app:main``) and
``python -m xlperf.cli`` (``__main__``) (tests/test_import_direction.py).

``main`` and ``app`` are reachable as ``xlperf.cli.main`` / ``xlperf.cli.app`` lazily, so importing
``xlperf.cli.batch`` in a worker does not import typer.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "main":
        from .app import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
