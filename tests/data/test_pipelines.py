"""Deterministic pipelines give the same elements, in the same order, with the same dtypes,
cardinality and element_spec as TensorFlow's tf.data."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from tests.data.peers import SIDES, both, elements, spec

X = np.arange(24, dtype=np.float32).reshape(12, 2)
Y = np.arange(12, dtype=np.int64) % 3
WORDS = ["the", "quick", "brown", "fox"]
Point = collections.namedtuple("Point", ["x", "y"])

PIPELINES = {
    "slices_array": lambda tf: tf.data.Dataset.from_tensor_slices(X),
    "slices_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)),
    "slices_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"b": Y, "a": X}),
    "slices_nested": lambda tf: tf.data.Dataset.from_tensor_slices(({"f": X, "g": Y}, Y)),
    "slices_namedtuple": lambda tf: tf.data.Dataset.from_tensor_slices(Point(X, Y)),
    "slices_python_list": lambda tf: tf.data.Dataset.from_tensor_slices([1, 2, 3]),
    "slices_python_floats": lambda tf: tf.data.Dataset.from_tensor_slices([[1.0, 2.0], [3.0, 4.0]]),
    "slices_strings": lambda tf: tf.data.Dataset.from_tensor_slices(WORDS),
    "slices_bool": lambda tf: tf.data.Dataset.from_tensor_slices(np.array([True, False])),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors((X, Y)),
    "from_tensors_list": lambda tf: tf.data.Dataset.from_tensors([1, 2]),
    "range": lambda tf: tf.data.Dataset.range(5),
    "range_start_stop_step": lambda tf: tf.data.Dataset.range(2, 20, 3),
    "range_negative_step": lambda tf: tf.data.Dataset.range(10, 0, -4),
    "range_int32": lambda tf: tf.data.Dataset.range(4, output_type=tf.int32),
    "zip_tuple": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15))),
    "zip_positional": lambda tf: tf.data.Dataset.zip(tf.data.Dataset.range(3), tf.data.Dataset.range(5)),
    "zip_dict": lambda tf: tf.data.Dataset.zip(
        {"a": tf.data.Dataset.range(3), "b": tf.data.Dataset.from_tensor_slices(WORDS)}
    ),
    "map_tf_ops": lambda tf: tf.data.Dataset.from_tensor_slices(X).map(lambda v: tf.reduce_sum(v * 2.0)),
    "map_tuple_args": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (x / 10.0, tf.one_hot(y, 3)), num_parallel_calls=tf.data.AUTOTUNE
    ),
    "map_dict_arg": lambda tf: tf.data.Dataset.from_tensor_slices({"a": X, "b": Y}).map(lambda d: d["a"][0]),
    "map_returns_list": lambda tf: tf.data.Dataset.range(3).map(lambda v: [v, v * 2]),
    "map_python_constant": lambda tf: tf.data.Dataset.range(3).map(lambda v: 7),
    "map_cast": lambda tf: tf.data.Dataset.range(4).map(lambda v: tf.cast(v, tf.float32) / 2),
    "filter": lambda tf: tf.data.Dataset.range(20).filter(lambda v: v % 3 == 0),
    "filter_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).filter(lambda x, y: y > 0),
    "batch": lambda tf: tf.data.Dataset.range(10).batch(4),
    "batch_drop_remainder": lambda tf: tf.data.Dataset.range(10).batch(4, drop_remainder=True),
    "batch_tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(5),
    "batch_dict": lambda tf: tf.data.Dataset.from_tensor_slices({"a": X, "b": Y}).batch(
        5, drop_remainder=True
    ),
    "batch_then_unbatch": lambda tf: tf.data.Dataset.range(10).batch(4).unbatch(),
    "batch_drop_then_unbatch": lambda tf: tf.data.Dataset.range(10).batch(4, drop_remainder=True).unbatch(),
    "unbatch_tuple": lambda tf: tf.data.Dataset.from_tensors((X, Y)).unbatch(),
    "batch_of_batches": lambda tf: tf.data.Dataset.range(12).batch(2).batch(3),
    "padded_batch": lambda tf: tf.data.Dataset.range(1, 6).map(lambda v: tf.fill([v], v)).padded_batch(2),
    "padded_batch_shape": lambda tf: (
        tf.data.Dataset.range(1, 5)
        .map(lambda v: tf.fill([v], v))
        .padded_batch(2, padded_shapes=[6], padding_values=tf.constant(-1, tf.int64))
    ),
    "repeat_count": lambda tf: tf.data.Dataset.range(3).repeat(3),
    "repeat_forever_take": lambda tf: tf.data.Dataset.range(3).repeat().take(8),
    "take": lambda tf: tf.data.Dataset.range(10).take(4),
    "take_more_than_there_is": lambda tf: tf.data.Dataset.range(3).take(10),
    "take_all": lambda tf: tf.data.Dataset.range(3).take(-1),
    "skip": lambda tf: tf.data.Dataset.range(10).skip(7),
    "skip_all": lambda tf: tf.data.Dataset.range(10).skip(-1),
    "prefetch": lambda tf: tf.data.Dataset.range(5).prefetch(tf.data.AUTOTUNE),
    "prefetch_experimental": lambda tf: tf.data.Dataset.range(5).prefetch(tf.data.experimental.AUTOTUNE),
    "cache": lambda tf: tf.data.Dataset.range(5).map(lambda v: v * v).cache().repeat(2),
    "enumerate": lambda tf: tf.data.Dataset.from_tensor_slices(WORDS).enumerate(start=5),
    "concatenate": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12)),
    "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
    "flat_map": lambda tf: tf.data.Dataset.range(1, 4).flat_map(lambda v: tf.data.Dataset.range(v)),
    "interleave": lambda tf: tf.data.Dataset.range(1, 4).interleave(
        lambda v: tf.data.Dataset.from_tensors(v).repeat(3), cycle_length=2, block_length=2
    ),
    "take_while": lambda tf: tf.data.Dataset.range(10).take_while(lambda v: v < 4),
    "generator": lambda tf: tf.data.Dataset.from_generator(
        lambda: ((i, [float(i)] * 2) for i in range(4)),
        output_signature=(
            tf.TensorSpec(shape=(), dtype=tf.int32),
            tf.TensorSpec(shape=(2,), dtype=tf.float32),
        ),
    ),
    "generator_ragged_padded": lambda tf: tf.data.Dataset.from_generator(
        lambda: (np.arange(n) for n in (1, 3, 2)),
        output_signature=tf.TensorSpec(shape=(None,), dtype=tf.int64),
    ).padded_batch(2),
    "generator_args": lambda tf: tf.data.Dataset.from_generator(
        lambda n: iter(range(int(n))), args=(3,), output_types=tf.int64, output_shapes=()
    ),
    "guide_pipeline": lambda tf: (
        tf.data.Dataset.from_tensor_slices((X, Y))
        .map(lambda x, y: (tf.cast(x, tf.float32) / 23.0, y))
        .cache()
        .batch(5)
        .prefetch(tf.data.AUTOTUNE)
    ),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_same_elements_in_the_same_order(name):
    ds = both(PIPELINES[name])
    assert elements(ds["ours"]) == elements(ds["tf"])


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_same_cardinality_and_spec(name):
    ds = both(PIPELINES[name])
    assert int(ds["ours"].cardinality()) == int(ds["tf"].cardinality())
    assert spec(ds["ours"].element_spec) == spec(ds["tf"].element_spec)


@pytest.mark.parametrize(
    "name", ["slices_tuple", "batch_dict", "map_tuple_args", "enumerate", "padded_batch"]
)
def test_same_numpy_values(name):
    """as_numpy_iterator: numpy values (numpy scalars for rank 0, bytes for strings)."""
    ds = both(PIPELINES[name])

    def numpy_form(value):
        if isinstance(value, dict):
            return {k: numpy_form(v) for k, v in value.items()}
        if isinstance(value, tuple):
            return tuple(numpy_form(v) for v in value)
        return (type(value).__name__, np.asarray(value).tolist())

    got = [numpy_form(e) for e in ds["ours"].as_numpy_iterator()]
    assert got == [numpy_form(e) for e in ds["tf"].as_numpy_iterator()]


CARDINALITIES = {
    "filter_repeat": lambda tf: tf.data.Dataset.range(10).filter(lambda v: v > 2).repeat(),
    "empty_repeat": lambda tf: tf.data.Dataset.range(0).repeat(),
    "filter_then_take": lambda tf: tf.data.Dataset.range(10).filter(lambda v: v > 2).take(3),
    "infinite_then_batch": lambda tf: tf.data.Dataset.range(3).repeat().batch(2),
    "unknown_concat_infinite": lambda tf: (
        tf.data.Dataset.range(10).filter(lambda v: True).concatenate(tf.data.Dataset.range(3).repeat())
    ),
    "zip_with_unknown": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(3), tf.data.Dataset.range(4).filter(lambda v: True))
    ),
    "zip_with_infinite": lambda tf: tf.data.Dataset.zip(
        (tf.data.Dataset.range(3), tf.data.Dataset.range(4).repeat())
    ),
    "infinite_skip": lambda tf: tf.data.Dataset.range(10).repeat().skip(3),
    "generator": lambda tf: tf.data.Dataset.from_generator(lambda: iter([1]), output_types=tf.int32),
    "flat_map": lambda tf: tf.data.Dataset.range(3).flat_map(lambda v: tf.data.Dataset.range(v)),
}


@pytest.mark.parametrize("name", sorted(CARDINALITIES))
def test_cardinality_rules(name):
    ds = both(CARDINALITIES[name])
    assert int(ds["ours"].cardinality()) == int(ds["tf"].cardinality())


def test_cardinality_constants():
    sides = both(lambda tf: tf)
    for name in ("AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"):
        assert getattr(sides["ours"].data, name) == getattr(sides["tf"].data, name)
        assert getattr(sides["ours"].data.experimental, name) == getattr(sides["tf"].data.experimental, name)
    ds = both(lambda tf: tf.data.Dataset.range(4).repeat())
    assert (
        int(sides["ours"].data.experimental.cardinality(ds["ours"])) == sides["tf"].data.INFINITE_CARDINALITY
    )


def test_len_of_finite_infinite_and_unknown():
    for build in (
        lambda tf: tf.data.Dataset.range(7).batch(2),
        lambda tf: tf.data.Dataset.range(7).repeat(),
        lambda tf: tf.data.Dataset.range(7).filter(lambda v: True),
    ):
        ds = both(build)
        try:
            expected = len(ds["tf"])
        except TypeError as e:
            with pytest.raises(TypeError, match=str(e)):
                len(ds["ours"])
        else:
            assert len(ds["ours"]) == expected


def test_iteration_yields_eager_tensors():
    ds = both(lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4))
    for (x, y), (rx, ry) in zip(ds["ours"], ds["tf"], strict=True):
        assert type(x).__name__ == "Tensor" and x.shape == tuple(rx.shape) and x.dtype.name == rx.dtype.name
        np.testing.assert_array_equal(x.numpy(), rx.numpy())
        np.testing.assert_array_equal(y.numpy(), ry.numpy())


def test_reduce_and_repr():
    ds = both(lambda tf: tf.data.Dataset.range(5))
    assert int(ds["ours"].reduce(np.int64(0), lambda s, v: s + v)) == int(
        ds["tf"].reduce(np.int64(0), lambda s, v: s + v)
    )
    for build in (
        lambda tf: tf.data.Dataset.range(3),
        lambda tf: tf.data.Dataset.from_tensor_slices([1, 2]).batch(2),
    ):
        ds = both(build)
        assert repr(ds["ours"]) == repr(ds["tf"])


@pytest.mark.parametrize(("cycle", "block"), [(2, 1), (3, 2), (1, 3), (4, 1)])
def test_interleave_cycles_as_tensorflow_does(cycle, block):
    ds = both(
        lambda tf: tf.data.Dataset.range(1, 6).interleave(
            lambda v: tf.data.Dataset.range(10 * v, 10 * v + v), cycle_length=cycle, block_length=block
        )
    )
    assert elements(ds["ours"]) == elements(ds["tf"])


def test_counter_and_single_element():
    ds = both(lambda tf: tf.data.Dataset.zip((tf.data.experimental.Counter(), tf.data.Dataset.range(5, 8))))
    assert elements(ds["ours"]) == elements(ds["tf"])
    ds = both(lambda tf: tf.data.Dataset.counter(3, 2).take(3))
    assert elements(ds["ours"]) == elements(ds["tf"])
    ds = both(lambda tf: tf.data.Dataset.range(4).batch(4))
    assert elements([ds["ours"].get_single_element()]) == elements([ds["tf"].get_single_element()])


def test_element_spec_compares_with_a_tensor_spec():
    for side, tf in SIDES.items():
        ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(4)
        expected = (tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None], tf.int64))
        assert ds.element_spec == expected, side
        assert ds.element_spec[0] != tf.TensorSpec([4, 2], tf.float32)
    assert repr(SIDES["ours"].TensorSpec([None, 3])) == repr(SIDES["tf"].TensorSpec([None, 3]))
