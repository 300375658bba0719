"""Always-valid JSON (RFC 8259): a non-finite float is sent as "NaN", "Infinity" or "-Infinity".

Python's ``json`` would write bare ``NaN`` (invalid JSON, rejected by ``JSON.parse``) and
Starlette's ``JSONResponse`` raises on it (a 500); orjson (ten to twenty times faster at the
long float lists of a curve) would write ``null``. So a payload is checked for non-finite floats
first (``all_finite``: a C ``sum`` per list of numbers), and written by orjson when it has none;
only a payload that really holds one, or that orjson refuses (an int beyond 64 bits, a lone
surrogate), is walked and fixed and written by ``json``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import orjson
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


def finite_array(array: np.ndarray) -> np.ndarray | list:
    """A float array for a payload: as float64, which orjson writes straight from memory with the
    digits ``tolist()`` gives (a float32 would be written with float32's shortest digits), or, if
    it holds a non-finite value, as ``finite_list`` (a tenth of the time for a finite curve)."""
    if np.isfinite(array).all():
        return array.astype(np.float64, copy=False)
    return finite_list(array)


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


def all_finite(obj) -> bool:
    """Whether ``obj`` holds no NaN or infinity (False may also mean: a sum overflowed)."""
    kind = type(obj)
    if kind is float:
        return math.isfinite(obj)
    if kind is dict:
        return all(map(all_finite, obj.values()))
    if kind is list or kind is tuple:
        try:
            return math.isfinite(sum(obj))  # a list of numbers: one pass in C
        except TypeError:
            return all(map(all_finite, obj))
        except OverflowError:  # an int beyond any float: json writes it
            return False
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind not in "fc" or bool(np.isfinite(obj).all())
    if isinstance(obj, (np.floating, np.complexfloating)):
        return bool(np.isfinite(obj))
    if isinstance(obj, (list, tuple, dict)):  # subclasses
        return all(map(all_finite, obj.values() if isinstance(obj, dict) else obj))
    return True


_ORJSON = orjson.OPT_SERIALIZE_NUMPY


def _fast(obj) -> bytes | None:
    try:
        if all_finite(obj):
            return orjson.dumps(obj, option=_ORJSON)
    except (TypeError, RecursionError):
        pass
    return None


def dumps_bytes(obj) -> bytes:
    """``obj`` as UTF-8 JSON, compact, non-finite floats as strings."""
    fast = _fast(obj)
    return fast if fast is not None else _slow(obj).encode("utf-8")


def _slow(obj) -> str:
    try:
        return json.dumps(obj, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (ValueError, TypeError):
        return json.dumps(sanitize(obj), allow_nan=False, ensure_ascii=False,
                          separators=(",", ":"))


def dumps(obj) -> str:
    fast = _fast(obj)
    return fast.decode("utf-8") if fast is not None else _slow(obj)


class JSON(Response):
    """The response class of every API route."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps_bytes(content)
