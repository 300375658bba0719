"""The TF1 optimizer protocol: ``compute_gradients``, ``apply_gradients``, ``minimize``.

In a graph, ``minimize(loss)`` adds ``gradients/...`` nodes and one ``<Name>/update_<var>/Apply*``
op per variable, grouped into the returned ``<Name>`` op. Eagerly, ``minimize`` takes a
callable returning the loss and updates the variables at once. A subclass defines
``_apply_dense(grad, var)`` twice over: ``_apply_graph`` (nodes) and ``_apply_eager`` (arrays).
"""

from __future__ import annotations

from engine.framework.gradients import gradients
from engine.framework.graph import get_default_graph
from engine.framework.tape import GradientTape
from engine.framework.tensor import Tensor
from engine.framework.variables import Variable, trainable_variables
from engine.ops import control_ops


class Optimizer:
    def __init__(self, learning_rate, use_locking=False, name="Optimizer"):
        self._lr = learning_rate
        self._name = name
        self._slots: dict[tuple[int, str], Variable] = {}

    def get_name(self) -> str:
        return self._name

    # -- gradients -------------------------------------------------------------------------------
    def compute_gradients(self, loss, var_list=None, **unused):
        """[(gradient, variable)] for the trainable variables ``loss`` depends on."""
        if callable(loss) and not isinstance(loss, Tensor):
            with GradientTape() as tape:
                value = loss()
            var_list = var_list if var_list is not None else tape.watched_variables()
            grads = tape.gradient(value, list(var_list))
            return list(zip(grads, var_list, strict=False))
        if not isinstance(loss, Tensor) or loss.graph is None:
            raise TypeError(
                "eager minimize() needs a callable that returns the loss (e.g. lambda: loss_fn(x)), "
                "because an eager loss value no longer knows how it was computed"
            )
        if var_list is None:
            var_list = trainable_variables(graph=loss.graph)
        if not var_list:
            raise ValueError("no trainable variables to optimize")
        grads = gradients(loss, list(var_list))
        return list(zip(grads, var_list, strict=False))

    # -- updates ---------------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("no gradients provided for any variable")
        graph = next((g.graph for g, _ in pairs if isinstance(g, Tensor) and g.graph is not None), None)
        if graph is None:
            self._prepare_eager()
            for g, v in pairs:
                self._apply_eager(g.numpy() if isinstance(g, Tensor) else g, v)
            self._finish_eager()
            if global_step is not None:
                global_step.assign_add(1)
            return None
        with graph.as_default(), graph.name_scope(name or self._name) as scope:
            self._prepare_graph(graph, [v for _, v in pairs])
            updates = []
            for g, v in pairs:
                with graph.name_scope("update_" + v._graph_nodes(graph).name):
                    updates.append(self._apply_graph(graph, g, v))
            finish = self._finish_graph(graph, updates)
            if global_step is not None:
                with graph.control_dependencies(updates + finish):
                    updates.append(global_step.assign_add(1).op)
            return control_ops.group(*updates, *finish, name=scope)

    def minimize(self, loss, global_step=None, var_list=None, name=None, **unused):
        return self.apply_gradients(self.compute_gradients(loss, var_list), global_step, name)

    # -- slots and subclass hooks ----------------------------------------------------------------
    def _slot(self, var: Variable, slot: str, graph=None) -> Variable:
        key = (id(var), slot)
        if key not in self._slots:
            import numpy as np

            base = var._graph_nodes(graph).name if graph is not None else var._base_name
            with get_default_graph().name_scope(None):  # beside its variable, not in the update scope
                self._slots[key] = Variable(np.zeros(var.shape, var.dtype.as_numpy_dtype), trainable=False,
                                            name=f"{base}/{slot}")
        return self._slots[key]

    def _prepare_graph(self, graph, var_list) -> None:
        pass

    def _finish_graph(self, graph, updates) -> list:
        return []

    def _prepare_eager(self) -> None:
        pass

    def _finish_eager(self) -> None:
        pass

    def _apply_graph(self, graph, grad, var):  # pragma: no cover - interface
        raise NotImplementedError

    def _apply_eager(self, grad, var):  # pragma: no cover - interface
        raise NotImplementedError

    def _lr_value(self):
        lr = self._lr
        return lr() if callable(lr) else lr


def _graph_scalar(graph, value, name, dtype):
    from engine.framework.execute import to_graph_tensor
    from engine.framework.tensor import to_array

    if isinstance(value, Tensor):
        return to_graph_tensor(value, graph)
    from engine.framework.execute import constant_node

    return constant_node(to_array(value, dtype), graph, name=name)

