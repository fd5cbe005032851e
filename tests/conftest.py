"""Shared fixtures: where the real data is, and skips with a reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoscribe.paths import data_dir

TEST_DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``../shared/data`` folder (or ``$GEOSCRIBE_DATA``); skips the test when absent."""
    path = data_dir(must_exist=False)
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}: set GEOSCRIBE_DATA to run this test")
    return path


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TEST_DATA
