"""A user's classes and functions made loadable by name (Keras's ``object_registration``):
``@keras.saving.register_keras_serializable(package="MyLayers")`` files ``Scale`` as
``"MyLayers>Scale"``, the name saved configs carry (tf_keras and Keras 3 write it so too) and
``load_model`` finds without ``custom_objects``. The table lives in ``registry``."""

from __future__ import annotations

from engine.keras.saving import registry
from engine.keras.saving.registry import custom_object_scope

CustomObjectScope = custom_object_scope


def register_keras_serializable(package="Custom", name=None):
    """A decorator filing a class or function under ``"package>name"`` (``name``: its own)."""
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"package must be a string without '>', got {package!r}")

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"cannot register {obj.__name__}: a class needs get_config() to be serialized")
        registry.GLOBAL_CUSTOM_OBJECTS[registered] = obj
        registry.GLOBAL_CUSTOM_NAMES[id(obj)] = registered
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """``"package>name"`` for a registered object, else its ``__name__``."""
    return registry.registered_name(obj) or getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """What ``name`` stands for: the custom objects in scope, the registered ones, then
    ``custom_objects`` and ``module_objects``; None if nothing is found."""
    with custom_object_scope(custom_objects):
        for source in (getattr(registry._SCOPE, "stack", [])[::-1] + [registry.GLOBAL_CUSTOM_OBJECTS]
                       + [module_objects or {}]):
            if name in source:
                return source[name]
    return None


def get_custom_objects() -> dict:
    """The table of registered objects (Keras's ``_GLOBAL_CUSTOM_OBJECTS``): entries added to it
    are found by name too."""
    return registry.GLOBAL_CUSTOM_OBJECTS
