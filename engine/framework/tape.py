"""``GradientTape``: records eager ops while active and walks the record backwards.

The record is a list in execution order, which is already a topological order, so ``gradient``
runs ``engine.framework.backprop``'s walk on it reversed (the walk ``tf.gradients`` runs on a
graph). A tape is active in the thread that entered it (``engine.framework.context``): ops other
threads run are not recorded on it.
"""

from __future__ import annotations

import numpy as np

from engine.framework import backprop, context
from engine.framework.execute import apply_op
from engine.framework.gradients import gradients
from engine.framework.tensor import Tensor, TensorLike, eager


class OpRecord:
    """An executed eager op as gradient functions see it (the same interface as ``Operation``)."""

    __slots__ = ("op_def", "type", "inputs", "outputs", "attrs", "skip_input_indices")

    def __init__(self, op_def, inputs, outputs, attrs, skip_input_indices=()):
        self.op_def = op_def
        self.type = op_def.type
        self.inputs = inputs
        self.outputs = outputs
        self.attrs = attrs
        # Inputs the tape did not track when the op ran (data, constants): no gradient of theirs
        # can reach a source, so a gradient function may skip computing it, as TensorFlow's
        # eager ``op.skip_input_indices`` lets it (a graph ``Operation`` has none to skip).
        self.skip_input_indices = skip_input_indices

    def get_attr(self, name):
        return self.attrs[name]


class GradientTape:
    """``with tf.GradientTape() as tape: loss = f(w)`` then ``tape.gradient(loss, [w])``.
    Trainable Variables read inside are watched automatically; tensors need ``tape.watch(x)``."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._records: list[OpRecord] = []
        self._tracked: set[int] = set()
        self._keep: list = []  # watched tensors stay alive so their ids stay theirs
        self._var_reads: dict[int, list[Tensor]] = {}
        self._recording = False
        self._used = False

    def __enter__(self):
        self._recording = True
        context.push_tape(self)
        return self

    def __exit__(self, *exc):
        self._recording = False
        context.pop_tape(self)

    def stop_recording(self):
        tape = self

        class _Pause:
            def __enter__(self):
                tape._recording = False

            def __exit__(self, *exc):
                tape._recording = True

        return _Pause()

    def reset(self) -> None:
        self._records.clear()
        self._tracked.clear()
        self._var_reads.clear()

    def watch(self, tensor) -> None:
        for t in tensor if isinstance(tensor, (list, tuple)) else [tensor]:
            if isinstance(t, TensorLike):
                self._note_variable_read(t, t._eager_tensor(), force=True)
            elif isinstance(t, Tensor):
                self._tracked.add(id(t))
                self._keep.append(t)
            else:
                raise TypeError(f"tape.watch expects tensors or Variables, got {type(t).__name__}")

    def watched_variables(self):
        return [v for v, _ in self._var_reads.values()]

    def _note_variable_read(self, variable, tensor, force=False) -> None:
        if not self._recording or not (force or (self.watch_accessed_variables and variable.trainable)):
            return
        if id(tensor) in self._tracked:
            return
        entry = self._var_reads.setdefault(id(variable), (variable, []))
        entry[1].append(tensor)
        self._tracked.add(id(tensor))
        self._keep.append(tensor)

    def _record(self, op_def, inputs, outputs, attrs) -> None:
        tracked = self._tracked
        if op_def.grad is None:
            return
        skip = tuple(i for i, t in enumerate(inputs) if id(t) not in tracked)
        if len(skip) == len(inputs):
            return
        self._records.append(OpRecord(op_def, inputs, outputs, attrs, skip))
        for o in outputs:
            tracked.add(id(o))

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d(sum of target)/d(source) for each source (None where unconnected, or zeros when
        ``unconnected_gradients="zero"``), in the structure of ``sources``."""
        if self._used and not self.persistent:
            raise RuntimeError(
                "a non-persistent GradientTape can compute gradients only once; create it with "
                "GradientTape(persistent=True) to call gradient() several times"
            )
        self._used = True
        targets = list(target) if isinstance(target, (list, tuple)) else [target]
        flat_sources, rebuild = _flatten(sources)
        if any(isinstance(t, Tensor) and t._graph is not None for t in targets):
            # Inside tf.function (or a graph): the graph itself is the record.
            seeds = output_gradients
            if seeds is not None and not isinstance(seeds, (list, tuple)):
                seeds = [seeds]
            return rebuild(gradients(targets, flat_sources, grad_ys=seeds,
                                     unconnected_gradients=unconnected_gradients))
        seeds = output_gradients if output_gradients is not None else [None] * len(targets)
        if not isinstance(seeds, (list, tuple)):
            seeds = [seeds]
        was_recording, self._recording = self._recording, False
        try:
            pairs = []
            for t, seed in zip(targets, seeds, strict=False):
                t = t._eager_tensor() if isinstance(t, TensorLike) else t
                g = backprop.ones_like_value(t) if seed is None else backprop.as_tensor_like(seed, t)
                pairs.append((t, g))
            grads = backprop.backward(reversed(self._records), pairs)
            results = [self._source_grad(s, grads, unconnected_gradients) for s in flat_sources]
        finally:
            self._recording = was_recording
        if not self.persistent:
            self._records = []
        return rebuild(results)

    def _source_grad(self, source, grads, unconnected):
        if isinstance(source, TensorLike):
            reads = self._var_reads.get(id(source), (None, []))[1]
            parts = [grads[id(t)] for t in reads if id(t) in grads]
        else:
            parts = [grads[id(source)]] if id(source) in grads else []
        if not parts:
            if unconnected == "zero":
                return apply_op("ZerosLike", [source])
            return None
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        return total

    def jacobian(self, target, sources):
        """The full Jacobian d target[i...] / d source[j...], row by row (target must be eager)."""
        target_value = target.numpy()
        flat_sources, rebuild = _flatten(sources)
        rows = {i: [] for i in range(len(flat_sources))}
        for index in np.ndindex(target_value.shape):
            seed = np.zeros_like(target_value)
            seed[index] = 1
            self._used = False
            persistent, self.persistent = self.persistent, True
            grads = self.gradient(target, flat_sources, output_gradients=seed)
            self.persistent = persistent
            for i, g in enumerate(grads):
                rows[i].append(np.zeros(np.shape(flat_sources[i])) if g is None else g.numpy())
        results = [eager(np.stack(rows[i]).reshape(target_value.shape + np.shape(s)))
                   for i, s in enumerate(flat_sources)]
        return rebuild(results)


def _flatten(sources):
    if isinstance(sources, (list, tuple)):
        kind = type(sources)
        return list(sources), lambda r: kind(r) if kind is tuple else list(r)
    if isinstance(sources, dict):
        keys = list(sources)
        return [sources[k] for k in keys], lambda r: dict(zip(keys, r, strict=False))
    return [sources], lambda r: r[0]
