"""Small argument helpers the newer layer modules share: tuples of ints, data formats, and
weight constraints (callables, as the optimizer applies them after each step)."""

from __future__ import annotations


def int_tuple(value, n, what):
    if isinstance(value, int):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"{what} must be an int or a tuple of {n} ints, got {value!r}")
    return value


def data_format(value):
    fmt = value or "channels_last"
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return fmt


def constraint(value, what):
    """None or a callable ``w -> w``; a constraint named in a config needs its class here."""
    if value is None or callable(value):
        return value
    if isinstance(value, dict):
        from engine.keras.saving import registry

        known = "constraint" in registry._KINDS  # a constraints module may register them
        cls = registry.find("constraint", value.get("class_name")) if known else None
        if cls is not None:
            return cls.from_config(dict(value.get("config") or {}))
    raise NotImplementedError(f"{what}={value!r:.100}: only callables (or None) are supported as constraints")


def serialize_constraint(value):
    if value is None:
        return None
    get_config = getattr(value, "get_config", None)
    return {"class_name": type(value).__name__, "config": get_config() if get_config else {}}


def set_kernel_bias_options(layer, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                            kernel_constraint, bias_constraint):
    """The six kernel/bias options of a layer with a kernel and a bias, read as Keras reads them."""
    from engine.keras import initializers, regularizers

    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.bias_regularizer = regularizers.get(bias_regularizer)
    layer.kernel_constraint = constraint(kernel_constraint, "kernel_constraint")
    layer.bias_constraint = constraint(bias_constraint, "bias_constraint")


def kernel_bias_config(layer):
    """Those options as Keras writes them into a config."""
    from engine.keras import initializers, regularizers

    return {"kernel_initializer": initializers.serialize(layer.kernel_initializer),
            "bias_initializer": initializers.serialize(layer.bias_initializer),
            "kernel_regularizer": regularizers.serialize(layer.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(layer.bias_regularizer),
            "activity_regularizer": None,
            "kernel_constraint": serialize_constraint(layer.kernel_constraint),
            "bias_constraint": serialize_constraint(layer.bias_constraint)}
