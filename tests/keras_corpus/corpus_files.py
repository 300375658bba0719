"""What both corpora (``tests/keras_corpus``, ``tests/tf_corpus``) read of their script folders:
the scripts that pass (``scripts/``) and those still pending (``pending/``), and a script's
module-level constants (``REFERENCES``, ``TOLERANCE``...) read without running it."""

from __future__ import annotations

import ast
import pathlib


def corpus_scripts(here: pathlib.Path) -> tuple[list[pathlib.Path], list[pathlib.Path]]:
    """(scripts/*.py, pending/*.py) below ``here``, sorted, helpers (``_*.py``) left out."""
    def listed(folder):
        return sorted(p for p in (here / folder).glob("*.py") if not p.name.startswith("_"))
    return listed("scripts"), listed("pending")


def constant(script: pathlib.Path, name: str, default):
    """The literal a script assigns to ``name`` at module level, or ``default``."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    return default
