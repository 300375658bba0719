"""Why each script in ``pending/`` still fails on ours: the first divergence it meets (the xfail
reason; README.md's table says the same)."""

PENDING: dict[str, str] = {
    "custom_fit_test_step": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "layer_add_loss": (
        "Layer has no add_loss() (and there is no keras.ops (Keras 3's op namespace, used by every "
        "Keras 3 guide's custom layer))"
    ),
    "layer_get_config": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "layer_lazy_build": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "layer_nested_tracking": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "layer_non_trainable_weights": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "layer_symbolic_output_shape": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "loop_metrics_tf_function": (
        'a @tf.function step traces into a TF1 graph: calling the Keras model on its placeholder '
        "raises 'tensor arg1:0 is symbolic ... has no value yet'"
    ),
    "loop_tf_data": (
        'there is no tf.data (Dataset.from_tensor_slices(...).batch(...))'
    ),
    "mask_compute_mask_layer": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "save_custom_objects": (
        'there is no keras.utils.register_keras_serializable'
    ),
    "train_custom_loss_function": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "train_custom_metric": (
        "Metric has no add_variable() (Keras 3's name; the metric's state is never created)"
    ),
}
