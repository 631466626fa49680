"""LibreOffice helpers for the build checks and the docs pictures (private profile, headless)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(path: Path, outdir: Path, *, timeout: float = 180) -> Path:
    """Convert `path` to PDF with a throw-away user profile; raise with LibreOffice's output on failure."""
    if SOFFICE is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo_profile_xlperf_") as profile:
        done = subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=timeout,
        )
    pdf = outdir / (path.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"LibreOffice failed (rc={done.returncode}):\n{done.stdout}\n{done.stderr}")
    return pdf


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def to_png(pdf: Path, out: Path, *, page: int = 1, dpi: int = 110, height: float = 1.0) -> Path:
    """One page of `pdf` as a PNG at `out`; `height` < 1 keeps only the top of the page."""
    stem = out.with_suffix("")
    crop: list[str] = []
    if height < 1.0:
        info = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)],
                              capture_output=True, text=True, check=True).stdout
        m = re.search(rf"^Page(?:\s+{page})? size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        assert m, info
        w_pt, h_pt = float(m.group(1)), float(m.group(2))
        crop = ["-x", "0", "-y", "0", "-W", str(round(w_pt / 72 * dpi)), "-H", str(round(h_pt / 72 * dpi * height))]
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", *crop,
                    str(pdf), str(stem)], check=True, timeout=120)
    return stem.with_suffix(".png")
