"""The optimizer table: ``optimizer(id, build(lib), gens, theirs=None)``: ``build`` makes ours and,
unless ``theirs(lib)`` is given, theirs. Each case applies three steps of fixed gradients to two
variables on both sides and compares the variables after every step. Every optimizer class
``engine.keras.optimizers`` has needs a case."""

from __future__ import annotations

from tests.keras_parity.harness import BOTH, Case


def optimizer(id, build, gens=BOTH, theirs=None):
    return Case(id, build, theirs or build, gens)


OPTIMIZERS = [
    optimizer("SGD", lambda k: k.optimizers.SGD()),
    optimizer("SGD-momentum", lambda k: k.optimizers.SGD(0.1, momentum=0.9)),
    optimizer("SGD-nesterov", lambda k: k.optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
    optimizer("SGD-clipvalue", lambda k: k.optimizers.SGD(0.1, clipvalue=0.3)),
    optimizer("SGD-clipnorm", lambda k: k.optimizers.SGD(0.1, clipnorm=0.5)),
    optimizer("SGD-global_clipnorm", lambda k: k.optimizers.SGD(0.1, global_clipnorm=0.7)),
    # Keras 2 spelled them lr= and decay=, which only its legacy optimizers still take
    optimizer("SGD-lr-decay", lambda k: k.optimizers.SGD(lr=0.1, decay=0.05, momentum=0.5), gens=("keras2",),
              theirs=lambda k: k.optimizers.legacy.SGD(lr=0.1, decay=0.05, momentum=0.5)),
    optimizer("Adam", lambda k: k.optimizers.Adam()),
    optimizer("Adam-args", lambda k: k.optimizers.Adam(0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-5)),
    optimizer("Adam-amsgrad", lambda k: k.optimizers.Adam(0.01, amsgrad=True)),
    optimizer("RMSprop", lambda k: k.optimizers.RMSprop()),
    optimizer("RMSprop-momentum-centered", lambda k: k.optimizers.RMSprop(0.01, rho=0.8, momentum=0.5,
                                                                          centered=True)),
    optimizer("Adagrad", lambda k: k.optimizers.Adagrad()),
    optimizer("Adagrad-args", lambda k: k.optimizers.Adagrad(0.1, initial_accumulator_value=0.5)),
    # k13-api's optimizers (their fuller cases are in tests/keras_api/test_optimizers.py)
    optimizer("AdamW", lambda k: k.optimizers.AdamW(0.01, weight_decay=0.1)),
    optimizer("Nadam", lambda k: k.optimizers.Nadam(0.01)),
    optimizer("Adamax", lambda k: k.optimizers.Adamax(0.01)),
    optimizer("Adadelta", lambda k: k.optimizers.Adadelta(1.0)),
    optimizer("Ftrl", lambda k: k.optimizers.Ftrl(0.1)),
    optimizer("RMSprop-epsilon", lambda k: k.optimizers.RMSprop(0.01, epsilon=0.1)),
    optimizer("Adagrad-epsilon", lambda k: k.optimizers.Adagrad(0.1, epsilon=1e-4)),
]
