"""Graceful drain on SIGTERM/SIGINT: in-flight requests finish, /health says draining, exit 0."""

import signal
import socket
import time

import pytest

import wire
from checks import echo
from clients import Holder
from harness import poll_until
from stack import Topology


def drain_topology(stack, drain_timeout_ms=5000):
    # One worker: connections are served in arrival order by one thread, which makes "the
    # partial head was read before SIGTERM" below hold even on a loaded machine.
    return Topology(stack, {"server": {"drain_timeout_ms": drain_timeout_ms, "workers": 1},
                            "tiers": {"classes": {"LITE": {"timeout_ms": 10000}}}})


def draining_logged(router):
    return "drain" in router.stderr_text().lower()


def refused_or_503(port):
    """A new connection after drain started: refused, closed unanswered, or 503."""
    try:
        r = wire.get(port, "/health", timeout=2)
    except (ConnectionRefusedError, ConnectionResetError, wire.WireError, socket.timeout):
        return True
    return r.status == 503


def late_request_ok(port):
    """A request arriving during the drain: refused, or answered and then closed."""
    try:
        with wire.HttpConnection("127.0.0.1", port, timeout=3) as c:
            r = c.request("GET", "/late", [("X-User-Tier", "LITE")])
            return (r.status in (200, 503) and (r.header("Connection") or "").lower() == "close"
                    and c.peer_closed(timeout=3))
    except (ConnectionRefusedError, ConnectionResetError, wire.WireError, socket.timeout):
        return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_drain_finishes_in_flight_request_and_exits_0(stack, sig):
    t = drain_topology(stack)
    router = t.router
    holder = Holder(router, "/slow?delay_ms=2500", "LITE")
    holder.start()
    idle = pending = None
    try:
        poll_until(lambda: t.upstream_requests() == 1, timeout=3, what="the slow request upstream")
        idle = router.connect(timeout=5)
        assert echo(idle.request("GET", "/warm"))["path"] == "/warm"  # now an idle keep-alive conn
        pending = router.connect(timeout=5)
        pending.send_raw(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # head not finished yet
        assert router.get("/health").status == 200  # a round trip: the partial head has been read

        t_sig = time.monotonic()
        router.signal(sig)
        poll_until(lambda: draining_logged(router), timeout=3, what="the router to log the drain")

        # A request whose head completes during the drain sees /health 503 and a close.
        pending.send_raw(b"\r\n")
        r = pending.read_response()
        assert r.status == 503, r
        assert r.json() == {"status": "draining"}
        assert (r.header("Connection") or "").lower() == "close"

        # An idle keep-alive connection is closed; new connections are not served normally.
        assert idle.peer_closed(timeout=3), "idle keep-alive connection not closed on drain"
        assert refused_or_503(router.port)
        assert late_request_ok(router.port)

        holder.join(timeout=10)
        assert holder.error is None, f"in-flight request failed during drain: {holder.error!r}"
        assert echo(holder.response)["path"] == "/slow"
        assert (holder.response.header("Connection") or "").lower() == "close"

        rc = router.wait(timeout=10)
        assert rc == 0, f"exit code {rc} after drain"
        assert time.monotonic() - t_sig < 5.0, "drain outlasted the in-flight request by far"
    finally:
        for c in (idle, pending):
            if c is not None:
                c.close()
        holder.join(timeout=10)


def test_drain_timeout_bounds_exit(stack):
    t = drain_topology(stack, drain_timeout_ms=500)
    holder = Holder(t.router, "/stuck?delay_ms=6000", "LITE")
    holder.start()
    try:
        poll_until(lambda: t.upstream_requests() == 1, timeout=3, what="the stuck request upstream")
        t0 = time.monotonic()
        t.router.signal(signal.SIGTERM)
        rc = t.router.wait(timeout=10)
        elapsed = time.monotonic() - t0
        assert rc == 0, f"exit code {rc}"
        assert elapsed < 0.5 + 2.5, f"took {elapsed:.2f}s to exit with drain_timeout_ms 500"
    finally:
        holder.join(timeout=10)


def test_idle_router_exits_promptly(stack):
    t = drain_topology(stack)
    with t.router.connect() as c:
        assert echo(c.request("GET", "/x"))["path"] == "/x"
        t0 = time.monotonic()
        t.router.signal(signal.SIGTERM)
        assert c.peer_closed(timeout=3)
        assert t.router.wait(timeout=6) == 0
        assert time.monotonic() - t0 < 3.0, "an idle router must not wait for drain_timeout_ms (5 s)"
