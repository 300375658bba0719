"""The initializer table: ``initializer(id, build(lib), shape, kind)``; ``kind`` is ``exact`` (the
same array on both sides) or ``stats`` (random: mean, standard deviation, largest magnitude and
the share beyond two standard deviations, of a large draw, on both sides), or ``orthogonal``.
Every initializer class ``engine.keras.initializers`` has needs a case."""

from __future__ import annotations

from tests.keras_parity.harness import BOTH, Case

BIG, CONV = (300, 200), (3, 3, 64, 96)  # fans 300/200 and 576/864


def initializer(id, build, shape, kind="stats", gens=BOTH):
    return Case(id, build, shape, gens, {"kind": kind})


INITIALIZERS = [
    initializer("Zeros", lambda k: k.initializers.Zeros(), (3, 4), "exact"),
    initializer("Ones", lambda k: k.initializers.Ones(), (3, 4), "exact"),
    initializer("Constant", lambda k: k.initializers.Constant(0.3), (2, 3, 4), "exact"),
    initializer("Identity", lambda k: k.initializers.Identity(), (4, 4), "exact"),
    initializer("Identity-gain-rect", lambda k: k.initializers.Identity(gain=2.0), (3, 5), "exact"),
    initializer("RandomNormal", lambda k: k.initializers.RandomNormal(mean=0.1, stddev=0.2), BIG),
    initializer("RandomUniform", lambda k: k.initializers.RandomUniform(-0.3, 0.2), BIG),
    initializer("TruncatedNormal", lambda k: k.initializers.TruncatedNormal(0.05, 0.5), BIG),
    initializer("VarianceScaling", lambda k: k.initializers.VarianceScaling(), BIG),
    initializer("VarianceScaling-fan_out-uniform",
                lambda k: k.initializers.VarianceScaling(2.0, "fan_out", "uniform"), CONV),
    initializer("VarianceScaling-fan_avg-untruncated",
                lambda k: k.initializers.VarianceScaling(0.5, "fan_avg", "untruncated_normal"), CONV),
    initializer("VarianceScaling-normal", lambda k: k.initializers.VarianceScaling(distribution="normal"),
                CONV),
    initializer("GlorotUniform", lambda k: k.initializers.GlorotUniform(), BIG),
    initializer("GlorotUniform-conv", lambda k: k.initializers.GlorotUniform(), CONV),
    initializer("GlorotNormal", lambda k: k.initializers.GlorotNormal(), CONV),
    initializer("HeNormal", lambda k: k.initializers.HeNormal(), BIG),
    initializer("HeUniform", lambda k: k.initializers.HeUniform(), CONV),
    initializer("LecunNormal", lambda k: k.initializers.LecunNormal(), CONV),
    initializer("LecunUniform", lambda k: k.initializers.LecunUniform(), BIG),
    initializer("Orthogonal", lambda k: k.initializers.Orthogonal(), (6, 4), "orthogonal"),
    initializer("Orthogonal-gain-wide", lambda k: k.initializers.Orthogonal(gain=1.5), (3, 2, 8),
                "orthogonal"),
    initializer("Orthogonal-stats", lambda k: k.initializers.Orthogonal(), BIG),
]
