"""What the evidence says, on Testshire's outcome and ambition pages, and the performance
team's page for choosing it. Testshire (E06000998) published a contextual survey figure for
2023/24 (76) and 2024/25 (78); Aston (E06000901) for 2024/25 (55)."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from audit.models import AuditEntry
from benchmarking.evidence import link_evidence
from benchmarking.evidence_views import CHOOSE_METRIC
from benchmarking.models import BenchmarkLink, OutcomeEvidence
from organisation.tests.personas import build_town, freeze_today, sign_in
from strategy.models import Outcome
from strategy.tests.factories import OutcomeFactory

from .builders import make_areas, make_metric
from .test_evidence import contextual_metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    town = build_town()
    town.areas = make_areas()
    town.survey = contextual_metric(town.areas)
    town.survey.url = "https://example.org/residents-survey"
    town.survey.save()
    return town


def text(page: str) -> str:
    return " ".join(html.unescape(strip_tags(page)).split())


def panel(page: str) -> str:
    """The words of the "What the evidence says" section of a scorecard page."""
    start = page.index(">", page.index('aria-labelledby="what-the-evidence-says"')) + 1
    return text(page[start : page.index("</section>", start)])


def get(client, person, address) -> str:
    sign_in(client, person)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def outcome_page(client, person) -> str:
    return get(client, person, reverse("scorecards:outcome", args=["less-waste"]))


def ambition_page(client, person) -> str:
    return get(client, person, reverse("scorecards:ambition", args=["cleaner-place"]))


def evidence_address(code="less-waste") -> str:
    return reverse("benchmarking:outcome_evidence", args=[code])


def link(town, outcome="less-waste", **kwargs):
    return link_evidence(
        outcome=Outcome.objects.get(code=outcome),
        metric=town.survey,
        by=town.person("performance"),
        **kwargs,
    )


# The panel -----------------------------------------------------------------------------------


def test_the_outcome_page_shows_the_latest_figure_with_its_source_and_date(client, town):
    assert "What the evidence says" not in outcome_page(client, town.person("councillor"))
    link(town, note="Asked each autumn of 1,100 residents.")

    page = outcome_page(client, town.person("councillor"))
    words = panel(page)

    assert "What the evidence says" in words
    assert "Residents satisfied with the local area (%)" in words
    assert "Asked each autumn of 1,100 residents." in words
    assert (
        "Testshire 78.0% (2024/25) 76.0% (2023/24) Up 2.0 percentage points on 2023/24 "
        "(improving)" in words
    )
    assert "Source Local authority waste statistics" in words
    assert "Publisher Test Office" in words
    assert "Licence Open Government Licence v3.0" in words
    assert "Release Test release 2024 (14 February 2025)" in words
    assert 'href="https://example.org/residents-survey"' in page
    assert "Rank" not in words and "quartile" not in words.lower()  # "never ranked" only
    assert "Change the evidence" not in words  # councillors may not


def test_the_ambition_page_shows_the_evidence_of_each_of_its_outcomes(client, town):
    link(town)
    recycling = OutcomeFactory(
        ambition=Outcome.objects.get(code="less-waste").ambition,
        code="more-recycling",
        title="More recycling",
        order=2,
    )
    link(town, outcome="more-recycling", areas=[town.areas["E06000901"]])

    words = panel(ambition_page(client, town.person("councillor")))

    assert words.index("Less waste") < words.index("Testshire 78.0% (2024/25)")
    assert words.index(recycling.title) < words.index("Aston 55.0% (2024/25) – No earlier")


def test_the_performance_team_is_offered_a_way_to_change_the_evidence(client, town):
    link(town)

    page = outcome_page(client, town.person("performance"))

    assert f'href="{evidence_address()}"' in page
    assert "Change the evidence" in panel(page)


def test_the_ambition_pages_queries_do_not_grow_with_its_evidence(client, town):
    ambition = Outcome.objects.get(code="less-waste").ambition
    link(town)
    councillor = town.person("councillor")
    ambition_page(client, councillor)  # warm the session
    with CaptureQueriesContext(connection) as few:
        ambition_page(client, councillor)

    for n in range(4):
        outcome = OutcomeFactory(ambition=ambition, code=f"outcome-{n}", title=f"Outcome {n}")
        other = contextual_metric(town.areas, code=f"test-survey-{n}")
        link_evidence(
            outcome=outcome,
            metric=other,
            areas=[town.areas["E06000901"], town.areas["E06000902"]],
            by=town.person("performance"),
        )
        link_evidence(outcome=outcome, metric=town.survey, by=town.person("performance"))
    with CaptureQueriesContext(connection) as many:
        page = ambition_page(client, councillor)

    assert panel(page).count("Brook Not published") == 4
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries][-8:]


# The performance team's page -----------------------------------------------------------------


def test_the_team_links_changes_and_removes_evidence_through_the_page(client, town):
    sign_in(client, town.person("performance"))
    framework_page = client.get(
        reverse("framework:outcome", args=[Outcome.objects.get(code="less-waste").pk])
    ).content.decode()
    assert f'href="{evidence_address()}"' in framework_page

    saved = client.post(
        evidence_address(), {"metric": town.survey.pk, "areas": "", "note": "Each autumn"}
    )
    assert saved.status_code == 302 and saved["Location"] == evidence_address()
    evidence = OutcomeEvidence.objects.get()
    assert (evidence.metric, evidence.note, evidence.areas.count()) == (
        town.survey,
        "Each autumn",
        0,
    )
    shown = text(client.get(evidence_address()).content.decode())
    assert "is shown beside the outcome “Less waste”" in shown
    assert "Our own area (Testshire)" in shown

    client.post(
        evidence_address(),
        {"metric": town.survey.pk, "areas": "Aston\n\nE06000902\naston", "note": ""},
    )
    evidence.refresh_from_db()
    assert sorted(evidence.areas.values_list("name", flat=True)) == ["Aston", "Brook"]
    assert evidence.note == ""
    changing = client.get(evidence_address() + f"?change={town.survey.pk}").content.decode()
    assert "E06000901\nE06000902" in changing

    removed = client.post(evidence_address(), {"remove": str(town.survey.pk)})
    assert removed.status_code == 302
    assert not OutcomeEvidence.objects.exists()
    assert "is no longer shown beside" in text(client.get(evidence_address()).content.decode())
    actions = list(
        AuditEntry.objects.filter(object_type="benchmarking.outcomeevidence")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "created" and actions[-1] == "deleted"


def test_a_form_without_a_statistic_names_the_field_and_saves_nothing(client, town):
    sign_in(client, town.person("performance"))

    response = client.post(evidence_address(), {"areas": "", "note": "Each autumn"})

    assert response.status_code == 400
    page = response.content.decode()
    assert CHOOSE_METRIC in page and 'href="#id_metric"' in page
    assert not OutcomeEvidence.objects.exists()


def test_an_unknown_area_names_the_field_and_line_and_saves_nothing(client, town):
    link(town, note="Kept")
    sign_in(client, town.person("performance"))

    response = client.post(
        evidence_address(), {"metric": town.survey.pk, "areas": "Aston\nBrok", "note": "New"}
    )

    assert response.status_code == 400
    page = text(response.content.decode())
    assert "Areas, line 2: “Brok” is not a local authority we know; did you mean Brook" in page
    evidence = OutcomeEvidence.objects.get()
    assert (evidence.note, evidence.areas.count()) == ("Kept", 0)


def test_a_statistic_for_ranking_is_not_offered_as_evidence(client, town):
    ranked = make_metric(code="test-ranked")
    sign_in(client, town.person("performance"))

    response = client.post(evidence_address(), {"metric": ranked.pk})

    assert response.status_code == 400
    assert CHOOSE_METRIC in response.content.decode()
    assert f'value="{ranked.pk}"' not in response.content.decode()
    assert not OutcomeEvidence.objects.exists()


def test_removing_evidence_that_is_not_shown_is_not_found(client, town):
    sign_in(client, town.person("performance"))
    assert client.post(evidence_address(), {"remove": str(town.survey.pk)}).status_code == 404
    assert client.get(evidence_address("no-such-outcome")).status_code == 404


@pytest.mark.parametrize("persona", ["councillor", "officer", "director"])
def test_others_may_not_change_the_evidence(client, town, persona):
    link(town)
    sign_in(client, town.person(persona))

    assert client.get(evidence_address()).status_code == 403
    assert client.post(evidence_address(), {"remove": str(town.survey.pk)}).status_code == 403
    assert client.post(evidence_address(), {"metric": town.survey.pk}).status_code == 403
    assert OutcomeEvidence.objects.count() == 1


# Never ranked --------------------------------------------------------------------------------


def test_a_contextual_metrics_page_shows_its_figures_without_rank(client, town):
    link(town, areas=[town.areas["E06000901"]])
    link(town, outcome="less-waste")  # linked again: now our own area
    link_evidence(
        outcome=OutcomeFactory(code="proud", title="Proud of our place"),
        metric=town.survey,
        areas=[town.areas["E06000901"]],
        by=town.person("performance"),
    )

    words = text(
        get(
            client,
            town.person("councillor"),
            reverse("benchmarking:metric", args=[town.survey.code]),
        )
    )

    assert "Evidence, not for ranking" in words
    assert "Shown beside Less waste Proud of our place" in words
    assert "Testshire (E06000998), newest first Period Figure Release 2024/25 78.0%" in words
    assert "Aston (E06000901), newest first Period Figure Release 2024/25 55.0%" in words
    assert "Rank" not in words and "quartile" not in words.lower()


def test_the_indicator_link_page_does_not_offer_contextual_metrics(client, town):
    ranked = make_metric(code="test-ranked")
    page = get(client, town.person("performance"), reverse("benchmarking:link", args=["WST-03"]))

    assert f'value="{ranked.pk}"' in page
    assert f'value="{town.survey.pk}"' not in page
    assert not BenchmarkLink.objects.exists()
