"""Build an Excel ``vbaProject.bin`` from VBE-exported module text (MS-OVBA).

The project is *source only*: ``_VBA_PROJECT`` is the 7-byte form MS-OVBA 2.3.4.1
requires on write (version 0xFFFF, no performance cache) and every module has
TextOffset 0, so Excel compiles the source when it opens the file. This is the shape
of the vbaProject.bin xlwings itself ships (research notes, sections 1 and 3).

Code page: module text, module names and the PROJECT stream are MBCS in the project
code page. Our modules contain Chinese strings, which code page 1252 cannot hold, so
the project declares code page 936 (GBK) -- what Excel itself writes on a Windows
machine whose ANSI code page is 936, as our users' machines are. Text that GBK
cannot encode raises UnicodeEncodeError instead of being silently replaced.
PROJECTLCID stays 0x409 because MS-OVBA says it MUST.

Everything is deterministic: the project ID is a uuid5 of the project name, and the
CMG/DPB/GC protection values use fixed seeds.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Literal

from .cfb import build_cfb
from .ovba_compress import compress

__all__ = ["Module", "build_vba_project", "module_source", "read_modules", "CODE_PAGE", "CODEC"]

CODE_PAGE = 936
CODEC = "cp936"
SYSKIND_WIN64 = 3
LCID_EN_US = 0x409

REFERENCES = (  # (name, LIBID of a registered type library)
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    ("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
               r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"),
)

# VB_Base values Excel writes for a workbook, a worksheet and a class module.
BASE_WORKBOOK = '"0{00020819-0000-0000-C000-000000000046}"'
BASE_WORKSHEET = '"0{00020820-0000-0000-C000-000000000046}"'
BASE_CLASS = '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'

# Module attributes in the order Excel writes them, with Excel's defaults.
_DOCUMENT_DEFAULTS = {
    "VB_GlobalNameSpace": "False", "VB_Creatable": "False", "VB_PredeclaredId": "True",
    "VB_Exposed": "True", "VB_TemplateDerived": "False", "VB_Customizable": "True",
}
_CLASS_DEFAULTS = {
    "VB_GlobalNameSpace": "False", "VB_Creatable": "False", "VB_PredeclaredId": "False",
    "VB_Exposed": "False", "VB_TemplateDerived": "False", "VB_Customizable": "False",
}
_ORDER = ("VB_Name", "VB_Base", *_DOCUMENT_DEFAULTS)

_MODULE_ATTR = re.compile(r"^Attribute\s+(VB_\w+)\s*=\s*(.*?)\s*$", re.IGNORECASE)
# A letter (any script), then letters, digits or "_": at most 31 characters.
_IDENTIFIER = re.compile(r"^[^\W\d_]\w{0,30}$")

ModuleKind = Literal["standard", "class", "document"]


@dataclass(frozen=True)
class Module:
    """One VBA module. `code` is VBE export text (.bas/.cls), any line endings.

    For document modules, VB_Base defaults to the workbook base when the name is
    "ThisWorkbook" and to the worksheet base otherwise; a VB_Base line in `code` wins.
    """

    name: str
    kind: ModuleKind
    code: str


def module_source(module: Module) -> str:
    """The module text as stored in the project: CRLF, ``VERSION``/``BEGIN…END`` header
    dropped, module attributes first in Excel's order, then the code unchanged."""
    if module.kind not in ("standard", "class", "document"):
        raise ValueError(f"{module.name}: unknown module kind {module.kind!r}")
    lines = module.code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip().upper().startswith("VERSION "):
        # .cls export header: VERSION 1.0 CLASS / BEGIN / MultiUse = -1 / END
        try:
            end = next(i for i, line in enumerate(lines) if line.strip().upper() == "END")
        except StopIteration:
            raise ValueError(f"{module.name}: VERSION header without END") from None
        lines = lines[end + 1:]

    attrs: dict[str, str] = {}
    while lines and (m := _MODULE_ATTR.match(lines[0])):
        # Normalise the key's case so "Attribute vb_name" still maps to VB_Name.
        key = next((k for k in _ORDER if k.lower() == m[1].lower()), m[1])
        attrs[key] = m[2]
        lines.pop(0)

    declared = attrs.pop("VB_Name", None)
    if declared is not None and declared.strip('"') != module.name:
        raise ValueError(f"module {module.name!r} declares VB_Name = {declared}")
    ordered = {"VB_Name": f'"{module.name}"'}
    if module.kind != "standard":
        if module.kind == "class":
            base, defaults = BASE_CLASS, _CLASS_DEFAULTS
        else:
            base = BASE_WORKBOOK if module.name == "ThisWorkbook" else BASE_WORKSHEET
            defaults = _DOCUMENT_DEFAULTS
        ordered["VB_Base"] = attrs.pop("VB_Base", base)
        for key, default in defaults.items():
            ordered[key] = attrs.pop(key, default)
    ordered.update(attrs)  # anything else (e.g. a module-level VB_Description) keeps its order

    head = [f"Attribute {key} = {value}" for key, value in ordered.items()]
    return "\r\n".join(head + lines)


# --- records --------------------------------------------------------------------------

def _mbcs(text: str) -> bytes:
    return text.encode(CODEC)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _rec(rec_id: int, payload: bytes) -> bytes:
    """Id (2 bytes) + Size (4 bytes) + payload: the shape of most dir records."""
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _dual(rec_id: int, text: str, unicode_id: int) -> bytes:
    """MBCS record followed by its UTF-16 twin (PROJECTDOCSTRING, MODULESTREAMNAME, …)."""
    return _rec(rec_id, _mbcs(text)) + _rec(unicode_id, _utf16(text))


def _dir_stream(project_name: str, modules: list[Module]) -> bytes:
    out = [
        _rec(0x0001, _u32(SYSKIND_WIN64)),  # PROJECTSYSKIND
        _rec(0x0002, _u32(LCID_EN_US)),  # PROJECTLCID
        _rec(0x0014, _u32(LCID_EN_US)),  # PROJECTLCIDINVOKE
        _rec(0x0003, _u16(CODE_PAGE)),  # PROJECTCODEPAGE
        _rec(0x0004, _mbcs(project_name)),  # PROJECTNAME
        _dual(0x0005, "", 0x0040),  # PROJECTDOCSTRING
        _dual(0x0006, "", 0x003D),  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
        _rec(0x0007, _u32(0)),  # PROJECTHELPCONTEXT
        _rec(0x0008, _u32(0)),  # PROJECTLIBFLAGS
        # PROJECTVERSION: its "Reserved" field reads 4 although 6 bytes follow.
        struct.pack("<HIIH", 0x0009, 4, 1, 0),
        _dual(0x000C, "", 0x003C),  # PROJECTCONSTANTS
    ]
    for name, libid in REFERENCES:
        out.append(_dual(0x0016, name, 0x003E))  # REFERENCENAME
        libid_bytes = libid.encode("ascii")
        registered = _u32(len(libid_bytes)) + libid_bytes + _u32(0) + _u16(0)
        out.append(_rec(0x000D, registered))  # REFERENCEREGISTERED
    out.append(_rec(0x000F, _u16(len(modules))))  # PROJECTMODULES
    out.append(_rec(0x0013, _u16(0xFFFF)))  # PROJECTCOOKIE: 0xFFFF on write
    for module in modules:
        out += [
            _rec(0x0019, _mbcs(module.name)),  # MODULENAME
            _rec(0x0047, _utf16(module.name)),  # MODULENAMEUNICODE
            _dual(0x001A, module.name, 0x0032),  # MODULESTREAMNAME (stream = module name)
            _dual(0x001C, "", 0x0048),  # MODULEDOCSTRING
            _rec(0x0031, _u32(0)),  # MODULEOFFSET: source only, no p-code before it
            _rec(0x001E, _u32(0)),  # MODULEHELPCONTEXT
            _rec(0x002C, _u16(0xFFFF)),  # MODULECOOKIE
            # MODULETYPE: 0x21 procedural; 0x22 document, class or designer.
            struct.pack("<HI", 0x0021 if module.kind == "standard" else 0x0022, 0),
            struct.pack("<HI", 0x002B, 0),  # module terminator
        ]
    out.append(struct.pack("<HI", 0x0010, 0))  # dir terminator
    return b"".join(out)


def _project_id(project_name: str) -> str:
    return "{%s}" % str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:xlperf:vba-project:{project_name}")).upper()


def _encrypt(project_id: str, data: bytes, label: str) -> str:
    """MS-OVBA 2.4.3.2 data encryption, used for CMG/DPB/GC.

    The spec takes a random Seed and random ignored bytes; we derive both from the
    project ID so builds are reproducible. ProjKey is the byte sum of the ID text.
    (Checked against the values in xlwings' Excel-saved quickstart project.)
    """
    noise = hashlib.sha256(f"{project_id}/{label}".encode()).digest()
    seed = noise[0]
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    proj_key_enc = seed ^ proj_key
    out = bytearray([seed, version_enc, proj_key_enc])
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, proj_key_enc, version_enc
    ignored = noise[1:1 + (seed & 6) // 2]
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte
    return out.hex().upper()


def _project_stream(project_name: str, project_id: str, modules: list[Module]) -> bytes:
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == "class":
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(project_id, _u32(0), "CMG")}"',  # protection state: none
        f'DPB="{_encrypt(project_id, bytes([0]), "DPB")}"',  # password: none
        f'GC="{_encrypt(project_id, bytes([0xFF]), "GC")}"',  # visibility: visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in modules),
    ]
    return _mbcs("".join(line + "\r\n" for line in lines))


def _project_wm(modules: list[Module]) -> bytes:
    """PROJECTwm: each module name in MBCS and UTF-16, each NUL-terminated."""
    parts = [_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules]
    return b"".join(parts) + b"\0\0"


def _validate(project_name: str, modules: list[Module]) -> None:
    if not _IDENTIFIER.match(project_name):
        raise ValueError(f"invalid VBA project name {project_name!r}")
    seen: set[str] = set()
    for module in modules:
        if not _IDENTIFIER.match(module.name):
            raise ValueError(f"invalid VBA module name {module.name!r}")
        if module.name.lower() in seen:  # VBA names are case-insensitive
            raise ValueError(f"duplicate module name {module.name!r}")
        seen.add(module.name.lower())


def build_vba_project(modules: list[Module], project_name: str = "VBAProject") -> bytes:
    """Return the bytes of a source-only vbaProject.bin holding `modules` in order."""
    modules = list(modules)
    _validate(project_name, modules)
    project_id = _project_id(project_name)
    streams = {
        "PROJECT": _project_stream(project_name, project_id, modules),
        "PROJECTwm": _project_wm(modules),
        # MS-OVBA 2.3.4.1: Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3
        # (ignored; 0x0003 here). No PerformanceCache on write.
        "VBA/_VBA_PROJECT": bytes.fromhex("cc61ffff000300"),
        "VBA/dir": compress(_dir_stream(project_name, modules)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(_mbcs(module_source(module)))
    return build_cfb(streams)


def read_modules(bin_bytes: bytes) -> dict[str, str]:
    """Module name -> source text, read back with oletools (for tests and checks)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser("vbaProject.bin", data=bytes(bin_bytes))
    # Stomping detection needs a file on disk and only warns for in-memory data; a
    # source-only project has no p-code to compare against anyway.
    parser.vba_stomping_detected = False
    try:
        return {
            vba_filename.rsplit(".", 1)[0]: code
            for _, stream_path, vba_filename, code in parser.extract_macros()
            if stream_path.startswith("VBA/")  # skip olevba's orphan-stream guesses
        }
    finally:
        parser.close()
