"""JWT trust with keys from a JWKS URL (tiers.trust.jwt.jwks_url): a local HTTPS JWKS server
(certificate from a test CA, given to the router as jwks_ca_file) counts its fetches; tokens are
RS256, signed with the openssl CLI."""

import base64
import json
import subprocess
import sys
import time

import pytest

from certs import CertAuthority, have_openssl
from checks import echo
from harness import poll_until
from stack import Topology

pytestmark = pytest.mark.skipif(not have_openssl(), reason="openssl CLI not installed")

_JWKS_SERVER = r'''
import http.server, os, ssl, sys
port_file, cert, key, jwks_file, log_file, port = sys.argv[1:7]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        with open(log_file, "a") as f:
            f.write(self.path + "\n")
        with open(jwks_file, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.replace(port_file + ".tmp", port_file)
srv.serve_forever()
'''


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class RsaKey:
    def __init__(self, path, kid):
        self.path, self.kid = path, kid
        subprocess.run(["openssl", "genrsa", "-out", str(path), "2048"], check=True,
                       capture_output=True, timeout=60)
        out = subprocess.run(["openssl", "rsa", "-in", str(path), "-noout", "-modulus"], check=True,
                             capture_output=True, text=True, timeout=60).stdout
        self.n = bytes.fromhex(out.strip().split("=", 1)[1])

    def jwk(self):
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256", "n": b64url(self.n),
                "e": b64url((65537).to_bytes(3, "big"))}

    def token(self, claims, kid=None):
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid or self.kid}).encode())
        body = b64url(json.dumps({"exp": int(time.time()) + 3600, **claims}).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.path)],
                             input=f"{head}.{body}".encode(), check=True, capture_output=True,
                             timeout=60).stdout
        return f"{head}.{body}.{b64url(sig)}"


class JwksServer:
    def __init__(self, stack, ca):
        d = stack.logdir / "jwks"
        d.mkdir(exist_ok=True)
        self.cert, self.key = ca.issue("jwks-server", d)
        self.jwks_file, self.log_file, self.port_file = d / "jwks.json", d / "fetches.log", d / "port"
        self.proc = None

    def serve(self, *keys):
        tmp = self.jwks_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"keys": [k.jwk() for k in keys]}))
        tmp.replace(self.jwks_file)

    def start(self, port=0):
        self.log_file.touch()
        self.port_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen([sys.executable, "-c", _JWKS_SERVER, str(self.port_file),
                                      str(self.cert), str(self.key), str(self.jwks_file),
                                      str(self.log_file), str(port)])

        def started():
            assert self.proc.poll() is None, "JWKS server exited"
            return self.port_file.exists()
        poll_until(started, timeout=20, what="JWKS server port file")
        self.port = int(self.port_file.read_text())

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=5)
            self.proc = None

    def fetches(self):
        return len(self.log_file.read_text().splitlines())


@pytest.fixture
def jwks(stack):
    ca = CertAuthority(stack.logdir / "ca")
    server = JwksServer(stack, ca)
    keys = [RsaKey(stack.logdir / f"k{i}.pem", f"k{i}") for i in (1, 2)]
    server.serve(keys[0])
    server.start()
    yield server, ca, keys
    server.stop()


def router_with_jwks(stack, server, ca, **jwt):
    settings = {"algorithms": ["RS256"], "jwks_url": f"https://127.0.0.1:{server.port}/jwks",
                "jwks_ca_file": str(ca.cert), "jwks_refresh_s": 300, "jwks_min_refresh_s": 60,
                **jwt}
    t = Topology(stack, {"tiers": {"trust": {"mode": "jwt", "on_untrusted": "default",
                                             "jwt": settings}}})
    t.router.wait_ready()
    return t


def tier_served(t, token):
    return echo(t.router.get("/x", [("Authorization", f"Bearer {token}")]))["headers"]["x-user-tier"]


def test_tokens_verify_with_the_jwks_key_and_rotation_is_picked_up(stack, jwks):
    server, ca, (k1, k2) = jwks
    t = router_with_jwks(stack, server, ca)
    assert tier_served(t, k1.token({"tier": "ELITE"})) == "ELITE"
    assert server.fetches() == 1
    # The provider rotates to k2: the first token naming k2 makes the router fetch again.
    server.serve(k2)
    poll_until(lambda: tier_served(t, k2.token({"tier": "BLACK"})) == "BLACK", timeout=10,
               what="a token of the new key honoured")
    assert server.fetches() == 2
    # k1 has left the set: its tokens are no longer honoured (and cost no fetch: rate-limited).
    assert tier_served(t, k1.token({"tier": "ELITE"})) == "LITE"
    assert server.fetches() == 2
    assert t.router.metric("smart_router_jwks_keys") == 1


def test_unknown_kids_refresh_once(stack, jwks):
    server, ca, (k1, _) = jwks
    t = router_with_jwks(stack, server, ca)
    assert server.fetches() == 1
    for i in range(5):
        assert tier_served(t, k1.token({"tier": "ELITE"}, kid=f"made-up-{i}")) == "LITE"
    poll_until(lambda: server.fetches() == 2, timeout=10, what="one early fetch")
    for i in range(5):
        assert tier_served(t, k1.token({"tier": "ELITE"}, kid=f"more-{i}")) == "LITE"
    # The known key still works, and the burst of unknown kids cost one fetch in all.
    assert tier_served(t, k1.token({"tier": "ELITE"})) == "ELITE"
    assert server.fetches() == 2


def test_jwks_server_down_keeps_the_last_good_keys(stack, jwks):
    server, ca, (k1, _) = jwks
    t = router_with_jwks(stack, server, ca, jwks_refresh_s=1)
    assert tier_served(t, k1.token({"tier": "ELITE"})) == "ELITE"
    server.stop()
    poll_until(lambda: (t.router.metric("smart_router_jwks_fetches_total", result="failure") or 0) >= 2,
               timeout=15, what="failed JWKS fetches")
    assert tier_served(t, k1.token({"tier": "VOID"})) == "VOID"
    ready = t.router.ready()
    assert ready.status == 200, ready
    body = ready.json()["jwks"]
    assert body["keys"] == 1 and "cannot connect" in body["error"], body
    assert "still using the 1 key(s)" in t.router.stderr_text()


def test_no_keys_at_start_means_tokens_are_not_honoured(stack, jwks):
    server, ca, (k1, _) = jwks
    server.stop()
    t = router_with_jwks(stack, server, ca, jwks_refresh_s=2)
    # Ready once the first fetch has finished, even though it failed; /ready says why.
    body = t.router.ready().json()["jwks"]
    assert body["keys"] == 0 and body["tokens"] == "not honoured: no keys", body
    assert tier_served(t, k1.token({"tier": "ELITE"})) == "LITE"
    # The provider comes back: a retry picks the keys up.
    server.start(port=server.port)
    poll_until(lambda: tier_served(t, k1.token({"tier": "ELITE"})) == "ELITE", timeout=15,
               what="keys fetched once the provider is back")
