"""framework/people.py: who may give which role and change whom, and that each change is one
recorded step (who, why) or nothing at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from framework.people import (
    ADMINISTRATORS_ACCOUNT,
    ROLE_NOT_YOURS,
    PeopleError,
    change_access,
    deactivate_person,
    grantable_roles,
    invite_person,
    may_change,
    remove_person,
)
from organisation.models import Role, User
from organisation.tests.factories import UserFactory
from organisation.tests.personas import PERSONAS, build_town

pytestmark = pytest.mark.django_db

EVERY_ROLE = list(Role)
NOT_ADMINISTRATORS_ONLY = [r for r in Role if r not in (Role.ADMINISTRATOR, Role.AUDITOR)]


@pytest.fixture
def town():
    return build_town()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_who_may_give_which_role(town, persona):
    expected = {"performance": NOT_ADMINISTRATORS_ONLY, "admin": EVERY_ROLE}.get(persona, [])

    assert grantable_roles(town.personas[persona]) == expected


def test_only_administrators_change_administrators_and_auditors(town):
    performance, admin = town.personas["performance"], town.personas["admin"]
    auditor = UserFactory(roles=[Role.AUDITOR])
    officer = town.personas["officer"]

    assert may_change(performance, officer) and may_change(admin, officer)
    assert not may_change(performance, admin) and not may_change(performance, auditor)
    assert may_change(admin, auditor)
    assert not may_change(town.personas["director"], officer)


def test_the_performance_team_cannot_make_an_administrator_and_nothing_changes(town):
    officer = town.personas["officer"]
    before = AuditEntry.objects.count()

    with pytest.raises(PeopleError) as refused:
        change_access(
            by=town.personas["performance"],
            person=officer,
            roles=[Role.DATA_OWNER, Role.ADMINISTRATOR],
            units=[],
            reason="Promotion",
        )

    assert refused.value.problems == [
        ("roles", ROLE_NOT_YOURS.format(role=Role.ADMINISTRATOR.label))
    ]
    officer = User.objects.get(pk=officer.pk)
    assert not officer.is_superuser and list(officer.scope.all()) == [town.waste]
    assert AuditEntry.objects.count() == before


def test_a_refused_change_of_an_administrators_account(town):
    with pytest.raises(PeopleError) as refused:
        deactivate_person(
            by=town.personas["performance"], person=town.personas["admin"], reason="Left"
        )

    assert refused.value.problems == [("", ADMINISTRATORS_ACCOUNT)]
    assert User.objects.get(pk=town.personas["admin"].pk).is_active


def test_other_roles_are_refused_outright(town):
    with pytest.raises(PermissionDenied):
        invite_person(
            by=town.personas["director"],
            email="x@example.gov.uk",
            first_name="X",
            last_name="Y",
            reason="Wanted",
        )
    with pytest.raises(PermissionDenied):
        remove_person(by=town.personas["approver"], person=town.personas["officer"], reason="x")


def test_each_change_is_recorded_as_the_actors_with_the_reason(town):
    admin = town.personas["admin"]
    person = invite_person(
        by=admin,
        email="Kim.Lee@example.gov.uk",
        first_name="Kim",
        last_name="Lee",
        roles=[Role.PERFORMANCE_TEAM],
        units=[town.place],
        reason="New performance officer",
    )

    entries = AuditEntry.objects.filter(object_type="organisation.user", object_id=str(person.pk))
    assert person.is_staff and not person.is_superuser
    assert {entry.action for entry in entries} == {"created", "changed"}
    assert {(entry.actor_id, entry.reason) for entry in entries} == {
        (admin.pk, "New performance officer")
    }
