"""Prometheus text exposition format (0.0.4) parsing, strict enough to catch malformed output."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Optional

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(r"^(" + _NAME + r")(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')


class Metrics:
    def __init__(self):
        self.samples: list = []  # (name, labels dict, value)
        self.types: dict = {}    # family -> type
        self.helps: dict = {}


def _parse_labels(text: str, line: str) -> dict:
    labels = {}
    pos = 0
    while pos < len(text):
        m = _LABEL.match(text, pos)
        if not m:
            raise ValueError(f"bad labels in line {line!r}")
        labels[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        pos = m.end()
    return labels


def parse(text: str) -> Metrics:
    out = Metrics()
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] == "TYPE":
                out.types[parts[2]] = parts[3].strip() if len(parts) > 3 else ""
            elif len(parts) >= 3 and parts[1] == "HELP":
                out.helps[parts[2]] = parts[3] if len(parts) > 3 else ""
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError(f"not a Prometheus sample line: {line!r}")
        labels = _parse_labels(m.group(3), line) if m.group(3) else {}
        v = m.group(4)
        value = float({"+Inf": "inf", "-Inf": "-inf", "NaN": "nan"}.get(v, v))
        out.samples.append((m.group(1), labels, value))
    return out


def find(metrics: Metrics, name: str, **labels) -> list:
    return [(l, v) for n, l, v in metrics.samples
            if n == name and all(l.get(k) == str(x) for k, x in labels.items())]


def value(metrics: Metrics, name: str, **labels) -> Optional[float]:
    """The value of the one sample with exactly these labels (other labels absent), or None."""
    for n, l, v in metrics.samples:
        if n == name and l == {k: str(x) for k, x in labels.items()}:
            return v
    return None


def total(metrics: Metrics, name: str, **labels) -> float:
    return sum(v for _, v in find(metrics, name, **labels))


def promtool() -> Optional[str]:
    return shutil.which("promtool")


def promtool_check(text: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=30)
