"""The one thing pyproject.toml cannot say: ``static/`` and ``templates/`` live at the top of the
tree (as the design lays it out) but ship inside the ``board`` package (see ``board/assets.py``)."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["engine*", "board*", "tfevents*"]) + ["board.static", "board.templates"],
    package_dir={"board.static": "static", "board.templates": "templates"},
)
