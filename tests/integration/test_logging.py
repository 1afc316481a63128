"""The access log: one JSON object per line, on stdout, in a file, or off."""

import json

from checks import echo
from harness import make_config, poll_until


def start(stack, access_log):
    up = stack.mock("shared-1")
    prem = stack.mock("premium-1")
    return stack.router(make_config([up.address], [prem.address],
                                    {"logging": {"access_log": access_log}}, health=False))


def lines_with(text, rid):
    out = []
    for line in text.splitlines():
        if rid in line:
            out.append(json.loads(line))
    return out


def test_access_log_on_stdout(stack):
    router = start(stack, "stdout")
    echo(router.get("/logged?a=1", [("X-Request-Id", "log-check-1"), ("X-User-Tier", "PRO")]))
    router.get("/api/v1/premium/x", [("X-Request-Id", "log-check-2")])
    poll_until(lambda: lines_with(router.stdout_text(), "log-check-2"), timeout=3, what="access log lines")
    for line in router.stdout_text().splitlines():
        json.loads(line)  # every stdout line is one JSON object
    rec = lines_with(router.stdout_text(), "log-check-1")
    assert len(rec) == 1, rec
    assert rec[0]["status"] == 200 and rec[0]["method"] == "GET"
    assert rec[0]["user_tier"] == "PRO" and rec[0]["tier"] == "shared" and rec[0]["route"] == "by-tier"
    denied = lines_with(router.stdout_text(), "log-check-2")[0]
    assert denied["status"] == 403


def test_access_log_to_file(stack):
    path = stack.logdir / "access.jsonl"
    router = start(stack, str(path))
    echo(router.get("/f", [("X-Request-Id", "file-check-1")]))
    poll_until(lambda: path.exists() and "file-check-1" in path.read_text(), timeout=3,
               what="the access log file")
    assert lines_with(path.read_text(), "file-check-1")[0]["status"] == 200
    assert "file-check-1" not in router.stdout_text()


def test_access_log_off(stack):
    router = start(stack, "off")
    echo(router.get("/quiet", [("X-Request-Id", "off-check-1")]))
    router.assert_alive()
    assert "off-check-1" not in router.stdout_text()
