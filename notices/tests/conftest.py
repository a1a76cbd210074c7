"""The small council of `organisation.tests.personas`, with a few more people around Waste.

Besides the personas: `place_officer` enters figures for the whole Place directorate (so Waste
too), `people_approver` signs off People's services (Libraries), `second_councillor` is a
councillor too, and `former_officer` was Waste's data owner but has left (inactive). Waste owns
two figures counted in tonnes, with distinctive numbers that must never appear in a notice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from indicators.models import Indicator
from indicators.tests.factories import IndicatorFactory
from notices.models import Notice
from organisation.models import Role, User
from organisation.tests.factories import UserFactory
from organisation.tests.personas import Town, build_town

TONNES = "73519.25"  # as typed; never in a notice or an email
TONNES_TYPED = ("73519.25", "73,519.25", "73519")
LORRIES = "48213.75"
LORRIES_TYPED = ("48213.75", "48,213.75", "48213")


@dataclass
class People:
    town: Town
    place_officer: User
    people_approver: User
    second_councillor: User
    former_officer: User
    tonnes: Indicator
    lorries: Indicator

    def __getitem__(self, name: str) -> User:
        """A persona or one of the extra people, by name."""
        if name in self.town.personas:
            return self.town.personas[name]
        return getattr(self, name)


@pytest.fixture
def people(db) -> People:
    town = build_town()
    # Building the town returned WST-03 once, which told Waste's officer: not these tests' event.
    Notice.objects.all().delete()
    return People(
        town=town,
        place_officer=UserFactory(
            username="place-officer", roles=[Role.DATA_OWNER], units=[town.place]
        ),
        people_approver=UserFactory(
            username="people-approver", roles=[Role.APPROVER], units=[town.people]
        ),
        second_councillor=UserFactory(username="cllr-two", roles=[Role.COUNCILLOR]),
        former_officer=UserFactory(
            username="former-officer", roles=[Role.DATA_OWNER], units=[town.waste], is_active=False
        ),
        tonnes=IndicatorFactory(
            code="WST-10",
            title="Household waste collected",
            owner=town.waste,
            unit="tonnes",
            precision=2,
        ),
        lorries=IndicatorFactory(
            code="WST-11",
            title="Lorry kilometres driven",
            owner=town.waste,
            unit="km",
            precision=2,
        ),
    )
