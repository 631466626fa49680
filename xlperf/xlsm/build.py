"""Build ``workbook/PerfTemplate.xlsm`` from text sources, byte-reproducibly.

1. :mod:`xlperf.xlsm.sheets` lays out the sheets with openpyxl -> ``.xlsx`` bytes;
2. :func:`xlperf.xlsm.vbaproject.build_vba_project` turns ``vba/*.bas|*.cls`` into a
   source-only ``vbaProject.bin``;
3. :func:`xlperf.xlsm.assemble.assemble_xlsm` adds it and ``customUI/customUI14.xml``
   to the package (openpyxl is never the last writer: it would drop the ribbon).

``xlperf build-workbook -o workbook/PerfTemplate.xlsm`` (or ``python -m xlperf.xlsm.build``)
regenerates the committed workbook; a test checks that it is up to date.

The ``vba/`` sources are VBE export text (CRLF) stored as UTF-8 so that git shows the
Chinese strings; the project stores them in its code page (936, GBK). ``xlwings.bas``
is a byte-for-byte copy from the pinned xlwings wheel and ``xlwings_udfs.bas`` comes
from :mod:`xlperf.xlsm.udf_wrappers`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

from ..io.atomic import OutputError, check_output, write_bytes_atomic
from .assemble import assemble_xlsm
from .sheets import SHEETS, WORKBOOK_CODE_NAME, layout_xlsx_bytes
from .vbaproject import Module, build_vba_project

__all__ = ["ROOT", "VBA_DIR", "CUSTOM_UI", "DEFAULT_OUTPUT", "BuildError", "vba_modules", "build_workbook_bytes",
           "build_workbook"]

ROOT = Path(__file__).resolve().parents[2]
VBA_DIR = ROOT / "vba"
CUSTOM_UI = ROOT / "customUI" / "customUI14.xml"
DEFAULT_OUTPUT = ROOT / "workbook" / "PerfTemplate.xlsm"
# Fixed core.xml dates: the workbook's bytes must not depend on when it was built.
CREATED = "2023-01-01T00:00:00Z"
DOCUMENT_MODULES = (WORKBOOK_CODE_NAME, *(spec.code_name for spec in SHEETS))
REQUIRED_MODULES = ("RibbonPerf", "xlwings", "xlwings_udfs")


class BuildError(OutputError):
    """The sources cannot be built into a workbook; the message says which file and why."""


def _read_source(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise BuildError(
            f"{path} is not UTF-8. VBE exports ANSI text (GBK on Chinese Windows): convert it, e.g. "
            f"`iconv -f GBK -t UTF-8`, before committing."
        ) from None


def vba_modules(vba_dir: Path = VBA_DIR) -> list[Module]:
    """Every module in `vba_dir`: the document modules in sheet order, then the rest by name."""
    if not vba_dir.is_dir():
        raise BuildError(f"VBA sources not found: {vba_dir} (build from a source checkout)")
    files = {p.stem: p for p in sorted(vba_dir.iterdir()) if p.suffix.lower() in (".bas", ".cls")}
    missing = [name for name in (*DOCUMENT_MODULES, *REQUIRED_MODULES) if name not in files]
    if missing:
        hint = " (run `python -m xlperf.xlsm.udf_wrappers`)" if "xlwings_udfs" in missing else ""
        raise BuildError(f"missing VBA modules in {vba_dir}: {', '.join(missing)}{hint}")
    order = list(DOCUMENT_MODULES) + sorted(name for name in files if name not in DOCUMENT_MODULES)
    modules: list[Module] = []
    for name in order:
        path = files[name]
        if name in DOCUMENT_MODULES:
            if path.suffix.lower() != ".cls":
                raise BuildError(f"{path}: a document module must be a .cls file")
            kind = "document"
        else:
            kind = "class" if path.suffix.lower() == ".cls" else "standard"
        modules.append(Module(name, kind, _read_source(path)))  # type: ignore[arg-type]
    return modules


def build_workbook_bytes(sample: Optional[Path] = None) -> bytes:
    """The bytes of PerfTemplate.xlsm (the same bytes for the same sources)."""
    xlsx = layout_xlsx_bytes(sample)
    vba_bin = build_vba_project(vba_modules())
    return assemble_xlsm(xlsx, vba_bin, CUSTOM_UI.read_bytes(), created=CREATED)


def build_workbook(out: Path = DEFAULT_OUTPUT) -> Path:
    """Build the workbook and write it to `out` atomically."""
    out = Path(out)
    if out.suffix.lower() != ".xlsm":
        raise BuildError(f"the output must be an .xlsm file: {out}")
    check_output(out)
    write_bytes_atomic(out, build_workbook_bytes())
    return out


def main() -> None:  # python -m xlperf.xlsm.build [PATH]
    import sys

    start = time.perf_counter()
    out = build_workbook(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
    print(f"{out}  {out.stat().st_size:,} bytes  {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
