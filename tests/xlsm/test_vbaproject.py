"""MS-OVBA compression, the CFB writer and the vbaProject.bin builder, checked against
oletools/olefile (independent readers) and against the specifications' invariants."""

from __future__ import annotations

import random
import re
import struct
import time

import olefile
import pytest
from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

from tools.xlsm.cfb import build_cfb, cfb_name_key
from tools.xlsm.ovba_compress import compress, decompress
from tools.xlsm.vbaproject import Module, build_vba_project, module_source, read_modules

from .vba_sources import RIBBON_PERF, crlf, strip_attributes


# --- compression ------------------------------------------------------------------------

def chunks(container: bytes) -> list[tuple[int, bool]]:
    """(chunk size incl. header, compressed flag) for each chunk of a container."""
    out, cur = [], 1
    while cur < len(container):
        header = int.from_bytes(container[cur:cur + 2], "little")
        assert header & 0x7000 == 0x3000, "chunk signature must be 0b011"
        size = (header & 0x0FFF) + 3
        out.append((size, bool(header & 0x8000)))
        cur += size
    assert cur == len(container)
    return out


def roundtrip(data: bytes) -> bytes:
    packed = compress(data)
    assert decompress(packed) == data
    assert decompress_stream(packed) == data  # oletools, an independent decoder
    return packed


@pytest.mark.parametrize("size", [0, 1, 2, 3, 17, 657, 3000, 4095, 4096, 4097, 9000, 20000])
def test_random_bytes_roundtrip(size):
    data = random.Random(size).randbytes(size)
    roundtrip(data)


@pytest.mark.parametrize("size", [3700, 4095, 4096 + 3700, 3 * 4096])
def test_incompressible_data_raw_only_when_full(size):
    data = random.Random(size).randbytes(size)
    layout = chunks(roundtrip(data))
    full, rest = divmod(size, 4096)
    # every full 4096-byte chunk of random data is stored raw: exactly 4096 bytes + header
    assert layout[:full] == [(4098, False)] * full
    # the short tail is never a (zero-padded) raw chunk
    assert all(compressed for _, compressed in layout[full:])
    assert (len(layout) > full) == (rest > 0)


def test_long_runs_use_max_length_copy_tokens():
    # A run of one byte is one literal plus copy tokens of the maximum length for the
    # position; a wrong maximum-length formula corrupts exactly this case.
    for size in (18, 100, 4096, 10000):
        packed = roundtrip(b"a" * size)
        assert len(packed) < 16 * (size // 4096 + 1)
    roundtrip(b"ab" * 3000 + b"abc" * 2000)


def test_real_vba_text_roundtrips_and_compresses(xlwings_bas, modules):
    for module in modules:
        data = module_source(module).encode("cp936")
        packed = roundtrip(data)
        if len(data) > 2000:
            assert len(packed) < 0.7 * len(data), module.name
    big = xlwings_bas.encode("ascii")
    assert len(big) > 40000
    assert all(compressed for _, compressed in chunks(roundtrip(big)))


def test_compression_speed_100k(xlwings_bas, modules):
    data = (xlwings_bas + module_source(modules[-2]) * 6).encode("cp936")[:100_000]
    assert len(data) == 100_000
    start = time.perf_counter()
    packed = compress(data)
    elapsed = time.perf_counter() - start
    assert decompress(packed) == data
    assert elapsed < 2.0, f"compressing 100 KB took {elapsed:.2f} s"


@pytest.mark.parametrize("bad", [b"", b"\x02\x00\xb0\x00", b"\x01\xff\x3f" + b"x" * 100, b"\x01\x02\xb0\x01\x00\x00"])
def test_decompress_rejects_malformed(bad):
    # wrong signature; raw chunk shorter than 4096; copy token before the chunk start
    with pytest.raises(ValueError):
        decompress(bad)


# --- CFB writer ---------------------------------------------------------------------------

RED, BLACK = 0, 1  # MS-CFB 2.6.1 Color Flag

def check_sibling_trees(ole: olefile.OleFileIO) -> None:
    """Every storage's children: in-order = spec order, and valid red-black colouring."""
    entries = ole.direntries

    def walk(sid: int, depth_black: int, out: list[str], heights: set[int], parent_red: bool) -> None:
        if sid == olefile.NOSTREAM:
            heights.add(depth_black)
            return
        entry = entries[sid]
        red = entry.color == RED
        assert not (red and parent_red), f"red node {entry.name!r} has a red parent"
        black = depth_black + (0 if red else 1)
        walk(entry.sid_left, black, out, heights, red)
        out.append(entry.name)
        walk(entry.sid_right, black, out, heights, red)

    for entry in entries:
        if entry is None or entry.entry_type not in (olefile.STGTY_STORAGE, olefile.STGTY_ROOT):
            continue
        if entry.sid_child == olefile.NOSTREAM:
            continue
        assert entries[entry.sid_child].color == BLACK, "tree root must be black"
        names: list[str] = []
        heights: set[int] = set()
        walk(entry.sid_child, 0, names, heights, False)
        assert names == sorted(names, key=cfb_name_key), f"children of {entry.name!r} out of order"
        assert len(heights) == 1, f"black heights differ under {entry.name!r}: {heights}"


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 13, 31])
def test_cfb_streams_and_tree(count):
    rnd = random.Random(count)
    streams = {f"S/{'x' * (i % 5 + 1)}{i}": rnd.randbytes(rnd.choice([0, 5, 64, 65, 4095, 4096, 9000]))
               for i in range(count)}
    streams["Top"] = b"top"
    data = build_cfb(streams)
    assert len(data) % 512 == 0
    assert data == build_cfb(dict(reversed(list(streams.items()))))  # order-independent
    ole = olefile.OleFileIO(data)
    for path, blob in streams.items():
        assert ole.openstream(path).read() == blob
    check_sibling_trees(ole)


def test_cfb_compare_rule():
    # shorter names sort first; equal lengths compare upper-cased
    names = ["dir", "Sheet10", "_VBA_PROJECT", "sheet2", "ThisWorkbook", "a", "B"]
    assert sorted(names, key=cfb_name_key) == ["a", "B", "dir", "sheet2", "Sheet10", "ThisWorkbook", "_VBA_PROJECT"]


def test_cfb_rejects_bad_names():
    with pytest.raises(ValueError):
        build_cfb({"x" * 32: b""})
    with pytest.raises(ValueError):
        build_cfb({"a:b": b""})


# --- the VBA project ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def project_bin(modules) -> bytes:
    return build_vba_project(modules)


def test_modules_read_back_identical_without_warnings(project_bin, modules, tmp_path, log_capture):
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(project_bin)
    with log_capture("olevba", "olefile") as logs:
        parser = VBA_Parser(str(path))
        found = {vba_filename: (stream, code) for _, stream, vba_filename, code in parser.extract_macros()}
        parser.close()
    assert logs.problems() == []
    expected_names = {m.name + (".bas" if m.kind == "standard" else ".cls") for m in modules}
    assert set(found) == expected_names  # also: no orphan streams guessed as code
    for module in modules:
        ext = ".bas" if module.kind == "standard" else ".cls"
        stream, code = found[module.name + ext]
        assert stream == f"VBA/{module.name}"
        assert strip_attributes(code) == strip_attributes(module.code), module.name
        assert code == module_source(module)  # exact stored text, CRLF included
    assert "绩效目标申报表已就绪" in found["ThisWorkbook.cls"][1]


def test_read_modules(project_bin, modules):
    assert read_modules(project_bin) == {m.name: module_source(m) for m in modules}


def test_dir_stream_records(project_bin, modules):
    ole = olefile.OleFileIO(project_bin)
    dir_data = decompress(ole.openstream("VBA/dir").read())
    # PROJECTSYSKIND 3 (Win64), PROJECTLCID 0x409, PROJECTLCIDINVOKE 0x409, PROJECTCODEPAGE 936
    assert dir_data.startswith(struct.pack("<HII HII HII HIH", 1, 4, 3, 2, 4, 0x409, 0x14, 4, 0x409, 3, 2, 936))
    for libid in (rb"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation",
                  rb"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
                  rb"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"):
        assert struct.pack("<I", len(libid)) + libid + bytes(6) in dir_data

    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)  # strict: raises on oddities
    project.parse_project_stream()
    list(project.parse_modules())
    assert (project.syskind, project.codepage, project.codec) == (3, 936, "cp936")
    assert project.projectname == "VBAProject"
    kinds = {m.name: (m.type, m.textoffset) for m in project.modules}
    assert kinds == {m.name: (0x21 if m.kind == "standard" else 0x22, 0) for m in modules}


def test_vba_project_stream_is_7_bytes(project_bin):
    ole = olefile.OleFileIO(project_bin)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000300")
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(
        ["PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/ThisWorkbook", "VBA/Sheet1",
         "VBA/Sheet2", "VBA/RibbonPerf", "VBA/Dictionary", "VBA/Bulk", "VBA/xlwings"])
    check_sibling_trees(ole)


def decrypt(hex_text: str, project_id: str) -> bytes:
    """MS-OVBA 2.4.3.3 Data Decryption (independent of the builder's encryption)."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = raw[:3]
    assert seed ^ version_enc == 2
    assert seed ^ proj_key_enc == sum(project_id.encode()) & 0xFF
    unencrypted, enc1, enc2 = seed ^ proj_key_enc, proj_key_enc, version_enc
    plain = bytearray()
    for byte in raw[3:]:
        value = byte ^ ((enc2 + unencrypted) & 0xFF)
        plain.append(value)
        enc2, enc1, unencrypted = enc1, byte, value
    ignored = (seed & 6) // 2
    length = int.from_bytes(plain[ignored:ignored + 4], "little")
    data = bytes(plain[ignored + 4:])
    assert len(data) == length
    return data


def test_project_stream(project_bin, modules):
    ole = olefile.OleFileIO(project_bin)
    text = ole.openstream("PROJECT").read().decode("cp936")
    lines = text.split("\r\n")
    assert re.fullmatch(r'ID="\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}"', lines[0])
    project_id = lines[0][4:-1]
    assert lines[1:8] == ["Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000",
                          "Document=Sheet2/&H00000000", "Module=RibbonPerf", "Class=Dictionary",
                          "Module=Bulk", "Module=xlwings"]
    assert 'Name="VBAProject"' in lines and "[Host Extender Info]" in lines
    values = dict(line.split("=", 1) for line in lines if line.startswith(("CMG=", "DPB=", "GC=")))
    assert decrypt(values["CMG"].strip('"'), project_id) == bytes(4)  # not protected
    assert decrypt(values["DPB"].strip('"'), project_id) == b"\0"  # no password
    assert decrypt(values["GC"].strip('"'), project_id) == b"\xff"  # visible
    assert lines[lines.index("[Workspace]") + 1:-1] == [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    wm = ole.openstream("PROJECTwm").read()
    assert wm.startswith(b"ThisWorkbook\0" + "ThisWorkbook".encode("utf-16-le") + b"\0\0")
    assert wm.endswith(b"xlwings\0" + "xlwings".encode("utf-16-le") + b"\0\0\0\0")


def test_attribute_order(modules):
    by_name = {m.name: module_source(m).split("\r\n") for m in modules}
    order = ["VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId",
             "VB_Exposed", "VB_TemplateDerived", "VB_Customizable"]
    for name in ("ThisWorkbook", "Sheet1", "Sheet2", "Dictionary"):
        head = [line.split()[1] for line in by_name[name][:8]]
        assert head == order, name
    assert by_name["Sheet1"][1] == 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"'
    assert by_name["Sheet2"][4] == "Attribute VB_PredeclaredId = True"  # document default filled in
    assert by_name["Dictionary"][1] == 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'
    assert by_name["Dictionary"][8] == 'Attribute VB_Description = "简单字典：键 -> 值"'
    assert by_name["Dictionary"][9] == "''"  # the VERSION/BEGIN/END header is gone
    assert by_name["RibbonPerf"][:2] == ['Attribute VB_Name = "RibbonPerf"', "Option Explicit"]


def test_build_is_deterministic(modules, project_bin):
    assert build_vba_project(list(modules)) == project_bin
    other = build_vba_project(modules, project_name="OtherProject")
    assert other != project_bin  # the project ID follows the name


def test_builder_rejects_bad_input():
    with pytest.raises(ValueError, match="VB_Name"):
        build_vba_project([Module("Other", "standard", crlf(RIBBON_PERF))])
    with pytest.raises(ValueError, match="duplicate"):
        build_vba_project([Module("A", "standard", ""), Module("a", "class", "")])
    with pytest.raises(ValueError):
        build_vba_project([Module("Bad Name", "standard", "")])
    with pytest.raises(UnicodeEncodeError):  # not representable in code page 936
        build_vba_project([Module("A", "standard", "' \U0001F600")])
