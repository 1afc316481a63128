"""The client's real address behind trusted proxies (server.trusted_proxies): X-Forwarded-For is
believed hop by hop from the right only when the TCP peer is a trusted proxy, and that address is
what trusted_peers trust, the per-client rate limit, the access log and X-Real-IP use.
X-Forwarded-For is forwarded as the contract has it, whatever is believed: appended with the peer.
The test client connects from 127.0.0.1, so a config that lists 127.0.0.0/8 makes it a proxy."""

from checks import echo
from harness import poll_until
from stack import Topology

# The client's claim is honoured only from this range, and LITE clients get one request each.
TRUST_AND_LIMITS = {
    "tiers": {"trust": {"mode": "trusted_peers", "trusted_cidrs": ["203.0.113.0/24"]}},
    "rate_limits": {"classes": {"LITE": {"client": {"key": "client_ip", "requests_per_second": 0.01,
                                                    "burst": 1}}}},
}


def topology(stack, proxies):
    overrides = {"server": {"trusted_proxies": proxies}, **TRUST_AND_LIMITS}
    return Topology(stack, overrides)


def log_line(router, request_id):
    found = []

    def logged():
        found[:] = [x for x in router.access_log() if x.get("request_id") == request_id]
        return bool(found)
    poll_until(logged, timeout=10, what=f"access log line of {request_id}")
    return found[0]


def test_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(stack):
    t = topology(stack, ["10.0.0.0/8"])  # 127.0.0.1 is not a proxy
    spoof = [("X-Forwarded-For", "203.0.113.7"), ("X-User-Tier", "ELITE"), ("X-Request-Id", "spoof-1")]
    e = echo(t.router.get("/x", spoof))
    # Not believed for trust: the claim from 127.0.0.1 is downgraded ...
    assert e["upstream"] in t.shared_names
    assert e["headers"]["x-user-tier"] == "LITE"
    # ... nor named the client upstream: X-Real-IP is the peer (the header itself is passed on,
    # appended with the peer, as the contract says) ...
    assert e["headers"]["x-real-ip"] == "127.0.0.1"
    assert e["headers"]["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    # ... nor logged ...
    assert log_line(t.router, "spoof-1")["client"] == "127.0.0.1"
    # ... nor a new rate-limit key: a second "client" is the same peer, over its one request.
    r = t.router.get("/x", [("X-Forwarded-For", "203.0.113.8")])
    assert r.status == 429, r


def test_forwarded_for_from_trusted_proxies_is_walked_from_the_right(stack):
    t = topology(stack, ["127.0.0.0/8", "10.0.0.0/8"])
    # 198.51.100.66 is the client's own forgery; 10.1.1.1 is an inner proxy (trusted) that
    # appended the address it saw, 203.0.113.7.
    xff = "198.51.100.66, 203.0.113.7, 10.1.1.1"
    e = echo(t.router.get("/x", [("X-Forwarded-For", xff), ("X-User-Tier", "ELITE"),
                                  ("X-Request-Id", "walk-1")]))
    # 203.0.113.7 is in trusted_cidrs: its claim is honoured.
    assert e["upstream"] in t.premium_names
    assert e["headers"]["x-user-tier"] == "ELITE"
    # The upstream is told the client the router believes, and gets the whole chain appended.
    assert e["headers"]["x-real-ip"] == "203.0.113.7"
    assert e["headers"]["x-forwarded-for"] == "198.51.100.66, 203.0.113.7, 10.1.1.1, 127.0.0.1"
    assert log_line(t.router, "walk-1")["client"] == "203.0.113.7"


def test_rate_limit_keys_follow_the_real_client(stack):
    t = topology(stack, ["127.0.0.0/8"])
    first_a = t.router.get("/x", [("X-Forwarded-For", "198.51.100.1")])
    again_a = t.router.get("/x", [("X-Forwarded-For", "198.51.100.1")])
    first_b = t.router.get("/x", [("X-Forwarded-For", "198.51.100.2")])
    assert first_a.status == 200, first_a
    assert again_a.status == 429, again_a  # A's one request is spent ...
    assert first_b.status == 200, first_b  # ... B, behind the same proxy, has its own


def test_malformed_entry_stops_the_walk(stack):
    t = topology(stack, ["127.0.0.0/8", "10.0.0.0/8"])
    e = echo(t.router.get("/x", [("X-Forwarded-For", "203.0.113.7, unknown, 10.1.1.1"),
                                  ("X-Request-Id", "bad-1")]))
    # The walk stops at "unknown": the client is the last address it could believe.
    assert log_line(t.router, "bad-1")["client"] == "10.1.1.1"
    assert e["headers"]["x-real-ip"] == "10.1.1.1"
    assert e["headers"]["x-forwarded-for"] == "203.0.113.7, unknown, 10.1.1.1, 127.0.0.1"
