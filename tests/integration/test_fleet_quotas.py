"""Fleet quotas: one token bucket per class for every router of the fleet, kept in a real Redis
(redis-server on loopback). Routers lease tokens from it and spend them without waiting on
Redis; over quota is 429 rate_limited with the draft's headers, policy "CLASS-fleet", counted
in smart_router_rate_limited_total{scope="fleet"}. An unreachable Redis fails open."""

import shutil
import time

import pytest

import wire
import yamlgen
from harness import make_config, poll_until, run_router_cli
from certs import CertAuthority
from test_rate_limits import assert_rate_limited

RATE, BURST = 20, 10  # LITE across the fleet: 10 at once, then 20 a second
PASSWORD = "fleet-pw-9c1b7e"


def fleet(url: str, **redis) -> dict:
    return {"rate_limits": {
        "redis": {"url": url, "timeout_ms": 2000, **redis},
        "classes": {"LITE": {"fleet": {"requests_per_second": RATE, "burst": BURST}}}}}


def start_routers(stack, overrides: dict, names=("router-a", "router-b"), env=None):
    shared = stack.mock("shared-1")
    premium = stack.mock("premium-1")
    cfg = make_config([shared.address], [premium.address], overrides, health=False)
    routers = [stack.router(cfg, name=n, env=env) for n in names]
    for r in routers:
        wait_connected(r, 1)
    return routers


def wait_connected(router, value: int):
    poll_until(lambda: router.metric("smart_router_fleet_quota_connected") == value, timeout=10,
               what=f"{router.name}: smart_router_fleet_quota_connected {value}")


def fleet_refusals(router) -> float:
    return router.metric("smart_router_rate_limited_total", user_tier="LITE", scope="fleet") or 0


def test_two_routers_share_one_bucket(stack):
    redis = stack.redis()
    a, b = start_routers(stack, fleet(redis.url()))
    answers = {a: [], b: []}
    start = time.monotonic()
    while time.monotonic() - start < 1.5:
        for r in (a, b):
            answers[r].append(r.get("/x"))
    elapsed = time.monotonic() - start
    admitted = sum(x.status == 200 for got in answers.values() for x in got)
    sent = sum(len(got) for got in answers.values())
    # What the bucket can grant over the run: full at the start, then RATE a second; plus the
    # one token each router may hold from before (a quiet router keeps one).
    bound = BURST + RATE * elapsed + 2
    assert admitted <= bound, f"{admitted} of {sent} admitted in {elapsed:.2f}s (bound {bound:.0f})"
    assert admitted >= bound / 2, f"only {admitted} of {sent} admitted (bound {bound:.0f})"
    for r, got in answers.items():
        assert {x.status for x in got} <= {200, 429}, (r.name, {x.status for x in got})
        refused = [x for x in got if x.status == 429]
        assert refused and len(refused) < len(got), f"{r.name}: {len(refused)} of {len(got)} refused"
        assert_rate_limited(refused[-1], "LITE-fleet", quota=BURST, window=1)
        assert fleet_refusals(r) == len(refused)
        assert r.metric("smart_router_fleet_quota_syncs_total", result="failure") in (None, 0)
    # The bucket is one key in Redis, on Redis's clock.
    assert redis.command("EXISTS", "smart-router:quota:LITE") == 1
    # Classes without a fleet limit are not limited.
    elite = [("X-User-Tier", "ELITE")]
    assert [a.get("/x", elite).status for _ in range(3 * BURST)] == [200] * (3 * BURST)


def test_unreachable_redis_fails_open_and_a_reload_reconnects(stack):
    redis = stack.redis()
    (router,) = start_routers(stack, fleet(redis.url(), timeout_ms=300), names=("router",))
    poll_until(lambda: router.get("/x").status == 429, timeout=10, what="the fleet bucket to run dry")
    redis.stop()
    # The next lease asked for fails; from then on the fleet limit is not applied.
    poll_until(lambda: all(router.get("/x").status == 200 for _ in range(2 * BURST)), timeout=10,
               what="requests over the quota to pass while Redis is down")
    assert router.metric("smart_router_fleet_quota_connected") == 0
    assert router.metric("smart_router_fleet_quota_syncs_total", result="failure") >= 1
    assert "fleet limits are not applied" in router.stdout_text() + router.stderr_text()
    # Pointed at another Redis by a reload: limited again.
    second = stack.redis("second")
    router.config = {**router.config, **fleet(second.url(), timeout_ms=300)}
    router.write_config(router.config)
    wait_connected(router, 1)
    poll_until(lambda: router.get("/x").status == 429, timeout=10, what="the new bucket to run dry")
    assert second.command("EXISTS", "smart-router:quota:LITE") == 1


def test_redis_url_from_the_environment_with_password_and_database(stack):
    redis = stack.redis(password=PASSWORD)
    overrides = fleet("redis://127.0.0.1:1/0")  # replaced by REDIS_URL
    overrides["admin"] = {"listen": "127.0.0.1:0"}
    env = {"REDIS_URL": redis.url(db=3, password=PASSWORD)}
    (router,) = start_routers(stack, overrides, names=("router",), env=env)
    assert [router.get("/x").status for _ in range(BURST)] == [200] * BURST
    assert redis.command("EXISTS", "smart-router:quota:LITE", db=3) == 1
    assert redis.command("EXISTS", "smart-router:quota:LITE", db=0) == 0
    debug = wire.get(router.admin_port, "/debug/config")
    assert debug.status == 200
    assert PASSWORD not in debug.body.decode()
    assert debug.json()["config"]["rate_limits"]["redis"]["url"] == \
        f"redis://:***@{redis.address}/3"


def test_a_refused_password_is_logged_and_fails_open(stack):
    redis = stack.redis(password=PASSWORD)
    shared = stack.mock("shared-1")
    premium = stack.mock("premium-1")
    cfg = make_config([shared.address], [premium.address],
                      fleet(redis.url(password="not-the-password")), health=False)
    router = stack.router(cfg)
    poll_until(lambda: "AUTH refused" in router.stdout_text() + router.stderr_text(), timeout=10,
               what="the AUTH refusal in the log")
    assert router.metric("smart_router_fleet_quota_connected") == 0
    assert [router.get("/x").status for _ in range(3 * BURST)] == [200] * (3 * BURST)
    assert fleet_refusals(router) == 0


def test_a_fleet_limit_needs_a_redis(tmp_path):
    path = tmp_path / "fleet.yaml"
    cfg = make_config(["127.0.0.1:9001"], ["127.0.0.1:9101"], fleet(""), health=False)
    path.write_text(yamlgen.dump(cfg))
    out = run_router_cli(["--check-config", str(path)], env={"REDIS_URL": ""})
    assert out.returncode == 1
    assert f"{path}:" in out.stderr and "rate_limits.redis.url" in out.stderr, out.stderr
    bad = run_router_cli(["--check-config", str(path)], env={"REDIS_URL": "http://cache:6379"})
    assert bad.returncode == 1
    assert "REDIS_URL: invalid Redis URL" in bad.stderr, bad.stderr
    good = run_router_cli(["--check-config", str(path)], env={"REDIS_URL": "rediss://cache:6380/1"})
    assert good.returncode == 0, good.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_rediss_verifies_the_certificate(stack, tmp_path):
    ca = CertAuthority(tmp_path / "ca")
    cert, key = ca.issue("redis")
    redis = stack.redis(tls=(cert, key, ca.cert))
    (trusting,) = start_routers(stack, fleet(redis.url(), ca_file=str(ca.cert)), names=("trusting",))
    start = time.monotonic()
    got = [trusting.get("/x").status for _ in range(BURST + 5)]
    refill = RATE * (time.monotonic() - start)
    assert got.count(200) <= BURST + 1 + refill and 429 in got, got
    # Without the CA (the system's trust store), the certificate does not verify: fail open.
    shared, premium = stack.mock("shared-2"), stack.mock("premium-2")
    strict = stack.router(make_config([shared.address], [premium.address], fleet(redis.url()),
                                      health=False), name="strict")
    poll_until(lambda: "certificate verify failed" in strict.stdout_text() + strict.stderr_text(),
               timeout=10, what="the verification failure in the log")
    assert strict.metric("smart_router_fleet_quota_connected") == 0
