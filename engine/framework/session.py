"""``Session.run``: the fetched subgraph becomes a flat list of kernel calls once per
(fetches, fed tensors), cached; each run only checks the feeds and executes that list."""

from __future__ import annotations

import functools
import threading
import time

import numpy as np

from engine.framework import context, dtypes
from engine.framework.graph import Graph, Operation, get_default_graph
from engine.framework.tensor import Tensor, TensorLike
from engine.framework.toposort import topological_order


def get_default_session():
    """This thread's innermost default session (``with sess:``, ``as_default()``, an
    ``InteractiveSession``), or None."""
    return context.default_session()


class _Plan:
    """Kernel calls in dependency order over a flat list of value slots."""

    __slots__ = ("template", "steps", "feeds", "fetch_slots", "names")

    def __init__(self, template, steps, feeds, fetch_slots, names=()):
        self.template = template
        self.steps = steps
        self.feeds = feeds
        self.fetch_slots = fetch_slots
        self.names = names  # the op of each step, for per-node timing (tf.summary.trace_on(profiler=True))


def _compile(targets: list, fed: list[Tensor]) -> _Plan:
    slots: dict[int, int] = {}
    template: list = []

    def slot_of(t):
        key = id(t)
        if key not in slots:
            slots[key] = len(template)
            template.append(None)
        return slots[key]

    feeds = [(slot_of(t), t) for t in fed]
    fed_ids = {id(t) for t in fed}
    roots = [t.op for t in targets if isinstance(t, Tensor) and id(t) not in fed_ids]
    roots += [t for t in targets if isinstance(t, Operation)]
    steps, names = [], []
    for op in topological_order(roots, stop_at=fed_ids):
        if all(id(o) in fed_ids for o in op.outputs) and op.outputs:
            continue
        if op.type == "Placeholder":
            t = op.outputs[0]
            raise ValueError(
                f"you must feed a value for placeholder {t.name!r} of dtype {t.dtype.name} and shape "
                f"{t.shape}: pass feed_dict={{{op.name}: value}}"
            )
        if op.type == "Const":
            template[slot_of(op.outputs[0])] = op.attrs["value"]
            continue
        ins = tuple(slot_of(t) for t in op.inputs)
        fn = functools.partial(op.op_def.kernel, **op.attrs) if op.attrs else op.op_def.kernel
        names.append(op.name)
        if len(op.outputs) == 1:
            steps.append((fn, ins, slot_of(op.outputs[0]), True))
        else:
            steps.append((fn, ins, tuple(slot_of(o) for o in op.outputs), False))
    fetch_slots = [slot_of(t) if isinstance(t, Tensor) else None for t in targets]
    return _Plan(template, steps, feeds, fetch_slots, names)


class Session:
    """``with tf.Session() as sess: sess.run(fetches, feed_dict={placeholder: value})``."""

    def __init__(self, target="", graph: Graph | None = None, config=None):
        self.graph = graph or get_default_graph()
        self._plans: dict[tuple, _Plan] = {}
        self._closed = False

    # -- running ---------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Values of ``fetches`` (a tensor, op, Variable, name, or a list/tuple/dict of them,
        nested), with ``feed_dict`` values standing in for placeholders or any other tensor."""
        if self._closed:
            raise RuntimeError("this Session is closed; create a new one")
        flat, rebuild = _flatten(fetches)
        targets, eager_values = [], {}
        for i, f in enumerate(flat):
            t = self._as_target(f)
            if isinstance(t, Tensor) and t._graph is None:
                eager_values[i] = t._value
            targets.append(t)
        graph_targets = [t for i, t in enumerate(targets) if i not in eager_values]
        feed_items = [(self._as_feed_key(k), v) for k, v in (feed_dict or {}).items()]
        key = (tuple(id(t) for t in graph_targets), tuple(id(k) for k, _ in feed_items))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(graph_targets, [k for k, _ in feed_items])
        if run_metadata is not None and options is not None and getattr(options, "trace_level", 0):
            values, stats = execute_timed(plan, [v for _, v in feed_items])
            _fill_run_metadata(run_metadata, stats, self.graph if options.output_partition_graphs else None)
        else:
            values = _execute(plan, [v for _, v in feed_items])
        it = iter(values)
        results = [eager_values[i] if i in eager_values else next(it) for i in range(len(targets))]
        return rebuild(results)

    def _as_target(self, f):
        if isinstance(f, str):
            f = self.graph.get_tensor_by_name(f) if ":" in f else self.graph.get_operation_by_name(f)
        if isinstance(f, TensorLike):
            return f._graph_tensor(self.graph)
        if isinstance(f, (Tensor, Operation)):
            if f.graph is not None and f.graph is not self.graph:
                raise ValueError(f"{f!r} is not an element of this session's graph")
            return f
        raise TypeError(f"cannot fetch a {type(f).__name__}; fetch tensors, ops, Variables or their names")

    def _as_feed_key(self, k) -> Tensor:
        if isinstance(k, str):
            k = self.graph.get_tensor_by_name(k if ":" in k else k + ":0")
        if isinstance(k, TensorLike):
            k = k._graph_tensor(self.graph)
        if not isinstance(k, Tensor) or k._graph is None:
            raise TypeError(f"feed_dict keys must be graph tensors (placeholders) or their names, got {k!r}")
        return k

    # -- lifetime --------------------------------------------------------------------------------
    def close(self) -> None:
        self._closed = True
        self._plans.clear()
        context.remove_session(self, every=True)

    def as_default(self):
        session = self

        class _Default:
            def __enter__(self):
                context.push_session(session)
                return session

            def __exit__(self, *exc):
                context.remove_session(session)

        return _Default()

    def __enter__(self):
        context.push_session(self)
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed


class InteractiveSession(Session):
    """A Session that makes itself the default on creation, for ``t.eval()`` and ``op.run()``."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        context.push_session(self)


def _check_feed(t: Tensor, value) -> np.ndarray:
    want = t.dtype._np
    array = value if type(value) is np.ndarray else np.asarray(
        value.numpy() if isinstance(value, Tensor) else value)
    shape = t._shape
    if array.dtype == want and len(shape) == array.ndim and not shape._unknown:
        # The common case, checked without building shape objects.
        for d, n in zip(shape, array.shape, strict=True):
            if d is not None and d != n:
                break
        else:
            return array
    if array.dtype != want:
        if not np.can_cast(array.dtype, want, casting="same_kind") and not (
                array.dtype.kind in "iub" and t.dtype.is_floating):
            raise TypeError(
                f"feed for {t.name!r} has dtype {array.dtype}, expected {dtypes.as_dtype(want).name}; "
                f"convert it with .astype(np.{np.dtype(want).name})"
            )
        array = array.astype(want)
    shape = t.shape
    if shape.rank is not None and not shape.is_compatible_with(array.shape):
        expected = "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"
        raise ValueError(f"feed for {t.name!r} has shape {array.shape}, expected {expected}")
    return array


def _execute(plan: _Plan, feed_values) -> list:
    vals = list(plan.template)
    for (slot, t), value in zip(plan.feeds, feed_values, strict=False):
        vals[slot] = _check_feed(t, value)
    for fn, ins, out, single in plan.steps:
        if single:
            vals[out] = fn(*[vals[i] for i in ins])
        else:
            for s, v in zip(out, fn(*[vals[i] for i in ins]), strict=False):
                vals[s] = v
    return [None if s is None else _result(vals[s]) for s in plan.fetch_slots]


def execute_timed(plan: _Plan, feed_values):
    """``_execute``, timing each kernel call: (values, [(op name, start ns since epoch, ns taken)])."""
    vals = list(plan.template)
    for (slot, t), value in zip(plan.feeds, feed_values, strict=False):
        vals[slot] = _check_feed(t, value)
    stats = []
    for (fn, ins, out, single), name in zip(plan.steps, plan.names, strict=True):
        wall, start = time.time_ns(), time.perf_counter_ns()
        result = fn(*[vals[i] for i in ins])
        stats.append((name, wall, time.perf_counter_ns() - start))
        if single:
            vals[out] = result
        else:
            for s, v in zip(out, result, strict=False):
                vals[s] = v
    return [None if s is None else _result(vals[s]) for s in plan.fetch_slots], stats


DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def node_exec_stats(stats) -> list:
    """``execute_timed``'s timings as StepStats' NodeExecStats protos."""
    from tfevents.proto.run_metadata_pb2 import NodeExecStats

    thread = threading.get_ident() & 0xFFFFFFFF
    return [NodeExecStats(node_name=name, all_start_micros=wall // 1000, op_end_rel_micros=took // 1000,
                          all_end_rel_micros=took // 1000, all_start_nanos=wall, op_end_rel_nanos=took,
                          all_end_rel_nanos=took, thread_id=thread) for name, wall, took in stats]


def _fill_run_metadata(run_metadata, stats, graph) -> None:
    """``Session.run(options=RunOptions(trace_level=FULL_TRACE), run_metadata=...)``: each op's
    compute time (and with ``output_partition_graphs`` the graph), as TensorFlow reports them."""
    run_metadata.step_stats.Clear()
    device = run_metadata.step_stats.dev_stats.add(device=DEVICE)
    device.node_stats.extend(node_exec_stats(stats))
    if graph is not None:
        del run_metadata.partition_graphs[:]
        run_metadata.partition_graphs.add().MergeFromString(graph.as_graph_def().SerializeToString())


def _result(value):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _flatten(fetches):
    """Flat leaves of a nested fetch structure and a function that rebuilds the structure."""
    if isinstance(fetches, dict):
        keys = list(fetches)
        parts = [_flatten(fetches[k]) for k in keys]
        kind = type(fetches)
        return _join(parts, lambda vals: kind(zip(keys, vals, strict=True)))
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten(f) for f in fetches]
        if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
            return _join(parts, lambda vals: type(fetches)(*vals))
        return _join(parts, lambda vals: type(fetches)(vals) if isinstance(fetches, tuple) else list(vals))
    return [fetches], lambda vals: vals[0]


def _join(parts, build):
    flat = [leaf for leaves, _ in parts for leaf in leaves]
    sizes = [len(leaves) for leaves, _ in parts]

    def rebuild(vals):
        out, start = [], 0
        for (_, sub), n in zip(parts, sizes, strict=False):
            out.append(sub(vals[start:start + n]))
            start += n
        return build(out)

    return flat, rebuild
