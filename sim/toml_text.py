"""TOML text for the files the tool writes (scenario, experiment and district files).

Python reads TOML (tomllib) but does not write it; these files hold only tables,
scalars and lists, so a few lines suffice.
"""

from __future__ import annotations

import json

import numpy as np


def toml_value(value) -> str:
    """A scalar or list as TOML: strings quoted and escaped, booleans lower case.

    Raises:
        TypeError: a value TOML has no literal for here (None, a table inside a list).
    """
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    raise TypeError(f"no TOML value for {value!r} ({type(value).__name__})")


def toml_document(doc: dict) -> str:
    """A document of tables, scalars and lists: each table's scalars under its header,
    its nested tables after them."""
    lines: list[str] = []
    _table(doc, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _table(table: dict, path: list[str], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    if path and (scalars or not table):
        lines += ["", f"[{'.'.join(_key(p) for p in path)}]"]
    lines += [f"{_key(k)} = {toml_value(v)}" for k, v in scalars.items()]
    for key, value in table.items():
        if isinstance(value, dict):
            _table(value, [*path, key], lines)


def _key(key: str) -> str:
    bare = key.isascii() and key.replace("_", "").replace("-", "").isalnum()
    return key if bare else json.dumps(key)
