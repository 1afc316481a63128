"""Config reload without restart: file edits, SIGHUP, broken files, ConfigMap symlink swaps."""

import copy
import os
import signal

from checks import assert_router_error, echo
import yamlgen
from clients import Holder
from harness import Router, make_config, poll_until
from stack import Topology


def reloads(router, result):
    return router.metric("smart_router_config_reloads_total", result=result) or 0


def with_by_tier_refused(cfg, code="maintenance"):
    cfg = copy.deepcopy(cfg)
    for r in cfg["routes"]:
        if r["name"] == "by-tier":
            r.pop("tier_pool", None)
            r["respond"] = {"status": 403, "error": code}
    return cfg


def test_file_edit_changes_route_without_restart(stack):
    t = Topology(stack)
    pid = t.router.pid
    assert echo(t.router.get("/x")).get("upstream") in t.shared_names
    ok_before = reloads(t.router, "success")
    t.router.write_config(with_by_tier_refused(t.config))
    poll_until(lambda: t.router.get("/x").status == 403, timeout=5, what="route change to apply")
    assert_router_error(t.router.get("/x"), 403, "maintenance")
    assert t.router.pid == pid and t.router.alive()
    # the counter may trail the new snapshot by a moment
    poll_until(lambda: reloads(t.router, "success") >= ok_before + 1, timeout=2,
               what='smart_router_config_reloads_total{result="success"} to increase')
    # premium routes untouched
    assert echo(t.router.get("/api/v1/premium/a", [("X-User-Tier", "ELITE")]))["upstream"] in t.premium_names


def test_in_place_edit_switches_class_pool(stack):
    t = Topology(stack)
    cfg = copy.deepcopy(t.config)
    cfg["tiers"]["classes"]["LITE"]["pool"] = "premium"
    t.router.write_config(cfg, atomic=False)  # truncate + write, as an editor would
    poll_until(lambda: echo(t.router.get("/x", [("X-User-Tier", "LITE")]))["upstream"] in t.premium_names,
               timeout=5, what="LITE to move to the premium pool")
    e = echo(t.router.get("/x", [("X-User-Tier", "LITE")]))
    assert e["headers"]["x-user-tier"] == "LITE"


def test_reload_replaces_pool_endpoints(stack):
    t = Topology(stack)
    newcomer = stack.mock("shared-new")
    cfg = copy.deepcopy(t.config)
    cfg["pools"]["shared"]["endpoints"] = [newcomer.address]
    t.router.write_config(cfg)
    poll_until(lambda: t.router.ready().json()["pools"]["shared"]["total"] == 1, timeout=5,
               what="the shared pool to have 1 endpoint")
    t.router.wait_pool_healthy("shared", 1)
    seen = {echo(t.router.get(f"/n/{i}"))["upstream"] for i in range(6)}
    assert seen == {"shared-new"}, seen


def test_sighup_reloads(stack):
    t = Topology(stack)
    before = reloads(t.router, "success")
    t.router.signal(signal.SIGHUP)
    poll_until(lambda: reloads(t.router, "success") >= before + 1, timeout=5,
               what="a successful reload after SIGHUP")
    assert t.router.alive()


def test_sighup_with_broken_file_keeps_old_config(stack):
    t = Topology(stack)
    fail_before = reloads(t.router, "failure")
    ok_before = reloads(t.router, "success")
    good_text = t.router.config_path.read_text()
    broken = good_text.replace("routes:", "routes:\n  - name: broken\n    pool: no-such-pool", 1)
    assert broken != good_text
    t.router.write_text(broken)
    t.router.signal(signal.SIGHUP)
    poll_until(lambda: reloads(t.router, "failure") >= fail_before + 1, timeout=5,
               what='smart_router_config_reloads_total{result="failure"} to increase')
    assert reloads(t.router, "success") == ok_before
    # still serving the old config
    for tier, names in [("LITE", t.shared_names), ("ELITE", t.premium_names)]:
        assert echo(t.router.get("/x", [("X-User-Tier", tier)]))["upstream"] in names
    assert "no-such-pool" in t.router.stderr_text(), "the reload error must be logged"
    assert t.router.alive()
    # and a fixed file is picked up again
    t.router.write_config(with_by_tier_refused(t.config))
    t.router.signal(signal.SIGHUP)
    poll_until(lambda: t.router.get("/x").status == 403, timeout=5, what="the fixed config")


def test_broken_yaml_on_disk_keeps_serving(stack):
    t = Topology(stack)
    fail_before = reloads(t.router, "failure")
    t.router.write_text("server: [this is : not yaml\n")
    poll_until(lambda: reloads(t.router, "failure") >= fail_before + 1, timeout=5,
               what="the watcher to reject the broken file")
    assert echo(t.router.get("/x"))["upstream"] in t.shared_names


def test_configmap_symlink_swap(stack):
    shared = stack.mocks("shared", 1)
    premium = stack.mocks("premium", 1)
    cfg = make_config([shared[0].address], [premium[0].address])
    cm = stack.logdir / "configmap"
    (cm / "..2026_1").mkdir(parents=True)
    (cm / "..2026_1" / "router.yaml").write_text(yamlgen.dump(cfg))  # listen 127.0.0.1:0
    os.symlink("..2026_1", cm / "..data")
    os.symlink("..data/router.yaml", cm / "router.yaml")
    router = Router(cfg, stack.logdir, name="router-cm", config_path=cm / "router.yaml")
    stack.procs.append(router)
    router.wait_ready()
    assert echo(router.get("/x")).get("upstream") == "shared-1"
    before = reloads(router, "success")

    new_cfg = with_by_tier_refused(cfg, "swapped")
    (cm / "..2026_2").mkdir()
    (cm / "..2026_2" / "router.yaml").write_text(yamlgen.dump(new_cfg))
    os.symlink("..2026_2", cm / "..data_tmp")
    os.replace(cm / "..data_tmp", cm / "..data")  # atomic swap, as the kubelet does
    poll_until(lambda: router.get("/x").status == 403, timeout=5, what="reload after the symlink swap")
    assert_router_error(router.get("/x"), 403, "swapped")
    poll_until(lambda: reloads(router, "success") >= before + 1, timeout=2,
               what='smart_router_config_reloads_total{result="success"} to increase')


def test_in_flight_request_finishes_on_its_config(stack):
    t = Topology(stack, {"tiers": {"classes": {"LITE": {"timeout_ms": 8000}}}})
    holder = Holder(t.router, "/slow?delay_ms=1500", "LITE")
    holder.start()
    try:
        poll_until(lambda: t.upstream_requests() == 1, timeout=3, what="the slow request upstream")
        t.router.write_config(with_by_tier_refused(t.config))
        poll_until(lambda: t.router.get("/x").status == 403, timeout=5, what="the new config")
    finally:
        holder.join(timeout=10)
    assert holder.error is None, holder.error
    assert echo(holder.response)["path"] == "/slow"
