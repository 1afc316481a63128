"""Strict HTTP/1.1 (RFC 9112): what request smuggling and cache poisoning rely on is refused
with the contract's error and a closed connection, and never reaches an upstream; what RFC 9112
asks a server to tolerate is served.

One router for the module (it must survive every case); each test checks the mock's request
count before and after.
"""

import pytest

import fd_census
import prom
import wire
from checks import assert_router_error, echo
from harness import make_config, poll_until

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


# --- chunked request bodies ------------------------------------------------------------------
# A body the client framed badly is answered at once, before the upstream has answered: 400
# bad_request (431 headers_too_large for a trailer section past max_header_bytes), recorded as
# such (not 499), with the connection closed. The upstream connection that carried the head and
# part of the body is closed too, never pooled. Its own router, which never forwards a request
# whole: every upstream socket it holds afterwards would be a leaked half-sent one.

CHUNKED_HEAD = b"POST /api/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
MAX_HEADER_BYTES = 16384  # make_config's

BAD_CHUNKED_400 = {
    "negative-size": b"-4\r\nabcd\r\n0\r\n\r\n",
    "data-longer-than-size": b"2\r\nabcd\r\n0\r\n\r\n",
    "size-overflows-64-bits": b"10000000000000004\r\nabcd\r\n0\r\n\r\n",
    "hex-prefix": b"0x4\r\nabcd\r\n0\r\n\r\n",
    "trailer-without-colon": b"4\r\nabcd\r\n0\r\nbad trailer\r\n\r\n",
    "trailer-obs-fold": b"4\r\nabcd\r\n0\r\nX-A: 1\r\n 2\r\n\r\n",
    "lf-only-lines": b"4\nabcd\n0\n\n",
    "lf-only-trailer-end": b"4\r\nabcd\r\n0\r\nX-A: 1\n\n",
    "chunk-extension-past-max-header-bytes": b"4;e=" + b"x" * 70000 + b"\r\nabcd\r\n0\r\n\r\n",
}


@pytest.fixture(scope="module")
def chunked(module_stack):
    mock = module_stack.mock("chunked-1")
    cfg = make_config([mock.address], [mock.address], health=False)
    return module_stack.router(cfg, name="router-chunked"), mock


def sockets_left(router, mock) -> dict:
    c = fd_census.census(router.pid, {router.port}, {mock.port})
    return {"client": fd_census.count(c, "client"), "upstream": fd_census.count(c, "upstream")}


def refused_body(setup, body: bytes, status: int, code: str) -> dict:
    """Sends a chunked request with `body`; expects `status`/`code` at once, a closed connection,
    the request recorded with that status, and no socket left behind, client's or upstream's."""
    router, mock = setup
    before = prom.parse(router.metrics_text())
    with router.connect(timeout=5) as c:  # well under idle_timeout_ms (60 s): no waiting on it
        c.send_raw(CHUNKED_HEAD + body)
        r = c.read_response()
        payload = assert_router_error(r, status, code)
        assert (r.header("Connection") or "").lower() == "close", r
        assert c.peer_closed(timeout=5), "connection left open after the refusal"
    rid = r.header("X-Request-Id")
    logged = poll_until(lambda: [x for x in router.access_log() if x.get("request_id") == rid],
                        what=f"the access log line of {rid}")
    assert [x["status"] for x in logged] == [status], logged
    after = prom.parse(router.metrics_text())
    for s, grew in ((status, 1), (499, 0)):
        got = (prom.total(after, "http_requests_total", status=s) -
               prom.total(before, "http_requests_total", status=s))
        assert got == grew, f"http_requests_total{{status={s}}} grew by {got}, not {grew}"
    poll_until(lambda: sockets_left(router, mock) == {"client": 0, "upstream": 0},
               what="the router to close the client's and the half-sent upstream connection")
    router.assert_alive(f"after a chunked body refused with {status}")
    return payload


@pytest.mark.parametrize("case", sorted(BAD_CHUNKED_400))
def test_malformed_chunked_body_is_400(chunked, case):
    refused_body(chunked, BAD_CHUNKED_400[case], 400, "bad_request")


def test_trailer_section_past_max_header_bytes_is_431(chunked):
    # 70,000 bytes: one field longer than Beast can store (it threw, and the connection was left
    # open for ever, unanswered).
    body = refused_body(chunked, b"4\r\nabcd\r\n0\r\nX-T: " + b"a" * 70000 + b"\r\n\r\n",
                        431, "headers_too_large")
    assert "trailer section exceeds max_header_bytes" in body["message"], body
    # Just over the limit, in fields Beast could store.
    trailer = b"".join(b"X-T%d: %s\r\n" % (i, b"a" * 1000) for i in range(17))
    assert len(trailer) > MAX_HEADER_BYTES
    refused_body(chunked, b"4\r\nabcd\r\n0\r\n" + trailer + b"\r\n", 431, "headers_too_large")


def test_trailer_section_that_never_ends_is_431_without_waiting(chunked):
    # No CRLFCRLF ever comes and the client keeps its side open: refused once the bytes pass the
    # limit, not when a timeout fires.
    refused_body(chunked, b"4\r\nabcd\r\n0\r\nX-T: " + b"a" * (2 * MAX_HEADER_BYTES),
                 431, "headers_too_large")


def test_trailer_within_max_header_bytes_is_forwarded_without_it(strict):
    router, _ = strict
    trailer = b"X-T: " + b"a" * (MAX_HEADER_BYTES - 100) + b"\r\n"
    with router.connect(timeout=5) as c:
        c.send_raw(CHUNKED_HEAD + b"4\r\nabcd\r\n0\r\n" + trailer + b"\r\n")
        got = echo(c.read_response())
        assert got["body_bytes"] == 4, got
        assert "x-t" not in got["headers"], "a trailer field was added to the forwarded head"
        # The connection stays in step: the next request on it is served.
        c.send_raw(b"GET /api/next HTTP/1.1\r\nHost: a\r\n\r\n")
        assert echo(c.read_response())["path"] == "/api/next"
