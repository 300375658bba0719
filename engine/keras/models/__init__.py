"""Models, laid out as Keras 3 lays them out: ``model`` (the ``Model`` base: training, saving,
summary; a subclass defining ``call``), ``functional`` (``Model(inputs, outputs)``, the graph of
layer calls) and ``sequential`` (a stack of layers, a functional model once built). The file
functions are ``engine.keras.saving``'s."""

from engine.keras.models.cloning import clone_model
from engine.keras.models.functional import Functional
from engine.keras.models.model import Model
from engine.keras.models.sequential import Sequential
from engine.keras.saving import (
    load_model,
    model_from_config,
    model_from_json,
    model_from_yaml,
    save_model,
)

__all__ = ["Functional", "Model", "Sequential", "load_model", "model_from_config", "model_from_json",
           "model_from_yaml", "save_model", "clone_model"]
