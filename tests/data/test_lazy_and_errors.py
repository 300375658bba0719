"""The pipeline is lazy (an infinite repeat followed by take costs only what is taken), and the
errors users rely on are TensorFlow's: the end of an iterator, shapes that do not batch, a
generator breaking its signature, slices of unequal length."""

from __future__ import annotations

import numpy as np
import pytest

from tests.data.peers import SIDES, both, elements


@pytest.mark.parametrize("side", sorted(SIDES))
def test_infinite_repeat_then_take_reads_only_what_it_needs(side):
    tf = SIDES[side]
    pulled = []

    def gen():
        i = 0
        while True:
            pulled.append(i)
            yield i
            i += 1

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int64))
    batches = [b.tolist() for b in ds.map(lambda v: v * 2).repeat().batch(2).take(3).as_numpy_iterator()]
    assert batches == [[0, 2], [4, 6], [8, 10]]
    assert len(pulled) < 40  # TensorFlow prefetches a little inside from_generator; never the stream


def test_ours_reads_nothing_until_asked_and_no_more_than_asked():
    tf = SIDES["ours"]
    pulled = []

    def gen():
        for i in range(10**9):
            pulled.append(i)
            yield i

    ds = (
        tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int64))
        .repeat()
        .map(lambda v: v + 1)
        .shuffle(4, seed=0)
        .batch(3)
        .prefetch(tf.data.AUTOTUNE)
    )
    assert pulled == []
    it = iter(ds)
    first = next(it)
    assert first.shape == (3,) and len(pulled) == 3 + 4  # three taken, the buffer refilled
    big = tf.data.Dataset.range(10**15).repeat().skip(5).take(2)
    assert [int(v) for v in big] == [5, 6]


@pytest.mark.parametrize("side", sorted(SIDES))
def test_python_loop_ends_cleanly_and_get_next_raises_out_of_range(side):
    tf = SIDES[side]
    ds = tf.data.Dataset.range(3)
    assert [int(v) for v in ds] == [0, 1, 2]
    it = iter(ds)
    assert int(next(it)) == 0 and int(it.get_next()) == 1 and int(next(it)) == 2
    with pytest.raises(StopIteration):
        next(it)
    it = iter(ds)
    seen = []
    while True:
        try:
            seen.append(int(it.get_next()))
        except tf.errors.OutOfRangeError:
            break
    assert seen == [0, 1, 2]
    assert issubclass(tf.errors.OutOfRangeError, tf.errors.OpError)


def _error(build, side):
    tf = SIDES[side]
    try:
        elements(build(tf))
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return e
    return None


ERRORS = {
    "slices_of_unequal_length": (
        lambda tf: tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(2))),
        "ValueError",
        "Dimensions 3 and 2 are not compatible",
    ),
    "slices_of_a_scalar": (
        lambda tf: tf.data.Dataset.from_tensor_slices(1.0),
        "ValueError",
        "Unbatching a tensor is only supported for rank >= 1",
    ),
    "batch_of_different_shapes": (
        lambda tf: tf.data.Dataset.from_generator(
            lambda: iter([np.zeros(2), np.zeros(3)]), output_signature=tf.TensorSpec([None], tf.float64)
        ).batch(2),
        "InvalidArgumentError",
        "Cannot batch tensors with different shapes in component 0. First element had "
        "shape [2] and element 1 had shape [3].",
    ),
    "generator_shape": (
        lambda tf: tf.data.Dataset.from_generator(
            lambda: iter([np.zeros(2), np.zeros(3)]), output_signature=tf.TensorSpec([2], tf.float64)
        ),
        "InvalidArgumentError",
        "`generator` yielded an element of shape (3,) where an element of shape (2,) was expected.",
    ),
    "generator_structure": (
        lambda tf: tf.data.Dataset.from_generator(
            lambda: iter([[1, 2.0]]),
            output_signature=(tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32)),
        ),
        "InvalidArgumentError",
        "`generator` yielded an element that did not match the expected structure.",
    ),
    "generator_without_signature": (
        lambda tf: tf.data.Dataset.from_generator(lambda: iter([1])),
        "TypeError",
        "To specify the output signature you need to provide either the `output_signature` argument",
    ),
    "filter_not_bool": (
        lambda tf: tf.data.Dataset.range(3).filter(lambda v: v),
        "ValueError",
        "`predicate` must return a `tf.bool` scalar tensor",
    ),
    "zero_batch": (
        lambda tf: tf.data.Dataset.range(3).batch(0),
        "InvalidArgumentError",
        "Batch size must be greater than zero.",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_same_error(name):
    build, kind, message = ERRORS[name]
    theirs, ours = _error(build, "tf"), _error(build, "ours")
    assert type(theirs).__name__ == kind and message in str(theirs), theirs
    assert type(ours).__name__ == kind and message in str(ours), ours


def test_generator_values_are_cast_to_the_signature():
    ds = both(
        lambda tf: tf.data.Dataset.from_generator(
            lambda: iter([(1, 2), (3, 4)]),
            output_signature=(tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.int64)),
        )
    )
    assert elements(ds["ours"]) == elements(ds["tf"])


def test_map_runs_user_code_on_our_tensors():
    tf = SIDES["ours"]
    seen = []

    def preprocess(x, y):
        seen.append(type(x).__name__)
        return tf.nn.relu(x - 1.0) * tf.cast(y, tf.float32), tf.one_hot(y, 2)

    x = np.array([[0.5, 2.0], [3.0, -1.0]], np.float32)
    out = list(tf.data.Dataset.from_tensor_slices((x, np.array([1, 0]))).map(preprocess).as_numpy_iterator())
    np.testing.assert_allclose(out[0][0], [0.0, 1.0])
    np.testing.assert_allclose(out[1][0], [0.0, 0.0])
    assert "Tensor" in seen


def test_a_map_graph_cannot_trace_still_has_a_spec():
    tf = SIDES["ours"]
    ds = tf.data.Dataset.range(1, 4).map(lambda v: np.arange(int(v.numpy())))  # numpy() needs values
    assert [a.tolist() for a in ds.as_numpy_iterator()] == [[0], [0, 1], [0, 1, 2]]
    assert list(ds.element_spec.shape) == [None]


@pytest.mark.parametrize("side", sorted(SIDES))
def test_text_lines_and_list_files(side, tmp_path):
    tf = SIDES[side]
    (tmp_path / "a.csv").write_text("x,y\n1,2\n3,4\n")
    (tmp_path / "b.csv").write_text("x,y\n5,6\n")
    files = tf.data.Dataset.list_files(str(tmp_path / "*.csv"), shuffle=False)
    assert [f.decode().rsplit("/", 1)[-1] for f in files.as_numpy_iterator()] == ["a.csv", "b.csv"]
    lines = files.flat_map(lambda f: tf.data.TextLineDataset(f).skip(1))
    assert list(lines.as_numpy_iterator()) == [b"1,2", b"3,4", b"5,6"]
    shuffled = tf.data.Dataset.list_files(str(tmp_path / "*.csv"), seed=1)
    assert sorted(shuffled.as_numpy_iterator()) == sorted(files.as_numpy_iterator())
