"""A process's open file descriptors by kind, from /proc (Linux only, no tools needed).

Kinds: pipe, file, anon_inode:<what> (eventpoll, eventfd, timerfd, ...), and sockets split by
what they connect: socket:listener (TCP LISTEN), socket:client (TCP whose local port is one the
process listens on: a client's connection), socket:upstream (TCP whose remote port is an
upstream's), socket:tcp_other, socket:unix, socket:other (UDP, netlink, ...). The TCP states of
client and upstream sockets are kept too: an fd held on a CLOSE_WAIT socket is a peer's close
the process has not acted on.
"""

from __future__ import annotations

import os
from collections import Counter

# include/net/tcp_states.h
TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2",
              6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
              11: "CLOSING"}


def _tcp_table(pid: int) -> dict:
    """inode -> (local port, remote port, state name), for the process's network namespace."""
    table = {}
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                lines = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], int(fields[3], 16), int(fields[9])
            table[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16),
                            TCP_STATES.get(state, str(state)))
    return table


def _unix_inodes(pid: int) -> set:
    try:
        with open(f"/proc/{pid}/net/unix") as f:
            return {int(line.split()[6]) for line in f.read().splitlines()[1:]
                    if len(line.split()) >= 7}
    except FileNotFoundError:
        return set()


def _links(pid: int) -> list:
    out = []
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            out.append(os.readlink(f"{fd_dir}/{fd}"))
        except FileNotFoundError:  # closed between listdir and readlink
            continue
    return out


def census(pid: int, listen_ports: set, upstream_ports: set) -> dict:
    """{"total", "by_kind": {kind: n}, "tcp_states": {"client"|"upstream": {state: n}}}."""
    links = _links(pid)
    tcp = _tcp_table(pid)
    unix = _unix_inodes(pid)
    kinds: Counter = Counter()
    states = {"client": Counter(), "upstream": Counter()}
    for link in links:
        if link.startswith("socket:["):
            inode = int(link[len("socket:["):-1])
            kind, state = _socket_kind(inode, tcp, unix, listen_ports, upstream_ports)
            if kind in states:
                states[kind][state] += 1
            kinds[f"socket:{kind}"] += 1
        elif link.startswith("pipe:"):
            kinds["pipe"] += 1
        elif link.startswith("anon_inode:"):
            kinds["anon_inode:" + link[len("anon_inode:"):].strip("[]")] += 1
        else:
            kinds["file"] += 1
    return {"total": len(links), "by_kind": dict(sorted(kinds.items())),
            "tcp_states": {k: dict(v) for k, v in states.items()}}


def _socket_kind(inode, tcp, unix, listen_ports, upstream_ports):
    if inode in tcp:
        local, remote, state = tcp[inode]
        if state == "LISTEN":
            return "listener", state
        if local in listen_ports:
            return "client", state
        if remote in upstream_ports:
            return "upstream", state
        return "tcp_other", state
    if inode in unix:
        return "unix", None
    return "other", None


def count(c: dict, kind: str) -> int:
    return c["by_kind"].get(f"socket:{kind}", 0)
