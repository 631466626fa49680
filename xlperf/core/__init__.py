"""The pure core: Grid -> layout reader -> Table -> rules -> Report.

- ``grid``: a sheet's cells, merges and addresses; ``headers``: the title, 金额单位 and header
  row of a list table and which column is which; ``layouts/``: the layout readers (list, form,
  department, self-evaluation …) and ``choose()``; ``blocks``: the list table's merged blocks ->
  Table; ``model``: the pydantic models (and the one documented validation bypass);
- ``config``: the settings (xlperf.toml, the 配置 sheet, CLI overrides), ``own_sheets``: which
  sheets xlperf writes itself; ``normalise``, ``taxonomy``, ``filenames``: shared vocabulary;
- ``engine`` + ``rules/``: the rulebook by code; ``forked``: the engine's optional second core
  (its invariant is written there); ``weights_fast``: the weight-only path of PERF_WEIGHTS;
- ``report``: the Report; ``export_plan``: the cell plan of the submission workbook.

May import: only ``xlperf.core`` itself and pure libraries (pydantic, re, …): never xlwings,
openpyxl, calamine, nor any other room of ours (tests/test_core_purity.py,
tests/test_import_direction.py). It never switches the cyclic GC.
"""
