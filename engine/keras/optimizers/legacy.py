"""``keras.optimizers.legacy`` (tf.keras 2.11 to 2.15): the same optimizers; Keras 2's ``lr`` and
``decay`` arguments, which its legacy optimizers took, work on every one of them."""

from engine.keras.optimizers.adagrad import Adadelta, Adagrad
from engine.keras.optimizers.adam import Adam
from engine.keras.optimizers.adamax import Adamax, Nadam
from engine.keras.optimizers.base_optimizer import Optimizer
from engine.keras.optimizers.ftrl import Ftrl
from engine.keras.optimizers.rmsprop import RMSprop
from engine.keras.optimizers.sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop"]
