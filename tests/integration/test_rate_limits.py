"""Rate limits: class and per-client token buckets answered 429 rate_limited with Retry-After,
RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers-11), counted in
smart_router_rate_limited_total, before any upstream work; reloadable."""

import copy
import re

from checks import assert_router_error, echo
from harness import poll_until, run_router_cli
from stack import Topology
from test_trust import SECRET, hs256, trust

# Slow refill (one token per 5 s): a burst of requests a few milliseconds apart can never be
# topped up in between, however slow the machine.
SLOW = 0.2

RATELIMIT = re.compile(r'^"(?P<name>[^"]+)";r=(?P<r>\d+);t=(?P<t>\d+)$')


def limits(classes: dict, **extra) -> dict:
    return {"rate_limits": {"classes": classes, **extra}}


def limited(router, user_tier: str, scope: str) -> float:
    return router.metric("smart_router_rate_limited_total", user_tier=user_tier, scope=scope) or 0


def statuses(router, n: int, headers=None, **kw) -> list:
    return [router.get("/x", headers, **kw).status for _ in range(n)]


def assert_rate_limited(resp, policy: str, quota: int, window: int) -> int:
    """The 429 of the contract; returns its Retry-After."""
    assert_router_error(resp, 429, "rate_limited", retry_after=True)
    retry_after = int(resp.header("Retry-After"))
    assert retry_after >= 1
    assert resp.header("RateLimit-Policy") == f'"{policy}";q={quota};w={window}', resp
    m = RATELIMIT.match(resp.header("RateLimit") or "")
    assert m, f"RateLimit header malformed on {resp!r}"
    assert m["name"] == policy and m["r"] == "0", resp
    # draft-11 section 6: Retry-After is never earlier than the end of the effective window.
    assert int(m["t"]) <= retry_after, resp
    return retry_after


def test_class_limit_answers_429_with_the_headers(stack):
    t = Topology(stack, limits({"LITE": {"class": {"requests_per_second": SLOW, "burst": 5}}}))
    before = t.upstream_requests()
    got = statuses(t.router, 5)
    assert got == [200] * 5, got
    refused = t.router.get("/x")
    assert_rate_limited(refused, "LITE-class", quota=5, window=25)
    assert t.router.get("/x").status == 429
    # Limited requests never reach an upstream.
    assert t.upstream_requests() == before + 5
    assert limited(t.router, "LITE", "class") == 2
    assert limited(t.router, "LITE", "client") == 0
    # A premium class without a limit is unaffected.
    elite = [("X-User-Tier", "ELITE")]
    assert statuses(t.router, 10, elite) == [200] * 10
    assert limited(t.router, "ELITE", "class") == 0


def test_class_bucket_refills(stack):
    t = Topology(stack, limits({"PRO": {"class": {"requests_per_second": 1, "burst": 2}}}))
    pro = [("X-User-Tier", "PRO")]
    got = statuses(t.router, 3, pro)
    assert got == [200, 200, 429], got
    poll_until(lambda: t.router.get("/x", pro).status == 200, timeout=5,
               what="a PRO token to come back after 1 s")


def test_client_ip_limit_gives_each_address_its_own_bucket(stack):
    t = Topology(stack, limits({"LITE": {"client": {"key": "client_ip",
                                                    "requests_per_second": SLOW, "burst": 2}}}))
    assert statuses(t.router, 2, source="127.0.0.1") == [200, 200]
    assert_rate_limited(t.router.get("/x", source="127.0.0.1"), "LITE-client", quota=2, window=10)
    assert statuses(t.router, 2, source="127.0.0.2") == [200, 200]
    assert t.router.get("/x", source="127.0.0.2").status == 429
    assert limited(t.router, "LITE", "client") == 2
    assert limited(t.router, "LITE", "class") == 0


def test_header_key(stack):
    t = Topology(stack, limits({"PRO": {"client": {"key": "header:X-Api-Key",
                                                   "requests_per_second": SLOW, "burst": 2}}}))

    def key(k):
        return [("X-User-Tier", "PRO"), ("X-Api-Key", k)]

    assert statuses(t.router, 2, key("key-a")) == [200, 200]
    assert_rate_limited(t.router.get("/x", key("key-a")), "PRO-client", quota=2, window=10)
    assert statuses(t.router, 2, key("key-b")) == [200, 200]
    # Without the header the client IP is the key: a bucket of its own.
    assert statuses(t.router, 2, [("X-User-Tier", "PRO")]) == [200, 200]
    assert t.router.get("/x", [("X-User-Tier", "PRO")]).status == 429
    # The key's value is not what the upstream sees changed: it is forwarded as sent.
    assert echo(t.router.get("/x", key("key-c")))["headers"]["x-api-key"] == "key-c"


def test_jwt_subject_key_uses_only_verified_tokens(stack):
    overrides = trust("jwt", jwt={"header": "Authorization", "claim": "tier",
                                  "algorithms": ["HS256"], "hs256_secret_env": "TIER_JWT_SECRET"})
    overrides.update(limits({"LITE": {"client": {"key": "jwt_subject",
                                                 "requests_per_second": SLOW, "burst": 2}}}))
    t = Topology(stack, overrides, env={"TIER_JWT_SECRET": SECRET})

    def bearer(sub, secret=SECRET):
        return [("Authorization", f"Bearer {hs256({'tier': 'LITE', 'sub': sub}, secret)}")]

    assert statuses(t.router, 2, bearer("alice")) == [200, 200]
    assert_rate_limited(t.router.get("/x", bearer("alice")), "LITE-client", quota=2, window=10)
    assert statuses(t.router, 2, bearer("bob")) == [200, 200]
    # A token that does not verify lends its subject nothing: keyed by the client IP instead.
    forged = bearer("alice", secret="not-the-secret-0123456789abcdef")
    assert statuses(t.router, 2, forged) == [200, 200]
    # So is a request without a token: the same client IP, so its bucket is now empty.
    assert_rate_limited(t.router.get("/x"), "LITE-client", quota=2, window=10)


def test_reload_applies_a_changed_limit(stack):
    t = Topology(stack, limits({"LITE": {"class": {"requests_per_second": SLOW, "burst": 2}}}))
    assert statuses(t.router, 3) == [200, 200, 429]
    cfg = copy.deepcopy(t.config)
    cfg["rate_limits"]["classes"]["LITE"]["class"]["burst"] = 4
    t.router.write_config(cfg)
    # The changed limit starts a full bucket of 4.
    poll_until(lambda: t.router.get("/x").status == 200, timeout=5, what="the new limit")
    got = statuses(t.router, 4)
    assert got[:3] == [200, 200, 200] and got[3] == 429, got
    assert_rate_limited(t.router.get("/x"), "LITE-class", quota=4, window=20)
    # Removing the section lifts the limit.
    del cfg["rate_limits"]
    t.router.write_config(cfg)
    poll_until(lambda: t.router.get("/x").status == 200, timeout=5, what="the limit to go")
    assert statuses(t.router, 10) == [200] * 10


def test_reload_keeps_a_bucket_whose_limit_did_not_change(stack):
    # One token per 20 s: the emptied bucket cannot refill while the reload happens.
    t = Topology(stack, limits({"LITE": {"class": {"requests_per_second": 0.05, "burst": 2}}}))
    assert statuses(t.router, 3) == [200, 200, 429]
    ok_before = t.router.metric("smart_router_config_reloads_total", result="success") or 0
    cfg = copy.deepcopy(t.config)
    cfg["tiers"]["classes"]["PRO"]["timeout_ms"] = 900  # an unrelated change
    t.router.write_config(cfg)
    poll_until(lambda: (t.router.metric("smart_router_config_reloads_total", result="success")
                        or 0) > ok_before, timeout=5, what="the reload")
    assert_rate_limited(t.router.get("/x"), "LITE-class", quota=2, window=40)


def test_check_config_reports_bad_limits(tmp_path):
    text = """tiers:
  trust: {mode: header}
rate_limits:
  classes:
    LITE:
      class: {requests_per_second: 0, burst: 5}
      client: {key: cookie, requests_per_second: 10}
    NOPE:
      class: {requests_per_second: 1}
    PRO:
      client: {key: jwt_subject, requests_per_second: 1, burst: 0}
pools:
  shared: {endpoints: ["127.0.0.1:9001"]}
  premium: {endpoints: ["127.0.0.1:9101"]}
"""
    p = tmp_path / "bad-limits.yaml"
    p.write_text(text)
    r = run_router_cli(["--check-config", str(p)])
    assert r.returncode == 1, r
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(f"{p}:")]
    expected = {
        "rate_limits.classes.LITE.class.requests_per_second": (6, 36),
        "rate_limits.classes.LITE.client.key": (7, 21),
        "rate_limits.classes.NOPE": (8, 5),
        "rate_limits.classes.PRO.client.key": (11, 21),
        "rate_limits.classes.PRO.client.burst": (11, 65),
    }
    for path, (line, col) in expected.items():
        assert any(ln.startswith(f"{p}:{line}:{col}: {path}:") for ln in lines), \
            f"{path} at {line}:{col} missing in:\n{r.stderr}"


def test_a_connection_flooding_refusals_is_tarpitted_and_closed(stack):
    """overload.tarpit: after `after` refusals in a row, each sooner than the last one's
    Retry-After, the next refusal is held delay_ms and its connection closed; another
    connection, and the same one's earlier refusals, are answered at once."""
    import time
    cfg = limits({"LITE": {"class": {"requests_per_second": SLOW, "burst": 1}}})
    cfg["overload"] = {"tarpit": {"after": 3, "delay_ms": 1500}}
    t = Topology(stack, cfg)
    with t.router.connect() as c:
        assert c.request("GET", "/x").status == 200
        for _ in range(3):
            refused = c.request("GET", "/x")
            assert_rate_limited(refused, "LITE-class", quota=1, window=5)
            assert refused.header("Connection", "").lower() != "close", refused
        assert t.router.metric("smart_router_tarpitted_total") == 0
        sent = time.monotonic()
        held = c.request("GET", "/x")
        # A lower bound only: a slow machine can only make the hold longer.
        assert time.monotonic() - sent >= 1.4, "the fourth refusal in a row was not held"
        assert_rate_limited(held, "LITE-class", quota=1, window=5)
        assert held.header("Connection", "").lower() == "close", held
        assert c.peer_closed(), "a tarpitted connection must be closed"
    assert t.router.metric("smart_router_tarpitted_total") == 1
    # The tarpit is per connection: a new one is refused at once, without closing.
    fresh = t.router.get("/x")
    assert fresh.status == 429 and fresh.header("Connection", "").lower() != "close", fresh
    assert t.router.metric("smart_router_tarpitted_total") == 1
