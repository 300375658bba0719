"""Why each script in ``pending/`` still fails on ours: the first divergence it meets (the xfail
reason; README.md's table says the same)."""

PENDING: dict[str, str] = {
    "custom_fit_test_step": (
        "evaluate() ignores an overridden test_step: it returns the compiled loss, not the step's "
        "{'worst': ...}"
    ),
    "functional_multi_io": (
        "predict() of a model built with outputs={'priority': ..., 'department': ...} returns a "
        'list, not a dict keyed by output name'
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
        "a custom layer's symbolic output shape is its input shape ((None, 8)) instead of what "
        'call() returns ((None, 4) and (None, 4, 2))'
    ),
    "loop_tf_data": (
        'there is no tf.data (Dataset.from_tensor_slices(...).batch(...))'
    ),
    "mask_compute_mask_layer": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
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
