"""gRPC requests (content-type application/grpc*): the router's own errors are trailers-only
answers (HTTP 200, application/grpc, grpc-status and grpc-message, no body) with the contract's
status codes, and a client's grpc-timeout tightens the deadline and reaches the upstream as what
is left of it. Sent over HTTP/1.1 here: the answer's head is the same as HTTP/2's."""

from checks import assert_router_error, echo
from harness import make_config, poll_until
from test_rate_limits import limits

GRPC = [("Content-Type", "application/grpc+proto"), ("TE", "trailers")]


def router_with(stack, overrides=None, env=None):
    shared, prem = stack.mock("shared-1"), stack.mock("premium-1")
    return stack.router(make_config([shared.address], [prem.address], overrides, health=False),
                        env=env)


def assert_grpc_error(resp, status: int, retry_after: bool = False):
    assert resp.status == 200, resp
    assert resp.header("Content-Type") == "application/grpc", resp
    assert resp.header("grpc-status") == str(status), resp
    assert resp.header("grpc-message"), resp
    assert resp.header("X-Request-Id"), resp
    assert resp.body == b"", resp
    assert (resp.header("Retry-After") is not None) == retry_after, resp


def test_the_contracts_statuses(stack):
    router = router_with(stack, {
        "routes": [{"name": "premium-only", "match": {"path_prefix": ["/premium."]},
                    "respond": {"status": 403, "error": "tier_required"}},
                   {"name": "svc", "match": {"path_prefix": ["/svc."]}, "tier_pool": True}],
        **limits({"PRO": {"class": {"requests_per_second": 0.2, "burst": 1}}})})
    assert_grpc_error(router.request("POST", "/other.Service/Call", GRPC, body=b""), 12)
    assert_grpc_error(router.request("POST", "/premium.Quotes/Get", GRPC, body=b""), 7)
    pro = GRPC + [("X-User-Tier", "PRO")]
    assert echo(router.request("POST", "/svc.Orders/Place", pro, body=b""))
    assert_grpc_error(router.request("POST", "/svc.Orders/Place", pro, body=b""), 8,
                      retry_after=True)
    # The same refusals to anything else are the contract's JSON errors.
    assert_router_error(router.request("POST", "/other.Service/Call",
                                       [("Content-Type", "application/grpc-web")], body=b""),
                        404, "no_route")
    # The access log and metrics keep the error's HTTP status: error rates and alerts stay true.
    first = poll_until(lambda: next((e for e in router.access_log()
                                     if e["target"] == "/other.Service/Call"), None),
                       what="the access log line of the unrouted call")
    assert (first["status"], first["error"]) == (404, "no_route"), first
    assert router.metric("smart_router_rate_limited_total", user_tier="PRO", scope="class") == 1


def test_unauthenticated_and_unavailable(stack):
    jwt = {"tiers": {"trust": {"mode": "jwt", "on_untrusted": "reject",
                               "jwt": {"hs256_secret_env": "TIER_JWT_SECRET"}}}}
    router = router_with(stack, jwt, env={"TIER_JWT_SECRET": "s" * 32})
    assert_grpc_error(router.request("POST", "/svc.A/B", GRPC + [("Authorization", "Bearer x")],
                                     body=b""), 16)
    closed = stack.closed_port()
    down = stack.router(make_config([closed.address], [closed.address],
                                    {"pools": {"shared": {"retries": {"attempts": 0}}}},
                                    health=False), name="down")
    r = down.request("POST", "/svc.A/B", GRPC, body=b"")
    assert_grpc_error(r, 14)


def test_grpc_timeout_tightens_the_deadline_and_reaches_the_upstream(stack):
    router = router_with(stack)
    e = echo(router.request("POST", "/svc.A/B", GRPC + [("grpc-timeout", "300m")], body=b""))
    sent = e["headers"]["grpc-timeout"]
    assert sent.endswith("m") and int(sent[:-1]) <= 300, sent
    assert int(e["headers"]["x-request-budget-ms"]) <= 300
    # Never loosened, and a malformed one is ignored: the class's 1,000 ms.
    e = echo(router.request("POST", "/svc.A/B", GRPC + [("grpc-timeout", "5S")], body=b""))
    assert 300 < int(e["headers"]["grpc-timeout"][:-1]) <= 1000
    e = echo(router.request("POST", "/svc.A/B", GRPC + [("grpc-timeout", "soon")], body=b""))
    assert "grpc-timeout" not in e["headers"]
    assert 300 < int(e["headers"]["x-request-budget-ms"]) <= 1000
    # Past it: DEADLINE_EXCEEDED.
    r = router.request("POST", "/slow?delay_ms=800", GRPC + [("grpc-timeout", "200m")], body=b"")
    assert_grpc_error(r, 4)
