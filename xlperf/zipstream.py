"""Threaded (de)compression of package parts: the one helper the readers and the writers share.

zlib (inflate, deflate, crc32) and file I/O release the GIL, so a large part is (de)compressed
on the second core while this thread does the Python work on the previous piece: the reader
scans sheet XML while the next megabyte is inflated (:mod:`xlperf.readers.source`), the package
splicer builds the next rows while the last are deflated (:mod:`xlperf.writers.mark_package`),
and the streaming writer formats rows while zipfile deflates the ones before
(:mod:`xlperf.writers.xlsx_stream`). Each of them hands :func:`overlapped` the generator of its
pieces; the bytes written or read are the same as without the thread.

A neutral module (the package root's room, tests/test_import_direction.py): readers and writers
may both import it, and it imports nothing of xlperf — only the standard library.
"""

from __future__ import annotations

import queue
import threading
import zlib
from typing import Any, BinaryIO, Iterable, Iterator, Optional, TypeVar

T = TypeVar("T")
DEPTH = 4  # pieces made ahead of the consumer, at most: memory stays bounded

# --- how hard the writers deflate: the one policy both use -------------------------------------
#
# Measured 2026-12-03 (zlib 1.x, CPU seconds of one core on the shared 2-core machine, medians
# of 7) on the parts the 10k-row bench book's outputs deflate:
#
#   check --mark (sheet 5.6 MB + 校验结果 2.4 MB + mark sheet 0.3 MB of XML, 8.3 MB):
#     level 1: 1.22 MB 0.027 s | 3: 1.04 MB 0.036 s | 4: 0.97 MB 0.038 s | 5: 0.91 MB 0.052 s
#     level 6: 0.87 MB 0.076 s
#   export (records, layout, 权重合计, shared strings: 11.6 MB of XML):
#     level 1: 1.76 MB 0.036 s | 2: 1.64 MB 0.038 s | 4: 1.48 MB 0.051 s | 6: 1.35 MB 0.121 s
#
# Level 4 (zlib's first lazy-matching level) halves the marked copy's deflate for 12 % more
# bytes; 3 saves almost nothing more and costs 20 %, 1 costs 40 %. A marked copy is the clerk's
# own book passed on, so it keeps the smaller file (MARK_LEVEL) up to BIG_PART; beyond that
# (100k rows: a 56 MB sheet) deflating dominates the command and FAST_LEVEL is worth its
# size. The export is a new file written as fast as possible: FAST_LEVEL throughout.
FAST_LEVEL = 1
MARK_LEVEL = 4
BIG_PART = 8 * 2**20  # an edited part of a marked copy this large is deflated at FAST_LEVEL


def mark_level(size: int) -> int:
    """The deflate level of one edited or new part of a marked copy of ``size`` bytes (of XML,
    or the source part's, for a spliced sheet)."""
    return FAST_LEVEL if size >= BIG_PART else MARK_LEVEL


def overlapped(items: Iterable[T], depth: int = DEPTH, name: str = "xlperf-overlap") -> Iterator[T]:
    """What ``items`` yields, produced on a helper thread while the caller consumes it.

    At most ``depth`` items wait, so memory is bounded as when producing inline. Whatever the
    producer raises is raised here, at the item where it happened; if the consumer stops early
    (done, or an error of its own), the producer stops after the item it is making, and the
    producer's ``close()`` (a generator's ``finally``: its file handle) runs on that thread
    before this returns."""
    q: "queue.Queue[Any]" = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()
    it = iter(items)

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in it:
                if not put(item):
                    break
            else:
                put(end)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, which raises it
            put(e)
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()  # on the thread that ran it: a generator cannot be closed while running

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = q.get(timeout=0.5)
            except queue.Empty:
                if worker.is_alive() or not q.empty():
                    continue
                raise RuntimeError(f"{name}: the producing thread ended without a result") from None
            if item is end:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


class Deflater:
    """Raw deflate (a zip member's data) into a file, keeping the CRC and both sizes for the
    member's headers."""

    def __init__(self, fh: BinaryIO, level: int) -> None:
        self.fh, self.comp = fh, zlib.compressobj(level, zlib.DEFLATED, -15)
        self.crc = self.size = self.csize = 0

    def feed(self, chunk: bytes) -> None:
        self.crc = zlib.crc32(chunk, self.crc)
        self.size += len(chunk)
        out = self.comp.compress(chunk)
        self.csize += len(out)
        self.fh.write(out)

    def finish(self) -> None:
        out = self.comp.flush()
        self.csize += len(out)
        self.fh.write(out)

    def run(self, chunks: Iterable[bytes], overlap: bool = False, name: Optional[str] = None) -> None:
        """Deflate every chunk, then finish. ``overlap``: the chunks are made on a helper thread
        (:func:`overlapped`) while this one deflates; an error on either side stops both and is
        raised here."""
        for chunk in overlapped(chunks, name=name or "xlperf-deflate") if overlap else chunks:
            self.feed(chunk)
        self.finish()
