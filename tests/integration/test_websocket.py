"""WebSocket upgrade tunnelled through the router to the mock's echo."""

import ws


def open_ws(router, tier="LITE", path="/ws/chat"):
    c = router.connect(timeout=10)
    resp, key = ws.handshake(c, path, [("X-User-Tier", tier)])
    assert resp.status == 101, resp
    assert (resp.header("Upgrade") or "").lower() == "websocket"
    assert "upgrade" in (resp.header("Connection") or "").lower()
    assert resp.header("Sec-WebSocket-Accept") == ws.accept_for(key)
    assert resp.header("X-Request-Id")
    return c, resp


def test_websocket_echo_through_router(topo):
    c, resp = open_ws(topo.router)
    with c:
        upstream = resp.header("X-Upstream")
        assert upstream in topo.shared_names
        ws.send_frame(c, b"hello")
        assert ws.recv_message(c) == (0x1, f"{upstream}: hello".encode())
        ws.send_frame(c, "second \u00e9".encode())
        assert ws.recv_message(c) == (0x1, f"{upstream}: second \u00e9".encode())
        big = bytes(range(256)) * 300  # 76800 bytes: 64-bit length
        ws.send_frame(c, big, opcode=0x2)
        op, data = ws.recv_message(c)
        assert op == 0x2 and data == f"{upstream}: ".encode() + big
        ws.close(c)


def test_websocket_follows_tier(topo):
    c, resp = open_ws(topo.router, tier="ELITE")
    with c:
        assert resp.header("X-Upstream") in topo.premium_names
        ws.send_frame(c, b"vip")
        assert ws.recv_message(c)[1] == f"{resp.header('X-Upstream')}: vip".encode()


def test_websocket_denied_on_premium_path_for_lite(topo):
    with topo.router.connect(timeout=10) as c:
        resp, _ = ws.handshake(c, "/api/v1/premium/ws", [("X-User-Tier", "LITE")])
        assert resp.status == 403, resp


def test_plain_requests_still_work_alongside_websocket(topo):
    c, _ = open_ws(topo.router)
    with c:
        r = topo.router.get("/plain")
        assert r.status == 200 and r.json()["path"] == "/plain"
        ws.send_frame(c, b"still here")
        assert ws.recv_message(c)[1].endswith(b": still here")
