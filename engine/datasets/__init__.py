"""Small datasets that work offline: ``digits`` ships with the package, ``mnist`` reads the
standard files from a local path (nothing is ever downloaded)."""

from engine.datasets import digits, mnist

__all__ = ["digits", "mnist"]
