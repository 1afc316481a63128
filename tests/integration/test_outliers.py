"""Passive outlier detection under overload: the router's own deadlines are no evidence against
an endpoint, a pool is never ejected whole, /ready does not follow load, and every ejection and
its end is logged at warn (issue: a premium overload must never shut premium out)."""

import re

from checks import assert_router_error, echo
from clients import Holder
from harness import make_config, poll_until

ELITE = [("X-User-Tier", "ELITE")]


def slow_burst(router, n, delay_ms):
    """n concurrent ELITE requests the upstream answers after delay_ms (beyond the deadline)."""
    holders = [Holder(router, f"/slow/{i}?delay_ms={delay_ms}", "ELITE") for i in range(n)]
    for h in holders:
        h.start()
    for h in holders:
        h.join(timeout=20)
    for h in holders:
        assert h.error is None, h.error
        assert_router_error(h.response, 504, "upstream_timeout")


def test_own_deadline_timeouts_do_not_eject_a_lone_endpoint(stack):
    # The reproduction of the defect: one premium endpoint, the default outlier_detection
    # (5 in a row, 30 s, 50%), and ELITE requests slower than ELITE's 500 ms timeout_ms.
    shared, prem = stack.mock("shared-1"), stack.mock("premium-1")
    router = stack.router(make_config([shared.address], [prem.address]))
    router.wait_pool_healthy("premium", 1)
    slow_burst(router, 6, 800)
    assert router.metric("smart_router_upstream_requests_total", pool="premium",
                         endpoint=prem.address, outcome="timeout") == 6
    assert echo(router.get("/next", ELITE))["upstream"] == "premium-1"
    assert router.metric("smart_router_upstream_ejected", pool="premium", endpoint=prem.address) == 0
    ready = router.ready()
    assert ready.status == 200, ready
    assert ready.json()["pools"]["premium"] == {"healthy": 1, "total": 1}


def test_equally_slow_endpoints_both_keep_receiving_requests(stack):
    shared = stack.mock("shared-1")
    premium = stack.mocks("premium", 2)
    router = stack.router(make_config([shared.address], [m.address for m in premium]))
    router.wait_pool_healthy("premium", 2)
    slow_burst(router, 14, 800)  # round robin: 7 timeouts each, past consecutive_failures
    for m in premium:
        assert router.metric("smart_router_upstream_requests_total", pool="premium",
                             endpoint=m.address, outcome="timeout") == 7
    before = {m.upstream_name: m.stats()["requests"] for m in premium}
    seen = [echo(router.get(f"/after/{i}", ELITE))["upstream"] for i in range(10)]
    assert set(seen) == {"premium-1", "premium-2"}, seen
    after = {m.upstream_name: m.stats()["requests"] for m in premium}
    assert all(after[name] > before[name] for name in before), (before, after)
    assert router.ready().status == 200


def killed_endpoint_of_two(stack, ejection_ms):
    shared = stack.mock("shared-1")
    dead, alive = stack.mocks("premium", 2)
    # Passive detection alone: active checks would take the dead endpoint out by themselves.
    cfg = make_config([shared.address], [dead.address, alive.address],
                      {"pools": {"premium": {"outlier_detection": {"ejection_ms": ejection_ms}}}},
                      health=False)
    router = stack.router(cfg)
    dead.stop()
    return router, dead, alive


def test_a_killed_endpoint_is_ejected_while_every_request_succeeds(stack):
    router, dead, alive = killed_endpoint_of_two(stack, 60000)
    for i in range(20):
        assert echo(router.get(f"/k/{i}", ELITE))["upstream"] == "premium-2"
    assert router.metric("smart_router_upstream_ejected", pool="premium", endpoint=dead.address) == 1
    assert router.metric("smart_router_upstream_ejections_total", pool="premium",
                         endpoint=dead.address, reason="connect_failure") == 1
    refused = router.metric("smart_router_upstream_requests_total", pool="premium",
                            endpoint=dead.address, outcome="connect_failure")
    assert refused == 5, "ejected after consecutive_failures (5), then never tried again"
    ready = router.ready()
    assert ready.status == 200, ready
    assert ready.json()["outliers"]["premium"] == {"ejected": 1, "panic": False}
    line = poll_until(lambda: [ln for ln in router.stderr_text().splitlines()
                               if " warning " in ln and "ejected for 60000 ms" in ln], timeout=5,
                      what="the ejection logged at warn")[0]
    assert f"endpoint {dead.address}" in line and "pool premium" in line, line
    assert "5 consecutive failures (last: connect_failure)" in line, line
    assert "1 of 2 endpoints now ejected" in line, line


def test_the_end_of_an_ejection_is_logged(stack):
    router, dead, alive = killed_endpoint_of_two(stack, 300)
    for i in range(12):
        assert router.get(f"/k/{i}", ELITE).status == 200
    pattern = re.compile(r" warning pool premium endpoint " + re.escape(dead.address) +
                         r" back in rotation: its ejection ended; 2 of 2 endpoints routable")
    poll_until(lambda: pattern.search(router.stderr_text()), timeout=5,
               what="the end of the ejection logged at warn")
    assert router.metric("smart_router_upstream_ejected", pool="premium", endpoint=dead.address) == 0
