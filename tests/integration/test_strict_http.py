"""Strict HTTP/1.1 (RFC 9112): what request smuggling and cache poisoning rely on is refused
with the contract's error and a closed connection, and never reaches an upstream; what RFC 9112
asks a server to tolerate is served.

One router for the module (it must survive every case); each test checks the mock's request
count before and after.
"""

import pytest

import wire
from checks import assert_router_error, echo
from harness import make_config

MAX_FIELDS = 20


@pytest.fixture(scope="module")
def strict(module_stack):
    mock = module_stack.mock("shared-1")
    premium = module_stack.mock("premium-1")
    cfg = make_config([mock.address], [premium.address],
                      {"server": {"limits": {"max_header_count": MAX_FIELDS}}}, health=False)
    router = module_stack.router(cfg)
    return router, [mock, premium]


@pytest.fixture(scope="module")
def methods(module_stack):
    mock = module_stack.mock("methods-1")
    cfg = make_config([mock.address], [mock.address],
                      {"server": {"allowed_methods": ["GET", "POST"]}}, health=False)
    router = module_stack.router(cfg, name="router-methods")
    return router, [mock]


def upstream_requests(mocks):
    return sum(m.stats()["requests"] for m in mocks)


def refused(setup, data: bytes, status: int, code: str):
    """Sends `data`, expects the router's error `status`/`code`, then a closed connection, and
    no request at any upstream."""
    router, mocks = setup
    before = upstream_requests(mocks)
    with router.connect(timeout=5) as c:
        c.send_raw(data)
        r = c.read_response()
        body = assert_router_error(r, status, code)
        assert (r.header("Connection") or "").lower() == "close", r
        assert c.peer_closed(timeout=5), "connection left open after the refusal"
    assert upstream_requests(mocks) == before, "the refused request reached an upstream"
    router.assert_alive(f"after {status} {code}")
    return r, body


def fields(n: int) -> bytes:
    return b"".join(b"X-F%d: v\r\n" % i for i in range(n))


CASES_400 = {
    "http11-without-host": b"GET /api/x HTTP/1.1\r\nAccept: */*\r\n\r\n",
    "two-hosts": b"GET /api/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "two-hosts-same-value": b"GET /api/x HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
    "host-with-userinfo": b"GET /api/x HTTP/1.1\r\nHost: evil@a\r\n\r\n",
    "obs-fold": b"GET /api/x HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n",
    "obs-fold-empty-first-line": b"GET /api/x HTTP/1.1\r\nHost: a\r\nX-A:\r\n\t2\r\n\r\n",
    "space-before-first-field": b"GET /api/x HTTP/1.1\r\n Host: a\r\n\r\n",
    "tab-before-first-field": b"GET /api/x HTTP/1.1\r\n\tX-A: 1\r\nHost: a\r\n\r\n",
    "te-not-chunked": b"POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"
                      b"GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
    "te-chunked-not-last": b"POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip"
                           b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "te-chunked-twice": b"POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked"
                        b"\r\n\r\n0\r\n\r\n",
    "te-in-http10": b"POST /api/x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te-and-content-length": b"POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(CASES_400))
def test_refused_400(strict, case):
    refused(strict, CASES_400[case], 400, "bad_request")


def test_message_names_the_rule(strict):
    _, body = refused(strict, CASES_400["http11-without-host"], 400, "bad_request")
    assert body["message"] == "HTTP/1.1 request without Host"
    _, body = refused(strict, CASES_400["obs-fold"], 400, "bad_request")
    assert body["message"] == "obsolete line folding in a header field"


@pytest.mark.parametrize("codings", [b"gzip, chunked", b"foo, chunked"])
def test_transfer_coding_other_than_chunked_is_501(strict, codings):
    data = (b"POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + codings +
            b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    refused(strict, data, 501, "not_implemented")


def test_more_header_fields_than_max_header_count_is_431(strict):
    # Host + MAX_FIELDS - 1 others pass; one more is refused, though far under max_header_bytes.
    router, mocks = strict
    ok = b"GET /api/x HTTP/1.1\r\nHost: a\r\n" + fields(MAX_FIELDS - 1) + b"\r\n"
    before = upstream_requests(mocks)
    with router.connect(timeout=5) as c:
        c.send_raw(ok)
        echo(c.read_response())
    assert upstream_requests(mocks) == before + 1
    too_many = b"GET /api/x HTTP/1.1\r\nHost: a\r\n" + fields(MAX_FIELDS) + b"\r\n"
    _, body = refused(strict, too_many, 431, "headers_too_large")
    assert f"more than {MAX_FIELDS} header fields" in body["message"]


def test_empty_lines_before_the_request_line_are_ignored(strict):
    router, mocks = strict
    with router.connect(timeout=5) as c:
        c.send_raw(b"\r\n\r\nGET /api/x HTTP/1.1\r\nHost: a\r\n\r\n")
        r = c.read_response()
        assert echo(r)["path"] == "/api/x"
        # And between two requests on a kept-alive connection (a stray CRLF after a body).
        c.send_raw(b"POST /api/y HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi\r\n"
                   b"GET /api/z HTTP/1.1\r\nHost: a\r\n\r\n")
        assert echo(c.read_response())["path"] == "/api/y"
        assert echo(c.read_response())["path"] == "/api/z"


def test_more_empty_lines_than_max_header_bytes_are_refused(strict):
    # 16386 bytes of empty lines, max_header_bytes 16384: they count as part of the head.
    refused(strict, b"\r\n" * 8193 + b"GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad_request")


@pytest.mark.parametrize("target,expect", [
    (b"http://a?x=1", "/?x=1"),
    (b"http://a:8080?x=1", "/?x=1"),
    (b"http://a/api/x?x=1", "/api/x?x=1"),
])
def test_absolute_form_with_the_query_after_the_authority(strict, target, expect):
    router, _ = strict
    with router.connect(timeout=5) as c:
        c.send_raw(b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n")
        got = echo(c.read_response())
        assert got["path"] + ("?" + got["query"] if got.get("query") else "") == expect, got


def test_unknown_methods_are_forwarded_by_default(strict):
    router, _ = strict
    with router.connect(timeout=5) as c:
        c.send_raw(b"FROBNICATE /api/x HTTP/1.1\r\nHost: a\r\n\r\n")
        assert echo(c.read_response())["method"] == "FROBNICATE"


def test_allowed_methods(methods):
    router, mocks = methods
    with router.connect(timeout=5) as c:
        c.send_raw(b"POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        assert echo(c.read_response())["method"] == "POST"
    before = upstream_requests(mocks)
    r = wire.request(router.port, "DELETE", "/api/x")
    assert_router_error(r, 405, "method_not_allowed")
    assert r.header("Allow") == "GET, POST"
    r = wire.request(router.port, "FROBNICATE", "/api/x")
    assert_router_error(r, 501, "not_implemented")
    assert upstream_requests(mocks) == before
    # /health is the router's own: not subject to the list.
    assert wire.get(router.port, "/health").status == 200


@pytest.mark.parametrize("head", [
    b"CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n",
    b"CONNECT /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
], ids=["authority-form", "origin-form"])
def test_connect_is_refused_and_what_follows_is_never_a_request(strict, head):
    # CONNECT asks for a tunnel (RFC 9110 9.3.6): the bytes after its head are the tunnel's, so
    # a GET smuggled there must not be served; an origin-form CONNECT forwarded and answered
    # 2xx would put a front proxy in tunnel mode.
    refused(strict, head + b"GET /api/SMUGGLED HTTP/1.1\r\nHost: a\r\n\r\n", 501,
            "not_implemented")


def test_http10_keep_alive_is_announced_and_its_expect_ignored(strict):
    router, mocks = strict
    with router.connect(timeout=5) as c:
        # RFC 9110 10.1.1 / 15.2: no 100 Continue to an HTTP/1.0 client; the answer comes
        # once the body is here.
        c.send_raw(b"POST /api/x HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n"
                   b"Expect: 100-continue\r\nContent-Length: 4\r\n\r\nbody")
        r = c.read_response("POST")
        assert r.status == 200 and r.version == "HTTP/1.1", r
        assert echo(r)["body_bytes"] == 4
        # A kept HTTP/1.0 connection is said so, or the client waits for the close.
        assert (r.header("Connection") or "").lower() == "keep-alive", r
        r = c.request("GET", "/api/y", version="HTTP/1.0", headers=[("Connection", "keep-alive")])
        assert echo(r)["path"] == "/api/y"
        assert (r.header("Connection") or "").lower() == "keep-alive", r
