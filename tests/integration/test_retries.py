"""Retries on connect failure, and passive outlier ejection of a failing endpoint."""

from checks import echo
from harness import make_config, poll_until


def dead_and_good(stack, outlier):
    good = stack.mock("shared-good")
    prem = stack.mock("premium-1")
    dead = stack.closed_port()
    cfg = make_config([dead.address, good.address], [prem.address],
                      {"pools": {"shared": {"outlier_detection": outlier,
                                            "retries": {"attempts": 1, "on": ["connect_failure"]}}}},
                      health=False)  # active checks would hide the dead endpoint from the test
    return stack.router(cfg), good, dead


def test_connect_failure_is_retried_on_the_other_endpoint(stack):
    router, good, dead = dead_and_good(stack, {"consecutive_failures": 1000, "max_ejection_percent": 0})
    before = router.metric("smart_router_retries_total", pool="shared") or 0
    for i in range(10):
        e = echo(router.get(f"/r/{i}", [("X-User-Tier", "LITE")]))
        assert e["upstream"] == "shared-good"
    # a non-idempotent request may be retried too when nothing was sent
    for i in range(4):
        assert echo(router.request("POST", f"/p/{i}", None, b"payload"))["body_bytes"] == 7
    after = router.metric("smart_router_retries_total", pool="shared")
    assert after is not None, "smart_router_retries_total{pool=\"shared\"} missing"
    # round robin over [dead, good]: about half the first tries hit the dead endpoint
    assert 3 <= after - before <= 14, (before, after)
    failures = router.metric("smart_router_upstream_requests_total", pool="shared",
                             endpoint=dead.address, outcome="connect_failure")
    assert failures == after - before
    assert good.stats()["requests"] == 14


def test_dead_endpoint_is_ejected_passively(stack):
    router, good, dead = dead_and_good(stack, {"consecutive_failures": 2, "ejection_ms": 60000,
                                               "max_ejection_percent": 50})
    for i in range(10):
        assert echo(router.get(f"/a/{i}"))["upstream"] == "shared-good"
    retries = router.metric("smart_router_retries_total", pool="shared")
    assert retries == 2, f"after 2 consecutive failures the endpoint must be ejected; retries {retries}"
    assert router.metric("smart_router_upstream_ejected", pool="shared", endpoint=dead.address) == 1
    for i in range(10):
        assert echo(router.get(f"/b/{i}"))["upstream"] == "shared-good"
    assert router.metric("smart_router_retries_total", pool="shared") == 2, "ejected endpoint still tried"


def test_ejected_gauge_clears_when_the_ejection_ends(stack):
    # No active checks here: nothing but the passage of time ends the ejection.
    router, good, dead = dead_and_good(stack, {"consecutive_failures": 2, "ejection_ms": 300,
                                               "max_ejection_percent": 50})
    for i in range(6):
        assert echo(router.get(f"/e/{i}"))["upstream"] == "shared-good"
    gauge = lambda: router.metric("smart_router_upstream_ejected", pool="shared", endpoint=dead.address)  # noqa: E731
    assert gauge() == 1
    poll_until(lambda: gauge() == 0, timeout=5, what="the ejected gauge back at 0")
    assert router.metric("smart_router_upstream_ejected", pool="shared", endpoint=good.address) == 0


def test_no_retry_without_budget(stack):
    good = stack.mock("shared-good")
    prem = stack.mock("premium-1")
    dead = stack.closed_port()
    cfg = make_config([dead.address, good.address], [prem.address],
                      {"pools": {"shared": {"retries": {"attempts": 0},
                                            "outlier_detection": {"max_ejection_percent": 0}}}},
                      health=False)
    router = stack.router(cfg)
    statuses = [router.get(f"/n/{i}").status for i in range(6)]
    assert sorted(set(statuses)) == [200, 502], statuses  # round robin: some hit the dead one
    assert (router.metric("smart_router_retries_total", pool="shared") or 0) == 0


def two_shared(stack):
    shared = stack.mocks("shared", 2)
    prem = stack.mock("premium-1")
    cfg = make_config([m.address for m in shared], [prem.address],
                      {"pools": {"shared": {"outlier_detection": {"max_ejection_percent": 0}}}},
                      health=False)
    return stack.router(cfg), shared


def sent(mocks):
    return sum(m.stats()["requests"] for m in mocks)


def test_idempotent_request_retried_after_reset(stack):
    router, shared = two_shared(stack)
    r = router.get("/x?reset=1")
    assert r.status == 502, r
    assert sent(shared) == 2, "a GET answered by a reset must be tried once more"
    assert router.metric("smart_router_retries_total", pool="shared") == 1


def test_non_idempotent_request_not_replayed_after_reset(stack):
    router, shared = two_shared(stack)
    r = router.request("POST", "/x?reset=1", None, b"")
    assert r.status == 502, r
    assert sent(shared) == 1, "a POST the upstream may have acted on must not be sent again"
    assert (router.metric("smart_router_retries_total", pool="shared") or 0) == 0


def test_503_retried_then_relayed(stack):
    router, shared = two_shared(stack)
    r = router.get("/x?status=503")
    assert r.status == 503, r
    assert sent(shared) == 2
    assert {m.upstream_name for m in shared if m.stats()["requests"] == 1} == {"shared-1", "shared-2"}
