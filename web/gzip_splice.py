"""A gzip body made once for a page with holes, and finished per request in microseconds.

A returning reader's page is the same for everyone in the same state but for one short value
(the form token) written in one or more places. Compressing the whole page per request would
cost milliseconds; this keeps the fixed texts between the holes already compressed, each as
raw deflate blocks ending on a byte boundary, so a request only

- writes each hole's value as a stored (uncompressed) deflate block,
- works out the gzip trailer's CRC-32 from the texts' CRCs kept ahead of time: appending a
  fixed text of length n to data whose CRC is c gives ``shift_n(c) ^ crc(text)``, where
  ``shift_n`` is linear in c, so it is kept as four 256-entry tables, one per byte of c
  (zlib's ``crc32_combine``, precomputed for one length),
- and joins the pieces.

The holes' value is only ever stored, never compressed with the text around it, so the
compressed size says nothing about it (no guessing a secret by the length, as in BREACH).
``gzip_around`` makes the same kind of body in one go, where nothing is kept.
``gzip.decompress`` of the result checks both the CRC and the length (tests/test_gzip_splice.py).
"""

from __future__ import annotations

import struct
import zlib
from array import array
from dataclasses import dataclass

LEVEL = 6
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no name, no time, OS unknown
_MAX_STORED = 0xFFFF  # a stored block's largest length


def _deflated(text: bytes, last: bool, level: int = LEVEL) -> bytes:
    """``text`` as raw deflate blocks of their own; the stream's end when ``last``, else
    ending on a byte boundary (a sync flush) so more blocks can follow."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(text) + compressor.flush(zlib.Z_FINISH if last else
                                                        zlib.Z_SYNC_FLUSH)


def _stored(value: bytes) -> bytes:
    """``value`` as non-final stored deflate blocks."""
    blocks = []
    for start in range(0, len(value), _MAX_STORED):
        chunk = value[start:start + _MAX_STORED]
        blocks += (b"\x00", struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF), chunk)
    return b"".join(blocks)


def _shift_tables(text: bytes) -> tuple[array, ...]:
    """The tables of c ↦ crc32(text, c) ^ crc32(text): linear over GF(2) in c, so each
    table holds one byte of c's images, built from the 32 single-bit images."""
    plain = zlib.crc32(text)
    images = [zlib.crc32(text, 1 << bit) ^ plain for bit in range(32)]
    tables = []
    for byte in range(4):
        table = array("I", [0]) * 256
        for value in range(1, 256):
            low = value & -value
            table[value] = table[value ^ low] ^ images[8 * byte + low.bit_length() - 1]
        tables.append(table)
    return tuple(tables)


@dataclass(frozen=True)
class SplicedGzip:
    """texts[0] hole texts[1] hole … texts[-1], gzipped with each hole filled per request."""

    deflated: tuple[bytes, ...]
    crcs: tuple[int, ...]
    shifts: tuple[tuple[array, ...], ...]  # for texts[1:]
    fixed_length: int

    @classmethod
    def of(cls, texts: tuple[bytes, ...]) -> SplicedGzip:
        last = len(texts) - 1
        return cls(tuple(_deflated(text, n == last) for n, text in enumerate(texts)),
                   tuple(zlib.crc32(text) for text in texts),
                   tuple(_shift_tables(text) for text in texts[1:]),
                   sum(map(len, texts)))

    def body(self, value: bytes) -> bytes:
        """The gzip member of the texts with ``value`` in every hole."""
        stored = _stored(value)
        pieces = [_HEADER, self.deflated[0]]
        crc = self.crcs[0]
        for deflated, text_crc, (t0, t1, t2, t3) in zip(self.deflated[1:], self.crcs[1:],
                                                          self.shifts, strict=True):
            crc = zlib.crc32(value, crc)
            crc = (t0[crc & 0xFF] ^ t1[(crc >> 8) & 0xFF] ^ t2[(crc >> 16) & 0xFF]
                   ^ t3[crc >> 24] ^ text_crc)
            pieces += (stored, deflated)
        length = self.fixed_length + len(value) * (len(self.deflated) - 1)
        pieces.append(struct.pack("<II", crc, length & 0xFFFFFFFF))
        return b"".join(pieces)


def gzip_around(page: bytes, value: bytes, level: int = 1) -> bytes:
    """``page`` gzipped with every occurrence of ``value`` stored, not compressed."""
    texts = page.split(value) if value else [page]
    last = len(texts) - 1
    pieces = [_HEADER]
    for n, text in enumerate(texts):
        pieces.append(_deflated(text, n == last, level))
        if n < last:
            pieces.append(_stored(value))
    pieces.append(struct.pack("<II", zlib.crc32(page), len(page) & 0xFFFFFFFF))
    return b"".join(pieces)
