"""Shared test helpers: where the fixtures live, and how to read a run with our reader."""

from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# shared/ sits beside the checkout, for developers and for CI alike.
FIXTURES = pathlib.Path(os.environ.get("BOARD_FIXTURES", ROOT.parent / "shared" / "fixtures"))


@pytest.fixture(scope="session")
def fixtures_dir() -> pathlib.Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"fixtures not found at {FIXTURES}; set BOARD_FIXTURES to shared/fixtures")
    return FIXTURES
