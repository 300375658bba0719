"""Keras on the engine: ``from engine import keras`` then ``keras.Sequential``, ``keras.layers.Dense``,
``model.compile/fit/evaluate/predict``, ``model.save("model.h5")`` in Keras's HDF5 layout.

Module map (Keras 3's layout):

* ``layers/`` - ``base`` (Layer, Input, KerasTensor, Node), ``core`` (Dense, Activation, Flatten,
  Reshape, Dropout), ``embeddings``, ``recurrent`` (SimpleRNN, GRU, LSTM), ``convolutional``
  (Conv2D, MaxPooling2D), ``normalization`` (BatchNormalization), ``merge`` (Concatenate, Add).
* ``models/`` - ``model`` (the Model base; a subclass defining ``call``), ``functional``
  (``Model(inputs, outputs)``), ``sequential``; ``training`` - compile/fit/evaluate/predict/
  train_on_batch; ``callbacks/`` - one module per callback (``tensorboard`` among them).
* ``losses``, ``metrics``, ``optimizers``, ``activations``, ``initializers``, ``regularizers``:
  their classes and names register in ``saving.registry``, whose ``get`` resolves them all.
* ``saving/`` - ``registry``, JSON/YAML configs, legacy .h5 (Keras 2 and 3 layouts), Keras 3
  .keras (read).
* ``ops`` - Keras 3's op namespace (``keras.ops.matmul``...), on the engine's ops, also on
  KerasTensors (a node of the functional graph).
* ``backend`` - floatx, layer names, random numbers, KerasVariable; ``graph`` - the model as a
  GraphDef for TensorBoard. Keras's own ops (fused Dense, Embedding lookup, hard_sigmoid, gelu,
  the recurrent layers') are in ``engine/ops`` (``fused_ops``, ``rnn_ops``), the activations'
  math in ``engine/ops/activation_ops.py``.
"""

from engine.keras import (
    activations,
    backend,
    callbacks,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    saving,
    utils,
)
from engine.keras.layers import Input
from engine.keras.models import Model, Sequential, load_model, model_from_json, model_from_yaml

__version__ = "2.15.0"  # the Keras API generation we follow (tf.keras 2 names, Keras 3 files load)

__all__ = ["Input", "Model", "Sequential", "activations", "backend", "callbacks", "initializers",
           "layers", "load_model", "losses", "metrics", "model_from_json", "model_from_yaml", "models",
           "ops", "optimizers", "regularizers", "saving", "utils", "constraints"]
