"""MS-OVBA 2.4.1 compression ("CompressedContainer") and decompression.

VBA stores the ``dir`` stream and every module's source text in this LZ77 variant:
a signature byte 0x01 followed by chunks, each holding at most 4096 decompressed
bytes. A chunk is either *compressed* (flag bytes + literal/copy tokens) or *raw*
(exactly 4096 bytes copied verbatim).

Written from the specification (sections 2.4.1.1 structures, 2.4.1.3 algorithms).
The matcher is greedy like the spec's, but finds candidates through a hash chain of
3-byte prefixes instead of scanning the whole chunk, so ~100 KB of source compresses
in well under a second. Any valid token stream decompresses to the same bytes, so
the output need not be byte-identical to Office's; it is deterministic.
"""

from __future__ import annotations

__all__ = ["compress", "decompress", "CHUNK_SIZE"]

CHUNK_SIZE = 4096  # decompressed bytes per chunk (2.4.1.1.3)
_MAX_CHUNK_DATA = 4096  # CompressedChunkSize is 12 bits: size - 3 <= 4095, minus a 2-byte header
_SIGNATURE = 0x01
_HEADER_SIGNATURE = 0b011 << 12  # CompressedChunkSignature, bits 12-14
_HEADER_COMPRESSED = 0x8000  # CompressedChunkFlag, bit 15
_MIN_MATCH = 3  # a CopyToken encodes length - 3
_MAX_CHAIN = 256  # candidates tried per position: bounds worst-case time, stays deterministic


def _bit_count(difference: int) -> int:
    """CopyToken Help (2.4.1.3.19.1): offset bits for `difference` bytes into the chunk.

    max(ceil(log2(difference)), 4), computed on integers to avoid float rounding.
    """
    return max((difference - 1).bit_length(), 4)


def _max_length(difference: int) -> int:
    # (0xFFFF >> bit_count) + 3 -- the shift is to the right; a left shift here is the
    # bug that garbled modules in a published package (see research notes section 3a).
    return (0xFFFF >> _bit_count(difference)) + _MIN_MATCH


def _match_length(buf: bytes, cand: int, pos: int, limit: int) -> int:
    """Length of the common run of buf[cand:] and buf[pos:], capped at `limit`.

    Comparing against the *input* buffer is exact even when the match overlaps the
    current position (cand + length > pos): the decompressor copies byte by byte, so
    it reproduces exactly the bytes we are compressing.
    """
    n = _MIN_MATCH  # callers only pass candidates whose 3-byte prefix already matches
    step = 32
    while n + step <= limit and buf[cand + n:cand + n + step] == buf[pos + n:pos + n + step]:
        n += step
    while n < limit and buf[cand + n] == buf[pos + n]:
        n += 1
    return n


def _tokenize(chunk: bytes) -> bytes:
    """Encode one chunk's bytes as TokenSequences (flag byte + up to 8 tokens)."""
    size = len(chunk)
    out = bytearray()
    chains: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions, ascending

    def remember(p: int) -> None:
        if p + _MIN_MATCH <= size:
            chains.setdefault(chunk[p:p + _MIN_MATCH], []).append(p)

    pos = 0
    while pos < size:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= size:
                break
            best_len, best_cand = 0, 0
            candidates = chains.get(chunk[pos:pos + _MIN_MATCH]) if pos + _MIN_MATCH <= size else None
            if candidates:
                limit = min(_max_length(pos), size - pos)
                # Nearest candidates first; a farther one must be strictly longer (as in
                # the spec's Matching procedure, 2.4.1.3.19.4).
                for cand in reversed(candidates[-_MAX_CHAIN:]):
                    if best_len:
                        if best_len >= limit:
                            break
                        if chunk[cand + best_len] != chunk[pos + best_len]:
                            continue  # cannot beat the current best: skip the full compare
                    length = _match_length(chunk, cand, pos, limit)
                    if length > best_len:
                        best_len, best_cand = length, cand
            if best_len >= _MIN_MATCH:
                bits = _bit_count(pos)
                token = ((pos - best_cand - 1) << (16 - bits)) | (best_len - _MIN_MATCH)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def _compressed_chunk(body: bytes) -> bytes:
    header = _HEADER_COMPRESSED | _HEADER_SIGNATURE | (len(body) + 2 - 3)
    return header.to_bytes(2, "little") + body


def _encode_chunk(chunk: bytes) -> bytes:
    body = _tokenize(chunk)
    if len(body) <= _MAX_CHUNK_DATA:
        return _compressed_chunk(body)
    if len(chunk) == CHUNK_SIZE:
        # Incompressible full chunk: a RawChunk holds exactly 4096 bytes (2.4.1.3.10).
        header = _HEADER_SIGNATURE | (CHUNK_SIZE + 2 - 3)
        return header.to_bytes(2, "little") + chunk
    # Incompressible *short final* chunk whose tokens exceed 4096 bytes. The spec's own
    # algorithm would emit a RawChunk padded with zeros, which decompresses to extra NUL
    # bytes. Instead split it into two compressed chunks (each <= 2048 bytes, so at most
    # 2048 + 256 flag bytes). Decompressors restart offsets at every chunk (2.4.1.3.2),
    # so this round-trips exactly. Only reachable with near-random data, never VBA text.
    half = len(chunk) // 2
    return _encode_chunk(chunk[:half]) + _encode_chunk(chunk[half:])


def compress(data: bytes) -> bytes:
    """Compress `data` into an MS-OVBA CompressedContainer."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _encode_chunk(bytes(data[start:start + CHUNK_SIZE]))
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer; raises ValueError on malformed input."""
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA CompressedContainer (signature byte must be 0x01)")
    out = bytearray()
    cur = 1
    end = len(container)
    while cur < end:
        if cur + 2 > end:
            raise ValueError(f"truncated chunk header at {cur}")
        header = int.from_bytes(container[cur:cur + 2], "little")
        if header & 0x7000 != _HEADER_SIGNATURE:
            raise ValueError(f"bad CompressedChunkSignature at {cur}")
        chunk_end = cur + (header & 0x0FFF) + 3
        if chunk_end > end:
            raise ValueError(f"chunk at {cur} runs past the end of the container")
        cur += 2
        if not header & _HEADER_COMPRESSED:
            if chunk_end - cur != CHUNK_SIZE:
                raise ValueError(f"raw chunk at {cur - 2} is not 4096 bytes")
            out += container[cur:chunk_end]
            cur = chunk_end
            continue
        chunk_start = len(out)
        while cur < chunk_end:
            flags = container[cur]
            cur += 1
            for bit in range(8):
                if cur >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(container[cur])
                    cur += 1
                    continue
                if cur + 2 > chunk_end:
                    raise ValueError(f"truncated copy token at {cur}")
                token = int.from_bytes(container[cur:cur + 2], "little")
                cur += 2
                bits = _bit_count(len(out) - chunk_start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + _MIN_MATCH
                src = len(out) - offset
                if src < chunk_start:
                    raise ValueError(f"copy token at {cur - 2} reaches before its chunk")
                for i in range(length):  # byte by byte: source and target may overlap
                    out.append(out[src + i])
        if len(out) - chunk_start > CHUNK_SIZE:
            raise ValueError("compressed chunk decompresses to more than 4096 bytes")
    return bytes(out)
