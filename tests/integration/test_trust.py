"""Tier trust: trusted_peers and JWT claims; an unproven claim never reaches the upstream."""

import time

import pytest

from checks import assert_router_error, echo
from stack import Topology
from tokens import SECRET, b64url, hs256


def trust(mode, on_untrusted="default", **extra):
    return {"tiers": {"trust": {"mode": mode, "on_untrusted": on_untrusted, **extra}}}


def test_untrusted_peer_claim_is_downgraded(stack):
    t = Topology(stack, trust("trusted_peers", trusted_cidrs=["10.0.0.0/8"]))
    e = echo(t.router.get("/x", [("X-User-Tier", "ELITE")]))
    assert e["upstream"] in t.shared_names
    assert e["headers"]["x-user-tier"] == "LITE"


def test_downgrades_are_counted_by_claimed_class(stack):
    """A claim served as the default tier counts in smart_router_tier_downgrades_total: an
    unproven ELITE is a spoofing signal; a value naming no class is "unknown", never a label."""
    t = Topology(stack, trust("trusted_peers", trusted_cidrs=["10.0.0.0/8"]))
    for tier in ["ELITE", "elite", "GOLD"]:
        assert echo(t.router.get("/x", [("X-User-Tier", tier)]))["headers"]["x-user-tier"] == "LITE"
    assert echo(t.router.get("/x"))["headers"]["x-user-tier"] == "LITE"  # no claim: not counted
    name = "smart_router_tier_downgrades_total"
    assert t.router.metric(name, claimed="ELITE", reason="untrusted") == 2
    assert t.router.metric(name, claimed="unknown", reason="untrusted") == 1
    assert t.router.metric(name, claimed="VOID", reason="untrusted") == 0
    assert t.router.metric(name, claimed="unknown", reason="unknown_tier") == 0
    assert "GOLD" not in t.router.metrics_text()


def test_unknown_tier_downgrade_is_counted(stack):
    t = Topology(stack, {})
    assert echo(t.router.get("/x", [("X-User-Tier", "PLATINUM")]))["headers"]["x-user-tier"] == "LITE"
    assert t.router.metric("smart_router_tier_downgrades_total", claimed="unknown", reason="unknown_tier") == 1
    assert "PLATINUM" not in t.router.metrics_text()


def test_untrusted_peer_claim_rejected(stack):
    t = Topology(stack, trust("trusted_peers", "reject", trusted_cidrs=["10.0.0.0/8", "192.168.0.0/16"]))
    before = t.upstream_requests()
    assert_router_error(t.router.get("/x", [("X-User-Tier", "ELITE")]), 401, "unauthorized")
    assert t.upstream_requests() == before
    assert echo(t.router.get("/x"))["headers"]["x-user-tier"] == "LITE"  # no claim: default tier


def test_trusted_peer_claim_is_honoured(stack):
    t = Topology(stack, trust("trusted_peers", trusted_cidrs=["127.0.0.0/8"]))
    e = echo(t.router.get("/x", [("X-User-Tier", "BLACK")]))
    assert e["upstream"] in t.premium_names
    assert e["headers"]["x-user-tier"] == "BLACK"


@pytest.fixture(scope="module")
def jwt_topo(module_stack):
    return Topology(module_stack,
                    trust("jwt", jwt={"header": "Authorization", "claim": "tier",
                                      "algorithms": ["HS256"], "hs256_secret_env": "TIER_JWT_SECRET"}),
                    env={"TIER_JWT_SECRET": SECRET})


def test_jwt_claim_routes(jwt_topo):
    tok = hs256({"tier": "ELITE", "exp": int(time.time()) + 600})
    e = echo(jwt_topo.router.get("/x", [("Authorization", f"Bearer {tok}")]))
    assert e["upstream"] in jwt_topo.premium_names
    assert e["headers"]["x-user-tier"] == "ELITE"


def test_jwt_mode_ignores_bare_header_claim(jwt_topo):
    e = echo(jwt_topo.router.get("/x", [("X-User-Tier", "VOID")]))
    assert e["upstream"] in jwt_topo.shared_names
    assert e["headers"]["x-user-tier"] == "LITE"


@pytest.mark.parametrize("token", [
    hs256({"tier": "ELITE", "exp": int(time.time()) + 600}, secret="wrong-secret-wrong-secret-000000"),
    hs256({"tier": "ELITE", "exp": int(time.time()) - 600}),
    b64url(b'{"alg":"none","typ":"JWT"}') + "." + b64url(b'{"tier":"ELITE"}') + ".",
    "not-a-token",
], ids=["bad-signature", "expired", "alg-none", "garbage"])
def test_jwt_invalid_token_gets_default(jwt_topo, token):
    e = echo(jwt_topo.router.get("/x", [("Authorization", f"Bearer {token}"), ("X-User-Tier", "ELITE")]))
    assert e["upstream"] in jwt_topo.shared_names
    assert e["headers"]["x-user-tier"] == "LITE"
