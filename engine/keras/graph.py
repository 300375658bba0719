"""The model as a GraphDef for TensorBoard's graph dashboard: one name scope per layer (its
weights as variable nodes, its math as op nodes), edges labelled with output shapes."""

from __future__ import annotations

from tfevents.proto import graph_pb2, tensor_shape_pb2

_DTYPES = {"float16": 19, "float32": 1, "float64": 2, "int32": 3, "int64": 9, "bool": 10}

# The op nodes that stand for each layer's math, in order; the last one is the layer's output.
_OPS = {"Dense": ["MatMul", "BiasAdd"], "Conv2D": ["Conv2D", "BiasAdd"], "LSTM": ["LSTM"],
        "GRU": ["GRU"], "SimpleRNN": ["SimpleRNN"], "Embedding": ["GatherV2"],
        "Flatten": ["Reshape"], "Reshape": ["Reshape"], "Dropout": ["Dropout"],
        "MaxPooling2D": ["MaxPool"], "BatchNormalization": ["FusedBatchNormV3"],
        "Concatenate": ["ConcatV2"], "Add": ["AddV2"], "Activation": []}
_ACT_OPS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax", "elu": "Elu",
            "gelu": "Gelu", "hard_sigmoid": "HardSigmoid",
            "hard_sigmoid_keras3": "HardSigmoid", "softplus": "Softplus", "selu": "Selu",
            "swish": "Swish"}


def _shape(shape):
    proto = tensor_shape_pb2.TensorShapeProto()
    for d in shape:
        proto.dim.add(size=-1 if d is None else int(d))
    return proto


def _node(gd, name, op, inputs=(), dtype="float32", shape=None, out_shapes=None):
    node = gd.node.add(name=name, op=op)
    node.input.extend(inputs)
    node.attr["dtype" if op in ("Placeholder", "VarHandleOp") else "T"].type = _DTYPES.get(dtype, 1)
    if shape is not None:
        node.attr["shape"].shape.CopyFrom(_shape(shape))
    if out_shapes is not None:
        node.attr["_output_shapes"].list.shape.add().CopyFrom(_shape(out_shapes))
    return node


def model_graph_def(model):
    """A GraphDef of ``model``: inputs as Placeholders, each layer a scope ``layer_name/...``."""
    from engine.keras.layers.base import InputLayer

    gd = graph_pb2.GraphDef()
    gd.versions.producer = 1
    produced = {}  # id(KerasTensor) -> node name

    def emit_layer(layer, in_names, out_tensors):
        scope = layer.name
        if isinstance(layer, InputLayer):
            t = out_tensors[0]
            _node(gd, scope, "Placeholder", dtype=layer.dtype, shape=t.shape, out_shapes=t.shape)
            produced[id(t)] = scope
            return
        inputs = list(in_names)
        for w in layer.weights:
            wname = f"{scope}/{w.path.split('/', 1)[-1]}"
            _node(gd, wname, "VarHandleOp", dtype=str(w._value.dtype), shape=w._value.shape)
        weight_names = [f"{scope}/{w.path.split('/', 1)[-1]}" for w in layer.weights]
        ops = list(_OPS.get(type(layer).__name__, [type(layer).__name__]))
        act = getattr(layer, "activation", None)
        if act is not None and type(layer).__name__ not in ("LSTM", "GRU", "SimpleRNN"):
            from engine.keras import activations

            try:
                name = activations.op_name(act)
            except ValueError:
                name = "linear"
            if name in _ACT_OPS:
                ops.append(_ACT_OPS[name])
        if not ops:
            ops = ["Identity"]
        out_shape = out_tensors[0].shape if out_tensors else None
        prev = inputs
        for i, op in enumerate(ops):
            if op == "BiasAdd":
                extra = weight_names[-1:]
            elif i == 0:
                extra = weight_names[:-1] if "BiasAdd" in ops and getattr(layer, "use_bias", False) \
                    else weight_names
            else:
                extra = []
            name = f"{scope}/{op}"
            _node(gd, name, op, prev + extra, out_shapes=out_shape)
            prev = [name]
        for k, t in enumerate(out_tensors):
            produced[id(t)] = prev[0] if k == 0 else f"{prev[0]}:{k}"

    for node in model._nodes:  # a functional (or built Sequential) model's layer calls, in order
        in_names = [produced.get(id(t), "") for t in node.flat_inputs]
        emit_layer(node.layer, in_names, node.flat_outputs)
    return gd
