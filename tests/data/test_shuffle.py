"""shuffle: the same multiset as TensorFlow, its buffer semantics (an element leaves only after
fewer than buffer_size elements were read ahead of it), seeded reproducibility and
reshuffle_each_iteration."""

from __future__ import annotations

import collections

import pytest

from tests.data.peers import SIDES, both


def values(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


@pytest.mark.parametrize("buffer_size", [1, 3, 10, 100])
def test_same_multiset(buffer_size):
    ds = both(lambda tf: tf.data.Dataset.range(50).repeat(2).shuffle(buffer_size, seed=3))
    assert collections.Counter(values(ds["ours"])) == collections.Counter(values(ds["tf"]))


def test_buffer_of_one_keeps_the_order():
    ds = both(lambda tf: tf.data.Dataset.range(20).shuffle(1))
    assert values(ds["ours"]) == values(ds["tf"]) == list(range(20))


@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("buffer_size", [2, 5])
def test_an_element_leaves_within_its_buffer_window(side, buffer_size):
    """Output i can only be an input among the first i + buffer_size: both sides obey it, and
    over many seeds every slot of the window is reached."""
    tf = SIDES[side]
    reached = set()
    for seed in range(30):
        out = values(tf.data.Dataset.range(12).shuffle(buffer_size, seed=seed))
        for i, v in enumerate(out):
            assert v < i + buffer_size, (side, seed, out)
        reached.add(out[0])
    assert reached == set(range(buffer_size))


@pytest.mark.parametrize("side", sorted(SIDES))
def test_a_seed_reproduces_the_order(side):
    tf = SIDES[side]
    tf.random.set_seed(7)
    first = values(tf.data.Dataset.range(30).shuffle(30, seed=11))
    tf.random.set_seed(7)
    again = values(tf.data.Dataset.range(30).shuffle(30, seed=11))
    assert first == again and first != list(range(30))


@pytest.mark.parametrize("side", sorted(SIDES))
def test_reshuffle_each_iteration(side):
    tf = SIDES[side]
    ds = tf.data.Dataset.range(30).shuffle(30, seed=5)
    assert values(ds) != values(ds)  # each pass its own order (the default)
    fixed = tf.data.Dataset.range(30).shuffle(30, seed=5, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    epochs = values(tf.data.Dataset.range(10).shuffle(10, seed=1).repeat(2))
    assert sorted(epochs[:10]) == sorted(epochs[10:]) == list(range(10))
    assert epochs[:10] != epochs[10:]
    same = values(tf.data.Dataset.range(10).shuffle(10, seed=1, reshuffle_each_iteration=False).repeat(2))
    assert same[:10] == same[10:]


@pytest.mark.parametrize("side", sorted(SIDES))
def test_shuffle_after_batch_moves_whole_batches(side):
    tf = SIDES[side]
    out = [list(b) for b in tf.data.Dataset.range(12).batch(3).shuffle(4, seed=0).as_numpy_iterator()]
    assert sorted(out) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]


def test_cardinality_and_spec_kept():
    ds = both(lambda tf: tf.data.Dataset.range(9).batch(2).shuffle(3))
    assert int(ds["ours"].cardinality()) == int(ds["tf"].cardinality()) == 5
    assert tuple(ds["ours"].element_spec.shape) == tuple(ds["tf"].element_spec.shape)


def test_zero_buffer_is_refused_as_tensorflow_refuses_it():
    real = SIDES["tf"]
    with pytest.raises(real.errors.InvalidArgumentError) as theirs:
        real.data.Dataset.range(3).shuffle(0)
    ours = SIDES["ours"]
    with pytest.raises(
        ours.errors.InvalidArgumentError, match="buffer_size must be greater than zero"
    ) as got:
        ours.data.Dataset.range(3).shuffle(0)
    assert str(got.value) in str(theirs.value)
