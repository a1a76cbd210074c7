"""Keeping the register: only those who manage a unit's registers add, change and close its
risks, controls and further actions; the risk's unit is what `can` judges."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisation.permissions import Action, can
from risks.models import Effectiveness, Risk, RiskLevel, RiskStatus
from risks.register import (
    REASON_REQUIRED,
    REFERENCE_TAKEN,
    RegisterError,
    add_control,
    add_further_action,
    close_risk,
    create_risk,
    update_risk,
)
from risks.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def values(town, owner, **extra):
    return {
        "reference": "WR-01",
        "title": "Collection contract fails",
        "level": RiskLevel.SERVICE,
        "cause": "Contractor in financial difficulty",
        "event": "The contractor stops collecting",
        "effect": "Waste piles up; public health risk",
        "owner": owner,
        "unit": town.waste,
        "target_likelihood": 2,
        "target_impact": 3,
        **extra,
    }


def test_a_director_adds_a_risk_in_their_directorate(town, director):
    risk = create_risk(
        values=values(town, director, outcomes=[town.outcome]), by=director, reason="New"
    )
    assert risk.owning_unit_id == town.waste.pk
    assert list(risk.outcomes.all()) == [town.outcome]
    assert risk.review_interval_months == 3


@pytest.mark.parametrize("name", ["officer", "councillor"])
def test_others_cannot_add_risks(town, director, name):
    with pytest.raises((PermissionDenied, Http404)):
        create_risk(values=values(town, director), by=town.person(name))
    assert not Risk.objects.exists()


def test_a_rating_outside_one_to_five_is_refused(town, director):
    with pytest.raises(RegisterError) as refused:
        create_risk(values=values(town, director, target_impact=7), by=director)
    assert set(refused.value.problems) == {"target_impact"}


def test_a_reference_is_used_once(town, director):
    RiskFactory(reference="WR-01", title="Existing", unit=town.waste, owner=director)
    with pytest.raises(RegisterError) as refused:
        create_risk(values=values(town, director), by=director)
    assert refused.value.problems == {
        "reference": REFERENCE_TAKEN.format(reference="WR-01", title="Existing")
    }


def test_changing_a_risk_needs_a_reason_and_saves_only_changes(town, director):
    risk = RiskFactory(unit=town.waste, owner=director)
    with pytest.raises(RegisterError) as refused:
        update_risk(risk=risk, values={"title": "New title"}, by=director, reason=" ")
    assert refused.value.problems == {"reason": REASON_REQUIRED}
    assert update_risk(risk=risk, values={"title": "New title"}, by=director, reason="Clearer")
    assert not update_risk(risk=risk, values={"title": "New title"}, by=director, reason="Again")
    assert Risk.objects.get(pk=risk.pk).title == "New title"


def test_moving_a_risk_out_of_scope_is_refused(town, director):
    risk = RiskFactory(unit=town.waste, owner=director)
    with pytest.raises(Http404):
        update_risk(risk=risk, values={"unit": town.libraries}, by=director, reason="Moved")
    assert Risk.objects.get(pk=risk.pk).unit == town.waste


def test_closing_a_risk(town, director):
    risk = RiskFactory(unit=town.waste, owner=director)
    closed = close_risk(
        risk=risk, by=director, reason="Contract ended", on=datetime.date(2026, 10, 1)
    )
    assert (closed.status, closed.closed_on) == (RiskStatus.CLOSED, datetime.date(2026, 10, 1))
    with pytest.raises(RegisterError):
        close_risk(risk=risk, by=director, reason="Again", on=datetime.date(2026, 10, 2))


def test_controls_and_further_actions(town, director, officer):
    risk = RiskFactory(unit=town.waste, owner=director)
    control = add_control(
        risk=risk,
        description="Monthly contract meetings",
        effectiveness=Effectiveness.PARTIAL,
        owner=officer,
        by=director,
    )
    action = add_further_action(
        risk=risk,
        description="Find a second contractor",
        owner=officer,
        due_on=datetime.date(2027, 3, 31),
        by=director,
    )
    assert list(risk.controls.all()) == [control]
    assert list(risk.further_actions.all()) == [action]
    # Their unit is the risk's: the officer's scope, not another service's.
    assert control.owning_unit_id == action.owning_unit_id == town.waste.pk
    with pytest.raises(Http404):
        add_control(
            risk=risk,
            description="x",
            effectiveness=Effectiveness.EFFECTIVE,
            by=town.person("other_approver"),
        )


def test_can_finds_a_risks_unit(town, director):
    risk = RiskFactory(unit=town.waste, owner=director)
    assert can(town.person("officer"), Action.ENTER_VALUE, risk)
    assert not can(town.person("other_officer"), Action.ENTER_VALUE, risk)
    assert can(town.person("approver"), Action.MANAGE_REGISTERS, risk)
    assert not can(town.person("other_approver"), Action.MANAGE_REGISTERS, risk)
