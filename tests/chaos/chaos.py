#!/usr/bin/python3
"""Chaos and soak: bounded loopback load through smart-router while its config is reloaded every
few seconds, upstream endpoints are killed and restarted, and router instances take the port over
from each other (SO_REUSEPORT, --takeover) while the old one drains (SIGTERM).

Counts every request sent, answered and lost; a loss is a connection error or an answer the
contract does not explain (see classify()). Exit 0 when nothing was lost, 1 otherwise.

The soak figures are router-long's (the instance that runs the whole time): RSS and open fds by
kind (tests/support/fd_census.py) at rest before the load, after --warmup, every
--sample-every seconds, when the load stops, and at rest after it: once no client connection
and no upstream connection is open (waited for, up to --rest-timeout). "router_long_at_rest"
compares the two rest readings.

    SMART_ROUTER_BIN=build/smart-router MOCK_UPSTREAM_BIN=build/mock-upstream \\
        /usr/bin/python3 tests/chaos/chaos.py --duration 600 --json /tmp/chaos.json

Debian's python3 only (the stdlib and tests/support). Loopback only; the load is paced (--rate
requests/s in all, never more) and the run ends after --duration seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

import fd_census  # noqa: E402
import harness  # noqa: E402
import wire  # noqa: E402
import yamlgen  # noqa: E402
from harness import make_config, poll_until, read_port_file  # noqa: E402

TIERS = [("LITE", "/api/v1/chaos/"), ("PRO", "/api/v1/chaos/"), ("ELITE", "/api/v1/elite/"),
         ("VOID", "/api/v1/premium/")]
# Answers the contract explains while an endpoint of the request's pool is down (killed, not yet
# back in its health checks): the retry could find no other endpoint in time.
EXPLAINED_DURING_KILL = {(502, "bad_gateway"), (503, "no_healthy_upstream")}
EXPLAINED_ALWAYS = {(503, "overloaded")}  # shedding is the contract's answer to overload


# --- processes ---------------------------------------------------------------------------------

class Mock(harness.Proc):
    """A mock upstream on a fixed port once the first start picked it, so a restart comes back
    where the router's config expects it."""

    def __init__(self, name: str, logdir: Path):
        super().__init__(f"mock-{name}", logdir)
        self.upstream_name = name
        self.port = 0
        self.start()

    def start(self):
        port_file = self.logdir / f"{self.name}.port"
        if port_file.exists():
            port_file.unlink()
        self._spawn([harness.MOCK_BIN, "--name", self.upstream_name, "--listen",
                     f"127.0.0.1:{self.port}", "--port-file", str(port_file)])
        text = poll_until(lambda: port_file.exists() and port_file.read_text().strip(), timeout=10,
                          what=f"{self.name} port file")
        self.port = int(text)
        self.address = f"127.0.0.1:{self.port}"

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=5)
        if self in harness.LIVE:
            harness.LIVE.remove(self)


class RouterInstance(harness.Proc):
    def __init__(self, name: str, logdir: Path, config_path: Path, takeover: bool):
        super().__init__(name, logdir)
        self.port_file = self.logdir / f"{name}.port"
        args = [harness.ROUTER_BIN, "--config", str(config_path), "--port-file", str(self.port_file)]
        self._spawn(args + (["--takeover"] if takeover else []))
        ports = poll_until(lambda: not self.alive() or read_port_file(self.port_file), timeout=10,
                           what=f"{name} port file")
        if not self.alive():
            raise RuntimeError(f"{name} exited: {self.stderr_text()[-2000:]}")
        self.port = ports["listen"][1]
        self.listen_ports = {p for _, p in ports.values()}  # listen= and admin=
        self.started = time.monotonic()

    def rss_kb(self) -> dict:
        """VmRSS, and its parts: RssAnon (the heap, stacks: what a leak grows) and RssFile (the
        pages of the binary and its libraries touched so far: code paths run for the first
        time under load bring theirs in)."""
        fields = {"VmRSS:": "rss_kb", "RssAnon:": "rss_anon_kb", "RssFile:": "rss_file_kb"}
        out = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0] + ":"
            if key in fields:
                out[fields[key]] = int(line.split()[1])
        return out

    def sample(self, upstream_ports: set) -> dict:
        c = fd_census.census(self.pid, self.listen_ports, upstream_ports)
        return {**self.rss_kb(), "fds": c["total"], "fds_by_kind": c["by_kind"],
                "tcp_states": c["tcp_states"]}

    def sample_at_rest(self, upstream_ports: set, timeout: float) -> dict:
        """A sample once no client connection is open (the load's closed or timed out) and no
        upstream socket is (a health probe's lasts milliseconds; an idle pooled connection
        until it is closed as too old): waited for up to timeout. Not at rest by then: the
        sample says so ("at_rest": false) rather than passing for one."""
        t = time.monotonic()
        try:
            poll_until(lambda: self._quiet(upstream_ports), timeout=timeout, interval=0.1,
                       what=f"{self.name} at rest: no client or upstream socket")
            at_rest = True
        except harness.PollTimeout:
            at_rest = False
        out = self.sample(upstream_ports)
        out["at_rest"], out["waited_s"] = at_rest, round(time.monotonic() - t, 1)
        return out

    def _quiet(self, upstream_ports: set) -> bool:
        c = fd_census.census(self.pid, self.listen_ports, upstream_ports)
        return fd_census.count(c, "client") == 0 and fd_census.count(c, "upstream") == 0


# --- the load ---------------------------------------------------------------------------------

class Record:
    __slots__ = ("t", "latency", "outcome", "tier", "retried")

    def __init__(self, t, latency, outcome, tier, retried=False):
        self.t, self.latency, self.outcome, self.tier, self.retried = t, latency, outcome, tier, retried


class CountingConnection(wire.HttpConnection):
    """Counts the bytes received, to tell a connection closed before any answer byte."""

    received = 0

    def _recv_more(self, n: int = 262144) -> bool:
        before = len(self.buf)
        more = super()._recv_more(n)
        self.received += len(self.buf) - before
        return more


class Client(threading.Thread):
    """Paced GETs, each to a tier's path. keep_alive: one connection for many requests (a new
    one after Connection: close); else a new connection per request."""

    def __init__(self, ident: int, port: int, rate: float, keep_alive: bool, stop: threading.Event,
                 max_requests: int):
        super().__init__(daemon=True, name=f"client-{ident}")
        self.client_id, self.port, self.interval = ident, port, 1.0 / rate
        self.keep_alive, self.stop_event, self.max_requests = keep_alive, stop, max_requests
        self.records: list = []
        self.conn = None
        self.conn_used = False  # a request has been answered on self.conn
        self.rng = random.Random(ident)

    def _connect(self):
        self.conn = CountingConnection("127.0.0.1", self.port, timeout=10)
        self.conn_used = False

    def _drop(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def _once(self, target, tier):
        """One exchange: (response or None, error text, retryable). An error is retryable when
        the connection had carried an answer before and closed without a byte of this one."""
        reused = self.conn is not None and self.conn_used
        received = self.conn.received if self.conn is not None else 0
        try:
            if self.conn is None:
                self._connect()
            r = self.conn.request("GET", target, [("X-User-Tier", tier)])
        except (OSError, wire.WireError) as e:
            retryable = reused and self.conn is not None and self.conn.received == received
            self._drop()
            return None, type(e).__name__, retryable
        self.conn_used = True
        if not self.keep_alive or (r.header("Connection") or "").lower() == "close":
            self._drop()
        return r, None, reused

    def run(self):
        n = 0
        next_at = time.monotonic()
        while not self.stop_event.is_set() and n < self.max_requests:
            now = time.monotonic()
            if now < next_at:
                time.sleep(next_at - now)
            elif now - next_at > 1.0:
                next_at = now  # fell behind (a stalled machine): never catch up in a burst
            next_at += self.interval
            tier, prefix = TIERS[self.rng.randrange(len(TIERS))]
            target = f"{prefix}{self.client_id}-{n}"
            n += 1
            t0 = time.monotonic()
            r, err, retryable = self._once(target, tier)
            retried = False
            if err is not None and retryable:
                # The server closed an idle kept-alive connection as this request went out
                # (RFC 9112 9.3.1: a client may retry an idempotent request then): once, fresh.
                retried = True
                r, err, _ = self._once(target, tier)
            outcome = classify_response(r) if err is None else ("connection_error", err)
            self.records.append(Record(t0, time.monotonic() - t0, outcome, tier, retried))
        self._drop()


def classify_response(r) -> tuple:
    if r.status == 200 and r.header("X-Upstream"):
        return ("ok", 200)
    code = None
    try:
        code = r.json().get("error")
    except ValueError:
        pass
    return ("status", r.status, code)


# --- the scenario -----------------------------------------------------------------------------

class Scenario:
    def __init__(self, args, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.events: list = []  # (t, kind, detail)
        self.kill_windows: list = []  # (start, end, pool)
        self.reload_windows: list = []
        self.takeover_windows: list = []
        self.instances: list = []  # every RouterInstance started
        self.samples: dict = {}
        self.rng = random.Random(args.seed)
        self.generation = 0

    def log(self, kind, detail=""):
        t = time.monotonic() - self.t0
        self.events.append((round(t, 3), kind, detail))
        print(f"[{t:7.1f}s] {kind} {detail}", flush=True)

    # config
    def config(self, listen: str) -> dict:
        self.generation += 1
        g = self.generation
        overrides = {
            "server": {"listen": listen, "workers": 2, "drain_timeout_ms": 5000},
            "logging": {"access_log": "off"},
            # Each reload changes what routing does, not only the file: the balancing policy
            # flips, and a route of its own comes and goes (no traffic matches it).
            "pools": {"shared": {"load_balancing": "least_request" if g % 2 else "round_robin"}},
        }
        cfg = make_config([m.address for m in self.shared], [m.address for m in self.premium],
                          overrides)
        cfg["routes"].insert(0, {"name": f"reload-{g}", "match": {"path_exact": [f"/reload/{g}"]},
                                 "respond": {"status": 403, "error": f"generation_{g}"}})
        return cfg

    def write_config(self, listen: str):
        tmp = self.config_path.with_name("router.yaml.tmp")
        tmp.write_text(yamlgen.dump(self.config(listen)))
        os.replace(tmp, self.config_path)

    def upstream_ports(self) -> set:
        return {m.port for m in self.shared + self.premium}

    def live_routers(self):
        return [r for r in self.instances if r.alive()]

    # events
    def reload(self):
        self.write_config(f"127.0.0.1:{self.port}")
        t = time.monotonic()
        for r in self.live_routers():
            r.signal(signal.SIGHUP)
        self.reload_windows.append((t, t + 1.0))

    def kill_one(self):
        victim = self.rng.choice(self.shared + self.premium)
        pool = "shared" if victim in self.shared else "premium"
        t = time.monotonic()
        victim.kill()
        self.log("kill", victim.name)
        return victim, pool, t

    def restart(self, victim, pool, t_kill):
        victim.start()
        self.log("restart", f"{victim.name} on {victim.address}")
        # Explained until the router's health checks (200 ms) can have seen it back, with margin.
        self.kill_windows.append((t_kill, time.monotonic() + 2.0, pool))

    def takeover(self, name):
        t = time.monotonic()
        new = RouterInstance(name, self.workdir, self.config_path, takeover=True)
        self.instances.append(new)
        poll_until(lambda: wire.get(self.port, "/health", timeout=2).status == 200, timeout=10,
                   what="the port to answer")
        old = self.rotating
        self.rotating = new
        self.samples[old.name]["end"] = old.sample(self.upstream_ports())
        old.signal(signal.SIGTERM)
        self.log("takeover", f"{name} (pid {new.pid}) listens; {old.name} (pid {old.pid}) drains")
        self.samples[name] = {"start": None}
        self.draining.append((old, t))

    def reap(self):
        for old, t in list(self.draining):
            if old.proc.poll() is not None:
                self.draining.remove((old, t))
                rc = old.proc.returncode
                self.takeover_windows.append((t, time.monotonic()))
                self.log("drained", f"{old.name} exit {rc}")
                self.samples[old.name]["exit"] = rc

    def run(self):
        a = self.args
        self.t0 = time.monotonic()
        self.config_path = self.workdir / "router.yaml"
        self.shared = [Mock(f"shared-{i}", self.workdir) for i in (1, 2)]
        self.premium = [Mock(f"premium-{i}", self.workdir) for i in (1, 2)]
        self.write_config("127.0.0.1:0")
        # The long-lived instance (RSS and fds over the whole run) picks the port.
        self.long = RouterInstance("router-long", self.workdir, self.config_path, takeover=False)
        self.instances.append(self.long)
        self.port = self.long.port
        self.write_config(f"127.0.0.1:{self.port}")
        self.rotating = RouterInstance("router-r0", self.workdir, self.config_path, takeover=True)
        self.instances.append(self.rotating)
        self.samples = {"router-long": {}, "router-r0": {}}
        self.draining: list = []
        poll_until(lambda: wire.get(self.port, "/ready", timeout=2).status == 200, timeout=10,
                   what="/ready")
        self.log("start", f"port {self.port}, long pid {self.long.pid}, r0 pid {self.rotating.pid}")
        self.samples["router-long"]["rest_before"] = self.long.sample_at_rest(
            self.upstream_ports(), timeout=10)
        self.samples["router-long"]["during"] = []

        stop = threading.Event()
        per_client = a.rate / a.clients
        clients = [Client(i, self.port, per_client, keep_alive=(i % 2 == 0), stop=stop,
                          max_requests=int(per_client * a.duration * 1.1) + 10)
                   for i in range(a.clients)]
        for c in clients:
            c.start()
        t_start = time.monotonic()
        warm = t_start + a.warmup
        next_reload = t_start + a.reload_every
        next_kill = t_start + a.kill_every
        next_takeover = t_start + a.takeover_every
        pending_restart = None
        n_takeover = 0
        sampled_start = False
        next_during = t_start + a.sample_every
        try:
            while time.monotonic() - t_start < a.duration:
                now = time.monotonic()
                if not sampled_start and now >= warm:
                    sampled_start = True
                    for r in (self.long, self.rotating):
                        self.samples[r.name]["start"] = r.sample(self.upstream_ports())
                for name, s in self.samples.items():
                    inst = next(i for i in self.instances if i.name == name)
                    if (s.get("start") is None and sampled_start and inst.alive()
                            and now - inst.started >= a.warmup):
                        s["start"] = inst.sample(self.upstream_ports())
                if now >= next_during:
                    during = self.long.sample(self.upstream_ports())
                    during["t"] = round(now - t_start)
                    self.samples["router-long"]["during"].append(during)
                    next_during += a.sample_every
                if now >= next_reload:
                    self.reload()
                    next_reload += a.reload_every
                if pending_restart is None and now >= next_kill:
                    pending_restart = (*self.kill_one(), now + a.down_for)
                    next_kill += a.kill_every
                if pending_restart is not None and now >= pending_restart[3]:
                    self.restart(*pending_restart[:3])
                    pending_restart = None
                if now >= next_takeover:
                    n_takeover += 1
                    self.takeover(f"router-r{n_takeover}")
                    next_takeover += a.takeover_every
                self.reap()
                for r in (self.long, self.rotating):
                    if not r.alive():
                        raise RuntimeError(f"{r.name} died: exit {r.proc.poll()}\n"
                                           f"{r.stderr_text()[-3000:]}")
                time.sleep(0.05)
        finally:
            stop.set()
            for c in clients:
                c.join(timeout=30)
            if pending_restart is not None:
                self.restart(*pending_restart[:3])
        self.samples["router-long"]["end"] = self.long.sample(self.upstream_ports())
        self.samples[self.rotating.name]["end"] = self.rotating.sample(self.upstream_ports())
        poll_until(lambda: (self.reap(), not self.draining)[1], timeout=15, what="drains to end")
        self.log("load stopped", "waiting for the routers to come to rest")
        for r in (self.long, self.rotating):
            self.samples[r.name]["rest_after"] = r.sample_at_rest(self.upstream_ports(),
                                                                  timeout=a.rest_timeout)
        for r in (self.long, self.rotating):
            r.signal(signal.SIGTERM)
            self.samples[r.name]["exit"] = r.wait(timeout=15)
        for m in self.shared + self.premium:
            m.stop()
        return [rec for c in clients for rec in c.records], t_start


# --- the report -------------------------------------------------------------------------------

def in_windows(t, windows, pool=None, until=None):
    """Whether [t, until] (until defaults to t) meets a (start, end[, pool]) window (of `pool`,
    when both name one)."""
    until = t if until is None else until
    return any(w[0] <= until and t <= w[1] and (pool is None or len(w) < 3 or w[2] in (None, pool))
               for w in windows)


def pool_of(tier):
    return "shared" if tier in ("LITE", "PRO") else "premium"


def percentile(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def report(sc: Scenario, records: list, t_start: float) -> dict:
    counts = {"sent": len(records), "answered_ok": 0, "explained": {}, "lost": {},
              "retried_after_keepalive_close": 0}
    reload_lat, quiet_lat = [], []
    busy = sc.kill_windows + [(s, e, None) for s, e in sc.takeover_windows]
    for rec in records:
        if rec.retried:
            counts["retried_after_keepalive_close"] += 1
        kind = rec.outcome[0]
        if kind == "ok":
            counts["answered_ok"] += 1
            if in_windows(rec.t, sc.reload_windows):
                reload_lat.append(rec.latency)
            elif not in_windows(rec.t, busy):
                quiet_lat.append(rec.latency)
            continue
        if kind == "status":
            key = (rec.outcome[1], rec.outcome[2])
            label = f"{key[0]} {key[1]}"
            # A request in flight when its pool's endpoint was killed counts with the kill.
            if key in EXPLAINED_ALWAYS or (key in EXPLAINED_DURING_KILL and in_windows(
                    rec.t, sc.kill_windows, pool_of(rec.tier), until=rec.t + rec.latency)):
                counts["explained"][label] = counts["explained"].get(label, 0) + 1
                continue
        else:
            label = f"connection error ({rec.outcome[1]})"
        counts["lost"][label] = counts["lost"].get(label, 0) + 1
        sc.events.append((round(rec.t - sc.t0, 3), "lost", f"{label} {rec.tier}"))
    ms = lambda v: None if v is None else round(v * 1000, 2)  # noqa: E731
    out = {
        "duration_s": round(time.monotonic() - t_start, 1),
        "counts": counts,
        "lost_total": sum(counts["lost"].values()),
        "events": {k: sum(1 for e in sc.events if e[1] == k)
                   for k in ("kill", "restart", "takeover", "drained")},
        "reloads": len(sc.reload_windows),
        "latency_ms": {
            "during_reloads": {"n": len(reload_lat), "p50": ms(percentile(reload_lat, 0.5)),
                               "p99": ms(percentile(reload_lat, 0.99))},
            "quiet": {"n": len(quiet_lat), "p50": ms(percentile(quiet_lat, 0.5)),
                      "p99": ms(percentile(quiet_lat, 0.99))},
        },
        "routers": sc.samples,
        "router_long_at_rest": rest_figures(sc.samples["router-long"]),
        "lost_events": [e for e in sc.events if e[1] == "lost"][:50],
        "loadavg_end": os.getloadavg(),
    }
    return out


def rest_figures(long: dict) -> dict:
    """router-long's fds and RSS at rest before the load vs at rest after it."""
    before, after = long["rest_before"], long["rest_after"]
    kinds = sorted(set(before["fds_by_kind"]) | set(after["fds_by_kind"]))
    return {
        "at_rest": before["at_rest"] and after["at_rest"],
        "fds_before": before["fds"], "fds_after": after["fds"],
        "fds_delta": after["fds"] - before["fds"],
        "fds_delta_by_kind": {k: after["fds_by_kind"].get(k, 0) - before["fds_by_kind"].get(k, 0)
                              for k in kinds
                              if after["fds_by_kind"].get(k, 0) != before["fds_by_kind"].get(k, 0)},
        **{f"{k}_{when}": sample.get(k) for k in ("rss_kb", "rss_anon_kb", "rss_file_kb")
           for when, sample in (("before", before), ("after_warmup", long.get("start") or {}),
                                ("after", after))},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=600, help="seconds of load (default 600)")
    ap.add_argument("--rate", type=float, default=200, help="requests/s in all (default 200)")
    ap.add_argument("--clients", type=int, default=8, help="threads; even ones keep alive")
    ap.add_argument("--reload-every", type=float, default=3.0)
    ap.add_argument("--kill-every", type=float, default=20.0)
    ap.add_argument("--down-for", type=float, default=4.0, help="seconds a killed mock stays down")
    ap.add_argument("--takeover-every", type=float, default=40.0)
    ap.add_argument("--warmup", type=float, default=10.0, help="seconds before RSS/fds samples")
    ap.add_argument("--sample-every", type=float, default=60.0,
                    help="seconds between samples of router-long's fds and RSS under load")
    ap.add_argument("--rest-timeout", type=float, default=75.0,
                    help="seconds to wait, after the load, for no client or upstream socket "
                         "(above server idle_timeout_ms and the pool's 30 s idle limit)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--json", help="write the report here too")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    a = ap.parse_args()
    if a.rate > 1000 or a.duration > 3600:
        ap.error("bounded load: --rate at most 1000, --duration at most 3600")
    workdir = Path(tempfile.mkdtemp(prefix="sr-chaos-"))
    print(f"work directory {workdir}", flush=True)
    sc = Scenario(a, workdir)
    try:
        records, t_start = sc.run()
    finally:
        for p in list(harness.LIVE):
            p.stop(timeout=5)
    out = report(sc, records, t_start)
    out["workdir"] = str(workdir)
    text = json.dumps(out, indent=2)
    print(text)
    if a.json:
        Path(a.json).write_text(text + "\n")
    return 0 if out["lost_total"] == 0 else 1


if __name__ == "__main__":
    socket.setdefaulttimeout(15)
    sys.exit(main())
