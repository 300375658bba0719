"""What a layer keeps track of besides its own weights: the layers set as its attributes (alone or
in lists, as Keras 3's tracker finds them), whose weights and losses become its own, and the
losses ``add_loss`` collects during a call (Keras 3's ``Layer.add_loss``/``losses``).

Losses belong to the latest call: the outermost ``__call__`` (the model's, in ``fit``) clears
them in every layer it reaches before running, so ``model.losses`` after a call holds that call's
penalties, as in Keras 3. A symbolic call (functional construction) collects none."""

from __future__ import annotations

import contextlib
import threading

from engine.keras import symbolic

_STATE = threading.local()


def _depth() -> int:
    return getattr(_STATE, "depth", 0)


@contextlib.contextmanager
def call_context(layer):
    """Around a layer's call: the outermost one clears the losses of the previous call."""
    if _depth() == 0:
        layer._clear_losses()
    _STATE.depth = _depth() + 1
    try:
        yield
    finally:
        _STATE.depth -= 1


class Tracking:
    """The attribute tracking and call losses ``Layer`` inherits."""

    def __setattr__(self, name, value):
        found = [value] if isinstance(value, Tracking) else (
            [v for v in value if isinstance(v, Tracking)] if isinstance(value, list | tuple) else [])
        if found and name not in ("_inbound_nodes",):
            tracked = self.__dict__.setdefault("_tracked_layers", [])
            tracked.extend(v for v in found if v is not self and all(v is not t for t in tracked))
        if name == "trainable" and "_tracked_layers" in self.__dict__:
            for layer in self._sublayers():  # Keras 3: freezing a layer freezes what it holds
                layer.trainable = value
        object.__setattr__(self, name, value)

    def _sublayers(self) -> list:
        """The layers this one holds (set as attributes), whose weights and losses are its own."""
        return list(self.__dict__.get("_tracked_layers", ()))

    # -- losses ----------------------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        """Add a scalar (or a tensor, summed in training) to the losses of this call
        (``self.add_loss(self.rate * keras.ops.mean(inputs))`` in ``call``)."""
        if symbolic.in_symbolic_call():
            return  # Keras 3 collects no loss while it only finds a symbolic call's output spec
        items = loss if isinstance(loss, list | tuple) else [loss]
        for item in items:
            if callable(item) and not hasattr(item, "shape"):
                item = item()  # Keras 2's zero-argument callables (``add_loss(lambda: ...)``)
            if not hasattr(item, "shape") and not isinstance(item, int | float):
                raise ValueError("add_loss() takes a tensor (or a list of them) computed in build() or "
                                 f"call(); got {item!r:.100}")
            self.__dict__.setdefault("_call_losses", []).append(item)

    def _own_losses(self) -> list:
        return list(self.__dict__.get("_call_losses", ()))

    def _clear_losses(self) -> None:
        self.__dict__.get("_call_losses", []).clear()
        for layer in self._sublayers():
            layer._clear_losses()

    def _regularization_losses(self) -> list:
        return [w.regularizer(w) for w in self.trainable_weights if w.regularizer is not None]

    @property
    def losses(self) -> list:
        """This call's ``add_loss`` losses (this layer's, then those of the layers it holds), then
        the regularization penalties of its weights, read now."""
        out = self._own_losses()
        seen = {id(self)}
        stack = list(reversed(self._sublayers()))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.extend(layer._own_losses())
            stack.extend(reversed(layer._sublayers()))
        return out + self._regularization_losses()
