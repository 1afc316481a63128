"""Keep-alive: client connections carry many requests; upstream connections are pooled and reused."""

import time

import pytest

import fd_census
import wire
from checks import echo
from harness import make_config, poll_until


@pytest.fixture
def single(stack):
    """One shared mock, health checks off so the mock's connection count is ours alone."""
    up = stack.mock("shared-1")
    prem = stack.mock("premium-1")
    cfg = make_config([up.address], [prem.address], health=False)
    return up, stack.router(cfg)


def test_many_requests_on_one_client_connection_reuse_upstream_connections(single):
    up, router = single
    n = 20
    conns = []
    with router.connect() as c:
        for i in range(n):
            r = c.request("GET", f"/ka/{i}", [("X-User-Tier", "LITE")])
            e = echo(r)
            assert e["path"] == f"/ka/{i}"
            assert r.header("Connection", "").lower() != "close", r
            conns.append((e["connection_id"], e["request_index"]))
    stats = up.stats()
    assert stats["requests"] == n
    assert stats["health_checks"] == 0
    # Sequential requests on one client connection need one upstream connection.
    router_conns = up.foreign_connections()
    assert router_conns <= 2, (router_conns, conns)
    assert len({cid for cid, _ in conns}) <= 2
    # On a reused connection the request index grows.
    assert max(idx for _, idx in conns) >= n // 2 - 1, conns


def test_upstream_connections_reused_across_client_connections(single):
    up, router = single
    for i in range(10):
        assert echo(router.get(f"/fresh/{i}"))["path"] == f"/fresh/{i}"
    # With 2 workers each may hold its own idle connection.
    assert up.foreign_connections() <= 2


def test_pipelined_requests_answered_in_order(single):
    _, router = single
    with router.connect() as c:
        c.send_raw(b"".join(f"GET /p/{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for i in range(3)))
        paths = [echo(c.read_response())["path"] for _ in range(3)]
    assert paths == ["/p/0", "/p/1", "/p/2"]


def test_connection_close_from_client_is_honoured(single):
    _, router = single
    with router.connect() as c:
        r = c.request("GET", "/bye", [("Connection", "close")])
        assert echo(r)["path"] == "/bye"
        assert r.header("Connection", "").lower() == "close"
        assert c.peer_closed(timeout=5), "router kept the connection after Connection: close"


def test_http10_client_gets_close(single):
    _, router = single
    with router.connect() as c:
        c.send_raw(b"GET /ten HTTP/1.0\r\nHost: x\r\n\r\n")
        r = c.read_response()
        assert echo(r)["path"] == "/ten"
        assert c.peer_closed(timeout=5)


def test_upstream_close_does_not_break_client_connection(single):
    up, router = single
    with router.connect() as c:
        for i in range(4):
            e = echo(c.request("GET", f"/c/{i}?close=1"))
            assert e["request_index"] == 0  # the upstream closes after each
        assert echo(c.request("GET", "/after"))["path"] == "/after"
    assert up.foreign_connections() == 5  # one per close=1 answer, then a fresh one


def test_idle_keepalive_connection_closed_after_idle_timeout(stack):
    up = stack.mock("shared-1")
    prem = stack.mock("premium-1")
    cfg = make_config([up.address], [prem.address], {"server": {"limits": {"idle_timeout_ms": 300}}},
                      health=False)
    router = stack.router(cfg)
    with router.connect() as c:
        assert echo(c.request("GET", "/x"))["path"] == "/x"
        t0 = time.monotonic()
        assert c.peer_closed(timeout=5), "idle connection kept past idle_timeout_ms"
        assert time.monotonic() - t0 >= 0.2


def test_pooled_connection_the_upstream_closes_is_closed_with_no_request_coming(single):
    # Not only skipped by the next request to that endpoint: an idle router must not hold the
    # socket (CLOSE_WAIT) and its descriptor for as long as no request comes.
    up, router = single

    def upstream_sockets():
        return fd_census.count(fd_census.census(router.pid, {router.port}, {up.port}), "upstream")

    assert echo(router.get("/pooled"))["path"] == "/pooled"
    poll_until(lambda: upstream_sockets() == 1, timeout=5, what="the pooled upstream connection")
    up.stop()  # the upstream exits: its side of the idle connection closes
    poll_until(lambda: upstream_sockets() == 0, timeout=10,
               what="the router to close the pooled connection the upstream closed")


def test_max_connections_refuses_extra_connections(stack):
    up = stack.mock("shared-1")
    prem = stack.mock("premium-1")
    cfg = make_config([up.address], [prem.address], {"server": {"limits": {"max_connections": 2}}},
                      health=False)
    router = stack.router(cfg)
    # The start-up probes' connections must be gone first (the scrape's own counts as one).
    poll_until(lambda: router.metric("smart_router_active_connections") == 1, timeout=5,
               what="only the scrape's own connection open")
    a = router.connect()
    held = []

    def second_served():
        # The scrape's connection counts until the router has read its close: until then a
        # second connection is refused (seen on a loaded machine), and is tried again.
        c = router.connect()
        try:
            served = echo(c.request("GET", "/b"))["path"] == "/b"
        except (wire.WireError, ConnectionResetError, BrokenPipeError):
            served = False
        if served:
            held.append(c)
        else:
            c.close()
        return served

    try:
        assert echo(a.request("GET", "/a"))["path"] == "/a"
        poll_until(second_served, timeout=5, what="a second connection served")
        with router.connect(timeout=5) as extra:  # the kernel accepts; the router must not serve it
            try:
                extra.send_raw(b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
                refused = extra.peer_closed(timeout=5)
            except (ConnectionResetError, BrokenPipeError):
                refused = True
            assert refused, "a connection over max_connections was served"
    finally:
        a.close()
        for c in held:
            c.close()
    poll_until(lambda: echo(router.get("/again"))["path"] == "/again", timeout=5,
               what="a connection to be served once others closed")
