"""``tf.compat.v1.disable_v2_behavior()``: TF1 everywhere from here on (graphs and sessions instead
of eager execution), and ``enable_v2_behavior()`` to go back."""

from engine.framework.context import disable_eager_execution, enable_eager_execution


def disable_v2_behavior() -> None:
    disable_eager_execution()


def enable_v2_behavior() -> None:
    enable_eager_execution()


__all__ = ["disable_v2_behavior", "enable_v2_behavior"]
