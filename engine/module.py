"""``tf.Module``: a named container that finds the Variables and sub-Modules held in its
attributes (lists, tuples and dicts included), in TensorFlow's order: attributes by name, a dict's
entries by key, then the sub-Modules' own contents. A Keras layer is not a ``tf.Module`` (as in
TensorFlow 2.16+ with Keras 3), so its variables are not collected through it."""

from __future__ import annotations

import functools
import re

from engine.framework.graph import executing_eagerly, get_default_graph
from engine.framework.variables import Variable

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z][a-z])", r"_\1\2", name).lower()


class _ModuleScope:
    """What ``module.name_scope`` is: a context manager with TensorFlow's ``name`` attribute."""

    def __init__(self, scope: str):
        self.name = scope
        self._context = None

    def __enter__(self):
        self._context = get_default_graph().name_scope(self.name)
        return self._context.__enter__()

    def __exit__(self, *exc):
        context, self._context = self._context, None
        return context.__exit__(*exc)


class Module:
    """``class Dense(tf.Module): ...``: ``variables``, ``trainable_variables``, ``submodules``,
    ``name_scope`` and the ``with_name_scope`` method decorator."""

    _TF_MODULE_IGNORED_PROPERTIES = frozenset({"_self_unconditional_checkpoint_dependencies",
                                              "_self_unconditional_dependency_names"})

    def __init__(self, name=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not _VALID_NAME.match(name):
            raise ValueError(f"'{name}' is not a valid module name. Module names must be valid Python "
                             f"identifiers (e.g. a valid class name).")
        self._name = name
        if executing_eagerly():
            self._scope_name = name + "/"
        else:
            with get_default_graph().name_scope(name) as scope:
                self._scope_name = scope

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> _ModuleScope:
        return _ModuleScope(self._scope_name)

    @property
    def variables(self) -> tuple:
        return tuple(_flatten(self, lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(_flatten(self, lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(_flatten(self, lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self) -> tuple:
        return tuple(_flatten(self, lambda x: isinstance(x, Module)))

    @classmethod
    def with_name_scope(cls, method):
        """Run ``method`` inside the module's name scope (ops it makes are named ``module/...``)."""
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapped

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"


def _leaves(value, seen_containers):
    """The leaves of nested lists, tuples and dicts (a dict's values in key order)."""
    if isinstance(value, (list, tuple, dict)):
        if id(value) in seen_containers:
            return
        seen_containers.add(id(value))
        items = [value[k] for k in sorted(value, key=str)] if isinstance(value, dict) else value
        for item in items:
            yield from _leaves(item, seen_containers)
    else:
        yield value


def _flatten(module: Module, predicate):
    """Every object below ``module`` that ``predicate`` accepts, each once (by identity)."""
    seen, stack, emitted = {id(module)}, [module], set()
    while stack:
        current = stack.pop(0)
        found_submodules = []
        for key in sorted(vars(current)):
            if key in current._TF_MODULE_IGNORED_PROPERTIES:
                continue
            for leaf in _leaves(vars(current)[key], set()):
                if predicate(leaf) and id(leaf) not in emitted:
                    emitted.add(id(leaf))
                    yield leaf
                if isinstance(leaf, Module) and id(leaf) not in seen:
                    seen.add(id(leaf))
                    found_submodules.append(leaf)
        stack[:0] = found_submodules
