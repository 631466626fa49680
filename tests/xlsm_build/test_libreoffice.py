"""LibreOffice, an independent reader, opens the built .xlsm and prints every visible sheet."""

from __future__ import annotations

import shutil

import pytest

from .lo import SOFFICE, pdf_pages, pdf_text, to_pdf

pytestmark = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice/poppler not installed (.ci/run installs them)")


def test_libreoffice_converts_every_sheet_to_pdf(built_path, tmp_path):
    pdf = to_pdf(built_path, tmp_path)
    text = pdf_text(pdf)
    # One distinctive text per visible sheet: 绩效目标表, 示例, 规则说明, 配置.
    for expected in ("部门预算项目绩效目标申报表", "政法综治维稳宣传专项经费", "BG001", "期望权重合计"):
        assert expected in text, f"{expected!r} missing from the PDF"
    # Hidden sheets are not printed.
    assert "Interpreter_Win" not in text and "xlperf_level1" not in text
    assert pdf_pages(pdf) >= 4
