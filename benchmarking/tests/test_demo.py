"""The demo places Wyvern Vale (a fictional code, so nothing is published for it) among the
English unitary authorities by its own signed-off year values, worked out here from its
Value rows and the published figures."""

import html
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils.html import strip_tags

from benchmarking.demo import ENGLISH_UNITARIES
from benchmarking.models import Area, BenchmarkLink, ExternalValue, Metric, OutcomeEvidence, Tier
from benchmarking.positions import indicator_positions
from demo.generate import load_demo
from demo.tests.test_load_demo import FAST_HASHER, TODAY
from indicators.models import SIGNED_OFF_STATES, Frequency, Value
from organisation.models import Council, User
from organisation.tests.personas import sign_in
from status.periods import year_value

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=[FAST_HASHER])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        load_demo(today=TODAY, seed=2026)
        yield
        transaction.set_rollback(True)


def own_year_value(link, first_year: int) -> Decimal:
    """The year's value from the indicator's signed-off figures in that financial year."""
    figures = Value.objects.filter(
        indicator=link.indicator,
        state__in=SIGNED_OFF_STATES,
        period__kind=Frequency(link.indicator.frequency).period_kind,
        period__starts_on__gte=f"{first_year}-04-01",
        period__ends_on__lte=f"{first_year + 1}-03-31",
    ).order_by("period__starts_on")
    return year_value([value.figure for value in figures], link.indicator.aggregation)


def test_the_waste_indicators_are_linked_to_the_published_metrics(demo):
    links = {
        link.indicator.code: link
        for link in BenchmarkLink.objects.select_related("indicator", "metric", "group")
    }
    assert {code: link.metric.code for code, link in links.items()} == {
        "WST-01": "oflog-waste-recycling-rate",
        "WST-02": "oflog-waste-residual-household-waste",
        "WST-04": "defra-flytipping-incidents",
    }
    assert {link.group.name for link in links.values()} == {ENGLISH_UNITARIES}
    assert links["WST-04"].definition_note.startswith("Ours counts incidents on public land")
    members = links["WST-01"].group.members
    # Wyvern Vale's own (fictional) area, made for its evidence, joins no group.
    unitaries = Area.objects.filter(tier=Tier.UNITARY, nation="England", is_current=True)
    assert members.count() == unitaries.exclude(gss_code="E06000099").count()
    assert not members.filter(gss_code="E06000099").exists()


@pytest.mark.parametrize("code", ["WST-01", "WST-02"])
def test_wyvern_vale_is_placed_among_english_unitaries_by_its_own_figures(demo, code):
    link = BenchmarkLink.objects.select_related("indicator", "metric", "group").get(
        indicator__code=code
    )
    council = Council.objects.get()

    positions = indicator_positions(link, council=council)

    # The demo's years are 2022/23 on; Oflog's waste figures end with 2022/23.
    (only,) = positions
    assert (only.period, only.is_own, only.figure_source) == ("2022/23", True, "our own figure")
    assert only.value == own_year_value(link, 2022)
    published = list(
        ExternalValue.objects.filter(
            metric=link.metric,
            period="2022/23",
            value__isnull=False,
            area__in=link.group.members.all(),
        ).values_list("value", flat=True)
    )
    better = [v for v in published if (v > only.value if code == "WST-01" else v < only.value)]
    assert (only.position.rank, only.position.of) == (1 + len(better), len(published) + 1)


def test_fly_tipping_has_no_position_without_a_demo_year_defra_published(demo):
    link = BenchmarkLink.objects.get(indicator__code="WST-04")
    # DEFRA's figures end with 2021/22, before the demo's first year: no invented values.
    assert indicator_positions(link, council=Council.objects.get()) == []


def test_the_indicator_page_shows_how_we_compare(client, demo, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    sign_in(client, User.objects.get(username="cllr.fraser"))
    page = client.get(reverse("scorecards:indicator", args=["WST-01"])).content.decode()
    assert "How we compare" in page
    assert "rank" in page and ENGLISH_UNITARIES in page
    assert "Open Government Licence v3.0" in page


def test_the_demo_councils_own_evidence_is_beside_its_outcomes(client, demo, monkeypatch):
    # Made up for the demo, for Wyvern Vale's fictional area, imported as contextual.
    evidence = {
        (link.outcome.code, link.metric.code)
        for link in OutcomeEvidence.objects.select_related("outcome", "metric")
    }
    assert evidence == {
        ("cohesive-communities", "demo-survey-satisfied-with-area"),
        ("clean-streets", "demo-survey-satisfied-with-area"),
        ("safe-communities", "demo-survey-safe-after-dark"),
        ("independent-lives", "demo-jsna-aged-65-and-over"),
        ("best-start", "demo-jsna-children-low-income"),
    }
    assert set(Metric.objects.filter(is_contextual=True).values_list("code", flat=True)) == {
        code for _, code in evidence
    }
    assert Area.objects.get(gss_code="E06000099").name == "Wyvern Vale"

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    sign_in(client, User.objects.get(username="cllr.fraser"))
    page = client.get(reverse("scorecards:ambition", args=["safe-healthy"])).content.decode()
    words = " ".join(html.unescape(strip_tags(page)).split())
    assert "What the evidence says" in words
    assert "Wyvern Vale 66% (2024) 61% (2023) Up 5 percentage points on 2023 (improving)" in words
    assert "Wyvern Vale 22.3% (2023) 21.9% (2022) Up 0.4 percentage points on 2022" in words
    assert "Wyvern Vale Residents' Survey (demo: made-up figures)" in words
