"""Lambda: a layer around a Python function, ``Lambda(lambda x: x * 2)``.

Its config stores the function as Keras 2 does: a named function by name (loading finds it in
``custom_objects``), a ``lambda`` as marshalled bytecode. Rebuilding that bytecode runs code from
the file, so loading refuses it unless the caller passes ``safe_mode=False`` (as Keras 3 does);
both Keras 2's form and Keras 3's (``{"class_name": "__lambda__", "config": {"code": ...}}``) load.
"""

from __future__ import annotations

import base64
import inspect
import marshal
import sys
import types

import numpy as np

from engine.framework.tensor import Tensor
from engine.keras.layers.base import Layer, _map, _shape_tuple
from engine.keras.saving import registry

UNSAFE_MESSAGE = ("Refusing to rebuild the Python lambda of Lambda layer {name!r} from its config: that "
                  "runs code stored in the file. If you trust the file, load it with safe_mode=False.")


def func_dump(fn):
    """(base64 bytecode, defaults, closure values): Keras's form for a lambda."""
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return code, fn.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The function ``func_dump`` wrote. Runs bytecode from a config: callers check safe mode."""
    try:
        raw = marshal.loads(base64.decodebytes(code.encode("ascii")))
    except (ValueError, EOFError, TypeError) as e:
        raise ValueError(f"cannot read the lambda's bytecode (written by another Python version?): {e}") \
            from None
    if not isinstance(raw, types.CodeType):
        raise ValueError("the stored lambda is not Python bytecode")
    cells = tuple(types.CellType(v) for v in closure) if closure is not None else None
    return types.FunctionType(raw, globs if globs is not None else {}, raw.co_name,
                              tuple(defaults) if defaults is not None else None, cells)


def _globals(module):
    # The names Keras's lambdas are written with (loaded already: this runs while loading a model).
    globs = {"tf": sys.modules.get("engine"), "keras": sys.modules.get("engine.keras"),
             "K": sys.modules.get("engine.keras.backend"), "np": np}
    if module in sys.modules:
        globs.update(sys.modules[module].__dict__)
    return globs


def _load_function(value, kind, module, name):
    """A function from its Keras 2 (``value``, ``kind``) or Keras 3 (a dict) config."""
    if value is None or kind == "raw":
        return value
    if isinstance(value, dict):  # Keras 3
        if value.get("class_name") == "__lambda__":
            kind, inner = "lambda", value.get("config") or {}
            value = (inner.get("code"), inner.get("defaults"), inner.get("closure"))
        else:
            kind, value = "function", value.get("config")
    if kind == "function":
        fn = registry.find("activation", value) if isinstance(value, str) else None
        if fn is None:
            raise ValueError(f"Lambda layer {name!r} calls the function {value!r}: pass it in "
                             f"custom_objects={{{value!r}: {value}}} to load this config")
        return fn
    if kind == "lambda":
        if registry.in_safe_mode():
            raise ValueError(UNSAFE_MESSAGE.format(name=name))
        code, defaults, closure = (list(value) + [None, None])[:3] if isinstance(value, (list, tuple)) \
            else (value, None, None)
        return func_load(code, defaults, closure, globs=_globals(module))
    raise ValueError(f"Lambda layer {name!r}: unknown function type {kind!r}")


def _dump_function(fn):
    """(value, type, module) as Keras 2 writes them."""
    if fn is None:
        return None, "raw", None
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        return list(func_dump(fn)), "lambda", fn.__module__
    if callable(fn):
        return fn.__name__, "function", getattr(fn, "__module__", None)
    return (list(fn) if isinstance(fn, tuple) else fn), "raw", None


class Lambda(Layer):
    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        for key in ("module", "function_type", "output_shape_type", "output_shape_module", "mask_type",
                    "mask_module"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda needs a callable, got {function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        params = inspect.signature(function).parameters if _has_signature(function) else {}
        self._takes = {k for k in ("mask", "training") if k in params}

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if "mask" in self._takes:
            kwargs["mask"] = mask
        if "training" in self._takes:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._infer_shape(input_shape)
        if callable(self._output_shape):
            return _map_shape(self._output_shape(input_shape))
        shape = _shape_tuple(self._output_shape)
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch,) + shape

    def _infer_shape(self, input_shape):
        """Run the function on zeros shaped like the input (unknown sizes 2) to learn its output
        shape; the batch axis stays unknown."""
        from engine.framework.tensor import eager

        def dummy(shape):
            return eager(np.zeros(tuple(2 if d is None else d for d in shape), self.dtype))

        is_shape = isinstance(input_shape, tuple) and all(d is None or isinstance(d, int)
                                                          for d in input_shape)
        x = dummy(input_shape) if is_shape else [dummy(s) for s in input_shape]
        out = self.call(x)
        return _map(lambda t: (None,) + tuple(np.shape(t.numpy() if isinstance(t, Tensor) else t))[1:], out)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        fn, fn_type, module = _dump_function(self.function)
        shape, shape_type, shape_module = _dump_function(self._output_shape)
        config = {**super().get_config(), "function": fn, "function_type": fn_type, "module": module,
                  "output_shape": shape, "output_shape_type": shape_type,
                  "output_shape_module": shape_module, "arguments": self.arguments}
        if self.mask is not None:
            mask, mask_type, mask_module = _dump_function(self.mask)
            config.update(mask=mask, mask_type=mask_type, mask_module=mask_module)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        name = config.get("name")
        config["function"] = _load_function(config.get("function"), config.pop("function_type", None),
                                            config.pop("module", None), name)
        shape_type = config.pop("output_shape_type", "raw")
        config["output_shape"] = _load_function(config.get("output_shape"), shape_type,
                                                config.pop("output_shape_module", None), name)
        if "mask" in config:
            config["mask"] = _load_function(config["mask"], config.pop("mask_type", "raw"),
                                            config.pop("mask_module", None), name)
        for key, value in dict(config.get("arguments") or {}).items():
            if isinstance(value, dict) and value.get("type") == "ndarray":
                config["arguments"][key] = np.array(value["value"])
        return cls(**config)


def _has_signature(fn):
    try:
        inspect.signature(fn)
        return True
    except (TypeError, ValueError):
        return False


def _map_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)
