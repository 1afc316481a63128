"""Bodies for the streaming tests and their hashes, computed locally and fast.

FNV-1a 64 in pure Python runs at a few MB/s, too slow for 50 MB. Over a zero byte FNV-1a is
h = h * P, so a run of k zeros is one multiplication by P**k mod 2**64: a body that is mostly
zeros with a position-dependent marker every 4 KiB hashes in milliseconds, and any dropped,
duplicated, reordered or shifted piece still changes the hash.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK = (1 << 64) - 1
_NONZERO = re.compile(rb"[^\x00]+")
MARK_EVERY = 4096


def fnv1a_update(h: int, data: bytes) -> int:
    """FNV-1a 64 of data continuing from h; fast when data is mostly zero bytes."""
    pos = 0
    for m in _NONZERO.finditer(data):
        zeros = m.start() - pos
        if zeros:
            h = (h * pow(FNV_PRIME, zeros, 1 << 64)) & MASK
        for b in m.group():
            h = ((h ^ b) * FNV_PRIME) & MASK
        pos = m.end()
    zeros = len(data) - pos
    if zeros:
        h = (h * pow(FNV_PRIME, zeros, 1 << 64)) & MASK
    return h


def fnv1a_hex(data: bytes) -> str:
    return f"{fnv1a_update(FNV_OFFSET, data):016x}"


def sparse_blocks(total: int, block: int = 1 << 20) -> Iterator[bytes]:
    """total bytes in pieces of `block`: zeros, with an 8-byte marker (index+1) every 4 KiB."""
    off = 0
    while off < total:
        n = min(block, total - off)
        buf = bytearray(n)
        first = -(-off // MARK_EVERY) * MARK_EVERY
        for pos in range(first, off + n, MARK_EVERY):
            marker = (pos // MARK_EVERY + 1).to_bytes(8, "little")
            rel = pos - off
            piece = marker[: n - rel]
            buf[rel : rel + len(piece)] = piece
        yield bytes(buf)
        off += n


def sparse_fnv_hex(total: int) -> str:
    h = FNV_OFFSET
    for b in sparse_blocks(total):
        h = fnv1a_update(h, b)
    return f"{h:016x}"


def rechunk(blocks: Iterator[bytes], sizes) -> Iterator[bytes]:
    """Re-cuts a byte stream into pieces cycling through `sizes` (odd sizes stress de-chunking)."""
    pending = bytearray()
    i = 0
    for b in blocks:
        pending += b
        while len(pending) >= sizes[i % len(sizes)]:
            n = sizes[i % len(sizes)]
            yield bytes(pending[:n])
            del pending[:n]
            i += 1
    if pending:
        yield bytes(pending)


ALPHA = bytes(range(ord("a"), ord("a") + 26))


class PatternChecker:
    """Checks a streamed body against the mock's pattern: byte i == 'a' + i % 26."""

    def __init__(self):
        self.count = 0
        self.first_bad = None
        self.sha = hashlib.sha256()
        self._ref = ALPHA * (1 + (1 << 20) // 26 + 2)  # covers any piece up to 1 MiB + shift

    def __call__(self, data: bytes):
        self.sha.update(data)
        mv = memoryview(data)
        pos = 0
        while pos < len(mv) and self.first_bad is None:
            take = min(len(mv) - pos, 1 << 20)
            shift = (self.count + pos) % 26
            if mv[pos : pos + take] != self._ref[shift : shift + take]:
                for j in range(take):
                    if mv[pos + j] != ALPHA[(self.count + pos + j) % 26]:
                        self.first_bad = self.count + pos + j
                        break
            pos += take
        self.count += len(data)


def pattern_sha256(total: int) -> str:
    sha = hashlib.sha256()
    block = ALPHA * ((1 << 20) // 26)  # 26-aligned, so the pattern continues across blocks
    left = total
    while left > 0:
        n = min(left, len(block))
        sha.update(block[:n])
        left -= n
    return sha.hexdigest()
