"""Fixtures shared by the loop's tests."""

import pytest

from lianxin.testing import drill


@pytest.fixture
def drill_kind(db):
    """The test-only kind (lianxin/testing/drill.py), declared for one test and taken away."""
    drill.install()
    yield
    drill.uninstall()
