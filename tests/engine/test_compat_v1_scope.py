"""``tf.compat.v1.variable_scope`` and ``get_variable`` against real TensorFlow: the same variable
and op names, the same reuse rules, the same errors, the same values for the initializers that
are deterministic (and the same distributions for the random ones)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine import tf1_peer


def _error(fn):
    """(type, first line of the message) of what ``fn`` raises (TF1's reference dtypes, such as
    ``float32_ref``, read as the dtype: ours has no reference types)."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the error is the outcome being compared
        return type(exc).__name__, str(exc).splitlines()[0].replace("_ref", "")
    return None


def case_names_and_name_scopes(tf):
    with tf.variable_scope("foo"):
        w = tf.get_variable("w", [2, 3])
        with tf.variable_scope("bar"):
            b = tf.get_variable("b", [3])
            op = tf.add(b, 1.0)
        c = tf.constant(1.0)
    with tf.name_scope("ns"):
        with tf.variable_scope("vs"):
            v = tf.get_variable("v", [1])  # name scopes do not prefix get_variable's names
            c2 = tf.constant(0.0)
    with tf.variable_scope("foo", reuse=True):
        c3 = tf.constant(1.0)
        same = tf.get_variable("w") is w
    return [w.name, b.name, op.name, c.name, v.name, c2.name, c3.name, same,
            tf.get_variable_scope().name, [x.name for x in tf.global_variables()]]


def case_reuse_true_false_auto(tf):
    with tf.variable_scope("s"):
        w = tf.get_variable("w", [2])
    with tf.variable_scope("s", reuse=True):
        reused = tf.get_variable("w", [2])
    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        auto_old = tf.get_variable("w", [2])
        auto_new = tf.get_variable("fresh", [4])
        auto_again = tf.get_variable("fresh", [4])
    return [reused is w, auto_old is w, auto_new is auto_again, auto_new.name,
            len(tf.global_variables())]


def case_reuse_is_inherited_and_sticky(tf):
    out = []
    with tf.variable_scope("outer", reuse=True):
        with tf.variable_scope("inner", reuse=False):  # False means "inherit": still reusing
            out.append(tf.get_variable_scope().reuse)
    with tf.variable_scope("a"):
        out.append(tf.get_variable_scope().reuse)
        with tf.variable_scope("b", reuse=tf.AUTO_REUSE):
            with tf.variable_scope("c"):
                out.append(tf.get_variable_scope().reuse is tf.AUTO_REUSE)
    return out


def case_reuse_variables_on_the_scope(tf):
    with tf.variable_scope("model") as scope:
        first = tf.get_variable("w", [3], initializer=tf.ones_initializer())
        scope.reuse_variables()
        second = tf.get_variable("w", [3])
        flag = tf.get_variable_scope().reuse
    with tf.variable_scope("model2"):
        x = tf.get_variable("x", [1])
        tf.get_variable_scope().reuse_variables()
        y = tf.get_variable("x", [1])
    return [first is second, flag, x is y]


def case_reentering_a_scope_object(tf):
    with tf.variable_scope("block") as scope:
        v = tf.get_variable("v", [1])
    with tf.variable_scope(scope, reuse=True):
        again = tf.get_variable("v", [1])
        c = tf.constant(2.0)
        inside = (tf.get_variable_scope().name, tf.get_variable_scope().original_name_scope)
    with tf.variable_scope("other"):
        with tf.variable_scope(scope, reuse=True):  # jumps back to block/, not other/block/
            deep = tf.get_variable("v", [1])
    return [again is v, deep is v, c.name, inside, scope.name, scope.original_name_scope]


def case_default_names_are_unique(tf):
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="layer"):
            names.append(tf.get_variable("k", [1]).name)
    with tf.variable_scope("net"):
        with tf.variable_scope(None, default_name="layer"):
            names.append(tf.get_variable("k", [1]).name)
    with tf.variable_scope("net", reuse=True):  # counts restart inside a reopened scope
        with tf.variable_scope(None, default_name="layer"):
            names.append(tf.get_variable("k", [1]).name)
    return names


def case_scope_initializer_and_dtype(tf):
    with tf.variable_scope("init", initializer=tf.constant_initializer(0.25), dtype=tf.float64):
        v = tf.get_variable("v", [2, 2])
        with tf.variable_scope("deeper"):
            u = tf.get_variable("u", [3])  # inherits both
        z = tf.get_variable("z", [2], initializer=tf.zeros_initializer(), dtype=tf.float32)
    n = tf.get_variable("n", [2], dtype=tf.int32)  # integers default to zeros
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([v, u, z, n])
    return [v.dtype.name.replace("_ref", ""), u.dtype.name.replace("_ref", ""),
            z.dtype.name.replace("_ref", ""), n.dtype.name.replace("_ref", ""), values]


def case_errors(tf):
    with tf.variable_scope("foo"):
        tf.get_variable("w", [2, 3])

    def again():
        with tf.variable_scope("foo"):
            tf.get_variable("w", [2, 3])

    def missing():
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("nope", [1])

    def wrong_shape():
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("w", [3, 3])

    def wrong_dtype():
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("w", [2, 3], dtype=tf.float64)

    def no_shape():
        tf.get_variable("shapeless")

    def shape_with_constant():
        tf.get_variable("c", [2], initializer=np.ones(2, np.float32))

    def bad_reuse():
        tf.variable_scope("x", reuse="yes")

    def no_name():
        tf.variable_scope(None)

    def reuse_without_name():
        with tf.variable_scope(None, default_name="d", reuse=True):
            pass

    return [_error(f) for f in (again, missing, wrong_shape, wrong_dtype, no_shape, shape_with_constant,
                                bad_reuse, no_name, reuse_without_name)]


def case_deterministic_initializers(tf):
    variables = [
        tf.get_variable("zeros", [2, 3], initializer=tf.zeros_initializer()),
        tf.get_variable("ones", [4], initializer=tf.ones_initializer()),
        tf.get_variable("const", [2, 2], initializer=tf.constant_initializer(3.5)),
        tf.get_variable("const_list", [2, 3], initializer=tf.constant_initializer([1, 2, 3, 4, 5, 6])),
        tf.get_variable("from_value", initializer=np.arange(6, dtype=np.float32).reshape(2, 3)),
        tf.get_variable("from_tensor", initializer=tf.constant([[1.0, 2.0]])),
        tf.get_variable("int_ones", [3], dtype=tf.int64, initializer=tf.ones_initializer()),
        tf.get_variable("zeros_class", [2], initializer=tf.zeros_initializer),  # the class itself
    ]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(variables)
    return [(v.name, v.shape.as_list(), v.dtype.name.replace("_ref", ""), x)
            for v, x in zip(variables, values, strict=True)]


def case_random_initializer_statistics(tf):
    shape = [200, 300]
    inits = {
        "normal": tf.random_normal_initializer(mean=1.0, stddev=2.0, seed=1),
        "uniform": tf.random_uniform_initializer(-3.0, 1.0, seed=2),
        "truncated": tf.truncated_normal_initializer(stddev=0.5, seed=3),
        "glorot_uniform": tf.glorot_uniform_initializer(seed=4),
        "glorot_normal": tf.glorot_normal_initializer(seed=5),
        "vs_fan_in": tf.variance_scaling_initializer(scale=2.0, mode="fan_in", seed=6),
        "vs_uniform": tf.variance_scaling_initializer(scale=1.0, mode="fan_out", distribution="uniform",
                                                      seed=7),
        "default": None,  # get_variable's own default: Glorot uniform
    }
    variables = {k: tf.get_variable(k, shape, initializer=i) for k, i in inits.items()}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(variables)
    return {k: (float(v.mean()), float(v.std()), float(v.min()), float(v.max())) for k, v in values.items()}


def case_custom_getters_chain_inner_first(tf):
    seen = []

    def outer(getter, name, *args, **kwargs):
        seen.append(("outer", name))
        return getter(name, *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        seen.append(("inner", name, kwargs.get("shape")))
        kwargs["trainable"] = False
        return getter(name, *args, **kwargs)

    with tf.variable_scope("a", custom_getter=outer):
        with tf.variable_scope("b", custom_getter=inner):
            v = tf.get_variable("v", [2])
        w = tf.get_variable("w", [1])
    return [seen, v.name, w.name, [x.name for x in tf.trainable_variables()]]


def case_variables_listed_by_scope(tf):
    with tf.variable_scope("net"):
        tf.get_variable("a", [1])
        with tf.variable_scope("inner"):
            tf.get_variable("b", [1])
            tf.get_variable("c", [1], trainable=False)
    with tf.variable_scope("network"):
        tf.get_variable("d", [1])
    return [[v.name for v in tf.global_variables("net")], [v.name for v in tf.global_variables("net/")],
            [v.name for v in tf.trainable_variables(scope="net/inner")],
            [v.name for v in tf.global_variables(scope=".*inner")]]


CASES = tf1_peer.cases_of(__import__(__name__, fromlist=["_"]))
EXACT = [name for name in CASES if name != "random_initializer_statistics"]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return tf1_peer.run_real(__name__, tmp_path_factory.mktemp("real_tf"))


@pytest.mark.parametrize("name", EXACT)
def test_same_outcome_as_tensorflow(real, name):
    ours = tf1_peer.run_ours(CASES[name])
    assert not tf1_peer.raised(real[name]), real[name]
    tf1_peer.assert_same(ours, real[name])


def test_random_initializers_have_tensorflows_distributions(real):
    ours = tf1_peer.run_ours(CASES["random_initializer_statistics"])
    theirs = real["random_initializer_statistics"]
    for name, (mean, std, lo, hi) in theirs.items():
        o_mean, o_std, o_lo, o_hi = ours[name]
        assert abs(o_mean - mean) < 0.02 + 0.01 * abs(mean), (name, ours[name], theirs[name])
        assert abs(o_std - std) / std < 0.02, (name, ours[name], theirs[name])
        # Uniform and truncated bounds agree closely; an untruncated normal's extremes are noisy.
        tol = 0.02 * (hi - lo) if name != "normal" else 0.15 * (hi - lo)
        assert abs(o_lo - lo) < tol and abs(o_hi - hi) < tol, (name, ours[name], theirs[name])


def test_the_already_exists_error_says_where_the_variable_was_made():
    def case(tf):
        tf.get_variable("w", [1])
        try:
            tf.get_variable("w", [1])
        except ValueError as exc:
            return str(exc)

    message = tf1_peer.run_ours(case)
    assert message.startswith("Variable w already exists, disallowed. Did you mean to set reuse=True or "
                              "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:")
    assert __file__ in message and "tf.get_variable(\"w\", [1])" in message


def test_tf1_names_are_at_the_top_level_too():
    import engine as tf

    assert tf.AUTO_REUSE is tf.compat.v1.AUTO_REUSE
    assert tf.variable_scope is tf.compat.v1.variable_scope and tf.get_variable is tf.compat.v1.get_variable
    with tf.Graph().as_default():
        with tf.variable_scope("top", reuse=tf.AUTO_REUSE):
            assert tf.get_variable("v", [1]) is tf.get_variable("v", [1])


def test_eager_get_variable_makes_a_new_variable_each_time_as_tensorflow_2_does():
    import engine as tf

    with tf.compat.v1.variable_scope("eager"):
        a = tf.compat.v1.get_variable("v", [2], initializer=tf.compat.v1.ones_initializer())
        b = tf.compat.v1.get_variable("v", [2], initializer=tf.compat.v1.zeros_initializer())
    assert a is not b and a.numpy().tolist() == [1.0, 1.0] and b.numpy().tolist() == [0.0, 0.0]
    assert tf.compat.v1.get_variable_scope().name == ""
