"""Readers: everything that turns a file into Grids (the first room of the pipeline).

- ``source``: sniff the file (what it really is, whatever its name says), guard it (zip bombs,
  oversized sheets, encrypted or macro-only packages: a Chinese message, never a crash), and
  read .xlsx/.xlsm sheets into Grids with python-calamine (values and merges only), plus the
  settings found in the workbook (配置 sheet);
- ``sheet_xml``: worksheet XML read as bytes — the one home of the patterns: the tolerant ones
  of the safety scan (``SheetScanner``) and the strict ones the package splicer
  (``writers.mark_package``) relies on; a part's encoding (UTF-8, UTF-16) and its transcoding;
- ``text``: the text importer for tables pasted from PDF (tabs, shifted cells, page breaks).

May import: ``xlperf.core`` (Grid, Finding, config), ``xlperf.zipstream`` (threaded inflate,
shared with the writers) and the standard library (zipfile, with a size budget) / calamine /
olefile / openpyxl (read-only fall-back). Never ``writers``, ``excel``, ``cli`` or ``api``
(tests/test_import_direction.py).
"""
