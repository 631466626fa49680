"""Read the VBA modules of an .xlsm with nothing but the standard library (for ``xlperf doctor``).

The clerk's machine has xlperf's runtime dependencies only (no oletools), and the workbook
builder (``tools.xlsm``) may leave the runtime package, so this is a small, separate reader
written from the specifications: the zip's ``xl/vbaProject.bin`` is a compound file (MS-CFB);
its ``VBA/dir`` stream (MS-OVBA 2.3.4.2, compressed) lists each module's stream name and the
offset of its compressed source (2.4.1).

:func:`module_digest` hashes a module's *code*: line ends normalised, ``Attribute VB_`` lines
and trailing blank lines dropped — what Excel may rewrite when it saves the workbook again —
so a template saved by Excel still matches the manifest while an edited line does not.
:data:`MANIFEST` (``xlperf/data/vba_manifest.json``) holds the digests of the modules the
release workbook was built from; the build writes it and a test keeps it current.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

__all__ = ["VbaReadError", "MANIFEST", "read_vba_project", "read_modules_from_xlsm", "module_digest",
           "code_lines", "load_manifest", "xlwings_version_of", "project_code_page"]

MANIFEST = Path(__file__).parents[1] / "data" / "vba_manifest.json"
_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_MAX_SECTORS = 1 << 20  # far beyond any workbook: a loop guard for a corrupt chain


class VbaReadError(ValueError):
    """The workbook's VBA project cannot be read; the message says why (in Chinese)."""


# --- MS-CFB ---------------------------------------------------------------------------

def _cfb_streams(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file, by path ("VBA/dir")."""
    if len(data) < 512 or data[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
        raise VbaReadError("vbaProject.bin 不是复合文档（not a compound file）")
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    size, mini_size = 1 << sector_shift, 1 << mini_shift
    n_fat, first_dir, _, mini_cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
        "<IIIIIIII", data, 44)

    def sector(index: int) -> bytes:
        start = 512 + index * size if size == 512 else size * (index + 1)
        if start + size > len(data):
            raise VbaReadError("vbaProject.bin 已截断（truncated compound file）")
        return data[start:start + size]

    difat = [i for i in struct.unpack_from("<109I", data, 76) if i != _FREE]
    nxt, seen = first_difat, 0
    while nxt not in (_FREE, _END_OF_CHAIN) and seen < n_difat + 1:
        words = struct.unpack(f"<{size // 4}I", sector(nxt))
        difat += [i for i in words[:-1] if i != _FREE]
        nxt, seen = words[-1], seen + 1
    fat: list[int] = []
    for index in difat[:n_fat]:
        fat += struct.unpack(f"<{size // 4}I", sector(index))

    def chain(first: int) -> bytes:
        out, cur, count = bytearray(), first, 0
        while cur not in (_END_OF_CHAIN, _FREE):
            if cur >= len(fat) or count > _MAX_SECTORS:
                raise VbaReadError("vbaProject.bin 的扇区链损坏（broken sector chain）")
            out += sector(cur)
            cur, count = fat[cur], count + 1
        return bytes(out)

    directory = chain(first_dir)
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len = struct.unpack_from("<H", directory, off + 64)[0]
        name = directory[off:off + max(name_len - 2, 0)].decode("utf-16-le", "replace")
        kind = directory[off + 66]
        left, right, child = struct.unpack_from("<III", directory, off + 68)
        start, length = struct.unpack_from("<IQ", directory, off + 116)
        entries.append((name, kind, left, right, child, start, length & 0xFFFFFFFF))
    if not entries or entries[0][1] != 5:
        raise VbaReadError("vbaProject.bin 没有根目录（no root entry）")
    mini_stream = chain(entries[0][5]) if entries[0][6] else b""
    minifat: list[int] = []
    if n_minifat:
        raw = chain(first_minifat)
        minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw))

    def read(start: int, length: int) -> bytes:
        if length >= mini_cutoff:
            return chain(start)[:length]
        out, cur, count = bytearray(), start, 0
        while cur not in (_END_OF_CHAIN, _FREE) and len(out) < length:
            if cur >= len(minifat) or count > _MAX_SECTORS:
                raise VbaReadError("vbaProject.bin 的小扇区链损坏（broken mini stream chain）")
            out += mini_stream[cur * mini_size:(cur + 1) * mini_size]
            cur, count = minifat[cur], count + 1
        return bytes(out[:length])

    streams: dict[str, bytes] = {}

    def walk(index: int, prefix: str, depth: int) -> None:
        if index == _FREE or index >= len(entries) or depth > 64:
            return
        name, kind, left, right, child, start, length = entries[index]
        walk(left, prefix, depth + 1)
        walk(right, prefix, depth + 1)
        if kind == 2:
            streams[prefix + name] = read(start, length)
        elif kind == 1:
            walk(child, prefix + name + "/", depth + 1)

    walk(entries[0][4], "", 0)
    return streams


# --- MS-OVBA --------------------------------------------------------------------------

def _decompress(container: bytes) -> bytes:
    """MS-OVBA 2.4.1 CompressedContainer -> bytes."""
    if not container or container[0] != 1:
        raise VbaReadError("VBA 数据压缩格式不正确（bad CompressedContainer）")
    out, cur = bytearray(), 1
    while cur + 2 <= len(container):
        header = int.from_bytes(container[cur:cur + 2], "little")
        end = min(cur + (header & 0x0FFF) + 3, len(container))
        cur += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += container[cur:end]
            cur = end
            continue
        while cur < end:
            flags = container[cur]
            cur += 1
            for bit in range(8):
                if cur >= end:
                    break
                if not flags >> bit & 1:
                    out.append(container[cur])
                    cur += 1
                    continue
                token = int.from_bytes(container[cur:cur + 2], "little")
                cur += 2
                used = len(out) - chunk_start
                bits = max((used - 1).bit_length(), 4) if used > 1 else 4
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                src = len(out) - offset
                if src < chunk_start:
                    raise VbaReadError("VBA 数据已损坏（copy token before its chunk）")
                for i in range(length):
                    out.append(out[src + i])
    return bytes(out)


def _dir_records(data: bytes) -> list[tuple[int, bytes]]:
    records, pos = [], 0
    while pos + 6 <= len(data):
        rec_id, size = struct.unpack_from("<HI", data, pos)
        if rec_id == 0x0009:  # PROJECTVERSION: Size says 4, 6 bytes follow
            size = 6
        records.append((rec_id, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
        if rec_id == 0x0010:  # dir terminator
            break
    return records


def read_vba_project(bin_bytes: bytes) -> tuple[int, dict[str, str]]:
    """(code page, module name -> source text) of a vbaProject.bin."""
    streams = _cfb_streams(bin_bytes)
    lowered = {k.lower(): v for k, v in streams.items()}
    if "vba/dir" not in lowered:
        raise VbaReadError("VBA 工程中没有 dir 流（no VBA/dir stream）")
    records = _dir_records(_decompress(lowered["vba/dir"]))
    code_page = 1252
    modules: dict[str, str] = {}
    name = stream = None
    offset = 0
    for rec_id, payload in records:
        if rec_id == 0x0003:
            code_page = struct.unpack("<H", payload[:2])[0]
        elif rec_id == 0x0019:
            name, stream, offset = payload.decode(f"cp{code_page}", "replace"), None, 0
        elif rec_id == 0x0047 and payload:
            name = payload.decode("utf-16-le", "replace")
        elif rec_id == 0x001A:
            stream = payload.decode(f"cp{code_page}", "replace")
        elif rec_id == 0x0032 and payload:
            stream = payload.decode("utf-16-le", "replace")
        elif rec_id == 0x0031:
            offset = struct.unpack("<I", payload[:4])[0]
        elif rec_id == 0x002B and name is not None:
            raw = lowered.get(f"vba/{(stream or name).lower()}")
            if raw is None:
                raise VbaReadError(f"VBA 模块 {name} 的数据流不存在（module stream missing）")
            modules[name] = _decompress(raw[offset:]).decode(f"cp{code_page}", "replace")
            name = None
    return code_page, modules


def _vba_bin(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as z:
            try:
                return z.read("xl/vbaProject.bin")
            except KeyError:
                raise VbaReadError("工作簿中没有 VBA 工程（xl/vbaProject.bin）：它不是 xlperf 的宏模板，"
                                   "或已被另存为 .xlsx") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise VbaReadError(f"无法打开工作簿（{type(e).__name__}: {e}）：文件已损坏或不是 .xlsm") from None


def read_modules_from_xlsm(path: Path) -> dict[str, str]:
    """Module name -> source text of the VBA project in an .xlsm."""
    return read_vba_project(_vba_bin(Path(path)))[1]


def project_code_page(path: Path) -> int:
    return read_vba_project(_vba_bin(Path(path)))[0]


def code_lines(text: str) -> list[str]:
    """A module's code as compared: no .cls header, no ``Attribute VB_`` lines, no trailing
    whitespace or trailing blank lines (VBE adds or trims them when it saves)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        try:
            lines = lines[lines.index("END") + 1:]
        except ValueError:
            pass
    lines = [line.rstrip() for line in lines if not re.match(r"^Attribute\s+VB_", line, re.IGNORECASE)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def module_digest(text: str) -> str:
    return hashlib.sha256("\n".join(code_lines(text)).encode("utf-8")).hexdigest()


def xlwings_version_of(modules: dict[str, str]) -> str | None:
    """The xlwings version the workbook's ``xlwings`` module was copied from (``'Version: X``)."""
    text = modules.get("xlwings", "")
    m = re.search(r"^'Version:\s*([\w.]+)", text, re.M)
    return m.group(1) if m else None


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
