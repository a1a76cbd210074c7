"""The performance team's indicator pages, through the pages: the list and its filters, adding
an indicator, a changed definition, a move and a retirement, each kept as a version with who,
when and why, and shown in the indicator's history."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from framework import indicator_forms as messages
from indicators import definitions
from indicators.models import Indicator, IndicatorSet, Lifecycle, Period, Value
from indicators.tests.factories import IndicatorFactory, TargetFactory
from organisation.tests.personas import (
    CLOSED_PERIOD,
    OPEN_PERIOD,
    build_town,
    freeze_today,
    sign_in,
)

pytestmark = pytest.mark.django_db

REASON = "Agreed by Cabinet on 12 March 2026"


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    return build_town()


@pytest.fixture
def team(client, town):
    return sign_in(client, town.personas["performance"])


def page_text(response) -> str:
    return response.content.decode()


def initial_data(form) -> dict:
    """What a browser would post back from `form` as it was shown, unchanged."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [getattr(item, "pk", item) for item in value]
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = getattr(value, "pk", value)
    return data


def new_indicator_data(town, **changes) -> dict:
    strategic = IndicatorSet.objects.get(code="strategic")
    return {
        "code": "WST-09",
        "title": "Food waste collected",
        "definition": "Tonnes of food waste collected from households",
        "purpose": "Food waste is the largest part of residual waste",
        "calculation": "Sum of the contractor's weighbridge tickets",
        "numerator_label": "",
        "denominator_label": "",
        "source": "Contractor tonnage report",
        "unit": "tonnes",
        "precision": "0",
        "polarity": "higher_is_better",
        "indicator_type": "output",
        "frequency": "quarterly",
        "aggregation": "sum",
        "tolerance_percent": "5",
        "tolerance_absolute": "",
        "minimum_value": "0",
        "maximum_value": "",
        "scale": "",
        "owner": town.waste.pk,
        "responsible_officer": town.personas["officer"].pk,
        "sets": [strategic.pk],
        "committees": [town.committee.pk],
        "outcomes": [town.outcome.pk],
        "lifecycle": "approved",
        "first_period": Period.objects.get(code=OPEN_PERIOD).pk,
        "effective_from": "2026-07-01",
        "reason": REASON,
        **changes,
    }


def everything_about_indicators() -> tuple:
    """Every indicator's row, versions and links, and the audit log's length."""
    return (
        list(Indicator.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values_list("sets", "committees", "outcomes")),
        list(definitions.IndicatorVersion.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_every_indicator_with_its_service_frequency_status_and_version(team, town):
    response = team.get(reverse("framework:indicators"))

    assert response.status_code == 200
    text = page_text(response)
    assert "5 indicators" in text
    for code in ("WST-01", "WST-02", "WST-03", "PRK-01", "LIB-01"):
        assert f'id="indicator-{code}"' in text
    assert "Waste and Recycling" in text and "Quarterly" in text and "Approved" in text


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"directorate": "place"}, {"WST-01", "WST-02", "WST-03", "PRK-01"}),
        ({"service": "parks"}, {"PRK-01"}),
        ({"set": "strategic"}, {"WST-01", "WST-02", "WST-03"}),
        ({"lifecycle": "approved", "directorate": "people"}, {"LIB-01"}),
        ({"lifecycle": "retired"}, set()),
    ],
)
def test_the_list_filters_by_directorate_service_set_and_status(team, town, query, shown):
    response = team.get(reverse("framework:indicators"), query)

    text = page_text(response)
    listed = {code for code in ("WST-01", "WST-02", "WST-03", "PRK-01", "LIB-01") if code in text}
    assert listed == shown
    assert "matching the filters" in text


def test_an_unknown_filter_value_is_named_not_an_error(team, town):
    response = team.get(reverse("framework:indicators"), {"service": "nowhere"})

    assert response.status_code == 400
    assert messages.CHOOSE_ONE.format(label="Service") in page_text(response)


def test_the_list_reads_in_the_same_number_of_queries_however_many_indicators(team, town):
    url = reverse("framework:indicators")
    with CaptureQueriesContext(connection) as few:
        team.get(url, {"directorate": "place"})
    for n in range(12):
        IndicatorFactory(code=f"EXT-{n:02d}", owner=town.parks)
    with CaptureQueriesContext(connection) as many:
        response = team.get(url, {"directorate": "place"})

    assert "16 indicators" in page_text(response)
    assert len(many) == len(few)


# --- Adding an indicator ------------------------------------------------------------------------


def test_the_team_adds_an_indicator_kept_as_version_1_with_its_places_and_reason(team, town):
    response = team.post(reverse("framework:new_indicator"), new_indicator_data(town))

    assert response.status_code == 302
    assert response["Location"] == reverse("framework:indicator", args=["WST-09"])
    made = Indicator.objects.get(code="WST-09")
    assert (made.owner, made.version, made.lifecycle) == (town.waste, 1, Lifecycle.APPROVED)
    assert made.tolerance_percent == Decimal("5") and made.minimum_value == Decimal("0")
    assert made.first_period.code == OPEN_PERIOD
    first = made.versions.get()
    assert (first.number, first.change_reason, first.recorded_by) == (
        1,
        REASON,
        town.personas["performance"],
    )
    assert (first.owner, first.outcome_ids, first.committee_ids) == (
        town.waste,
        [town.outcome.pk],
        [town.committee.pk],
    )
    created = AuditEntry.objects.get(
        object_type="indicators.indicator", object_id=str(made.pk), action="created"
    )
    assert (created.actor, created.reason, created.source) == (
        town.personas["performance"],
        REASON,
        "page",
    )

    page = page_text(team.get(response["Location"]))
    assert "Food waste collected" in page and REASON in page
    assert "The first definition" in page


def test_a_new_indicator_without_its_essentials_is_refused_naming_each_field(team, town):
    before = everything_about_indicators()

    response = team.post(reverse("framework:new_indicator"), {})

    assert response.status_code == 400
    text = page_text(response).replace("&#x27;", "'")
    for name in ("code", "title", "definition", "unit", "polarity", "frequency", "owner"):
        assert messages.REQUIRED[name] in text
    assert messages.REASON_FOR_ADDING in text
    assert '<a href="#id_code">' in text  # the summary links to the field
    assert everything_about_indicators() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "wst-01"}, messages.CODE_TAKEN.format(code="wst-01")),
        ({"code": "WST 09"}, messages.CODE_FORM),
        ({"code": "new"}, messages.CODE_RESERVED),
        ({"precision": "7"}, messages.PRECISION_RANGE),
        ({"minimum_value": "10", "maximum_value": "5"}, messages.MAXIMUM_BELOW_MINIMUM),
        ({"tolerance_percent": "-1"}, "Tolerance (% of target): enter 0 or more"),
        ({"tolerance_percent": "five"}, "Tolerance (% of target): enter a number, like 5 or 2.5"),
        ({"effective_from": "31/02/2026"}, "Definition takes effect from: enter a real date"),
        ({"definition": "x" * 10_001}, "Definition: use 10,000 characters or fewer"),
        ({"first_period": "0"}, "First period reported: choose one of the options"),
    ],
)
def test_a_mistake_in_a_new_indicator_is_named_and_nothing_is_added(team, town, changes, message):
    before = everything_about_indicators()

    response = team.post(reverse("framework:new_indicator"), new_indicator_data(town, **changes))

    assert response.status_code == 400
    assert message in page_text(response).replace("&#x27;", "'")
    assert everything_about_indicators() == before


def test_a_first_period_of_another_frequency_is_refused(team, town):
    response = team.post(
        reverse("framework:new_indicator"), new_indicator_data(town, frequency="monthly")
    )

    assert response.status_code == 400
    assert "First period reported: choose a month: the indicator is reported monthly" in (
        page_text(response)
    )
    assert not Indicator.objects.filter(code="WST-09").exists()


def test_the_admin_adds_an_indicator_through_the_same_function(client, town):
    admin = town.personas["admin"]
    sign_in(client, admin)
    add = reverse("admin:indicators_indicator_add")
    data = {
        key: value
        for key, value in new_indicator_data(town).items()
        if key not in ("reason", "first_period")
    }
    data.update(
        change_reason="New national indicator",
        principles=[],
        **{
            f"{prefix}-{key}": value
            for prefix in ("targets", "versions")
            for key, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    )

    response = client.post(add, data)

    assert response.status_code == 302
    first = Indicator.objects.get(code="WST-09").versions.get()
    assert (first.change_reason, first.recorded_by) == ("New national indicator", admin)


# --- Changing the definition ---------------------------------------------------------------------


def change_data(team, code, **changes) -> dict:
    shown = team.get(reverse("framework:change_indicator", args=[code])).context["form"]
    return {**initial_data(shown), **changes}


def test_a_changed_definition_is_a_new_version_from_its_date_with_what_changed(team, town):
    url = reverse("framework:change_indicator", args=["WST-01"])
    data = change_data(
        team,
        "WST-01",
        precision="2",
        unit="% of households",
        sets=[],
        takes_effect_on="2026-10-01",
        reason="Reported to two places from Q3",
    )
    mark = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    response = team.post(url, data)

    assert response.status_code == 302
    indicator = Indicator.objects.get(code="WST-01")
    assert (indicator.version, indicator.precision, indicator.unit) == (2, 2, "% of households")
    assert indicator.effective_from == datetime.date(2026, 10, 1)
    assert not indicator.sets.exists()
    first, second = indicator.versions.order_by("number")
    assert (first.precision, first.unit, second.precision) == (1, "%", 2)
    assert second.change_reason == "Reported to two places from Q3"
    assert second.recorded_by == town.personas["performance"]
    page = page_text(team.get(response["Location"]))
    assert "<strong>Decimal places</strong> was 1, now 2" in page
    assert "<strong>Sets</strong> was Strategic" in page
    assert "Reported to two places from Q3" in page
    changed = AuditEntry.objects.filter(
        object_type="indicators.indicator", action="changed", sequence__gt=mark
    )
    assert {entry.reason for entry in changed} == {"Reported to two places from Q3"}
    assert {entry.actor for entry in changed} == {town.personas["performance"]}
    assert [entry.after["precision"] for entry in changed if "precision" in entry.after] == [2]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"precision": "2", "reason": ""}, definitions.REASON_REQUIRED),
        ({"precision": "2", "takes_effect_on": ""}, messages.REQUIRED["takes_effect_on"]),
        (
            {"precision": "2", "takes_effect_on": "2020-04-01"},
            "The new definition must take effect on or after 1 April 2022",
        ),
        ({}, messages.NOTHING_CHANGED),
        ({"title": ""}, messages.REQUIRED["title"]),
    ],
)
def test_a_changed_definition_that_cannot_be_kept_is_refused_and_nothing_changes(
    team, town, changes, message
):
    data = change_data(
        team, "WST-01", **{"takes_effect_on": "2026-10-01", "reason": "Clearer wording", **changes}
    )
    before = everything_about_indicators()

    response = team.post(reverse("framework:change_indicator", args=["WST-01"]), data)

    assert response.status_code == 400
    assert message in page_text(response).replace("&#x27;", "'")
    assert everything_about_indicators() == before


# --- The status and the responsible officer ----------------------------------------------------


def test_the_team_approves_a_proposed_indicator_and_names_its_officer(team, town):
    proposed = IndicatorFactory(code="LIB-02", owner=town.libraries, lifecycle=Lifecycle.PROPOSED)
    officer = town.personas["other_officer"]

    response = team.post(
        reverse("framework:indicator_details", args=["LIB-02"]),
        {"lifecycle": "approved", "responsible_officer": officer.pk, "reason": "Agreed by CLT"},
    )

    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.lifecycle, proposed.responsible_officer) == (Lifecycle.APPROVED, officer)
    assert proposed.versions.count() == 1  # neither is part of the definition
    page = page_text(team.get(response["Location"]))
    assert "Pat Green" in page and "Agreed by CLT" in page


def test_a_status_change_with_nothing_changed_or_no_reason_is_refused(team, town):
    url = reverse("framework:indicator_details", args=["WST-01"])
    before = everything_about_indicators()

    unchanged = team.post(url, {"lifecycle": "approved", "reason": "No change"})
    unexplained = team.post(url, {"lifecycle": "provisional"})

    assert unchanged.status_code == unexplained.status_code == 400
    assert messages.NOTHING_CHANGED_IN_DETAILS in page_text(unchanged)
    assert definitions.DETAILS_REASON_REQUIRED in page_text(unexplained)
    assert everything_about_indicators() == before


# --- Moving to another service ----------------------------------------------------------------


def test_a_move_to_another_service_is_a_dated_version(team, town):
    response = team.post(
        reverse("framework:move_indicator", args=["WST-01"]),
        {
            "owner": town.parks.pk,
            "takes_effect_on": "2026-10-01",
            "reason": "Green waste moved to Parks",
        },
    )

    assert response.status_code == 302
    indicator = Indicator.objects.get(code="WST-01")
    assert (indicator.owner, indicator.version) == (town.parks, 2)
    first, second = indicator.versions.order_by("number")
    assert (first.owner, second.owner) == (town.waste, town.parks)
    assert second.effective_from == datetime.date(2026, 10, 1)
    page = page_text(team.get(response["Location"]))
    assert "<strong>Service</strong> was Waste and Recycling, now Parks" in page
    assert "Green waste moved to Parks" in page


def test_a_move_to_the_same_service_or_without_a_reason_is_refused(team, town):
    before = everything_about_indicators()
    url = reverse("framework:move_indicator", args=["WST-01"])

    same = team.post(url, {"owner": town.waste.pk, "takes_effect_on": "2026-10-01", "reason": "X"})
    unexplained = team.post(url, {"owner": town.parks.pk, "takes_effect_on": "2026-10-01"})

    assert same.status_code == unexplained.status_code == 400
    assert messages.SAME_SERVICE.format(service="Waste and Recycling") in page_text(same)
    assert messages.REASON_FOR_MOVING in page_text(unexplained)
    assert everything_about_indicators() == before


# --- Retiring -------------------------------------------------------------------------------------


def test_retiring_keeps_the_indicator_its_figures_and_versions(team, town):
    response = team.post(
        reverse("framework:retire_indicator", args=["WST-03"]),
        {
            "last_period": Period.objects.get(code=OPEN_PERIOD).pk,
            "reason": "Replaced by WST-09",
        },
    )

    assert response.status_code == 302
    indicator = Indicator.objects.get(code="WST-03")
    assert (indicator.lifecycle, indicator.last_period.code) == (Lifecycle.RETIRED, OPEN_PERIOD)
    assert indicator.versions.count() == 2
    assert Value.objects.filter(indicator=indicator).exists()
    page = page_text(team.get(response["Location"]))
    assert "Retired: last reported for Q2 2026/27. Replaced by WST-09" in page
    assert "Retire the indicator" not in page
    again = team.get(reverse("framework:retire_indicator", args=["WST-03"]))
    assert again.status_code == 302


def test_retiring_with_figures_awaiting_sign_off_after_the_last_period_is_refused(team, town):
    before = everything_about_indicators()

    response = team.post(
        reverse("framework:retire_indicator", args=["WST-02"]),
        {"last_period": Period.objects.get(code=CLOSED_PERIOD).pk, "reason": "No longer needed"},
    )

    assert response.status_code == 400
    assert definitions.FIGURES_AWAITING_AFTER_LAST.format(periods="Q2 2026/27") in page_text(
        response
    )
    assert everything_about_indicators() == before


def test_retiring_without_a_reason_or_period_is_refused_naming_them(team, town):
    response = team.post(reverse("framework:retire_indicator", args=["PRK-01"]), {})

    assert response.status_code == 400
    text = page_text(response)
    assert definitions.LAST_PERIOD_REQUIRED in text
    assert definitions.RETIRE_REASON_REQUIRED in text
    assert Indicator.objects.get(code="PRK-01").lifecycle == Lifecycle.APPROVED


def test_only_periods_of_the_indicators_own_frequency_are_offered_as_its_last(team, town):
    form = team.get(reverse("framework:retire_indicator", args=["PRK-01"])).context["form"]

    kinds = set(form.fields["last_period"].queryset.values_list("kind", flat=True))
    assert kinds == {"quarter"}


# --- The manage page ------------------------------------------------------------------------------


def test_the_manage_page_shows_the_current_targets_read_only_and_the_history(team, town):
    TargetFactory(
        indicator=Indicator.objects.get(code="PRK-01"),
        period=Period.objects.get(code=OPEN_PERIOD),
        value=Decimal("12"),
        rationale="Two more parks each year",
    )

    page = page_text(team.get(reverse("framework:indicator", args=["PRK-01"])))

    assert "Q2 2026/27" in page and "12.0%" in page and "Two more parks each year" in page
    assert 'id="targets"' in page and "<form" not in page.split('id="targets-heading"')[1]
    assert "Created" in page  # the audit log's entry for the indicator
    year = Period.objects.get(kind="financial_year", starts_on=datetime.date(2026, 4, 1))
    assert reverse("targets:indicator", args=[year.code, "PRK-01"]) in page


def test_what_is_typed_is_shown_as_text(team, town):
    hostile = '<script>alert("x")</script>'
    team.post(reverse("framework:new_indicator"), new_indicator_data(town, title=hostile))

    for url in (
        reverse("framework:indicators"),
        reverse("framework:indicator", args=["WST-09"]),
    ):
        text = page_text(team.get(url))
        assert hostile not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


def test_the_manage_page_reads_in_the_same_number_of_queries_however_many_versions(team, town):
    url = reverse("framework:indicator", args=["WST-01"])
    with CaptureQueriesContext(connection) as one_version:
        team.get(url)
    for n, unit in enumerate(("tonnes", "%", "kg"), start=1):
        definitions.revise_definition(
            indicator=Indicator.objects.get(code="WST-01"),
            changes={"unit": unit, "sets": [] if n % 2 else IndicatorSet.objects.all()},
            effective_from=datetime.date(2026, 4, n),
            reason=f"Change {n}",
            by=town.personas["performance"],
        )
    with CaptureQueriesContext(connection) as four_versions:
        response = team.get(url)

    assert 'id="version-4"' in page_text(response)
    assert len(four_versions) == len(one_version)
