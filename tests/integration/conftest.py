"""Fixtures for the integration suite: real smart-router and mock-upstream processes on loopback.

Binaries come from $SMART_ROUTER_BIN and $MOCK_UPSTREAM_BIN (ctest sets them), else
build/smart-router and build/mock-upstream. Logs of every process live in the test's tmp dir and
are attached to the report of a failing test; every process is stopped at teardown.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

import harness  # noqa: E402
from stack import Stack, Topology  # noqa: E402

PER_TEST_TIMEOUT_S = int(os.environ.get("SR_IT_TEST_TIMEOUT", "120"))


def pytest_configure(config):
    for name, path in (("SMART_ROUTER_BIN", harness.ROUTER_BIN), ("MOCK_UPSTREAM_BIN", harness.MOCK_BIN)):
        if not os.access(path, os.X_OK):
            raise pytest.UsageError(f"{name}: {path} is not an executable; build it or set {name}")


# --- a hard per-test time limit (no pytest-timeout on Debian's python3-pytest) ---------------

class PerTestTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise PerTestTimeout(f"test exceeded {PER_TEST_TIMEOUT_S}s")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(PER_TEST_TIMEOUT_S)  # setup (incl. module fixtures) + call + teardown
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- logs of every live process on failure ----------------------------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and harness.LIVE:
        text = "\n".join(p.log_report() for p in list(harness.LIVE))
        report.sections.append(("process logs", text))


def pytest_sessionfinish(session, exitstatus):
    for p in list(harness.LIVE):
        p.stop(timeout=2)


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def stack(tmp_path):
    s = Stack(tmp_path)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def module_stack(tmp_path_factory, request):
    s = Stack(tmp_path_factory.mktemp(request.module.__name__.split(".")[-1]))
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def topo(module_stack):
    """A module-wide router on the contract's default routes (tests must not change its state)."""
    return Topology(module_stack)
