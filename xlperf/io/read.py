"""Read input files into Grids: .xlsx/.xlsm through python-calamine (values and merges, no
openpyxl on the hot path), and PDF-pasted text through the importer."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..core.grid import Grid, Merge
from ..core.model import Finding

# Sheets xlperf writes itself; never read as tables.
OWN_SHEETS = {"校验结果", "权重合计", "清洗记录", "规则说明", "配置", "xlwings.conf", "_xlwings.conf", "导入记录", "示例说明"}
IMPORT_LOG_SHEET = "导入记录"
TEXT_SUFFIXES = {".txt", ".tsv"}
BOOK_SUFFIXES = {".xlsx", ".xlsm"}


class InputError(Exception):
    """The input could not be read. The message is for the clerk (Chinese, English after)."""


@dataclass
class Source:
    path: Path
    grids: list[Grid]
    findings: list[Finding] = field(default_factory=list)  # from 导入记录 or the text importer
    sheet_names: list[str] = field(default_factory=list)


def read_source(path: Path, sheet: Optional[str] = None) -> Source:
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件：{path}（file not found）")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是表格文件：{path}（is a folder）")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_text(path)
    if suffix == ".xls":
        raise InputError(f"不支持旧版 .xls 文件，请在Excel/WPS中另存为 .xlsx 后再试：{path}（.xls is not supported; save as .xlsx）")
    if suffix not in BOOK_SUFFIXES:
        raise InputError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xlsm 或 .txt：{path}（unsupported file type）")
    return _read_book(path, sheet)


def read_text_import(path: Path):
    """The text importer's full result (grid + findings), for ``xlperf import-text``."""
    from ..core.pdftext import import_text

    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到文件：{path}（file not found）")
    result = import_text(_decode(path))
    result.grid.source = str(path)
    return result


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError(f"这不是文本文件（含二进制内容）：{path}（not a text file）")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"无法识别文本文件的编码（应为UTF-8或GBK）：{path}（unknown text encoding）")
    return text


def _read_text(path: Path) -> Source:
    result = read_text_import(path)
    return Source(path, [result.grid], list(result.findings), [result.grid.sheet])


def _check_zip(path: Path) -> None:
    head = path.read_bytes()[:8] if path.stat().st_size < 8 else open(path, "rb").read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"文件已加密（设置了打开密码）或是旧版二进制格式，无法读取：{path}。请去掉密码后另存为 .xlsx。"
            "（encrypted or legacy binary workbook）"
        )
    if not zipfile.is_zipfile(path):
        raise InputError(f"文件不是有效的Excel工作簿（不是xlsx格式）：{path}（not an xlsx/zip file）")


def _read_book(path: Path, only_sheet: Optional[str]) -> Source:
    from python_calamine import CalamineWorkbook

    _check_zip(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken parts
        raise InputError(f"无法打开工作簿：{path}：{e}（cannot open workbook）") from None
    names = list(wb.sheet_names)
    if only_sheet is not None and only_sheet not in names:
        raise InputError(f"工作簿中没有名为“{only_sheet}”的工作表；现有：{'、'.join(names)}（sheet not found）")
    grids: list[Grid] = []
    findings: list[Finding] = []
    for name in names:
        if only_sheet is not None and name != only_sheet:
            continue
        if name == IMPORT_LOG_SHEET:
            continue
        if only_sheet is None and (name in OWN_SHEETS or name.startswith("_")):
            continue
        try:
            sh = wb.get_sheet_by_name(name)
            rows = sh.to_python(skip_empty_area=False)
            merges = [Merge(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        except Exception as e:
            raise InputError(f"无法读取工作表“{name}”：{e}（cannot read sheet）") from None
        grids.append(Grid(name, [_clean_row(r) for r in rows], merges, source=str(path)))
    if IMPORT_LOG_SHEET in names:
        findings.extend(_import_log(wb, grids))
    return Source(path, grids, findings, names)


def _clean_row(row: list[Any]) -> list[Any]:
    # calamine gives "" for empty cells; the core speaks None.
    return [None if v == "" else v for v in row]


def _import_log(wb: Any, grids: list[Grid]) -> list[Finding]:
    """Re-emit the repairs the text importer recorded, so checking its workbook still shows them."""
    from ..core.engine import read_finding
    from ..core.rules import REGISTRY, load_all

    load_all()
    rows = wb.get_sheet_by_name(IMPORT_LOG_SHEET).to_python()
    table_sheet = grids[0].sheet if grids else ""
    out: list[Finding] = []
    sev = {"错误": "error", "警告": "warning", "提示": "info"}
    for r in rows[1:]:
        r = list(r) + [""] * 5
        code, level, cell, _line, msg = (str(x).strip() if x is not None else "" for x in r[:5])
        if code not in REGISTRY or not msg:
            continue
        row = None
        digits = "".join(ch for ch in cell if ch.isdigit())
        if digits:
            row = int(digits)
        f = read_finding(code, sheet=table_sheet, cell=cell or None, row=row, severity=sev.get(level), message="{text}", text=msg)
        out.append(f)
    return out
