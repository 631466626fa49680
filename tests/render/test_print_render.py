"""What prints (issue 14), rendered by LibreOffice (PDF, then pixels): the marked copy, 校验结果,
the batch summary and 规则说明 — pages wide per sheet, and the 校验说明 text inside its column.

Each sheet is printed alone (tests/render/pages.py hides the others in a copy). Run with
``XLPERF_RENDER_DOCS=1`` to also refresh the pictures in docs/img/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf.api import sample_path

from ..helpers import good_project
from ..test_cli import write_xlsx
from .pages import AVAILABLE, dark_between, dark_right_of, filled_span, gray_page, page_texts, pages_wide, sheet_pdf, \
    to_png, words

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not AVAILABLE, reason="LibreOffice and poppler are needed")]

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def xlperf(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def plain_table(path: Path) -> Path:
    """A clerk's table without any print set-up: 30 projects, half with 正向/反向 (NM001), some off."""
    rows = []
    for i in range(30):
        p = good_project(f"项目{i:02d}")
        if i % 3 == 0:
            p[1][10] = 5
        if i % 2:
            for r in p:
                r[11] = "正向" if r[11] == "正向指标" else r[11]
        rows += p
    return write_xlsx(path, rows)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("render")


@pytest.fixture(scope="module")
def marked_sample(out) -> Path:
    path = out / "sample_marked.xlsx"
    assert xlperf("check", sample_path(), "--mark", path).returncode == 1
    return path


@pytest.fixture(scope="module")
def marked_plain(out) -> Path:
    path = out / "plain_marked.xlsx"
    assert xlperf("check", plain_table(out / "plain.xlsx"), "--mark", path).returncode == 1
    return path


@pytest.fixture(scope="module")
def summary(out) -> Path:
    folder = out / "batch"
    folder.mkdir()
    shutil.copy(sample_path(), folder / "遂宁市委政法委2023年部门预算项目绩效目标申报表（含PDF转换修复）.xlsx")
    plain_table(folder / "plain.xlsx")
    path = out / "summary.xlsx"
    assert xlperf("check", folder, "--summary", path).returncode == 1
    return path


@pytest.fixture(scope="module")
def rules_book(out) -> Path:
    """The runtime 规则说明 (excel.commands.show_rules) on a workbook without one."""
    from xlperf.excel.commands import show_rules
    from xlperf.excel.openpyxl_port import OpenpyxlPort

    port = OpenpyxlPort.open(write_xlsx(out / "for_rules.xlsx", good_project("项目A")))
    port.message = lambda *a, **k: None
    show_rules(port)
    path = out / "rules.xlsx"
    port.save(path)
    return path


@pytest.fixture(scope="module")
def template_rules(out) -> Path:
    """The template's 规则说明 (tools.xlsm.sheets), as the workbook builder lays it out."""
    from tools.xlsm.sheets import layout_xlsx_bytes

    path = out / "template.xlsx"
    path.write_bytes(layout_xlsx_bytes())
    return path


def notes_inside(pdf: Path, page: int, tmp: Path) -> tuple[int, int]:
    """(dark pixels right of the 校验说明 column below its header, dark pixels inside it)."""
    head = next(w for w in words(pdf, page) if w[4] == "校验说明")
    img = gray_page(pdf, page, tmp / f"{pdf.stem}-{page}.pgm")
    x0, x1 = filled_span(img, int(head[1]) - 1, int(head[0]), int(head[2]))
    top = int(head[3]) + 2
    return dark_right_of(img, x1 + 1, top, img[1]), dark_between(img, x0, x1, top, img[1])


def test_sample_marked_table_at_most_two_pages_wide_with_notes_inside_their_column(marked_sample, out):
    pdf = sheet_pdf(marked_sample, "绩效目标表", out / "pdf")
    down, wide = pages_wide(pdf, "一级指标", "校验说明")
    assert wide <= 2, (down, wide)
    texts = page_texts(pdf)
    assert any("校验说明" in t for t in texts)  # the importer's print area takes the notes in
    outside, inside = notes_inside(pdf, next(i for i, t in enumerate(texts, 1) if "校验说明" in t), out)
    assert outside == 0 and inside > 500, (outside, inside)
    if os.environ.get("XLPERF_RENDER_DOCS"):
        to_png(pdf, DOCS_IMG / "marked_table.png", page=2, dpi=80)


def test_a_table_without_print_setup_gets_one_page_wide_and_notes_on_one_more(marked_plain, out):
    from openpyxl import load_workbook

    ws = load_workbook(marked_plain)["绩效目标表"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    pdf = sheet_pdf(marked_plain, "绩效目标表", out / "pdf")
    down, wide = pages_wide(pdf, "一级指标", "校验说明")
    assert wide == 2, (down, wide)
    texts = page_texts(pdf)
    # the table's own columns together on every page that shows them; 校验说明 on pages of its own
    # (the notes quote header words such as 一级指标 in their messages, so a page is told by 校验说明)
    table_pages = [t for t in texts if "校验说明" not in t]
    assert table_pages and all("一级指标" in t and "指标方向性" in t for t in table_pages)
    notes_page = next(i for i, t in enumerate(texts, 1) if "校验说明" in t)
    outside, inside = notes_inside(pdf, notes_page, out)
    assert outside == 0 and inside > 500, (outside, inside)


def test_the_clerks_own_print_setup_is_kept(out):
    """A sheet the clerk set to portrait, fit to 3 pages wide, stays so in the marked copy."""
    from openpyxl import load_workbook

    src = plain_table(out / "own_setup.xlsx")
    wb = load_workbook(src)
    ws = wb.active
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 3, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(src)
    marked = out / "own_setup_marked.xlsx"
    assert xlperf("check", src, "--mark", marked).returncode == 1
    ws = load_workbook(marked)["绩效目标表"]
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.print_title_rows) == ("portrait", 3, None)
    assert not ws.col_breaks.brk


@pytest.mark.parametrize("book,sheet,first,last,picture", [
    ("marked_sample", "校验结果", "级别", "已豁免", "check_results.png"),
    ("summary", "批量校验汇总", "文件", "无法读取的原因", "batch_summary.png"),
    ("summary", "主要问题", "文件", "说明", None),
    ("rules_book", "规则说明", "代码", "说明", None),
    ("template_rules", "规则说明", "代码", "可自动修正", "rules.png"),
])
def test_one_page_wide(request, out, book, sheet, first, last, picture):
    pdf = sheet_pdf(request.getfixturevalue(book), sheet, out / "pdf")
    down, wide = pages_wide(pdf, first, last)
    assert wide == 1, (down, wide)
    assert all(last in t for t in page_texts(pdf) if first in t)
    if picture and os.environ.get("XLPERF_RENDER_DOCS"):
        to_png(pdf, DOCS_IMG / picture, page=1, dpi=80)


def test_rules_rows_fit_their_text(template_rules, rules_book, out):
    """Wrapped text of one rule never runs into the next: on every page, whatever starts in a
    rule's row ends above the next rule's code."""
    from xlperf.core.rules import all_rules

    known = {r.code for r in all_rules()}
    for book in (template_rules, rules_book):
        pdf = sheet_pdf(book, "规则说明", out / "pdf")
        seen = 0
        for page in range(1, len(page_texts(pdf)) + 1):
            ws = words(pdf, page)
            codes = sorted((w for w in ws if w[0] < 100 and w[4] in known), key=lambda w: w[1])
            seen += len(codes)
            for a, b in zip(codes, codes[1:]):
                inside = [w for w in ws if a[1] - 0.5 <= w[1] < b[1] - 0.5]
                assert all(w[3] <= b[1] + 0.5 for w in inside), (book.name, page, a[4], b[4])
        assert seen == len(known), (book.name, seen)
