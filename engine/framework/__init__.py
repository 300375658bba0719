"""The core every op and layer builds on, one concept per module:

- ``dtypes``, ``tensor_shape``: ``tf.float32`` and friends; static shapes with ``None`` dims.
- ``tensor``: ``Tensor`` (eager value or symbolic graph output) and its Python operators.
- ``op_registry``: ``register_op`` -- how an op is defined (kernel + gradient); read it first.
- ``execute``: ``apply_op`` runs an op eagerly (recording it on tapes) or adds a graph node.
- ``tape``: ``GradientTape``; ``gradients``: ``tf.gradients`` on graphs; ``toposort``: the
  iterative dependency order both graphs and sessions use.
- ``graph``: ``Graph``/``Operation``, default graph, name scopes, control dependencies, shape
  inference by probing kernels; ``placeholder``: graph inputs.
- ``variables``: ``Variable`` (eager state; VariableV2/Assign/read nodes in a graph).
- ``session``: ``Session``/``InteractiveSession`` and their cached execution plans.
- ``function``: ``tf.function`` tracing on top of the same plans.
- ``graph_export``: ``Graph.as_graph_def()`` for TensorBoard.
"""
