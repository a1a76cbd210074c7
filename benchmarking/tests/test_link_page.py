"""The performance team links an indicator to a published statistic from the framework's
indicator page, changes the link, and stops comparing; each change in the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from benchmarking.models import BenchmarkLink
from indicators.models import Indicator
from organisation.tests.personas import build_town, freeze_today, sign_in

from .builders import OURS, make_areas, make_group, make_metric, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    town = build_town()
    town.council.ons_code = OURS
    town.council.save()
    areas = make_areas()
    metric = make_metric()
    publish(metric, areas, "2025/26", {OURS: "25", "E06000901": "10", "E06000902": None})
    make_group(areas)
    return town


def address(code="WST-03"):
    return reverse("benchmarking:link", args=[code])


def test_the_team_links_changes_and_unlinks_an_indicator(client, town):
    from benchmarking.models import ComparatorGroup, Metric

    sign_in(client, town.person("performance"))
    framework_page = client.get(reverse("framework:indicator", args=["WST-03"])).content.decode()
    assert f'href="{address()}"' in framework_page
    metric, group = Metric.objects.get(), ComparatorGroup.objects.get()

    saved = client.post(address(), {"metric": metric.pk, "group": group.pk})
    assert saved.status_code == 302
    link = BenchmarkLink.objects.get(indicator__code="WST-03")
    assert (link.metric, link.group, link.definition_note) == (metric, group, "")

    page = client.get(address()).content.decode()
    assert "Stop comparing" in page and f'value="{metric.pk}" selected' in page
    client.post(address(), {"metric": metric.pk, "group": group.pk, "definition_note": "Ours"})
    link.refresh_from_db()
    assert link.definition_note == "Ours"

    client.post(address(), {"unlink": "1"})
    assert not BenchmarkLink.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_type__icontains="benchmarklink")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "created" and actions[-1] == "deleted" and len(actions) == 3


def test_a_form_without_a_statistic_names_the_field_and_saves_nothing(client, town):
    sign_in(client, town.person("performance"))
    response = client.post(address(), {"definition_note": "Ours"})
    assert response.status_code == 400
    assert "Choose the published statistic to compare the indicator with" in (
        response.content.decode()
    )
    assert not BenchmarkLink.objects.exists()


def test_an_unknown_indicator_is_not_found(client, town):
    sign_in(client, town.person("performance"))
    assert client.get(address("NOPE-01")).status_code == 404
    assert Indicator.objects.filter(code="WST-03").exists()
