"""The command line: --check-config with PATH:LINE:COL errors, --version, --help, bad start-up."""

import re

import pytest

from harness import REPO_ROOT, run_router_cli

# Valid pools and classes every broken file below builds on (the error is elsewhere).
POOLS = """pools:
  shared:
    endpoints: ["127.0.0.1:9001"]
  premium:
    endpoints: ["127.0.0.1:9101"]
"""


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def error_lines(stderr: str, path) -> list:
    """(line, col, message) of every PATH:LINE:COL: message line."""
    out = []
    for line in stderr.splitlines():
        m = re.match(re.escape(str(path)) + r":(\d+):(\d+): (.+)$", line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return out


def locate(text: str, needle: str):
    """1-based (line, column) of the first occurrence of needle in text."""
    for i, line in enumerate(text.splitlines(), start=1):
        col = line.find(needle)
        if col >= 0:
            return i, col + 1
    raise AssertionError(f"{needle!r} not in text")


def check(path):
    return run_router_cli(["--check-config", str(path)])


def test_check_config_default_file_ok():
    r = check(REPO_ROOT / "config" / "router.yaml")
    assert r.returncode == 0, f"rc {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert "config OK" in r.stdout


def test_unknown_key(tmp_path):
    text = ('server:\n  listen: "127.0.0.1:8080"\n  limits:\n    max_header_bytes: 16384\n'
            '    max_headr_bytes: 1\n' + POOLS)
    p = write(tmp_path, "unknown-key.yaml", text)
    r = check(p)
    assert r.returncode == 1, r
    errs = error_lines(r.stderr, p)
    assert errs, f"no PATH:LINE:COL line in stderr:\n{r.stderr}"
    line, col = locate(text, "max_headr_bytes")
    assert any(e[:2] == (line, col) and "max_headr_bytes" in e[2] for e in errs), (line, col, errs)
    assert "config OK" not in r.stdout


def test_unknown_top_level_key(tmp_path):
    text = 'server:\n  listen: "127.0.0.1:8080"\n' + POOLS + "loging:\n  level: info\n"
    p = write(tmp_path, "unknown-top.yaml", text)
    r = check(p)
    assert r.returncode == 1
    line, col = locate(text, "loging")
    assert any(e[:2] == (line, col) for e in error_lines(r.stderr, p)), r.stderr


def test_route_names_missing_pool(tmp_path):
    text = (POOLS + "routes:\n  - name: api\n    match: {path_prefix: [\"/api/\"]}\n"
            "    pool: nowhere\n  - name: rest\n    tier_pool: true\n")
    p = write(tmp_path, "missing-pool.yaml", text)
    r = check(p)
    assert r.returncode == 1
    errs = error_lines(r.stderr, p)
    line, col = locate(text, "nowhere")
    assert any(e[0] == line and e[1] in (col, col - len("pool: ")) and "nowhere" in e[2]
               for e in errs), (line, col, errs, r.stderr)


def test_tier_class_names_missing_pool(tmp_path):
    text = (POOLS + "tiers:\n  classes:\n"
            "    LITE: {pool: shared, priority: 0, latency_budget_ms: 100, timeout_ms: 1000, shed_at_percent: 70}\n"
            "    ELITE: {pool: gold, priority: 2, latency_budget_ms: 50, timeout_ms: 500, shed_at_percent: 100}\n")
    p = write(tmp_path, "class-pool.yaml", text)
    r = check(p)
    assert r.returncode == 1
    errs = error_lines(r.stderr, p)
    line, _ = locate(text, "gold")
    assert any(e[0] == line and "gold" in e[2] for e in errs), (line, errs, r.stderr)


def test_bad_yaml(tmp_path):
    text = 'server:\n  listen: "127.0.0.1:8080"\n workers: 2\n' + POOLS
    p = write(tmp_path, "bad.yaml", text)
    r = check(p)
    assert r.returncode == 1
    errs = error_lines(r.stderr, p)
    assert errs, r.stderr
    line, col = locate(text, " workers")
    assert errs[0][0] == line, (line, errs)


def test_wrong_type_bad_cidr_bad_regex_duplicate_route_all_reported(tmp_path):
    text = ('server:\n  listen: "127.0.0.1:8080"\n  workers: many\n'
            "tiers:\n  trust:\n    mode: trusted_peers\n    trusted_cidrs: [\"10.0.0.0/33\"]\n"
            + POOLS +
            "routes:\n  - name: r1\n    match: {path_regex: \"([a-z\"}\n    pool: shared\n"
            "  - name: r1\n    tier_pool: true\n")
    p = write(tmp_path, "many.yaml", text)
    r = check(p)
    assert r.returncode == 1
    errs = error_lines(r.stderr, p)
    lines = {e[0] for e in errs}
    expected = {
        "workers": locate(text, "many")[0],
        "cidr": locate(text, "10.0.0.0/33")[0],
        "regex": locate(text, "([a-z")[0],
        "duplicate": [i for i, l in enumerate(text.splitlines(), 1) if "name: r1" in l][1],
    }
    missing = {k: v for k, v in expected.items() if v not in lines}
    assert not missing, f"errors not reported at these lines: {missing}\nstderr:\n{r.stderr}"
    wl, wc = locate(text, "many")
    assert (wl, wc) in {e[:2] for e in errs}, errs


def test_missing_file(tmp_path):
    r = check(tmp_path / "nope.yaml")
    assert r.returncode == 1
    assert error_lines(r.stderr, tmp_path / "nope.yaml") == [
        (1, 1, "cannot read file: No such file or directory")], r.stderr


@pytest.mark.parametrize("text,message", [
    ("", "the config file is empty"),
    ("server: {workers: 1}\n", "pools: at least one pool is required"),
])
def test_an_error_with_no_key_to_point_at_is_still_path_line_col(tmp_path, text, message):
    # The contract: every error on stderr as PATH:LINE:COL: message, even one about something
    # absent: it points at the file's start.
    p = write(tmp_path, "r.yaml", text)
    r = check(p)
    assert r.returncode == 1
    assert error_lines(r.stderr, p) == [(1, 1, message)], r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_version():
    r = run_router_cli(["--version"])
    assert r.returncode == 0
    assert re.search(r"smart-router.*\d+\.\d+\.\d+", r.stdout), r.stdout


def test_help():
    r = run_router_cli(["--help"])
    assert r.returncode == 0
    for word in ["--config", "--check-config", "--version", "SIGHUP"]:
        assert word in r.stdout, word


def test_unknown_argument_fails():
    r = run_router_cli(["--frobnicate"])
    assert r.returncode != 0


def test_run_with_broken_config_exits_1(tmp_path):
    text = 'server:\n  listen: "127.0.0.1:0"\n  bogus: 1\n' + POOLS
    p = write(tmp_path, "broken.yaml", text)
    r = run_router_cli(["--config", str(p)], timeout=10)
    assert r.returncode == 1
    assert (3, 3) in {e[:2] for e in error_lines(r.stderr, p)}, r.stderr


def test_config_path_from_env(tmp_path):
    text = 'server:\n  listen: "127.0.0.1:0"\n  bogus: 1\n' + POOLS
    p = write(tmp_path, "from-env.yaml", text)
    r = run_router_cli([], timeout=10, env={"SMART_ROUTER_CONFIG": str(p)})
    assert r.returncode == 1
    assert str(p) in r.stderr, r.stderr


@pytest.mark.parametrize("var,value", [("SHARED_ENDPOINT", "not a host port"),
                                       ("TIER_ROUTING_ENABLED", "perhaps")])
def test_bad_env_override_is_an_error(tmp_path, var, value):
    p = write(tmp_path, "ok.yaml", 'server:\n  listen: "127.0.0.1:0"\n' + POOLS)
    assert check(p).returncode == 0
    r = run_router_cli(["--check-config", str(p)], env={var: value})
    assert r.returncode == 1, f"{var}={value!r} accepted: {r.stdout} {r.stderr}"
    assert var in r.stderr
