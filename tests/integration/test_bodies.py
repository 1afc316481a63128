"""Bodies stream both ways, chunked or not, intact, and are never held whole in memory."""

import functools

import pytest

import payloads
from checks import echo
from stack import Topology

SIZE = 50 * 1024 * 1024
# The router's peak RSS may grow by far less than one 50 MB body. Measured against its own
# peak after start-up (about 34 MB with 2 workers, most of it preallocated queues), so the
# check is about streaming, not about the baseline.
GROWTH_LIMIT_KB = 16 * 1024


@pytest.fixture(scope="module")
def big(module_stack):
    t = Topology(module_stack, {
        "server": {"limits": {"max_body_bytes": 100 * 1024 * 1024}},
        "tiers": {"classes": {"LITE": {"timeout_ms": 20000}}},
    })
    for i in range(4):  # warm up both workers and the upstream connection pools
        assert echo(t.router.request("POST", f"/warm/{i}", None, b"w" * 100000))["body_bytes"] == 100000
    t.baseline_hwm_kb = t.router.vm_hwm_kb()
    return t


@functools.lru_cache(maxsize=None)
def sparse_hash(n: int) -> str:
    return payloads.sparse_fnv_hex(n)


def assert_memory_flat(topo):
    hwm = topo.router.vm_hwm_kb()
    growth = hwm - topo.baseline_hwm_kb
    assert growth < GROWTH_LIMIT_KB, (
        f"router peak RSS grew by {growth} kB (from {topo.baseline_hwm_kb} to {hwm} kB) moving a "
        f"{SIZE // 1024} kB body: it is being buffered, not streamed")


def test_download_chunked_50mb(big):
    check = payloads.PatternChecker()
    with big.router.connect(timeout=30) as c:
        r = c.request("GET", f"/dl?body_bytes={SIZE}&chunked=1", sink=check)
    assert r.status == 200, r
    assert r.header("X-Upstream") in big.shared_names
    assert r.chunked, "an upstream body of unknown length must reach an HTTP/1.1 client chunked"
    assert r.header("Content-Length") is None
    assert check.count == SIZE
    assert check.first_bad is None, f"first wrong byte at offset {check.first_bad}"
    assert check.sha.hexdigest() == payloads.pattern_sha256(SIZE)
    assert_memory_flat(big)


def test_download_content_length_50mb(big):
    check = payloads.PatternChecker()
    with big.router.connect(timeout=30) as c:
        r = c.request("GET", f"/dl?body_bytes={SIZE}", sink=check)
        assert r.status == 200, r
        assert r.header("Content-Length") == str(SIZE)
        assert not r.chunked
        # the connection is still usable afterwards
        assert echo(c.request("GET", "/after"))["path"] == "/after"
    assert check.count == SIZE
    assert check.first_bad is None, f"first wrong byte at offset {check.first_bad}"
    assert check.sha.hexdigest() == payloads.pattern_sha256(SIZE)
    assert_memory_flat(big)


def test_upload_chunked_50mb(big):
    body = payloads.rechunk(payloads.sparse_blocks(SIZE), [65537, 1000, 300001, 7, 1 << 20])
    with big.router.connect(timeout=30) as c:
        r = c.request("PUT", "/up", [("Content-Type", "application/octet-stream")], body, chunked=True)
    e = echo(r)
    assert e["method"] == "PUT"
    assert e["body_bytes"] == SIZE
    assert e["body_fnv1a"] == sparse_hash(SIZE)
    assert_memory_flat(big)


def test_upload_content_length_50mb(big):
    with big.router.connect(timeout=30) as c:
        r = c.request("POST", "/up", None, payloads.sparse_blocks(SIZE), content_length=SIZE)
    e = echo(r)
    assert e["headers"].get("content-length") == str(SIZE)
    assert "transfer-encoding" not in e["headers"]
    assert e["body_bytes"] == SIZE
    assert e["body_fnv1a"] == sparse_hash(SIZE)
    assert_memory_flat(big)


def test_small_bodies_hash_matches_local(big):
    for n in [0, 1, 25, 4096, 4097, 100000]:
        data = bytes((i * 7 + 3) % 256 for i in range(n))
        e = echo(big.router.request("POST", "/small", None, data))
        assert e["body_bytes"] == n
        assert e["body_fnv1a"] == payloads.fnv1a_hex(data), n


def test_expect_100_continue(big):
    data = b"z" * 5000
    with big.router.connect(timeout=10) as c:
        c.send_request("POST", "/cont", [("Expect", "100-continue"), ("Content-Length", str(len(data)))])
        interim = c.read_head()
        assert interim.status == 100, interim
        c.send_raw(data)
        r = c.read_response("POST")
    e = echo(r)
    assert e["body_bytes"] == len(data)
    assert "expect" not in e["headers"]


def test_head_request_has_no_body(big):
    with big.router.connect(timeout=10) as c:
        r = c.request("HEAD", "/dl?body_bytes=1000")
        assert r.status == 200 and r.body == b""
        assert r.header("Content-Length") == "1000"
        assert echo(c.request("GET", "/next"))["path"] == "/next"  # framing kept in sync


def test_chunked_response_with_keepalive_followup(big):
    with big.router.connect(timeout=10) as c:
        for n in [1, 65536, 65537, 200000]:
            check = payloads.PatternChecker()
            r = c.request("GET", f"/dl?body_bytes={n}&chunked=1", sink=check)
            assert r.status == 200 and check.count == n and check.first_bad is None
