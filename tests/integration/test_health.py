"""/health, /ready, and active health checks steering traffic."""

import wire
from checks import echo
from harness import make_config, poll_until, pool
from stack import Topology


def test_health_ok(topo):
    r = topo.router.get("/health")
    assert r.status == 200
    assert r.json() == {"status": "ok"}
    assert (r.header("Content-Type") or "").startswith("application/json")


def test_ready_reports_pools(topo):
    r = topo.router.ready()
    assert r.status == 200, r
    pools = r.json()["pools"]
    assert pools["shared"] == {"healthy": 2, "total": 2}
    assert pools["premium"] == {"healthy": 2, "total": 2}


def test_health_endpoints_are_not_proxied(topo):
    before = topo.upstream_requests()
    for path in ["/health", "/ready", "/metrics"]:
        assert topo.router.get(path).status == 200
    assert topo.upstream_requests() == before


def test_ready_503_when_a_reachable_pool_has_no_healthy_endpoint(stack):
    t = Topology(stack)
    for m in t.shared:
        m.fail_health()
    t.router.wait_pool_healthy("shared", 0)
    r = t.router.ready()
    assert r.status == 503, r
    assert r.json()["pools"]["shared"] == {"healthy": 0, "total": 2}
    assert t.router.get("/health").status == 200, "liveness must not follow upstream health"
    for m in t.shared:
        m.ok_health()
    t.router.wait_pool_healthy("shared", 2)
    assert t.router.ready().status == 200


def test_unreachable_pool_does_not_affect_ready(stack):
    # Pool "spare" is named by no route and no tier class: its failing endpoint is irrelevant.
    shared = stack.mocks("shared", 1)
    premium = stack.mocks("premium", 1)
    spare = stack.mock("spare-1")
    spare.fail_health()
    cfg = make_config([shared[0].address], [premium[0].address],
                      {"pools": {"spare": pool([spare.address])}})
    router = stack.router(cfg)
    poll_until(lambda: spare.stats()["health_checks"] >= 2, timeout=5, what="spare endpoint probed")
    assert router.metric("smart_router_upstream_healthy", pool="spare", endpoint=spare.address) == 0
    router.wait_ready()
    assert router.ready().status == 200


def test_unhealthy_endpoint_gets_no_traffic(stack):
    t = Topology(stack)
    bad, good = t.shared
    bad.fail_health()
    t.router.wait_pool_healthy("shared", 1)
    poll_until(lambda: t.router.metric("smart_router_upstream_healthy", pool="shared",
                                       endpoint=bad.address) == 0, timeout=5,
               what="smart_router_upstream_healthy of the failed endpoint == 0")
    assert t.router.metric("smart_router_upstream_healthy", pool="shared", endpoint=good.address) == 1
    before_bad = bad.stats()["requests"]
    seen = [echo(t.router.get(f"/h/{i}"))["upstream"] for i in range(12)]
    assert set(seen) == {good.upstream_name}, seen
    assert bad.stats()["requests"] == before_bad
    # back in rotation once healthy again
    bad.ok_health()
    t.router.wait_pool_healthy("shared", 2)
    seen = {echo(t.router.get(f"/h2/{i}"))["upstream"] for i in range(12)}
    assert seen == t.shared_names, seen


def test_health_checks_reach_the_upstream(stack):
    t = Topology(stack)
    poll_until(lambda: all(m.stats()["health_checks"] >= 2 for m in t.shared + t.premium),
               timeout=5, what="each endpoint probed twice")


def test_admin_listener_on_its_own_port(stack):
    shared = stack.mocks("shared", 1)
    premium = stack.mocks("premium", 1)
    cfg = make_config([shared[0].address], [premium[0].address],
                      {"admin": {"listen": "127.0.0.1:0"}})
    router = stack.router(cfg)
    admin_port = router.admin_port
    assert admin_port and admin_port != router.port, "the port file names both listeners"
    poll_until(lambda: wire.get(admin_port, "/ready", timeout=2).status == 200, timeout=10,
               what="/ready on the admin port")
    assert wire.get(admin_port, "/health").json() == {"status": "ok"}
    assert echo(router.get("/counted"))["path"] == "/counted"  # traffic for the metrics below
    # A request is recorded just after its answer's last byte is written: the scrape may come
    # first (seen with 28 integration tests at once on 2 cores).
    poll_until(lambda: "http_requests_total{" in wire.get(admin_port, "/metrics").body.decode(),
               timeout=5, what="the request counted on the admin port's /metrics")
    other = wire.get(admin_port, "/api/x")
    assert other.status == 404, "the admin listener must not proxy"
    # on the main listener these paths are ordinary routes now
    e = echo(router.get("/metrics"))
    assert e["path"] == "/metrics" and e["upstream"] == "shared-1"
