"""Every page of the admin opens for a superuser, for every registered model.

Each registered model needs a builder below that makes one instance: registering a new model
in the admin without one fails `test_every_registered_model_has_a_builder`.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from delivery.models import ServicePlan, ServicePlanObjective
from delivery.tests.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory
from finance.models import BudgetLine, CostCentre, FinanceSettings
from improvement.tests.factories import FindingFactory, ImprovementActionFactory
from indicators.models import (
    Baseline,
    CycleState,
    IndicatorSet,
    IndicatorVersion,
    Period,
    ReportingCycle,
    Value,
    ValueRevision,
)
from indicators.periods import ensure_periods
from indicators.tests.factories import (
    IndicatorFactory,
    ReportingCycleFactory,
    TargetFactory,
    period,
)
from indicators.workflow import record_value
from operations.models import JobAttempt, RemovedFile, RetentionPolicy
from organisation.models import Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from organisation.tests.personas import CLOSED_PERIOD, OPEN_PERIOD, build_town
from reports.models import Report, ReportEventKind, ReportOutput
from reports.publication import is_released, release_time
from reports.reporting import MEETING_REASON_REQUIRED, approve_report, create_report, seen_now
from returns.cycles import open_cycle
from returns.evidence import attach_evidence
from returns.models import (
    CycleEvent,
    ImportKind,
    ImportRun,
    ImportState,
    ReminderRule,
    ReminderSent,
)
from risks.models import Control, FurtherAction, RiskBands
from risks.tests.factories import RiskFactory, signed_off_review
from scorecards.models import Narrative
from scorecards.tests.builders import Returns
from strategy.models import Committee, Meeting, OperatingPrinciple
from strategy.tests.factories import (
    CommitteeFactory,
    MeetingFactory,
    OutcomeFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


def _q1():
    ensure_periods(first_year=2024, last_year=2024)
    return period("2024-25-Q1")


def _service_plan():
    return ServicePlan.objects.create(
        service=OrgUnitFactory(parent=DirectorateFactory()),
        year=_q1().financial_year,
        summary="Collect every bin on the agreed day",
        entered_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _risk_review():
    approver = UserFactory(roles=[Role.APPROVER])
    risk = RiskFactory()
    approver.scope.add(risk.unit)
    return signed_off_review(
        risk, by=risk.owner, approver=approver, current=(3, 4), on=datetime.date(2026, 6, 30)
    )


def _value():
    """A draft Q1 2024/25 figure for a new indicator, recorded through the workflow."""
    return record_value(
        indicator=IndicatorFactory(),
        period=_q1(),
        entries={"figure": Decimal("41.5"), "commentary": "Up on last quarter"},
        by=UserFactory(),
    )


def _indicator():
    indicator = IndicatorFactory(in_sets=["strategic"])
    indicator.outcomes.add(OutcomeFactory())
    indicator.committees.add(CommitteeFactory())
    TargetFactory(indicator=indicator, period=_q1())
    return indicator


def _performance_team():
    return UserFactory(roles=[Role.PERFORMANCE_TEAM])


def _cycle_event():
    """The event written when the performance team opens a cycle."""
    cycle = ReportingCycleFactory(period=_q1())
    open_cycle(cycle=cycle, by=_performance_team())
    return CycleEvent.objects.get(cycle=cycle)


def _reminder_sent():
    return ReminderSent.objects.create(
        cycle=ReportingCycleFactory(period=_q1()),
        rule=ReminderRule.objects.get(deadline="data_entry", days_after=-5, audience="data_owner"),
        recipient=UserFactory(),
        due_on=datetime.date(2024, 7, 15),
        outstanding=2,
        subject="Reminder: Q1 2024/25 performance returns due 20 July 2024",
        sent_at=timezone.now(),
    )


def _evidence():
    upload = SimpleUploadedFile("source.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return attach_evidence(value=_value(), upload=upload, by=_performance_team())


def _import_run():
    return ImportRun.objects.create(
        kind=ImportKind.CSV,
        file="imports/2024/07/values.csv",
        original_name="values.csv",
        uploaded_by=_performance_team(),
        state=ImportState.FAILED,
        problems=[{"row": 3, "field": "figure", "message": "Enter the figure as a number"}],
        created_at=timezone.now(),
    )


def _access_fields():
    return {
        "user_agent": "Mozilla/5.0",
        "ip_address": "192.0.2.10",
        "username": "someone",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }


# One instance of each registered model, keyed "app_label.ModelName".
def _report():
    return Report.objects.create(
        kind="annual",
        title="Annual performance report",
        period=_q1(),
        created_at=timezone.now(),
        edited_at=timezone.now(),
    )


BUILDERS = {
    "auth.Group": lambda: Group.objects.get(name="Approver"),
    "otp_totp.TOTPDevice": lambda: TOTPDevice.objects.create(
        user=UserFactory(), name="Authenticator app", confirmed=True
    ),
    "axes.AccessAttempt": lambda: AccessAttempt.objects.create(
        **_access_fields(), get_data="", post_data="username=someone", failures_since_start=2
    ),
    "axes.AccessLog": lambda: AccessLog.objects.create(**_access_fields()),
    "axes.AccessFailureLog": lambda: AccessFailureLog.objects.create(
        **_access_fields(), locked_out=False
    ),
    "django_tasks_database.DBTaskResult": lambda: DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="no_such_module.tasks.gone",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    ),
    "organisation.Council": lambda: CouncilFactory(),
    "organisation.OrgUnit": lambda: OrgUnitFactory(parent=DirectorateFactory()),
    "organisation.User": lambda: UserFactory(
        roles=["data_owner"], units=[OrgUnitFactory()], job_title="Waste officer"
    ),
    "strategy.Plan": lambda: PlanFactory(),
    "strategy.OperatingPrinciple": lambda: OperatingPrinciple.objects.create(
        name="Digital self-service"
    ),
    "strategy.Ambition": lambda: OutcomeFactory().ambition,
    "strategy.Outcome": lambda: OutcomeFactory(lead_unit=DirectorateFactory()),
    "strategy.Committee": lambda: MeetingFactory().committee,
    "strategy.Meeting": lambda: MeetingFactory(venue="Council chamber"),
    "indicators.Period": _q1,
    "indicators.IndicatorSet": lambda: IndicatorSet.objects.get(code="oflog"),
    "indicators.Indicator": _indicator,
    "indicators.IndicatorVersion": lambda: IndicatorVersion.objects.get(
        indicator=IndicatorFactory(), number=1
    ),
    "indicators.Target": lambda: TargetFactory(period=_q1()),
    "indicators.Baseline": lambda: Baseline.objects.create(
        indicator=IndicatorFactory(), period=_q1(), value=Decimal("38.2")
    ),
    "indicators.ReportingCycle": lambda: ReportingCycleFactory(period=_q1()),
    "indicators.Value": _value,
    "indicators.ValueRevision": lambda: ValueRevision.objects.get(value=_value(), number=1),
    "returns.ReminderRule": lambda: ReminderRule.objects.get(
        deadline="signoff", days_after=1, audience="performance_team"
    ),
    "returns.ReminderSent": _reminder_sent,
    "returns.CycleEvent": _cycle_event,
    "returns.Evidence": _evidence,
    "returns.ImportRun": _import_run,
    "reports.Report": lambda: _report(),
    "reports.ReportOutput": lambda: ReportOutput.objects.create(
        report=_report(), format="pdf", requested_at=timezone.now()
    ),
    "operations.RetentionPolicy": lambda: RetentionPolicy.objects.create(
        pk=1, keep_import_files_days=365
    ),
    "operations.RemovedFile": lambda: RemovedFile.objects.create(
        kind="import_file",
        path="imports/2026/10/q2.csv",
        original_name="q2.csv",
        rule="Import files are kept 365 days",
        removed_at=timezone.now(),
        removed_by="manage.py apply_retention, run by golden-thread",
    ),
    "operations.JobAttempt": lambda: JobAttempt.objects.create(
        kind="import", job_id=1, number=1, worker="worker-1:4242", started_at=timezone.now()
    ),
    "delivery.Programme": lambda: ProgrammeFactory(),
    "delivery.Project": lambda: ProjectFactory(),
    "delivery.Milestone": lambda: MilestoneFactory(),
    "delivery.ServicePlan": lambda: _service_plan(),
    "delivery.ServicePlanObjective": lambda: ServicePlanObjective.objects.create(
        plan=_service_plan(), title="Recycle more of what we collect"
    ),
    "finance.BudgetLine": lambda: BudgetLine.objects.create(
        unit=DirectorateFactory(),
        year=_q1().financial_year,
        budget=Decimal("12500000"),
    ),
    "finance.CostCentre": lambda: CostCentre.objects.create(
        code="W1001", name="Refuse collection", unit=DirectorateFactory()
    ),
    "finance.FinanceSettings": lambda: FinanceSettings.objects.create(),
    "risks.Risk": lambda: RiskFactory(),
    "risks.Control": lambda: Control.objects.create(
        risk=RiskFactory(), description="Weekly missed-bin report", owner=UserFactory()
    ),
    "risks.FurtherAction": lambda: FurtherAction.objects.create(
        risk=RiskFactory(),
        description="Second depot contract",
        owner=UserFactory(),
        due_on=datetime.date(2027, 3, 31),
    ),
    "risks.RiskBands": lambda: RiskBands.objects.create(),
    "risks.RiskReview": _risk_review,
    "improvement.Finding": lambda: FindingFactory(),
    "improvement.ImprovementAction": lambda: ImprovementActionFactory(),
    "scorecards.Narrative": lambda: Narrative.objects.create(
        unit=DirectorateFactory(),
        period=_q1(),
        going_well="Recycling is up",
        updated_at=timezone.now(),
    ),
}

REGISTERED = {model._meta.label: model for model in admin.site._registry}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_every_registered_model_has_a_builder():
    assert sorted(set(REGISTERED) - set(BUILDERS)) == [], "add a builder for each new model"
    assert sorted(set(BUILDERS) - set(REGISTERED)) == [], "remove builders of unregistered models"


@pytest.mark.parametrize("label", sorted(REGISTERED))
def test_changelist_lists_the_instance(client, superuser, label):
    model = REGISTERED[label]
    instance = BUILDERS[label]()

    response = client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert instance.pk in {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("label", sorted(REGISTERED))
def test_add_page_opens_where_adding_is_allowed(client, superuser, label):
    model = REGISTERED[label]
    request = RequestFactory().get("/")
    request.user = superuser
    may_add = admin.site._registry[model].has_add_permission(request)

    response = client.get(admin_url(model, "add"))

    assert response.status_code == (200 if may_add else 403)


def test_models_kept_as_records_cannot_be_added(superuser):
    """Periods come from the calendar; versions, revisions and logs are written by the system."""
    request = RequestFactory().get("/")
    request.user = superuser
    not_addable = {
        label
        for label, model in REGISTERED.items()
        if not admin.site._registry[model].has_add_permission(request)
    }

    assert {
        "indicators.Period",
        "indicators.IndicatorVersion",
        "indicators.ValueRevision",
        "returns.ReminderSent",
        "returns.CycleEvent",
        "returns.Evidence",
        "returns.ImportRun",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "django_tasks_database.DBTaskResult",
    } <= not_addable


@pytest.mark.parametrize("label", sorted(REGISTERED))
def test_change_page_opens(client, superuser, label):
    model = REGISTERED[label]
    instance = BUILDERS[label]()

    response = client.get(admin_url(model, "change", instance.pk))

    assert response.status_code == 200
    assert response.context["original"].pk == instance.pk


def test_the_value_change_page_shows_its_revision_history(client, superuser):
    value = _value()

    response = client.get(admin_url(value._meta.model, "change", value.pk))

    assert response.status_code == 200
    [revisions] = response.context["inline_admin_formsets"]
    assert [form.instance.action for form in revisions.formset] == ["recorded"]


@pytest.mark.parametrize("path", ["/admin/", "/admin/indicators/value/"])
def test_a_signed_in_person_who_is_not_staff_is_sent_to_the_admin_login(client, path):
    client.force_login(UserFactory(is_staff=False))

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={path}"


def test_someone_not_signed_in_is_sent_to_the_admin_login(client):
    response = client.get("/admin/indicators/indicator/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- The admin is no side door: figures, cycle states and meeting times -----------------------


@pytest.fixture
def town():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)):
        return build_town()


@pytest.fixture
def root(client, town):
    client.force_login(town.person("admin"))
    return town.person("admin")


def value_form(value, **changes):
    return {
        "indicator": value.indicator_id,
        "period": value.period_id,
        "figure": str(value.figure),
        "data_quality": value.data_quality,
        "commentary": value.commentary,
        "reasons": value.reasons,
        "actions": value.actions,
        "not_available_reason": value.not_available_reason,
        "change_reason": "Corrected in the admin",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        **changes,
    }


@pytest.mark.parametrize("which", ["submitted", "signed_off", "draft"])
def test_the_admin_shows_figures_but_never_changes_them(client, town, root, which):
    value = getattr(town, which)
    before = (Value.objects.get(pk=value.pk).figure, value.revisions.count())
    url = admin_url(Value, "change", value.pk)

    page = client.get(url)
    response = client.post(url, value_form(value, figure="250"))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert response.status_code == 403
    assert (Value.objects.get(pk=value.pk).figure, value.revisions.count()) == before
    assert client.post(admin_url(Value, "delete", value.pk), {"post": "yes"}).status_code == 403
    assert Value.objects.filter(pk=value.pk).exists()


def test_a_figure_in_a_closed_cycle_is_not_changed_in_the_admin(client, town, root):
    locked = Returns()
    locked.officer, locked.approver = town.person("officer"), town.person("approver")
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, tzinfo=datetime.UTC)):
        town.closed_cycle.state = CycleState.OPEN
        town.closed_cycle.save()
        value = locked.signed_off(town.draft.indicator, CLOSED_PERIOD, "44")
        town.closed_cycle.state = CycleState.CLOSED
        town.closed_cycle.save()

    response = client.post(admin_url(Value, "change", value.pk), value_form(value, figure="45"))

    assert response.status_code == 403
    assert Value.objects.get(pk=value.pk).figure == Decimal("44")


def cycle_form(cycle, **changes):
    return {
        "period": cycle.period_id,
        "opens_on": cycle.opens_on.isoformat(),
        "data_entry_deadline": cycle.data_entry_deadline.isoformat(),
        "signoff_deadline": cycle.signoff_deadline.isoformat(),
        "state": cycle.state,
        "change_reason": "Deadlines agreed with the services",
        **changes,
    }


def test_a_cycle_is_opened_and_closed_only_on_the_cycle_pages(client, town, root):
    cycle = town.closed_cycle
    url = admin_url(ReportingCycle, "change", cycle.pk)

    page = client.get(url)
    client.post(url, cycle_form(cycle, state=CycleState.OPEN))

    assert "state" not in page.context["adminform"].form.fields
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    assert not cycle.events.exists()
    assert client.get(admin_url(ReportingCycle, "add")).status_code == 403
    assert (
        client.post(admin_url(ReportingCycle, "delete", cycle.pk), {"post": "yes"}).status_code
        == 403
    )


MEETING_AT = datetime.datetime(2026, 11, 10, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def embargoed(town):
    """The committee's Q2 report, approved and embargoed until its meeting on 10 November."""
    meeting = MeetingFactory(committee=town.committee, starts_at=MEETING_AT, venue="Chamber")
    with time_machine.travel(datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC)):
        report = create_report(
            by=town.person("performance"),
            kind="committee",
            period=Period.objects.get(kind="quarter", code=OPEN_PERIOD),
            title="Quarterly performance report",
            committee=town.committee,
            meeting=meeting,
        )
        approve_report(report, by=town.person("director"), seen=seen_now(report), make_files=False)
    report.refresh_from_db()
    return report


def meeting_form(meeting, **changes):
    local = timezone.localtime(meeting.starts_at)
    return {
        "committee": meeting.committee_id,
        "starts_at_0": local.date().isoformat(),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "venue": meeting.venue,
        "change_reason": "",
        **({"is_cancelled": "on"} if meeting.is_cancelled else {}),
        **changes,
    }


def test_moving_a_meeting_that_releases_a_report_needs_a_reason_and_is_recorded(
    client, town, root, embargoed
):
    meeting = embargoed.meeting
    url = admin_url(Meeting, "change", meeting.pk)
    earlier = {"starts_at_0": "2026-10-22", "starts_at_1": "18:00:00"}

    with time_machine.travel(datetime.datetime(2026, 10, 23, 9, tzinfo=datetime.UTC)):
        refused = client.post(url, meeting_form(meeting, **earlier))
        assert not is_released(embargoed)
        done = client.post(
            url, meeting_form(meeting, **earlier, change_reason="Brought forward a fortnight")
        )
        assert is_released(embargoed)

    assert refused.status_code == 200
    assert MEETING_REASON_REQUIRED in refused.content.decode()
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2026, 10, 22, 17, 0, tzinfo=datetime.UTC)
    event = embargoed.events.last()
    assert (event.kind, event.by) == (ReportEventKind.HELD, root)
    assert event.reason.endswith(": Brought forward a fortnight")
    assert event.reason == (
        "Place Scrutiny Committee meeting moved from 10 November 2026, 18:00 to "
        "22 October 2026, 18:00, published at once: Brought forward a fortnight"
    )


def test_cancelling_a_meeting_in_the_admin_is_recorded(client, town, root, embargoed):
    url = admin_url(Meeting, "change", embargoed.meeting_id)

    with time_machine.travel(datetime.datetime(2026, 10, 23, 9, tzinfo=datetime.UTC)):
        done = client.post(
            url,
            meeting_form(embargoed.meeting, is_cancelled="on", change_reason="Not quorate"),
        )

    assert done.status_code == 302
    assert release_time(Report.objects.get(pk=embargoed.pk)) is None
    assert embargoed.events.last().reason == (
        "Place Scrutiny Committee meeting of 10 November 2026, 18:00 cancelled, "
        "held back until a publication time is set: Not quorate"
    )


def test_a_meeting_with_no_approved_report_moves_with_a_reason_for_the_audit_log_only(
    client, town, root
):
    meeting = MeetingFactory(committee=town.committee, starts_at=MEETING_AT)

    done = client.post(
        admin_url(Meeting, "change", meeting.pk),
        meeting_form(meeting, starts_at_0="2026-11-12", change_reason="Chamber booked"),
    )

    assert done.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).date() == datetime.date(2026, 11, 12)


def test_the_committee_page_lists_its_meetings_without_moving_them(client, town, root, embargoed):
    page = client.get(admin_url(Committee, "change", town.committee.pk))

    [meetings] = [
        formset
        for formset in page.context["inline_admin_formsets"]
        if formset.opts.model is Meeting
    ]
    assert {"starts_at", "is_cancelled"} <= set(meetings.readonly_fields)
    assert not meetings.has_add_permission
