"""Evidence beside outcomes: contextual statistics imported by their description, linked to
outcomes by the performance team (audited), read as the latest figure, the one before it and
the change in words, and never ranked. On five hand-made areas (ours is Testshire,
E06000998)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from benchmarking.evidence import NOT_CONTEXTUAL, EvidenceError, link_evidence, unlink_evidence
from benchmarking.evidence_queries import (
    NO_EARLIER,
    Figure,
    change_words,
    linked_evidence,
    what_the_evidence_says,
)
from benchmarking.importing import DescriptionError, import_benchmark
from benchmarking.linking import CONTEXTUAL, link_indicator
from benchmarking.models import BenchmarkLink, Metric, OutcomeEvidence
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, UserFactory
from strategy.tests.factories import OutcomeFactory

from .builders import OURS, make_areas, make_group, make_metric, publish

pytestmark = pytest.mark.django_db

DESCRIPTION = """
[source]
name = "Testshire Residents' Survey"
publisher = "Testshire Council"
licence = "Open Government Licence v3.0"
url = "https://example.org/survey"
release = "Survey 2024"
release_date = 2025-02-14
{source_contextual}

[layout]
shape = "long"
area_code_column = "Area code"
metric_column = "Question"
period_column = "Year"
period_type = "calendar_year"
value_column = "Agree (%)"

[[metrics]]
code = "test-survey-satisfied"
when = "Satisfied"
title = "Residents satisfied with the local area (%)"
polarity = "higher_is_better"
unit = "%"
precision = 0
{metric_contextual}

[[metrics]]
code = "test-survey-safe"
when = "Safe"
title = "Residents who feel safe after dark (%)"
unit = "%"
precision = 0
"""
ROWS = """Area code,Question,Year,Agree (%)
E06000998,Satisfied,2023,76
E06000998,Satisfied,2024,78
E06000998,Safe,2024,66
"""


def survey(tmp_path: Path, *, source_contextual="", metric_contextual="") -> tuple[Path, Path]:
    description = tmp_path / "survey.toml"
    description.write_text(
        DESCRIPTION.format(source_contextual=source_contextual, metric_contextual=metric_contextual)
    )
    data = tmp_path / "survey.csv"
    data.write_text(ROWS)
    return description, data


def performance_officer():
    return UserFactory(roles=[Role.PERFORMANCE_TEAM])


def contextual_metric(areas, *, polarity="higher_is_better", code="test-survey"):
    """Published for financial years: ours 2023/24 76, 2024/25 78; Aston 2024/25 55."""
    metric = make_metric(polarity=polarity, code=code)
    metric.is_contextual = True
    metric.title = "Residents satisfied with the local area (%)"
    metric.release_date = datetime.date(2025, 2, 14)
    metric.save()
    publish(metric, areas, "2023/24", {OURS: "76"})
    publish(metric, areas, "2024/25", {OURS: "78", "E06000901": "55"})
    return metric


# Importing -----------------------------------------------------------------------------------


def test_contextual_in_the_source_marks_every_metric_of_the_description(tmp_path):
    make_areas()
    import_benchmark(*survey(tmp_path, source_contextual="contextual = true"))

    assert set(Metric.objects.values_list("code", "is_contextual")) == {
        ("test-survey-satisfied", True),
        ("test-survey-safe", True),
    }


def test_contextual_in_a_metric_block_marks_that_metric_only(tmp_path):
    make_areas()
    import_benchmark(*survey(tmp_path, metric_contextual="contextual = true"))

    assert set(Metric.objects.values_list("code", "is_contextual")) == {
        ("test-survey-satisfied", True),
        ("test-survey-safe", False),
    }


def test_contextual_must_be_true_or_false(tmp_path):
    make_areas()
    with pytest.raises(DescriptionError, match="contextual must be true or false"):
        import_benchmark(*survey(tmp_path, source_contextual='contextual = "yes"'))
    assert not Metric.objects.exists()


def test_a_metric_compared_with_an_indicator_cannot_become_contextual(tmp_path):
    areas = make_areas()
    import_benchmark(*survey(tmp_path))
    satisfied = Metric.objects.get(code="test-survey-satisfied")
    BenchmarkLink.objects.create(
        indicator=IndicatorFactory(code="RES-01"), metric=satisfied, group=make_group(areas)
    )

    with pytest.raises(DescriptionError, match="compared with the indicator RES-01"):
        import_benchmark(*survey(tmp_path, source_contextual="contextual = true"))
    assert not Metric.objects.filter(is_contextual=True).exists()


def test_evidence_beside_an_outcome_cannot_become_a_ranked_metric(tmp_path):
    make_areas()
    import_benchmark(*survey(tmp_path, source_contextual="contextual = true"))
    satisfied = Metric.objects.get(code="test-survey-satisfied")
    outcome = OutcomeFactory(title="Proud of our place")
    link_evidence(outcome=outcome, metric=satisfied, by=performance_officer())

    with pytest.raises(DescriptionError, match="evidence beside the outcome “Proud of our place”"):
        import_benchmark(*survey(tmp_path))
    satisfied.refresh_from_db()
    assert satisfied.is_contextual


# Linking -------------------------------------------------------------------------------------


def test_the_team_links_evidence_to_an_outcome_and_the_audit_log_records_each_change():
    areas = make_areas()
    metric = contextual_metric(areas)
    outcome = OutcomeFactory()
    by = performance_officer()

    link = link_evidence(outcome=outcome, metric=metric, note=" Asked each autumn ", by=by)
    assert (link.note, list(link.areas.all())) == ("Asked each autumn", [])

    again = link_evidence(
        outcome=outcome, metric=metric, areas=[areas["E06000901"]], note="Asked each autumn", by=by
    )
    assert again.pk == link.pk and list(again.areas.all()) == [areas["E06000901"]]
    assert unlink_evidence(outcome=outcome, metric=metric, by=by) is True
    assert unlink_evidence(outcome=outcome, metric=metric, by=by) is False

    entries = list(
        AuditEntry.objects.filter(object_type="benchmarking.outcomeevidence").order_by("pk")
    )
    assert entries[0].action == "created"
    assert entries[-1].action == "deleted"
    assert len(entries) == 3
    assert (entries[1].action, entries[1].before) == ("changed", {"areas": []})
    assert entries[1].after["areas"][0].startswith("Aston (E06000901)")
    assert {entry.actor for entry in entries} == {by}
    assert entries[0].after["note"] == "Asked each autumn"


def test_only_the_performance_team_links_evidence():
    metric = contextual_metric(make_areas())
    outcome = OutcomeFactory()
    officer = UserFactory(roles=[Role.DATA_OWNER])

    with pytest.raises(PermissionDenied):
        link_evidence(outcome=outcome, metric=metric, by=officer)
    link_evidence(outcome=outcome, metric=metric, by=performance_officer())
    with pytest.raises(PermissionDenied):
        unlink_evidence(outcome=outcome, metric=metric, by=officer)
    assert OutcomeEvidence.objects.count() == 1


def test_a_statistic_for_ranking_is_not_evidence_and_evidence_is_not_ranked():
    areas = make_areas()
    ranked, evidence = make_metric(), contextual_metric(areas)

    with pytest.raises(EvidenceError) as refused:
        link_evidence(outcome=OutcomeFactory(), metric=ranked, by=performance_officer())
    assert refused.value.field == "metric"
    assert refused.value.message == NOT_CONTEXTUAL.format(title=ranked.title)
    with pytest.raises(ValueError, match="is evidence, not for ranking"):
        link_indicator(
            indicator=IndicatorFactory(),
            metric=evidence,
            group=make_group(areas),
            by=performance_officer(),
        )
    assert CONTEXTUAL.format(title=evidence.title).startswith("“Residents satisfied")
    assert not OutcomeEvidence.objects.exists() and not BenchmarkLink.objects.exists()


# Reading -------------------------------------------------------------------------------------


def test_the_latest_figure_the_one_before_and_the_change_for_our_own_area():
    areas = make_areas()
    metric = contextual_metric(areas)
    outcome = OutcomeFactory()
    link_evidence(outcome=outcome, metric=metric, by=performance_officer())
    council = CouncilFactory(ons_code=OURS)

    [evidence] = what_the_evidence_says(linked_evidence(outcome=outcome), council=council)

    [ours] = evidence.areas
    assert (ours.name, ours.is_ours) == ("Testshire", True)
    assert (ours.latest.period, ours.latest_shown) == ("2024/25", "78.0%")
    assert (ours.previous.period, ours.previous_shown) == ("2023/24", "76.0%")
    assert ours.change == "Up 2.0 percentage points on 2023/24 (improving)"
    assert evidence.release == "Test release 2024"


def test_listed_areas_replace_our_own_and_a_missing_figure_is_said_in_words():
    areas = make_areas()
    metric = contextual_metric(areas, polarity="neither")
    outcome = OutcomeFactory()
    link_evidence(
        outcome=outcome,
        metric=metric,
        areas=[areas["E06000901"], areas["E06000902"]],
        by=performance_officer(),
    )

    [evidence] = what_the_evidence_says(
        linked_evidence(outcome=outcome), council=CouncilFactory(ons_code=OURS)
    )

    aston, brook = sorted(evidence.areas, key=lambda area: area.name)
    assert (aston.latest_shown, aston.previous, aston.change) == ("55.0%", None, NO_EARLIER)
    assert (brook.latest, brook.latest_shown, brook.change) == (None, "Not published", "")


def test_the_change_is_judged_only_when_the_statistic_has_a_better_direction():
    def figure(period, value, start):
        return Figure(
            period,
            datetime.date(start, 4, 1),
            datetime.date(start + 1, 3, 31),
            None if value is None else Decimal(value),
            "" if value is not None else ":",
            "",
        )

    now, before = figure("2024/25", "19.9", 2024), figure("2023/24", "19.2", 2023)
    lower = Metric(polarity="lower_is_better", unit="%", precision=1)
    neither = Metric(polarity="neither", unit="%", precision=1)
    people = Metric(polarity="neither", unit="people", precision=0)

    assert change_words(lower, now, before) == "Up 0.7 percentage points on 2023/24 (worsening)"
    assert change_words(neither, now, before) == "Up 0.7 percentage points on 2023/24"
    assert change_words(neither, before, now) == "Down 0.7 percentage points on 2024/25"
    assert change_words(neither, now, now) == "No change on 2024/25"
    assert change_words(people, figure("2024/25", "1200", 2024), figure("x", "1150", 2023)) == (
        "Up 50 people on x"
    )
    assert change_words(neither, figure("2024/25", None, 2024), before) == (
        "Not comparable: no figure was published for 2024/25"
    )
