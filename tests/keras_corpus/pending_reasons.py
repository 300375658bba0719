"""Why each script in ``pending/`` still fails on ours: the first divergence it meets (the xfail
reason; README.md's table says the same)."""

PENDING: dict[str, str] = {
    "functional_multi_io": (
        "predict() of a model built with outputs={'priority': ..., 'department': ...} returns a "
        'list, not a dict keyed by output name'
    ),
    "loop_metrics_tf_function": (
        'a @tf.function step traces into a TF1 graph: calling the Keras model on its placeholder '
        "raises 'tensor arg1:0 is symbolic ... has no value yet'"
    ),
    "prep_adapt_then_fit": (
        'there is no layers.Normalization (with adapt)'
    ),
    "prep_rescaling_in_model": (
        'there is no layers.Rescaling (nor GlobalAveragePooling2D)'
    ),
    "rnn_cell_wrapper": (
        'there is no layers.RNN / layers.LSTMCell'
    ),
}
