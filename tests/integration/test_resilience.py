"""Retry budget, per-try timeout and hedging, against the real binary and mock upstreams. A
slow endpoint is a mock in capacity mode (every request held for its service time), so the
same request is slow on one endpoint and fast on the other."""

from checks import echo
from clients import Holder
from harness import make_config, poll_until

LITE = [("X-User-Tier", "LITE")]
ELITE = [("X-User-Tier", "ELITE")]


def slow_mock(stack, name, service_ms):
    return stack.mock(name, extra_args=("--slots", "1", "--service-ms", str(service_ms)))


def metric(router, name, **labels):
    return router.metric(name, **labels) or 0


def logged(router, prefix, n):
    """The access-log lines of the n requests whose target starts with prefix (a line is written
    a moment after its answer)."""
    lines = lambda: [x for x in router.access_log() if x.get("target", "").startswith(prefix)]  # noqa: E731
    poll_until(lambda: len(lines()) >= n, timeout=10, what=f"{n} requests {prefix}* logged")
    return lines()


def no_ejections(router, pool, endpoint):
    assert metric(router, "smart_router_upstream_ejected", pool=pool, endpoint=endpoint) == 0
    text = router.metrics_text()
    assert f'smart_router_upstream_ejections_total{{endpoint="{endpoint}"' not in text


# --- retry budget --------------------------------------------------------------------------

def test_retry_budget_stops_a_retry_storm(stack):
    dead = stack.closed_port()
    good = stack.mock("shared-good")
    prem = stack.mock("premium-1")
    cfg = make_config(
        [dead.address, good.address], [prem.address],
        {"tiers": {"classes": {"LITE": {"timeout_ms": 15000}}},
         "pools": {"shared": {"retries": {"attempts": 1, "on": ["connect_failure"]},
                              "retry_budget": {"percent": 20, "min_concurrent": 3},
                              "outlier_detection": {"consecutive_failures": 1000,
                                                    "max_ejection_percent": 0}}}},
        health=False)
    router = stack.router(cfg)
    n = 40
    # Every request is held 3 s by the good endpoint, so a granted retry stays in flight
    # while the others' first tries fail on the dead one.
    clients = [Holder(router, f"/storm/{i}?delay_ms=3000", "LITE", timeout=30) for i in range(n)]
    for c in clients:
        c.start()
    for c in clients:
        c.join(timeout=40)
        assert c.error is None, c.error
    statuses = [c.response.status for c in clients]
    failed_first = metric(router, "smart_router_upstream_requests_total", pool="shared",
                          endpoint=dead.address, outcome="connect_failure")
    retried = metric(router, "smart_router_retries_total", pool="shared")
    refused = metric(router, "smart_router_retry_budget_exhausted_total", pool="shared")
    # Every failed first try asked for a retry: the budget granted some and refused the rest.
    assert retried + refused == failed_first, (retried, refused, failed_first)
    assert failed_first >= 10, failed_first  # round robin: about half the first tries
    # Never more retries in flight than max(3, 20% of the 40 requests in flight).
    assert 1 <= retried <= 8, retried
    assert refused >= failed_first - 8
    # A refused retry leaves the request with its first try's error; the others are served.
    assert statuses.count(502) == refused, statuses
    assert statuses.count(200) == n - refused, statuses
    assert good.stats()["requests"] == n - refused
    poll_until(lambda: metric(router, "smart_router_retries_in_flight", pool="shared") == 0,
               timeout=10, what="retries in flight back at 0")


def test_retry_budget_is_reloadable(stack):
    dead = stack.closed_port()
    good = stack.mock("shared-good")
    prem = stack.mock("premium-1")
    overrides = {"pools": {"shared": {"retries": {"attempts": 1, "on": ["connect_failure"]},
                                      "retry_budget": {"percent": 0, "min_concurrent": 0},
                                      "outlier_detection": {"consecutive_failures": 1000,
                                                            "max_ejection_percent": 0}}}}
    cfg = make_config([dead.address, good.address], [prem.address], overrides, health=False)
    router = stack.router(cfg)
    statuses = [router.get(f"/none/{i}", LITE).status for i in range(6)]
    assert 502 in statuses, statuses  # a budget of 0: no retry at all
    assert metric(router, "smart_router_retries_total", pool="shared") == 0
    refused = metric(router, "smart_router_retry_budget_exhausted_total", pool="shared")
    assert refused == statuses.count(502)

    cfg["pools"]["shared"]["retry_budget"] = {"percent": 20, "min_concurrent": 3}
    generation = metric(router, "smart_router_config_generation")
    router.write_config(cfg)
    poll_until(lambda: metric(router, "smart_router_config_generation") > generation,
               timeout=10, what="the reload")
    assert [router.get(f"/some/{i}", LITE).status for i in range(6)] == [200] * 6
    assert metric(router, "smart_router_retries_total", pool="shared") >= 1
    assert metric(router, "smart_router_retry_budget_exhausted_total", pool="shared") == refused


# --- per-try timeout -----------------------------------------------------------------------

def test_per_try_timeout_abandons_a_slow_endpoint_without_ejecting_it(stack):
    slow = slow_mock(stack, "slow", 3000)
    fast = stack.mock("fast")
    prem = stack.mock("premium-1")
    cfg = make_config(
        [slow.address, fast.address], [prem.address],
        {"tiers": {"classes": {"LITE": {"timeout_ms": 2000, "per_try_timeout_ms": 200}}},
         # one failure in a row would eject: a per-try timeout must not be one
         "pools": {"shared": {"outlier_detection": {"consecutive_failures": 1,
                                                    "max_ejection_percent": 50}}}},
        health=False)
    router = stack.router(cfg)
    for i in range(6):
        r = router.get(f"/try/{i}", LITE, timeout=10)
        assert r.status == 200, r  # the slow one would have run past the 2 s deadline: 504
        assert echo(r)["upstream"] == "fast"
    abandoned = metric(router, "smart_router_upstream_requests_total", pool="shared",
                       endpoint=slow.address, outcome="per_try_timeout")
    assert abandoned >= 1, router.metrics_text()
    assert metric(router, "smart_router_retries_total", pool="shared") == abandoned
    assert metric(router, "smart_router_upstream_requests_total", pool="shared",
                  endpoint=slow.address, outcome="timeout") == 0
    no_ejections(router, "shared", slow.address)
    # The abandoned try's connection was closed, never reused: the slow endpoint saw it go.
    # (the mock counts a request in service as cancelled when its service time is over)
    poll_until(lambda: slow.stats()["cancelled"] == abandoned, timeout=20,
               what="the slow endpoint's requests cancelled")
    assert slow.stats()["served"] == 0
    retried = [x for x in logged(router, "/try/", 6) if x.get("attempts") == 2]
    assert len(retried) == abandoned and all(x["status"] == 200 for x in retried), retried


def test_without_a_retry_left_the_try_runs_to_the_deadline(stack):
    slow = slow_mock(stack, "slow", 600)
    prem = stack.mock("premium-1")
    cfg = make_config(
        [slow.address], [prem.address],
        {"tiers": {"classes": {"LITE": {"timeout_ms": 3000, "per_try_timeout_ms": 100}}},
         "pools": {"shared": {"retries": {"attempts": 0}}}},
        health=False)
    router = stack.router(cfg)
    r = router.get("/last", LITE, timeout=10)
    assert r.status == 200, r  # abandoning it would only have turned a late answer into a 504
    assert echo(r)["upstream"] == "slow"
    assert metric(router, "smart_router_upstream_requests_total", pool="shared",
                  endpoint=slow.address, outcome="per_try_timeout") == 0


# --- hedging -------------------------------------------------------------------------------

def hedged(stack, service_ms):
    slow = slow_mock(stack, "slow", service_ms)
    fast = stack.mock("fast")
    shared = stack.mock("shared-1")
    cfg = make_config(
        [shared.address], [slow.address, fast.address],
        {"tiers": {"classes": {"ELITE": {"timeout_ms": 2000, "hedge": {"delay_ms": 50}}}},
         "pools": {"premium": {"outlier_detection": {"consecutive_failures": 1,
                                                     "max_ejection_percent": 50}}}},
        health=False)
    return stack.router(cfg), slow, fast


def hedges(router, result):
    return metric(router, "smart_router_hedges_total", pool="premium", result=result)


def test_hedged_request_returns_the_faster_answer_and_cancels_the_slower(stack):
    router, slow, fast = hedged(stack, 3000)
    for i in range(6):
        r = router.get(f"/h/{i}", ELITE, timeout=10)
        assert r.status == 200, r
        assert echo(r)["upstream"] == "fast"
    won = hedges(router, "won")
    assert won >= 1, router.metrics_text()  # round robin: some first tries went to the slow one
    # Every try on the slow endpoint lost its race and was closed; the endpoint saw it go.
    cancelled = metric(router, "smart_router_upstream_requests_total", pool="premium",
                       endpoint=slow.address, outcome="cancelled")
    assert cancelled == won + hedges(router, "lost")
    poll_until(lambda: slow.stats()["cancelled"] == cancelled, timeout=20,
               what="the slow endpoint's requests cancelled")
    assert slow.stats()["served"] == 0
    no_ejections(router, "premium", slow.address)
    lines = logged(router, "/h/", 6)
    assert sum(1 for x in lines if x.get("hedge") == "won") == won, lines
    assert all(x["upstream"] == fast.address for x in lines), lines


def test_non_idempotent_request_is_never_hedged(stack):
    router, slow, fast = hedged(stack, 400)
    answered_by = []
    for i in range(4):
        r = router.request("POST", f"/p/{i}", ELITE, b"", timeout=10)
        assert r.status == 200, r
        answered_by.append(echo(r)["upstream"])
    # Round robin: some POSTs waited 400 ms on the slow endpoint, past the 50 ms hedge delay.
    assert "slow" in answered_by, answered_by
    assert slow.stats()["requests"] + fast.stats()["requests"] == 4  # each sent exactly once
    assert slow.stats()["cancelled"] == 0
    for result in ("won", "lost", "skipped"):
        assert hedges(router, result) == 0, result
    lines = logged(router, "/p/", 4)
    assert len(lines) == 4 and all("hedge" not in x and x["attempts"] == 1 for x in lines), lines
