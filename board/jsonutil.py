"""Always-valid JSON (RFC 8259): a non-finite float is sent as "NaN", "Infinity" or "-Infinity".

Python's ``json`` would write bare ``NaN`` (invalid JSON, rejected by ``JSON.parse``) and
Starlette's ``JSONResponse`` raises on it (a 500). Here the C encoder runs first with
``allow_nan=False``; only a payload that really holds a non-finite float is walked and fixed.
"""

from __future__ import annotations

import json
import math

import numpy as np
from fastapi.responses import Response

_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def float_name(x: float):
    """``x`` itself if finite, else its JSON string."""
    return x if math.isfinite(x) else _NON_FINITE[repr(float(x))]


def finite_list(array: np.ndarray) -> list:
    """A float array as a JSON-ready list (non-finite values as their strings)."""
    out = array.tolist()
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        for i in np.flatnonzero(~np.isfinite(array)).tolist():
            out[i] = _NON_FINITE[repr(out[i])]
    return out


def sanitize(obj):
    """A copy of ``obj`` (dicts, lists, tuples, numbers, numpy values) that ``json`` accepts."""
    if isinstance(obj, float):
        return float_name(obj)
    if isinstance(obj, dict):
        return {str(k): sanitize(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [sanitize(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return sanitize(obj.tolist())
    if isinstance(obj, np.generic):
        return sanitize(obj.item())
    return obj


def dumps(obj) -> str:
    try:
        return json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (ValueError, TypeError):
        return json.dumps(sanitize(obj), allow_nan=False, ensure_ascii=False,
                          separators=(",", ":"))


class JSON(Response):
    """The response class of every API route."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content).encode("utf-8")
