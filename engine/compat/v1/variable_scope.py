"""TF1's variable sharing: ``tf.variable_scope`` and ``tf.get_variable``.

A variable's name depends only on the variable scopes around ``get_variable`` (not on name
scopes): ``with tf.variable_scope("foo"): tf.get_variable("w", [2])`` is ``foo/w:0``. Each graph
keeps a store of the variables ``get_variable`` made, by full name, and the open scopes' counts
(so ``variable_scope(None, default_name="dense")`` gives ``dense``, ``dense_1``...). Asking for a
name that exists raises unless the scope reuses (``reuse=True``) or auto-reuses
(``tf.AUTO_REUSE``); asking a reusing scope for a name that does not exist raises too, with
TensorFlow's messages. Eagerly, as in TensorFlow 2, every ``get_variable`` makes a new variable.
"""

from __future__ import annotations

import inspect
import os
import traceback

import numpy as np

from engine.compat.v1 import init_ops
from engine.framework import dtypes
from engine.framework.context import executing_eagerly, get_default_graph
from engine.framework.tensor import Tensor
from engine.framework.tensor_shape import TensorShape
from engine.framework.variables import Variable


class _ReuseMode:
    """``tf.AUTO_REUSE``: make a variable when missing, return it when it exists."""

    def __repr__(self) -> str:
        return "AUTO_REUSE"


AUTO_REUSE = _ReuseMode()

_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
_STORE_KEY = "__variable_store"
_SCOPE_STORE_KEY = "__varscope"


class VariableScope:
    """The defaults ``get_variable`` takes from the scope it runs in: the name prefix, ``reuse``,
    ``initializer``, ``regularizer``, ``dtype``."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._reuse = AUTO_REUSE if executing_eagerly() else reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._constraint = constraint
        self.caching_device, self.partitioner, self.custom_getter = caching_device, partitioner, custom_getter
        self.use_resource = use_resource

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    dtype = property(lambda self: self._dtype)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self) -> None:
        """From here on, this scope returns existing variables instead of making new ones."""
        self._reuse = True

    def set_initializer(self, initializer) -> None:
        self._initializer = initializer

    def set_regularizer(self, regularizer) -> None:
        self._regularizer = regularizer

    def set_dtype(self, dtype) -> None:
        self._dtype = dtypes.as_dtype(dtype)

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     reuse=None, trainable=None, collections=None, **unused):
        if executing_eagerly():
            reuse = False
        elif reuse is None:
            reuse = self._reuse
        full_name = f"{self._name}/{name}" if self._name else name
        if dtype is not None and initializer is not None and not callable(initializer):
            init_dtype = _constant_dtype(initializer)
            if init_dtype != dtypes.as_dtype(dtype):
                raise ValueError(f"Initializer type '{init_dtype!r}' and explicit dtype "
                                 f"'{dtypes.as_dtype(dtype)!r}' don't match.")
        def true_getter(name, shape=None, dtype=None, initializer=None, regularizer=None, reuse=None,
                        trainable=None, collections=None, **unused):
            return var_store.get_variable(name, shape, dtype, initializer, regularizer, reuse, trainable,
                                          collections)

        args = {"shape": shape, "dtype": dtype if dtype is not None else self._dtype,
                "initializer": initializer if initializer is not None else self._initializer,
                "regularizer": regularizer if regularizer is not None else self._regularizer,
                "reuse": reuse, "trainable": trainable, "collections": collections}
        with get_default_graph().name_scope(None):
            if self.custom_getter is not None:
                return self.custom_getter(true_getter, full_name, **args)
            return true_getter(full_name, **args)

    def __repr__(self) -> str:
        return f"<tf.VariableScope {self._name!r} reuse={self._reuse}>"


def _constant_dtype(value) -> dtypes.DType:
    if isinstance(value, Tensor):
        return value.dtype
    from engine.framework.tensor import to_array

    return dtypes.as_dtype(to_array(value).dtype)


class _VariableStore:
    """The variables of one graph that ``get_variable`` made, by full name."""

    def __init__(self):
        self.vars: dict[str, Variable] = {}
        self.origins: dict[str, list] = {}  # name -> the user's frames that made it, innermost first

    def get_variable(self, name, shape, dtype, initializer, regularizer, reuse, trainable, collections):
        dtype = dtypes.as_dtype(dtype)
        from_value = initializer is not None and not callable(initializer)
        if shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        shape = None if shape is None else TensorShape(shape)
        if name in self.vars:
            if reuse is False:
                raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                                 f"reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n"
                                 + "".join(traceback.format_list(self.origins.get(name, []))))
            found = self.vars[name]
            if shape is not None and not shape.is_compatible_with(found.shape):
                raise ValueError(f"Trying to share variable {name}, but specified shape {shape} and found "
                                 f"shape {found.shape}.")
            if dtype != found.dtype:
                raise ValueError(f"Trying to share variable {name}, but specified dtype {dtype.name} and "
                                 f"found dtype {found.dtype.name}.")
            return found
        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with tf.get_variable(). "
                             f"Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
        variable = _new_variable(name, shape, dtype, initializer, from_value,
                                 True if trainable is None else trainable, collections)
        if not executing_eagerly():
            self.vars[name] = variable
            frames = traceback.extract_stack()[::-1]
            self.origins[name] = [f for f in frames if not f.filename.startswith(_ENGINE_DIR)][:5]
        if regularizer is not None:
            graph = get_default_graph()
            with graph.name_scope(name + "/Regularizer/"):
                penalty = regularizer(variable)
            if penalty is not None:
                graph.add_to_collection("regularization_losses", penalty)
        return variable


def _new_variable(name, shape, dtype, initializer, from_value, trainable, collections) -> Variable:
    if initializer is None:
        if shape is None:
            raise ValueError(f"Variable {name} did not get an initializer, so its `shape` argument must be "
                             f"specified.")
        if dtype.is_floating:
            initializer = init_ops.GlorotUniform()
        elif dtype.is_integer or dtype.is_bool or dtype == dtypes.string:
            initializer = init_ops.Zeros()
        else:  # pragma: no cover - every dtype we have is one of the above
            raise ValueError(f"An initializer for variable {name} of {dtype!r} is required")
    graph = get_default_graph()
    with graph.name_scope(name + "/Initializer/"), graph.control_dependencies(None):
        if from_value:
            value = initializer
        else:
            if inspect.isclass(initializer):
                initializer = initializer()
            if shape is not None and shape.is_fully_defined:
                value = initializer(shape.as_list(), dtype=dtype)
            elif _takes_no_arguments(initializer):
                value = initializer()
            else:
                raise ValueError("The initializer passed is not valid. It should be a callable with no "
                                 "arguments and the shape should not be provided or an instance of "
                                 "`tf.keras.initializers.*' and `shape` should be fully defined.")
    if not isinstance(value, Tensor):
        value = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if not from_value:
            value = value.astype(dtype.as_numpy_dtype, copy=False)
    return Variable(value, trainable=trainable, name=name, dtype=None if from_value else dtype,
                    collections=collections)


def _chain_getters(custom_getter, outer_getter):
    """An inner scope's custom getter calls the outer scope's, which calls the real getter."""
    if outer_getter is None:
        return custom_getter

    def chained(getter, *args, **kwargs):
        return custom_getter(lambda *a, **k: outer_getter(getter, *a, **k), *args, **kwargs)
    return chained


def _takes_no_arguments(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


class _VariableScopeStore:
    """The current scope and how many times each scope name was opened in its parent."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.counts: dict[str, int] = {}

    def open_variable_scope(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def close_variable_subscopes(self, name: str) -> None:
        prefix = name + "/"
        for key in self.counts:
            if key.startswith(prefix):
                self.counts[key] = 0


def _graph_singleton(key, factory):
    graph = get_default_graph()
    found = graph.get_collection(key)
    if found:
        return found[0]
    value = factory()
    graph.add_to_collection(key, value)
    return value


def _var_store() -> _VariableStore:
    return _graph_singleton(_STORE_KEY, _VariableStore)


def _scope_store() -> _VariableScopeStore:
    return _graph_singleton(_SCOPE_STORE_KEY, _VariableScopeStore)


def get_variable_scope() -> VariableScope:
    """The variable scope ``get_variable`` is in now (the root scope ``""`` outside any)."""
    return _scope_store().current_scope


def _unique_scope_name(prefix: str) -> str:
    store, current = _scope_store(), get_variable_scope()
    name = f"{current.name}/{prefix}" if current.name else prefix
    if store.counts.get(name, 0) == 0:
        return prefix
    i = 1
    while store.counts.get(f"{name}_{i}", 0) > 0:
        i += 1
    return f"{prefix}_{i}"


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None, **unused) -> Variable:
    """The variable ``<scope>/name``: made (with ``initializer``, default the scope's, else Glorot
    uniform for floats and zeros otherwise) or, in a reusing scope, the one already made."""
    return get_variable_scope().get_variable(_var_store(), name, shape, dtype, initializer, regularizer,
                                             None, trainable, collections)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=False,
                       collections=None, **unused) -> Variable:
    """``get_variable`` into ``local_variables`` (not saved, not trained, initialized separately)."""
    collections = list(collections or []) + ["local_variables"]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections)


class variable_scope:  # noqa: N801 - TensorFlow's name
    """``with tf.variable_scope("layer1", reuse=tf.AUTO_REUSE) as scope:``: prefix the variables
    ``get_variable`` makes with ``layer1/`` and open the name scope ``layer1`` (``layer1_1`` the
    second time: op names stay unique while variable names are shared). ``reuse`` is inherited by
    inner scopes and cannot be turned off inside them; ``reuse=False`` means "inherit"."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None, reuse=None, dtype=None,
                 use_resource=None, constraint=None, auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None  # a scope cannot stop its parent's reuse: False is "inherit" here
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(f"The auxiliary_name_scope must be `True` or `False`, while get "
                            f"{auxiliary_name_scope}")
        if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        self._name_or_scope, self._default_name, self._reuse = name_or_scope, default_name, reuse
        self._initializer, self._regularizer, self._dtype = initializer, regularizer, dtype
        self._constraint = constraint
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        self._custom_getter = custom_getter
        self._auxiliary = auxiliary_name_scope
        self._exits: list = []

    def __enter__(self) -> VariableScope:
        graph = get_default_graph()
        scope = None if self._auxiliary else graph.name_scope(graph._scope or None)
        given = self._name_or_scope
        try:
            if given is None:
                if self._reuse:
                    raise ValueError("reuse=True cannot be used without a name_or_scope")
                entered = self._enter_name_scope(scope or graph.name_scope(self._default_name))
                return self._enter_pure(_unique_scope_name(self._default_name), entered)
            short = given if isinstance(given, str) else given.name.split("/")[-1]
            if not short and scope is None:  # the root scope: no name scope to open
                return self._enter_pure(given, None)
            entered = self._enter_name_scope(scope or graph.name_scope(short))
            return self._enter_pure(given, entered if isinstance(given, str) else given.original_name_scope)
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _enter_name_scope(self, manager) -> str:
        entered = manager.__enter__()
        self._exits.append(lambda: manager.__exit__(None, None, None))
        return entered

    def _enter_pure(self, name_or_scope, old_name_scope) -> VariableScope:
        store = _scope_store()
        old = store.current_scope
        if isinstance(name_or_scope, VariableScope):
            new_name = name_or_scope.name
            store.open_variable_scope(new_name)
            saved = dict(store.counts)
            scope = VariableScope(self._reuse or name_or_scope.reuse, new_name, name_or_scope.initializer,
                                  name_or_scope.regularizer, custom_getter=name_or_scope.custom_getter,
                                  name_scope=name_or_scope.original_name_scope,
                                  dtype=name_or_scope.dtype, constraint=self._constraint)

            def restore():
                store.counts = saved
        else:
            new_name = f"{old.name}/{name_or_scope}" if old.name else name_or_scope
            scope = VariableScope(self._reuse or old.reuse, new_name, old.initializer, old.regularizer,
                                  custom_getter=old.custom_getter,
                                  name_scope=name_or_scope if old_name_scope is None else old_name_scope,
                                  dtype=old.dtype, constraint=self._constraint)
            store.open_variable_scope(new_name)

            def restore():
                store.close_variable_subscopes(new_name)
        if self._initializer is not None:
            scope.set_initializer(self._initializer)
        if self._regularizer is not None:
            scope.set_regularizer(self._regularizer)
        if self._dtype is not None:
            scope.set_dtype(self._dtype)
        if self._custom_getter is not None:
            scope.custom_getter = _chain_getters(self._custom_getter, scope.custom_getter)
        store.current_scope = scope

        def leave():
            if store.current_scope is not scope:
                raise RuntimeError("Improper nesting of variable_scope.")
            restore()
            store.current_scope = old
        self._exits.append(leave)
        return scope

    def __exit__(self, *exc) -> None:
        exits, self._exits = self._exits, []
        for leave in reversed(exits):
            leave()


__all__ = ["AUTO_REUSE", "VariableScope", "get_local_variable", "get_variable", "get_variable_scope",
           "variable_scope"]
