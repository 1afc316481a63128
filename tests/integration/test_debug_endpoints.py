"""GET /debug/config and GET /debug/routes: on the admin listener only, the effective config
(after the environment's overrides) with its secrets never in it."""

import pytest

import wire
from checks import echo
from harness import make_config, poll_until
from tokens import hs256

SECRET = "debug-secret-value-5f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture(scope="module")
def setup(module_stack):
    shared = module_stack.mock("shared-1")
    override = module_stack.mock("shared-override")
    premium = module_stack.mock("premium-1")
    cfg = make_config([shared.address], [premium.address],
                      {"admin": {"listen": "127.0.0.1:0"},
                       "tiers": {"trust": {"mode": "jwt",
                                           "jwt": {"hs256_secret_env": "TIER_JWT_SECRET"}}}},
                      health=False)
    router = module_stack.router(cfg, env={"TIER_JWT_SECRET": SECRET,
                                           "SHARED_ENDPOINT": override.address})
    admin_port = router.admin_port  # from the router's --port-file
    poll_until(lambda: wire.get(admin_port, "/health", timeout=2).status == 200, timeout=10,
               what="/health on the admin port")
    return router, admin_port, override


def test_debug_config_is_the_effective_config_without_secrets(setup):
    router, admin_port, override = setup
    r = wire.get(admin_port, "/debug/config")
    assert r.status == 200 and r.header("content-type") == "application/json"
    body = r.body.decode()
    cfg = r.json()["config"]
    # SHARED_ENDPOINT replaced the file's endpoints
    assert cfg["pools"]["shared"]["endpoints"] == [override.address]
    assert cfg["tiers"]["trust"]["mode"] == "jwt"
    # the secret's variable is named; its value appears nowhere
    assert cfg["tiers"]["trust"]["jwt"]["hs256_secret_env"] == "TIER_JWT_SECRET"
    assert SECRET not in body
    assert SECRET[:12] not in body
    assert r.json()["generation"] >= 1
    # and the secret is in use: a token signed with it is honoured
    e = echo(router.get("/x", [("Authorization", "Bearer " + hs256({"tier": "ELITE"}, SECRET))]))
    assert e["headers"]["x-user-tier"] == "ELITE"


def test_debug_routes_lists_the_table_in_order(setup):
    _, admin_port, _ = setup
    r = wire.get(admin_port, "/debug/routes")
    assert r.status == 200
    routes = r.json()["routes"]
    assert [x["name"] for x in routes] == ["premium-paths", "premium-paths-denied", "by-tier"]
    assert routes[0]["action"] == "pool" and routes[0]["pool"] == "premium"
    assert routes[0]["match"]["tiers"] == ["ELITE", "BLACK", "OBSIDIAN", "VOID"]
    assert "/api/v1/elite/" in routes[0]["match"]["path_prefix"]
    assert routes[1]["respond"] == {"status": 403, "error": "tier_required"}
    assert routes[2]["action"] == "tier_pool"
    assert routes[2]["pools"]["LITE"] == "shared" and routes[2]["pools"]["VOID"] == "premium"
    assert routes[2]["match"] == {}


def test_debug_paths_are_not_served_on_the_public_listener(setup):
    router, _, override = setup
    for path in ("/debug/config", "/debug/routes"):
        r = router.get(path)
        # an ordinary path there: routed (by-tier) to the upstream, never answered by the router
        e = echo(r)
        assert e["path"] == path and e["upstream"] == "shared-override"
        assert SECRET not in r.body.decode()


def test_debug_paths_without_an_admin_listener_are_ordinary_paths(stack):
    up = stack.mock("shared-1")
    prem = stack.mock("premium-1")
    cfg = make_config([up.address], [prem.address], {"routes": [
        {"name": "only-api", "match": {"path_prefix": ["/api/"]}, "pool": "shared"}]}, health=False)
    router = stack.router(cfg)
    for path in ("/debug/config", "/debug/routes"):
        r = router.get(path)
        assert r.status == 404 and r.json()["error"] == "no_route", (path, r)
