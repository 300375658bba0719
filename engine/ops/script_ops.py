"""``tf.py_function``: a Python function as an op. Eagerly it is just called; in a graph (TF1, a
``tf.function`` trace) it becomes a node that calls it on eager tensors each time it runs, which
is how numpy-state code (Keras metrics) takes part in a traced step."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor, TensorLike, eager


def _py_kernel(*arrays, _fn, _tout, **_):
    out = _fn(*[eager(np.asarray(a)) for a in arrays])
    if not _tout:
        return ()
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if len(outs) != len(_tout):
        raise ValueError(f"py_function's func returned {len(outs)} values, Tout lists {len(_tout)}")
    arrays = [
        np.asarray(o.numpy() if isinstance(o, Tensor) else o, dtypes.numpy_dtype(t))
        for o, t in zip(outs, _tout, strict=True)
    ]
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


register_op("EagerPyFunc", _py_kernel, num_outputs=lambda n, attrs: len(attrs["_tout"]), stateful=True)


def py_function(func, inp, Tout, name=None):  # noqa: N803 - TensorFlow's argument name
    """``func(*inp)`` on eager tensors, at run time when ``inp`` is symbolic; ``Tout`` is a dtype,
    a list of them, or None/[] for a function run for its effects."""
    single = Tout is not None and not isinstance(Tout, (list, tuple))
    tout = [] if Tout is None else [dtypes.as_dtype(t) for t in ([Tout] if single else Tout)]
    inp = list(inp)
    if not any(isinstance(x, Tensor) and x._graph is not None for x in inp):
        from engine.framework.context import explicit_graph

        if explicit_graph() is None:
            out = func(*[x._eager_tensor() if isinstance(x, TensorLike) else x for x in inp])
            return out
    specs = [(None, t, None) for t in tout]
    outs = apply_op("EagerPyFunc", inp, name=name, output_specs=specs, _fn=func, _tout=tuple(tout))
    if not tout:
        return None
    return outs[0] if single else list(outs)
