"""The router's own errors: status, JSON body {"error","message","request_id"}, X-Request-Id.

Each test runs its own router: a router that crashes on one error must not take the others down.
"""

import socket
import threading
import time

import pytest

import wire
from checks import assert_router_error, echo
from clients import Holder
from harness import deep_merge, make_config, poll_until, pool


def errors_router(stack, overrides=None, health=True):
    """Two shared + one premium mock, plus pool "dead" (a refused port) behind route /dead/."""
    shared = stack.mocks("shared", 2)
    premium = stack.mocks("premium", 1)
    dead = stack.closed_port()
    base = {
        "routes": [{"name": "dead", "match": {"path_prefix": ["/dead/"]}, "pool": "dead"}]
        + make_config([], [])["routes"],
        "pools": {"dead": pool([dead.address], health=False)},
    }
    cfg = make_config([m.address for m in shared], [m.address for m in premium],
                      deep_merge(base, overrides or {}), health=health)
    r = stack.router(cfg, wait_ready=health)
    return r, shared, premium


def upstream_requests(mocks):
    return sum(m.stats()["requests"] for m in mocks)


def read_error_then_close(router, data: bytes, timeout=5.0):
    raw = wire.raw_exchange(router.port, data, timeout=timeout)
    assert raw, "router closed the connection without an answer"
    return wire.parse_response_bytes(raw)


@pytest.mark.parametrize("garbage", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40 + b"\r\n\r\n",  # a TLS hello
], ids=["garbage", "extra-token", "bad-header", "bad-content-length", "tls-hello"])
def test_400_malformed_request(stack, garbage):
    router, shared, _ = errors_router(stack, health=False)
    r = read_error_then_close(router, garbage)
    assert_router_error(r, 400, "bad_request")
    assert (r.header("Connection") or "").lower() == "close"
    assert upstream_requests(shared) == 0
    router.assert_alive("after a 400 bad_request")


def test_408_request_timeout(stack):
    router, shared, _ = errors_router(stack, {"server": {"limits": {"header_timeout_ms": 300}}},
                                      health=False)
    with router.connect(timeout=5) as c:
        c.send_raw(b"GET /slow HTTP/1.1\r\nHost: x\r\nX-Partial: yes\r\n")  # never finished
        t0 = time.monotonic()
        r = c.read_response()
        elapsed = time.monotonic() - t0
        assert_router_error(r, 408, "request_timeout")
        assert 0.2 <= elapsed < 3.0, f"408 after {elapsed:.2f}s with header_timeout_ms 300"
        assert c.peer_closed(timeout=3), "connection not closed after 408"
    assert upstream_requests(shared) == 0
    router.assert_alive("after a 408")


def test_408_connection_that_never_sends_a_head(stack):
    router, _, _ = errors_router(stack, {"server": {"limits": {"header_timeout_ms": 300}}},
                                 health=False)
    with router.connect(timeout=5) as c:
        r = c.read_response()
        assert_router_error(r, 408, "request_timeout")
        assert c.peer_closed(timeout=3)


def test_413_content_length_over_limit(stack):
    router, shared, _ = errors_router(stack, {"server": {"limits": {"max_body_bytes": 1000}}},
                                      health=False)
    with router.connect(timeout=5) as c:
        c.send_raw(b"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        r = c.read_response("POST")
    assert_router_error(r, 413, "payload_too_large")
    assert upstream_requests(shared) == 0
    router.assert_alive("after a 413")


def test_413_content_length_default_limit(stack):
    router, shared, _ = errors_router(stack, health=False)
    with router.connect(timeout=5) as c:  # 20 MB announced, 10 MB allowed; nothing sent
        c.send_raw(b"PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 20971520\r\n\r\n")
        r = c.read_response("PUT")
    assert_router_error(r, 413, "payload_too_large")
    assert upstream_requests(shared) == 0


def test_413_chunked_body_over_limit(stack):
    router, _, _ = errors_router(stack, {"server": {"limits": {"max_body_bytes": 1000}}}, health=False)
    with router.connect(timeout=5) as c:
        body = b"".join(b"200\r\n" + b"q" * 512 + b"\r\n" for _ in range(10)) + b"0\r\n\r\n"
        c.send_raw(b"POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        r = c.read_response("POST")
    assert_router_error(r, 413, "payload_too_large")
    router.assert_alive("after a streamed 413")


def test_431_header_too_large(stack):
    router, shared, _ = errors_router(stack, health=False)
    with router.connect(timeout=5) as c:
        c.send_raw(b"GET /h HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        r = c.read_response()
    assert_router_error(r, 431, "headers_too_large")
    assert upstream_requests(shared) == 0
    router.assert_alive("after a 431")


def head_of_size(size, request_id="sized"):
    """A GET head of exactly `size` bytes, its blank line included: 40 fields and a pad."""
    start = f"GET /h HTTP/1.1\r\nHost: x\r\nX-Request-Id: {request_id}\r\n".encode()
    fields = b"".join(b"X-F%02d: " % i + b"v" * 90 + b"\r\n" for i in range(40))
    pad = size - len(start) - len(fields) - len(b"X-Pad: \r\n\r\n")
    assert pad >= 0
    return start + fields + b"X-Pad: " + b"p" * pad + b"\r\n\r\n"


@pytest.mark.parametrize("second", [False, True], ids=["first-request", "kept-alive"])
def test_header_limit_is_the_whole_head_exactly(stack, second):
    # Beast bounds each pass over what has arrived, and the router reads a waiting connection's
    # next head 1 KiB first: a head of many lines once passed max_header_bytes by hundreds of
    # bytes. The limit is the whole head's, its blank line included.
    router, shared, _ = errors_router(stack, {"server": {"limits": {"max_header_bytes": 4096}}},
                                      health=False)
    for size, expected in ((4096, 200), (4097, 431)):
        with router.connect(timeout=5) as c:  # a connection each: each head is its first or second
            if second:
                assert c.request("GET", "/warm").status == 200
            c.send_raw(head_of_size(size, "at-limit" if size == 4096 else "over-limit"))
            r = c.read_response()
        assert r.status == expected, r
    assert_router_error(r, 431, "headers_too_large")
    assert r.header("X-Request-Id") == "over-limit", "the client's id, even on a refused head"
    router.assert_alive("after a 431")


@pytest.mark.parametrize("head,status,code", [
    (b"POST /x HTTP/1.1\r\nHost: a\r\nX-Request-Id: rid-413\r\nContent-Length: 20971520\r\n\r\n",
     413, "payload_too_large"),
    (b"GET /x HTTP/1.1\r\nX-Request-Id: rid-400\r\n\r\n", 400, "bad_request"),
    (b"GET /x HTTP/1.1\r\nHost: a\r\nX-Request-Id: rid-501\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     501, "not_implemented"),
])
def test_a_refused_head_keeps_the_clients_request_id(stack, head, status, code):
    router, shared, _ = errors_router(stack, health=False)
    r = wire.parse_response_bytes(wire.raw_exchange(router.port, head, timeout=5))
    assert_router_error(r, status, code)
    expected = head.split(b"X-Request-Id: ")[1].split(b"\r\n")[0].decode()
    assert r.header("X-Request-Id") == expected
    assert upstream_requests(shared) == 0


def test_just_under_header_limit_passes(stack):
    router, _, _ = errors_router(stack, health=False)
    r = router.get("/h", [("X-Big", "a" * 12000)])
    assert echo(r)["headers"]["x-big"] == "a" * 12000


@pytest.mark.parametrize("knob", ["reset=1", "malformed=1"])
def test_502_upstream_reset_or_malformed(stack, knob):
    router, shared, _ = errors_router(stack)
    r = router.get(f"/x?{knob}", [("X-User-Tier", "LITE")])
    assert_router_error(r, 502, "bad_gateway")
    assert upstream_requests(shared) >= 1
    router.assert_alive(f"after a 502 ({knob})")


def test_502_upstream_response_head_too_large(stack):
    router, _, _ = errors_router(stack)
    r = router.get("/x?header_bytes=200000")
    assert_router_error(r, 502, "bad_gateway")
    router.assert_alive("after an oversized upstream head")


def test_502_upstream_port_closed(stack):
    router, _, _ = errors_router(stack)
    t0 = time.monotonic()
    r = router.get("/dead/x")
    assert_router_error(r, 502, "bad_gateway")
    assert time.monotonic() - t0 < 2.0, "a refused connect must fail fast (connect_timeout_ms 250)"
    router.assert_alive("after a 502 (refused)")


def test_503_no_healthy_upstream(stack):
    router, shared, premium = errors_router(stack)
    for m in shared:
        m.fail_health()
    router.wait_pool_healthy("shared", 0)
    before = upstream_requests(shared)
    r = router.get("/x", [("X-User-Tier", "LITE")])
    assert_router_error(r, 503, "no_healthy_upstream", retry_after=True)
    assert upstream_requests(shared) == before
    router.assert_alive("after a 503 no_healthy_upstream")
    # the premium pool is unaffected
    assert echo(router.get("/x", [("X-User-Tier", "ELITE")]))["upstream"] == "premium-1"


def test_504_upstream_timeout(stack):
    router, shared, _ = errors_router(stack, {"tiers": {"classes": {"LITE": {"timeout_ms": 300}}}})
    t0 = time.monotonic()
    r = router.get("/x?delay_ms=2000", [("X-User-Tier", "LITE")])
    elapsed = time.monotonic() - t0
    assert_router_error(r, 504, "upstream_timeout")
    assert 0.25 <= elapsed < 1.9, f"504 after {elapsed:.2f}s for timeout_ms 300"
    router.assert_alive("after a 504")


def test_504_premium_tier_timeout(stack):
    router, _, _ = errors_router(stack)  # ELITE: timeout_ms 500
    t0 = time.monotonic()
    r = router.get("/x?delay_ms=3000", [("X-User-Tier", "ELITE")])
    elapsed = time.monotonic() - t0
    assert_router_error(r, 504, "upstream_timeout")
    assert 0.45 <= elapsed < 2.5, f"504 after {elapsed:.2f}s for timeout_ms 500"


def test_upstream_5xx_is_relayed_not_rewritten(stack):
    router, _, _ = errors_router(stack)
    r = router.get("/x?status=500")
    assert r.status == 500 and r.header("X-Upstream"), r
    assert r.header("X-Request-Id")


def test_503_overloaded_sheds_by_priority(stack):
    # max_in_flight 2: LITE is admitted below 50% (1 in flight), ELITE below 100% (2).
    router, shared, premium = errors_router(stack, {
        "overload": {"max_in_flight": 2},
        "tiers": {"classes": {"LITE": {"shed_at_percent": 50, "timeout_ms": 8000},
                              "ELITE": {"shed_at_percent": 100, "timeout_ms": 8000}}},
    })
    holders = []
    try:
        lite_hold = Holder(router, "/hold?delay_ms=3000", "LITE")
        lite_hold.start()
        holders.append(lite_hold)
        poll_until(lambda: upstream_requests(shared) == 1, timeout=3, what="LITE holder at the upstream")

        r = router.get("/probe", [("X-User-Tier", "LITE")])
        assert_router_error(r, 503, "overloaded", retry_after=True)
        assert upstream_requests(shared) == 1, "a shed request reached the upstream"

        r = router.get("/probe", [("X-User-Tier", "ELITE")])
        assert echo(r)["upstream"] == "premium-1", "ELITE must pass with 1 of 2 in flight"
        # The probe's slot is given back just after its answer is written, and the request is
        # logged after that: a request sent at once could still find the slot held.
        poll_until(lambda: any(x.get("target") == "/probe" and x.get("user_tier") == "ELITE"
                               for x in router.access_log()),
                   timeout=3, what="the ELITE probe recorded (its slot given back)")

        elite_hold = Holder(router, "/hold?delay_ms=3000", "ELITE")
        elite_hold.start()
        holders.append(elite_hold)
        poll_until(lambda: upstream_requests(premium) == 2, timeout=3, what="ELITE holder at the upstream")

        r = router.get("/probe", [("X-User-Tier", "VOID")])
        assert_router_error(r, 503, "overloaded", retry_after=True)
        assert router.get("/health").status == 200, "admin endpoints are never shed"
    finally:
        for h in holders:
            h.join(timeout=15)
    for h in holders:
        assert h.error is None, h.error
        assert h.response.status == 200, h.response
    # Slots are given back (a moment after the answer is written: poll).
    poll_until(lambda: router.get("/after", [("X-User-Tier", "LITE")]).status == 200, timeout=3,
               what="LITE to be admitted again once the holders finished")
    assert router.metric("smart_router_shed_total", user_tier="LITE") >= 1
    assert router.metric("smart_router_shed_total", user_tier="VOID") == 1
    assert router.metric("smart_router_shed_total", user_tier="ELITE") == 0


def _serve_once(listener, answer: bytes):
    """Accepts one connection, reads the request head, sends `answer`, then closes."""
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        conn.sendall(answer)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_upstream_dying_mid_body_reaches_the_client_cut_short(stack, framing):
    """An upstream that sends its head and part of the body, then closes: the client gets that
    head and those bytes, then a closed connection (not an empty reply, not a made-up end)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    body = b"x" * 300
    if framing == "chunked":
        answer = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + b"%x\r\n" % len(body) + body + b"\r\n")
    else:
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + body
    server = threading.Thread(target=_serve_once, args=(listener, answer), daemon=True)
    server.start()
    try:
        address = "127.0.0.1:%d" % listener.getsockname()[1]
        cfg = make_config([address], [address], health=False)
        router = stack.router(cfg, wait_ready=False)
        raw = wire.raw_exchange(router.port, b"GET /cut HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
        server.join(10)
    finally:
        listener.close()
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, f"no response head reached the client: {raw[:200]!r}"
    assert head.startswith(b"HTTP/1.1 200 "), head
    if framing == "chunked":
        assert rest == b"%x\r\n" % len(body) + body + b"\r\n", rest[:100]  # no last chunk
    else:
        assert rest == body
    router.assert_alive("after an upstream died mid-body")
