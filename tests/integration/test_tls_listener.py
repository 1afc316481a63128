"""The TLS listener (server.tls): its cipher policy and ALPN as a client sees them, and a
certificate renewed on disk (the Kubernetes Secret way: a ..data symlink swapped to a new
directory) picked up without a reload and without dropping open connections."""

import os
import ssl
import subprocess

import pytest

import wire
from certs import CertAuthority, have_openssl
from checks import echo
from harness import poll_until
from stack import Topology

pytestmark = pytest.mark.skipif(not have_openssl(), reason="openssl CLI not installed")


class SecretDir:
    """A directory laid out as Kubernetes mounts a Secret: tls.crt -> ..data/tls.crt and
    ..data -> ..<version>, the version directory swapped atomically on update."""

    def __init__(self, root, ca):
        self.root, self.ca, self.version = root, ca, 0
        root.mkdir(parents=True, exist_ok=True)
        for name in ("tls.crt", "tls.key"):
            os.symlink(f"..data/{name}", root / name)

    def publish(self, name):
        self.version += 1
        d = self.root / f"..v{self.version}"
        cert, key = self.ca.issue(name, d)
        os.replace(cert, d / "tls.crt")
        os.replace(key, d / "tls.key")
        tmp = self.root / "..data_tmp"
        os.symlink(d.name, tmp)
        os.replace(tmp, self.root / "..data")  # the atomic swap

    def publish_broken(self):
        self.version += 1
        d = self.root / f"..v{self.version}"
        d.mkdir()
        (d / "tls.crt").write_text("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
        (d / "tls.key").write_text("not a key\n")
        tmp = self.root / "..data_tmp"
        os.symlink(d.name, tmp)
        os.replace(tmp, self.root / "..data")


@pytest.fixture
def tls_setup(stack):
    ca = CertAuthority(stack.logdir / "ca")
    secret = SecretDir(stack.logdir / "secret", ca)
    secret.publish("first")
    ctx = ssl.create_default_context(cafile=str(ca.cert))
    t = Topology(stack, {"server": {"tls": {"cert_file": str(secret.root / "tls.crt"),
                                            "key_file": str(secret.root / "tls.key")}}},
                 tls_context=ctx)
    return t, ctx, ca, secret


def served_org(port, ctx):
    """The O= of the certificate a new handshake gets."""
    with wire.HttpConnection("127.0.0.1", port, timeout=10, tls_context=ctx,
                             server_hostname="localhost") as c:
        cert = c.sock.getpeercert()
    return dict(x[0] for x in cert["subject"])["organizationName"]


def s_client(port, ca, *args):
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername",
                        "localhost", "-CAfile", str(ca.cert), *args],
                       input=b"", capture_output=True, timeout=30)
    return r.returncode, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


def tls12_suites(keep):
    """Every TLS 1.2 cipher suite this OpenSSL knows, filtered by keep(kx, mac)."""
    out = subprocess.run(["openssl", "ciphers", "-v", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                         capture_output=True, text=True, check=True).stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        fields = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
        if parts[1] != "TLSv1.3" and keep(fields.get("Kx", ""), fields.get("Mac", "")):
            names.append(parts[0])
    return names


def test_no_cbc_and_no_rsa_key_exchange_in_tls12(tls_setup):
    t, _, ca, _ = tls_setup
    cbc = tls12_suites(lambda kx, mac: mac != "AEAD")
    assert cbc, "openssl lists no CBC suite to try"
    rc, out = s_client(t.router.port, ca, "-tls1_2", "-cipher", ":".join(cbc) + ":@SECLEVEL=0")
    assert rc != 0, out
    rsa_kx = tls12_suites(lambda kx, mac: mac == "AEAD" and kx == "RSA")
    rc, out = s_client(t.router.port, ca, "-tls1_2", "-cipher", ":".join(rsa_kx))
    assert rc != 0, out
    rc, out = s_client(t.router.port, ca, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert rc != 0, out


def test_ecdhe_aead_in_tls12_and_tls13_are_served_with_alpn_http11(tls_setup):
    t, _, ca, _ = tls_setup
    rc, out = s_client(t.router.port, ca, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256",
                       "-alpn", "h2,http/1.1")
    assert rc == 0, out
    assert "ECDHE-RSA-AES128-GCM-SHA256" in out and "Verify return code: 0 (ok)" in out, out
    assert "ALPN protocol: http/1.1" in out, out
    rc, out = s_client(t.router.port, ca, "-tls1_3", "-alpn", "http/1.1")
    assert rc == 0 and "TLSv1.3" in out and "ALPN protocol: http/1.1" in out, out
    # h2 is not served, so it is never selected.
    rc, out = s_client(t.router.port, ca, "-alpn", "h2")
    assert rc == 0 and "No ALPN negotiated" in out, out


def test_renewed_certificate_is_served_to_new_handshakes_and_old_connections_live_on(tls_setup):
    t, ctx, _, secret = tls_setup
    assert served_org(t.router.port, ctx) == "first"
    with wire.HttpConnection("127.0.0.1", t.router.port, timeout=10, tls_context=ctx,
                             server_hostname="localhost") as old:
        assert echo(old.request("GET", "/before"))["path"] == "/before"
        secret.publish("second")
        poll_until(lambda: served_org(t.router.port, ctx) == "second", timeout=15,
                   what="new handshakes served the renewed certificate")
        # The connection opened before the swap keeps working.
        assert echo(old.request("GET", "/after"))["path"] == "/after"
        assert dict(x[0] for x in old.sock.getpeercert()["subject"])["organizationName"] == "first"
    assert t.router.metric("smart_router_tls_certificate_reloads_total", result="success") == 1


def test_broken_renewal_keeps_the_previous_certificate(tls_setup):
    t, ctx, _, secret = tls_setup
    secret.publish_broken()
    poll_until(lambda: (t.router.metric("smart_router_tls_certificate_reloads_total",
                                        result="failure") or 0) >= 1,
               timeout=15, what="the broken pair refused")
    assert served_org(t.router.port, ctx) == "first"
    assert "keeping the previous one" in t.router.stderr_text()
    # A good pair after the broken one is taken.
    secret.publish("third")
    poll_until(lambda: served_org(t.router.port, ctx) == "third", timeout=15,
               what="the next good certificate served")
