"""The activation table: ``act(id, name, ours_kwargs, theirs_kwargs, gens)``: ours is
``engine.keras.activations.<name>`` (every registered activation must have a case), theirs
``<lib>.activations.get(<their_name>)`` called with ``theirs_kwargs`` (Keras 3 spells relu's
slope ``negative_slope``, Keras 2 ``alpha``)."""

from __future__ import annotations

from tests.keras_parity.harness import BOTH, Case


def act(id, name, kwargs=None, theirs=None, gens=BOTH, their_name=None):
    theirs = theirs if theirs is not None else {g: kwargs or {} for g in gens}
    return Case(id, name, their_name or name, gens, {"kwargs": kwargs or {}, "theirs": theirs})


ACTIVATIONS = [
    act("relu", "relu"),
    act("relu-slope", "relu", {"alpha": 0.1}, {"keras2": {"alpha": 0.1}, "keras3": {"negative_slope": 0.1}}),
    act("relu-slope-k3name", "relu", {"negative_slope": 0.1}, {"keras3": {"negative_slope": 0.1}},
        gens=("keras3",)),
    act("relu-max", "relu", {"max_value": 0.8}),
    act("relu6", "relu", {"max_value": 6.0}),
    act("relu-threshold", "relu", {"threshold": 0.3}),
    act("relu-all", "relu", {"alpha": 0.2, "max_value": 1.0, "threshold": -0.4},
        {"keras2": {"alpha": 0.2, "max_value": 1.0, "threshold": -0.4},
         "keras3": {"negative_slope": 0.2, "max_value": 1.0, "threshold": -0.4}}),
    act("sigmoid", "sigmoid"),
    # the two generations' hard_sigmoid differ: ours from code is Keras 2's, Keras 3 files get theirs
    act("hard_sigmoid", "hard_sigmoid", gens=("keras2",)),
    act("hard_sigmoid_keras3", "hard_sigmoid_keras3", gens=("keras3",), their_name="hard_sigmoid"),
    act("tanh", "tanh"),
    act("softmax", "softmax"),
    act("softmax-axis1", "softmax", {"axis": 1}),
    act("linear", "linear"),
    act("elu", "elu"),
    act("elu-alpha", "elu", {"alpha": 0.5}),
    act("gelu", "gelu"),
    act("gelu-approximate", "gelu", {"approximate": True}),
    act("softplus", "softplus"),
    act("softsign", "softsign"),
    act("swish", "swish"),
    act("silu", "silu"),
    act("selu", "selu"),
    act("leaky_relu", "leaky_relu"),
    act("leaky_relu-slope", "leaky_relu", {"negative_slope": 0.05},
        {"keras2": {"alpha": 0.05}, "keras3": {"negative_slope": 0.05}}),
    act("exponential", "exponential"),
]
