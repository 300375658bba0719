"""Mutated model files (issue 20, item 7): files ours, tf_keras and Keras 3 write in this run, each
mutated by ``model_mutations.mutate`` (bits flipped, truncations, zeroed ranges, HDF5 edits made
with h5py, JSON config edits), loaded in this process: every one loads or raises the one
``ModelFileError``, and the process survives (h5py runs in the helper). A bigger campaign:
``python bench/model_file_fuzz.py``."""

from __future__ import annotations

import collections
import os
import warnings

import numpy as np
import pytest

from engine.keras.saving import ModelFileError, untrusted
from tests.security import model_mutations

PER_FILE = 60


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return model_mutations.base_files(str(tmp_path_factory.mktemp("base")))


@pytest.mark.parametrize("name", ["ours.h5", "ours-weights.h5", "tf_keras.h5", "keras3.keras"])
def test_every_mutation_loads_or_is_one_clear_error(base, tmp_path, monkeypatch, name):
    # a damaged file can send HDF5 into an endless loop: the helper is given 3 s, not 30
    monkeypatch.setattr(untrusted, "OPEN_TIMEOUT", 3.0)
    outcomes, wrong = collections.Counter(), []
    for i in range(PER_FILE):
        out = str(tmp_path / f"{i}-{name}")
        what = model_mutations.mutate(base[name], np.random.default_rng([i, len(name)]), out)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model_mutations.load(out)
            outcomes["loaded"] += 1
        except ModelFileError as e:
            assert os.path.basename(out) in str(e)
            outcomes["ModelFileError"] += 1
        except Exception as e:  # noqa: BLE001 - what the test is looking for
            wrong.append(f"{what}: {type(e).__name__}: {e}"[:300])
        os.unlink(out)
    assert not wrong, f"{len(wrong)} of {PER_FILE} mutations of {name} raised something else:\n" + \
        "\n".join(wrong)
    assert outcomes["ModelFileError"] > PER_FILE // 4, outcomes
