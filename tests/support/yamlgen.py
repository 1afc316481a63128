"""A tiny YAML emitter (the suite may only use the stdlib: no PyYAML).

Mappings become block mappings, lists of mappings block sequences, everything else flow
style. Strings are JSON-quoted, which is valid YAML double-quoted scalar syntax.
"""

from __future__ import annotations

import json
import re

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def _key(k) -> str:
    k = str(k)
    return k if _PLAIN_KEY.match(k) else json.dumps(k)


def _flow(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot emit {type(v)}")


def _block(obj: dict, indent: int) -> list:
    pad = " " * indent
    out = []
    for k, v in obj.items():
        if isinstance(v, dict) and v:
            out.append(f"{pad}{_key(k)}:")
            out.extend(_block(v, indent + 2))
        elif isinstance(v, (list, tuple)) and v and all(isinstance(x, dict) and x for x in v):
            out.append(f"{pad}{_key(k)}:")
            for item in v:
                sub = _block(item, indent + 4)
                sub[0] = f"{pad}  - " + sub[0].lstrip()
                out.extend(sub)
        else:
            out.append(f"{pad}{_key(k)}: {_flow(v)}")
    return out


def dump(obj: dict) -> str:
    return "\n".join(_block(obj, 0)) + "\n"
