"""Generate the bad-input corpus: every file a clerk (or an attacker) might hand xlperf.

Nothing here is a committed binary: each file is built by a function from a few lines of
openpyxl, zip surgery on an openpyxl workbook, msoffcrypto-tool, or a hand-written zip.
Generating all of them takes about a second and ~10 MB of disk (the zip bomb is 3 MB and
declares 3 GB).

    python -m tests.robustness.make_corpus OUT_DIR      # from the repository root

Each :class:`Case` says what must happen when ``xlperf check`` meets the file: the exit
code, words the message must contain (Chinese and English), and for readable-but-wrong
files the finding codes (and cells) that must be reported. ``tests/robustness`` runs the
real command line on every case and writes ``docs/robustness.md`` from the results.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import openpyxl

from tests.helpers import HEADER, TITLE_ROWS, good_project

SHEET = "绩效目标表"
PROJECT_MERGE_COLS = (1, 2, 3)  # 项目名称, 预算数, 年度目标 (0-based)


@dataclass
class Case:
    name: str  # file name in the corpus folder
    title: str  # what the file is, for the report
    build: Callable[[Path], None]
    exit: int  # expected exit code of ``xlperf check``
    says: tuple[str, ...] = ()  # substrings of stderr (unreadable) or of some finding message
    codes: tuple[str, ...] = ()  # finding codes that must be reported
    cells: tuple[str, ...] = ()  # finding cells that must be reported (``Sheet!A1`` or ``A1``)
    writes: bool = True  # also run check --mark, split and export --force on it
    note: str = ""  # why the outcome is what it is, for the report
    gap: str = ""  # the outcome we want but do not get yet (the test is a strict xfail)


# --- building blocks ---------------------------------------------------------------------


def table_rows(projects: int = 2) -> list[list]:
    rows: list[list] = []
    for i in range(projects):
        rows += good_project(f"项目{chr(65 + i)}")
    return rows


def write_table(path: Path, rows: list[list], *, merges: bool = True, extra_sheets: Optional[dict] = None,
                edit: Optional[Callable] = None) -> Path:
    """Title rows, the twelve-column header and ``rows`` on sheet 绩效目标表; project cells of
    each 5-row good project merged (as clerks' tables are)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    for r in TITLE_ROWS + [HEADER]:
        ws.append(r)
    for r in rows:
        ws.append(r)
    if merges:
        first = len(TITLE_ROWS) + 2
        r = 0
        while r < len(rows):
            if rows[r][1] is not None:  # a project's first row
                end = r + 1
                while end < len(rows) and rows[end][1] is None and rows[end][6] is not None:
                    end += 1
                if end - r > 1:
                    for c in PROJECT_MERGE_COLS:
                        ws.merge_cells(start_row=first + r, start_column=c + 1, end_row=first + end - 1, end_column=c + 1)
                r = end
            else:
                r += 1
    for name, (rws, state) in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in rws:
            other.append(r)
        other.sheet_state = state
    if edit is not None:
        edit(wb, ws)
    wb.save(path)
    return path


def rewrite_zip(src: Path, dst: Path, change: Callable[[str, bytes], Optional[bytes]]) -> None:
    """Copy a zip, passing each part through ``change`` (None drops the part)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)


def patch_sheet(path: Path, fn: Callable[[bytes], bytes], part: str = "xl/worksheets/sheet1.xml") -> None:
    tmp = path.with_suffix(".tmp.zip")
    path.rename(tmp)
    rewrite_zip(tmp, path, lambda n, d: fn(d) if n == part else d)
    tmp.unlink()


def good_workbook(path: Path) -> Path:
    return write_table(path, table_rows())


# --- hand-made zips (for the bombs) -------------------------------------------------------


def _gf2_times(mat: list[int], vec: int) -> int:
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib's crc32_combine: the CRC of A+B from crc(A), crc(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = [_gf2_times(odd, odd[n]) for n in range(32)]
    odd = [_gf2_times(even, even[n]) for n in range(32)]
    while True:
        even = [_gf2_times(odd, odd[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = [_gf2_times(even, even[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc_repeat(crc_block: int, len_block: int, times: int) -> int:
    """CRC of a block repeated ``times`` times, by doubling."""
    result, result_len = 0, 0
    power, power_len = crc_block, len_block
    while times:
        if times & 1:
            result = crc32_combine(result, power, power_len) if result_len else power
            result_len += power_len
        times >>= 1
        if times:
            power = crc32_combine(power, power, power_len)
            power_len *= 2
    return result


@dataclass
class RawPart:
    name: str
    data: bytes  # as stored (raw deflate, or plain for stored)
    crc: int
    size: int  # declared uncompressed size
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, plain: bytes) -> RawPart:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return RawPart(name, c.compress(plain) + c.flush(), zlib.crc32(plain), len(plain))


def write_raw_zip(path: Path, parts: list[RawPart]) -> None:
    out = io.BytesIO()
    central = []
    for p in parts:
        name = p.name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, p.method, 0, 0x21, p.crc, len(p.data), p.size,
                              len(name), 0) + name)
        out.write(p.data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, p.method, 0, 0x21, p.crc,
                                   len(p.data), p.size, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 b'</Types>')
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
             b'</Relationships>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 b'</Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
SHEET_TAIL = b"</t></is></c></row></sheetData></worksheet>"
BOMB_BLOCK = 2**20  # 1 MiB of one letter per repeated deflate block
BOMB_BLOCKS = 3000  # 3000 MiB ≈ 3.1 GB inflated, ~3 MB on disk


def bomb_sheet(blocks: int = BOMB_BLOCKS) -> tuple[bytes, int, int]:
    """Raw deflate data of a sheet whose one cell holds ``blocks`` MiB of "x", built without
    ever holding (or compressing) the inflated data: after a full flush deflate restarts, so
    one compressed block can be repeated. Returns (data, crc, inflated size)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(SHEET_HEAD) + c.flush(zlib.Z_FULL_FLUSH)
    chunk = b"x" * BOMB_BLOCK
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(SHEET_TAIL) + c.flush()
    data = head + block * blocks + tail
    crc = crc32_combine(zlib.crc32(SHEET_HEAD), crc_repeat(zlib.crc32(chunk), len(chunk), blocks), len(chunk) * blocks)
    crc = zlib.crc32(SHEET_TAIL, crc)
    return data, crc, len(SHEET_HEAD) + len(chunk) * blocks + len(SHEET_TAIL)


def skeleton(sheet: RawPart, *, shared: Optional[bytes] = None) -> list[RawPart]:
    parts = [deflated("[Content_Types].xml", CONTENT_TYPES), deflated("_rels/.rels", ROOT_RELS),
             deflated("xl/workbook.xml", WORKBOOK), deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), sheet]
    if shared is not None:
        parts.append(deflated("xl/sharedStrings.xml", shared))
    return parts


def make_zip_bomb(path: Path) -> None:
    data, crc, size = bomb_sheet()
    write_raw_zip(path, skeleton(RawPart("xl/worksheets/sheet1.xml", data, crc, size)))


def make_lying_zip_bomb(path: Path) -> None:
    """The same 3 GB stream, but the directory claims 1 KB (and carries the CRC of that 1 KB):
    a reader that trusts the directory sees a harmless part; one that inflates the stream
    to its end gets 3 GB."""
    data, _crc, _size = bomb_sheet()
    first = (SHEET_HEAD + b"x" * 1024)[:1024]
    write_raw_zip(path, skeleton(RawPart("xl/worksheets/sheet1.xml", data, zlib.crc32(first), 1024)))


def make_many_parts_bomb(path: Path) -> None:
    """600 parts of 1 MiB of zeros each (each under the per-part ratio grace): 600 MB total."""
    zeros = b"\0" * (2**20 - 1)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(zeros) + c.flush()
    crc = zlib.crc32(zeros)
    sheet = deflated("xl/worksheets/sheet1.xml", SHEET_HEAD + b"ok" + SHEET_TAIL)
    parts = skeleton(sheet) + [RawPart(f"xl/media/pad{i}.bin", data, crc, len(zeros)) for i in range(600)]
    write_raw_zip(path, parts)


LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
          + b"]>\n")


def make_entity_bomb_shared(path: Path) -> None:
    """Billion laughs in sharedStrings.xml: 1 KB that expands to 3 GB in a naive parser."""
    sst = LAUGHS + (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                    b"<si><t>&lol9;</t></si></sst>")
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    parts = skeleton(deflated("xl/worksheets/sheet1.xml", sheet), shared=sst)
    parts[0] = deflated("[Content_Types].xml", CONTENT_TYPES.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    parts[3] = deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.replace(
        b"</Relationships>", b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    write_raw_zip(path, parts)


def make_entity_bomb_sheet(path: Path) -> None:
    """Billion laughs inside a real table's sheet XML (openpyxl-made, then patched)."""
    good_workbook(path)
    patch_sheet(path, lambda d: LAUGHS + re.sub(rb"^<\?xml[^>]*\?>", b"", d).replace(
        b"<is><t>", b"<is><t>&lol9;", 1))


def make_xxe(path: Path) -> None:
    """An external entity in workbook.xml (reads a local file in a naive parser)."""
    good_workbook(path)
    tmp = path.with_suffix(".tmp.zip")
    path.rename(tmp)
    rewrite_zip(tmp, path, lambda n, d: (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                        + re.sub(rb"^<\?xml[^>]*\?>", b"", d).replace(b'name="', b'name="&xxe;', 1))
                if n == "xl/workbook.xml" else d)
    tmp.unlink()


# --- other kinds of file ------------------------------------------------------------------


def make_not_a_zip(path: Path) -> None:
    path.write_bytes(bytes((i * 7919 + 13) % 251 for i in range(4096)))  # deterministic noise, no text


def make_empty_file(path: Path) -> None:
    path.write_bytes(b"")


def make_truncated(path: Path) -> None:
    good_workbook(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def make_damaged_crc(path: Path) -> None:
    """A byte of the sheet's compressed data flipped: the part no longer inflates or its CRC fails."""
    good_workbook(path)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    data[at] ^= 0x55
    path.write_bytes(bytes(data))


def _biff_workbook_stream() -> bytes:
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + eof


def make_xls(path: Path) -> None:
    from tools.xlsm.cfb import build_cfb

    path.write_bytes(build_cfb({"Workbook": _biff_workbook_stream() + b"\0" * 5000}))


def make_csv_renamed(path: Path) -> None:
    rows = [HEADER] + [["" if v is None else str(v) for v in r] for r in table_rows(1)]
    path.write_text("\r\n".join(",".join(r) for r in rows), encoding="utf-8-sig")


def make_html_renamed(path: Path) -> None:
    cells = "".join(f"<td>{h}</td>" for h in HEADER)
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><table><tr>{cells}</tr></table></body></html>",
                    encoding="utf-8")


def make_pdf_renamed(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def make_docx_renamed(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS.replace(b"xl/workbook.xml", b"word/document.xml"))
        z.writestr("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="x"/>')


def make_encrypted(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.with_suffix(".plain.xlsx")
    good_workbook(plain)
    with open(plain, "rb") as fin, open(path, "wb") as fout:
        OOXMLFile(fin).encrypt("密码123", fout)
    plain.unlink()


# --- readable but wrong -------------------------------------------------------------------


def make_empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def make_no_header(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    for r in table_rows(1):
        ws.append(r)
    wb.save(path)


def make_header_only(path: Path) -> None:
    write_table(path, [])


def make_dimension_million(path: Path) -> None:
    good_workbook(path)
    patch_sheet(path, lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:L1048576"/>', d))


def make_far_cell(path: Path) -> None:
    good_workbook(path)
    patch_sheet(path, lambda d: d.replace(
        b"</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远处的字</t></is></c></row>'
                         '</sheetData>'.encode()))


def make_formula_errors(path: Path) -> None:
    """Cached error values, as Excel saves them: a weight #DIV/0! and a target #REF!."""
    rows = table_rows()
    rows[1][10] = "@W"  # placeholders, replaced in the XML below
    rows[2][8] = "@T"
    write_table(path, rows)

    def fix(d: bytes) -> bytes:
        d = re.sub(rb'<c r="(K5)"([^>]*) t="inlineStr"><is><t>@W</t></is></c>', rb'<c r="\1"\2 t="e"><f>K4/0</f><v>#DIV/0!</v></c>', d)
        d = re.sub(rb'<c r="(I6)"([^>]*) t="inlineStr"><is><t>@T</t></is></c>', rb'<c r="\1"\2 t="e"><f>#REF!+1</f><v>#REF!</v></c>', d)
        return d

    patch_sheet(path, fix)


def make_formula_uncached(path: Path) -> None:
    """Formulas as openpyxl (or a report generator) writes them: no cached value at all."""
    rows = table_rows()
    rows[1][10] = "=10+5"
    rows[6][10] = "=SUM(K4:K5)/2"
    write_table(path, rows)


def make_long_cells(path: Path) -> None:
    rows = table_rows()
    rows[0][3] = "年度目标" + "很长" * 16381 + "。"  # 32,767 characters, Excel's limit
    rows[1][6] = "指" * 32767
    write_table(path, rows)


def make_merge_across_header(path: Path) -> None:
    """项目名称 merged from the header row down into the first project."""
    def edit(wb, ws):
        ws.merge_cells("B3:B5")
    write_table(path, table_rows(), merges=False, edit=edit)


def make_merge_two_projects(path: Path) -> None:
    """One 项目名称/预算数/年度目标 merge spanning both projects' rows."""
    rows = table_rows()
    for c in PROJECT_MERGE_COLS:
        rows[5][c] = None

    def edit(wb, ws):
        for col in "BCD":
            ws.merge_cells(f"{col}4:{col}13")
    write_table(path, rows, merges=False, edit=edit)


def make_hidden_rows(path: Path) -> None:
    """A row whose weight breaks the total, hidden: still checked."""
    rows = table_rows()
    rows[2][10] = 55  # 项目A now totals 130

    def edit(wb, ws):
        ws.row_dimensions[6].hidden = True
    write_table(path, rows, edit=edit)


def make_hidden_sheet(path: Path) -> None:
    """A clean visible table and a hidden sheet holding an older, wrong copy: both checked."""
    bad = [TITLE_ROWS[0], TITLE_ROWS[1], HEADER] + good_project("旧项目")
    bad[4][10] = 1
    write_table(path, table_rows(), extra_sheets={"旧版本": (bad, "hidden")})


def make_dates_bools(path: Path) -> None:
    rows = table_rows()
    rows[1][10] = dt.datetime(2023, 1, 15)  # a weight that Excel turned into a date
    rows[2][8] = True  # a target that is a boolean
    rows[0][2] = dt.date(2023, 3, 1)  # a budget that is a date
    write_table(path, rows)


def make_fullwidth(path: Path) -> None:
    rows = table_rows()
    rows[0][10] = "２０"
    rows[3][10] = "３０"
    rows[0][2] = "１０"
    write_table(path, rows)


def make_protected_sheet(path: Path) -> None:
    """Sheet and structure protection without an open password: readable like any other."""
    def edit(wb, ws):
        ws.protection.sheet = True
        ws.protection.password = "abc"
        wb.security = openpyxl.workbook.protection.WorkbookProtection(workbookPassword="abc", lockStructure=True)
    write_table(path, table_rows(), edit=edit)


def make_chartsheet(path: Path) -> None:
    """A chart sheet before the table: holds no cells, skipped."""
    def edit(wb, ws):
        from openpyxl.chart import BarChart, Reference

        cs = wb.create_chartsheet("图表", 0)
        chart = BarChart()
        chart.add_data(Reference(ws, min_col=11, min_row=4, max_row=8))
        cs.add_chart(chart)
    write_table(path, table_rows(), edit=edit)


# --- issue 13: ordinary values that crashed, content that vanished, encodings -------------------


def make_huge_weights(path: Path) -> None:
    rows = table_rows()
    rows[0][10] = rows[1][10] = 1e308  # their sum is inf
    write_table(path, rows)


def make_huge_budgets(path: Path) -> None:
    rows = table_rows()
    rows[0][2] = rows[5][2] = 1.7e308
    write_table(path, rows)


def _renamed(path: Path, name: str) -> None:
    """The table's sheet renamed in workbook.xml (openpyxl refuses "[" in a title)."""
    tmp = path.with_suffix(".tmp.zip")
    path.rename(tmp)
    rewrite_zip(tmp, path, lambda n, d: d.replace(f'name="{SHEET}"'.encode(), f'name="{name}"'.encode())
                if n == "xl/workbook.xml" else d)
    tmp.unlink()


def make_sheet_name_markup(path: Path) -> None:
    rows = table_rows()
    rows[1][10] = 5  # a WT002 on 表[/b]!K4
    write_table(path, rows)
    _renamed(path, "表[/b][d]")


def make_bidi_names(path: Path) -> None:
    rows = table_rows()
    rows[0][1] = "项目\u202egpj.exe"
    rows[1][10] = 5
    write_table(path, rows)


def make_tables_on_own_names(path: Path) -> None:
    """The clerk's projects on sheets named like xlperf's own (校验结果, 权重合计, …)."""
    def edit(wb, ws):
        for i, name in enumerate(["校验结果", "权重合计", "清洗记录", "规则说明", "导入记录", "示例说明"]):
            other = wb.create_sheet(name)
            for r in TITLE_ROWS + [HEADER] + good_project(f"项目{i + 3}"):
                other.append(r)
    write_table(path, table_rows(), edit=edit)


def _merges_xml(path: Path, refs: list[str]) -> None:
    xml = (f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs) + "</mergeCells>").encode()
    patch_sheet(path, lambda d: d.replace(b"</sheetData>", b"</sheetData>" + xml))


def make_hidden_under_merge(path: Path) -> None:
    rows = table_rows()
    rows[2][2] = 5  # C6, under the budget merge C4:C8
    rows[3][3] = "看不见的目标"  # D7, under D4:D8
    write_table(path, rows, merges=False)
    _merges_xml(path, ["B4:B8", "C4:C8", "D4:D8", "B9:B13", "C9:C13", "D9:D13"])


def make_overlapping_merges(path: Path) -> None:
    write_table(path, table_rows(), merges=False)
    _merges_xml(path, ["B4:B8", "B9:B13", "B6:B12", "N1:XFD1048576", "A1:XFD1048576"])


def make_million_char_cell(path: Path) -> None:
    import random

    rows = table_rows()
    rows[0][3] = "@LONG"
    write_table(path, rows)
    rnd = random.Random(13)  # varied text: a repeated one is (rightly) refused as a zip bomb
    text = "".join(chr(rnd.randrange(0x4E00, 0x9FA5)) for _ in range(1_000_000))
    patch_sheet(path, lambda d: d.replace(b"@LONG", text.encode()))


def _sheet_encoded(path: Path, codec: str, bom: bytes = b"", decl: Optional[str] = None, bomb: bool = False) -> None:
    good_workbook(path)

    def change(d: bytes) -> bytes:
        text = d.decode("utf-8")
        if text.startswith("<?xml"):
            text = text.split("?>", 1)[1].lstrip()
        if bomb:
            text = '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + text
        if decl:
            text = f'<?xml version="1.0" encoding="{decl}"?>\n' + text
        return bom + text.encode(codec)
    patch_sheet(path, change)


def make_utf16_sheet(path: Path) -> None:
    _sheet_encoded(path, "utf-16-le", b"\xff\xfe", "UTF-16")


def make_utf16_entity_bomb(path: Path) -> None:
    _sheet_encoded(path, "utf-16-le", b"", "UTF-16", bomb=True)


def make_latin1_part(path: Path) -> None:
    _sheet_encoded(path, "latin-1", b"", "ISO-8859-1")


def make_utf16_text(path: Path) -> None:
    """Notepad's "Unicode" save: UTF-16 LE with a byte-order mark."""
    lines = ["\t".join(HEADER)] + ["\t".join("" if v is None else str(v) for v in r) for r in table_rows()]
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))


def make_clean(path: Path) -> None:
    good_workbook(path)


CASES: list[Case] = [
    # unreadable: exit 2, one sentence
    Case("clean.xlsx", "对照：规范的表格（2个项目） / control: a clean table", make_clean, 0),
    Case("not_a_zip.xlsx", "不是zip的二进制文件 / binary noise named .xlsx", make_not_a_zip, 2,
         ("不是有效的Excel工作簿", "not an xlsx")),
    Case("empty_file.xlsx", "0字节文件 / a 0-byte file", make_empty_file, 2, ("文件是空的", "empty")),
    Case("truncated.xlsx", "下载中断、只剩一半的工作簿 / a workbook cut in half", make_truncated, 2,
         ("不完整或已损坏", "truncated")),
    Case("damaged_crc.xlsx", "压缩数据中一个字节被改动 / one byte of the sheet's data flipped", make_damaged_crc, 2,
         ("已损坏或被篡改", "damaged part")),
    Case("legacy.xls", "旧版 .xls（BIFF8，OLE复合文档） / a BIFF .xls", make_xls, 2, ("Excel 97-2003", "legacy .xls")),
    Case("legacy_renamed.xlsx", "改名为 .xlsx 的 .xls / an .xls renamed .xlsx", make_xls, 2,
         ("Excel 97-2003", "扩展名被改成了", "legacy .xls")),
    Case("csv_renamed.xlsx", "改名为 .xlsx 的CSV / a CSV renamed .xlsx", make_csv_renamed, 2,
         ("这是文本文件", "CSV", "text/CSV")),
    Case("html_renamed.xls", "系统导出的HTML“xls” / an HTML table named .xls", make_html_renamed, 2, ("网页（HTML）", "HTML page")),
    Case("pdf_renamed.xlsx", "改名为 .xlsx 的PDF / a PDF renamed .xlsx", make_pdf_renamed, 2, ("PDF文件", "import-text")),
    Case("docx_renamed.xlsx", "改名为 .xlsx 的Word文档 / a .docx renamed .xlsx", make_docx_renamed, 2, ("Word文档", "Word document")),
    Case("encrypted.xlsx", "设置了打开密码的工作簿（msoffcrypto加密） / password-protected (encrypted) workbook",
         make_encrypted, 2, ("设置了打开密码", "password-protected")),
    Case("zip_bomb.xlsx", "压缩炸弹：3 MB 文件，sheet1.xml 解压为 3.1 GB / zip bomb: 3 MB declaring 3.1 GB",
         make_zip_bomb, 2, ("压缩炸弹", "zip bomb"), note="refused from the zip directory; nothing inflated"),
    Case("zip_bomb_lying.xlsx", "谎报大小的压缩炸弹：目录写 1 KB，实际解压 3.1 GB / zip bomb whose directory claims 1 KB",
         make_lying_zip_bomb, 2, ("已损坏或被篡改", "size or CRC"),
         note="inflation stops 1 MiB past the declared size"),
    Case("zip_bomb_parts.xlsx", "600个各 1 MB 的部件，共 600 MB / 600 parts of 1 MB each", make_many_parts_bomb, 2,
         ("解压后过大", "zip bomb")),
    Case("entity_bomb_shared.xlsx", "sharedStrings.xml 中的“十亿笑”实体炸弹 / billion laughs in sharedStrings.xml",
         make_entity_bomb_shared, 2, ("XML实体炸弹", "billion-laughs")),
    Case("entity_bomb_sheet.xlsx", "工作表XML中的实体炸弹 / billion laughs in a sheet", make_entity_bomb_sheet, 2,
         ("XML实体炸弹", "billion-laughs")),
    Case("xxe.xlsx", "workbook.xml 中的外部实体（读 /etc/passwd） / external entity (XXE) in workbook.xml", make_xxe, 2,
         ("DTD或实体声明", "XXE")),
    # readable but wrong: findings
    Case("empty_workbook.xlsx", "空工作簿 / an empty workbook", make_empty_workbook, 1, writes=False, codes=("ST001",)),
    Case("no_header.xlsx", "没有表头的数据 / data without a header", make_no_header, 1, writes=False, codes=("ST001",)),
    Case("header_only.xlsx", "只有表头、没有数据行 / a header and no rows", make_header_only, 1, writes=False, codes=("ST013",)),
    Case("dimension_million.xlsx", "dimension 声称 A1:L1048576 / <dimension ref=\"A1:L1048576\"/>", make_dimension_million, 0,
         writes=False,
         note="calamine ignores the claim; read as the 13 real rows"),
    Case("far_cell.xlsx", "XFD1048576 有一个真实单元格 / a real cell at XFD1048576", make_far_cell, 0, codes=("ST010",),
         cells=("XFD1048576",), says=("远处的字",),
         note="dense extent 17 billion cells: read sparsely (only real cells)"),
    Case("formula_errors.xlsx", "公式错误值 #DIV/0!、#REF!（已缓存） / cached error values", make_formula_errors, 1,
         codes=("WT001", "VL002"), cells=("K5", "I6"), says=("#DIV/0!", "#REF!")),
    Case("formula_uncached.xlsx", "没有缓存结果的公式（openpyxl写出） / formulas without cached values",
         make_formula_uncached, 1, codes=("WT001",), cells=("K5", "K10"), says=("=10+5", "=SUM(K4:K5)/2"),
         note="the formula text is shown where calamine sees a blank"),
    Case("long_cells.xlsx", "32,767字的单元格 / 32,767-character cells", make_long_cells, 0,
         note="read, checked and written back in full"),
    Case("merge_across_header.xlsx", "项目名称合并单元格跨越表头 / a merge from the header into the data",
         make_merge_across_header, 1, codes=("ST002",), cells=("B4",),
         note="the rows under the merge have no project of their own"),
    Case("merge_two_projects.xlsx", "一个合并单元格跨两个项目 / one project merge over two projects",
         make_merge_two_projects, 1, writes=False, codes=("WT002",)),
    Case("hidden_rows.xlsx", "隐藏行里的错误权重 / a wrong weight in a hidden row", make_hidden_rows, 1, writes=False, codes=("WT002",),
         cells=("K4",), says=("130",), note="hidden rows are checked like visible ones"),
    Case("hidden_sheet.xlsx", "隐藏工作表里的旧表 / an old wrong table on a hidden sheet", make_hidden_sheet, 1,
         codes=("WT002",), cells=("旧版本!K4",), note="hidden sheets are checked like visible ones"),
    Case("dates_bools.xlsx", "数字列中的日期和布尔值 / dates and booleans in number columns", make_dates_bools, 1,
         codes=("WT001", "BG001", "VL002"), cells=("K5", "C4", "I6"), says=("2023-01-15",)),
    Case("fullwidth.xlsx", "全角数字 / full-width digits (２０)", make_fullwidth, 0, writes=False, codes=("NM002",),
         cells=("K4", "K7", "C4"), note="read as 20/30/10 (totals right), flagged as fixable"),
    Case("protected_sheet.xlsx", "工作表保护（无打开密码） / sheet protection without an open password",
         make_protected_sheet, 0, writes=False),
    Case("chartsheet.xlsx", "表格前有一个图表工作表 / a chart sheet before the table", make_chartsheet, 0, writes=False),
    # issue 13
    Case("huge_weights.xlsx", "两个权重为 1e308（合计溢出为 inf） / two weights of 1e308 (their sum is inf)",
         make_huge_weights, 1, codes=("WT001",), cells=("K4", "K5"), says=("超出可计算的数值范围",),
         note="a number ≥ 1e15 (or inf/NaN) is not a weight: WT001 on its cell, no sum overflows"),
    Case("huge_budgets.xlsx", "预算数为 1.7e308 / budgets of 1.7e308", make_huge_budgets, 1, codes=("BG001",),
         cells=("C4", "C9"), says=("超出可计算的数值范围",)),
    Case("sheet_name_markup.xlsx", "工作表名“表[/b][d]”（rich 标记） / a sheet named 表[/b][d] (console markup)",
         make_sheet_name_markup, 1, codes=("WT002",), cells=("表[/b][d]!K4",),
         note="every sheet name, cell and name printed is escaped (text report tested in tests/test_trust.py)"),
    Case("bidi_names.xlsx", "项目名称含 U+202E（从右到左覆盖） / a project name with U+202E", make_bidi_names, 1,
         codes=("WT002",), note="printed as <U+202E> in the text report"),
    Case("tables_on_own_names.xlsx", "表格在名为“校验结果”“权重合计”等的工作表上 / tables on sheets named like xlperf's own",
         make_tables_on_own_names, 0, note="8 projects: only sheets carrying xlperf's marker or its exact header row are skipped"),
    Case("hidden_under_merge.xlsx", "合并单元格下被遮住的内容 / values hidden under merged ranges",
         make_hidden_under_merge, 0, codes=("ST018",), cells=("C6", "D7"), says=("看不见的目标",)),
    Case("overlapping_merges.xlsx", "相互重叠的合并区域（含 A1:XFD1048576） / overlapping merges, one A1:XFD1048576",
         make_overlapping_merges, 0, codes=("ST019",), cells=("B6:B12", "A1:XFD1048576"),
         note="the later range is ignored: both projects read"),
    Case("million_char_cell.xlsx", "一个单元格有100万个字符 / one cell of a million characters", make_million_char_cell, 0,
         codes=("ST020",), cells=("D4",), says=("1,000,000",), note="the first 32,767 kept everywhere; nothing longer is written"),
    Case("utf16_sheet.xlsx", "UTF-16 编码的工作表XML（带BOM） / a UTF-16 sheet part with a BOM", make_utf16_sheet, 0,
         note="decoded and read like UTF-8"),
    Case("utf16_entity_bomb.xlsx", "UTF-16（无BOM）工作表中的实体炸弹 / an entity bomb in a UTF-16 sheet without a BOM",
         make_utf16_entity_bomb, 2, ("DTD", "billion-laughs"), note="the guard scans the decoded text"),
    Case("latin1_part.xlsx", "声明为 ISO-8859-1 的工作表XML / a sheet part declared ISO-8859-1", make_latin1_part, 2,
         ("ISO-8859-1", "only UTF-8/UTF-16")),
    Case("utf16_text.txt", "记事本“Unicode”（UTF-16 LE 带BOM）保存的文本 / Notepad's Unicode text (UTF-16 LE, BOM)",
         make_utf16_text, 0, writes=False, note="read; import-text names the encoding"),
]


def build_all(folder: Path) -> dict[str, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in CASES:
        path = folder / case.name
        case.build(path)
        out[case.name] = path
    return out


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    for name, path in build_all(target).items():
        print(f"{path.stat().st_size:>12,}  {path}")
