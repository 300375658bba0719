"""A labelled corpus of training runs, healthy and sick, trained on the spot by real Keras 3,
tf_keras, PyTorch and our engine, and the diagnostics' confusion table over it.

    python -m tests.diagnostics.corpus [--logdir DIR] [--only keras3,torch]

trains every run (about a minute on one core), diagnoses the logdir as ``board diagnose`` does
and prints the table; ``tests/diagnostics/test_corpus.py`` asserts on the same numbers."""
