"""``keras.optimizers``: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl, the
learning-rate ``schedules``, and ``get``/``serialize``/``deserialize``. One module per optimizer
family, as Keras 3 lays them out; ``legacy`` names the same classes (tf.keras 2.11+'s
``keras.optimizers.legacy.Adam``: with ``lr``/``decay`` they behave as those did)."""

from engine.keras.optimizers import legacy, schedules
from engine.keras.optimizers.adagrad import Adadelta, Adagrad
from engine.keras.optimizers.adam import Adam, AdamW
from engine.keras.optimizers.adamax import Adamax, Nadam
from engine.keras.optimizers.base_optimizer import Optimizer
from engine.keras.optimizers.ftrl import Ftrl
from engine.keras.optimizers.rmsprop import RMSprop
from engine.keras.optimizers.sgd import SGD
from engine.keras.saving import registry

for _cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl):
    registry.register("optimizer", _cls, _cls.__name__.lower())
registry.define_kind("optimizer", Optimizer, from_callable=None, ignore_case=True)


def get(identifier) -> Optimizer:
    """An optimizer from a name (``'sgd'``, ``'adam'``, ``'adamw'``, ``'nadam'``...), a config, or
    itself."""
    return registry.get("optimizer", identifier)


def serialize(opt: Optimizer) -> dict:
    return {"class_name": type(opt).__name__, "config": opt.get_config()}


def deserialize(config: dict, custom_objects=None) -> Optimizer:
    """An optimizer from its config; Keras 2's legacy RMSprop and Adagrad (``legacy``) when the
    config says it came from one."""
    with registry.custom_object_scope(custom_objects):
        if isinstance(config, dict) and legacy.is_legacy_config(config):
            cls = legacy.LEGACY_CLASSES.get(config.get("class_name"))
            if cls is not None:
                return cls.from_config(config["config"])
        return registry.deserialize("optimizer", config)


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Nadam", "Optimizer",
           "RMSprop", "deserialize", "get", "legacy", "schedules", "serialize"]
