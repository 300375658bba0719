"""``tf.while_loop``.

Eagerly it is a Python loop (a ``GradientTape`` records every iteration). In a graph the
condition and the body are traced once each into a ``FuncGraph`` and one ``While`` node loops over
their plans at run time. Its gradient is a ``WhileGrad`` node: it runs the loop forward again
keeping each iteration's loop variables, then walks back through the body's gradient graph,
summing the gradients of the tensors the body captured (weights) over the iterations.
"""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.execute import apply_op, convert
from engine.framework.func_graph import Body, FuncGraph, as_outputs
from engine.framework.op_registry import register_op
from engine.framework.session import _flatten
from engine.framework.tensor import Tensor
from engine.framework.tensor_shape import TensorShape
from engine.ops import math_ops
from engine.ops.cond_ops import _gradient_body, _graph_of


def _loop(values, captures, cond, body):
    """Run the loop on arrays; yields the loop variables entering each body call."""
    values = list(values)
    while bool(cond.run([*values, *captures])[0]):
        yield values
        values = body.run([*values, *captures])
    yield values


def _while_kernel(*inputs, _cond, _body, _n):
    *_, last = _loop(inputs[:_n], inputs[_n:], _cond, _body)
    return last[0] if _n == 1 else tuple(last)


def _while_grad(op, *grads):
    n = op.attrs["_n"]
    body = op.attrs["_body"]
    diff_vars = tuple(i for i in range(n) if op.inputs[i].dtype.is_floating)
    diff_caps = tuple(n + i for i, t in enumerate(op.inputs[n:]) if t.dtype.is_floating)
    if not diff_vars:
        return [None] * len(op.inputs)
    vjp = _gradient_body(body, diff_vars + diff_caps, diff_vars)
    wanted = [op.inputs[i] for i in diff_vars + diff_caps]
    specs = [(t.shape, t.dtype, t._probe) for t in wanted]
    outs = apply_op(
        "WhileGrad",
        [*op.inputs, *[grads[i] for i in diff_vars]],
        name=op.name.rsplit("/", 1)[-1] + "_grad",
        output_specs=specs,
        _cond=op.attrs["_cond"],
        _body=body,
        _vjp=vjp,
        _n=n,
        _diff_vars=diff_vars,
        _diff_caps=diff_caps,
    )
    outs = list(outs)  # a callable num_outputs: always a tuple
    result = [None] * len(op.inputs)
    for i, g in zip(diff_vars + diff_caps, outs, strict=True):
        result[i] = g
    return result


def _while_grad_kernel(*inputs, _cond, _body, _vjp, _n, _diff_vars, _diff_caps):
    n_in = len(inputs) - len(_diff_vars)
    values, captures, seeds = inputs[:_n], inputs[_n:n_in], list(inputs[n_in:])
    states = list(_loop(values, captures, _cond, _body))[:-1]
    cap_grads = [np.zeros_like(inputs[i]) for i in _diff_caps]
    var_grads = seeds
    for state in reversed(states):
        out = _vjp.run([*state, *captures, *var_grads])
        var_grads = out[: len(_diff_vars)]
        cap_grads = [a + b for a, b in zip(cap_grads, out[len(_diff_vars) :], strict=True)]
    out = [*var_grads, *cap_grads]
    return out[0] if len(out) == 1 else tuple(out)


register_op("While", _while_kernel, _while_grad, num_outputs=lambda n, attrs: attrs["_n"], stateful=True)
register_op("StatelessWhile", _while_kernel, _while_grad, num_outputs=lambda n, attrs: attrs["_n"])
register_op(
    "WhileGrad",
    _while_grad_kernel,
    num_outputs=lambda n, attrs: len(attrs["_diff_vars"] + attrs["_diff_caps"]),
)


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    maximum_iterations=None,
    name=None,
    return_same_structure=True,
):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``, at most
    ``maximum_iterations`` times; ``loop_vars`` is a tuple or list (nested structures allowed)."""
    if not callable(cond) or not callable(body):
        raise TypeError("tf.while_loop's cond and body must be callables")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    single = not isinstance(loop_vars, (list, tuple))
    packed = [loop_vars] if single else loop_vars
    if not packed:
        raise ValueError("'loop_vars' must be provided.")
    leaves, _ = _flatten(list(packed))
    graph = next((g for g in (_graph_of(v) for v in leaves) if g is not None), None) or _graph_of(None)
    if graph is None:
        return _eager_loop(cond, body, loop_vars, maximum_iterations)
    else:
        result = _graph_loop(
            cond, body, list(packed), shape_invariants, maximum_iterations, graph, name or "while"
        )
    return result[0] if single else type(loop_vars)(result) if isinstance(loop_vars, tuple) else result


def _eager_loop(cond, body, values, maximum_iterations):
    """A Python loop, as TensorFlow runs it eagerly: the result has the body's structure."""
    single = not isinstance(values, (list, tuple))
    values = [values] if single else values
    limit = None if maximum_iterations is None else int(np.asarray(maximum_iterations))
    count = 0
    while (limit is None or count < limit) and _truth(cond(*values)):
        result = body(*values)
        values = _as_list(result, values)
        if isinstance(result, (list, tuple)) and len(result) == len(values):
            values = type(result)(values) if isinstance(result, tuple) else values
        count += 1
    leaves, rebuild = _flatten(values)
    values = rebuild([convert(v) if not isinstance(v, Tensor) else v for v in leaves])
    return values[0] if single else values


def _truth(value):
    if isinstance(value, Tensor):
        value = value.numpy()
    return bool(np.asarray(value))


def _as_list(result, like):
    if not isinstance(result, (list, tuple)) or (len(like) == 1 and len(result) != 1):
        result = [result]
    result = list(result)
    if len(result) != len(like):
        raise ValueError(f"tf.while_loop's body returned {len(result)} values for {len(like)} loop variables")
    return result


def _graph_loop(cond, body, values, shape_invariants, maximum_iterations, graph, name):
    leaves, rebuild = _flatten(values)
    n_user = len(leaves)
    invariants = [None] * n_user
    if shape_invariants is not None:
        inv_leaves = _shapes_like(values, shape_invariants)
        if len(inv_leaves) != n_user:
            raise ValueError(f"shape_invariants has {len(inv_leaves)} shapes for {n_user} loop variables")
        invariants = [None if s is None else TensorShape(s) for s in inv_leaves]
    with graph.name_scope(name) as scope, context.graph_entered(graph):
        inits = [_symbolic(v) for v in leaves]
        if maximum_iterations is not None:
            limit = convert(maximum_iterations)
            inits = [convert(np.asarray(0, np.int32)), *inits]
            invariants = [None, *invariants]

        def traced(fn, what):
            g = FuncGraph(graph, f"{scope.rstrip('/')}_{what}")
            phs = [
                g.placeholder_like(t, name="loop_var", shape=inv)
                for t, inv in zip(inits, invariants, strict=True)
            ]
            with context.graph_entered(g):
                user = phs[1:] if maximum_iterations is not None else phs
                out = fn(*rebuild(list(user)))
                if what == "cond":
                    out = [
                        out
                        if maximum_iterations is None
                        else math_ops.logical_and(math_ops.less(phs[0], limit), out)
                    ]
                else:
                    out = _flatten(_as_list(out, values))[0]
                    if maximum_iterations is not None:
                        out = [phs[0] + 1, *out]
            return g, phs, as_outputs(g, out)

        cond_graph, cond_phs, cond_out = traced(cond, "cond")
        if not cond_out[0].dtype.is_bool or cond_out[0].shape.rank not in (None, 0):
            raise TypeError(f"tf.while_loop's cond must return a scalar bool, got {cond_out[0]!r}")
        body_graph, body_phs, body_out = traced(body, "body")
        for t, o, ph in zip(inits, body_out, body_phs, strict=True):
            _check_iteration(t, o, ph)
        outer = []
        for g in (cond_graph, body_graph):
            for t, _ in g.captures:
                if all(t is not u for u in outer):
                    outer.append(t)
        cond_body = Body(cond_graph, cond_phs + [cond_graph.capture(t) for t in outer], cond_out)
        loop_body = Body(body_graph, body_phs + [body_graph.capture(t) for t in outer], body_out)
        specs = [(ph.shape, ph.dtype, ph._probe) for ph in body_phs]
        op_type = "While" if cond_body.stateful or loop_body.stateful else "StatelessWhile"
        outs = apply_op(
            op_type,
            [*inits, *outer],
            name=scope,
            output_specs=specs,
            _cond=cond_body,
            _body=loop_body,
            _n=len(inits),
        )
    outs = list(outs)  # a callable num_outputs: always a tuple
    if maximum_iterations is not None:
        outs = outs[1:]
    return rebuild(outs)


def _shapes_like(values, shapes) -> list:
    """The shapes of ``shapes`` (nested as ``values``) at the positions of its leaves."""
    if isinstance(values, dict):
        return [s for k in values for s in _shapes_like(values[k], shapes[k])]
    if isinstance(values, (list, tuple)):
        if (
            not isinstance(shapes, (list, tuple))
            or isinstance(shapes, TensorShape)
            or len(shapes) != len(values)
        ):
            raise ValueError(f"shape_invariants {shapes!r} does not have the structure of the loop variables")
        return [s for v, sh in zip(values, shapes, strict=True) for s in _shapes_like(v, sh)]
    return [shapes]


def _symbolic(value) -> Tensor:
    """A loop variable's initial value as a tensor of the graph being built."""
    t = convert(value)
    return convert(t.numpy()) if t._graph is None else t


def _check_iteration(init, out, ph):
    if out.dtype != init.dtype:
        raise TypeError(
            f"loop variable {init.name!r} enters the loop as {init.dtype.name} but the body "
            f"returns {out.dtype.name}"
        )
    if not ph.shape.is_compatible_with(out.shape) or (ph.shape.rank is not None and out.shape.rank is None):
        raise ValueError(
            f"Input tensor {init.name!r} enters the loop with shape {ph.shape}, but has shape {out.shape} "
            f"after one iteration. To allow the shape to vary across iterations, use the "
            f"`shape_invariants` argument of tf.while_loop to specify a less-specific shape."
        )
    if ph.shape.rank is not None and any(
        d is not None and o is None for d, o in zip(ph.shape, out.shape, strict=True)
    ):
        raise ValueError(
            f"Input tensor {init.name!r} enters the loop with shape {ph.shape}, but has shape {out.shape} "
            f"after one iteration. To allow the shape to vary across iterations, use the "
            f"`shape_invariants` argument of tf.while_loop to specify a less-specific shape."
        )
