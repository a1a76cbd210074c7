"""The personas' council (see organisation.tests.personas) with today frozen at 16 October
2026; Waste's risks are owned by the Place director."""

from __future__ import annotations

import pytest

from organisation.tests.personas import Town, build_town, freeze_today


@pytest.fixture
def town(monkeypatch) -> Town:
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def officer(town):
    return town.person("officer")


@pytest.fixture
def approver(town):
    return town.person("approver")


@pytest.fixture
def director(town):
    return town.person("director")
