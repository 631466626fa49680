"""Minimal deterministic writer for MS-CFB (Compound File Binary) version 3 files.

Enough for a VBA project: storages and streams, 512-byte sectors, one FAT (no DIFAT
sectors, so up to 109 FAT sectors = ~6.8 MB), a MiniFAT for streams < 4096 bytes, and
a directory whose sibling trees are valid red-black trees ordered by the spec's
compare rule (2.6.4: shorter names first, then code-unit order of the upper-cased name).

Determinism: CLSIDs, state bits and timestamps are zero; entries and sectors are laid
out in an order that depends only on the names and bytes given.

Layout: header | FAT sectors | directory | MiniFAT | mini stream | large streams.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["build_cfb", "cfb_name_key", "MINI_STREAM_CUTOFF"]

SECTOR = 512
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096  # streams shorter than this live in the mini stream
_IDS_PER_SECTOR = SECTOR // 4
_HEADER_DIFAT = 109  # FAT sector locations that fit in the header

ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


def _upper(name: str) -> str:
    # Simple (1:1) case mapping per code point, as the spec asks; str.upper() alone
    # would apply full mappings such as "ß" -> "SS".
    return "".join(u if len(u := c.upper()) == 1 else c for c in name)


def cfb_name_key(name: str) -> tuple[int, bytes]:
    """Sort key of the MS-CFB directory compare rule (length first, then upper-case)."""
    units = _upper(name).encode("utf-16-be")  # big-endian bytes sort like UTF-16 code units
    return len(units) // 2, units


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, "_Entry"] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) // 2 > 31:
        raise ValueError(f"CFB entry name must be 1-31 UTF-16 code units: {name!r}")
    if any(c in name for c in "/\\:!"):
        raise ValueError(f"CFB entry name contains a forbidden character: {name!r}")


def _build_tree(streams: dict[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", _ROOT)
    for path in sorted(streams):
        *dirs, leaf = path.split("/")
        node = root
        for part in dirs:
            _check_name(part)
            # Storages keep start sector and size at zero, as the spec requires.
            node = node.children.setdefault(part, _Entry(part, _STORAGE, start=0))
            if node.kind != _STORAGE:
                raise ValueError(f"{path!r}: {part!r} is a stream, not a storage")
        _check_name(leaf)
        if leaf in node.children:
            raise ValueError(f"duplicate CFB entry {path!r}")
        node.children[leaf] = _Entry(leaf, _STREAM, bytes(streams[path]))
    return root


def _link_siblings(siblings: list[_Entry], depth: int, max_depth: int) -> int:
    """Make a balanced BST of `siblings` (already sorted); return the root's stream id.

    Splitting at the midpoint puts every empty child slot at depth D or D+1, where D is
    the deepest node level. Colouring the nodes on level D red (when that level is not
    full) and all others black then satisfies the red-black rules: no red node has a
    red child, and every path from the root to an empty slot crosses the same number
    of black nodes.
    """
    if not siblings:
        return NOSTREAM
    mid = len(siblings) // 2
    node = siblings[mid]
    node.left = _link_siblings(siblings[:mid], depth + 1, max_depth)
    node.right = _link_siblings(siblings[mid + 1:], depth + 1, max_depth)
    node.color = _RED if depth == max_depth else _BLACK
    return node.sid


def _red_level(count: int) -> int:
    """Depth whose nodes are red, or -1 when the tree is perfect (all black)."""
    if (count + 1) & count == 0:  # count + 1 is a power of two: every level is full
        return -1
    return (count + 1).bit_length() - 1  # floor(log2(count + 1)) = deepest level


def _directory(root: _Entry) -> list[_Entry]:
    """Number entries breadth-first (root = 0) and link the sibling trees."""
    order = [root]
    for node in order:  # `order` grows while we walk it
        kids = sorted(node.children.values(), key=lambda e: cfb_name_key(e.name))
        for kid in kids:
            kid.sid = len(order)
            order.append(kid)
        node.child = _link_siblings(kids, 0, _red_level(len(kids)))
    return order


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(first, first + count - 1):
        fat[i] = i + 1
    fat[first + count - 1] = ENDOFCHAIN


def _sectors(nbytes: int, size: int = SECTOR) -> int:
    return -(-nbytes // size)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, e.color, e.left, e.right, e.child,
        bytes(16), 0, 0, 0, e.start, e.size,  # CLSID, state bits, created, modified
    )


_FREE_ENTRY = struct.pack(
    "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0
)


def build_cfb(streams: dict[str, bytes]) -> bytes:
    """Write a CFB v3 file. Keys are paths such as "PROJECT" or "VBA/dir"; storages
    are created from the path prefixes. The result depends only on the contents."""
    entries = _directory(_build_tree(streams))
    stream_entries = [e for e in entries if e.kind == _STREAM]
    small = [e for e in stream_entries if 0 < len(e.data) < MINI_STREAM_CUTOFF]
    large = [e for e in stream_entries if len(e.data) >= MINI_STREAM_CUTOFF]

    # Mini stream: small streams packed in 64-byte mini sectors, chained in the MiniFAT.
    minifat: list[int] = []
    mini = bytearray()
    for e in small:
        count = _sectors(len(e.data), MINI_SECTOR)
        e.start, e.size = len(minifat), len(e.data)
        minifat.extend([0] * count)
        _chain(minifat, e.start, count)
        mini += e.data.ljust(count * MINI_SECTOR, b"\0")

    n_dir = _sectors(len(entries) * 128)
    n_minifat = _sectors(len(minifat) * 4)
    n_mini = _sectors(len(mini))
    n_large = [_sectors(len(e.data)) for e in large]
    n_data = n_dir + n_minifat + n_mini + sum(n_large)
    n_fat = 1
    while n_fat * _IDS_PER_SECTOR < n_fat + n_data:  # the FAT must also map its own sectors
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("project too large for a FAT without DIFAT sectors (> ~6.8 MB)")

    fat = [FREESECT] * (n_fat * _IDS_PER_SECTOR)
    fat[:n_fat] = [FATSECT] * n_fat
    next_sector = n_fat

    def allocate(count: int) -> int:
        nonlocal next_sector
        if count == 0:
            return ENDOFCHAIN
        first = next_sector
        _chain(fat, first, count)
        next_sector += count
        return first

    dir_start = allocate(n_dir)
    minifat_start = allocate(n_minifat)
    root = entries[0]
    root.start, root.size = allocate(n_mini), len(mini)
    for e, count in zip(large, n_large):
        e.start, e.size = allocate(count), len(e.data)

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE, bytes(16),
        0x003E, 0x0003,  # minor / major version: v3
        0xFFFE,  # byte order: little-endian
        9, 6,  # sector shift (512), mini sector shift (64)
        bytes(6),
        0,  # number of directory sectors: MUST be 0 in v3
        n_fat, dir_start,
        0,  # transaction signature
        MINI_STREAM_CUTOFF,
        minifat_start if n_minifat else ENDOFCHAIN, n_minifat,
        ENDOFCHAIN, 0,  # no DIFAT sectors
    )
    header += struct.pack("<109I", *(list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)))

    def pad(blob: bytes | bytearray, fill: bytes = b"\0") -> bytes:
        return bytes(blob) + fill * ((-len(blob) % SECTOR) // len(fill))

    body = [
        struct.pack(f"<{len(fat)}I", *fat),
        pad(b"".join(_dir_entry(e) for e in entries), _FREE_ENTRY),
        pad(struct.pack(f"<{len(minifat)}I", *minifat), struct.pack("<I", FREESECT)),
        pad(mini),
    ]
    body += [pad(e.data) for e in large]
    out = header + b"".join(body)
    assert len(out) == SECTOR * (1 + n_fat + n_data)
    return out
