"""Shared test helpers: where the fixtures live (``FIXTURES``, in the repo: tests/fixtures/), and
a guard that the suite leaves the repository's tracked files as it found them."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

# Real Keras 3 as tf.keras is (TensorFlow's backend): only there do its cross-entropies read the
# logits a softmax/sigmoid cached, as tf_keras's do. Set before any test module imports keras.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> pathlib.Path:
    return FIXTURES


def tracked_changes() -> str | None:
    """``git status`` of the tracked files (None outside a git checkout or without git)."""
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run([git, "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                            capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def _tracked_files_unchanged():
    """Tests and the code they run write to temporary folders only: the suite fails if a tracked
    file (a README screenshot, a fixture, a source file) changed while it ran."""
    before = tracked_changes()
    yield
    if before is None:
        return
    after = tracked_changes()
    if after != before:
        pytest.fail(f"the test session changed tracked files:\nbefore:\n{before}\nafter:\n{after}",
                    pytrace=False)


@pytest.fixture(scope="session")
def graph_logdir(tmp_path_factory) -> pathlib.Path:
    """Runs holding every kind of graph, written once a session by real TensorFlow and PyTorch
    (tests/board/graph_runs.py): the graph API and browser tests share them."""
    from tests.board.graph_runs import write_all

    return write_all(tmp_path_factory.mktemp("graphs"))
