"""``tf.data.experimental``: the older spellings of names ``tf.data`` now has."""

from __future__ import annotations

from engine.data.base import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset


def Counter(start=0, step=1, dtype=None):  # noqa: N802 - TensorFlow's name
    return Dataset.counter(start, step, dtype)


def get_single_element(dataset):
    return dataset.get_single_element()


def cardinality(dataset):
    return dataset.cardinality()


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


__all__ = [
    "AUTOTUNE",
    "INFINITE_CARDINALITY",
    "UNKNOWN_CARDINALITY",
    "cardinality",
    "choose_from_datasets",
    "sample_from_datasets",
]
