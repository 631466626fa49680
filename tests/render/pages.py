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
