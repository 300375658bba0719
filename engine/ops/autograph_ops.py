"""What AutoGraph's rewritten code calls (``ag__.if_stmt``...; the rewriting is in
``engine.framework.autograph``): a tensor condition becomes ``tf.cond`` / ``tf.while_loop``, a
Python value runs as Python, as TensorFlow's AutoGraph decides at trace time."""

from __future__ import annotations

import types

import numpy as np

from engine.framework import autograph
from engine.framework.tensor import Tensor, TensorLike
from engine.ops import array_ops
from engine.ops.cond_ops import cond
from engine.ops.while_ops import while_loop


class Undefined:
    """A variable not (yet) assigned on this path; any use of it says so."""

    def __init__(self, name):
        self.name = name

    def _fail(self, *args, **kwargs):
        raise NameError(
            f"'{self.name}' is used before it is assigned on every path through the "
            f"tf.function's control flow; assign it before the if/while/for"
        )

    __getattr__ = __call__ = __array__ = __bool__ = __add__ = __mul__ = _fail

    def __repr__(self) -> str:
        return f"<undefined {self.name}>"


def ld(local_vars, name):
    return local_vars.get(name, Undefined(name))


def _symbolic(x) -> bool:
    return isinstance(x, Tensor) and x._graph is not None


def _tensor_like(x) -> bool:
    return isinstance(x, (Tensor, TensorLike, np.ndarray, np.generic, int, float, bool))


def _truth(x) -> bool:
    return bool(x.numpy() if isinstance(x, Tensor) else x)


def if_stmt(test, then, orelse, values, names, returns):
    if not _symbolic(test):
        return (then if _truth(test) else orelse)(*values)
    if returns:
        return cond(test, lambda: then(*values), lambda: orelse(*values))
    undefined: dict[int, set] = {0: set(), 1: set()}
    passed: dict[int, set] = {0: set(), 1: set()}

    def branch(fn, which):
        def run():
            out = list(fn(*values))
            for i, v in enumerate(out):
                if isinstance(v, Undefined):
                    undefined[which].add(i)
                    out[i] = None
                elif v is values[i] and not _tensor_like(v):
                    passed[which].add(i)
                    out[i] = None
            return tuple(out)

        return run

    try:
        out = cond(test, branch(then, 0), branch(orelse, 1))
    except ValueError:
        for i in sorted(undefined[0] ^ undefined[1]):
            where = "main" if i in undefined[0] else "else"
            raise ValueError(f"'{names[i]}' must also be initialized in the {where} branch") from None
        raise
    return tuple(values[i] if v is None and i in passed[0] else v for i, v in enumerate(out))


def _loop_vars(values, names, live):
    """Positions of the values the loop carries; the others stay as they are (body-local names
    undefined before the loop, Python objects the loop does not change)."""
    carried = []
    for i, v in enumerate(values):
        if isinstance(v, Undefined):
            if live[i]:
                raise ValueError(f"'{names[i]}' must be defined before the loop.")
            continue
        if _tensor_like(v):
            carried.append(i)
    return carried


def _merge(values, carried, new):
    merged = list(values)
    for i, v in zip(carried, new, strict=True):
        merged[i] = v
    return merged


def while_stmt(test_fn, body, values, names, live):
    test = test_fn(*values)
    if not _symbolic(test):
        while _truth(test):
            values = body(*values)
            test = test_fn(*values)
        return values
    carried = _loop_vars(values, names, live)

    def loop_body(*carried_values):
        out = body(*_merge(values, carried, carried_values))
        return [out[i] for i in carried]

    result = while_loop(
        lambda *c: test_fn(*_merge(values, carried, c)), loop_body, [values[i] for i in carried]
    )
    return tuple(_merge(values, carried, result))


def for_stmt(iterable, body, values, names, live):
    if not _symbolic(iterable):
        for item in iterable:
            values = body(item, *values)
        return values
    carried = _loop_vars(values, names, live)
    n = (
        iterable.shape[0]
        if iterable.shape.rank and iterable.shape[0] is not None
        else array_ops.shape(iterable)[0]
    )

    def loop_body(i, *carried_values):
        out = body(array_ops.gather(iterable, i), *_merge(values, carried, carried_values))
        return [i + 1, *[out[k] for k in carried]]

    result = while_loop(lambda i, *c: i < n, loop_body, [0, *[values[k] for k in carried]])
    return tuple(_merge(values, carried, result[1:]))


RUNTIME = types.SimpleNamespace(if_stmt=if_stmt, while_stmt=while_stmt, for_stmt=for_stmt, ld=ld)
autograph.RUNTIME["module"] = RUNTIME
