"""Processes under test: mock upstreams and the router, plus config generation and polling.

Everything started here is registered in LIVE until stopped, so the conftest can print the
logs of every process when a test fails and kill leftovers at the end of the session.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path
from typing import Callable, Optional

import wire
import yamlgen

REPO_ROOT = Path(__file__).resolve().parents[2]


def _bin(env_name: str, default: str) -> str:
    p = os.environ.get(env_name) or str(REPO_ROOT / default)
    return str(Path(p).resolve()) if not os.path.isabs(p) else p


ROUTER_BIN = _bin("SMART_ROUTER_BIN", "build/smart-router")
MOCK_BIN = _bin("MOCK_UPSTREAM_BIN", "build/mock-upstream")

LIVE: list = []  # processes started and not yet stopped


class PollTimeout(AssertionError):
    pass


def poll_until(fn: Callable, timeout: float = 5.0, interval: float = 0.02, what: str = "condition"):
    """Calls fn until it returns a truthy value (returned) or timeout passes (AssertionError).

    Exceptions raised by fn count as "not yet"; the last one is reported on timeout.
    """
    deadline = time.monotonic() + timeout
    last_exc = None
    last_val = None
    while True:
        try:
            last_val = fn()
            if last_val:
                return last_val
        except Exception as e:  # noqa: BLE001 - "not yet"
            last_exc = e
        if time.monotonic() >= deadline:
            raise PollTimeout(f"timed out after {timeout}s waiting for {what}; "
                              f"last value {last_val!r}, last error {last_exc!r}")
        time.sleep(interval)


class ClosedPort:
    """A loopback port that refuses connections: bound, never listening, held until close()."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"

    def close(self):
        self.sock.close()


def _tail(path: Path, limit: int = 6000) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        return f"<cannot read {path}: {e}>"
    if len(data) > limit:
        data = b"...[" + str(len(data) - limit).encode() + b" bytes cut]...\n" + data[-limit:]
    return data.decode("utf-8", "replace")


class Proc:
    """A child process with stdout/stderr captured to files."""

    def __init__(self, name: str, logdir: Path):
        self.name = name
        self.logdir = Path(logdir)
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = self.logdir / f"{name}.stdout.log"
        self.stderr_path = self.logdir / f"{name}.stderr.log"
        self.proc: Optional[subprocess.Popen] = None

    def _spawn(self, argv: list, env: Optional[dict] = None):
        full_env = dict(os.environ)
        if env:
            for k, v in env.items():
                if v is None:
                    full_env.pop(k, None)
                else:
                    full_env[k] = v
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         env=full_env, cwd=str(self.logdir))
        LIVE.append(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self, timeout: float = 5.0):
        """SIGTERM, then SIGKILL after timeout. Idempotent."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self in LIVE:
            LIVE.remove(self)

    def stdout_text(self) -> str:
        return self.stdout_path.read_text("utf-8", "replace") if self.stdout_path.exists() else ""

    def stderr_text(self) -> str:
        return self.stderr_path.read_text("utf-8", "replace") if self.stderr_path.exists() else ""

    def log_report(self) -> str:
        rc = None if self.proc is None else self.proc.poll()
        return (f"===== {self.name} (pid {self.proc.pid if self.proc else '-'}, rc {rc}) =====\n"
                f"--- stdout ({self.stdout_path}) ---\n{_tail(self.stdout_path)}\n"
                f"--- stderr ({self.stderr_path}) ---\n{_tail(self.stderr_path)}\n")


class MockUpstream(Proc):
    def __init__(self, name: str, logdir: Path, threads: int = 1, extra_args: tuple = ()):
        super().__init__(f"mock-{name}", logdir)
        self.upstream_name = name
        self.own_connections = 0
        self.port_file = self.logdir / f"mock-{name}.port"
        if self.port_file.exists():
            self.port_file.unlink()
        self._spawn([MOCK_BIN, "--name", name, "--listen", "127.0.0.1:0", "--port-file",
                     str(self.port_file), "--threads", str(threads), *extra_args])

        def port_ready():
            if not self.alive():
                raise RuntimeError(f"mock-upstream {name} exited with {self.proc.poll()}")
            text = self.port_file.read_text() if self.port_file.exists() else ""
            return int(text) if text.strip() else None

        try:
            self.port = poll_until(port_ready, timeout=10, what=f"mock {name} port file")
        except Exception:
            self.stop()
            raise
        self.address = f"127.0.0.1:{self.port}"

    # Every connection the harness itself opens to the mock is counted, so that
    # foreign_connections() tells how many connections came from elsewhere (the router).
    def _own(self, method: str, path: str) -> wire.Response:
        self.own_connections += 1
        return wire.request(self.port, method, path, body=b"" if method == "POST" else None, timeout=5)

    def get(self, path: str) -> wire.Response:
        return self._own("GET", path)

    def stats(self) -> dict:
        return self._own("GET", "/admin/stats").json()

    def foreign_connections(self) -> int:
        """Connections accepted by the mock that the harness did not open."""
        return self.stats()["connections_accepted"] - self.own_connections

    def fail_health(self):
        r = self._own("POST", "/admin/health/fail")
        assert r.status == 200 and r.json()["healthy"] is False, r

    def ok_health(self):
        r = self._own("POST", "/admin/health/ok")
        assert r.status == 200 and r.json()["healthy"] is True, r


class RedisServer(Proc):
    """A real redis-server (Debian's redis-server package) on a free loopback port, nothing
    saved to disk. `password` sets requirepass."""

    def __init__(self, name: str, logdir: Path, password: Optional[str] = None,
                 tls: Optional[tuple] = None):
        """tls: (cert, key, ca) files: TLS only (rediss://), clients not asked for certificates."""
        super().__init__(f"redis-{name}", logdir)
        self.password = password
        self.tls = tls
        # The kernel picks a free port; redis-server binds it a moment later (a bind that loses
        # the port to another process in between makes it exit: tried again on a new port).
        for _ in range(5):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
            probe.close()
            argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", str(self.logdir)]
            if tls:
                argv[1:3] = ["--port", "0", "--tls-port", str(self.port), "--tls-cert-file",
                             str(tls[0]), "--tls-key-file", str(tls[1]), "--tls-ca-cert-file",
                             str(tls[2]), "--tls-auth-clients", "no"]
            if password:
                argv += ["--requirepass", password]
            self._spawn(argv)
            try:
                poll_until(self._answers_or_dead, timeout=10, what=f"redis {name} to answer")
            except Exception:
                self.stop()
                raise
            if self.alive():
                break
            self.stop()
        else:
            raise RuntimeError(f"redis-server {name} could not bind a port")
        self.address = f"127.0.0.1:{self.port}"

    def _answers_or_dead(self):
        if not self.alive():
            return True  # stop waiting: the caller checks alive()
        try:
            return self.command("PING") == "PONG"
        except OSError:
            return False

    def url(self, db: int = 0, password: Optional[str] = None) -> str:
        auth = f":{password}@" if password else ""
        return f"{'rediss' if self.tls else 'redis'}://{auth}{self.address}/{db}"

    def command(self, *args: str, db: int = 0):
        """One command on a new connection (AUTH and SELECT first as needed); the reply, decoded:
        str for simple and bulk strings, int, list, None; an error reply raises RuntimeError."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            sock = raw
            if self.tls:
                ctx = ssl.create_default_context(cafile=str(self.tls[2]))
                sock = ctx.wrap_socket(raw, server_hostname="localhost")
            reader = sock.makefile("rb")
            pre = ([["AUTH", self.password]] if self.password else []) + ([["SELECT", str(db)]] if db else [])
            for cmd in pre + [list(args)]:
                sock.sendall(_resp(cmd))
                reply = _read_resp(reader)
            return reply


def _resp(args: list) -> bytes:
    out = [f"*{len(args)}\r\n".encode()]
    for a in args:
        b = str(a).encode()
        out.append(f"${len(b)}\r\n".encode() + b + b"\r\n")
    return b"".join(out)


def _read_resp(reader):
    line = reader.readline()
    if not line:
        raise OSError("redis closed the connection")
    kind, rest = line[:1], line[1:-2].decode()
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RuntimeError(rest)
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = reader.read(n + 2)[:-2]
        return data.decode("utf-8", "replace")
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read_resp(reader) for _ in range(n)]
    raise OSError(f"unexpected RESP line {line!r}")


# --- config ----------------------------------------------------------------------------------

def contract_classes() -> dict:
    shared = {"pool": "shared", "latency_budget_ms": 100, "timeout_ms": 1000}
    premium = {"pool": "premium", "latency_budget_ms": 50, "timeout_ms": 500, "shed_at_percent": 100}
    return {
        "LITE": {**shared, "priority": 0, "shed_at_percent": 70},
        "PRO": {**shared, "priority": 1, "shed_at_percent": 85},
        "ELITE": {**premium, "priority": 2},
        "BLACK": {**premium, "priority": 3},
        "OBSIDIAN": {**premium, "priority": 3},
        "VOID": {**premium, "priority": 3},
    }


PREMIUM_PATHS = ["/api/v1/premium/", "/api/v1/elite/", "/api/v1/black/"]


def contract_routes() -> list:
    return [
        {"name": "premium-paths",
         "match": {"path_prefix": list(PREMIUM_PATHS), "tiers": ["ELITE", "BLACK", "OBSIDIAN", "VOID"]},
         "pool": "premium"},
        {"name": "premium-paths-denied", "match": {"path_prefix": list(PREMIUM_PATHS)},
         "respond": {"status": 403, "error": "tier_required"}},
        {"name": "by-tier", "tier_pool": True},
    ]


def pool(endpoints: list, health: bool = True, **overrides) -> dict:
    p = {
        "endpoints": list(endpoints),
        "load_balancing": "round_robin",
        "connect_timeout_ms": 250,
        "health_check": {"enabled": health, "path": "/health", "interval_ms": 200, "timeout_ms": 500,
                         "healthy_threshold": 1, "unhealthy_threshold": 1, "expected_status": [200]},
        "outlier_detection": {"consecutive_failures": 5, "ejection_ms": 30000, "max_ejection_percent": 50},
        "retries": {"attempts": 1, "on": ["connect_failure", "reset", "503"], "idempotent_only": True},
    }
    return deep_merge(p, overrides)


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def make_config(shared: list, premium: list, overrides: Optional[dict] = None,
                health: bool = True) -> dict:
    """The contract's default config shape with test-friendly numbers; listen is set by Router."""
    cfg = {
        "server": {
            "listen": "127.0.0.1:0",
            "workers": 2,
            "limits": {"max_header_bytes": 16384, "max_body_bytes": 10485760,
                       "header_timeout_ms": 10000, "idle_timeout_ms": 60000,
                       "max_connections": 20000},
            "drain_timeout_ms": 5000,
        },
        "admin": {"listen": ""},
        "tiers": {
            "header": "X-User-Tier",
            "default": "LITE",
            "on_unknown": "default",
            "trust": {"mode": "header", "on_untrusted": "default"},
            "classes": contract_classes(),
        },
        "overload": {"max_in_flight": 4096},
        "routes": contract_routes(),
        "pools": {"shared": pool(shared, health), "premium": pool(premium, health)},
        "logging": {"level": "info", "access_log": "stdout"},
    }
    return deep_merge(cfg, overrides or {})


# --- the router ------------------------------------------------------------------------------

def read_port_file(path: Path) -> Optional[dict]:
    """The router's --port-file as {"listen": (host, port), "admin": (host, port)}, or None
    while it is not there yet (the router writes it whole, by rename, once listening)."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return None
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        host, colon, port = value.rpartition(":")
        if not sep or not colon or not port.isdigit():
            raise AssertionError(f"malformed port file line {line!r} in {path}")
        out[key] = (host.strip("[]"), int(port))
    if "listen" not in out:
        raise AssertionError(f"port file {path} without a listen= line: {text!r}")
    return out


class Router(Proc):
    """smart-router on a generated YAML file (config dict), on a port the kernel picks.

    server.listen (and admin.listen, when set) are used as given: port 0 makes the router bind
    a free port and report it in its --port-file, which sets self.port (and self.admin_port).
    """

    def __init__(self, config: dict, logdir: Path, name: str = "router", env: Optional[dict] = None,
                 config_path: Optional[Path] = None, wait_ready: bool = False,
                 start_timeout: float = 10.0, tls_context=None, extra_args: tuple = ()):
        super().__init__(name, logdir)
        # With server.tls, every request the harness makes (readiness, metrics) uses TLS.
        self.tls = {} if tls_context is None else {"tls_context": tls_context,
                                                   "server_hostname": "localhost"}
        self.config = copy.deepcopy(config)
        self.config_path = Path(config_path) if config_path else self.logdir / f"{name}.yaml"
        self.env = env
        if config_path is None or not self.config_path.exists():
            self.write_config(self.config)
        self.port_file = self.logdir / f"{name}.port"
        if self.port_file.exists():
            self.port_file.unlink()
        self._spawn([ROUTER_BIN, "--config", str(self.config_path), "--port-file",
                     str(self.port_file), *extra_args], env=env)
        try:
            ports = poll_until(self._ports_or_dead, timeout=start_timeout, what=f"{name} port file")
            if not self.alive():
                raise RuntimeError(f"{name} exited with {self.proc.poll()}:\n"
                                   f"{self.stderr_text()[-2000:]}")
            self.port = ports["listen"][1]
            self.admin_port = ports["admin"][1] if "admin" in ports else None
            poll_until(self._healthy_or_dead, timeout=start_timeout, what=f"{name} /health 200")
            if not self.alive():
                raise RuntimeError(f"{name} exited with {self.proc.poll()}:\n"
                                   f"{self.stderr_text()[-2000:]}")
        except Exception:
            self.stop()
            raise
        if wait_ready:
            self.wait_ready()

    def _ports_or_dead(self):
        if not self.alive():
            return {"dead": True}  # stop waiting: the caller checks alive()
        return read_port_file(self.port_file)

    def assert_alive(self, context: str = ""):
        """Fails clearly when the router process has died (crash) instead of 'connection refused'."""
        if self.alive():
            try:
                ok = wire.get(self.port, "/health", timeout=5, **self.tls).status == 200
            except Exception as e:  # noqa: BLE001
                ok = False
                why = repr(e)
            else:
                why = "not 200"
            if ok:
                return
            try:  # a crashing process may still be dumping core: give it a moment
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"router /health failed ({why}) {context}") from None
        rc = self.proc.poll()
        raise AssertionError(f"router process died (exit {rc}) {context}; stderr tail:\n"
                             f"{self.stderr_text()[-1500:]}")

    def _healthy_or_dead(self):
        if not self.alive():
            return True  # stop waiting: the caller checks alive()
        port = self.admin_port or self.port
        return wire.get(port, "/health", timeout=1, **self.tls).status == 200

    # --- config files ----------------------------------------------------------------------
    def yaml_text(self, config: dict) -> str:
        return yamlgen.dump(config)

    def write_config(self, config: dict, atomic: bool = True):
        """Writes config to the config file (listen addresses take effect at restart only)."""
        self.write_text(yamlgen.dump(config), atomic=atomic)

    def write_text(self, text: str, atomic: bool = True):
        if atomic:
            tmp = self.config_path.with_name(self.config_path.name + ".tmp")
            tmp.write_text(text)
            os.replace(tmp, self.config_path)
        else:
            with open(self.config_path, "w") as f:
                f.write(text)

    # --- requests --------------------------------------------------------------------------
    def get(self, path: str, headers=None, **kw) -> wire.Response:
        return wire.get(self.port, path, headers, **self.tls, **kw)

    def request(self, method: str, path: str, headers=None, body=None, **kw) -> wire.Response:
        return wire.request(self.port, method, path, headers, body, **self.tls, **kw)

    def connect(self, timeout: float = wire.DEFAULT_TIMEOUT) -> wire.HttpConnection:
        return wire.HttpConnection("127.0.0.1", self.port, timeout=timeout, **self.tls)

    def metrics_text(self) -> str:
        # With admin.listen, /metrics is served there only.
        r = wire.get(self.admin_port, "/metrics", timeout=5) if self.admin_port else \
            self.get("/metrics", timeout=5)
        assert r.status == 200, r
        return r.body.decode("utf-8")

    def metric(self, name: str, **labels) -> Optional[float]:
        import prom
        return prom.value(prom.parse(self.metrics_text()), name, **labels)

    def ready(self) -> wire.Response:
        return self.get("/ready", timeout=5)

    def wait_ready(self, timeout: float = 10.0):
        poll_until(lambda: self.ready().status == 200, timeout=timeout, what=f"{self.name} /ready 200")

    def wait_pool_healthy(self, pool_name: str, healthy: int, timeout: float = 10.0):
        def check():
            return self.ready().json()["pools"][pool_name]["healthy"] == healthy
        poll_until(check, timeout=timeout, what=f"/ready pools.{pool_name}.healthy == {healthy}")

    def vm_hwm_kb(self) -> int:
        return _status_kb(self.pid, "VmHWM")

    def vm_rss_kb(self) -> int:
        return _status_kb(self.pid, "VmRSS")

    def access_log(self) -> list:
        out = []
        for line in self.stdout_text().splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def run_router_cli(args: list, timeout: float = 20.0, env: Optional[dict] = None,
                   cwd: Optional[str] = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([ROUTER_BIN] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd or str(REPO_ROOT))
