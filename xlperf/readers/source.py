"""Read input files into Grids: .xlsx/.xlsm through python-calamine (values and merges, no
openpyxl on the hot path), and PDF-pasted text through the importer.

A clerk's file may be anything: an old .xls, a CSV renamed .xlsx, a password-protected
workbook, a download cut short, or a file made to hurt whoever opens it. Before any parser
sees a workbook, :func:`preflight_book` looks at it from the outside:

- the first bytes say what it really is (zip, OLE compound file, HTML, text, PDF, nothing), so
  an encrypted workbook, an .xls, a CSV or an HTML page each get their own sentence;
- the zip directory is checked before anything is inflated: number of parts, total declared
  size, compression ratio, encrypted parts, unknown compression methods (zip bombs);
- every part is then inflated once as a stream by :mod:`zipfile` on a size budget, bounded by
  its declared size and verified by its CRC (a bomb that lies about its size fails here, with
  memory bounded by the chunk size; see :func:`_inflate`);
  XML parts must not declare a DTD or entities (``<!DOCTYPE``/``<!ENTITY``: billion laughs,
  external entities) — Excel never writes one;
- worksheet parts are scanned on the way (:class:`sheet_xml.SheetScanner`, the large ones
  inflated ahead on a helper thread, :func:`xlperf.zipstream.overlapped`) for what calamine
  hides or cannot survive: the real extent of the cells (calamine builds a dense range from A1
  to the last cell, and a single cell at XFD1048576 would make it allocate half a terabyte and
  abort the process), error
  values (``#REF!``, which calamine reads as blank), formulas saved without a cached value
  (blank to calamine as well), hidden rows and merged ranges.

Sheets whose dense extent is too large are read sparsely (only their real cells, by openpyxl
in read-only mode) into ragged rows; blocks then reports a stray far-away cell with ST010.
Error values become their text (``#DIV/0!``) and uncached formulas their formula text
(``=SUM(K5:K9)``), so the rules flag the cell instead of reporting it as missing.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from ..core.config import CONFIG_SHEET, Config, PendingSettings
from ..core.filenames import ReadableMessage
from ..core.grid import Grid, Merge
from ..core.merges import clip_long_cells, merge_findings
from ..core.model import Finding
from ..core import own_sheets
from ..core.own_sheets import OWN_SHEETS
from ..zipstream import overlapped
from .sheet_xml import (DECL_TEXT_RE, DTD_RE, DTD_TEXT_RE, PartEncodingError, SheetScan, SheetScanner, to_utf8,
                        xml_encoding)

# The names of the sheets xlperf writes. A name alone no longer makes a sheet "ours" (a clerk's
# table may be on a sheet called 校验结果): see own_sheets for what does. Kept for the export,
# which does not reuse these names for its layout sheets.
IMPORT_LOG_SHEET = "导入记录"
TEXT_SUFFIXES = {".txt", ".tsv"}
BOOK_SUFFIXES = {".xlsx", ".xlsm"}
# Other spreadsheet-ish names: sniffed, so the message says what the file really is.
SNIFFED_SUFFIXES = {".xls", ".xlsb", ".xlt", ".xltx", ".xltm", ".et", ".ods", ".csv"}

# --- limits -------------------------------------------------------------------------------
# Module constants so a deployment (or a test) can change them. A real 绩效目标表 of 10,000
# rows is ~5 MB of sheet XML, compressed ~15:1; these leave two orders of magnitude headroom.
MAX_PARTS = 10_000  # zip entries
MAX_UNCOMPRESSED = 512 * 2**20  # declared total of all parts, bytes
MAX_RATIO = 100  # uncompressed:compressed, per part (Apache POI uses the same 1%)...
RATIO_GRACE = 2**20  # ...for parts larger than this (tiny parts compress oddly)
MAX_DENSE_CELLS = 5_000_000  # above this a sheet is read sparsely (only its real cells)
MAX_SHEET_CELLS = 20_000_000  # above this (sparse, ragged rows) a sheet is refused
MAX_TEXT_BYTES = 64 * 2**20  # .txt input
FAR_ROW_GAP = 1000  # in such a sheet, cells after this many empty rows...
FAR_COL_GAP = 100  # ...or columns are not part of the table: reported (ST010), not gridded
MAX_FAR_FINDINGS = 20  # then one summary finding
CHUNK = 2**20  # inflate in 1 MiB pieces
PREFETCH_MIN = 4 * CHUNK  # parts at least this large are inflated on a helper thread
PREFETCH_DEPTH = 4  # pieces inflated ahead of the scan, at most


class InputError(ReadableMessage, Exception):
    """The input could not be read. The message is for the clerk (Chinese, English after)."""


@dataclass
class Source:
    path: Path
    grids: list[Grid]
    findings: list[Finding] = field(default_factory=list)  # from 导入记录 or the text importer
    sheet_names: list[str] = field(default_factory=list)
    sheet_states: dict[str, str] = field(default_factory=dict)  # name -> visible/hidden/veryHidden
    config: Config = field(default_factory=Config)  # the settings the file was read (and is judged) with
    encoding: str = ""  # a text file's encoding as decode_text names it for the clerk; "" for a workbook


def read_source(path: Path, sheet: Optional[str] = None, *,
                settings: "Optional[PendingSettings | Config]" = None) -> Source:
    """The file's grids and read findings, read with its settings.

    ``settings``: a Config to use as it is, or the :class:`PendingSettings` of the file, which
    are resolved here before the data is read — with the 配置 sheet's rows from this same open
    of the workbook. None: the file's own (its 配置 sheet over the ``xlperf.toml`` beside it)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件：{path}（file not found）")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是表格文件：{path}（is a folder）")
    pending = _pending(path, settings)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, pending.resolve())
    if suffix in SNIFFED_SUFFIXES:
        _refuse_other_kind(path)
    if suffix not in BOOK_SUFFIXES:
        raise InputError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xlsm 或 .txt：{path}（unsupported file type）")
    return _read_book(path, sheet, pending)


def _pending(path: Path, settings: "Optional[PendingSettings | Config]") -> PendingSettings:
    if isinstance(settings, PendingSettings):
        return settings
    return PendingSettings(path, base=settings)


def read_text_import(path: Path, config: Optional[Config] = None):
    """The text importer's full result (grid + findings), for ``xlperf import-text``: read
    with ``config`` (its expected total decides where page-break rows go), else the defaults."""
    from .text import import_text

    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到文件：{path}（file not found）")
    text, encoding = decode_text(path)
    expected = (config or Config()).expected_total
    result = import_text(text, expected_total=expected)
    result.encoding = encoding
    result.grid.source = str(path)
    g = result.grid
    long = clip_long_cells(g.sheet, g.rows, row0=g.row0 - 1, col0=g.col0 - 1)
    if long:
        if len(result.finding_lines) == len(result.findings):
            result.finding_lines.extend(() for _ in long)
        result.findings.extend(long)
    return result


# Text encodings of pasted tables, by how they are told apart: a byte-order mark first
# (Notepad's "Unicode" is UTF-16 LE with a BOM), then strict UTF-8, then GB18030 (GBK's superset,
# what Chinese Windows saves as "ANSI").
TEXT_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8（带BOM）"), (b"\xff\xfe", "utf-16-le", "UTF-16 LE（带BOM）"),
             (b"\xfe\xff", "utf-16-be", "UTF-16 BE（带BOM）"))


def _decode(path: Path) -> str:
    return decode_text(path)[0]


def decode_text(path: Path) -> tuple[str, str]:
    """(the text, which encoding it was read in, for the clerk)."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(f"文本文件过大（{size / 2**20:.0f} MB，上限 {MAX_TEXT_BYTES // 2**20} MB）：{path}（text file too large）")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(f"不支持 UTF-32 编码的文本文件，请另存为 UTF-8 或 UTF-16：{path}（UTF-32 text is not supported）")
    for bom, codec, label in TEXT_BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError:
                raise InputError(f"文本文件以 {label} 的标记开头，但内容不是这种编码：{path}（text does not match its byte-order mark）") from None
            if "\x00" in text[:4096]:
                raise InputError(f"这不是文本文件（含二进制内容）：{path}（not a text file）")
            return text, label
    if b"\x00" in raw[:4096]:
        raise InputError(f"这不是文本文件（含二进制内容），或是没有BOM的UTF-16文本（请用记事本另存为“UTF-8”）：{path}"
                         "（not a text file, or UTF-16 without a byte-order mark）")
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030（GBK）")):
        try:
            return raw.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别文本文件的编码（应为UTF-8、UTF-16或GBK）：{path}（unknown text encoding）")


def _read_text(path: Path, config: Config) -> Source:
    text = _decode(path)
    if not looks_like_table(text):
        from ..core.engine import read_finding

        return Source(path, [], [read_finding(
            "ST001", sheet=path.name,
            missing="这不是表格：文本中没有制表符分隔的列，也没有表头或指标")], [], config=config)
    result = read_text_import(path, config)
    return Source(path, [result.grid], list(result.findings), [result.grid.sheet], config=config,
                  encoding=result.encoding)


_TABLE_WORDS = ("指标", "项目名称", "预算", "权重", "分值", "指标值", "一级", "二级", "三级")


def looks_like_table(text: str) -> bool:
    """Plain prose is not a table: a table's text has tab-separated cells or, pasted from a PDF
    with spaces, the words of its header and levels (指标, 项目名称, 预算 …) on several lines."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if any("\t" in ln for ln in lines):
        return True
    return sum(1 for ln in lines if any(w in ln for w in _TABLE_WORDS)) >= 2


# --- what is this file, really? -----------------------------------------------------------

NOT_A_WORKBOOK = "文件不是有效的Excel工作簿"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _head(path: Path, n: int = 8192) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def sniff(path: Path) -> str:
    """``zip``, ``cfb`` (OLE compound file), ``empty``, ``html``, ``xml2003``, ``pdf``, ``text``
    or ``binary``, from the first bytes, whatever the file is called."""
    head = _head(path)
    if not head:
        return "empty"
    if head.startswith(b"PK"):
        return "zip"
    if head.startswith(_CFB_MAGIC):
        return "cfb"
    if head.startswith(b"%PDF"):
        return "pdf"
    if b"\x00" in head:
        return "binary"
    text = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head[: len(head) - 4 if len(head) == 8192 else len(head)].decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return "binary"
    low = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "xml2003"
    if low.startswith(("<!doctype html", "<html", "<table", "<meta", "<head")) or "<html" in low[:1000]:
        return "html"
    return "text"


def _cfb_names(path: Path) -> set[str]:
    """The stream and storage names of an OLE compound file (MS-CFB), at any depth, read by
    olefile. A damaged or truncated file yields what could be read (possibly nothing): the
    caller then says "an OLE file that is not an Excel workbook", never crashes."""
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except Exception:  # noqa: BLE001 - olefile raises OSError, struct.error, IndexError… on damage
        return set()
    try:
        return {part for entry in ole.listdir(streams=True, storages=True) for part in entry}
    except Exception:  # noqa: BLE001 - a directory that breaks half-way: what was read is enough
        return set()
    finally:
        ole.close()


def _refuse_other_kind(path: Path) -> None:
    """Raise the precise InputError for anything that is not a zip workbook; return if it is one."""
    kind = sniff(path)
    suffix = path.suffix.lower() or "（无扩展名）"
    if kind == "zip":
        if path.suffix.lower() in BOOK_SUFFIXES:
            return
        if path.suffix.lower() in (".csv", ".xls", ".et"):
            raise InputError(
                f"{NOT_A_WORKBOOK}：这个文件其实是 .xlsx 格式，扩展名却是“{path.suffix}”。请把扩展名改为 .xlsx 再试：{path}"
                f"（an .xlsx file named {path.suffix}; rename it to .xlsx）"
            )
        raise InputError(
            f"不支持“{suffix}”文件：请在Excel/WPS中打开后“另存为”Excel 工作簿（.xlsx）再试：{path}"
            f"（{suffix} is not supported; save as .xlsx）"
        )
    if kind == "empty":
        raise InputError(f"{NOT_A_WORKBOOK}：文件是空的（0字节），可能保存或复制时出错，请找回原文件：{path}（the file is empty）")
    if kind == "cfb":
        names = _cfb_names(path)
        if "EncryptedPackage" in names or "EncryptionInfo" in names:
            raise InputError(
                f"工作簿设置了打开密码（文件已加密），无法读取：{path}。请在Excel中打开，点“文件→信息→保护工作簿→"
                "用密码进行加密”，清空密码后保存；WPS中为“文件→文档加密→密码加密”。然后再试。"
                "（the workbook is password-protected (encrypted); remove the password, save, and try again）"
            )
        if names & {"Workbook", "Book"}:
            renamed = "（扩展名被改成了“%s”）" % path.suffix if path.suffix.lower() != ".xls" else ""
            raise InputError(
                f"这是旧版 Excel 97-2003 工作簿（.xls）{renamed}，不支持。请在Excel/WPS中打开，“另存为”"
                f"Excel 工作簿（.xlsx）后再试：{path}（legacy .xls (BIFF) workbook; save it as .xlsx）"
            )
        what = "Word 文档" if "WordDocument" in names else "PowerPoint 演示文稿" if "PowerPoint Document" in names else "其他程序的文件"
        raise InputError(
            f"{NOT_A_WORKBOOK}：这是旧版Office二进制格式的{what}，不是Excel工作簿：{path}"
            "（an OLE compound file that is not an Excel workbook）"
        )
    if kind == "html":
        raise InputError(
            f"{NOT_A_WORKBOOK}：这是网页（HTML）格式的表格，只是扩展名为“{suffix}”（常见于从系统导出的表）。"
            f"请用Excel/WPS打开后“另存为”Excel 工作簿（.xlsx）再试：{path}（an HTML page with a spreadsheet extension）"
        )
    if kind == "xml2003":
        raise InputError(
            f"{NOT_A_WORKBOOK}：这是“XML 电子表格 2003”格式。请用Excel/WPS打开后“另存为”Excel 工作簿（.xlsx）再试：{path}"
            "（XML Spreadsheet 2003; save as .xlsx）"
        )
    if kind == "pdf":
        raise InputError(
            f"{NOT_A_WORKBOOK}：这是PDF文件。请在PDF阅读器中复制表格文字，保存为 .txt 文件，再用“xlperf import-text”导入：{path}"
            "（a PDF file; copy its text to a .txt and use import-text）"
        )
    if kind == "text":
        raise InputError(
            f"{NOT_A_WORKBOOK}：这是文本文件（如CSV或制表符分隔的文字），只是扩展名为“{suffix}”。请用Excel/WPS打开后"
            f"“另存为”Excel 工作簿（.xlsx）；若是从PDF复制的制表符分隔文字，把扩展名改为 .txt 即可直接校验：{path}"
            f"（a text/CSV file named {suffix}; save it as .xlsx, or rename tab-separated text to .txt）"
        )
    raise InputError(f"{NOT_A_WORKBOOK}（不是xlsx格式，也不是可识别的其他格式）：{path}（not an xlsx/zip file）")


# --- the zip, from the outside --------------------------------------------------------------

_OFFICE_DOC_REL = "/officeDocument"
_WORKSHEET_REL = "/worksheet"


@dataclass
class BookScan:
    path: Path
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # sheet name -> scan
    states: dict[str, str] = field(default_factory=dict)  # sheet name -> visible/hidden/veryHidden
    parts: dict[str, SheetScan] = field(default_factory=dict)  # every worksheet part scanned
    marked: set[str] = field(default_factory=set)  # sheets carrying xlperf's own marker (own_sheets)
    utf16_parts: dict[str, str] = field(default_factory=dict)  # XML parts in UTF-16: name -> codec

    def sheet(self, name: str) -> Optional[SheetScan]:
        return self.sheets.get(name)

    def worst(self) -> SheetScan:
        """A bound for a sheet we could not map to its part: the largest of all."""
        out = SheetScan("?")
        for s in self.parts.values():
            out.max_row, out.max_col = max(out.max_row, s.max_row, s.row_bound), max(out.max_col, s.max_col)
            out.cells = max(out.cells, s.cells)
        return out


def _damaged(path: Path, what: str, en: str) -> InputError:
    return InputError(f"{NOT_A_WORKBOOK}：{what}：{path}（{en}）")


def preflight_book(path: Path) -> BookScan:
    """Everything :mod:`xlperf` checks before a parser touches a workbook; raise InputError on
    anything unreadable or dangerous, else return what the sheets' XML says."""
    path = Path(path)
    _refuse_other_kind(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError):
        raise _damaged(path, "文件不完整或已损坏（zip目录缺失或无效，可能下载、复制或保存未完成），请找回原文件或让对方重新发送",
                       "truncated or damaged file") from None
    with zf:
        infos = zf.infolist()
        _check_directory(path, infos)
        scan = BookScan(path)
        workbook, sheet_parts = _book_structure(path, zf, scan)
        for info in infos:
            scanner = SheetScanner(info.filename, MAX_DENSE_CELLS) if info.filename in sheet_parts else None
            _stream_part(path, zf, info, scanner, scan)
            if scanner is not None:
                scan.parts[info.filename] = scanner.result
        for name, part in workbook.items():
            if part in scan.parts:
                scan.sheets[name] = scan.parts[part]
    return scan


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_PARTS:
        raise InputError(f"文件包含的部件过多（{len(infos)}个，上限{MAX_PARTS}个），可能是恶意构造的文件，已拒绝读取：{path}"
                         "（too many parts in the zip; refused）")
    names: set[str] = set()
    total = 0
    for i in infos:
        if i.filename in names:
            raise _damaged(path, f"部件“{i.filename}”在文件中出现了两次，文件已损坏或被篡改", "duplicate part name")
        names.add(i.filename)
        if i.flag_bits & 0x1:
            raise InputError(f"文件中的部件“{i.filename}”被加密，无法读取。若设置了打开密码，请清空密码后另存为 .xlsx：{path}"
                             "（encrypted zip entry）")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(path, f"部件“{i.filename}”使用了Excel不使用的压缩方式（{i.compress_type}）",
                           "unsupported compression method")
        total += i.file_size
        if i.file_size > RATIO_GRACE and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise InputError(
                f"文件中的部件“{i.filename}”压缩比异常（{ratio:,.0f}:1，上限{MAX_RATIO}:1；"
                f"{i.compress_size / 2**20:,.1f} MB 解压后为 {i.file_size / 2**20:,.0f} MB），"
                f"可能是恶意构造的“压缩炸弹”，已拒绝读取：{path}"
                "（suspicious compression ratio - possible zip bomb; refused before inflating anything）"
            )
    if total > MAX_UNCOMPRESSED:
        raise InputError(
            f"文件解压后过大（{total / 2**20:,.0f} MB，上限 {MAX_UNCOMPRESSED // 2**20} MB），"
            f"可能是恶意构造的“压缩炸弹”，已拒绝读取：{path}"
            "（uncompressed size too large - possible zip bomb; refused before inflating anything）"
        )


def _read_small_part(path: Path, zf: zipfile.ZipFile, name: str) -> Optional[bytes]:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    sink = _Collect()
    _stream_part(path, zf, info, sink)
    return b"".join(sink.chunks)


def _parse_xml(path: Path, name: str, data: bytes) -> ET.Element:
    try:
        return ET.fromstring(data)  # safe: _stream_part refused any DTD
    except ET.ParseError as e:
        raise _damaged(path, f"部件“{name}”不是有效的XML（{e}）", "malformed XML part") from None


def _rels(path: Path, zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, resolved target) of ``part``'s relationships."""
    base_dir, base_name = posixpath.split(part)
    rels_name = posixpath.join(base_dir, "_rels", base_name + ".rels")
    data = _read_small_part(path, zf, rels_name)
    if data is None:
        return []
    out = []
    for el in _parse_xml(path, rels_name, data).iter():
        if el.tag.rsplit("}", 1)[-1] != "Relationship" or el.get("TargetMode") == "External":
            continue
        target = el.get("Target") or ""
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base_dir, target))
        out.append((el.get("Id") or "", el.get("Type") or "", resolved))
    return out


def _book_structure(path: Path, zf: zipfile.ZipFile, scan: BookScan) -> tuple[dict[str, str], set[str]]:
    """Sheet name -> worksheet part, and the set of worksheet parts to scan."""
    names = set(zf.namelist())
    office = [t for _, typ, t in _rels(path, zf, "") if typ.endswith(_OFFICE_DOC_REL)]
    wb_part = office[0] if office else "xl/workbook.xml"
    root = None
    if wb_part in names and wb_part.endswith(".xml"):
        root = _parse_xml(path, wb_part, _read_small_part(path, zf, wb_part) or b"")
    if root is None or root.tag.rsplit("}", 1)[-1] != "workbook":
        if "xl/workbook.bin" in names or wb_part.endswith(".bin"):
            what, en = "这是二进制工作簿（.xlsb），不支持。请在Excel中“另存为”Excel 工作簿（.xlsx）再试", "an .xlsb workbook"
        elif "word/document.xml" in names or wb_part.startswith("word/"):
            what, en = "这是Word文档（.docx），不是Excel工作簿", "a Word document"
        elif any(n.startswith("ppt/") for n in names):
            what, en = "这是PowerPoint演示文稿，不是Excel工作簿", "a PowerPoint file"
        elif "mimetype" in names and "content.xml" in names:
            what, en = "这是OpenDocument（.ods/WPS）格式。请“另存为”Excel 工作簿（.xlsx）再试", "an OpenDocument file"
        else:
            what, en = "这是一个zip压缩包，里面没有Excel工作簿", "a zip archive without a workbook"
        raise _damaged(path, what, en)
    targets = {rid: t for rid, typ, t in _rels(path, zf, wb_part)}
    workbook: dict[str, str] = {}
    marked = own_sheets.marked_sheets(root)
    index = -1
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        index += 1
        name = el.get("name") or ""
        if index in marked:
            scan.marked.add(name)
        scan.states[name] = el.get("state") or "visible"
        rid = next((v for k, v in el.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
        if rid in targets:
            workbook[name] = targets[rid]
    sheet_parts = {t for _, typ, t in _rels(path, zf, wb_part) if typ.endswith(_WORKSHEET_REL)}
    sheet_parts |= set(workbook.values())
    # Parts that look like worksheets but are not linked (calamine may still find them).
    sheet_parts |= {n for n in names if re.match(r"(?:.*/)?worksheets/[^/]+\.xml$", n)}
    return workbook, sheet_parts & names


class _Collect:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    def close(self) -> None:
        pass


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Inflate one part with :mod:`zipfile`, in pieces of at most CHUNK bytes, on a size budget.

    zipfile alone stops reading at the declared size and checks the CRC there, so a zip bomb
    that lies about its size (a 3 GB stream declared as 1 KB, with the CRC of that 1 KB) would
    be cut off silently and look like a short part. Opened instead with a budget of two pieces
    more than declared, such a part is refused one piece past its declared size — memory stays
    bounded by the piece size either way. A part that ends early, or whose CRC differs, is
    refused too."""
    declared = info.file_size
    budget = copy.copy(info)
    budget.file_size = declared + 2 * max(CHUNK, 2**16)  # zipfile inflates 4 KiB at least per step
    total = 0
    with zf.open(budget) as fh:
        while piece := fh.read(CHUNK):
            total += len(piece)
            if total > declared:
                raise zipfile.BadZipFile(f"inflates past its declared size of {declared} bytes")
            yield piece
    if total != declared:
        raise zipfile.BadZipFile(f"inflates to {total} bytes, not the declared {declared}")


def _xml_encoding(path: Path, name: str, head: bytes) -> Optional[str]:
    """The part's encoding (:func:`sheet_xml.xml_encoding`); one xlperf does not accept is refused."""
    try:
        return xml_encoding(name, head)
    except PartEncodingError as e:
        raise _damaged(path, f"部件“{name}”的编码为{e.what}，xlperf 只接受 UTF-8 或 UTF-16 编码的XML；"
                       "请在Excel中打开并另存为 .xlsx 后再试",
                       f"XML part encoded as {e.en}; only UTF-8/UTF-16 are accepted") from None


def _dtd_refused(path: Path, name: str) -> InputError:
    return InputError(
        f"文件中的部件“{name}”含有DTD或实体声明（<!DOCTYPE / <!ENTITY），Excel从不写入这种内容，"
        f"可能是恶意构造的“XML实体炸弹”，已拒绝读取：{path}"
        "（XML DTD/entity declarations are not allowed - possible billion-laughs or XXE attack; refused）"
    )


def _stream_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sink: Any = None,
                 scan: Optional["BookScan"] = None) -> None:
    """Inflate one part as a stream (see :func:`_inflate`); XML must declare no DTD, checked
    on the text decoded in the part's own encoding (a UTF-16 DTD is not the bytes ``<!DOC``).
    ``sink.feed(chunk)`` sees every piece, as UTF-8. A UTF-16 part is noted in ``scan`` so the
    reader hands calamine (which reads UTF-8 only) a transcoded copy."""
    import codecs

    is_xml: Optional[bool] = None
    decoder: Any = None
    tail = b""
    text_tail = ""
    fed = False
    pieces = _inflate(zf, info)
    if sink is not None and info.file_size >= max(PREFETCH_MIN, 2 * CHUNK):
        pieces = overlapped(pieces, depth=PREFETCH_DEPTH, name="xlperf-inflate")
    try:
        for chunk in pieces:
            if is_xml is None:
                enc = _xml_encoding(path, info.filename, chunk[:4096])
                is_xml = enc is not None
                if enc is not None and enc.startswith("utf-16"):
                    decoder = codecs.getincrementaldecoder(enc)()
                    if scan is not None:
                        scan.utf16_parts[info.filename] = enc
            if decoder is not None:
                text = decoder.decode(chunk)
                if "!" in text or "!" in text_tail:
                    if DTD_TEXT_RE.search(text_tail + text):
                        raise _dtd_refused(path, info.filename)
                text_tail = text[-16:]
                if sink is not None:
                    if not fed:  # the scanners see UTF-8, declared as such
                        text = DECL_TEXT_RE.sub(r"\1UTF-8\2", text.lstrip("\ufeff"), count=1)
                        fed = True
                    sink.feed(text.encode("utf-8", "surrogatepass"))
                continue
            # "!" is rare in Excel's XML: the pattern only runs where one could start a DTD.
            if is_xml and (b"!" in chunk or b"!" in tail) and DTD_RE.search(tail + chunk):
                raise _dtd_refused(path, info.filename)
            tail = chunk[-16:]
            if sink is not None:
                sink.feed(chunk)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error) as e:
        raise _damaged(
            path, f"部件“{info.filename}”的数据已损坏或被篡改（{e}）；若文件来自他人，请让对方重新发送",
            "damaged part: inflate error, size or CRC mismatch - refused") from None
    if sink is not None:
        sink.close()


def transcoded_package(path: Path, parts: dict[str, str]) -> bytes:
    """The package with its UTF-16 XML parts re-encoded as UTF-8 (declaration too), in memory:
    what calamine is given for a book that has such parts (it reads UTF-8 only)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            enc = parts.get(info.filename)
            zout.writestr(info, to_utf8(data, enc) if enc is not None else data)
    return buf.getvalue()


# --- reading ---------------------------------------------------------------------------------


def _fatal(e: BaseException) -> bool:
    return isinstance(e, (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit))


def open_calamine(path: Path, utf16_parts: Optional[dict[str, str]] = None) -> Any:
    """calamine's workbook of ``path``.

    A file name that is not valid UTF-8 (a GBK name unpacked on Linux from a zip made on
    Chinese Windows, which Python holds with surrogate escapes, ``os.fsdecode``) cannot be
    handed to calamine as a path: it looks for another name and says "No such file". Such a
    file is opened here and handed over as a file object (calamine reads it into memory);
    every other name goes the usual way.
    """
    from python_calamine import CalamineWorkbook

    if utf16_parts:
        return CalamineWorkbook.from_filelike(io.BytesIO(transcoded_package(path, utf16_parts)))
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        with open(path, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    return CalamineWorkbook.from_path(name)


def _read_book(path: Path, only_sheet: Optional[str], pending: Optional[PendingSettings] = None) -> Source:
    scan = preflight_book(path)
    try:
        wb = open_calamine(path, scan.utf16_parts) if scan.utf16_parts else open_calamine(path)
        names = list(wb.sheet_names)
        kinds = {m.name: str(m.typ) for m in wb.sheets_metadata}
    except BaseException as e:  # noqa: BLE001 - calamine raises its own types, pyo3 panics are BaseException
        if _fatal(e):
            raise
        raise InputError(f"无法打开工作簿（文件可能已损坏）：{path}：{e}（cannot open workbook）") from None
    pending = pending or PendingSettings(path)
    # The settings before the data: the 配置 sheet's rows come from this same open.
    rows = _config_rows(path, wb, scan) if pending.needs_sheet and CONFIG_SHEET in names else None
    config = pending.resolve(rows)
    if only_sheet is not None and only_sheet not in names:
        raise InputError(f"工作簿中没有名为“{only_sheet}”的工作表；现有：{'、'.join(names)}（sheet not found）")
    grids: list[Grid] = []
    findings: list[Finding] = []
    own_log = False
    for name in names:
        wanted = only_sheet is None or name == only_sheet
        if not wanted and name != IMPORT_LOG_SHEET:
            continue
        if "WorkSheet" not in kinds.get(name, "WorkSheet"):
            continue  # a chart or dialog sheet holds no cells
        info = scan.sheet(name) or scan.worst()
        try:
            # Loaded once, here: its first row tells an own sheet, then _read_sheet reads it.
            sh = wb.get_sheet_by_name(name) if info.dense_cells <= MAX_DENSE_CELLS else None
        except BaseException as e:  # noqa: BLE001
            if _fatal(e):
                raise
            raise InputError(f"无法读取工作表“{name}”（文件可能已损坏）：{e}（cannot read sheet）") from None
        own = _is_own(sh, name, scan)
        if own and name == IMPORT_LOG_SHEET:
            own_log = True  # the import's log: its notes are reported on the table's cells
        if not wanted or (own and only_sheet is None):
            continue  # a sheet named with --sheet is read whoever wrote it
        try:
            grid, far = _read_sheet(path, sh, name, info)
        except InputError:
            raise
        except BaseException as e:  # noqa: BLE001
            if _fatal(e):
                raise
            raise InputError(f"无法读取工作表“{name}”（文件可能已损坏）：{e}（cannot read sheet）") from None
        grids.append(grid)
        findings.extend(far)
    log_scan = scan.sheet(IMPORT_LOG_SHEET) or scan.worst()
    if own_log and log_scan.dense_cells <= MAX_DENSE_CELLS:
        try:
            findings.extend(_import_log(wb, grids))
        except BaseException as e:  # noqa: BLE001
            if _fatal(e):
                raise
            raise InputError(f"无法读取工作表“{IMPORT_LOG_SHEET}”：{e}（cannot read sheet）") from None
    states = {n: scan.states.get(n, "visible") for n in names}
    return Source(path, grids, findings, names, states, config)


def _config_rows(path: Path, wb: Any, scan: BookScan) -> Optional[list[list[Any]]]:
    info = scan.sheet(CONFIG_SHEET)
    if info is not None and info.dense_cells > MAX_DENSE_CELLS:
        raise InputError(f"工作表“{CONFIG_SHEET}”过大，无法作为配置读取：{path}（the 配置 sheet is too large）")
    try:
        return [list(r) for r in wb.get_sheet_by_name(CONFIG_SHEET).to_python()]
    except BaseException as e:  # noqa: BLE001
        if _fatal(e):
            raise
        raise InputError(f"无法读取工作表“{CONFIG_SHEET}”（文件可能已损坏）：{path}：{e}（cannot read the 配置 sheet）") from None


def _is_own(sh: Any, name: str, scan: BookScan) -> bool:
    """A sheet xlperf wrote (its marker, a helper sheet's name, or the exact header row of one
    of xlperf's sheets in its first row); never read as a table. See :mod:`own_sheets`.
    ``sh``: the loaded calamine sheet, None for one too large to load (never one of ours)."""
    if name in scan.marked or own_sheets.is_helper_name(name):
        return True
    if sh is None:
        return False
    try:
        first = next(iter(sh.iter_rows()), None)
    except BaseException as e:  # noqa: BLE001 - read again (and reported) by _read_sheet
        if _fatal(e):
            raise
        return False
    return own_sheets.is_own_header(first)


def _read_sheet(path: Path, sh: Any, name: str, info: SheetScan) -> tuple[Grid, list[Finding]]:
    far: list[tuple[int, int, Any]] = []
    found: list[Merge]  # the merges as the file has them, in file order
    if sh is not None:
        rows = [_clean_row(r) for r in sh.to_python(skip_empty_area=False)]
        found = [Merge(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        for (r, c), text in info.errors.items():
            _put(rows, r - 1, c - 1, text, overwrite=True)
        for (r, c), text in info.formulas.items():
            _put(rows, r - 1, c - 1, text, overwrite=False)
    else:
        rows, far = _sparse_rows(path, name, info)
        found = [m for m in map(_merge_of, info.merges) if m is not None]
    height = len(rows)
    # Clipped to the cells held (a merge past the last cell covers nothing we hold); overlapping
    # merges (the later one is dropped) and values hidden under a merge are findings.
    merges, merge_notes = merge_findings(name, rows, found)
    merge_notes += clip_long_cells(name, rows, true_lengths=lambda cells: _true_lengths(path, name, cells))
    hidden = frozenset(r - 1 for r in info.hidden_rows if r - 1 < height)
    return Grid(name, rows, merges, source=str(path), hidden_rows=hidden), _far_findings(name, far) + merge_notes


def _true_lengths(path: Path, name: str, cells: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The real length of texts calamine handed over at exactly 32,767 characters (it cuts
    longer ones silently): read again, for those cells only, by openpyxl in read-only mode."""
    import openpyxl

    want = {(r + 1, c + 1) for r, c in cells}
    rows = {r for r, _ in want}
    out: dict[tuple[int, int], int] = {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for row in wb[name].iter_rows(min_row=min(rows), max_row=max(rows)):
            for cell in row:
                key = (getattr(cell, "row", 0), getattr(cell, "column", 0))
                if key in want and isinstance(cell.value, str):
                    out[(key[0] - 1, key[1] - 1)] = len(cell.value)
    finally:
        wb.close()
    return out


def _put(rows: list[list[Any]], r: int, c: int, v: Any, *, overwrite: bool) -> None:
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    if len(row) <= c:
        row.extend([None] * (c + 1 - len(row)))
    if overwrite or row[c] is None:
        row[c] = v


def _merge_of(ref: str) -> Optional[Merge]:
    from ..core.grid import parse_address

    try:
        a, _, b = ref.partition(":")
        r1, c1 = parse_address(a)
        r2, c2 = parse_address(b or a)
    except (ValueError, IndexError):
        return None
    return Merge(min(r1, r2) - 1, min(c1, c2) - 1, max(r1, r2) - 1, max(c1, c2) - 1)


def _too_large(path: Path, name: str) -> InputError:
    return InputError(
        f"工作表“{name}”过大（单元格超过 {MAX_SHEET_CELLS:,} 个），无法读取。请删除表格以外的内容后另存再试：{path}"
        "（sheet too large）"
    )


def kept_extent(positions: list[int], gap: int) -> int:
    """The last position of the run that starts near 1: it ends at the first gap of more
    than ``gap`` empty rows/columns (0 when even the first real one is that far)."""
    last = 0
    for p in sorted(set(positions)):
        if p - last > gap:
            break
        last = p
    return last


def _sparse_rows(path: Path, name: str, info: SheetScan) -> tuple[list[list[Any]], list[tuple[int, int, Any]]]:
    """A sheet whose dense extent is huge (a stray cell at XFD1048576): read only its real
    cells (openpyxl, read-only), keep the area from A1 to the first wide gap (FAR_ROW_GAP
    empty rows, FAR_COL_GAP empty columns) as the Grid, and return the cells beyond it
    (1-based row, column, value) so they are reported instead of silently dropped."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    real: dict[int, list[Any]] = {}  # sheet row -> values from column A, trailing blanks trimmed
    try:
        ws = wb[name]
        ws.reset_dimensions()
        total = 0
        for r, values in enumerate(ws.iter_rows(values_only=True), 1):
            if not values:
                continue
            row = list(values)
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
            if row:
                total += len(row)
                if total > MAX_SHEET_CELLS:
                    raise _too_large(path, name)
                real[r] = _clean_row(row)
    finally:
        wb.close()
    for (r, c), text in info.errors.items():
        _put_sparse(real, r, c, text, overwrite=True)
    for (r, c), text in info.formulas.items():
        _put_sparse(real, r, c, text, overwrite=False)
    last_row = kept_extent(list(real), FAR_ROW_GAP)
    cols = [c for r, row in real.items() if r <= last_row for c, v in enumerate(row, 1) if v is not None]
    last_col = kept_extent(cols, FAR_COL_GAP)
    if last_row * last_col > MAX_SHEET_CELLS:
        raise _too_large(path, name)
    rows: list[list[Any]] = []
    far: list[tuple[int, int, Any]] = []
    for r in range(1, last_row + 1):
        row = real.get(r, [])
        rows.append((row[:last_col] + [None] * (last_col - len(row))) if last_col else [])
    for r in sorted(real):
        start = last_col if r <= last_row else 0
        far.extend((r, c, v) for c, v in enumerate(real[r][start:], start + 1) if v is not None)
    return rows, far


def _put_sparse(real: dict[int, list[Any]], r: int, c: int, v: Any, *, overwrite: bool) -> None:
    row = real.setdefault(r, [])
    if len(row) < c:
        row.extend([None] * (c - len(row)))
    if overwrite or row[c - 1] is None:
        row[c - 1] = v


def _far_findings(sheet: str, far: list[tuple[int, int, Any]]) -> list[Finding]:
    """ST010 (content outside the table, not read) for each cell beyond the kept area."""
    if not far:
        return []
    from ..core.engine import read_finding
    from ..core.grid import address

    out = []
    for r, c, v in far[:MAX_FAR_FINDINGS]:
        text = str(v).strip()
        out.append(read_finding("ST010", sheet=sheet, cell=address(r, c), row=r,
                                value=text if len(text) <= 30 else text[:29] + "…"))
    if len(far) > MAX_FAR_FINDINGS:
        r, c, _ = far[MAX_FAR_FINDINGS]
        out.append(read_finding("ST010", sheet=sheet, cell=address(r, c), row=r,
                                value=f"……以及另外 {len(far) - MAX_FAR_FINDINGS} 个远离表格的单元格"))
    return out


def _clean_row(row: list[Any]) -> list[Any]:
    # calamine gives "" for empty cells; the core speaks None. The containment test runs in
    # C: a row without an empty cell (a sixth of a real table) is kept as it is.
    if "" not in row:
        return row
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
        # 说明 is "Chinese（English）": the English goes back into message_en
        gloss = _GLOSS.search(msg)
        en = {"message_en": "{en}", "en": gloss.group(1)} if gloss else {}
        level = "提示" if code == "ST007" else level  # a repair the importer made (older logs say 警告)
        f = read_finding(code, sheet=table_sheet, cell=cell or None, row=row, severity=sev.get(level), message="{text}",
                         text=msg[: gloss.start()] if gloss else msg, **en)
        out.append(f)
    return out


_GLOSS = re.compile(r"（([A-Za-z][^（）]*)）$")
