"""The API is tested against the public site's world: Testshire, with the Q1 report released
and the Q2 report under embargo until 6pm on 24 November 2026 (publishing/tests/conftest.py).

The signed-in endpoints are tested against the permission tests' council (`town`): Testshire's
personas, with Waste's open Q2 return holding a draft, a submitted and a signed-off figure
(organisation/tests/personas.py), and a personal API token for each persona (`tokens`); the
API is compared with the return form on the returns tests' council (returns/tests/conftest.py)."""

import pytest

# Testshire with benchmark positions and register appendices (registers_and_comparisons.py).
from api.tests.registers_and_comparisons import (  # noqa: F401
    compared_in_q1,
    registered,
    with_registers,
)
from api.tokens import create_token

# Waste's project DP-01 in the delivery plan, for project updates (test_project_updates).
from delivery.tests.conftest import programme, project  # noqa: F401
from organisation.tests.personas import PERSONAS, Town, build_town, freeze_today
from publishing.tests.conftest import _empty_cache, provisional, published  # noqa: F401

# The returns tests' council, for comparing the API with the return form (test_same_as_the_form).
from returns.tests.conftest import council, cycle, officer, recycling, today, waste  # noqa: F401


@pytest.fixture
def town(monkeypatch, db) -> Town:
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def tokens(town) -> dict[str, str]:
    """Each signed-in persona's token, whole, as `Authorization: Bearer` sends it."""
    return {
        name: create_token(user=town.person(name), name=f"{name}'s system").secret
        for name in PERSONAS
        if town.person(name) is not None
    }


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
