"""``tf.print``: eagerly it prints at once; in a graph it is a ``PrintV2`` node printing each time
the graph runs (a ``tf.function`` prints on every call, Python's ``print`` only while tracing).
Values are formatted as TensorFlow formats them: ``[1 2 3]``, float32 to 9 significant digits,
long axes summarized as ``[0 1 2 ... 7 8 9]``."""

from __future__ import annotations

import sys

import numpy as np

from engine.framework.context import explicit_graph
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.session import _flatten
from engine.framework.tensor import Tensor, TensorLike


def _scalar(x) -> str:
    if isinstance(x, (bytes, np.bytes_)):
        return '"' + x.decode(errors="replace") + '"'
    if isinstance(x, str):
        return f'"{x}"'
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, np.floating):
        digits = {np.dtype(np.float16): 4, np.dtype(np.float32): 9}.get(x.dtype, 17)
        return f"{x:.{digits}g}"
    return str(x)


def format_value(array, summarize=3, indent=1) -> str:
    """One tensor's text as tf.print writes it."""
    array = np.asarray(array)
    if array.ndim == 0:
        return _scalar(array[()])
    n = array.shape[0]
    if 0 <= summarize and n > 2 * summarize:
        index = [*range(summarize), None, *range(n - summarize, n)]
    else:
        index = list(range(n))
    if array.ndim == 1:
        return "[" + " ".join("..." if i is None else _scalar(array[i]) for i in index) + "]"
    rows = ["..." if i is None else format_value(array[i], summarize, indent + 1) for i in index]
    return "[" + ("\n" + " " * indent).join(rows) + "]"


def _format(template, arrays, summarize):
    it = iter(arrays)

    def text(x):
        if x is _TENSOR:
            return format_value(next(it), summarize)
        if isinstance(x, dict):
            return "{" + ", ".join(f"{k!r}: {text(v)}" for k, v in x.items()) + "}"
        if isinstance(x, (list, tuple)):
            inner = ", ".join(text(v) for v in x)
            return f"[{inner}]" if isinstance(x, list) else f"({inner})"
        return str(x)

    return [text(x) for x in template]


_TENSOR = object()


def _write(stream, text):
    if stream in ("stderr", "stdout"):
        stream = getattr(sys, stream)  # resolved when printing: a captured or redirected stream counts
    if isinstance(stream, str):
        with open(stream.removeprefix("file://"), "a", encoding="utf-8") as f:
            f.write(text)
        return
    stream.write(text)


def _print_kernel(*arrays, _template, _stream, _sep, _end, _summarize, **attrs):
    _write(_stream, _sep.join(_format(_template, arrays, _summarize)) + _end)
    return ()


register_op("PrintV2", _print_kernel, num_outputs=0, stateful=True)


def print_(*inputs, output_stream=sys.stderr, summarize=3, sep=" ", end="\n", name=None):
    """``tf.print(*inputs)``: to ``sys.stderr`` by default (also ``sys.stdout`` or
    ``"file:///path"``), nested lists and dicts of tensors included."""
    stream = {id(sys.stderr): "stderr", id(sys.stdout): "stdout"}.get(id(output_stream), output_stream)
    leaves, rebuild = _flatten(list(inputs))
    tensors = [x for x in leaves if isinstance(x, (Tensor, TensorLike))]
    template = rebuild([_TENSOR if isinstance(x, (Tensor, TensorLike)) else x for x in leaves])
    summarize = -1 if summarize is None else int(summarize)
    symbolic = explicit_graph() is not None or any(
        isinstance(t, Tensor) and t._graph is not None for t in tensors
    )
    if not symbolic:
        arrays = [
            np.asarray(t.numpy() if isinstance(t, Tensor) else t._eager_tensor().numpy()) for t in tensors
        ]
        _print_kernel(*arrays, _template=template, _stream=stream, _sep=sep, _end=end, _summarize=summarize)
        return None
    outs = apply_op(
        "PrintV2",
        tensors,
        name=name,
        output_specs=[],
        _template=template,
        _stream=stream,
        _sep=sep,
        _end=end,
        _summarize=summarize,
    )
    return outs[0].op if outs else _last_op(tensors)


def _last_op(tensors):
    graph = explicit_graph() or next(
        t._graph for t in tensors if isinstance(t, Tensor) and t._graph is not None
    )
    return graph.get_operations()[-1]
