"""Why each script in ``pending/`` still fails on ours: the first divergence it meets (the xfail
reason; README.md's table says the same)."""

PENDING: dict[str, str] = {
    "custom_fit_loss_tracker": (
        "fit() refuses a model compiled without a loss ('the model was compiled without a loss') "
        'instead of running the overridden train_step and its own Mean trackers'
    ),
    "custom_fit_test_step": (
        "evaluate() ignores an overridden test_step: it returns the compiled loss, not the step's "
        "{'worst': ...}"
    ),
    "custom_fit_train_step_keras2": (
        'fit() never calls an overridden train_step (compiled_loss/compiled_metrics path)'
    ),
    "custom_fit_train_step_keras3": (
        'fit() never calls an overridden train_step (compute_loss/optimizer.apply path)'
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
    "loop_gradient_tape": (
        'optimizer.iterations is a Python int, not a variable (no .numpy())'
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
    "mask_masking_layer": (
        'there is no layers.Masking'
    ),
    "mask_pad_sequences": (
        'there is no keras.utils.pad_sequences'
    ),
    "prep_adapt_then_fit": (
        'there is no layers.Normalization (with adapt)'
    ),
    "prep_normalization_adapt": (
        'there is no layers.Normalization (with adapt)'
    ),
    "prep_rescaling_in_model": (
        'there is no layers.Rescaling (nor GlobalAveragePooling2D)'
    ),
    "rnn_bidirectional": (
        'there is no layers.Bidirectional'
    ),
    "rnn_cell_wrapper": (
        'there is no layers.RNN / layers.LSTMCell'
    ),
    "save_clone_model": (
        'there is no keras.models.clone_model'
    ),
    "save_custom_objects": (
        'there is no keras.utils.register_keras_serializable'
    ),
    "sequential_add_pop": (
        "model.output_shape raises 'layer sequential has never been called, so it has no output' on"
        ' a built Sequential'
    ),
    "train_custom_loss_function": (
        "there is no keras.ops (Keras 3's op namespace, used by every Keras 3 guide's custom layer)"
    ),
    "train_custom_metric": (
        "Metric has no add_variable() (Keras 3's name; the metric's state is never created)"
    ),
    "train_multiple_metrics": (
        'there are no metrics.AUC / Precision / Recall'
    ),
}
