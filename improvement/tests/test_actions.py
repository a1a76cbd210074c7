"""Agreeing actions, revising due dates (the original kept), and the improvement clinic."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from improvement.actions import (
    NOT_FOR_CLINIC,
    REASON_REQUIRED,
    SAME_DATE,
    ImprovementError,
    agree_action,
    agree_clinic_action,
    clinic_reading,
    is_clinic_allowed,
    record_finding,
    revise_due_date,
)
from improvement.models import Finding, ImprovementAction, Source
from improvement.tests.factories import ImprovementActionFactory
from indicators.models import Indicator, Period, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, OrgUnitFactory, UserFactory
from organisation.tests.personas import OPEN_PERIOD, TODAY
from scorecards.tests.builders import Returns
from status.rag import Rag
from status.spc import Variation

pytestmark = pytest.mark.django_db


def test_a_director_records_a_finding_and_agrees_an_action(town):
    director = town.person("director")
    finding = record_finding(
        kind=Source.INSPECTION,
        title="Inspection of waste collection",
        found_on=datetime.date(2026, 9, 1),
        unit=town.waste,
        by=director,
        reference="INS 2026/2",
        body="Environment Agency",
    )

    action = agree_action(
        finding=finding,
        reference="INS 2026/2 R1",
        description="Retrain crews on contamination checks",
        owner=town.person("officer"),
        unit=town.waste,
        due_on=datetime.date(2026, 12, 31),
        by=director,
        outcomes=[town.outcome],
    )

    assert action.state == "open"
    assert action.agreed_by == director
    assert list(action.outcomes.all()) == [town.outcome]
    assert finding.recorded_by == director


@pytest.mark.parametrize(
    ("name", "refusal"), [("officer", PermissionDenied), ("other_approver", Http404)]
)
def test_only_register_keepers_in_scope_agree_actions(town, name, refusal):
    finding = Finding.objects.create(
        kind=Source.INTERNAL_AUDIT,
        title="Audit",
        found_on=TODAY,
        unit=town.waste,
        recorded_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )

    with pytest.raises(refusal):
        agree_action(
            finding=finding,
            reference="R1",
            description="Do it",
            owner=town.person("officer"),
            unit=town.waste,
            due_on=TODAY,
            by=town.person(name),
        )

    assert not ImprovementAction.objects.exists()


def test_revising_the_due_date_keeps_the_original_and_every_reason(town):
    action = ImprovementActionFactory(finding__unit=town.waste, due_on=datetime.date(2026, 12, 31))
    approver = town.person("approver")

    revise_due_date(
        action=action, new_date=datetime.date(2027, 3, 31), reason="Supplier late", by=approver
    )
    action = revise_due_date(
        action=action, new_date=datetime.date(2027, 6, 30), reason="Budget moved", by=approver
    )

    assert action.due_on == datetime.date(2026, 12, 31)
    assert action.revised_due_on == datetime.date(2027, 6, 30)
    assert action.revised_reason == "Budget moved"
    changes = list(action.due_date_changes.values_list("before", "after", "reason", "by"))
    assert changes == [
        (datetime.date(2026, 12, 31), datetime.date(2027, 3, 31), "Supplier late", approver.pk),
        (datetime.date(2027, 3, 31), datetime.date(2027, 6, 30), "Budget moved", approver.pk),
    ]


def test_a_new_due_date_needs_a_reason_and_a_different_date(town):
    action = ImprovementActionFactory(finding__unit=town.waste, due_on=datetime.date(2026, 12, 31))

    with pytest.raises(ImprovementError) as refused:
        revise_due_date(
            action=action,
            new_date=datetime.date(2026, 12, 31),
            reason="  ",
            by=town.person("approver"),
        )

    assert refused.value.problems == {"reason": REASON_REQUIRED, "new_date": SAME_DATE}
    assert not action.due_date_changes.exists()


@pytest.fixture
def waste_clinic(town):
    """WST-03 signed off at 47.3 for Q2 against a target of 90: Red."""
    commercial = Indicator.objects.get(code="WST-03")
    Target.objects.create(
        indicator=commercial, period=Period.objects.get(code=OPEN_PERIOD), value=Decimal("90")
    )
    return commercial


def test_a_clinic_agrees_an_action_for_a_red_indicator(town, waste_clinic):
    reading = clinic_reading(waste_clinic, today=TODAY, council=town.council)
    assert reading.rag is Rag.red

    action = agree_clinic_action(
        indicator=waste_clinic,
        reference="CL 2026/1",
        description="Visit the ten lowest-recycling businesses",
        owner=town.person("officer"),
        due_on=datetime.date(2027, 1, 31),
        by=town.person("approver"),
        today=TODAY,
        council=town.council,
    )

    assert action.finding.kind == Source.CLINIC
    assert action.finding.indicator == waste_clinic
    assert action.unit == town.waste
    assert list(action.indicators.all()) == [waste_clinic]
    assert list(action.outcomes.all()) == [town.outcome]


def test_a_second_clinic_action_on_the_day_shares_the_finding(town, waste_clinic):
    def agree(reference):
        return agree_clinic_action(
            indicator=waste_clinic,
            reference=reference,
            description="Act",
            owner=town.person("officer"),
            due_on=datetime.date(2027, 1, 31),
            by=town.person("approver"),
            today=TODAY,
            council=town.council,
        )

    assert agree("CL 1").finding == agree("CL 2").finding


def test_a_clinic_is_refused_for_an_indicator_neither_red_nor_concerning(town):
    # WST-03 has no target: its signed-off figure reads Data only.
    commercial = Indicator.objects.get(code="WST-03")
    assert not is_clinic_allowed(clinic_reading(commercial, today=TODAY, council=town.council))

    with pytest.raises(ImprovementError) as refused:
        agree_clinic_action(
            indicator=commercial,
            reference="CL 2026/1",
            description="Act",
            owner=town.person("officer"),
            due_on=datetime.date(2027, 1, 31),
            by=town.person("approver"),
            today=TODAY,
            council=town.council,
        )

    assert refused.value.problems == {"__all__": NOT_FOR_CLINIC.format(code="WST-03")}
    assert not Finding.objects.exists()


QUARTERS = [f"{y}-{str(y + 1)[2:]}-Q{q}" for y in (2022, 2023, 2024, 2025) for q in (1, 2, 3, 4)]
NOISE = ["80", "82", "79", "81", "80", "83", "78", "81"]


@pytest.mark.parametrize(
    ("later", "allowed"),
    [
        # Eight quarters at a lower level: a shift, concerning for higher is better.
        (["72", "71", "73", "70", "72", "71", "72", "70"], True),
        (NOISE, False),
    ],
)
def test_a_clinic_is_allowed_for_concerning_spc_variation(later, allowed):
    ensure_periods(first_year=2022, last_year=2026)
    council = CouncilFactory()
    indicator = IndicatorFactory(owner=OrgUnitFactory())  # no target: never Red
    Returns().series(indicator, QUARTERS, NOISE + later)

    reading = clinic_reading(indicator, today=datetime.date(2026, 4, 20), council=council)

    assert reading.rag is Rag.data_only
    concerning = reading.spc.variation is Variation.concerning_low
    assert concerning is allowed
    assert is_clinic_allowed(reading) is allowed


def test_nobody_outside_the_unit_holds_a_clinic(town, waste_clinic):
    with pytest.raises(Http404):
        agree_clinic_action(
            indicator=waste_clinic,
            reference="CL 1",
            description="Act",
            owner=UserFactory(roles=[Role.DATA_OWNER]),
            due_on=datetime.date(2027, 1, 31),
            by=town.person("other_approver"),
            today=TODAY,
            council=town.council,
        )
