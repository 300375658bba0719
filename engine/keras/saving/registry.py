"""What a config or a string identifier may name, and the one resolver that turns identifiers into
objects (Keras 3's ``saving/object_registration.py`` and ``serialization_lib.py``).

Classes register themselves: ``Layer``, ``Loss``, ``Metric``, ``Optimizer``, ``Initializer`` and
``Regularizer`` call ``register_subclass`` from ``__init_subclass__``, so every public class the
engine defines is found by its class name; functions and aliases (``"relu"``, ``"mse"``,
``"glorot_uniform"``) are registered by name. ``get(kind, identifier)`` reads None, a name, a config
dict, an instance or a callable the same way for every kind; a kind states only what differs
(``define_kind``). Saving finds the classes a config names here, so it imports no model or layer.

Loading never runs code from a file: a config can only name what is registered here, or what the
caller passes as ``custom_objects`` (``custom_object_scope``).
"""

from __future__ import annotations

import contextlib
import threading

_NAMES: dict[str, dict[str, object]] = {}  # kind -> name -> class or function
_KERAS3: dict[str, dict[str, object]] = {}  # kind -> name -> what the name means in Keras 3 files
_KINDS: dict[str, _Kind] = {}
_SCOPE = threading.local()  # the custom_objects of the deserializations running in this thread
# ``register_keras_serializable``'s table: "package>name" -> the user's class or function, and back.
GLOBAL_CUSTOM_OBJECTS: dict[str, object] = {}
GLOBAL_CUSTOM_NAMES: dict[int, str] = {}


class _Kind:
    def __init__(self, name, base, none, from_name, from_callable, ignore_case):
        self.label, self.base, self.none = name, base, none
        self.from_name, self.from_callable, self.ignore_case = from_name, from_callable, ignore_case


def _instantiate(obj, name):
    return obj() if isinstance(obj, type) else obj


def _identity(fn):
    return fn


def define_kind(kind, base=None, *, none=None, from_name=_instantiate,
                from_callable=_identity, ignore_case=False) -> None:
    """How ``get(kind, ...)`` reads what is not an instance of ``base``: ``none`` stands for None,
    ``from_name(obj, name)`` makes the object a name stands for (the class instantiated, the
    function itself), ``from_callable(fn)`` adapts a plain callable (None: callables are refused),
    and ``ignore_case`` lets ``"Adam"`` and ``"adam"`` both resolve."""
    _KINDS[kind] = _Kind(kind, base, none, from_name, from_callable, ignore_case)
    _NAMES.setdefault(kind, {})


def register(kind, obj, *names, keras3=False):
    """Make ``obj`` findable as each of ``names`` (its ``__name__`` when none are given). With
    ``keras3=True`` the names mean ``obj`` only in what Keras 3 wrote (a config with a
    ``module``, as Keras 3 writes them): its ``hard_sigmoid`` is not Keras 2's."""
    table = (_KERAS3 if keras3 else _NAMES).setdefault(kind, {})
    for name in names or (obj.__name__,):
        table[name] = obj
    return obj


def register_subclass(kind, cls, register_it=True) -> None:
    """``__init_subclass__`` of the base classes: the engine's own public classes register under
    their class names; a user's classes are loaded through ``custom_objects`` (or registered
    explicitly with ``register``), as in Keras."""
    if register_it and cls.__module__.startswith("engine.keras.") and not cls.__name__.startswith("_"):
        register(kind, cls)


def names(kind) -> dict[str, object]:
    """Every name of ``kind`` and what it stands for (a copy)."""
    return dict(_NAMES.get(kind, {}))


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """Names in ``custom_objects`` resolve to its objects (first) while the block runs."""
    stack = _SCOPE.__dict__.setdefault("stack", [])
    stack.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        stack.pop()


def find(kind, name, keras3=False):
    """What ``name`` stands for, or None: the custom objects in scope first, then the registry."""
    if not isinstance(name, str):
        return None
    for custom in reversed(getattr(_SCOPE, "stack", [])):
        if name in custom:
            return custom[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if keras3 and name in _KERAS3.get(kind, {}):
        return _KERAS3[kind][name]
    table = _NAMES.get(kind, {})
    obj = table.get(name)
    if obj is None and _KINDS[kind].ignore_case:
        obj = table.get(name.lower())
    return obj


def get_class(kind, name):
    """The registered class (or function) ``name``; a ValueError naming the known ones if none."""
    obj = find(kind, name)
    if obj is None:
        raise ValueError(f"unknown {_KINDS[kind].label} class {name!r}; known: {sorted(_NAMES[kind])}")
    return obj


def get(kind, identifier):
    """``identifier`` as an object of ``kind``: None, a name (``"relu"``), a config dict
    (``{"class_name": "Adam", "config": {...}}``), an instance, or a callable."""
    spec = _KINDS[kind]
    if identifier is None:
        return spec.none
    if spec.base is not None and isinstance(identifier, spec.base):
        return identifier
    if isinstance(identifier, str):
        obj = find(kind, identifier)
        if obj is None:
            raise ValueError(f"unknown {spec.label} {identifier!r}; known: {sorted(_NAMES[kind])}")
        return spec.from_name(obj, identifier)
    if isinstance(identifier, dict):
        return deserialize(kind, identifier)
    if callable(identifier) and spec.from_callable is not None:
        return spec.from_callable(identifier)
    raise ValueError(f"could not interpret {spec.label} {identifier!r}")


def deserialize(kind, config):
    """An object from its config dict. A function is written ``{"class_name": "function",
    "config": "relu"}`` by Keras 3 (with a ``module``: then its name means what it does there)
    or ``{"class_name": "relu"}``; a class ``{"class_name": "L2", "config": {"l2": 0.01}}``."""
    spec = _KINDS[kind]
    name, inner = config.get("class_name"), config.get("config")
    if isinstance(inner, str):  # a function, by name
        name = inner
    obj = find(kind, name, keras3="module" in config)
    if obj is None:
        what = spec.label if isinstance(inner, str) else f"{spec.label} class"
        raise ValueError(f"unknown {what} {name!r}; known: {sorted(_NAMES[kind])}")
    if not isinstance(obj, type):
        return obj
    return obj.from_config(dict(inner or {}))


def registered_name(obj) -> str | None:
    """The ``"package>name"`` a user registered ``obj`` under, or None."""
    return GLOBAL_CUSTOM_NAMES.get(id(obj))


def name_of(kind, obj) -> str | None:
    """The first name ``obj`` is registered under, or None."""
    if registered_name(obj) is not None:
        return registered_name(obj)
    for name, known in _NAMES.get(kind, {}).items():
        if known is obj:
            return name
    return None


def serialize(kind, obj):
    """A registered function as its name; an instance of a registered class as
    ``{"class_name": ..., "config": obj.get_config()}``."""
    if not isinstance(obj, type) and registered_name(type(obj)) is not None:
        return {"class_name": registered_name(type(obj)), "config": obj.get_config()}
    if not isinstance(obj, type) and find(kind, type(obj).__name__) is type(obj):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    name = name_of(kind, obj)
    if name is None or isinstance(obj, type):
        raise ValueError(f"{_KINDS[kind].label} {obj!r} is not registered, so it cannot be saved")
    return name


# -- safe mode ---------------------------------------------------------------------------------------
_SAFE = threading.local()


@contextlib.contextmanager
def safe_mode_scope(safe_mode=True):
    """While the block runs, loading may (``safe_mode=False``) or may not (the default) rebuild
    Python code stored in a config, such as a Lambda layer's bytecode (Keras 3's ``safe_mode``)."""
    stack = _SAFE.__dict__.setdefault("stack", [])
    stack.append(True if safe_mode is None else bool(safe_mode))
    try:
        yield
    finally:
        stack.pop()


def in_safe_mode() -> bool:
    stack = getattr(_SAFE, "stack", None)
    return stack[-1] if stack else True
