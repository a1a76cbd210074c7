"""generate_council fills an empty database with a large council, in bulk, the same every time.

A small council (180 indicators: the whole demo catalogue and 21 copies, six directorates
and 30 services, three years) is generated three times for the module, each inside a
transaction rolled back: over six years (for the query count), then twice over three years
(the second kept for the tests, compared with the first).
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from benchmarking.models import BenchmarkLink, ExternalValue
from delivery.models import Project, ProjectUpdate
from demo.council import LATEST_MONTH_RETURNS, SERVICES
from demo.large import NOT_EMPTY, generate_council, release_quarter_report
from indicators import workflow
from indicators.models import (
    Indicator,
    IndicatorVersion,
    Period,
    ReportingCycle,
    SpcRecalculation,
    Target,
    Value,
    ValueRevision,
)
from organisation.models import Council, OrgUnit, User
from risks.models import Risk, RiskReview
from strategy.models import Ambition, Committee, Outcome

TODAY = date(2026, 11, 24)
SEED = 7
SMALL = {
    "indicators": 180,
    "years": 3,
    "directorates": 6,
    "services": 30,
    "benchmark_values": 3000,
}
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Generated:
    queries: int
    values: int
    doubled_queries: int  # over twice the years
    doubled_values: int
    first_fingerprint: str
    second_fingerprint: str


def generate(**changes) -> int:
    """Generate the small council (with changes); returns how many queries it took."""
    connection.queries_log.clear()  # else a full log would hide queries from the count
    with CaptureQueriesContext(connection) as captured:
        generate_council(**{**SMALL, **changes}, today=TODAY, seed=SEED)
    return len(captured)


def fingerprint() -> str:
    """Every figure, revision, target and copied register row, independent of primary keys."""
    digest = hashlib.sha256()
    tables = (
        Value.objects.values_list(
            "indicator__code", "period__kind", "period__code", "figure", "numerator",
            "denominator", "state", "data_quality", "commentary", "entered_at", "approved_at",
        ),
        ValueRevision.objects.values_list(
            "value__indicator__code", "value__period__kind", "value__period__code", "number",
            "action", "changed_by__username", "changed_at", "reason", "after",
        ),
        Target.objects.values_list("indicator__code", "period__code", "value", "lower", "upper"),
        RiskReview.objects.values_list("risk__reference", "reviewed_on", "state", "approved_at"),
        ProjectUpdate.objects.values_list("project__reference", "period__code", "state"),
        ExternalValue.objects.values_list("metric__code", "area__code", "period", "value"),
    )  # fmt: skip
    for rows in tables:
        for row in sorted(repr(row) for row in rows):
            digest.update(row.encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    # The suite's fast hasher, set here too: this fixture runs before the per-test settings.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        with transaction.atomic():
            doubled_queries = generate(years=2 * SMALL["years"])
            doubled_values = Value.objects.count()
            transaction.set_rollback(True)
        with transaction.atomic():
            queries = generate()
            first = fingerprint()
            transaction.set_rollback(True)
        with transaction.atomic():
            generate()
            yield Generated(
                queries=queries,
                values=Value.objects.count(),
                doubled_queries=doubled_queries,
                doubled_values=doubled_values,
                first_fingerprint=first,
                second_fingerprint=fingerprint(),
            )
            transaction.set_rollback(True)


@pytest.fixture
def on_the_councils_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


# --- What is generated ----------------------------------------------------------------------------


def test_the_sizes_are_as_asked(council):
    assert Indicator.objects.count() == 180
    assert OrgUnit.objects.filter(kind="directorate").count() == 6
    assert OrgUnit.objects.filter(kind="service").count() == 30
    # The demo's five committees and the added area's.
    assert list(Committee.objects.filter(code__endswith="-area-committee").values_list(
        "code", flat=True)) == ["north-area-committee"]  # fmt: skip
    assert Committee.objects.count() == 6
    with_figures = Period.objects.filter(values__isnull=False)
    first = with_figures.order_by("starts_on").first()
    last = with_figures.order_by("-ends_on").first()
    assert first.starts_on == date(2024, 4, 1)  # three financial years: 2024/25 to 2026/27
    assert last.ends_on < TODAY
    synthetic = ExternalValue.objects.filter(metric__code__startswith="synthetic-")
    assert synthetic.count() == 3000
    assert BenchmarkLink.objects.filter(metric__code__startswith="synthetic-").exists()


def test_the_added_area_has_services_people_and_registers(council):
    area = OrgUnit.objects.get(code="north-area")
    services = OrgUnit.objects.filter(parent=area, kind="service")
    assert [s.code for s in services.order_by("code")] == [
        f"{spec.code}-2" for spec in sorted(SERVICES[:4], key=lambda s: s.code)
    ]
    assert area.head.groups.filter(name="Director").exists()
    for service in services:
        assert service.head.groups.filter(name="Approver").exists()
        in_scope = User.objects.filter(scope=service)
        assert in_scope.filter(groups__name="Data owner").exists(), service
        assert Indicator.objects.filter(owner=service).exists(), service
    copied_risks = Risk.objects.filter(unit__in=services)
    assert copied_risks.exists()
    assert RiskReview.objects.filter(risk__in=copied_risks, state="approved").exists()
    assert Project.objects.filter(lead_service__in=services).exists()


def test_copies_keep_their_templates_definition_with_their_own_figures(council):
    template, copy = Indicator.objects.get(code="WST-01"), Indicator.objects.get(code="WST-01-2")
    assert (copy.frequency, copy.unit, copy.polarity) == (
        template.frequency,
        template.unit,
        template.polarity,
    )
    assert copy.owner.code == "waste-recycling-2"
    figures = [
        list(Value.objects.filter(indicator=i).order_by("period__starts_on").values_list(
            "figure", flat=True))
        for i in (template, copy)
    ]  # fmt: skip
    assert len(figures[0]) == len(figures[1])
    assert figures[0] != figures[1]


def test_versions_retirements_and_recalculations_are_kept(council):
    assert IndicatorVersion.objects.filter(number=1).count() == 180
    retired = Indicator.objects.filter(lifecycle="retired")
    assert retired.exists()
    for indicator in retired:
        assert indicator.last_period is not None
        assert indicator.versions.filter(number=2, change_reason__startswith="Retired").exists()
    assert SpcRecalculation.objects.filter(indicator__code="WST-01").exists()
    assert SpcRecalculation.objects.filter(indicator__code="WST-01-2").exists()


def test_the_same_seed_gives_the_same_figures(council):
    assert council.first_fingerprint == council.second_fingerprint


# --- A valid council: every scorecard shows it ----------------------------------------------------


def test_every_scorecard_page_renders_with_content(council, client, on_the_councils_today):
    client.force_login(User.objects.get(username="performance"))
    pages = [(reverse("scorecards:organisation"), True)]
    pages += [(reverse("scorecards:ambition", args=[a.code]), True) for a in Ambition.objects.all()]
    pages += [(reverse("scorecards:outcome", args=[o.code]), False) for o in Outcome.objects.all()]
    pages += [
        (reverse(f"scorecards:{unit.kind}", args=[unit.code]), unit.kind == "directorate")
        for unit in OrgUnit.objects.filter(kind__in=["directorate", "service"])
    ]
    pages += [
        (reverse("scorecards:committee", args=[c.code]), True) for c in Committee.objects.all()
    ]
    for url, has_content in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if has_content:
            assert response.context["scorecard"].indicator_count > 0, url
    for export in ("csv", "xlsx"):
        response = client.get(reverse("scorecards:organisation"), {"format": export})
        assert response.status_code == 200
        assert b"WST-01-2" in response.content or export == "xlsx"


def test_an_indicator_page_of_each_kind_renders(council, client, on_the_councils_today):
    client.force_login(User.objects.get(username="performance"))
    kinds = {}
    for code, frequency, lifecycle in Indicator.objects.values_list(
        "code", "frequency", "lifecycle"
    ).order_by("code"):
        kinds.setdefault((frequency, lifecycle), code)
    for code in [*kinds.values(), "WST-01-2", "EH-01-2"]:
        response = client.get(reverse("scorecards:indicator", args=[code]))
        assert response.status_code == 200, code


def test_the_public_quarter_scorecard_shows_a_released_report(council, client):
    report = release_quarter_report(today=TODAY)
    response = client.get(reverse("publishing:scorecard", args=[report.period.code]))
    assert response.status_code == 200
    assert b"WST-01" in response.content


# --- Signed off as the workflow signs off ---------------------------------------------------------


def _signed_off_shape(value: Value) -> dict:
    """What the workflow leaves on a value and its revisions, without times and ids."""
    value.refresh_from_db()
    revisions = list(value.revisions.order_by("number"))
    owner, approver = value.entered_by_id, value.approved_by_id
    return {
        "state": value.state,
        "lock_version": value.lock_version,
        "submitted by whoever entered it": value.submitted_by_id == owner,
        "signed off by someone else": approver is not None and approver != owner,
        "times set": [
            getattr(value, name) is not None
            for name in ("entered_at", "updated_at", "submitted_at", "approved_at")
        ],
        "last change is the sign-off": value.updated_at == value.approved_at,
        "revisions": [
            (
                revision.number,
                revision.action,
                bool(revision.reason),
                sorted(revision.after),
                revision.after["state"],
                revision.before == (revisions[n - 1].after if n else None),
                revision.changed_by_id == (approver if revision.action == "approved" else owner),
            )
            for n, revision in enumerate(revisions)
        ],
        "times in order": [r.changed_at for r in revisions]
        == sorted({r.changed_at for r in revisions}),
        "first and last times": (revisions[0].changed_at, revisions[-1].changed_at)
        == (value.entered_at, value.approved_at),
        "last revision is the value": revisions[-1].after == value.snapshot(),
    }


def _through_the_workflow() -> Value:
    """A figure for the latest month recorded, submitted and signed off through
    `indicators.workflow` (one the generator left missing, its cycle still open)."""
    code = next(c for c, r in LATEST_MONTH_RETURNS.items() if r.state == "missing")
    indicator = Indicator.objects.get(code=code)
    latest = Value.objects.filter(indicator=indicator).order_by("-period__starts_on").first()
    period = Period.objects.get(kind="month", starts_on=latest.period.ends_on + timedelta(days=1))
    assert ReportingCycle.objects.get(period=period).state == "open"
    owner = User.objects.filter(scope=indicator.owner, groups__name="Data owner").first()
    approver = User.objects.filter(scope=indicator.owner, groups__name="Approver").first()
    entries = {
        "figure": latest.figure,
        "numerator": latest.numerator,
        "denominator": latest.denominator,
        "data_quality": "final",
        "commentary": "As last month.",
    }
    value = workflow.record_value(indicator=indicator, period=period, entries=entries, by=owner)
    value = workflow.submit_value(value=value, by=owner)
    return workflow.approve_value(value=value, by=approver)


def test_a_generated_figure_is_signed_off_as_the_workflow_signs_one_off(council):
    generated = (
        Value.objects.filter(state="approved", lock_version=3, period__kind="month")
        .order_by("indicator__code", "period__starts_on")
        .first()
    )
    made = _through_the_workflow()
    assert _signed_off_shape(generated) == _signed_off_shape(made)
    assert [r.action for r in made.revisions.order_by("number")] == [
        "recorded",
        "submitted",
        "approved",
    ]


def test_a_generated_revision_after_sign_off_is_as_the_workflows(council):
    generated = (
        Value.objects.filter(revisions__action="revised")
        .order_by("indicator__code", "period__starts_on")
        .first()
    )
    assert generated is not None
    made = _through_the_workflow()
    owner, approver = made.entered_by, made.approved_by
    made = workflow.revise_value(
        value=made,
        entries={"commentary": "Recounted: the same figure."},
        by=owner,
        reason="Recounted.",
    )
    made = workflow.approve_value(value=made, by=approver)
    assert _signed_off_shape(generated) == _signed_off_shape(made)


def test_every_figure_has_a_revision_history_the_workflow_could_write(council):
    allowed = {
        ("recorded",): "draft",
        ("recorded", "submitted"): "submitted",
        ("recorded", "submitted", "returned"): "returned",
        ("recorded", "submitted", "approved"): "approved",
        ("recorded", "submitted", "approved", "revised", "approved"): "approved",
        ("recorded", "submitted", "returned", "edited", "submitted", "approved"): "approved",
    }
    actions: dict[int, list[str]] = {}
    for value_id, action in ValueRevision.objects.order_by("value_id", "number").values_list(
        "value_id", "action"
    ):
        actions.setdefault(value_id, []).append(action)
    states = dict(Value.objects.values_list("pk", "state"))
    assert set(actions) == set(states)
    for value_id, done in actions.items():
        assert allowed.get(tuple(done)) == states[value_id], done


# --- In bulk --------------------------------------------------------------------------------------


def test_the_queries_do_not_grow_with_the_figures(council):
    """Twice the years is about twice the figures, but only a few more queries: the periods
    and cycles of the added years, and more batches of bulk inserts (a query for about 1,700
    figures, or 4,000 revisions)."""
    assert council.doubled_values > 1.8 * council.values
    assert council.doubled_queries < 1.2 * council.queries
    more_values = council.doubled_values - council.values
    assert (council.doubled_queries - council.queries) * 20 < more_values


# --- Refusing and replacing -----------------------------------------------------------------------


def test_a_database_with_a_council_is_refused_unless_replaced(council):
    arguments = ["generate_council", "--indicators", "3", "--years", "1", "--benchmark-values", "0"]
    with pytest.raises(CommandError) as refused:
        call_command(*arguments, "--today", TODAY.isoformat(), verbosity=0)
    assert str(refused.value) == NOT_EMPTY.format(what="a council")
    assert "--replace" in str(refused.value)
    assert Indicator.objects.count() == 180

    call_command(*arguments, "--today", TODAY.isoformat(), "--replace", verbosity=0)
    assert Council.objects.count() == 1
    assert Indicator.objects.count() == 3
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["large council generated"]
