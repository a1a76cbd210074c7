import pytest

from organisation.tests.personas import Town, build_town, freeze_today


@pytest.fixture
def town(monkeypatch) -> Town:
    """The personas' council (organisation/tests/personas.py) on 16 October 2026."""
    freeze_today(monkeypatch)
    return build_town()
