"""Plain and momentum SGD, as ``ApplyGradientDescent`` / ``ApplyMomentum`` graph ops."""

from __future__ import annotations

import numpy as np

from engine.framework.op_registry import get_op_def, register_op
from engine.train.optimizer import Optimizer, _graph_scalar


def sgd_update(var, lr, grad) -> np.ndarray:
    var._replace(var._array() - lr * grad)
    return var._value


def momentum_update(var, accum, lr, grad, momentum, use_nesterov=False) -> np.ndarray:
    acc = accum._array() * momentum + grad
    accum._replace(acc)
    step = grad + momentum * acc if use_nesterov else acc
    var._replace(var._array() - lr * step)
    return var._value


register_op("ApplyGradientDescent",
            lambda ref, alpha, delta, _variable, **a: sgd_update(_variable, alpha, delta), stateful=True)
register_op("ApplyMomentum",
            lambda ref, accum, lr, grad, momentum, _variable, _accum, use_nesterov=False, **a:
            momentum_update(_variable, _accum, lr, grad, momentum, use_nesterov), stateful=True)


class GradientDescentOptimizer(Optimizer):
    """``var -= learning_rate * grad``."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(learning_rate, use_locking, name)

    def _prepare_graph(self, graph, var_list):
        self._lr_t = _graph_scalar(graph, self._lr, "learning_rate", var_list[0].dtype)

    def _apply_graph(self, graph, grad, var):
        ref = var._graph_nodes(graph).variable
        return graph.create_op(get_op_def("ApplyGradientDescent"), [ref, self._lr_t, grad],
                               {"T": var.dtype, "use_locking": False, "_variable": var},
                               "ApplyGradientDescent", [(var.shape, var.dtype, ref._probe)])

    def _apply_eager(self, grad, var):
        sgd_update(var, self._lr_value(), grad)


class MomentumOptimizer(Optimizer):
    """``accum = momentum * accum + grad; var -= learning_rate * accum`` (optionally Nesterov)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        super().__init__(learning_rate, use_locking, name)
        self._momentum = momentum
        self._nesterov = use_nesterov

    def _prepare_graph(self, graph, var_list):
        self._lr_t = _graph_scalar(graph, self._lr, "learning_rate", var_list[0].dtype)
        self._m_t = _graph_scalar(graph, self._momentum, "momentum", var_list[0].dtype)

    def _apply_graph(self, graph, grad, var):
        ref = var._graph_nodes(graph).variable
        accum = self._slot(var, "Momentum", graph)
        acc_ref = accum._graph_nodes(graph).variable
        return graph.create_op(get_op_def("ApplyMomentum"), [ref, acc_ref, self._lr_t, grad, self._m_t],
                               {"T": var.dtype, "use_nesterov": self._nesterov, "_variable": var,
                                "_accum": accum}, "ApplyMomentum", [(var.shape, var.dtype, ref._probe)])

    def _apply_eager(self, grad, var):
        accum = self._slot(var, "Momentum")
        momentum_update(var, accum, self._lr_value(), grad, self._momentum, self._nesterov)
