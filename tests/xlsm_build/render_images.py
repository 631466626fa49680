"""Render what clerks see into docs/img/ (committed), with LibreOffice.

    python -m tests.xlsm_build.render_images

* ``template.png``: the empty 绩效目标表 of the built PerfTemplate.xlsm, as printed;
* ``sample-marked.png``: the 示例 sheet after 校验 — the same marks, 校验说明 column and
  conditional formats the button writes, produced here by the command line's ``--mark``
  path (``xlperf.cli.file_commands.mark_file``, the same code over the openpyxl port);
* ``results.png``: the 校验结果 sheet that 校验 writes;
* ``form-template.png`` / ``selfeval-template.png``: the blank 项目绩效目标表 and 自评表, as printed;
* ``form-sample-marked.png``: 示例（项目表）'s first form after 校验 (needs the form reader,
  ``xlperf.core.layouts.form``; without it the picture is left as it is);
* ``selfeval-marked.png``: the 自评表 filled in as ``tests/excel/test_form_buttons.py`` does, after 校验.

LibreOffice prints; it does not show the ribbon (Excel draws it from customUI14.xml).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Optional

import openpyxl
from openpyxl.utils import get_column_letter

from xlperf.api import check_path
from xlperf.cli.file_commands import mark_file
from xlperf.excel.port import NOTES_HEADER, RESULTS_SHEET
from tools.xlsm.build import ROOT, build_workbook_bytes
from tools.xlsm.form_sheets import FORM_SAMPLE_SHEET, FORM_SHEET, SELF_EVAL_SHEET
from tools.xlsm.sheets import SAMPLE_SHEET, layout_xlsx_bytes

from .lo import to_pdf, to_png

IMG = ROOT / "docs" / "img"
# 示例 rows shown: where 校验 puts the cursor (the first error, K36) and the errors below it.
SAMPLE_ROWS = (30, 72)
FORM_SAMPLE_ROWS = (2, 22)  # 岳阳县's form (its title row is the repeated row 1)


def only_sheet(src: Path, keep: str, out: Path, *, rows: Optional[tuple[int, int]] = None,
               header: str = "1:3", spill: int = 6, keep_print_area: bool = False) -> Path:
    """A copy of `src` where `keep` is the only visible sheet, A4 landscape, one page wide.

    With `rows` (first, last), print those rows under the `header` rows, and the columns up
    to 校验说明 (the column 校验 adds right of the table) plus `spill` empty ones, into which
    its notes overflow as they do on screen.
    """
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws.title != keep:
            ws.print_area = None  # LibreOffice prints a hidden sheet that has a print area
            if ws.sheet_state == "visible":
                ws.sheet_state = "hidden"
    ws = wb[keep]
    wb.active = wb.worksheets.index(ws)
    if not keep_print_area:
        ws.print_area = None
    if rows is not None:
        notes = next((c.column for row in ws.iter_rows(max_row=10) for c in row if c.value == NOTES_HEADER),
                     ws.max_column)
        ws.print_area = f"A{rows[0]}:{get_column_letter(notes + spill)}{rows[1]}"
        ws.print_title_rows = header
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(out)
    return out


def render(img: Path = IMG) -> list[Path]:
    img.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory(prefix="xlperf_render_") as tmp:
        tmp = Path(tmp)
        built = tmp / "PerfTemplate.xlsm"
        built.write_bytes(build_workbook_bytes())
        made.append(to_png(to_pdf(built, tmp / "built"), img / "template.png", dpi=130, height=0.55))

        layout = tmp / "layout.xlsx"
        layout.write_bytes(layout_xlsx_bytes())
        result = check_path(layout, sheet=SAMPLE_SHEET)
        marked = tmp / "marked.xlsx"
        mark_file(layout, marked, result)
        sample = only_sheet(marked, SAMPLE_SHEET, tmp / "sample.xlsx", rows=SAMPLE_ROWS)
        made.append(to_png(to_pdf(sample, tmp / "sample"), img / "sample-marked.png", dpi=130))
        results = only_sheet(marked, RESULTS_SHEET, tmp / "results.xlsx")
        made.append(to_png(to_pdf(results, tmp / "results"), img / "results.png", dpi=110, height=0.6))

        for sheet, name, height in ((FORM_SHEET, "form-template", 0.75), (SELF_EVAL_SHEET, "selfeval-template", 0.85)):
            one = only_sheet(layout, sheet, tmp / f"{name}.xlsx", keep_print_area=True)
            made.append(to_png(to_pdf(one, tmp / name), img / f"{name}.png", dpi=110, height=height))
        from xlperf.core.layouts import load_all

        if "form" in load_all():
            forms = check_path(layout, sheet=FORM_SAMPLE_SHEET)
            marked_forms = tmp / "marked_forms.xlsx"
            mark_file(layout, marked_forms, forms)
            first = only_sheet(marked_forms, FORM_SAMPLE_SHEET, tmp / "forms.xlsx", rows=FORM_SAMPLE_ROWS, header="1:1",
                               spill=4)
            made.append(to_png(to_pdf(first, tmp / "forms"), img / "form-sample-marked.png", dpi=110, height=0.75))
        if "self_evaluation" in load_all():
            from tests.excel.test_form_buttons import filled_self_eval

            filled = filled_self_eval(tmp / "selfeval.xlsx")
            marked_se = tmp / "marked_selfeval.xlsx"
            mark_file(filled, marked_se, check_path(filled, sheet=SELF_EVAL_SHEET))
            se = only_sheet(marked_se, SELF_EVAL_SHEET, tmp / "se.xlsx", rows=(1, 31), header="1:1", spill=3)
            made.append(to_png(to_pdf(se, tmp / "se"), img / "selfeval-marked.png", dpi=110, height=0.9))
    return made


if __name__ == "__main__":
    for path in render(Path(sys.argv[1]) if len(sys.argv) > 1 else IMG):
        print(path)
