"""``python -m xlperf.cli``: the same as the ``xlperf`` command."""

from .app import main

main()
