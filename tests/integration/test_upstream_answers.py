"""Answers an upstream should never send, and upgrades the router never passes on: a 101 the
client did not ask for, an Upgrade other than websocket, a 204/304 that claims a body. Each
must leave the client's connection an HTTP/1.1 connection with nothing stray on it."""

import pytest

import wire
from checks import assert_router_error
from harness import make_config
from recorder import RecordingUpstream


@pytest.fixture
def upstream_router(stack):
    """A router whose shared pool is one RecordingUpstream answering `answer` (set per test)."""
    made = []

    def make(answer=None, status=200):
        up = RecordingUpstream(status=status, answer=answer)
        made.append(up)
        prem = stack.mock("premium-1")
        cfg = make_config([up.address], [prem.address],
                          {"pools": {"shared": {"retries": {"attempts": 0}}}}, health=False)
        return up, stack.router(cfg)
    yield make
    for up in made:
        up.close()


def test_an_unasked_101_is_a_502_and_never_a_tunnel(upstream_router):
    # RFC 9110 7.8: a server switches only to a protocol the client named. Relayed, this 101
    # would make the client's connection a raw pipe to the upstream: the request behind it
    # would reach the upstream unrouted, unrewritten and unlimited.
    up, router = upstream_router(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\n"
                                 b"Connection: upgrade\r\n\r\nRAWBYTES")
    with router.connect(timeout=5) as c:
        c.send_raw(b"GET /info101 HTTP/1.1\r\nHost: a\r\nX-User-Tier: LITE\r\n\r\n"
                   b"GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        r = c.read_response()
        assert_router_error(r, 502, "bad_gateway")
        body = c.read_response()  # the pipelined request: routed, answered on its own
    assert body.status == 502, body
    targets = [h[":target"] for h in up.recorded()]
    assert targets == ["/info101", "/after"], targets
    assert all(h.get("x-request-id") for h in up.recorded()), "a request reached it unrewritten"
    router.assert_alive("after an unasked 101")


def test_an_upgrade_other_than_websocket_is_not_passed_on(upstream_router):
    # h2c (or TLS) passed on would give the client a session with the upstream past routing
    # and limits (h2c smuggling): Upgrade is hop-by-hop, and only websocket is tunnelled.
    up, router = upstream_router(status=200)
    r = router.get("/h2c", [("Upgrade", "h2c"), ("HTTP2-Settings", "AAMAAABkAAQCAAAAAAIAAAAA"),
                            ("Connection", "Upgrade, HTTP2-Settings")])
    assert r.status == 200, r
    head = up.recorded()[-1]
    assert "upgrade" not in head and "http2-settings" not in head, head
    assert head.get("connection", "").lower() != "upgrade", head


@pytest.mark.parametrize("status", [204, 304])
def test_a_bodiless_status_is_relayed_without_a_body_whatever_the_upstream_says(upstream_router,
                                                                                status):
    # RFC 9112 6.1/6.3: 204 and 304 never have content, and a 204 carries no
    # Transfer-Encoding. Relayed with chunked framing, the "0\r\n\r\n" would be read as the
    # start of the next answer on the client's connection.
    up, router = upstream_router(f"HTTP/1.1 {status} X\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "8\r\nSMUGGLED\r\n0\r\n\r\n".encode())
    with router.connect(timeout=5) as c:
        for target in (b"/empty", b"/next"):
            c.send_raw(b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n")
            # The status line of each answer, then its fields: a stray "0" from the first
            # answer's body would be read here as the second's status line.
            status_line = c.read_line()
            assert status_line.startswith(f"HTTP/1.1 {status} ".encode()), status_line
            fields = []
            while (line := c.read_line()):
                fields.append(line.lower())
            assert not any(f.startswith(b"transfer-encoding") for f in fields), fields
            if status == 204:
                assert not any(f.startswith(b"content-length") for f in fields), fields


@pytest.mark.parametrize("coding", [b"chunked", b"xchunked", b"gzip"])
def test_transfer_encoding_beside_content_length_is_a_502(upstream_router, coding):
    # RFC 9112 6.3: Transfer-Encoding overrides Content-Length and the pair "ought to be
    # handled as an error" (response splitting): framed by the length, as with a coding that
    # is not chunked it was, the rest would sit in front of the next answer.
    up, router = upstream_router(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding +
                                 b"\r\nContent-Length: 2\r\n\r\nok")
    r = router.get("/te-cl")
    assert_router_error(r, 502, "bad_gateway")


def test_a_101_to_anything_but_websocket_is_a_502(upstream_router):
    # The request asked for websocket; the upstream switches to h2c: no tunnel to it.
    up, router = upstream_router(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
                                 b"Connection: upgrade\r\n\r\n")
    r = router.get("/chat", [("Connection", "Upgrade"), ("Upgrade", "websocket, h2c"),
                             ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                             ("Sec-WebSocket-Version", "13")])
    assert_router_error(r, 502, "bad_gateway")
    assert up.recorded()[-1]["upgrade"] == "websocket", "only websocket is asked for upstream"
