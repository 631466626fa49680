"""The Excel side: the workbook port, the ribbon buttons' logic, the UDFs, the PC check.

- ``port``: the few coarse operations a button needs (read a block, write a block, replace
  a sheet, colour marks, talk to the clerk), counted per call;
- ``openpyxl_port`` / ``xlwings_port`` / ``package_port``: files (CLI, tests), live Excel, and the
  package splicer (``check --mark``);
- ``commands``: each button, written once against the port; ``run_button`` is a button's entry
  point (messages instead of tracebacks, the GC switch); ``marks``, ``fixes``, ``settings``: what
  the buttons share;
- ``ribbon``: the fixed RunPython entry points (``xlperf.excel.ribbon.validate()`` …);
- ``udfs``: the worksheet functions (the module path ``xlperf.excel.udfs`` is written into
  vba/xlwings_udfs.bas, the workbook's xlwings.conf sheet and tools/xlsm/udf_wrappers.py);
- ``doctor`` / ``vbaread`` (when present): can this PC run PerfTemplate.xlsm, and the VBA-module
  manifest check of an installed workbook.

May import: ``api``, ``core``, ``readers``, ``writers``. Never ``cli`` (tests/test_import_direction.py).
Nothing here imports xlwings at module level except ``xlwings_port`` (imported lazily by
``ribbon``), so the package imports anywhere.
"""

from .port import BookInfo, Formula, SheetData, UserError, WorkbookPort  # noqa: F401
