"""``tf.cond``, ``tf.case`` and ``tf.switch_case``.

Eagerly the predicate is a value and the taken branch simply runs (a ``GradientTape`` records its
ops). In a graph (TF1, or a ``tf.function`` trace) each branch is traced into a ``FuncGraph`` and
one ``If`` / ``Case`` node runs the taken branch's plan when the session reaches it, so the other
branch never runs. Its gradient is another ``If`` / ``Case`` node over the branches' own gradient
graphs (so second derivatives work too).
"""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.execute import apply_op, convert
from engine.framework.func_graph import Body, FuncGraph, as_outputs, merged_shape
from engine.framework.gradients import gradients
from engine.framework.graph import Operation
from engine.framework.op_registry import register_op
from engine.framework.session import _flatten
from engine.framework.tensor import Tensor, TensorLike
from engine.ops.array_ops import zeros_like


def _branch_kernel(selector, *inputs, _branches, _n_out, _pick, **_):
    outs = _branches[_pick(selector, len(_branches))].run(inputs)
    return outs[0] if _n_out == 1 else tuple(outs)


def _pick_if(pred, n):
    return 0 if bool(np.asarray(pred)) else 1


def _pick_case(index, n):
    index = int(np.asarray(index))
    return index if 0 <= index < n else n - 1  # out of range: the default, which comes last


def _branch_grad(op, *grads):
    """The gradient of a branch op: the same selection over each branch's gradient graph."""
    branches = op.attrs["_branches"]
    inputs = op.inputs[1:]
    diff_in = tuple(i for i, t in enumerate(inputs) if t.dtype.is_floating)
    diff_out = tuple(j for j, t in enumerate(op.outputs) if t.dtype.is_floating)
    if not diff_in or not diff_out:
        return [None] * len(op.inputs)
    grad_branches = [_gradient_body(b, diff_in, diff_out) for b in branches]
    specs = [(inputs[i].shape, inputs[i].dtype, inputs[i]._probe) for i in diff_in]
    seeds = [grads[j] for j in diff_out]
    outs = _branch_op(
        op.attrs["_kind"],
        op.inputs[0],
        [*inputs, *seeds],
        grad_branches,
        specs,
        op.name.rsplit("/", 1)[-1] + "_grad",
    )
    outs = list(outs)  # a callable num_outputs: always a tuple
    result = [None] * len(op.inputs)
    for i, g in zip(diff_in, outs, strict=True):
        result[1 + i] = g
    return result


def _gradient_body(body: Body, diff_in, diff_out) -> Body:
    """``body`` extended with seeds for its outputs ``diff_out``: inputs ``body.inputs + seeds``,
    outputs the gradients of its inputs ``diff_in`` (zeros where unconnected)."""
    key = ("grad", diff_in, diff_out)
    if key in body.derived:
        return body.derived[key]
    graph = body.graph
    with context.graph_entered(graph), graph.control_dependencies(None):
        ys = [body.outputs[j] for j in diff_out]
        seeds = [graph.placeholder_like(y, name="grad_seed") for y in ys]
        xs = [body.inputs[i] for i in diff_in]
        grads = gradients(ys, xs, grad_ys=seeds)
        grads = [zeros_like(x) if g is None else g for x, g in zip(xs, grads, strict=True)]
    grad_body = body.derived[key] = Body(graph, [*body.inputs, *seeds], grads, with_effects=False)
    return grad_body


for _kind in ("If", "Case"):
    for _prefix in ("", "Stateless"):
        register_op(
            _prefix + _kind,
            _branch_kernel,
            _branch_grad,
            num_outputs=lambda n, attrs: attrs["_n_out"],
            stateful=not _prefix,
        )


def _branch_op(kind, selector, inputs, branches, specs, name):
    """Add an If/Case node selecting among ``branches`` (Bodies over ``inputs``)."""
    op_type = ("" if any(b.stateful for b in branches) else "Stateless") + kind
    pick = _pick_if if kind == "If" else _pick_case
    return apply_op(
        op_type,
        [selector, *inputs],
        name=name,
        output_specs=specs,
        _branches=tuple(branches),
        _n_out=len(specs),
        _pick=pick,
        _kind=kind,
    )


def _structure(value):
    """A comparable description of a nested result's containers (leaves are ``None``)."""
    if isinstance(value, dict):
        return ("dict", tuple(value), tuple(_structure(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_structure(v) for v in value))
    return "op" if isinstance(value, Operation) else "none" if value is None else "value"


def _select(selector, fns, graph, kind, name, what):
    """Trace each of ``fns`` into a branch and add the node choosing among them."""
    with graph.name_scope(name) as scope:
        traced = []
        for i, fn in enumerate(fns):
            branch = FuncGraph(graph, f"{scope.rstrip('/')}_branch{i}")
            with context.graph_entered(branch):
                result = fn()
            traced.append((branch, result))
        structures = {_structure(r) for _, r in traced}
        if len(structures) > 1:
            raise ValueError(
                f"the branches of {what} must return the same structure of values; got "
                + " and ".join(repr(_describe(r)) for _, r in traced)
            )
        flat = []
        for branch, result in traced:
            leaves, rebuild = _flatten(result)
            keep = [leaf for leaf in leaves if not isinstance(leaf, Operation) and leaf is not None]
            flat.append((branch, as_outputs(branch, keep)))
        specs = _output_specs(flat, what)
        outer_inputs = []
        for branch, _ in flat:
            for outer, _ph in branch.captures:
                if all(outer is not t for t in outer_inputs):
                    outer_inputs.append(outer)
        bodies = []
        for branch, outs in flat:
            phs = [branch.capture(t) for t in outer_inputs]
            bodies.append(Body(branch, phs, outs))
        selector = convert(selector)
        outs = _branch_op(kind, selector, outer_inputs, bodies, specs, scope)
    outs = list(outs)  # a callable num_outputs: always a tuple
    op = outs[0].op if outs else None
    if op is None:  # nothing but effects: the node itself is the result's Operation
        op = graph.get_operations()[-1]
    it = iter(outs)
    leaves, rebuild = _flatten(traced[0][1])
    return rebuild(
        [op if isinstance(leaf, Operation) else None if leaf is None else next(it) for leaf in leaves]
    )


def _describe(result):
    if isinstance(result, (list, tuple)):
        return type(result)(_describe(r) for r in result)
    if isinstance(result, dict):
        return {k: _describe(v) for k, v in result.items()}
    return type(result).__name__


def _output_specs(flat, what):
    specs = []
    first = flat[0][1]
    for j, t in enumerate(first):
        shape, probe = t.shape, t._probe
        for _, outs in flat[1:]:
            other = outs[j]
            if other.dtype != t.dtype:
                raise TypeError(
                    f"the branches of {what} return {t.dtype.name} and {other.dtype.name} "
                    f"for output {j}; cast one of them with tf.cast"
                )
            merged = merged_shape(shape, other.shape)
            if merged is None or tuple(merged) != tuple(shape):
                probe = None
            shape = merged if merged is not None else None
        specs.append((shape, t.dtype, probe))
    return specs


def _graph_of(value):
    """The graph a control-flow node on ``value`` goes into (None: run eagerly)."""
    if context.building_function() or not (isinstance(value, Tensor) and value._graph is not None):
        return context.explicit_graph()
    return value._graph


def _call(fn, what):
    if not callable(fn):
        raise TypeError(f"{what} must be callable, got {type(fn).__name__}")
    return fn


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``; in a graph only the branch taken runs."""
    true_fn = _call(true_fn if true_fn is not None else fn1, "true_fn")
    false_fn = _call(false_fn if false_fn is not None else fn2, "false_fn")
    if isinstance(pred, TensorLike):
        pred = convert(pred)
    if not isinstance(pred, Tensor) or pred._graph is None:
        # A value known now (eagerly, or a constant while tracing): the branch is chosen now.
        value = np.asarray(pred.numpy() if isinstance(pred, Tensor) else pred)
        if value.dtype != np.bool_:
            raise TypeError(f"tf.cond's pred must be a bool tensor, got {value.dtype}")
        return true_fn() if bool(value) else false_fn()
    graph = _graph_of(pred)
    if not pred.dtype.is_bool:
        raise TypeError(f"tf.cond's pred must be a bool tensor, got {pred.dtype.name}")
    if pred.shape.rank not in (None, 0):
        raise ValueError(f"tf.cond's pred must be a scalar, got shape {pred.shape}")
    return _select(pred, [true_fn, false_fn], graph, "If", name or "cond", "tf.cond")


def switch_case(branch_index, branch_fns, default=None, name=None):
    """``branch_fns[branch_index]()`` (a list, or a dict of int keys); an index out of range runs
    ``default`` (else the last branch)."""
    if isinstance(branch_fns, dict):
        keys = sorted(branch_fns)
        if keys != list(range(len(keys))):
            raise ValueError(f"switch_case's branch_fns keys must be 0..n-1, got {keys}")
        fns = [branch_fns[k] for k in keys]
    else:
        fns = list(branch_fns)
    if not fns:
        raise ValueError("switch_case needs at least one branch")
    fns = [_call(f, "each of switch_case's branch_fns") for f in fns]
    fns.append(_call(default, "default") if default is not None else fns[-1])
    if not isinstance(branch_index, (Tensor, TensorLike)):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    graph = _graph_of(branch_index)
    if graph is None:
        return fns[_pick_case(convert(branch_index).numpy(), len(fns))]()
    index = convert(branch_index)
    if not index.dtype.is_integer:
        raise TypeError(
            f"switch_case's branch_index must be an int32 or int64 tensor, got {index.dtype.name}"
        )
    return _select(index, fns, graph, "Case", name or "switch_case", "tf.switch_case")


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The fn of the first true predicate of ``pred_fn_pairs`` (a list of (pred, fn), or a dict),
    else ``default`` (else the last pair's fn)."""
    pairs = list(pred_fn_pairs.items() if isinstance(pred_fn_pairs, dict) else pred_fn_pairs)
    if not pairs:
        raise ValueError("tf.case needs at least one (predicate, fn) pair")
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(
                f"each of tf.case's pred_fn_pairs must be a (predicate, callable) tuple, got {pair!r}"
            )
        _call(pair[1], "each fn of tf.case")
    if default is None:
        # As TensorFlow: the last fn runs when no predicate holds, which eagerly is an error.
        if context.explicit_graph() is None and not any(_truth(p) for p, _ in pairs):
            raise ValueError(
                "Input error: None of conditions evaluated as True: "
                + ", ".join(str(_truth(p)) for p, _ in pairs)
            )
        *pairs, (_, default) = pairs
    if not pairs:
        return default()

    def chain(i):
        if i == len(pairs):
            return default()
        pred, fn = pairs[i]
        return cond(pred, fn, lambda: chain(i + 1), name=name if i == 0 else "case")

    return chain(0)


def _truth(pred) -> bool:
    if isinstance(pred, Tensor):
        return bool(pred.numpy()) if pred._graph is None else True
    return bool(pred)
