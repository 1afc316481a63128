"""Test certificates made with the openssl CLI at run time (no key material in the repo): a CA
and leaf certificates it signs, for the router's TLS listener and for local HTTPS servers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def have_openssl() -> bool:
    return shutil.which("openssl") is not None


def _run(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


class CertAuthority:
    def __init__(self, directory: Path, name: str = "test-ca"):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cert = self.dir / f"{name}.pem"
        self.key = self.dir / f"{name}.key"
        _run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
             "-keyout", str(self.key), "-out", str(self.cert))
        self._serial = 1

    def issue(self, name: str, out_dir: Path | None = None, cn: str = "localhost",
              san: str = "DNS:localhost,IP:127.0.0.1") -> tuple[Path, Path]:
        """A leaf certificate and its key, as (cert, key) files named after `name`."""
        d = Path(out_dir or self.dir)
        d.mkdir(parents=True, exist_ok=True)
        cert, key, csr, ext = d / f"{name}.pem", d / f"{name}.key", d / f"{name}.csr", d / f"{name}.ext"
        ext.write_text(f"subjectAltName={san}\n")
        _run("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={cn}/O={name}",
             "-keyout", str(key), "-out", str(csr))
        self._serial += 1
        _run("x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key),
             "-set_serial", str(self._serial), "-days", "2", "-extfile", str(ext), "-out", str(cert))
        return cert, key
