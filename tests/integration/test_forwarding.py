"""Forwarding headers: what the upstream receives, and X-Request-Id on every response."""

import re

import pytest

import wire
from checks import assert_router_error, echo
from harness import poll_until
from stack import Topology

HOP_BY_HOP = ["connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection",
              "transfer-encoding"]


def test_x_forwarded_for_is_peer_when_absent(topo):
    h = echo(topo.router.get("/x"))["headers"]
    assert h["x-forwarded-for"] == "127.0.0.1"


def test_x_forwarded_for_is_appended_with_the_peer(topo):
    # The contract: appended, whoever the peer is (what the router believes of it, with no
    # server.trusted_proxies nothing, is X-Real-IP: the peer; a trusted chain:
    # test_client_address.py).
    h = echo(topo.router.get("/x", [("X-Forwarded-For", "203.0.113.7, 198.51.100.2")]))["headers"]
    assert h["x-forwarded-for"] == "203.0.113.7, 198.51.100.2, 127.0.0.1"
    assert h["x-real-ip"] == "127.0.0.1"
    h = echo(topo.router.get("/x", [("X-Forwarded-For", "client-supplied"),
                                    ("X-Forwarded-For", "192.0.2.9"),
                                    ("X-Real-IP", "192.0.2.9")]))["headers"]
    assert h["x-forwarded-for"] == "client-supplied, 192.0.2.9, 127.0.0.1", "one line, in order"
    assert h["x-real-ip"] == "127.0.0.1", "a client's X-Real-IP is never passed on"


def test_x_forwarded_proto_is_http(topo):
    h = echo(topo.router.get("/x", [("X-Forwarded-Proto", "https")]))["headers"]
    assert h["x-forwarded-proto"] == "http", "a client-sent X-Forwarded-Proto must be replaced"


def test_server_via_names_this_hop_after_the_clients(stack):
    # RFC 9110 7.6.3: a gateway adds itself to Via, with the protocol it received the request in.
    named = Topology(stack, {"server": {"via": "smart-router"}}).router
    assert echo(named.get("/x"))["headers"]["via"] == "1.1 smart-router"
    h = echo(named.get("/x", [("Via", "1.1 cdn-edge"), ("Via", "1.0 lb")]))["headers"]
    assert h["via"] == "1.1 cdn-edge, 1.0 lb, 1.1 smart-router", "client's hops first, in order"
    h = echo(wire.get(named.port, "/x", version="HTTP/1.0"))["headers"]
    assert h["via"] == "1.0 smart-router"


def test_no_via_of_the_routers_by_default(topo):
    # Off by default, as nginx, HAProxy and Envoy: a Via turns off nginx's (gzip_proxied off)
    # and IIS's compression. The client's own Via fields still pass.
    assert "via" not in echo(topo.router.get("/x"))["headers"]
    assert echo(topo.router.get("/x", [("Via", "1.1 lb")]))["headers"]["via"] == "1.1 lb"


@pytest.mark.parametrize("rid", ["abc-123_XYZ.9", "0b8f3a1e-6c1d-4a53-9f7e-2d2b8f0c1a77", "a:b/c+d=e"])
def test_sane_request_id_is_kept(topo, rid):
    r = topo.router.get("/x", [("X-Request-Id", rid)])
    assert echo(r)["headers"]["x-request-id"] == rid
    assert r.header("X-Request-Id") == rid
    assert len(r.header_all("X-Request-Id")) == 1


@pytest.mark.parametrize("rid", ["has spaces in it", "x" * 300, "semi;colon", "quote\"d"])
def test_insane_request_id_is_replaced(topo, rid):
    r = topo.router.get("/x", [("X-Request-Id", rid)])
    up = echo(r)["headers"]["x-request-id"]
    assert up != rid and up, up
    assert r.header("X-Request-Id") == up


def test_request_id_generated_and_returned(topo):
    ids = set()
    for _ in range(5):
        r = topo.router.get("/x")
        up = echo(r)["headers"]["x-request-id"]
        assert up and re.fullmatch(r"[A-Za-z0-9._:/+=-]{8,128}", up), up
        assert r.header("X-Request-Id") == up
        ids.add(up)
    assert len(ids) == 5, "generated request ids must be unique"


@pytest.mark.parametrize("claim,effective,upstream_pool", [
    ("elite", "ELITE", "premium"),
    ("GOLD", "LITE", "shared"),
    ("lItE", "LITE", "shared"),
    ("  PRO  ", "PRO", "shared"),
])
def test_user_tier_is_effective_tier(topo, claim, effective, upstream_pool):
    e = echo(topo.router.get("/x", [("X-User-Tier", claim)]))
    assert e["headers"]["x-user-tier"] == effective
    names = topo.premium_names if upstream_pool == "premium" else topo.shared_names
    assert e["upstream"] in names


def downgrades_unknown(router):
    return router.metric("smart_router_tier_downgrades_total", claimed="unknown",
                         reason="unknown_tier") or 0


@pytest.mark.parametrize("claims", [("LITE", "ELITE"), ("ELITE", "LITE"), ("ELITE", "ELITE")])
def test_repeated_tier_header_is_an_unknown_tier(topo, claims):
    # Two field lines are one list (RFC 9110 5.3), "LITE, ELITE", which names no class: the
    # request is the default class (on_unknown: default), whichever line comes first, and the
    # upstream sees that one canonical value.
    before = downgrades_unknown(topo.router)
    e = echo(topo.router.get("/x", [("X-User-Tier", c) for c in claims]))
    assert e["headers"]["x-user-tier"] == "LITE", e["headers"]
    assert e["upstream"] in topo.shared_names
    poll_until(lambda: downgrades_unknown(topo.router) == before + 1, timeout=5,
               what='smart_router_tier_downgrades_total{claimed="unknown",reason="unknown_tier"} + 1')


def test_repeated_tier_header_refused_with_on_unknown_reject(stack):
    r = Topology(stack, {"tiers": {"on_unknown": "reject"}}).router
    resp = r.get("/x", [("X-User-Tier", "ELITE"), ("X-User-Tier", "ELITE")])
    assert_router_error(resp, 400, "unknown_tier")
    assert echo(r.get("/x", [("X-User-Tier", "ELITE")]))["headers"]["x-user-tier"] == "ELITE"


@pytest.mark.parametrize("tier,limit", [("LITE", 1000), ("PRO", 1000), ("ELITE", 500), ("VOID", 500)])
def test_request_budget_header(topo, tier, limit):
    h = echo(topo.router.get("/x", [("X-User-Tier", tier), ("X-Request-Budget-Ms", "999999")]))["headers"]
    v = h["x-request-budget-ms"]
    assert v.isdigit(), f"X-Request-Budget-Ms {v!r}"
    assert 0 < int(v) <= limit


def test_hop_by_hop_headers_removed(topo):
    sent = [
        ("Connection", "keep-alive, X-Secret"),
        ("Keep-Alive", "timeout=5, max=100"),
        ("TE", "trailers"),
        ("Trailer", "X-Checksum"),
        ("Upgrade", "h2c"),
        ("Proxy-Connection", "keep-alive"),
        ("X-Secret", "1"),
        ("X-Keep-Me", "yes"),
    ]
    e = echo(topo.router.get("/x", sent))
    h = e["headers"]
    for name in HOP_BY_HOP + ["x-secret"]:
        assert name not in h, f"{name} reached the upstream: {h}"
    assert h["x-keep-me"] == "yes"


def test_connection_cannot_strip_host(topo):
    # RFC 9110 7.6.1 forbids listing Host in Connection; obeyed, the upstream would get an
    # HTTP/1.1 request without Host (a default virtual host, or a 400).
    h = echo(topo.router.get("/x", [("X-Hop", "1"), ("Connection", "Host, X-Hop")]))["headers"]
    assert h["host"].startswith("127.0.0.1:"), h
    assert "x-hop" not in h


def test_header_named_in_second_connection_header_removed(topo):
    e = echo(topo.router.get("/x", [("Connection", "keep-alive"), ("Connection", "X-Other"),
                                     ("X-Other", "secret"), ("X-Stay", "1")]))
    assert "x-other" not in e["headers"], e["headers"]
    assert e["headers"]["x-stay"] == "1"


def test_end_to_end_headers_pass_through(topo):
    sent = [("Accept", "application/json"), ("Authorization", "Bearer t0k3n"),
            ("Cookie", "a=1; b=2"), ("X-Custom", "one"), ("X-Custom", "two"),
            ("User-Agent", "it/1.0")]
    h = echo(topo.router.get("/x", sent))["headers"]
    assert h["accept"] == "application/json"
    assert h["authorization"] == "Bearer t0k3n"
    assert h["cookie"] == "a=1; b=2"
    assert h["x-custom"] == "one, two"
    assert h["user-agent"] == "it/1.0"
    assert "host" in h


def test_request_line_and_body_forwarded(topo):
    body = b'{"k": "v"}'
    r = topo.router.request("POST", "/api/v1/orders?id=7&x=%2F", [("Content-Type", "application/json")], body)
    e = echo(r)
    assert e["method"] == "POST" and e["path"] == "/api/v1/orders" and e["query"] == "id=7&x=%2F"
    assert e["body_bytes"] == len(body)
    assert e["headers"]["content-type"] == "application/json"


def test_upstream_response_headers_relayed(topo):
    r = topo.router.get("/x?status=201", [("X-Mock-Header-Bytes", "100")])
    assert r.status == 201
    assert r.header("X-Upstream") in topo.shared_names
    assert r.header("X-Padding") == "x" * 100


def _assert_has_request_id(r):
    rid = r.header("X-Request-Id")
    assert rid, f"no X-Request-Id on {r!r}"
    return rid


@pytest.mark.parametrize("path,headers,status", [
    ("/x", [], 200),
    ("/x?status=500", [], 500),
    ("/x?status=404", [], 404),
    ("/api/v1/premium/a", [("X-User-Tier", "LITE")], 403),
    ("/health", [], 200),
    ("/ready", [], 200),
    ("/metrics", [], 200),
])
def test_request_id_on_every_response(topo, path, headers, status):
    r = topo.router.get(path, headers)
    assert r.status == status, r
    _assert_has_request_id(r)


def test_request_id_on_malformed_request_error(stack):
    # Own router: a router that mishandles garbage must not take the module's router down.
    r = Topology(stack).router
    data = wire.raw_exchange(r.port, b"THIS IS NOT HTTP\r\n\r\n", timeout=5)
    assert_router_error(wire.parse_response_bytes(data), 400, "bad_request")
    r.assert_alive("after answering a malformed request")


def test_client_supplied_id_echoed_on_router_error(topo):
    r = topo.router.get("/api/v1/premium/a", [("X-User-Tier", "LITE"), ("X-Request-Id", "trace-42")])
    body = assert_router_error(r, 403, "tier_required")
    assert body["request_id"] == "trace-42" and r.header("X-Request-Id") == "trace-42"
