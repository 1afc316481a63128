"""Routing: tier classes to pools, the premium-path routes, unknown tiers, no route, env overrides."""

import pytest

from checks import assert_router_error, echo
from stack import Topology
from harness import make_config

SHARED_TIERS = [("LITE", "LITE"), ("PRO", "PRO"), (None, "LITE"), ("pro", "PRO"), ("lite", "LITE")]
PREMIUM_TIERS = ["ELITE", "BLACK", "OBSIDIAN", "VOID", "elite", "Void"]


def tier_headers(tier):
    return [] if tier is None else [("X-User-Tier", tier)]


@pytest.mark.parametrize("sent,effective", SHARED_TIERS)
def test_shared_tiers_go_to_shared_pool(topo, sent, effective):
    seen = set()
    for i in range(4):  # round robin: both shared endpoints, never a premium one
        e = echo(topo.router.get(f"/api/v1/items/{i}?x=1", tier_headers(sent)))
        seen.add(e["upstream"])
        assert e["path"] == f"/api/v1/items/{i}" and e["query"] == "x=1"
        assert e["headers"]["x-user-tier"] == effective
    assert seen <= topo.shared_names and seen, seen


@pytest.mark.parametrize("sent", PREMIUM_TIERS)
def test_premium_tiers_go_to_premium_pool(topo, sent):
    seen = set()
    for _ in range(4):
        e = echo(topo.router.get("/api/v1/items", tier_headers(sent)))
        seen.add(e["upstream"])
        assert e["headers"]["x-user-tier"] == sent.upper()
    assert seen <= topo.premium_names and seen, seen


@pytest.mark.parametrize("path", ["/api/v1/premium/report", "/api/v1/elite/x", "/api/v1/black/"])
@pytest.mark.parametrize("tier", ["LITE", "PRO", None])
def test_premium_path_denied_to_shared_tiers(topo, path, tier):
    before = topo.upstream_requests()
    r = topo.router.get(path, tier_headers(tier))
    assert_router_error(r, 403, "tier_required")
    assert topo.upstream_requests() == before, "a denied request reached an upstream"


@pytest.mark.parametrize("tier", ["ELITE", "BLACK", "OBSIDIAN", "VOID"])
def test_premium_path_for_premium_tier(topo, tier):
    e = echo(topo.router.get("/api/v1/premium/report?q=2", tier_headers(tier)))
    assert e["upstream"] in topo.premium_names
    assert e["path"] == "/api/v1/premium/report" and e["query"] == "q=2"
    assert e["headers"]["x-user-tier"] == tier


def test_premium_prefix_is_a_prefix_not_a_substring(topo):
    # "/api/v1/premiumx" does not start with "/api/v1/premium/": by-tier, shared pool for LITE.
    e = echo(topo.router.get("/api/v1/premiumx", [("X-User-Tier", "LITE")]))
    assert e["upstream"] in topo.shared_names


@pytest.mark.parametrize("claim", ["GOLD", "superuser", "ELITE2", ""])
def test_unknown_tier_gets_default(topo, claim):
    e = echo(topo.router.get("/x", [("X-User-Tier", claim)]))
    assert e["upstream"] in topo.shared_names
    assert e["headers"]["x-user-tier"] == "LITE"


def test_unknown_tier_rejected_with_on_unknown_reject(stack):
    t = Topology(stack, {"tiers": {"on_unknown": "reject"}})
    before = t.upstream_requests()
    r = t.router.get("/x", [("X-User-Tier", "GOLD")])
    assert_router_error(r, 400, "unknown_tier")
    assert t.upstream_requests() == before
    # known tiers (any case) and no header at all still pass
    assert echo(t.router.get("/x", [("X-User-Tier", "elite")]))["upstream"] in t.premium_names
    assert echo(t.router.get("/x"))["headers"]["x-user-tier"] == "LITE"


def test_no_route_is_404(stack):
    t = Topology(stack, {"routes": [{"name": "only-api", "match": {"path_prefix": ["/api/"]},
                                     "tier_pool": True}]})
    r = t.router.get("/other", [("X-User-Tier", "ELITE")])
    assert_router_error(r, 404, "no_route")
    assert echo(t.router.get("/api/x", [("X-User-Tier", "ELITE")]))["upstream"] in t.premium_names


def test_tier_routing_disabled_by_env(stack):
    t = Topology(stack, env={"TIER_ROUTING_ENABLED": "false"})
    for tier in ["ELITE", "VOID", "PRO"]:
        e = echo(t.router.get("/x", [("X-User-Tier", tier)]))
        assert e["upstream"] in t.shared_names, (tier, e["upstream"])
        assert e["headers"]["x-user-tier"] == "LITE"


def test_shared_endpoint_env_replaces_pool_endpoints(stack):
    shared = stack.mocks("shared", 2)
    premium = stack.mocks("premium", 1)
    replacement = stack.mocks("replacement", 2)
    cfg = make_config([m.address for m in shared], [m.address for m in premium])
    env = {"SHARED_ENDPOINT": ",".join(m.address for m in replacement)}
    r = stack.router(cfg, env=env, wait_ready=True)
    seen = {echo(r.get("/x", [("X-User-Tier", "LITE")]))["upstream"] for _ in range(6)}
    assert seen == {"replacement-1", "replacement-2"}
    assert all(m.stats()["requests"] == 0 for m in shared)
    assert echo(r.get("/x", [("X-User-Tier", "ELITE")]))["upstream"] == "premium-1"
    ready = r.ready().json()["pools"]
    assert ready["shared"]["total"] == 2


def test_premium_endpoint_env_replaces_pool_endpoints(stack):
    shared = stack.mocks("shared", 1)
    premium = stack.mocks("premium", 1)
    replacement = stack.mock("replacement-p")
    cfg = make_config([m.address for m in shared], [m.address for m in premium])
    r = stack.router(cfg, env={"PREMIUM_ENDPOINT": replacement.address}, wait_ready=True)
    for _ in range(3):
        assert echo(r.get("/x", [("X-User-Tier", "BLACK")]))["upstream"] == "replacement-p"
    assert premium[0].stats()["requests"] == 0


# --- the premium-only route cannot be dodged by spelling the path differently ---------------

@pytest.mark.parametrize("path", [
    "/api/v1//premium/x",
    "/api/v1/./premium/x",
    "/api/v1/a/../premium/x",
    "/api/v1/%70remium/x",
    "//api/v1/premium/x",
    "/api/v1/premium/%2e%2e/premium/x",
    "/api/v1/x/%2E%2E/elite/y",
])
def test_premium_route_not_bypassed_by_path_tricks(topo, path):
    before = topo.upstream_requests()
    r = topo.router.get(path, [("X-User-Tier", "LITE")])
    assert_router_error(r, 403, "tier_required")
    assert topo.upstream_requests() == before, f"{path} reached an upstream"


@pytest.mark.parametrize("path", ["/api/v1%2Fpremium/x", "/api/v1%2fpremium/x", "/api\\v1\\premium\\x",
                                  "/api/v1/premium%5Cx"])
def test_encoded_separators_never_reach_upstream(topo, path):
    before = topo.upstream_requests()
    r = topo.router.get(path, [("X-User-Tier", "LITE")])
    # Refused as malformed (README: encoded separators and backslashes), not routed at all.
    assert_router_error(r, 400, "bad_request")
    assert topo.upstream_requests() == before, f"{path} reached an upstream"


def test_absolute_form_target_is_routed_by_its_path(topo):
    before = topo.upstream_requests()
    r = topo.router.get("http://example.com/api/v1/premium/x", [("X-User-Tier", "LITE")])
    assert_router_error(r, 403, "tier_required")
    assert topo.upstream_requests() == before


def test_upstream_sees_the_path_that_was_routed(topo):
    e = echo(topo.router.get("/api/v1//premium/./a/../report?q=1", [("X-User-Tier", "ELITE")]))
    assert e["upstream"] in topo.premium_names
    assert e["path"] == "/api/v1/premium/report" and e["query"] == "q=1"
