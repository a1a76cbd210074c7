"""The organisation tree, people's roles, and the groups and sets the migrations create."""

import pytest
from django.contrib.auth.models import Group

from indicators.models import IndicatorSet
from organisation.models import OrgUnitKind, Role
from organisation.tests.factories import DirectorateFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_team_belongs_to_the_directorate_above_its_service():
    """Place directorate → Waste service → Collections team."""
    place = DirectorateFactory(name="Place")
    waste = OrgUnitFactory(name="Waste", parent=place)
    collections = OrgUnitFactory(name="Collections", kind=OrgUnitKind.TEAM, parent=waste)

    assert collections.directorate == place
    assert waste.directorate == place
    assert place.directorate == place


def test_a_unit_outside_any_directorate_has_none():
    """A partnership at the top of the tree, and a service under it."""
    partnership = OrgUnitFactory(name="Community Safety Partnership", kind=OrgUnitKind.PARTNERSHIP)
    service = OrgUnitFactory(name="Anti-social behaviour", parent=partnership)

    assert partnership.directorate is None
    assert service.directorate is None


def test_has_role_reads_the_person_s_groups():
    approver = UserFactory(roles=[Role.APPROVER, Role.DATA_OWNER])
    councillor = UserFactory(roles=[Role.COUNCILLOR])
    nobody = UserFactory()

    assert approver.has_role(Role.APPROVER)
    assert approver.has_role(Role.DATA_OWNER)
    assert not approver.has_role(Role.DIRECTOR)
    assert councillor.has_role(Role.COUNCILLOR)
    assert not councillor.has_role(Role.APPROVER)
    assert not any(nobody.has_role(role) for role in Role)


def test_has_role_ignores_groups_that_are_not_roles():
    person = UserFactory()
    person.groups.add(Group.objects.create(name="Approvers' tea club"))

    assert not person.has_role(Role.APPROVER)


def test_the_role_groups_exist_after_migrations():
    expected = {
        "Performance team",
        "Data owner",
        "Approver",
        "Director",
        "Councillor",
        "Administrator",
        "Internal auditor",
        "Finance business partner",
    }

    assert expected <= set(Group.objects.values_list("name", flat=True))
    assert {role.label for role in Role} == expected


def test_the_six_indicator_sets_exist_after_migrations():
    codes = list(IndicatorSet.objects.order_by("order").values_list("code", flat=True))

    assert codes == ["strategic", "operational", "statutory", "oflog", "partnership", "equality"]
    assert IndicatorSet.objects.get(code="oflog").name == "Oflog"
