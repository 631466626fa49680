"""Build ``workbook/PerfTemplate.xlsm`` from text sources, byte-reproducibly.

1. :mod:`tools.xlsm.sheets` lays out the sheets with openpyxl -> ``.xlsx`` bytes;
2. :func:`tools.xlsm.vbaproject.build_vba_project` turns ``vba/*.bas|*.cls`` into a
   source-only ``vbaProject.bin``;
3. :func:`tools.xlsm.assemble.assemble_xlsm` adds it and ``customUI/customUI14.xml``
   to the package (openpyxl is never the last writer: it would drop the ribbon).

``xlperf build-workbook -o workbook/PerfTemplate.xlsm`` (or ``python -m tools.xlsm.build``)
regenerates the committed workbook; a test checks that it is up to date.

The ``vba/`` sources are VBE export text (CRLF) stored as UTF-8 so that git shows the
Chinese strings. The project stores *ASCII only*: :mod:`tools.xlsm.vba_ascii` rewrites each
Chinese string literal as ``ChrW()`` pieces, so the stored bytes mean the same under any
system code page (932/936/949/950/1252). ``xlwings.bas`` is a byte-for-byte copy from the
pinned xlwings wheel; ``xlwings_udfs.bas`` and ``UdfHelp.bas`` come from
:mod:`tools.xlsm.udf_wrappers`.

Building the default output also writes ``xlperf/data/vba_manifest.json``: the digests of the
modules as stored (:func:`xlperf.excel.vbaread.module_digest`), which ``xlperf doctor`` compares
with the workbook on the clerk's PC.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

from xlperf.writers.atomic import OutputError, check_output, write_bytes_atomic
from xlperf.excel.vbaread import MANIFEST, module_digest
from .assemble import assemble_xlsm
from .sheets import SHEETS, WORKBOOK_CODE_NAME, layout_xlsx_bytes
from .vba_ascii import VbaTextError, encode_module
from .vbaproject import Module, build_vba_project, module_source

__all__ = ["ROOT", "VBA_DIR", "CUSTOM_UI", "DEFAULT_OUTPUT", "BuildError", "vba_modules", "project_modules",
           "manifest", "manifest_text", "write_manifest", "build_workbook_bytes", "build_workbook"]

ROOT = Path(__file__).resolve().parents[2]
VBA_DIR = ROOT / "vba"
CUSTOM_UI = ROOT / "customUI" / "customUI14.xml"
DEFAULT_OUTPUT = ROOT / "workbook" / "PerfTemplate.xlsm"
# Fixed core.xml dates: the workbook's bytes must not depend on when it was built.
CREATED = "2023-01-01T00:00:00Z"
DOCUMENT_MODULES = (WORKBOOK_CODE_NAME, *(spec.code_name for spec in SHEETS))
REQUIRED_MODULES = ("RibbonPerf", "UdfHelp", "xlwings", "xlwings_udfs")


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
        hint = " (run `python -m tools.xlsm.udf_wrappers`)" if "xlwings_udfs" in missing else ""
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


def project_modules(vba_dir: Path = VBA_DIR) -> list[Module]:
    """The modules as the project stores them: every string literal made ASCII."""
    out = []
    for module in vba_modules(vba_dir):
        try:
            out.append(Module(module.name, module.kind, encode_module(module.code, module.name)))
        except VbaTextError as e:
            raise BuildError(f"{vba_dir / module.name}: {e}") from None
    return out


def manifest(vba_dir: Path = VBA_DIR) -> dict:
    """What ``xlperf doctor`` checks a workbook against: each stored module's digest."""
    import xlwings

    return {
        "about": "Digests of the VBA modules of workbook/PerfTemplate.xlsm (xlperf.excel.vbaread.module_digest); "
                 "written by `xlperf build-workbook`, read by `xlperf doctor`.",
        "workbook": DEFAULT_OUTPUT.name,
        "xlwings_version": xlwings.__version__,
        "modules": {m.name: module_digest(module_source(m)) for m in project_modules(vba_dir)},
    }


def manifest_text(vba_dir: Path = VBA_DIR) -> str:
    import json

    return json.dumps(manifest(vba_dir), ensure_ascii=False, indent=2) + "\n"


def write_manifest(path: Path = MANIFEST) -> Path:
    write_bytes_atomic(Path(path), manifest_text().encode("utf-8"))
    return Path(path)


def build_workbook_bytes(sample: Optional[Path] = None) -> bytes:
    """The bytes of PerfTemplate.xlsm (the same bytes for the same sources)."""
    xlsx = layout_xlsx_bytes(sample)
    vba_bin = build_vba_project(project_modules())
    return assemble_xlsm(xlsx, vba_bin, CUSTOM_UI.read_bytes(), created=CREATED)


def build_workbook(out: Path = DEFAULT_OUTPUT) -> Path:
    """Build the workbook and write it to `out` atomically; building the committed
    workbook (the default output) also refreshes the doctor's module manifest."""
    out = Path(out)
    if out.suffix.lower() != ".xlsm":
        raise BuildError(f"the output must be an .xlsm file: {out}")
    check_output(out)
    write_bytes_atomic(out, build_workbook_bytes())
    if out.resolve() == DEFAULT_OUTPUT.resolve():
        write_manifest()
    return out


def main() -> None:  # python -m tools.xlsm.build [PATH]
    import sys

    start = time.perf_counter()
    out = build_workbook(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
    print(f"{out}  {out.stat().st_size:,} bytes  {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
