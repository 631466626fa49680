"""The Excel side: the workbook port, the ribbon buttons' logic, and the CLI's --mark/fix.

- ``port``: the few coarse operations a button needs (read a block, write a block, replace
  a sheet, colour marks, talk to the clerk), counted per call;
- ``openpyxl_port`` / ``xlwings_port``: files (CLI, tests) and live Excel;
- ``commands``: each button, written once against the port; ``mark_file``/``fix_file``;
- ``ribbon``: the fixed RunPython entry points (``xlperf.excel.ribbon.validate()`` …).

Nothing here imports xlwings at module level except ``xlwings_port`` (imported lazily by
``ribbon``), so the package imports anywhere.
"""

from .port import BookInfo, Formula, SheetData, UserError, WorkbookPort  # noqa: F401
