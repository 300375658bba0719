"""Adam (Kingma & Ba), as TensorFlow's ``ApplyAdam`` op with ``beta1_power``/``beta2_power``
variables and per-variable ``Adam``/``Adam_1`` slots."""

from __future__ import annotations

import numpy as np

from engine.framework.graph import get_default_graph
from engine.framework.op_registry import get_op_def, register_op
from engine.framework.variables import Variable
from engine.train.optimizer import Optimizer, _graph_scalar


def adam_update(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad) -> np.ndarray:
    lr_t = lr * np.sqrt(1 - beta2_power) / (1 - beta1_power)
    m_new = m._array() + (grad - m._array()) * (1 - beta1)
    v_new = v._array() + (grad * grad - v._array()) * (1 - beta2)
    m._replace(m_new)
    v._replace(v_new)
    var._replace(var._array() - (lr_t * m_new / (np.sqrt(v_new) + epsilon)).astype(var._value.dtype))
    return var._value


register_op("ApplyAdam",
            lambda ref, m_ref, v_ref, b1p, b2p, lr, b1, b2, eps, grad, _variable, _m, _v, **a:
            adam_update(_variable, _m, _v, b1p, b2p, lr, b1, b2, eps, grad), stateful=True)
register_op("Mul_beta_power", lambda ref, beta, _variable: _variable._replace(_variable._array() * beta)
            or _variable._value, stateful=True)


class AdamOptimizer(Optimizer):
    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking=False,
                 name="Adam"):
        super().__init__(learning_rate, use_locking, name)
        self._beta1, self._beta2, self._epsilon = beta1, beta2, epsilon
        self._powers = None

    def _power_vars(self, dtype):
        if self._powers is None:
            with get_default_graph().name_scope(None):
                pairs = [(self._beta1, "beta1_power"), (self._beta2, "beta2_power")]
                self._powers = tuple(Variable(np.asarray(beta, dtype.as_numpy_dtype), trainable=False,
                                              name=name) for beta, name in pairs)
        return self._powers

    def _prepare_graph(self, graph, var_list):
        dt = var_list[0].dtype
        self._b1p, self._b2p = (p._graph_tensor(graph) for p in self._power_vars(dt))
        self._consts = [_graph_scalar(graph, value, name, dt) for value, name in
                        [(self._lr, "learning_rate"), (self._beta1, "beta1"), (self._beta2, "beta2"),
                         (self._epsilon, "epsilon")]]

    def _apply_graph(self, graph, grad, var):
        nodes = var._graph_nodes(graph)
        m, v = self._slot(var, "Adam", graph), self._slot(var, "Adam_1", graph)
        inputs = [nodes.variable, m._graph_nodes(graph).variable, v._graph_nodes(graph).variable,
                  self._b1p, self._b2p, *self._consts, grad]
        return graph.create_op(get_op_def("ApplyAdam"), inputs,
                               {"T": var.dtype, "use_locking": False, "use_nesterov": False,
                                "_variable": var, "_m": m, "_v": v},
                               "ApplyAdam", [(var.shape, var.dtype, nodes.variable._probe)])

    def _finish_graph(self, graph, updates):
        ops = []
        with graph.control_dependencies(updates):
            betas = (self._beta1, self._beta2)
            for power, beta, label in zip(self._powers, betas, ("mul", "mul_1"), strict=True):
                nodes = power._graph_nodes(graph)
                beta_t = _graph_scalar(graph, beta, label + "/y", power.dtype)
                ops.append(graph.create_op(get_op_def("Mul_beta_power"), [nodes.variable, beta_t],
                                           {"_variable": power}, "Assign",
                                           [(power.shape, power.dtype, None)]))
        for op in ops:
            op.type = "Assign"
        return ops

    def _prepare_eager(self):
        self._eager_powers = [p.numpy() for p in self._power_vars(self._dtype_hint)]

    def _apply_eager(self, grad, var):
        # The same float32 scalars the graph's Const nodes hold, so both modes agree bit for bit.
        m, v = self._slot(var, "Adam"), self._slot(var, "Adam_1")
        b1p, b2p = self._eager_powers
        lr, b1, b2, eps = (np.asarray(x, var.dtype.as_numpy_dtype)
                           for x in (self._lr_value(), self._beta1, self._beta2, self._epsilon))
        adam_update(var, m, v, b1p, b2p, lr, b1, b2, eps, grad)

    def _finish_eager(self):
        p1, p2 = self._powers
        p1._replace(p1._array() * self._beta1)
        p2._replace(p2._array() * self._beta2)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        self._dtype_hint = grads_and_vars[0][1].dtype
        return super().apply_gradients(grads_and_vars, global_step, name)
