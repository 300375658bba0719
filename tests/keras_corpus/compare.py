"""How two sides' ``RESULT`` dicts are compared.

Structural outcomes (shapes, counts, names, keys, flags, strings) must be equal. Floats (and
nested lists of them) are compared with ``rtol=1e-5, atol=1e-6`` (float32 arithmetic done in a
different order) unless the script's ``TOLERANCE`` says otherwise for that key:

* a number ``t``: ``rtol=atol=t`` (the script says why: several float32 steps compound, ...);
* ``("within", d)``: ``|a - b| <= d`` elementwise (trained accuracy: random init and shuffling
  differ between the sides, so the outcome is the reference's value plus or minus noise).
"""

from __future__ import annotations

import math

import numpy as np

from tests.keras_corpus.shim import plain

RTOL, ATOL = 1e-5, 1e-6


def _numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, list) and bool(value) and all(_numeric(v) for v in value)


def _has_float(value) -> bool:
    if isinstance(value, float):
        return True
    return isinstance(value, list) and any(_has_float(v) for v in value)


def differences(ours: dict, reference: dict, tolerance: dict, path: str = "") -> list[str]:
    """Human-readable differences between two RESULTs (empty when they agree)."""
    ours, reference = plain(ours), plain(reference)
    out = []
    if set(ours) != set(reference):
        out.append(f"{path}keys differ: {sorted(map(str, ours))} vs {sorted(map(str, reference))}")
    for key in reference:
        if key not in ours:
            continue
        a, b, where = ours[key], reference[key], f"{path}{key}"
        rule = tolerance.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(differences(a, b, tolerance.get(key) or {}, where + "."))
        elif _numeric(a) and _numeric(b) and (_has_float(a) or _has_float(b) or rule is not None):
            x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            if x.shape != y.shape:
                out.append(f"{where}: shape {x.shape} vs {y.shape}")
            elif isinstance(rule, tuple) and rule[0] == "within":
                if not np.all(np.abs(x - y) <= rule[1]) or np.isnan(x).any():
                    out.append(f"{where}: {a} not within {rule[1]} of {b}")
            else:
                tol = (RTOL, ATOL) if rule is None else (rule, rule)
                if not np.allclose(x, y, rtol=tol[0], atol=tol[1], equal_nan=True):
                    out.append(f"{where}: {_short(a)} vs {_short(b)} (rtol={tol[0]}, atol={tol[1]})")
        elif a != b and not (
            isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
        ):
            out.append(f"{where}: {_short(a)!s} vs {_short(b)!s}")
    return out


def _short(value, limit=160):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
