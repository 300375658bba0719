"""Where the pages' templates and static files are.

The source tree keeps them at the top level (``templates/``, ``static/``), as the design lays the
project out; the wheel carries them inside the package (``board/templates``, ``board/static``, mapped
in ``setup.py``). A checkout and an editable install find them beside ``board/``, an installed wheel
inside it.
"""
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent


def asset_dir(name: str) -> pathlib.Path:
    """The directory ``name`` (``"static"`` or ``"templates"``), installed or in the source tree."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"board's {name}/ directory is missing: reinstall the package")


TEMPLATES = asset_dir("templates")
STATIC = asset_dir("static")
