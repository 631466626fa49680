"""The workbook builder: PerfTemplate.xlsm from text sources (vba/, customUI/, the sheet specs).

- ``build``: the whole build (``xlperf build-workbook`` from a checkout, ``python -m tools.xlsm.build``);
- ``sheets`` / ``config_sheet``: the sheets laid out with openpyxl; ``udf_wrappers``: generates
  vba/xlwings_udfs.bas; ``vbaproject`` / ``cfb`` / ``ovba_compress`` / ``assemble``: the VBA
  compiler, the CFB writer and the package assembly.

Not part of the installed package: the runtime keeps only what it needs to verify an installed
workbook (``xlperf.excel.vbaread`` and ``xlperf/data/vba_manifest.json``, when present). May import
anything of ``xlperf``; nothing in ``xlperf`` imports it (the build-workbook command finds it in the
checkout and says in Chinese when there is none).
"""
