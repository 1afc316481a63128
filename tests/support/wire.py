"""Raw-socket HTTP/1.1 client for exact wire checks (stdlib only).

Every socket operation has a timeout; nothing here can block forever.
"""

from __future__ import annotations

import json
import socket
import time
from typing import Callable, Iterable, Optional, Sequence, Union

Headers = Union[None, dict, Sequence[tuple]]
DEFAULT_TIMEOUT = 10.0


class WireError(Exception):
    """The peer sent something that is not valid HTTP/1.1, or closed too early."""


class Response:
    def __init__(self, version: str, status: int, reason: str, headers: list, body: bytes):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in wire order, names as sent
        self.body = body
        self.body_bytes = len(body)  # overwritten when the body went to a sink
        self.chunked = False
        self.chunk_sizes: list = []
        self.raw_head = b""

    def header(self, name: str, default=None):
        lname = name.lower()
        for n, v in self.headers:
            if n.lower() == lname:
                return v
        return default

    def header_all(self, name: str) -> list:
        lname = name.lower()
        return [v for n, v in self.headers if n.lower() == lname]

    def has_header(self, name: str) -> bool:
        return self.header(name) is not None

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        body = self.body[:300]
        return f"<Response {self.status} {self.reason} headers={self.headers} body={body!r}>"


def _norm_headers(headers: Headers) -> list:
    if headers is None:
        return []
    if isinstance(headers, dict):
        return list(headers.items())
    return list(headers)


class HttpConnection:
    """One client connection. Keeps a read buffer so pipelined/keep-alive reads work."""

    def __init__(self, host: str = "127.0.0.1", port: int = 80, timeout: float = DEFAULT_TIMEOUT,
                 tls_context=None, server_hostname: Optional[str] = None,
                 source: Optional[str] = None):
        self.host = host
        self.port = port
        self.timeout = timeout
        # `source`: the local address to connect from (another 127.0.0.0/8 address = another client)
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls_context is not None:
            self.sock = tls_context.wrap_socket(self.sock, server_hostname=server_hostname or host)
        self.buf = bytearray()
        self.eof = False

    # --- low level -------------------------------------------------------------------------
    def settimeout(self, t: float):
        self.timeout = t
        self.sock.settimeout(t)

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def _recv_more(self, n: int = 262144) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.sock.recv(n)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def read_line(self, limit: int = 1 << 20) -> bytes:
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[: i + 2]
                return line
            if len(self.buf) > limit:
                raise WireError("line too long")
            if not self._recv_more():
                raise WireError(f"connection closed while reading a line (have {bytes(self.buf[:200])!r})")

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._recv_more():
                raise WireError(f"connection closed: wanted {n} bytes, have {len(self.buf)}")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _stream_exact(self, n: int, sink: Callable[[bytes], None]):
        left = n
        while left > 0:
            if not self.buf and not self._recv_more():
                raise WireError(f"connection closed with {left} of {n} body bytes missing")
            take = min(left, len(self.buf))
            sink(bytes(self.buf[:take]))
            del self.buf[:take]
            left -= take

    def read_until_close(self, limit: int = 1 << 30) -> bytes:
        while self._recv_more():
            if len(self.buf) > limit:
                raise WireError("too much data")
        out = bytes(self.buf)
        self.buf.clear()
        return out

    def peer_closed(self, timeout: float = 5.0) -> bool:
        """True when the peer closes (FIN or RST) within timeout with no further data."""
        if self.buf:
            return False
        old = self.sock.gettimeout()
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        finally:
            self.sock.settimeout(old)
        if data:
            self.buf += data
            return False
        self.eof = True
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    # --- requests --------------------------------------------------------------------------
    def send_request(self, method: str, target: str, headers: Headers = None,
                     body: Union[None, bytes, Iterable[bytes]] = None, chunked: bool = False,
                     content_length: Optional[int] = None, host: Optional[str] = None,
                     version: str = "HTTP/1.1"):
        hs = _norm_headers(headers)
        names = {n.lower() for n, _ in hs}
        lines = [f"{method} {target} {version}"]
        if "host" not in names and host is not False:
            lines.append(f"Host: {host or f'{self.host}:{self.port}'}")
        for n, v in hs:
            lines.append(f"{n}: {v}")
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        elif body is not None and "content-length" not in names:
            if isinstance(body, (bytes, bytearray)):
                lines.append(f"Content-Length: {len(body)}")
            elif content_length is not None:
                lines.append(f"Content-Length: {content_length}")
            else:
                raise ValueError("an iterable body needs chunked=True or content_length")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if body is None:
            self.sock.sendall(head)
            return
        if isinstance(body, (bytes, bytearray)):
            body_iter: Iterable[bytes] = [bytes(body)] if body else []
        else:
            body_iter = body
        self.sock.sendall(head)
        for piece in body_iter:
            if not piece:
                continue
            if chunked:
                self.sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            else:
                self.sock.sendall(piece)
        if chunked:
            self.sock.sendall(b"0\r\n\r\n")

    def read_head(self):
        line = self.read_line()
        raw = [line]
        parts = line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise WireError(f"bad status line {line!r}")
        version, status = parts[0], int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        while True:
            h = self.read_line()
            raw.append(h)
            if h == b"":
                break
            name, sep, value = h.decode("latin-1").partition(":")
            if not sep:
                raise WireError(f"bad header line {h!r}")
            headers.append((name, value.strip()))
        resp = Response(version, status, reason, headers, b"")
        resp.raw_head = b"\r\n".join(raw) + b"\r\n"
        return resp

    def read_response(self, method: str = "GET", sink: Optional[Callable[[bytes], None]] = None,
                      skip_1xx: bool = True) -> Response:
        while True:
            resp = self.read_head()
            if skip_1xx and 100 <= resp.status < 200 and resp.status != 101:
                continue
            break
        pieces: list = []
        total = [0]

        def collect(b: bytes):
            total[0] += len(b)
            if sink is not None:
                sink(b)
            else:
                pieces.append(b)

        te = (resp.header("Transfer-Encoding") or "").lower()
        cl = resp.header("Content-Length")
        no_body = method == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200
        if no_body:
            pass
        elif "chunked" in te:
            resp.chunked = True
            while True:
                size_line = self.read_line()
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while self.read_line() != b"":  # trailers
                        pass
                    break
                resp.chunk_sizes.append(size)
                self._stream_exact(size, collect)
                if self.read_exact(2) != b"\r\n":
                    raise WireError("chunk not followed by CRLF")
        elif cl is not None:
            self._stream_exact(int(cl), collect)
        else:
            while True:
                if self.buf:
                    collect(bytes(self.buf))
                    self.buf.clear()
                if not self._recv_more():
                    break
        resp.body = b"".join(pieces)
        resp.body_bytes = total[0]
        return resp

    def request(self, method: str, target: str, headers: Headers = None, body=None,
                chunked: bool = False, content_length: Optional[int] = None,
                sink: Optional[Callable[[bytes], None]] = None, **kw) -> Response:
        self.send_request(method, target, headers, body, chunked=chunked,
                          content_length=content_length, **kw)
        return self.read_response(method, sink=sink)


def request(port: int, method: str, target: str, headers: Headers = None, body=None,
            timeout: float = DEFAULT_TIMEOUT, host: str = "127.0.0.1", tls_context=None,
            server_hostname: Optional[str] = None, source: Optional[str] = None,
            **kw) -> Response:
    """One request on a fresh connection, closed afterwards."""
    with HttpConnection(host, port, timeout=timeout, tls_context=tls_context,
                        server_hostname=server_hostname, source=source) as c:
        return c.request(method, target, headers, body, **kw)


def get(port: int, target: str, headers: Headers = None, **kw) -> Response:
    return request(port, "GET", target, headers, **kw)


def raw_exchange(port: int, data: bytes, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Sends bytes, returns everything the server sends until it closes (or timeout)."""
    with HttpConnection("127.0.0.1", port, timeout=timeout) as c:
        c.send_raw(data)
        out = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = c.sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return bytes(out)


def parse_response_bytes(data: bytes) -> Response:
    """Parses one complete response held in memory (Content-Length or close-delimited)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise WireError(f"no complete head in {data[:300]!r}")
    lines = head.split(b"\r\n")
    parts = lines[0].decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise WireError(f"bad status line {lines[0]!r}")
    headers = []
    for h in lines[1:]:
        name, _, value = h.decode("latin-1").partition(":")
        headers.append((name, value.strip()))
    resp = Response(parts[0], int(parts[1]), parts[2] if len(parts) > 2 else "", headers, b"")
    cl = resp.header("Content-Length")
    resp.body = rest[: int(cl)] if cl is not None else rest
    resp.body_bytes = len(resp.body)
    return resp
