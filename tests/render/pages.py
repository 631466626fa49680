"""Rendering one sheet of a workbook with LibreOffice: the other sheets hidden in a copy (an
edit of workbook.xml only: everything else as written), converted to PDF, counted in pages
across and down, and pictured."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from ..xlsm_build.lo import pdf_pages, pdf_text, to_pdf, to_png  # noqa: F401 - to_png re-exported

AVAILABLE = bool(shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdfinfo"))


def only_sheet(src: Path, sheet: str, out: Path) -> Path:
    """A copy of ``src`` in which only ``sheet`` is visible (and active)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                names = re.findall(r"<sheet\b[^>]*>", text)
                index = 0
                for i, tag in enumerate(names):
                    name = re.search(r'name="([^"]*)"', tag).group(1)
                    new = re.sub(r'\sstate="[^"]*"', "", tag)
                    if name != _xml_name(sheet):
                        new = new.replace("<sheet ", '<sheet state="hidden" ', 1)
                    else:
                        index = i
                    text = text.replace(tag, new, 1)
                # LibreOffice prints a hidden sheet that has a print area: the other sheets' go
                text = re.sub(r'<definedName\b[^>]*localSheetId="(\d+)"[^>]*>[^<]*</definedName>',
                              lambda m: m.group(0) if int(m.group(1)) == index else "", text)
                text = re.sub(r'activeTab="\d+"', f'activeTab="{index}"', text)
                if "activeTab=" not in text:
                    text = text.replace("<workbookView ", f'<workbookView activeTab="{index}" ', 1)
                data = text.encode("utf-8")
            elif info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = data.replace(b' tabSelected="1"', b"")
            zout.writestr(info, data)
    return out


def _xml_name(name: str) -> str:
    return name.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_pdf(src: Path, sheet: str, tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    return to_pdf(only_sheet(src, sheet, tmp / f"{src.stem}-{abs(hash(sheet)) % 10**6}.xlsx"), tmp)


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (pdftotext puts a form feed between pages)."""
    return pdf_text(pdf).split("\f")[:pdf_pages(pdf)]


def pages_wide(pdf: Path, first: str, last: str) -> tuple[int, int]:
    """(pages down, pages wide) of a sheet printed with its header repeated: a page row is
    started by every page showing the header's ``first`` label; the sheet is as many pages
    wide as its page count over that. One page wide also means ``last`` is on those pages."""
    texts = page_texts(pdf)
    down = sum(1 for t in texts if first in t)
    assert down, "the header is on no page"
    return down, -(-len(texts) // down)


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of every word on a page, in points."""
    import html
    import subprocess

    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def gray_page(pdf: Path, page: int, out: Path) -> tuple[int, int, bytes]:
    """A page as 8-bit grey pixels at 72 dpi (one pixel a point): (width, height, pixels)."""
    import subprocess

    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(stem)], check=True, timeout=120)
    data = stem.with_suffix(".pgm").read_bytes()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m, data[:20]
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():m.end() + w * h]


def filled_span(img: tuple[int, int, bytes], y: int, x_from: int, x_to: int, lo: int = 200, hi: int = 235) -> tuple[int, int]:
    """The run of fill-grey pixels on row ``y`` around [x_from, x_to] (a header cell's extent)."""
    w, _, px = img
    row = px[y * w:(y + 1) * w]
    a, b = x_from, x_to
    while a > 0 and lo <= row[a - 1] <= hi:
        a -= 1
    while b < w - 1 and lo <= row[b + 1] <= hi:
        b += 1
    return a, b


def dark_right_of(img: tuple[int, int, bytes], x: int, y0: int, y1: int, level: int = 128) -> int:
    """Dark pixels right of column ``x`` between rows ``y0`` and ``y1``."""
    w, h, px = img
    return sum(1 for y in range(max(0, y0), min(h, y1)) for v in px[y * w + x + 1:(y + 1) * w] if v < level)


def dark_between(img: tuple[int, int, bytes], x0: int, x1: int, y0: int, y1: int, level: int = 128) -> int:
    w, h, px = img
    return sum(1 for y in range(max(0, y0), min(h, y1)) for v in px[y * w + x0:y * w + x1] if v < level)
