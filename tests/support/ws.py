"""A minimal WebSocket client (RFC 6455) on top of wire.HttpConnection, stdlib only."""

from __future__ import annotations

import base64
import hashlib
import os
import struct

import wire

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_for(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def handshake(conn: wire.HttpConnection, path: str = "/ws", headers=None):
    """Sends the upgrade request; returns (response, key). The caller checks the status."""
    key = base64.b64encode(os.urandom(16)).decode()
    hs = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
          ("Sec-WebSocket-Version", "13")] + list(headers or [])
    conn.send_request("GET", path, hs)
    resp = conn.read_head()  # a 101 has no body; anything else is read fully by the caller
    return resp, key


def send_frame(conn: wire.HttpConnection, payload: bytes, opcode: int = 0x1, fin: bool = True):
    mask = os.urandom(4)
    first = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", first, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", first, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", first, 0x80 | 127, n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    conn.send_raw(head + mask + masked)


def recv_message(conn: wire.HttpConnection):
    """Returns (opcode, payload) of the next whole message, joining fragments (Beast fragments
    large messages into 4 KiB frames)."""
    opcode, payload, fin = recv_frame(conn, with_fin=True)
    parts = [payload]
    while not fin:
        op, payload, fin = recv_frame(conn, with_fin=True)
        if op != 0x0:
            raise AssertionError(f"expected a continuation frame, got opcode {op}")
        parts.append(payload)
    return opcode, b"".join(parts)


def recv_frame(conn: wire.HttpConnection, with_fin: bool = False):
    """Returns (opcode, payload) of the next frame (server frames are unmasked)."""
    b1, b2 = conn.read_exact(2)
    fin = bool(b1 & 0x80)
    opcode = b1 & 0x0F
    n = b2 & 0x7F
    if n == 126:
        n = struct.unpack("!H", conn.read_exact(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", conn.read_exact(8))[0]
    mask = conn.read_exact(4) if b2 & 0x80 else None
    payload = conn.read_exact(n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return (opcode, payload, fin) if with_fin else (opcode, payload)


def close(conn: wire.HttpConnection, code: int = 1000):
    send_frame(conn, struct.pack("!H", code), opcode=0x8)
