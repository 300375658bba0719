"""Why each script in ``pending/`` still fails on ours: the first divergence it meets (the xfail
reason; README.md's table says the same)."""

PENDING: dict[str, str] = {
    "loop_metrics_tf_function": (
        'a @tf.function step traces into a TF1 graph: calling the Keras model on its placeholder '
        "raises 'tensor arg1:0 is symbolic ... has no value yet'"
    ),
}
