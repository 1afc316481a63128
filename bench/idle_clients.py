#!/ usr / bin / env python3
"""Opens N keep-alive connections to a router on loopback, sends one GET on each and reads its
answer, then leaves them all open and idle and prints the router's VmRSS (KiB) before and after.

  idle_clients.py HOST PORT ROUTER_PID N [SOURCE_ADDRESSES]

SOURCE_ADDRESSES (default 4) spreads the connections over 127.0.0.2.. as source addresses, so
ephemeral ports never run short. Bounded: N connections, a 5 s timeout on every socket call.
"""
import resource
import socket
import sys
import time


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def read_answer(sock):
    """Reads one answer with a Content-Length body; raises on anything else."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before the answer's head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed in the answer's body")
        body += chunk
    return status


def main():
    host, port, pid, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    sources = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    request = f"GET /api/v1/orders HTTP/1.1\r\nHost: {host}\r\nX-User-Tier: PRO\r\n\r\n".encode()
#Settle : a few requests first, so the worker's first-use allocations are not counted.
    for _ in range(20):
        with socket.create_connection((host, port), timeout=5) as s:
            s.sendall(request)
            read_answer(s)
    time.sleep(0.5)
    before = vm_rss_kib(pid)
    conns = []
    started = time.monotonic()
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        s.bind((f"127.0.0.{2 + i % sources}", 0))
        s.connect((host, port))
        s.sendall(request)
        status = read_answer(s)
        if status != b"200":
            raise RuntimeError(f"connection {i}: status {status.decode()}")
        conns.append(s)
    opened = time.monotonic() - started
    time.sleep(1.0)  # idle: every session is back in its wait for a next request
    after = vm_rss_kib(pid)
    per = (after - before) * 1024 / n / 1024
    print(f"connections: {n} (opened and answered in {opened:.1f} s)")
    print(f"router VmRSS before: {before} KiB  after: {after} KiB")
    print(f"per idle connection: {per:.2f} KiB")
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
