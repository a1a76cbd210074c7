"""Changing an indicator's definition: a new dated version each time, the old ones kept.

Through the domain functions and through the admin's Indicator change form.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Model
from django.urls import reverse

from audit.models import AuditEntry
from indicators.admin import RETIRE_BY_LIFECYCLE, STAYS_RETIRED
from indicators.definitions import (
    EFFECTIVE_FROM_BEFORE_CURRENT,
    FIGURES_AWAITING_AFTER_LAST,
    LAST_BEFORE_FIRST,
    LAST_PERIOD_REQUIRED,
    PERIOD_NOT_OWN_KIND,
    REASON_REQUIRED,
    RETIRE_REASON_REQUIRED,
    DefinitionError,
    create_indicator,
    definition_in_force,
    is_reported,
    record_first_version,
    reported_for,
    retire_indicator,
    revise_definition,
    update_indicator_details,
)
from indicators.models import (
    Indicator,
    IndicatorSet,
    IndicatorVersion,
    Lifecycle,
    Period,
    Target,
)
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, period
from indicators.workflow import record_value
from organisation.tests.factories import OrgUnitFactory, UserFactory
from strategy.tests.factories import CommitteeFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

APRIL_2022 = datetime.date(2022, 4, 1)
APRIL_2024 = datetime.date(2024, 4, 1)


@pytest.fixture
def indicator():
    """WST-01: "%" to 1 decimal place, version 1 in force from 1 April 2022."""
    return IndicatorFactory(code="WST-01", title="Household waste recycled", unit="%", precision=1)


def test_record_first_version_keeps_the_indicator_as_version_1():
    officer = UserFactory()
    created = Indicator.objects.create(
        code="HSG-02",
        title="Homes built",
        definition="Net additional homes",
        unit="number",
        precision=0,
        polarity="higher_is_better",
        frequency="annual",
        aggregation="sum",
        owner=IndicatorFactory().owner,
        effective_from=APRIL_2024,
    )

    version = record_first_version(indicator=created, by=officer)

    assert created.versions.count() == 1
    assert version.number == 1
    assert version.effective_from == APRIL_2024
    assert version.change_reason == "First definition"
    assert version.recorded_by == officer
    assert version.definition_values() == created.definition_values()


def test_revising_creates_version_2_and_keeps_version_1(indicator):
    editor = UserFactory()

    version = revise_definition(
        indicator=indicator,
        changes={"precision": 2, "title": "Household waste sent for recycling"},
        effective_from=APRIL_2024,
        reason="DEFRA changed the definition",
        by=editor,
    )

    assert version.number == 2
    assert version.effective_from == APRIL_2024
    assert version.change_reason == "DEFRA changed the definition"
    assert version.recorded_by == editor
    assert version.precision == 2
    assert version.title == "Household waste sent for recycling"

    indicator.refresh_from_db()
    assert indicator.version == 2
    assert indicator.precision == 2
    assert indicator.title == "Household waste sent for recycling"
    assert indicator.effective_from == APRIL_2024

    first = IndicatorVersion.objects.get(indicator=indicator, number=1)
    assert first.precision == 1
    assert first.title == "Household waste recycled"
    assert first.effective_from == APRIL_2022
    assert first.change_reason == "First definition"
    assert list(indicator.versions.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_a_change_that_changes_nothing_makes_no_version(indicator):
    result = revise_definition(
        indicator=indicator,
        changes={"precision": 1, "unit": "%", "code": "IGNORED-not-versioned"},
        effective_from=APRIL_2024,
        reason="",
    )

    assert result is None
    indicator.refresh_from_db()
    assert indicator.version == 1
    assert indicator.effective_from == APRIL_2022
    assert indicator.versions.count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_changed_definition_needs_a_reason(indicator, reason):
    with pytest.raises(DefinitionError) as refused:
        revise_definition(
            indicator=indicator, changes={"precision": 2}, effective_from=APRIL_2024, reason=reason
        )

    assert str(refused.value) == REASON_REQUIRED
    indicator.refresh_from_db()
    assert indicator.precision == 1
    assert indicator.versions.count() == 1


def test_a_changed_definition_cannot_take_effect_before_the_current_one(indicator):
    with pytest.raises(DefinitionError) as refused:
        revise_definition(
            indicator=indicator,
            changes={"precision": 2},
            effective_from=datetime.date(2022, 3, 31),
            reason="Backdated",
        )

    assert str(refused.value) == EFFECTIVE_FROM_BEFORE_CURRENT.format(current=APRIL_2022)
    assert "1 April 2022" in str(refused.value)
    indicator.refresh_from_db()
    assert indicator.precision == 1
    assert indicator.versions.count() == 1


def test_definition_in_force_picks_the_version_for_the_date(indicator):
    """Version 1 from 1 April 2022, version 2 from 1 April 2024, version 3 from 1 October 2024."""
    revise_definition(
        indicator=indicator, changes={"precision": 2}, effective_from=APRIL_2024, reason="More"
    )
    revise_definition(
        indicator=indicator,
        changes={"unit": "percent"},
        effective_from=datetime.date(2024, 10, 1),
        reason="Wording",
    )

    def number_on(day):
        return definition_in_force(indicator, day).number

    assert number_on(datetime.date(2022, 4, 1)) == 1
    assert number_on(datetime.date(2024, 3, 31)) == 1
    assert number_on(datetime.date(2024, 4, 1)) == 2
    assert number_on(datetime.date(2024, 9, 30)) == 2
    assert number_on(datetime.date(2024, 10, 1)) == 3
    assert number_on(datetime.date(2030, 1, 1)) == 3
    # Before any version took effect: the earliest version.
    assert number_on(datetime.date(2019, 1, 1)) == 1
    # The same answer from versions the caller already fetched.
    fetched = list(indicator.versions.all())
    assert definition_in_force(indicator, datetime.date(2024, 5, 1), versions=fetched).number == 2


# The admin's Indicator change form -------------------------------------------------------------


def _post_value(bound_field):
    """What a browser would send for an unbound field showing its initial value."""
    value = bound_field.value()
    if isinstance(value, (list, tuple)):
        return [item.pk if isinstance(item, Model) else item for item in value]
    if isinstance(value, Model):
        return value.pk
    if value is None:
        return ""
    if value is True:
        return "on"
    return value


def _form_data(form):
    return {
        bound.html_name: _post_value(bound)
        for bound in form
        if bound.value() is not False  # an unticked checkbox sends nothing
    }


def change_form_post_data(response):
    """The change form as the GET page shows it: main form, inlines and management forms."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for form in formset.forms:
            data.update(_form_data(form))
    return data


@pytest.fixture
def admin_client_for_indicator(client, indicator):
    """A superuser on WST-01's change page; the indicator has a Q1 2024/25 target."""
    ensure_periods(first_year=2024, last_year=2024)
    Target.objects.create(indicator=indicator, period=period("2024-25-Q1"), value=60)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    prefixes = {inline.formset.prefix for inline in page.context["inline_admin_formsets"]}
    assert prefixes == {"targets", "versions"}
    return client, url, change_form_post_data(page), superuser


def test_admin_posting_the_form_unchanged_makes_no_version(indicator, admin_client_for_indicator):
    client, url, data, _ = admin_client_for_indicator

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.version == 1
    assert indicator.versions.count() == 1
    assert indicator.targets.count() == 1


def test_admin_changing_precision_without_a_reason_is_refused(
    indicator, admin_client_for_indicator
):
    client, url, data, _ = admin_client_for_indicator
    data.update(precision=2, change_effective_from="2024-04-01", change_reason="")

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["change_reason"] == ["Give a reason for changing the definition"]
    assert "change_effective_from" not in errors
    indicator.refresh_from_db()
    assert indicator.precision == 1
    assert indicator.versions.count() == 1


def test_admin_changing_precision_without_a_date_is_refused(indicator, admin_client_for_indicator):
    client, url, data, _ = admin_client_for_indicator
    data.update(precision=2, change_effective_from="", change_reason="Shown to 2 places")

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["change_effective_from"] == ["Say when the changed definition applies"]
    indicator.refresh_from_db()
    assert indicator.precision == 1
    assert indicator.versions.count() == 1


def test_admin_changing_precision_with_a_reason_creates_version_2(
    indicator, admin_client_for_indicator
):
    client, url, data, superuser = admin_client_for_indicator
    data.update(precision=2, change_effective_from="2024-04-01", change_reason="Shown to 2 places")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.precision == 2
    assert indicator.version == 2
    assert indicator.effective_from == APRIL_2024
    assert indicator.targets.count() == 1
    new = indicator.versions.get(number=2)
    assert new.precision == 2
    assert new.effective_from == APRIL_2024
    assert new.change_reason == "Shown to 2 places"
    assert new.recorded_by == superuser
    old = indicator.versions.get(number=1)
    assert old.precision == 1
    assert old.effective_from == APRIL_2022

    # The change page lists both versions, the old one still there.
    page = client.get(url)
    [versions] = [
        i for i in page.context["inline_admin_formsets"] if i.formset.prefix == "versions"
    ]
    listed = sorted((form.instance.number, form.instance.precision) for form in versions.formset)
    assert listed == [(1, 1), (2, 2)]
    assert "Shown to 2 places" in page.text
    assert "First definition" in page.text


def test_admin_backdating_a_change_is_a_form_error(indicator, admin_client_for_indicator):
    """A date before the current version's is the officer's mistake: shown on the form."""
    client, url, data, _ = admin_client_for_indicator
    data.update(precision=2, change_effective_from="2022-01-01", change_reason="Backdated")

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["change_effective_from"] == [
        EFFECTIVE_FROM_BEFORE_CURRENT.format(current=APRIL_2022)
    ]
    indicator.refresh_from_db()
    assert indicator.precision == 1
    assert indicator.versions.count() == 1


# Where the indicator stands: owner, sets, committees and outcomes, versioned with it -----------


@pytest.fixture
def placed():
    """RCY-01 in the strategic set, evidencing one outcome, received by one committee; owned
    by Waste (version 1, from 1 April 2022). Periods for 2022/23 to 2025/26."""
    ensure_periods(first_year=2022, last_year=2025)
    strategic = IndicatorSet.objects.get(code="strategic")
    outcome, committee = OutcomeFactory(), CommitteeFactory()
    made = IndicatorFactory(
        code="RCY-01",
        owner=OrgUnitFactory(name="Waste"),
        in_sets=[strategic.code],
        outcomes=[outcome],
        committees=[committee],
    )
    return SimpleNamespace(
        indicator=made, strategic=strategic, outcome=outcome, committee=committee
    )


def test_the_first_version_keeps_where_the_indicator_stands(placed):
    first = placed.indicator.versions.get()

    assert first.owner == placed.indicator.owner
    assert first.set_ids == [placed.strategic.pk]
    assert first.outcome_ids == [placed.outcome.pk]
    assert first.committee_ids == [placed.committee.pk]


def test_a_move_to_another_service_is_a_new_version_and_keeps_the_old_place(placed):
    indicator = placed.indicator
    planning, officer = OrgUnitFactory(name="Planning"), UserFactory()

    version = revise_definition(
        indicator=indicator,
        changes={"owner": planning},
        effective_from=APRIL_2024,
        reason="Handed to Planning",
        by=officer,
    )

    assert (version.number, version.effective_from, version.owner) == (2, APRIL_2024, planning)
    assert version.change_reason == "Handed to Planning" and version.recorded_by == officer
    assert version.set_ids == [placed.strategic.pk]  # the other places go with it
    assert version.definition_values() == indicator.versions.get(number=1).definition_values()
    indicator.refresh_from_db()
    assert (indicator.owner, indicator.version, indicator.effective_from) == (
        planning,
        2,
        APRIL_2024,
    )
    assert indicator.versions.get(number=1).owner.name == "Waste"


def test_changed_sets_committees_and_outcomes_with_the_definition_are_one_version(placed):
    indicator = placed.indicator
    operational = IndicatorSet.objects.get(code="operational")
    other_outcome, other_committee = OutcomeFactory(), CommitteeFactory()

    version = revise_definition(
        indicator=indicator,
        changes={
            "precision": 2,
            "sets": [operational],
            "committees": [other_committee.pk, placed.committee.pk],
            "outcomes": [other_outcome],
        },
        effective_from=APRIL_2024,
        reason="Now an operational measure",
    )

    assert version.number == 2 and version.precision == 2
    assert version.set_ids == [operational.pk]
    assert version.committee_ids == sorted([other_committee.pk, placed.committee.pk])
    assert version.outcome_ids == [other_outcome.pk]
    assert list(indicator.sets.all()) == [operational]
    assert set(indicator.committees.all()) == {other_committee, placed.committee}
    first = indicator.versions.get(number=1)
    assert (first.set_ids, first.outcome_ids) == ([placed.strategic.pk], [placed.outcome.pk])


def test_places_given_as_they_are_make_no_version(placed):
    result = revise_definition(
        indicator=placed.indicator,
        changes={
            "owner": placed.indicator.owner_id,
            "sets": [placed.strategic],
            "committees": [placed.committee],
        },
        effective_from=APRIL_2024,
        reason="",
    )

    assert result is None
    assert placed.indicator.versions.count() == 1


def test_a_move_needs_a_reason_and_cannot_be_backdated(placed):
    planning = OrgUnitFactory(name="Planning")
    with pytest.raises(DefinitionError) as no_reason:
        revise_definition(
            indicator=placed.indicator,
            changes={"owner": planning},
            effective_from=APRIL_2024,
            reason=" ",
        )
    with pytest.raises(DefinitionError) as backdated:
        revise_definition(
            indicator=placed.indicator,
            changes={"owner": planning},
            effective_from=datetime.date(2021, 4, 1),
            reason="Handed over",
        )

    assert str(no_reason.value) == REASON_REQUIRED
    assert str(backdated.value) == EFFECTIVE_FROM_BEFORE_CURRENT.format(current=APRIL_2022)
    placed.indicator.refresh_from_db()
    assert placed.indicator.owner.name == "Waste"
    assert placed.indicator.versions.count() == 1


# Retiring -------------------------------------------------------------------------------------


def test_retiring_keeps_who_why_and_the_last_period_as_a_version(placed):
    indicator, officer = placed.indicator, UserFactory()

    version = retire_indicator(
        indicator=indicator,
        last_period=period("2024-25-Q2"),
        reason="Replaced by RCY-02",
        by=officer,
    )

    indicator.refresh_from_db()
    assert indicator.lifecycle == Lifecycle.RETIRED
    assert indicator.last_period == period("2024-25-Q2")
    assert (version.number, version.effective_from) == (2, datetime.date(2024, 10, 1))
    assert version.change_reason == "Retired: last reported for Q2 2024/25. Replaced by RCY-02"
    assert version.recorded_by == officer
    assert version.owner == indicator.owner and version.set_ids == [placed.strategic.pk]


@pytest.mark.parametrize(
    ("last", "reason", "message"),
    [
        ("2024-25-Q2", " ", RETIRE_REASON_REQUIRED),
        ("2024-09", "Replaced", PERIOD_NOT_OWN_KIND.format(kind="quarter", frequency="quarterly")),
        ("2021-22-Q4", "Replaced", LAST_BEFORE_FIRST.format(first="Q1 2022/23")),
    ],
)
def test_retiring_is_refused_without_a_reason_or_with_a_wrong_last_period(
    placed, last, reason, message
):
    ensure_periods(first_year=2021, last_year=2021)
    last_period = Period.objects.get(code=last, kind="month" if "-Q" not in last else "quarter")

    with pytest.raises(DefinitionError) as refused:
        retire_indicator(indicator=placed.indicator, last_period=last_period, reason=reason)

    assert str(refused.value) == message
    placed.indicator.refresh_from_db()
    assert placed.indicator.lifecycle == Lifecycle.APPROVED
    assert placed.indicator.last_period is None


def test_retiring_is_refused_while_figures_after_the_last_period_await_sign_off(placed):
    officer = UserFactory()
    for code in ("2024-25-Q3", "2024-25-Q4"):
        record_value(
            indicator=placed.indicator,
            period=period(code),
            entries={"figure": Decimal("40")},
            by=officer,
        )

    with pytest.raises(DefinitionError) as refused:
        retire_indicator(
            indicator=placed.indicator, last_period=period("2024-25-Q2"), reason="Replaced"
        )

    assert str(refused.value) == FIGURES_AWAITING_AFTER_LAST.format(
        periods="Q3 2024/25, Q4 2024/25"
    )
    # Those figures are in the last period chosen instead: retiring after it is allowed.
    retire_indicator(
        indicator=placed.indicator, last_period=period("2024-25-Q4"), reason="Replaced"
    )


# The reporting range -------------------------------------------------------------------------


def test_an_indicator_is_reported_from_its_first_period_to_its_last(placed):
    indicator = placed.indicator
    quarters = list(Period.objects.filter(kind="quarter").order_by("starts_on"))

    def reported():
        indicator.refresh_from_db()
        versions = list(indicator.versions.all())
        in_python = [q.code for q in quarters if is_reported(indicator, q, versions)]
        in_database = [
            q.code for q in quarters if Indicator.objects.filter(reported_for(q), pk=indicator.pk)
        ]
        assert in_python == in_database
        return in_python[0], in_python[-1]

    # Blank first period: from the period its first version took effect in.
    assert reported() == ("2022-23-Q1", "2025-26-Q4")
    Indicator.objects.filter(pk=indicator.pk).update(first_period=period("2023-24-Q2"))
    assert reported() == ("2023-24-Q2", "2025-26-Q4")
    retire_indicator(indicator=indicator, last_period=period("2024-25-Q3"), reason="Replaced")
    assert reported() == ("2023-24-Q2", "2024-25-Q3")


def test_a_retired_indicator_without_a_last_period_is_reported_for_none(placed):
    Indicator.objects.filter(pk=placed.indicator.pk).update(lifecycle=Lifecycle.RETIRED)
    placed.indicator.refresh_from_db()

    assert not is_reported(placed.indicator, period("2023-24-Q1"), [])
    assert not Indicator.objects.filter(reported_for(period("2023-24-Q1"))).exists()


def test_admin_moving_the_indicator_to_another_service_is_a_new_version(
    indicator, admin_client_for_indicator
):
    client, url, data, superuser = admin_client_for_indicator
    planning = OrgUnitFactory(name="Planning")
    data.update(owner=planning.pk, change_effective_from="2024-04-01", change_reason="Handed over")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.owner == planning and indicator.version == 2
    moved = indicator.versions.get(number=2)
    assert (moved.owner, moved.effective_from, moved.change_reason) == (
        planning,
        APRIL_2024,
        "Handed over",
    )
    assert moved.recorded_by == superuser
    assert indicator.versions.get(number=1).owner != planning


def test_admin_changing_the_sets_needs_a_reason_and_then_keeps_them_in_a_version(
    indicator, admin_client_for_indicator
):
    client, url, data, _ = admin_client_for_indicator
    strategic = IndicatorSet.objects.get(code="strategic")
    data.update(sets=[strategic.pk], change_effective_from="2024-04-01", change_reason="")

    refused = client.post(url, data)

    assert refused.context["adminform"].form.errors["change_reason"] == [REASON_REQUIRED]
    assert indicator.sets.count() == 0 and indicator.versions.count() == 1

    data.update(change_reason="Now strategic")
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(indicator.sets.all()) == [strategic]
    assert indicator.versions.get(number=2).set_ids == [strategic.pk]
    assert indicator.versions.get(number=1).set_ids == []


RETIRED, REPLACED = {"lifecycle": "retired"}, {"change_reason": "Replaced"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({**RETIRED, **REPLACED}, "last_period", LAST_PERIOD_REQUIRED),
        ({**RETIRED, "last_period": "2024-25-Q2"}, "change_reason", RETIRE_REASON_REQUIRED),
        ({"last_period": "2024-25-Q2", **REPLACED}, "last_period", RETIRE_BY_LIFECYCLE),
        (
            {**RETIRED, "last_period": "2024-07", **REPLACED},
            "last_period",
            PERIOD_NOT_OWN_KIND.format(kind="quarter", frequency="quarterly"),
        ),
    ],
)
def test_admin_retiring_needs_the_last_period_and_a_reason(
    indicator, admin_client_for_indicator, changes, field, message
):
    client, url, data, _ = admin_client_for_indicator
    if "last_period" in changes:
        kind = "quarter" if "-Q" in changes["last_period"] else "month"
        changes = {**changes, "last_period": period_of(changes["last_period"], kind).pk}
    data.update(changes)

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    indicator.refresh_from_db()
    assert indicator.lifecycle == Lifecycle.APPROVED and indicator.versions.count() == 1


def test_admin_retiring_keeps_the_retirement_as_a_version(indicator, admin_client_for_indicator):
    client, url, data, superuser = admin_client_for_indicator
    data.update(lifecycle="retired", last_period=period("2024-25-Q2").pk, change_reason="Replaced")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    indicator.refresh_from_db()
    assert indicator.lifecycle == Lifecycle.RETIRED
    assert indicator.last_period == period("2024-25-Q2")
    retired = indicator.versions.get(number=2)
    assert retired.change_reason == "Retired: last reported for Q2 2024/25. Replaced"
    assert retired.recorded_by == superuser

    # Bringing it back is refused: its past stays as it was.
    again = change_form_post_data(client.get(url))
    again.update(lifecycle="approved", last_period="")
    refused = client.post(url, again)
    assert refused.context["adminform"].form.errors["lifecycle"] == [STAYS_RETIRED]


def test_admin_adding_an_indicator_keeps_version_1_with_its_places(client):
    ensure_periods(first_year=2024, last_year=2024)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    owner, outcome, committee = OrgUnitFactory(), OutcomeFactory(), CommitteeFactory()
    strategic = IndicatorSet.objects.get(code="strategic")
    add = reverse("admin:indicators_indicator_add")
    data = change_form_post_data(client.get(add))
    data.update(
        code="NEW-01",
        title="Food waste collected",
        definition="Tonnes of food waste collected",
        unit="tonnes",
        precision=0,
        polarity="higher_is_better",
        indicator_type="output",
        frequency="quarterly",
        aggregation="sum",
        lifecycle="approved",
        effective_from="2024-04-01",
        first_period=period("2024-25-Q2").pk,
        owner=owner.pk,
        sets=[strategic.pk],
        outcomes=[outcome.pk],
        committees=[committee.pk],
        principles=[],
        change_reason="New national indicator",  # recorded in the audit log
    )

    response = client.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    made = Indicator.objects.get(code="NEW-01")
    first = made.versions.get()
    assert (first.number, first.owner, first.set_ids) == (1, owner, [strategic.pk])
    assert (first.outcome_ids, first.committee_ids) == ([outcome.pk], [committee.pk])
    assert made.first_period == period("2024-25-Q2")


def period_of(code, kind):
    return Period.objects.get(code=code, kind=kind)


# --- Adding an indicator (the pages and the admin both call create_indicator) --------------------


def unsaved(**extra) -> Indicator:
    return Indicator(
        code="NEW-02",
        title="Fly-tips cleared within a day",
        definition="Reported fly-tips cleared within 24 hours",
        unit="%",
        precision=1,
        polarity="higher_is_better",
        frequency="quarterly",
        aggregation="average",
        owner=OrgUnitFactory(),
        effective_from=APRIL_2024,
        **extra,
    )


def test_create_indicator_keeps_version_1_with_its_places_who_and_why():
    ensure_periods(first_year=2024, last_year=2024)
    officer, outcome, committee = UserFactory(), OutcomeFactory(), CommitteeFactory()
    strategic = IndicatorSet.objects.get(code="strategic")
    made = unsaved(first_period=period("2024-25-Q2"))

    first = create_indicator(
        indicator=made,
        sets=[strategic],
        committees=[committee.pk],
        outcomes=[outcome],
        reason="  Agreed by Cabinet  ",
        by=officer,
    )

    assert (first.number, first.change_reason, first.recorded_by) == (
        1,
        "Agreed by Cabinet",
        officer,
    )
    assert (first.set_ids, first.committee_ids, first.outcome_ids) == (
        [strategic.pk],
        [committee.pk],
        [outcome.pk],
    )
    assert list(made.sets.all()) == [strategic] and made.version == 1
    entries = AuditEntry.objects.filter(object_type="indicators.indicator", object_id=str(made.pk))
    assert entries.filter(action="created").exists()
    assert {(e.actor, e.reason) for e in entries} == {(officer, "Agreed by Cabinet")}


@pytest.mark.parametrize(
    ("extra", "reason", "message"),
    [
        ({}, " ", "Give a reason for adding the indicator"),
        ({"lifecycle": Lifecycle.RETIRED}, "Old", "A new indicator cannot start retired"),
        ({"first_period_code": "2024-04"}, "New", "Choose a quarter"),
    ],
)
def test_create_indicator_refuses_what_could_not_be_kept_and_adds_nothing(extra, reason, message):
    ensure_periods(first_year=2024, last_year=2024)
    code = extra.pop("first_period_code", None)
    if code:
        extra["first_period"] = Period.objects.get(code=code, kind="month")

    with pytest.raises(DefinitionError, match=message):
        create_indicator(indicator=unsaved(**extra), reason=reason)

    assert not Indicator.objects.filter(code="NEW-02").exists()


# --- The status on the way to approval, and the responsible officer ------------------------------


def test_update_indicator_details_approves_and_names_the_officer_with_no_new_version(indicator):
    indicator.lifecycle = Lifecycle.PROPOSED
    indicator.save()
    team, officer = UserFactory(), UserFactory()

    changed = update_indicator_details(
        indicator=indicator,
        lifecycle=Lifecycle.APPROVED,
        responsible_officer=officer,
        reason="Agreed by the leadership team",
        by=team,
    )

    assert changed == ["lifecycle", "responsible_officer"]
    assert (indicator.lifecycle, indicator.responsible_officer) == (Lifecycle.APPROVED, officer)
    assert indicator.versions.count() == 1
    entry = AuditEntry.objects.filter(object_id=str(indicator.pk), action="changed").first()
    assert (entry.actor, entry.reason, entry.after["lifecycle"]) == (
        team,
        "Agreed by the leadership team",
        "approved",
    )


@pytest.mark.parametrize(
    ("was", "becomes", "reason", "message"),
    [
        (Lifecycle.PROPOSED, Lifecycle.APPROVED, "", "Give a reason for the change"),
        (Lifecycle.APPROVED, Lifecycle.RETIRED, "Gone", "Retire the indicator on its own page"),
        (Lifecycle.RETIRED, Lifecycle.APPROVED, "Back", "A retired indicator stays retired"),
    ],
)
def test_update_indicator_details_refuses_what_belongs_elsewhere(
    indicator, was, becomes, reason, message
):
    indicator.lifecycle = was
    indicator.save()

    with pytest.raises(DefinitionError, match=message):
        update_indicator_details(
            indicator=indicator, lifecycle=becomes, responsible_officer=None, reason=reason
        )

    assert Indicator.objects.get(pk=indicator.pk).lifecycle == was


def test_admin_approving_an_indicator_goes_through_the_same_function(
    indicator, admin_client_for_indicator
):
    indicator.lifecycle = Lifecycle.PROPOSED
    indicator.save()
    client, url, data, superuser = admin_client_for_indicator
    data.update(lifecycle="approved", change_reason="Agreed by Cabinet")

    response = client.post(url, data)

    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).lifecycle == Lifecycle.APPROVED
    entry = AuditEntry.objects.filter(object_id=str(indicator.pk), action="changed").first()
    assert (entry.actor, entry.reason) == (superuser, "Agreed by Cabinet")
