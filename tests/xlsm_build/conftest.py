"""Fixtures for the PerfTemplate.xlsm build checks: one build per session, shared."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest

from tools.xlsm.build import VBA_DIR, build_workbook_bytes


@pytest.fixture(scope="session")
def build() -> tuple[bytes, float]:
    start = time.perf_counter()
    data = build_workbook_bytes()
    return data, time.perf_counter() - start


@pytest.fixture(scope="session")
def built(build) -> bytes:
    return build[0]


@pytest.fixture(scope="session")
def built_path(built, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsm_build") / "PerfTemplate.xlsm"
    path.write_bytes(built)
    return path


@pytest.fixture(scope="session")
def parts(built) -> dict[str, bytes]:
    with zipfile.ZipFile(__import__("io").BytesIO(built)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="session")
def vba_sources() -> dict[str, str]:
    """Module name -> text of vba/<name>.bas|.cls (UTF-8, CRLF)."""
    return {p.stem: p.read_bytes().decode("utf-8") for p in sorted(VBA_DIR.iterdir())
            if p.suffix in (".bas", ".cls")}


def code_lines(text: str) -> list[str]:
    """Module text without the .cls VERSION/BEGIN…END header and the Attribute lines,
    with trailing blank lines dropped (VBE adds or trims them on export)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1:]
    lines = [line for line in lines if not re.match(r"^Attribute\s+VB_", line)]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def copy_vba_sources(tmp_path: Path) -> Path:
    """A copy of vba/ (as the build reads it) in `tmp_path`/vba, for tests that break a source."""
    from tools.xlsm.build import vba_modules

    vba = tmp_path / "vba"
    vba.mkdir()
    for m in vba_modules():
        suffix = ".bas" if m.kind == "standard" else ".cls"
        (vba / f"{m.name}{suffix}").write_bytes(m.code.encode("utf-8"))
    return vba
