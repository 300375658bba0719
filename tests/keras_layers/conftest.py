"""Layer parity tests start from the clean slate the Keras tests use (float32, fresh layer
names, a fixed seed)."""

from tests.keras.conftest import _clean_keras  # noqa: F401  (the autouse fixture, shared)
