"""Groups of processes for a test or a module, stopped together."""

from __future__ import annotations

from pathlib import Path

from harness import ClosedPort, MockUpstream, RedisServer, Router, make_config


class Stack:
    """Processes started for a test or a module; stop() kills all of them (idempotent)."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.procs: list = []
        self.closed_ports: list = []

    def mock(self, name: str, threads: int = 1, extra_args: tuple = ()) -> MockUpstream:
        m = MockUpstream(name, self.logdir, threads=threads, extra_args=extra_args)
        self.procs.append(m)
        return m

    def mocks(self, prefix: str, n: int) -> list:
        return [self.mock(f"{prefix}-{i + 1}") for i in range(n)]

    def redis(self, name: str = "quota", password=None, tls=None) -> RedisServer:
        r = RedisServer(name, self.logdir, password=password, tls=tls)
        self.procs.append(r)
        return r

    def closed_port(self) -> ClosedPort:
        c = ClosedPort()
        self.closed_ports.append(c)
        return c

    def router(self, config: dict, name: str = "router", **kw) -> Router:
        r = Router(config, self.logdir, name=name, **kw)
        self.procs.append(r)
        return r

    def stop(self):
        for p in reversed(self.procs):
            try:
                p.stop(timeout=3)
            except Exception:  # noqa: BLE001 - keep stopping the others
                pass
        for c in self.closed_ports:
            c.close()



class Topology:
    """Two shared and two premium mocks behind one router on the contract's routes."""

    def __init__(self, stack: Stack, overrides=None, health=True, env=None, tls_context=None):
        self.shared = stack.mocks("shared", 2)
        self.premium = stack.mocks("premium", 2)
        self.config = make_config([m.address for m in self.shared],
                                  [m.address for m in self.premium], overrides, health=health)
        self.router = stack.router(self.config, env=env, tls_context=tls_context)
        if health:
            self.router.wait_pool_healthy("shared", len(self.shared))
            self.router.wait_pool_healthy("premium", len(self.premium))

    @property
    def shared_names(self):
        return {m.upstream_name for m in self.shared}

    @property
    def premium_names(self):
        return {m.upstream_name for m in self.premium}

    def upstream_requests(self) -> int:
        return sum(m.stats()["requests"] for m in self.shared + self.premium)
