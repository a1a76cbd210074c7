import pytest

from organisation.tests.personas import build_town, freeze_today


@pytest.fixture
def town(db, monkeypatch):
    """Testshire (organisation/tests/personas.py) on 16 October 2026, Q2's cycle open."""
    freeze_today(monkeypatch)
    return build_town()
