"""Changing an indicator's definition: a new dated version each time, the old ones kept.

Through the domain functions and through the admin's Indicator change form.
"""

import datetime

import pytest
from django.db.models import Model
from django.urls import reverse

from indicators.definitions import (
    EFFECTIVE_FROM_BEFORE_CURRENT,
    REASON_REQUIRED,
    DefinitionError,
    definition_in_force,
    record_first_version,
    revise_definition,
)
from indicators.models import Indicator, IndicatorVersion, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, period
from organisation.tests.factories import UserFactory

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
