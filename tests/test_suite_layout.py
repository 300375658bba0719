"""The test suite's own layout: every test folder is a package (so pytest puts the repo root on
sys.path, not ``tests/``, and no test folder can shadow a real package such as ``keras``), and
the fixtures the tests read are inside the repository."""

from __future__ import annotations

import importlib
import importlib.util
import json
import pathlib
import posixpath
import re
import subprocess

import pytest

from tests.conftest import FIXTURES, ROOT

TESTS = ROOT / "tests"


def test_every_test_folder_is_a_package():
    folders = {p.parent for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").is_file())
    assert missing == [], f"test folders without __init__.py: {missing}"


@pytest.mark.parametrize("name", ["keras", "engine", "board"])
def test_top_level_imports_are_not_test_folders(name):
    """Under pytest, ``import keras`` is the real Keras or nothing, never tests/keras."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        assert e.name == name
        return
    paths = [*getattr(module, "__path__", []), getattr(module, "__file__", None) or ""]
    inside = [p for p in paths if p and TESTS in (ROOT / p).resolve().parents]
    assert inside == [], f"{name} resolves to the test folder {inside}"
    if name == "keras":
        assert getattr(module, "__version__", None), "keras imported without a version"
    assert importlib.util.find_spec(name).origin not in (None, "namespace")


def test_fixtures_are_in_the_repository():
    assert FIXTURES.is_relative_to(ROOT)
    for logdir in ("torch", "tbx", "broken"):
        expected = json.loads((FIXTURES / logdir / "expected.json").read_text())
        for run in expected["runs"]:
            assert any((FIXTURES / logdir / run).glob("events.out.tfevents.*")), f"{logdir}/{run}"
    assert (FIXTURES / "README.md").is_file()


def _tracked_names() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    return [name for name in listed.stdout.split("\0") if name]


def _tracked_text_files():
    for name in _tracked_names():
        path = ROOT / name
        if not name or name.startswith("static/vendor/") or not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def test_no_tracked_file_cites_a_path_outside_the_repository():
    outside = ("shared/" + "fixtures", "../" + "shared", "/work/" + "shared")  # not spelled out here
    offenders = [f"{name}: {s}" for name, text in _tracked_text_files() for s in outside if s in text]
    assert offenders == [], offenders


def test_every_cited_document_is_in_the_repository():
    """Code and docs cite only files in the repo: each ``*.md`` they name is a tracked file (by its
    path from the root or from the citing file, or by its name)."""
    files = dict(_tracked_text_files())
    tracked = set(_tracked_names())  # vendored files are cited too (their READMEs), not scanned
    names = {pathlib.PurePosixPath(f).name for f in files}
    missing = []
    for name, text in files.items():
        for cited in set(re.findall(r"[A-Za-z0-9_./-]*[A-Za-z0-9_]\.md\b", text)):
            here = posixpath.normpath((pathlib.PurePosixPath(name).parent / cited).as_posix())
            if cited not in tracked and here not in tracked and cited not in names:
                missing.append(f"{name} cites {cited}")
    assert missing == [], missing
