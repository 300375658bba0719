"""The core every op and layer builds on, one concept per module. It imports none of the layers
above it (ops, Keras, distribute, summary): ``tests/engine/test_layering.py`` checks.

- ``context``: the execution context -- graph stack, name scopes, eager flag, active tapes,
  default sessions, strategy scope, random seed; per thread where TensorFlow's is.
- ``dtypes``, ``tensor_shape``: ``tf.float32`` and friends; static shapes with ``None`` dims.
- ``tensor``: ``Tensor`` (eager value or symbolic graph output); ``engine.ops`` installs its
  Python operators.
- ``op_registry``: ``register_op`` -- how an op is defined (kernel + gradient); read it first.
- ``execute``: ``apply_op`` runs an op eagerly (recording it on tapes) or adds a graph node.
- ``backprop``: the backward walk; ``tape``: ``GradientTape``; ``gradients``: ``tf.gradients`` on
  graphs (both run the walk); ``toposort``: the iterative dependency order graphs and sessions use.
- ``graph``: ``Graph``/``Operation``, name scopes, control dependencies, shape inference by
  probing kernels; ``placeholder``: graph inputs.
- ``variables``: ``Variable`` (eager state; VariableV2/Assign/read nodes in a graph).
- ``session``: ``Session``/``InteractiveSession`` and their cached execution plans.
- ``function``: ``tf.function`` tracing on top of the same plans.
- ``graph_export``: ``Graph.as_graph_def()`` for TensorBoard.
"""
