"""Writers: everything that turns results into files (the last room of the pipeline).

- ``mark_package``: the package splicer behind ``check --mark`` (copies the source package part
  by part and byte-splices the table sheet: no openpyxl round trip);
- ``xlsx_stream``: the streaming xlsx writer (shared strings, one style memo per column, rows
  made on a second thread while zipfile deflates) — ~10× faster than openpyxl on 100k rows (docs/performance.md), which is
  why it exists;
- ``records``: the clean one-row-per-indicator records (xlsx / CSV / JSON);
- ``export``: the submission workbook (``xlperf export``, the 导出 button);
- ``styled_table``: a Grid in the familiar look of the 绩效目标表, on an openpyxl sheet or
  streamed, and the text importer's workbook;
- ``atomic``: write-to-temp-then-rename, output checks (never a half-written file);
- ``safe_cells``: cell values that cannot become formulas or break the XML;
- ``xlsx_theme``: the theme part the streaming writer ships.

May import: ``xlperf.core``, ``xlperf.readers`` (limits such as FAR_ROW_GAP; ``sheet_xml``, the
sheet-XML patterns the splicer shares with the reader's scan), ``xlperf.zipstream`` (the one
threaded deflate helper) and the standard library / openpyxl / lxml. Never ``excel``, ``cli`` or (at run time) ``api``; writers never switch
the cyclic GC themselves — the entry points do (tests/test_import_direction.py).
"""
