"""load_demo fills an empty database with the Wyvern Vale demo council, the same every time.

The demo is loaded once for the module (twice, in fact: the first load is rolled back so the
two can be compared), inside a transaction that is rolled back when the module ends.
"""

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.chain import verify
from audit.models import AuditEntry
from delivery.models import (
    MilestoneDateChange,
    Programme,
    Project,
    ProjectUpdate,
    ProjectUpdateRevision,
)
from delivery.workflow import update_reading
from demo.council import (
    INDICATORS,
    LATEST_MONTH_RETURNS,
    LATEST_QUARTER_RETURNS,
    STABLE_CODES,
    STEP_CHANGE_CODES,
)
from demo.generate import DemoSummary, load_demo, summarise
from demo.people import DEMO_LOGINS, DEMO_PASSWORD
from demo.series import PER_UNIT
from finance import due as finance_due
from finance.models import BudgetLine, CostCentre, Forecast, ForecastRevision
from finance.queries import council_summary, directorate_finance
from improvement.actions import clinic_reading
from improvement.models import ActionUpdate, DueDateChange, Finding, ImprovementAction
from improvement.queries import overdue_actions
from indicators.models import (
    Indicator,
    Period,
    ReportingCycle,
    Target,
    Value,
    ValueRevision,
)
from organisation.models import Council, OrgUnit, Role, User
from risks.models import Risk, RiskReview, RiskReviewRevision
from risks.queries import register
from scorecards.queries import service_scorecard
from signoff.models import ReturnState, RevisionAction
from status import periods as rules
from status.delivery import DeliveryStatus
from status.finance import FinanceDirection, FinanceStatus
from status.improvement import ActionState
from status.rag import Rag, Tolerance, rag_status
from status.risks import RiskTrend
from status.spc import Variation, spc_reading
from strategy.models import Ambition, Committee, Meeting

TODAY = date(2026, 11, 24)
LONDON = ZoneInfo("Europe/London")
LATEST_QUARTER = "2026-27-Q2"
LATEST_MONTH = "2026-10"
LATEST_YEAR = "2025-26"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
COLLECTED = ["approved", "provisional"]  # lifecycles that have figures now

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Loaded:
    summary: DemoSummary
    seconds: float
    first_fingerprint: str
    second_fingerprint: str


def fingerprint() -> str:
    """Every figure, state, commentary, revision and target, independent of primary keys."""
    digest = hashlib.sha256()
    values = Value.objects.values_list(
        "indicator__code",
        "period__kind",
        "period__code",
        "figure",
        "numerator",
        "denominator",
        "state",
        "data_quality",
        "commentary",
        "reasons",
        "actions",
        "entered_at",
        "approved_at",
    )
    revisions = ValueRevision.objects.values_list(
        "value__indicator__code",
        "value__period__kind",
        "value__period__code",
        "number",
        "action",
        "changed_by__username",
        "changed_at",
        "reason",
        "after",
    )
    targets = Target.objects.values_list(
        "indicator__code", "period__kind", "period__code", "value", "lower", "upper"
    )
    meetings = Meeting.objects.values_list("committee__code", "starts_at")
    forecasts = Forecast.objects.values_list(
        "line__unit__code", "period__code", "forecast_outturn", "state", "approved_at"
    )
    reviews = RiskReview.objects.values_list(
        "risk__reference", "reviewed_on", "current_likelihood", "current_impact", "state"
    )
    updates = ProjectUpdate.objects.values_list(
        "project__reference", "period__code", "percent_complete", "state", "approved_at"
    )
    actions = ImprovementAction.objects.values_list(
        "reference", "state", "due_on", "revised_due_on", "completed_on"
    )
    registers = (forecasts, reviews, updates, actions)
    for rows in (values, revisions, targets, meetings, *registers):
        for row in sorted(repr(row) for row in rows):
            digest.update(row.encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The suite's fast hasher, set here too: this fixture runs before the per-test settings.
    fast_hashing = override_settings(PASSWORD_HASHERS=[FAST_HASHER])
    with django_db_blocker.unblock(), fast_hashing:
        with transaction.atomic():
            load_demo(today=TODAY, seed=2026)
            first = fingerprint()
            transaction.set_rollback(True)
        with transaction.atomic():
            started = time.perf_counter()
            summary = load_demo(today=TODAY, seed=2026)
            seconds = time.perf_counter() - started
            yield Loaded(summary, seconds, first, fingerprint())
            transaction.set_rollback(True)


def strategic() -> list[Indicator]:
    return list(Indicator.objects.filter(sets__code="strategic").order_by("code"))


# --- What is loaded ---------------------------------------------------------------------------


def test_the_council_is_wyvern_vale(demo):
    council = Council.objects.get()
    assert (council.name, council.short_name, council.ons_code) == (
        "Wyvern Vale Council",
        "Wyvern Vale",
        "E06000099",
    )
    assert (council.tier, council.default_tolerance_percent, council.rag_rule) == (
        "unitary",
        5,
        "tolerance",
    )


def test_the_structure_has_directorates_services_and_partnerships(demo):
    kinds = Counter(OrgUnit.objects.values_list("kind", flat=True))
    assert 4 <= kinds["directorate"] <= 6
    assert kinds["service"] >= 20
    assert kinds["team"] >= 1
    assert kinds["partnership"] == 2
    assert not OrgUnit.objects.filter(kind__in=["directorate", "service"], head=None).exists()
    for service in OrgUnit.objects.filter(kind="service"):
        in_scope = User.objects.filter(scope=service)
        assert in_scope.filter(groups__name="Data owner").exists(), service
        assert in_scope.filter(groups__name="Approver").exists(), service


def test_people_have_their_roles_and_the_demo_password(demo):
    for username, _ in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="performance").is_staff
    assert User.objects.filter(groups__name="Performance team").count() in (2, 3)
    councillors = User.objects.filter(groups__name="Councillor")
    assert councillors.count() >= 6
    assert not councillors.exclude(home_unit=None).exists()
    director = User.objects.get(username="director")
    assert list(director.scope.values_list("code", flat=True)) == ["place"]
    assert User.objects.get(username="dataowner").scope.get().name == "Waste and Recycling"
    assert all(user.email.endswith("@wyvernvale.gov.uk") for user in User.objects.all())


def test_the_demo_has_an_internal_auditor_who_changes_nothing(demo):
    auditor = User.objects.get(username="auditor")

    assert auditor.has_role(Role.AUDITOR)
    assert not (auditor.is_staff or auditor.is_superuser or auditor.scope.exists())


def test_loading_the_demo_is_one_entry_of_an_audit_log_that_verifies(demo):
    [entry] = AuditEntry.objects.all()

    assert (entry.action, entry.source, entry.actor, entry.reason) == (
        "demo loaded",
        "command",
        None,
        "demo loaded",
    )
    assert entry.after == {"today": "2026-11-24", "seed": 2026}
    assert verify().ok


def test_ambitions_outcomes_and_strategic_indicators(demo):
    ambitions = Ambition.objects.all()
    assert 5 <= ambitions.count() <= 7
    for ambition in ambitions:
        assert 2 <= ambition.outcomes.count() <= 4
        headline = Indicator.objects.filter(sets__code="strategic", outcomes__ambition=ambition)
        assert 4 <= headline.count() <= 10, ambition
    assert 35 <= len(strategic()) <= 45
    assert all(indicator.outcomes.count() == 1 for indicator in strategic())


def test_indicators_cover_frequencies_polarities_and_lifecycles(demo):
    indicators = Indicator.objects.all()
    total = indicators.count()
    assert total >= 120
    frequency = Counter(indicators.values_list("frequency", flat=True))
    assert 0.3 <= frequency["monthly"] / total <= 0.5
    assert 0.4 <= frequency["quarterly"] / total <= 0.6
    assert 0.05 <= frequency["annual"] / total <= 0.15
    polarity = Counter(indicators.values_list("polarity", flat=True))
    assert polarity["in_range"] >= 2
    assert polarity["neither"] >= 3
    lifecycle = Counter(indicators.values_list("lifecycle", flat=True))
    assert lifecycle["approved"] > total * 0.9
    assert 1 <= lifecycle["retired"] <= 2
    assert lifecycle["provisional"] >= 1 and lifecycle["proposed"] >= 1
    assert not indicators.filter(committees=None, sets__code="strategic").exists()
    for code in ("statutory", "oflog", "partnership", "equality"):
        assert indicators.filter(sets__code=code).exists(), code


def test_some_definitions_have_a_later_version(demo):
    revised = Indicator.objects.filter(version__gt=1)
    assert revised.count() >= 2
    benefits = Indicator.objects.get(code="BEN-01")
    assert list(benefits.versions.values_list("number", "precision")) == [(2, 1), (1, 0)]
    assert benefits.effective_from == date(2025, 4, 1)


def test_committees_meet_every_few_weeks_around_today(demo):
    assert Committee.objects.get(code="cabinet").receives_full_scorecard is False
    assert Committee.objects.filter(kind="scrutiny").count() == 3
    resources = Committee.objects.get(name="Strategy, Resources and Performance Committee")
    assert resources.receives_full_scorecard
    for committee in Committee.objects.all():
        starts = [meeting.starts_at.astimezone(LONDON) for meeting in committee.meetings.all()]
        assert starts[0].date() < TODAY - timedelta(days=90)
        assert starts[-1].date() > TODAY + timedelta(days=200)
        assert {start.hour for start in starts} == {14 if committee.code == "cabinet" else 18}
        gaps = {(later - earlier).days for earlier, later in pairwise(starts)}
        assert min(gaps) >= 42


# --- Values -----------------------------------------------------------------------------------


def test_the_catalogue_names_latest_returns_of_the_right_frequency():
    frequency = {spec.code: spec.frequency for spec in INDICATORS}
    assert {frequency[code] for code in LATEST_QUARTER_RETURNS} == {"quarterly"}
    assert {frequency[code] for code in LATEST_MONTH_RETURNS} == {"monthly"}
    assert not (set(LATEST_QUARTER_RETURNS) | set(LATEST_MONTH_RETURNS)) & (
        set(STEP_CHANGE_CODES) | set(STABLE_CODES)
    )


def test_every_indicator_has_values_up_to_the_latest_period_that_ended(demo):
    latest = {"monthly": LATEST_MONTH, "quarterly": LATEST_QUARTER, "annual": LATEST_YEAR}
    deliberately_late = set(LATEST_QUARTER_RETURNS) | set(LATEST_MONTH_RETURNS)
    for indicator in Indicator.objects.filter(lifecycle__in=COLLECTED):
        codes = set(indicator.values.values_list("period__code", flat=True))
        late = indicator.code in deliberately_late
        assert latest[indicator.frequency] in codes or late, indicator.code
        if indicator.frequency == "monthly":
            assert "2026-09" in codes and "2026-11" not in codes, indicator.code


def test_every_strategic_indicator_reports_on_the_latest_quarter_or_is_deliberately_late(demo):
    for indicator in strategic():
        period = {"monthly": "2026-09", "quarterly": LATEST_QUARTER, "annual": LATEST_YEAR}
        has_value = indicator.values.filter(period__code=period[indicator.frequency]).exists()
        assert has_value or LATEST_QUARTER_RETURNS.get(indicator.code), indicator.code
    late = [code for code in LATEST_QUARTER_RETURNS if code in {i.code for i in strategic()}]
    assert late, "the demo should show a strategic indicator with a missing return"


def test_the_latest_quarter_has_missing_returns_after_its_deadline(demo):
    cycle = ReportingCycle.objects.get(period__code=LATEST_QUARTER)
    assert cycle.data_entry_deadline == date(2026, 10, 20) < TODAY
    assert cycle.state == "open"
    assert cycle.meetings.count() == Committee.objects.count()
    states = Counter(Value.objects.filter(period=cycle.period).values_list("state", flat=True))
    expected = Counter(spec.state for spec in LATEST_QUARTER_RETURNS.values())
    assert (states["submitted"], states["draft"], states["returned"]) == (
        expected["submitted"],
        expected["draft"],
        expected["returned"],
    )
    quarterly = Indicator.objects.filter(frequency="quarterly", lifecycle__in=COLLECTED)
    missing = quarterly.exclude(values__period=cycle.period)
    assert sorted(missing.values_list("code", flat=True)) == sorted(
        code for code, spec in LATEST_QUARTER_RETURNS.items() if spec.state == "missing"
    )
    returned = Value.objects.get(period=cycle.period, state="returned")
    assert returned.revisions.get(action="returned").reason


def test_the_october_cycle_is_open_with_some_returns_missing(demo):
    cycle = ReportingCycle.objects.get(period__code=LATEST_MONTH, period__kind="month")
    assert cycle.data_entry_deadline == date(2026, 11, 15) < TODAY <= cycle.signoff_deadline
    monthly = Indicator.objects.filter(frequency="monthly", lifecycle__in=COLLECTED)
    missing = monthly.exclude(values__period=cycle.period)
    assert missing.count() == 3
    assert ReportingCycle.objects.filter(state="planned").exists()


def test_the_latest_returns_went_through_the_workflow_on_the_demo_calendar(demo):
    value = Value.objects.get(indicator__code="ASC-01", period__code=LATEST_QUARTER)
    assert value.state == "submitted"
    assert list(value.revisions.values_list("action", flat=True)) == ["recorded", "submitted"]
    approved = Value.objects.filter(period__code=LATEST_QUARTER, state="approved")
    assert approved.count() > 50
    for value in approved:
        assert value.submitted_by != value.approved_by
        assert date(2026, 10, 1) <= value.approved_at.date() < TODAY


def test_history_reads_like_the_workflow_wrote_it(demo):
    for value in Value.objects.filter(period__code="2025-26-Q3")[:20]:
        revisions = list(value.revisions.all())
        assert [r.number for r in revisions] == list(range(1, len(revisions) + 1))
        assert value.lock_version == len(revisions)
        assert revisions[0].action == "recorded" and revisions[0].before is None
        assert revisions[-1].action == "approved"
        assert revisions[-1].after == value.snapshot()
        for earlier, later in pairwise(revisions):
            assert later.before == earlier.after
            assert later.changed_at > earlier.changed_at
    actions = Counter(ValueRevision.objects.values_list("action", flat=True))
    assert actions["revised"] >= 3
    assert actions["returned"] >= 2  # one in history, one in the latest quarter


def test_some_historical_returns_were_late(demo):
    late = 0
    for value in Value.objects.filter(period__kind="quarter").select_related("period__cycle"):
        if value.entered_at.astimezone(LONDON).date() > value.period.cycle.data_entry_deadline:
            late += 1
    assert late >= 3


def test_figures_are_exact_and_in_range(demo):
    for value in Value.objects.select_related("indicator").exclude(figure=None):
        assert isinstance(value.figure, Decimal)
        if value.indicator.unit == "%" and value.indicator.maximum_value is None:
            assert 0 <= value.figure <= 100, value
        if value.indicator.unit == "number":
            assert value.figure >= 0 and value.figure == value.figure.to_integral_value()
        if value.denominator:
            computed = value.numerator * PER_UNIT[value.indicator.unit] / value.denominator
            assert abs(computed - value.figure) < Decimal("0.01"), value


def test_council_tax_collection_rises_through_the_year(demo):
    figures = dict(
        Value.objects.filter(indicator__code="REV-01", period__kind="month").values_list(
            "period__code", "figure"
        )
    )
    assert [round(figures[month]) for month in ("2025-06", "2025-09", "2025-12", "2026-03")] == [
        pytest.approx(29, abs=1),
        pytest.approx(57, abs=1),
        pytest.approx(85, abs=1),
        pytest.approx(97, abs=1),
    ]


def test_red_and_amber_values_in_the_last_four_quarters_are_explained(demo):
    recent = Value.objects.filter(period__ends_on__gte=date(2025, 10, 1)).select_related(
        "indicator", "period"
    )
    targets = {
        (target.indicator_id, target.period_id): target
        for target in Target.objects.filter(period__ends_on__gte=date(2025, 10, 1))
    }
    explained = Counter()
    for value in recent:
        target = targets.get((value.indicator_id, value.period_id))
        status = _status(value, target)
        if status in (Rag.red, Rag.amber):
            assert value.commentary and value.reasons and value.actions, value
        explained[status] += 1
    assert explained[Rag.red] and explained[Rag.amber] and explained[Rag.green]


def _status(value: Value, target: Target | None) -> Rag:
    indicator = value.indicator
    if indicator.tolerance_absolute is not None:
        tolerance = Tolerance(absolute=indicator.tolerance_absolute)
    else:
        tolerance = Tolerance(percent=indicator.tolerance_percent or Decimal(5))
    return rag_status(
        value=value.figure,
        target=target.value if target else None,
        lower=target.lower if target else None,
        upper=target.upper if target else None,
        polarity=indicator.polarity,
        precision=indicator.precision,
        tolerance=tolerance,
    )


def test_the_latest_quarter_shows_a_mix_of_green_amber_and_red(demo):
    latest = {"monthly": "2026-09", "quarterly": LATEST_QUARTER, "annual": LATEST_YEAR}
    statuses = Counter()
    for indicator in Indicator.objects.all():
        value = indicator.values.filter(period__code=latest[indicator.frequency]).first()
        if value is None:
            continue
        target = indicator.targets.filter(period=value.period).first()
        statuses[_status(value, target)] += 1
    judged = statuses[Rag.green] + statuses[Rag.amber] + statuses[Rag.red]
    assert 0.45 <= statuses[Rag.green] / judged <= 0.65
    assert 0.1 <= statuses[Rag.amber] / judged <= 0.3
    assert 0.15 <= statuses[Rag.red] / judged <= 0.35


def test_step_change_indicators_really_change_level(demo):
    specs = {spec.code: spec for spec in INDICATORS}
    for code in STEP_CHANGE_CODES:
        first_month, change = specs[code].series.step
        step_starts = rules.period_from_code(rules.PeriodKind.month, first_month).start
        figures = Value.objects.filter(indicator__code=code).values_list(
            "period__starts_on", "figure"
        )
        before = mean(figure for starts, figure in figures if starts < step_starts)
        after = mean(figure for starts, figure in figures if starts >= step_starts)
        assert (after - before) / Decimal(change) > Decimal("0.6"), code


def test_spc_finds_special_causes_in_the_steps_and_common_cause_in_the_stable(demo):
    for code in [*STEP_CHANGE_CODES, *STABLE_CODES]:
        indicator = Indicator.objects.get(code=code)
        series = [value.figure for value in indicator.values.order_by("period__starts_on")]
        variation = spc_reading(series, indicator.polarity).variation
        if code in STABLE_CODES:
            assert variation == Variation.common_cause, code
        else:
            assert variation != Variation.common_cause, code


def test_reports_are_published_embargoed_and_in_draft(demo):
    from reports.models import Report
    from reports.publication import release_time

    reports = {
        (r.kind, r.committee.code if r.committee else "", r.period.code): r
        for r in Report.objects.select_related("committee", "meeting", "period")
    }
    srp = "strategy-resources-performance"
    embargoed = reports["committee", srp, "2026-27-Q2"]
    assert embargoed.state == "approved"
    assert release_time(embargoed) == embargoed.meeting.starts_at
    assert timezone.localtime(embargoed.meeting.starts_at).date() == TODAY
    assert reports["committee", "cabinet", "2026-27-Q2"].state == "draft"
    annual = reports["annual", "", "2025-26"]
    assert annual.state == "approved"
    rows = [row for section in annual.snapshot["sections"] for row in section["rows"]]
    assert len(rows) == 44
    assert {row["period"][:7] for row in rows} == {"2025/26"}  # the year, not its last month
    published = [r for r in reports.values() if r.state == "approved" and r != embargoed]
    assert len(published) >= 4
    assert all(release_time(r).date() < TODAY for r in published)
    area = Report.objects.get(kind="area")
    assert sorted(area.extra_indicators.values_list("code", flat=True))[:2] == [
        "HOU-01",
        "HOU-02",
    ]
    for report in reports.values():
        if report.snapshot:
            assert "[value:" not in str(report.snapshot)
            assert report.approved_at < release_time(report) or report.kind == "annual"


def test_nothing_in_the_reports_happened_after_the_demos_today(demo):
    # A draft for the next cabinet, weeks away, once read "created 3 February 2027".
    from reports.models import Report, ReportEvent
    from scorecards.models import Narrative

    end_of_today = timezone.make_aware(
        timezone.datetime.combine(TODAY + timedelta(days=1), timezone.datetime.min.time()),
        LONDON,
    )
    moments = [("event", e.report_id, e.kind, e.at) for e in ReportEvent.objects.all()]
    moments += [("created", r.pk, r.state, r.created_at) for r in Report.objects.all()]
    moments += [("edited", r.pk, r.state, r.edited_at) for r in Report.objects.all()]
    moments += [("narrative", n.pk, "", n.updated_at) for n in Narrative.objects.all()]
    assert [m for m in moments if m[3] >= end_of_today] == []


def test_loading_is_deterministic(demo):
    assert demo.first_fingerprint == demo.second_fingerprint


def test_the_history_shows_indicators_as_they_stood(demo):
    """Newer indicators start at their first period, retired ones stop at their last (kept as
    a version with why), and CUS-03 moved to Digital and ICT from April 2025."""
    for indicator in Indicator.objects.filter(lifecycle__in=["provisional", "proposed"]):
        assert indicator.first_period is not None, indicator.code
        assert indicator.first_period.starts_on <= indicator.effective_from, indicator.code
        earlier = indicator.values.filter(period__starts_on__lt=indicator.first_period.starts_on)
        assert not earlier.exists(), indicator.code
    for indicator in Indicator.objects.filter(lifecycle="retired"):
        last = indicator.last_period
        assert last is not None and last.ends_on == date(2025, 3, 31), indicator.code
        assert indicator.values.order_by("period__starts_on").last().period == last
        retired = indicator.versions.get(number=indicator.version)
        assert retired.change_reason.startswith(f"Retired: last reported for {last.label}.")

    moved = Indicator.objects.get(code="CUS-03")
    before, after = moved.versions.order_by("number")
    assert (before.owner.code, after.owner.code) == ("customer-services", "digital-ict")
    assert after.effective_from == date(2025, 4, 1) and "Digital and ICT" in after.change_reason
    council = Council.objects.get()

    def shown(service_code, period_code):
        scorecard = service_scorecard(
            OrgUnit.objects.get(code=service_code),
            period=Period.objects.get(kind="quarter", code=period_code),
            today=TODAY,
            council=council,
        )
        return {r.indicator.code for section in scorecard.sections for r in section.readings}

    assert "CUS-03" in shown("customer-services", "2024-25-Q4")
    assert "CUS-03" not in shown("digital-ict", "2024-25-Q4")
    assert "CUS-03" in shown("digital-ict", "2025-26-Q1")
    assert "CUS-03" not in shown("customer-services", "2025-26-Q1")
    assert "CUS-90" in shown("customer-services", "2024-25-Q4")
    assert "CUS-90" not in shown("customer-services", "2025-26-Q1")
    assert "CUS-07" not in shown("customer-services", "2024-25-Q4")  # provisional, from 2025/26


# --- The command ------------------------------------------------------------------------------


def test_if_empty_leaves_a_loaded_database_alone(demo):
    before = summarise()
    out = StringIO()
    call_command("load_demo", "--if-empty", "--today", TODAY.isoformat(), stdout=out)
    assert "already holds a council" in out.getvalue()
    assert summarise() == before == demo.summary


def test_refuses_to_load_over_existing_data(demo):
    before = summarise()
    with pytest.raises(CommandError, match="only fills an empty database"):
        call_command("load_demo", "--today", TODAY.isoformat(), stdout=StringIO())
    assert summarise() == before


def test_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_demo", "--today", "24/11/2026", stdout=StringIO())


# --- The registers beside the indicators ------------------------------------------------------

LAST_YEAR_QUARTERS = ["2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4"]
THIS_YEAR_QUARTERS = ["2026-27-Q1", "2026-27-Q2"]


def _period(code: str) -> Period:
    return Period.objects.get(code=code)


def test_the_new_logins_have_their_roles_and_scope(demo):
    logins = dict(DEMO_LOGINS)
    finance = User.objects.get(username="finance")
    riskowner = User.objects.get(username="riskowner")

    assert {"finance", "riskowner"} <= set(logins)
    assert finance.has_role(Role.FINANCE_PARTNER) and not finance.has_role(Role.DATA_OWNER)
    assert set(finance.scope.values_list("code", flat=True)) == set(
        OrgUnit.objects.filter(kind="directorate").values_list("code", flat=True)
    )
    assert riskowner.has_role(Role.DATA_OWNER)
    owned = Risk.objects.filter(owner=riskowner)
    assert owned.count() >= 3
    assert all(risk.unit.code == "place" or risk.unit.parent.code == "place" for risk in owned)


def test_every_directorate_and_service_has_two_years_of_budgets_and_cost_centres(demo):
    units = OrgUnit.objects.filter(kind__in=["directorate", "service"])
    lines = Counter(BudgetLine.objects.values_list("year__code", flat=True))

    assert lines == {"2025-26": units.count(), "2026-27": units.count()}
    for service in units.filter(kind="service"):
        assert CostCentre.objects.filter(unit=service).count() == 2, service
    signed_off = Forecast.objects.filter(state=ReturnState.APPROVED)
    assert sorted(set(signed_off.values_list("period__code", flat=True))) == sorted(
        LAST_YEAR_QUARTERS + THIS_YEAR_QUARTERS
    )
    assert signed_off.count() == units.count() * 6
    assert ForecastRevision.objects.filter(action=RevisionAction.APPROVED).count() == (
        signed_off.count()
    )


def test_place_overspends_more_each_quarter_and_hr_underspends(demo):
    by_unit = {r.unit.code: r for r in council_summary(_period(LATEST_QUARTER))}
    place = by_unit["place"]

    assert place.reading.status in (FinanceStatus.over_amber, FinanceStatus.over_red)
    assert place.direction == FinanceDirection.worsening
    assert place.reading.variance_percent == Decimal("4.0")
    assert [r for r in by_unit.values() if r.reading.status == FinanceStatus.over_red] == []
    services = {r.unit.code: r for r in directorate_finance(place.unit, _period(LATEST_QUARTER))}
    assert services["waste-recycling"].reading.variance > 0
    assert services["highways-transport"].reading.variance > 0
    resources = OrgUnit.objects.get(code="resources")
    hr = next(
        r for r in directorate_finance(resources, _period(LATEST_QUARTER)) if r.unit.code == "hr-od"
    )
    assert hr.is_significant_underspend
    # A directorate's forecast is its services' forecasts and its own line's.
    services_variance = sum(r.reading.variance for r in services.values() if r.unit != place.unit)
    assert services_variance == place.reading.variance


def test_the_finance_partner_has_a_q3_draft_in_their_returns(demo):
    finance = User.objects.get(username="finance")
    [draft] = Forecast.objects.exclude(state=ReturnState.APPROVED)

    assert (draft.state, draft.period.code, draft.line.unit.code) == (
        ReturnState.DRAFT,
        "2026-27-Q3",
        "waste-recycling",
    )
    assert [r.title for r in finance_due.owed(finance, TODAY)] == ["Waste and Recycling"]


def test_the_risk_register_covers_three_levels_with_links(demo):
    risks = Risk.objects.all()

    assert 30 <= risks.count() <= 60
    levels = Counter(risks.values_list("level", flat=True))
    assert all(levels[level] >= 5 for level in ("corporate", "directorate", "service"))
    for risk in risks:
        assert risk.cause and risk.event and risk.effect, risk
        assert risk.controls.exists() and risk.further_actions.exists(), risk
        assert risk.outcomes.exists(), risk
    assert Risk.indicators.through.objects.count() >= 30
    assert Risk.projects.through.objects.count() >= 15


def test_risk_reviews_tell_a_year_of_story(demo):
    rows = {row.risk.reference: row for row in register(on=TODAY)}

    rising_above = [r for r in rows.values() if r.trend == RiskTrend.rising and r.is_above_target]
    assert rising_above
    assert any(r.trend == RiskTrend.falling for r in rows.values())
    assert sum(r.is_above_target for r in rows.values()) >= 10
    assert [ref for ref, row in rows.items() if row.is_review_overdue] == ["HT-01"]
    assert rows["HT-01"].risk.owner.username == "riskowner"
    states = Counter(RiskReview.objects.values_list("state", flat=True))
    assert (states[ReturnState.SUBMITTED], states[ReturnState.RETURNED]) == (1, 1)
    returned = RiskReviewRevision.objects.get(action=RevisionAction.RETURNED)
    assert returned.reason and returned.review.risk.reference == "CS-01"
    assert RiskReview.objects.get(state=ReturnState.SUBMITTED).risk.reference == "EH-01"
    reviews = Counter(RiskReview.objects.values_list("risk__reference", flat=True))
    assert {ref for ref, count in reviews.items() if count < 4} == {"HT-01"}


def test_the_delivery_plan_has_programmes_and_priority_projects(demo):
    programmes = Programme.objects.all()
    projects = Project.objects.filter(is_priority=True)

    assert 4 <= programmes.count() <= 5
    for programme in programmes:
        assert programme.sponsor.has_role(Role.DIRECTOR), programme
        assert programme.expected_benefits and programme.kpis.exists(), programme
    assert 20 <= projects.count() <= 40
    assert len(set(projects.values_list("lead_service__parent__code", flat=True))) >= 4
    assert all(p.outcomes.exists() and p.measures.exists() for p in projects)
    changes = MilestoneDateChange.objects.all()
    assert changes.count() >= 5 and all(change.reason for change in changes)
    assert projects.filter(milestones__achieved_on__isnull=False).distinct().count() >= 10


def test_project_updates_for_the_year_are_signed_off_with_their_story(demo):
    updates = ProjectUpdate.objects.select_related("project", "period")
    latest = {u.project.reference: u for u in updates.filter(period__code=LATEST_QUARTER)}

    assert set(updates.values_list("period__code", flat=True)) == set(THIS_YEAR_QUARTERS)
    assert set(updates.values_list("state", flat=True)) == {ReturnState.APPROVED}
    assert ProjectUpdateRevision.objects.filter(action=RevisionAction.APPROVED).count() == (
        updates.count()
    )
    shown = {ref: update_reading(u, u.project, u.period) for ref, u in latest.items()}
    statuses = Counter(reading.status for reading in shown.values())
    assert statuses[DeliveryStatus.deferred] == 1 and latest["DP-10"].deferred_reason
    assert statuses[DeliveryStatus.complete] == 1
    assert statuses[DeliveryStatus.off_track] >= 2
    overridden = [ref for ref, reading in shown.items() if reading.is_overridden]
    assert overridden == ["DP-06"]
    assert shown["DP-06"].status == DeliveryStatus.at_risk
    assert shown["DP-06"].calculated == DeliveryStatus.on_track


def test_improvement_findings_have_actions_some_overdue(demo):
    findings = Finding.objects.all()

    assert set(findings.values_list("kind", flat=True)) == {
        "award",
        "clinic",
        "internal_audit",
        "inspection",
        "peer_challenge",
    }
    for finding in findings:
        assert 2 <= finding.actions.count() <= 5, finding
    clinic = findings.get(kind="clinic")
    reading = clinic_reading(clinic.indicator, today=TODAY, council=Council.objects.get())
    assert clinic.indicator.owner.parent.code == "place"
    assert reading.rag == Rag.red
    overdue = overdue_actions(None, TODAY)
    assert len(overdue) >= 3
    states = Counter(ImprovementAction.objects.values_list("state", flat=True))
    assert states[ActionState.complete.value] >= 2 and states[ActionState.in_progress.value] >= 3
    revised = ImprovementAction.objects.exclude(revised_due_on=None)
    assert revised.count() == 2
    for action in revised:
        change = DueDateChange.objects.get(action=action)
        assert (change.before, change.after) == (action.due_on, action.revised_due_on)
        assert action.revised_reason == change.reason != ""
    updates = ActionUpdate.objects.all()
    assert set(updates.values_list("period__code", "state")) == {
        (LATEST_QUARTER, ReturnState.APPROVED)
    }


def test_nothing_in_the_registers_happened_after_the_demos_today(demo):
    end_of_today = timezone.make_aware(
        timezone.datetime.combine(TODAY + timedelta(days=1), timezone.datetime.min.time()),
        LONDON,
    )
    moments = []
    for model in (ForecastRevision, RiskReviewRevision, ProjectUpdateRevision):
        moments += list(model.objects.values_list("changed_at", flat=True))
    moments += list(MilestoneDateChange.objects.values_list("changed_at", flat=True))
    moments += list(ImprovementAction.objects.values_list("agreed_at", flat=True))
    moments += list(Risk.objects.values_list("created_at", flat=True))
    moments += list(Risk.objects.values_list("updated_at", flat=True))
    assert moments and [m for m in moments if m >= end_of_today] == []
    assert not RiskReview.objects.filter(reviewed_on__gt=TODAY).exists()


def test_every_directorate_scorecard_shows_all_the_registers_panels(demo, client):
    """Finance, risks, change and improvement beside the indicators, for every directorate,
    each with something in it for the latest quarter."""
    client.force_login(User.objects.get(username="director"))
    directorates = OrgUnit.objects.filter(kind="directorate", is_active=True)
    assert directorates.count() >= 4

    for directorate in directorates:
        response = client.get(
            reverse("scorecards:directorate", args=[directorate.code]), {"period": LATEST_QUARTER}
        )
        page = response.content.decode()
        assert response.status_code == 200
        for anchor in ('id="finance"', 'id="risks"', 'id="change"', 'id="improvement-actions"'):
            assert anchor in page, (directorate.code, anchor)
        assert "leads no active projects" not in page, directorate.code

    place = client.get(
        reverse("scorecards:directorate", args=["place"]), {"period": LATEST_QUARTER}
    )
    assert "DP-01" in place.content.decode() and "PL-01" in place.content.decode()


def test_the_cabinet_reports_carry_risks_finance_and_change(demo):
    from reports.models import Report

    approved = Report.objects.filter(
        committee__code="cabinet", state="approved", snapshot__isnull=False
    )
    latest = approved.order_by("-period__ends_on").first()
    titles = [appendix["title"] for appendix in latest.snapshot["appendices"]]
    for title in ("Risks", "Finance", "Change programmes and projects"):
        assert title in titles, titles
    for appendix in latest.snapshot["appendices"]:
        if appendix["title"] in ("Risks", "Finance", "Change programmes and projects"):
            assert any(table["rows"] for table in appendix["tables"]), appendix["title"]
