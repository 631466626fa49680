"""Seeing what clerks see: a --mark'ed copy rendered by LibreOffice shows the red marks.

The marks are conditional formats that read a very hidden mark sheet (relative references);
LibreOffice evaluates them like Excel does. Rendered with a private profile:
``soffice --headless --convert-to pdf`` then ``pdftoppm -png -r 60``, and red-ish pixels
counted in the marked copy and in the unmarked source.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlperf.api import check_path
from xlperf.core.config import Config
from xlperf.cli.file_commands import mark_file

from .conftest import make_rows, write_table

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")),
                                reason="LibreOffice (soffice) and poppler (pdftoppm) are needed")


def one_page_wide(path: Path) -> None:
    wb = load_workbook(path)
    ws = wb["绩效目标表"]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for other in wb.worksheets[1:]:
        if other.sheet_state == "visible":
            other.sheet_state = "hidden"
    wb.save(path)


def render(path: Path, tmp: Path) -> Path:
    out = tmp / f"{path.stem}_pdf"
    profile = (tmp / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    pdf = out / f"{path.stem}.pdf"
    assert pdf.is_file()
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(out / "page")],
                   check=True, capture_output=True, timeout=60)
    return next(out.glob("page*.png"))


def reddish(png: Path) -> int:
    """Pixels of the mark fill (FFC7CE, 255/199/206): strong red, clearly less green and blue."""
    import zlib

    data = png.read_bytes()
    # A tiny PNG reader (8-bit RGB/RGBA, non-interlaced: what pdftoppm writes), no Pillow needed.
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, chunk = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = int.from_bytes(chunk[0:4], "big"), int.from_bytes(chunk[4:8], "big"), chunk[8], chunk[9]
            assert depth == 8 and ctype in (2, 6)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    count = 0
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            r, g, bl = line[x], line[x + 1], line[x + 2]
            if r > 230 and g < 215 and bl < 225 and r - g > 30:
                count += 1
        prev = line
    return count


def test_marks_render_in_libreoffice(tmp_path, test_rules):
    src = write_table(tmp_path / "src.xlsx", make_rows(4), fills=False)
    one_page_wide(src)
    result = check_path(src, config=Config(select=["VL99", "NM99"]))
    assert any(f.severity == "error" for f in result.findings)
    marked = tmp_path / "marked.xlsx"
    mark_file(src, marked, result)
    one_page_wide(marked)
    before, after = reddish(render(src, tmp_path)), reddish(render(marked, tmp_path))
    assert before == 0
    assert after > 20, after
