"""Assertions shared by the integration tests."""

from __future__ import annotations

import json

import wire


def assert_router_error(resp: wire.Response, status: int, code: str, retry_after: bool = None):
    """The router's own error: status, JSON {"error","message","request_id"}, X-Request-Id."""
    assert resp.status == status, f"expected {status} {code}, got {resp!r}"
    rid = resp.header("X-Request-Id")
    assert rid, f"no X-Request-Id on {resp!r}"
    ctype = resp.header("Content-Type") or ""
    assert ctype.startswith("application/json"), f"Content-Type {ctype!r} on {resp!r}"
    try:
        body = json.loads(resp.body.decode("utf-8"))
    except ValueError as e:
        raise AssertionError(f"error body is not JSON: {resp.body!r}") from e
    assert body.get("error") == code, f"expected error {code!r}, got body {body}"
    assert isinstance(body.get("message"), str) and body["message"], body
    assert body.get("request_id") == rid, f"body request_id {body.get('request_id')!r} != header {rid!r}"
    if retry_after is True:
        ra = resp.header("Retry-After")
        assert ra is not None and ra.strip().isdigit(), f"Retry-After missing/invalid on {resp!r}"
    elif retry_after is False:
        assert resp.header("Retry-After") is None
    return body


def echo(resp: wire.Response) -> dict:
    """The mock upstream's JSON echo of a proxied 200."""
    assert resp.status == 200, f"expected a proxied 200, got {resp!r}"
    assert resp.header("X-Upstream"), f"not answered by a mock upstream: {resp!r}"
    return resp.json()
