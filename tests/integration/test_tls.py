"""TLS termination at the router (server.tls): HTTPS in, plain HTTP to the upstream."""

import shutil
import ssl
import subprocess

import pytest

import wire
from checks import echo
from stack import Topology

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")


@pytest.fixture(scope="module")
def tls_topo(module_stack):
    d = module_stack.logdir
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    ctx = ssl.create_default_context(cafile=str(cert))
    t = Topology(module_stack, {"server": {"tls": {"cert_file": str(cert), "key_file": str(key)}}},
                 tls_context=ctx)
    return t, ctx


def https_get(t, ctx, path, headers=None):
    with wire.HttpConnection("127.0.0.1", t.router.port, timeout=10, tls_context=ctx,
                             server_hostname="localhost") as c:
        return c.request("GET", path, headers)


def test_https_request_reaches_upstream_with_proto_https(tls_topo):
    t, ctx = tls_topo
    e = echo(https_get(t, ctx, "/secure?x=1", [("X-Forwarded-Proto", "http")]))
    assert e["path"] == "/secure" and e["query"] == "x=1"
    assert e["headers"]["x-forwarded-proto"] == "https"
    assert e["headers"]["x-forwarded-for"] == "127.0.0.1"


def test_https_health_and_keepalive(tls_topo):
    t, ctx = tls_topo
    with wire.HttpConnection("127.0.0.1", t.router.port, timeout=10, tls_context=ctx,
                             server_hostname="localhost") as c:
        assert c.request("GET", "/health").json() == {"status": "ok"}
        for i in range(5):
            assert echo(c.request("GET", f"/k/{i}", [("X-User-Tier", "ELITE")]))["upstream"] in t.premium_names


def test_plain_http_on_tls_port_is_not_served(tls_topo):
    t, _ = tls_topo
    try:
        r = wire.get(t.router.port, "/health", timeout=3)
    except (wire.WireError, ConnectionResetError, OSError):
        return
    assert r.status != 200, "plain HTTP answered 200 on the TLS listener"
