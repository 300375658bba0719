"""Keras on the engine: ``from engine import keras`` then ``keras.Sequential``, ``keras.layers.Dense``,
``model.compile/fit/evaluate/predict``, ``model.save("model.h5")`` in Keras's HDF5 layout."""

from engine.keras import (
    activations,
    backend,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from engine.keras.layers import Input
from engine.keras.models import Model, Sequential, load_model, model_from_json, model_from_yaml

__version__ = "2.15.0"  # the Keras API generation we follow (tf.keras 2 names, Keras 3 files load)

__all__ = ["Input", "Model", "Sequential", "activations", "backend", "callbacks", "initializers",
           "layers", "load_model", "losses", "metrics", "model_from_json", "model_from_yaml", "models",
           "optimizers", "regularizers", "utils"]
