"""``tf.distribute.experimental``: where TensorFlow keeps ``ParameterServerStrategy``."""

from engine.distribute.parameter_server_strategy import ParameterServerStrategy

__all__ = ["ParameterServerStrategy"]
