"""Every benchmarking URL against every persona: published statistics are public data, so
everyone signed in may see them; nobody signed out may. No page changes anything, whatever
is posted to it; the import page is the performance team's.

Columns, in `PERSONAS` order: off, off2 = the data owners of Waste and of Parks; appr, appr2 =
their approvers; dir = the director of Place; perf = the performance team; admin = a
superuser; cllr = a councillor; anon = a member of the public, not signed in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from benchmarking.models import (
    BenchmarkLink,
    ComparatorGroup,
    ExternalValue,
    Metric,
    OutcomeEvidence,
)
from goldenthread.tests.test_permission_matrix import url_names
from indicators.models import Indicator
from organisation.tests.permission_tables import SIGN_IN, cells, checked_by
from organisation.tests.personas import build_town, freeze_today

from .builders import OURS, make_areas, make_group, make_metric, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    town = build_town()
    areas = make_areas()
    metric = make_metric()
    publish(metric, areas, "2025/26", {OURS: "25", "E06000901": "10", "E06000902": None})
    BenchmarkLink.objects.create(
        indicator=Indicator.objects.get(code="WST-03"), metric=metric, group=make_group(areas)
    )
    return town


URLS = {
    "benchmarking:metrics": lambda: reverse("benchmarking:metrics"),
    "benchmarking:metric": lambda: (
        reverse("benchmarking:metric", args=[Metric.objects.get().code])
        + f"?group={ComparatorGroup.objects.get().pk}&period=2025/26"
    ),
    # Importing is the performance team's (and a superuser's); a form posted without a file
    # is refused with its errors and imports nothing (the import itself: test_upload_page).
    "benchmarking:upload": lambda: reverse("benchmarking:upload"),
    # Linking is the performance team's too; posted without a statistic it is refused (400).
    "benchmarking:link": lambda: reverse("benchmarking:link", args=["WST-03"]),
    # Evidence beside an outcome is the performance team's to choose; posted without a
    # statistic it is refused (400) (the changes themselves: test_evidence_pages).
    "benchmarking:outcome_evidence": lambda: reverse(
        "benchmarking:outcome_evidence", args=["less-waste"]
    ),
    # Comparator groups are public data too; own groups are the performance team's to make,
    # change and delete. Posted without a name the forms are refused (400); the one group is
    # WST-03's, so deleting it is refused (400) (the changes themselves: test_group_pages).
    "benchmarking:groups": lambda: reverse("benchmarking:groups"),
    "benchmarking:group": lambda: reverse("benchmarking:group", args=[group_pk()]),
    "benchmarking:group_add": lambda: reverse("benchmarking:group_add"),
    "benchmarking:group_edit": lambda: reverse("benchmarking:group_edit", args=[group_pk()]),
    "benchmarking:group_delete": lambda: reverse("benchmarking:group_delete", args=[group_pk()]),
}
TABLE = {
    #                        off   off2  appr  appr2 dir   perf  admin cllr  anon
    "benchmarking:metrics": (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:metric":  (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:upload":  (403,  403,  403,  403,  403,  200,  200,  403,  SIGN_IN),
    "benchmarking:link":    (403,  403,  403,  403,  403,  200,  200,  403,  SIGN_IN),
    "benchmarking:outcome_evidence": (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "benchmarking:groups":  (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:group":   (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:group_add": (403, 403, 403,  403,  403,  200,  200,  403,  SIGN_IN),
    "benchmarking:group_edit": (403, 403, 403, 403,  403,  200,  200,  403,  SIGN_IN),
    "benchmarking:group_delete": (403, 403, 403, 403, 403, 200,  200,  403,  SIGN_IN),
}  # fmt: skip
# The same, posted to: the pages ignore what is posted; the import form, posted without a
# file, answers with its errors (400).
POSTED = {
    #                        off   off2  appr  appr2 dir   perf  admin cllr  anon
    "benchmarking:metrics": (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:metric":  (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:upload":  (403,  403,  403,  403,  403,  400,  400,  403,  SIGN_IN),
    "benchmarking:link":    (403,  403,  403,  403,  403,  400,  400,  403,  SIGN_IN),
    "benchmarking:outcome_evidence": (403, 403, 403, 403, 403, 400, 400, 403, SIGN_IN),
    "benchmarking:groups":  (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:group":   (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "benchmarking:group_add": (403, 403, 403,  403,  403,  400,  400,  403,  SIGN_IN),
    "benchmarking:group_edit": (403, 403, 403, 403,  403,  400,  400,  403,  SIGN_IN),
    "benchmarking:group_delete": (403, 403, 403, 403, 403, 400,  400,  403,  SIGN_IN),
}  # fmt: skip


def group_pk() -> int:
    return ComparatorGroup.objects.get().pk


def database_state() -> dict:
    return {
        "links": list(BenchmarkLink.objects.values_list("indicator", "metric", "group")),
        "evidence": list(OutcomeEvidence.objects.values_list("outcome", "metric", "note")),
        "values": list(ExternalValue.objects.order_by("pk").values_list("value", "marker")),
        "groups": list(ComparatorGroup.objects.values_list("name", "members")),
    }


request_and_check = checked_by(database_state)


@pytest.mark.parametrize(("page", "persona", "expected"), cells(TABLE))
def test_page(client, town, page, persona, expected):
    request_and_check(client, town.personas[persona], ("get", URLS[page](), {}), expected)


@pytest.mark.parametrize(("page", "persona", "expected"), cells(POSTED))
def test_posting_changes_nothing(client, town, page, persona, expected):
    request_and_check(
        client, town.personas[persona], ("post", URLS[page](), {"group": "1"}), expected
    )


def test_an_unknown_metric_is_not_found(client, town):
    client.force_login(town.person("councillor"))
    assert client.get(reverse("benchmarking:metric", args=["no-such-metric"])).status_code == 404


def test_every_url_is_in_the_permission_table():
    assert url_names("benchmarking") == set(TABLE) == set(POSTED) == set(URLS)
