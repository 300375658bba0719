"""The diagnostics on a labelled corpus trained in this session by real Keras 3, tf_keras,
PyTorch and our engine (``tests/diagnostics/corpus``): every sick kind gets its cause (recall
>= 0.9), healthy runs get no finding, and a flagged run's diagnosis names its real cause
(precision >= 0.95) -- on the whole corpus and on the runs real Keras's own TensorBoard
callback logged. ``python -m tests.diagnostics.corpus`` prints the same numbers as a table."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.board.process import board_command
from tests.diagnostics.corpus import evaluate, runs


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("diagnostics_corpus")
    runs.generate(logdir)
    return logdir, evaluate.score(logdir)


def test_corpus_is_labelled_and_large_enough():
    assert len(runs.RUNS) >= 40
    assert {r.framework for r in runs.RUNS} == set(runs.FRAMEWORKS)
    assert set(runs.EXPECTED) == {r.label for r in runs.RUNS}
    assert len({r.name for r in runs.RUNS}) == len(runs.RUNS)
    healthy_shapes = {r.options.get("shape", "mlp") for r in runs.RUNS if r.label == "healthy"}
    assert {"mlp", "cnn", "lstm"} <= healthy_shapes


def test_every_sick_kind_is_recalled(corpus):
    _, scores = corpus
    print("\n" + evaluate.confusion_table(scores))
    low = {label: r for label, r in scores.recall.items() if r < 0.9}
    assert low == {}, evaluate.confusion_table(scores)


def test_healthy_runs_get_no_finding_and_diagnoses_are_precise(corpus):
    _, scores = corpus
    assert scores.healthy_clean >= 0.95, evaluate.confusion_table(scores)
    assert scores.precision >= 0.95, evaluate.confusion_table(scores)


def test_runs_logged_by_real_keras_callbacks(corpus):
    """The same on the runs whose event files Keras 3's and tf_keras's TensorBoard wrote."""
    logdir, _ = corpus
    keras_runs = [r for r in runs.RUNS if r.framework in ("keras3", "tf_keras")]
    assert len(keras_runs) >= 14 and len({r.label for r in keras_runs}) >= 7
    scores = evaluate.score(logdir, keras_runs)
    assert min(scores.recall.values()) >= 0.9, evaluate.confusion_table(scores, keras_runs)
    assert scores.precision >= 0.95 and scores.healthy_clean == 1.0


def test_one_diagnosis_per_run_and_tag_with_evidence(corpus):
    _, scores = corpus
    for name, found in scores.findings.items():
        keys = [(f.run, t) for f in found for t in f.tags]
        assert len(keys) == len(set(keys)), (name, [(f.run, f.tags, f.kind) for f in found])
        for f in found:
            assert f.cause and f.advice and f.evidence, f
            assert all(isinstance(v, (int, float)) for v in f.evidence.values()), f.evidence
            assert f.advice in f.message


def test_keras_lr_10_is_stuck_at_chance_not_a_weight_note(corpus):
    """The issue's first case: SGD at 10 collapses to chance; the diagnosis says so, with the
    blow-up as its cause and the numbers behind it."""
    _, scores = corpus
    for name in ("keras3-sgd_lr10", "tf_keras-sgd_lr10"):
        (stuck,) = [f for f in scores.findings[name]
                    if f.run.endswith("train") and f.kind == "stuck_at_chance"]
        assert stuck.severity == "error" and stuck.cause == "learning_rate_too_high"
        assert stuck.evidence["classes"] == 10 and stuck.evidence["accuracy"] < 0.15
        assert stuck.evidence["loss"] >= 0.9 * stuck.evidence["chance_loss"]
        assert "Lower the learning rate" in stuck.advice
        assert not any(f.cause == "learning_rate_too_low" for f in scores.findings[name])


def test_overfitting_names_the_epoch_to_restore(corpus):
    _, scores = corpus
    for name in ("tf_keras-30_samples", "torch-30_samples", "engine-30_samples"):
        (f,) = [f for f in scores.findings[name] if f.kind == "overfitting"]
        assert f.evidence["best_step"] < f.evidence["onset_step"]
        assert f"Restore the weights of step {f.evidence['best_step']}" in f.advice


def test_cli_json_carries_the_evidence(corpus):
    logdir, _ = corpus
    command = [*board_command(), "diagnose", "--logdir", str(logdir / "torch-relu_rnn"), "--json"]
    result = subprocess.run(command,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    (f,) = [f for f in json.loads(result.stdout)["findings"] if f["kind"] == "exploding_gradients"]
    assert f["cause"] == "exploding_gradients" and f["evidence"]["rms_peak"] >= 1e3
    assert f["tags"][0] == f["tag"] and len(f["tags"]) >= 2
