"""An inbound X-Request-Budget-Ms from a trusted peer tightens the request's deadline; it never
loosens it, and an untrusted peer's is ignored."""

from checks import assert_router_error, echo
from harness import make_config


def router_with(stack, trust=None):
    shared, prem = stack.mock("shared-1"), stack.mock("premium-1")
    overrides = {"tiers": {"trust": trust}} if trust else None
    return stack.router(make_config([shared.address], [prem.address], overrides, health=False))


def budget_seen(router, budget):
    e = echo(router.get("/b", [("X-User-Tier", "LITE"), ("X-Request-Budget-Ms", budget)]))
    return int(e["headers"]["x-request-budget-ms"])


def test_a_smaller_budget_tightens_the_deadline(stack):
    router = router_with(stack)
    assert budget_seen(router, "300") <= 300
    assert 300 < budget_seen(router, "5000") <= 1000, "a budget never loosens timeout_ms"
    assert 300 < budget_seen(router, "soon") <= 1000, "an unreadable budget is ignored"
    r = router.get("/slow?delay_ms=600", [("X-User-Tier", "LITE"), ("X-Request-Budget-Ms", "200")])
    assert_router_error(r, 504, "upstream_timeout")


def test_an_untrusted_peers_budget_is_ignored(stack):
    router = router_with(stack, {"mode": "trusted_peers", "trusted_cidrs": ["10.0.0.0/8"]})
    assert budget_seen(router, "300") > 300
