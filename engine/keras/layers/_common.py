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
