"""RecordingUpstream: a bare HTTP/1.1 upstream that records every request head it reads and
answers each with one fixed status (then closes), or with the exact bytes given (`answer`). For
what mock-upstream cannot show: the headers of an attempt whose answer the router drops (a 503
it retries), and answers no sane upstream sends (an unasked 101, a 204 with a chunked body)."""

from __future__ import annotations

import socket
import threading


class RecordingUpstream:
    def __init__(self, status: int = 503, answer: bytes = None):
        self.status = status
        self.answer = answer
        self.heads: list = []  # one dict per request: lower-case name -> value, plus ":target"
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(5)
                self._serve(conn)

    def _serve(self, conn: socket.socket):
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        head = {":target": lines[0].split(" ")[1] if " " in lines[0] else ""}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            head[name.strip().lower()] = value.strip()
        with self._lock:
            self.heads.append(head)
        if self.answer is not None:
            conn.sendall(self.answer)
            return
        conn.sendall(f"HTTP/1.1 {self.status} Recorded\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n".encode())

    def recorded(self) -> list:
        with self._lock:
            return list(self.heads)

    def close(self):
        self._sock.close()
