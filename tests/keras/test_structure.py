"""The layout's promises: saving finds classes in a registry instead of importing models and
layers, the Keras modules import one another in no circle, every exported class registers itself,
one resolver reads every kind of identifier, Keras's ops live in engine/ops with one activation
table, and models are classes (Model, Functional, Sequential) rather than a flag."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import engine
from engine import keras
from engine.framework.op_registry import get_op_def
from engine.keras import activations, initializers, layers, losses, metrics, optimizers, regularizers
from engine.keras.models import Functional, Model, Sequential
from engine.keras.saving import registry
from engine.ops import activation_ops, rnn_ops

ENGINE = Path(engine.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ENGINE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside functions; ``from a import b``
    is ``a.b`` (a module, or a name of the module ``a``)."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + [base]).strip(".")
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def _keras_modules() -> dict[str, Path]:
    files = list((ENGINE / "keras").rglob("*.py"))
    files += [ENGINE / "ops" / "fused_ops.py", ENGINE / "ops" / "activation_ops.py"]
    return {_module_name(f): f for f in files}


def test_saving_imports_no_model_or_layer():
    for path in (ENGINE / "keras" / "saving").rglob("*.py"):
        bad = sorted(m for m in _imports(path)
                     if m.startswith(("engine.keras.models", "engine.keras.layers")))
        assert not bad, f"{path.name} imports {bad}"


def test_keras_modules_import_each_other_in_no_circle():
    mods = _keras_modules()
    edges = {}
    for name, path in mods.items():
        targets = set()
        for imp in _imports(path):
            while imp and imp not in mods:
                imp = imp.rpartition(".")[0]
            if imp and imp != name:
                targets.add(imp)
        edges[name] = targets
    state, path = {}, []

    def visit(m):
        state[m] = "open"
        path.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                raise AssertionError(f"import circle: {' -> '.join(path[path.index(t):] + [t])}")
            if t not in state:
                visit(t)
        path.pop()
        state[m] = "done"

    for m in sorted(mods):
        if m not in state:
            visit(m)


def _public_classes(module, base):
    return {name: obj for name, obj in vars(module).items()
            if isinstance(obj, type) and issubclass(obj, base) and obj is not base
            and not name.startswith("_") and obj.__module__.startswith("engine.keras")}


@pytest.mark.parametrize(("kind", "module", "base", "opted_out"), [
    ("layer", layers, layers.Layer, ()),
    ("loss", losses, losses.Loss, ("LossFunctionWrapper",)),
    ("metric", metrics, metrics.Metric, ()),
    ("optimizer", optimizers, optimizers.Optimizer, ()),
    ("initializer", initializers, initializers.Initializer, ()),
    ("regularizer", regularizers, regularizers.Regularizer, ()),
])
def test_every_exported_class_is_registered_by_its_name(kind, module, base, opted_out):
    classes = _public_classes(module, base)
    assert len(classes) >= 3
    for name, cls in classes.items():
        if name in opted_out:
            assert registry.find(kind, name) is None
        else:
            assert registry.find(kind, cls.__name__) is cls, f"{kind} {name} is not registered"


def test_models_are_registered_and_loadable_by_name():
    for cls in (Model, Functional, Sequential):
        assert registry.find("layer", cls.__name__) is cls


def test_a_users_class_loads_only_when_given():
    class Doubler(layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    assert registry.find("layer", "Doubler") is None  # defined outside the engine: not registered
    config = {"class_name": "Doubler", "config": {"name": "doubler"}}
    with pytest.raises(ValueError, match="Unknown layer: 'Doubler'"):
        keras.saving.deserialize_layer(config)
    assert isinstance(keras.saving.deserialize_layer(config, {"Doubler": Doubler}), Doubler)


def test_one_resolver_reads_every_kind():
    """Each module's ``get`` is the registry's: a name in scope resolves through all of them,
    and the same identifier forms (name, config dict, instance) work for each."""

    def my_act(x):
        return x

    class MyLoss(losses.MeanSquaredError):
        pass

    custom = {"my_act": my_act, "my_init": initializers.Ones, "my_reg": regularizers.L2, "my_loss": MyLoss,
              "my_metric": metrics.MeanAbsoluteError, "my_opt": optimizers.Adagrad}
    with registry.custom_object_scope(custom):
        assert activations.get("my_act") is my_act
        assert isinstance(initializers.get("my_init"), initializers.Ones)
        assert isinstance(regularizers.get("my_reg"), regularizers.L2)
        assert isinstance(losses.get("my_loss"), MyLoss)
        assert isinstance(metrics.get("my_metric"), metrics.MeanAbsoluteError)
        assert isinstance(optimizers.get("my_opt"), optimizers.Adagrad)
    for module, name, cls in [(initializers, "GlorotUniform", initializers.GlorotUniform),
                              (regularizers, "L1L2", regularizers.L1L2),
                              (losses, "BinaryCrossentropy", losses.BinaryCrossentropy),
                              (metrics, "CategoricalAccuracy", metrics.CategoricalAccuracy),
                              (optimizers, "SGD", optimizers.SGD)]:
        obj = module.get({"class_name": name, "config": {}})
        assert type(obj) is cls and module.get(obj) is obj
    assert activations.get({"class_name": "function", "config": "relu"}) is activations.relu
    with pytest.raises(ValueError, match="unknown regularizer 'l3'"):
        regularizers.get("l3")


def test_no_keras_module_registers_an_op():
    for path in (ENGINE / "keras").rglob("*.py"):
        calls = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", getattr(n.func, "attr", None)) == "register_op"]
        assert not calls, f"{path} registers ops; they belong in engine/ops"


def test_one_activation_table():
    """tf.nn's activation ops, Keras's own and the fused recurrent ops run the same kernels."""
    for op, kernel in [("Relu", activation_ops.relu), ("Elu", activation_ops.elu),
                       ("Sigmoid", activation_ops.sigmoid), ("Tanh", activation_ops.tanh),
                       ("Softplus", activation_ops.softplus), ("HardSigmoid", activation_ops.hard_sigmoid),
                       ("KerasGelu", activation_ops.gelu)]:
        assert get_op_def(op).kernel is kernel, op
    assert rnn_ops._ACT is activation_ops.KERNELS
    x = np.linspace(-6, 6, 25).astype(np.float32)
    for name, kernel in activation_ops.KERNELS.items():
        buf = x.copy()
        np.testing.assert_allclose(kernel(buf, out=buf), kernel(x), rtol=1e-6, err_msg=name)


def test_models_are_classes_not_a_flag():
    for path in (ENGINE / "keras").rglob("*.py"):
        assert "_is_graph_network" not in path.read_text(), path
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    assert type(model) is Functional and isinstance(model, Model)
    seq = Sequential([layers.Dense(2, input_shape=(3,))])
    assert isinstance(seq, Functional) and [la.name for la in seq.layers] == [seq.layers[0].name]


def test_a_subclassed_model_trains_and_round_trips_its_weights(tmp_path, capsys):
    class TwoLayers(Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(2, activation="softmax")

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
    y = keras.utils.to_categorical((x[:, 0] > 0).astype(int), 2)
    model = TwoLayers()
    assert model.name == "two_layers" and not isinstance(model, Functional)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 3
    assert model.layers == [model.hidden, model.out] and len(model.weights) == 4
    model.summary()
    assert "Connected to" not in capsys.readouterr().out
    model.save_weights(tmp_path / "w.h5")
    other = TwoLayers()
    other(x[:1])
    other.load_weights(tmp_path / "w.h5")
    np.testing.assert_allclose(other.predict(x), model.predict(x), rtol=1e-6)


def test_a_subclass_handing_its_graph_to_model_init_is_functional():
    class Wrapped(Model):
        def __init__(self):
            inputs = keras.Input(shape=(3,))
            super().__init__(inputs, layers.Dense(2, name="proj")(inputs), name="wrapped")

    model = Wrapped()
    assert isinstance(model, Functional) and model.name == "wrapped"
    assert model.predict(np.ones((2, 3), np.float32)).shape == (2, 2)
    loaded = keras.models.model_from_json(model.to_json())
    assert type(loaded) is Functional and [la.name for la in loaded.layers][-1] == "proj"


def test_sequential_and_functional_run_the_same_graph_with_masks():
    """A Sequential model runs as the functional model of its chain: same outputs and the same
    masked loss (padded steps count for nothing) as the functional model of the same layers."""
    keras.utils.set_random_seed(1)
    ids = np.array([[3, 5, 0, 0], [2, 7, 1, 0]])
    y = np.random.default_rng(1).normal(size=(2, 4, 2)).astype(np.float32)
    seq = Sequential([layers.Embedding(10, 4, mask_zero=True, input_length=4),
                      layers.LSTM(3, return_sequences=True), layers.Dense(2)])
    inputs = keras.Input(shape=(4,), dtype="int64")
    x = inputs
    for layer in seq.layers:
        x = layer(x)
    functional = keras.Model(inputs, x)
    for model in (seq, functional):
        model.compile(optimizer="sgd", loss="mse")
    np.testing.assert_allclose(functional.predict(ids), seq.predict(ids), rtol=1e-6)
    loss = seq.evaluate(ids, y, verbose=0)
    assert functional.evaluate(ids, y, verbose=0) == pytest.approx(loss, rel=1e-6)
    out = seq.predict(ids)
    real = ids != 0
    assert loss == pytest.approx(float(np.square(out - y).mean(axis=-1)[real].mean()), rel=1e-5)
