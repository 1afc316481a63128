"""TLS termination at the router (server.tls): HTTPS in, plain HTTP to the upstream."""

import shutil
import socket
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
    with wire.HttpConnection("127.0.0.1", t.router.port, timeout=5) as c:
        c.send_raw(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        try:
            data = c.read_until_close()  # a reset counts as the close
        except socket.timeout:
            pytest.fail("the router neither answered nor closed a plain HTTP connection on its TLS port")
    # The failed handshake may leave a TLS alert record; never an HTTP answer.
    assert not data.startswith(b"HTTP/"), data[:200]
    t.router.assert_alive("after plain HTTP on the TLS port")


# --- TLS towards the upstream (pools.*.tls) ------------------------------------------------

_TLS_UPSTREAM = r'''
import http.server, json, ssl, sys
port_file, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = json.dumps({"upstream": "tls-upstream", "path": self.path,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os; os.replace(port_file + ".tmp", port_file)
srv.serve_forever()
'''


@pytest.fixture(scope="module")
def tls_upstream(module_stack):
    import sys
    from harness import poll_until
    d = module_stack.logdir
    cert, key = d / "up-cert.pem", d / "up-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    port_file = d / "tls-upstream.port"
    proc = subprocess.Popen([sys.executable, "-c", _TLS_UPSTREAM, str(port_file), str(cert), str(key)])
    try:
        def started():
            assert proc.poll() is None, "TLS upstream exited"
            return port_file.exists()
        poll_until(started, timeout=20, what="TLS upstream port file")
        yield int(port_file.read_text()), cert
    finally:
        proc.kill()
        proc.wait(timeout=5)


def _router_to_tls_pool(stack, upstream_port, tls):
    from harness import contract_classes, pool
    cfg = {
        "server": {"listen": "127.0.0.1:0", "workers": 1},
        "tiers": {"classes": contract_classes()},
        "routes": [{"name": "secure", "pool": "secure"}],
        "pools": {
            # An IP endpoint (a minimal root may not resolve "localhost"); the certificate's
            # name is checked through tls.sni.
            "secure": pool([f"127.0.0.1:{upstream_port}"], health=False, tls={"sni": "localhost", **tls}),
            "shared": pool([f"127.0.0.1:{upstream_port}"], health=False),
            "premium": pool([f"127.0.0.1:{upstream_port}"], health=False),
        },
        "logging": {"access_log": "off"},
    }
    return stack.router(cfg, name="router-upstream-tls")


def test_upstream_tls_with_verified_certificate(stack, tls_upstream):
    port, cert = tls_upstream
    r = _router_to_tls_pool(stack, port, {"enabled": True, "verify": True, "ca_file": str(cert)})
    resp = wire.get(r.port, "/over-tls", timeout=10)
    assert resp.status == 200, resp
    body = resp.json()
    assert body["upstream"] == "tls-upstream" and body["path"] == "/over-tls"
    assert body["headers"]["x-forwarded-proto"] == "http"


def test_upstream_tls_checks_the_certificate_name(stack, tls_upstream):
    port, cert = tls_upstream
    r = _router_to_tls_pool(stack, port, {"enabled": True, "verify": True, "ca_file": str(cert),
                                          "sni": "not-the-name.example"})
    resp = wire.get(r.port, "/over-tls", timeout=10)
    assert resp.status == 502, resp


def test_upstream_tls_refuses_an_untrusted_certificate(stack, tls_upstream):
    port, _ = tls_upstream
    # Verification against the system store: the self-signed certificate is not trusted.
    r = _router_to_tls_pool(stack, port, {"enabled": True, "verify": True})
    resp = wire.get(r.port, "/over-tls", timeout=10)
    assert resp.status == 502, resp
    assert resp.json()["error"] == "bad_gateway"
