"""smart-router explain: the decisions the router makes for one request (trust verdict, class,
each route tried and why, route, pool, limits, deadline), by its own code, offline."""

import json
import re

import pytest

import yamlgen
from harness import contract_routes, deep_merge, make_config, run_router_cli
from tokens import hs256

SECRET = "explain-secret-0123456789abcdef"

ROUTES = [
    {"name": "canary", "match": {"headers": {"X-Canary": ["yes"]},
                                 "path_regex": ["^/api/v[0-9]+/orders/.*$"]}, "pool": "premium"},
    *contract_routes()[:2],  # premium-paths, premium-paths-denied
    {"name": "writes", "match": {"methods": ["POST", "PUT"]}, "pool": "shared"},
    {"name": "by-tier", "tier_pool": True},
]


def write(tmp_path, overrides=None, name="router.yaml"):
    cfg = make_config(["127.0.0.1:9001"], ["127.0.0.1:9003"], deep_merge({
        "routes": ROUTES,
        "pools": {"shared": {"concurrency": {"limit": 100, "queue_length": 50}}},
        "rate_limits": {"classes": {"LITE": {"class": {"requests_per_second": 50, "burst": 10}}}},
    }, overrides or {}), health=False)
    path = tmp_path / name
    path.write_text(yamlgen.dump(cfg))
    return path


def explain(config, request, *headers, peer=None, env=None, json_out=True):
    args = ["explain", "--config", str(config)]
    if peer:
        args += ["--peer", peer]
    if json_out:
        args.append("--json")
    args.append(request)
    for h in headers:
        args += ["-H", h]
    return run_router_cli(args, env=env)


def decided(config, request, *headers, **kw):
    p = explain(config, request, *headers, **kw)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.fixture
def header_mode(tmp_path):
    return write(tmp_path)


def test_premium_claim_on_a_premium_path(header_mode):
    e = decided(header_mode, "GET /api/v1/elite/quotes", "X-User-Tier: ELITE")
    assert e["trust"]["mode"] == "header" and e["trust"]["verdict"] == "honoured"
    assert e["trust"]["claim"] == "ELITE"
    assert e["class"]["name"] == "ELITE" and e["class"]["pool"] == "premium"
    tried = e["routes"]
    assert [r["name"] for r in tried] == ["canary", "premium-paths"]
    assert [r["matched"] for r in tried] == [False, True]
    canary = {c["key"]: c for c in tried[0]["checks"]}
    assert not canary["headers.X-Canary"]["held"] and "absent" in canary["headers.X-Canary"]["why"]
    assert not canary["path_regex"]["held"]
    assert all(c["held"] for c in tried[1]["checks"])
    assert e["routes_not_tried"] == ["premium-paths-denied", "writes", "by-tier"]
    assert e["route"]["name"] == "premium-paths" and e["pool"]["name"] == "premium"
    assert e["pool"]["endpoints"] == ["127.0.0.1:9003"]
    assert e["deadline"]["timeout_ms"] == 500  # ELITE's timeout_ms
    assert e["answer"] == {"forward_to": "premium"}


def test_lite_on_a_premium_path_is_refused_by_the_route(header_mode):
    e = decided(header_mode, "GET /api/v1/elite/quotes", "X-User-Tier: lite")
    assert e["class"]["name"] == "LITE"
    premium = e["routes"][1]
    assert premium["name"] == "premium-paths" and not premium["matched"]
    tiers = next(c for c in premium["checks"] if c["key"] == "tiers")
    assert not tiers["held"] and "LITE" in tiers["why"]
    assert e["routes"][2]["name"] == "premium-paths-denied" and e["routes"][2]["matched"]
    assert e["answer"]["status"] == 403 and e["answer"]["error"] == "tier_required"
    assert "pool" not in e and "deadline" not in e


def test_the_path_is_normalised_before_matching(header_mode):
    e = decided(header_mode, "GET /api/v1/x/../elite//q", "X-User-Tier: ELITE")
    assert e["request"]["path"] == "/api/v1/elite/q"
    assert e["route"]["name"] == "premium-paths"
    assert decided(header_mode, "GET /api/%2fx")["answer"]["status"] == 400


def test_header_and_regex_route_with_its_limits(header_mode):
    e = decided(header_mode, "GET /api/v2/orders/7", "X-Canary: yes")
    assert e["class"]["name"] == "LITE" and e["trust"]["verdict"] == "absent"
    assert e["routes"][0]["matched"] and e["route"]["name"] == "canary"
    assert e["pool"]["name"] == "premium"  # the route's pool, not the class's
    limits = e["limits"]
    assert limits["rate_limits"]["class"] == {"requests_per_second": 50, "burst": 10}
    own = limits["router"]["class_shares"][0]
    assert (own["priorities_up_to"], own["percent"], own["requests"]) == (0, 70, 4096 * 70 // 100)
    assert [s["percent"] for s in limits["router"]["class_shares"]] == [70, 85, 100, 100]
    assert isinstance(limits["pool"]["limit"], str), "premium has no concurrency limit"
    assert limits["retries"]["this_request_on"] == ["connect_failure", "reset", "503"]
    assert e["deadline"]["timeout_ms"] == 1000


def test_fleet_limit_and_default_bursts(tmp_path):
    config = write(tmp_path, {"rate_limits": {
        "redis": {"url": "redis://127.0.0.1:6379/0"},
        "classes": {"PRO": {"fleet": {"requests_per_second": 300},
                            "client": {"key": "client_ip", "requests_per_second": 2.5}}}}})
    e = decided(config, "GET /api/v1/orders", "X-User-Tier: PRO")
    limits = e["limits"]["rate_limits"]
    # burst absent: one second's worth, rounded up
    assert limits["fleet"] == {"requests_per_second": 300, "burst": 300}
    assert limits["client"] == {"key": "client_ip", "requests_per_second": 2.5, "burst": 3}
    text = explain(config, "GET /api/v1/orders", "X-User-Tier: PRO", json_out=False)
    assert text.returncode == 0, text.stderr
    assert "rate limit, fleet-wide (Redis): 300 req/s, burst 300" in text.stdout, text.stdout


def test_a_write_goes_to_its_pool_and_is_retried_only_before_sending(header_mode):
    e = decided(header_mode, "POST /orders", "X-User-Tier: PRO", "Content-Length: 10")
    assert e["route"]["name"] == "writes" and e["pool"]["name"] == "shared"
    pool = e["limits"]["pool"]
    assert (pool["limit"], pool["queue_length"]) == (100, 50)
    assert [s["requests"] for s in pool["class_shares"]][0] == 85  # PRO: 85% of 100
    assert e["limits"]["retries"]["this_request_on"] == ["connect_failure"]
    assert e["limits"]["rate_limits"].startswith("none")


def test_tier_pool_route(header_mode):
    e = decided(header_mode, "GET /anything", "X-User-Tier: VOID")
    assert e["route"]["name"] == "by-tier" and e["route"]["action"] == "tier_pool"
    assert e["pool"]["name"] == "premium" and "VOID" in e["pool"]["why"]


def test_trusted_peers(tmp_path):
    cfg = write(tmp_path, {"tiers": {"trust": {"mode": "trusted_peers",
                                               "trusted_cidrs": ["10.0.0.0/8"]}}})
    e = decided(cfg, "GET /x", "X-User-Tier: ELITE", "X-Request-Budget-Ms: 120", peer="10.1.2.3")
    assert e["trust"]["verdict"] == "honoured" and "10.0.0.0/8" in e["trust"]["why"]
    assert e["class"]["name"] == "ELITE"
    assert e["deadline"]["timeout_ms"] == 120, "a trusted peer's budget tightens the deadline"
    e = decided(cfg, "GET /x", "X-User-Tier: ELITE", "X-Request-Budget-Ms: 120",
                peer="192.168.1.1")
    assert e["trust"]["verdict"] == "untrusted" and "trusted_cidrs" in e["trust"]["why"]
    assert e["class"]["name"] == "LITE" and "not proven" in e["class"]["how"]
    assert e["deadline"]["timeout_ms"] == 1000, "an untrusted peer's budget is ignored"
    strict = write(tmp_path, {"tiers": {"trust": {"mode": "trusted_peers", "on_untrusted": "reject",
                                                  "trusted_cidrs": ["10.0.0.0/8"]}}}, "strict.yaml")
    e = decided(strict, "GET /x", "X-User-Tier: ELITE", peer="192.168.1.1")
    assert e["answer"]["status"] == 401 and e["answer"]["error"] == "unauthorized"
    assert "routes" not in e


def test_jwt(tmp_path):
    cfg = write(tmp_path, {"tiers": {"trust": {"mode": "jwt",
                                               "jwt": {"hs256_secret_env": "EXPLAIN_JWT_SECRET"}}}})
    env = {"EXPLAIN_JWT_SECRET": SECRET}
    token = hs256({"tier": "BLACK", "sub": "u1"}, SECRET)
    e = decided(cfg, "GET /x", f"Authorization: Bearer {token}", env=env)
    assert e["trust"]["verdict"] == "honoured" and e["trust"]["claim"] == "BLACK"
    assert e["class"]["name"] == "BLACK" and e["pool"]["name"] == "premium"
    forged = hs256({"tier": "BLACK"}, "not-the-secret")
    e = decided(cfg, "GET /x", f"Authorization: Bearer {forged}", env=env)
    assert e["trust"]["verdict"] == "untrusted" and e["trust"]["why"] == "bad signature"
    assert e["class"]["name"] == "LITE"
    # without the secret the config cannot be served: a config error
    p = explain(cfg, "GET /x")
    assert p.returncode == 1 and "EXPLAIN_JWT_SECRET" in p.stderr


def test_unknown_tier_rejected_and_routing_disabled(tmp_path):
    cfg = write(tmp_path, {"tiers": {"on_unknown": "reject"}})
    e = decided(cfg, "GET /x", "X-User-Tier: GOLD")
    assert e["answer"]["status"] == 400 and e["answer"]["error"] == "unknown_tier"
    e = decided(cfg, "GET /x", "X-User-Tier: ELITE", env={"TIER_ROUTING_ENABLED": "false"})
    assert e["trust"]["verdict"] == "ignored" and e["class"]["name"] == "LITE"


def test_no_route_and_admin_paths(tmp_path):
    cfg = write(tmp_path, {"routes": [{"name": "api", "match": {"path_prefix": ["/api/"]},
                                       "pool": "shared"}]})
    e = decided(cfg, "GET /web")
    assert e["answer"]["status"] == 404 and e["answer"]["error"] == "no_route"
    assert [r["matched"] for r in e["routes"]] == [False]
    e = decided(cfg, "GET /health")
    assert e["answer"]["status"] == 200 and "itself" in e["answer"]["why"]


def test_human_readable_by_default(header_mode):
    p = explain(header_mode, "GET /api/v1/elite/quotes", "X-User-Tier: ELITE", json_out=False)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    label = {line.split()[0] for line in lines if line and not line.startswith(" ")}
    assert {"request", "trust", "class", "routes", "route", "pool", "limits", "deadline",
            "answer"} <= label, p.stdout
    assert any("premium-paths: MATCHED" in line for line in lines), p.stdout
    assert any("canary: no match" in line for line in lines), p.stdout
    assert lines[-1].split(None, 1)[1] == "forwarded to pool premium"


@pytest.mark.parametrize("args", [
    ["GET"],
    ["GET /x extra"],
    ["GET x"],
    ["G(T /x"],
    ["GET /x", "-H", "NoColon"],
    ["GET /x", "-H", ": empty-name"],
    ["GET /x", "--peer", "not-an-ip"],
])
def test_a_malformed_request_description_is_an_error(header_mode, args):
    request, *rest = args
    headers = rest[1::2] if rest and rest[0] == "-H" else []
    peer = rest[1] if rest and rest[0] == "--peer" else None
    p = explain(header_mode, request, *headers, peer=peer)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert p.stdout == "" and "smart-router explain:" in p.stderr


def test_usage_errors(header_mode):
    assert run_router_cli(["explain", "--config", str(header_mode)]).returncode == 2
    assert run_router_cli(["explain", "--config", str(header_mode), "GET /a", "GET /b"]).returncode == 2
    assert run_router_cli(["explain", "--bogus", "GET /a"]).returncode == 2


def test_a_bad_config_is_an_error(tmp_path):
    bad = write(tmp_path, {"routes": [{"name": "x", "pool": "nowhere"}]}, "bad.yaml")
    p = explain(bad, "GET /x")
    assert p.returncode == 1 and p.stdout == ""
    assert re.search(rf"^{re.escape(str(bad))}:\d+:\d+: .*nowhere", p.stderr, re.M), p.stderr
