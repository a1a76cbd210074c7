"""The admin is no side door for the audit log: every change there gives a reason, recorded like
the same change on the pages, or is not made; and nothing once published is deleted there."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.admin import DELETE_REASON_REQUIRED, REASON_REQUIRED, ReasonRequired
from audit.context import acting
from audit.keeping import Kept
from audit.models import AuditEntry
from audit.recording import AUDITED
from indicators.models import Period, ReportingCycle, Target
from organisation.models import Council, User
from organisation.tests.factories import UserFactory
from organisation.tests.personas import CLOSED_PERIOD, OPEN_PERIOD, build_town
from reports.models import Report, ReportEvent
from reports.reporting import approve_report, create_report, seen_now
from returns.models import ReminderRule
from strategy.models import Committee, OperatingPrinciple
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

REASON = "Agreed at the performance board"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def latest(model) -> AuditEntry:
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    return AuditEntry.objects.filter(object_type=label).order_by("-sequence").first()


@pytest.fixture
def town():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)):
        return build_town()


@pytest.fixture
def root(client, town):
    client.force_login(town.person("admin"))
    return town.person("admin")


def cycle_form(cycle, **changes):
    return {
        "opens_on": cycle.opens_on.isoformat(),
        "data_entry_deadline": cycle.data_entry_deadline.isoformat(),
        "signoff_deadline": cycle.signoff_deadline.isoformat(),
        "meetings": [meeting.pk for meeting in cycle.meetings.all()],
        **changes,
    }


# --- Every change asks for a reason ----------------------------------------------------------


def test_every_admin_of_an_audited_model_asks_for_a_reason():
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    for model, model_admin in admin.site._registry.items():
        may_change = any(
            (
                model_admin.has_add_permission(request),
                model_admin.has_change_permission(request),
                model_admin.has_delete_permission(request),
            )
        )
        if model._meta.label in AUDITED and may_change:
            assert isinstance(model_admin, ReasonRequired), model._meta.label
            assert not model_admin.list_editable, f"{model._meta.label}: edits with no reason"


def test_a_cycles_deadline_changed_in_the_admin_is_recorded_with_its_reason(client, town, root):
    cycle = town.cycle
    url = admin_url(ReportingCycle, "change", cycle.pk)

    response = client.post(
        url, cycle_form(cycle, signoff_deadline="2026-11-02", change_reason=REASON)
    )

    assert response.status_code == 302
    entry = latest(ReportingCycle)
    assert (entry.action, entry.actor, entry.source, entry.reason) == (
        "changed",
        root,
        "admin",
        REASON,
    )
    assert (entry.before, entry.after) == (
        {"signoff_deadline": "2026-10-30"},
        {"signoff_deadline": "2026-11-02"},
    )


def test_a_cycles_meetings_linked_in_the_admin_are_recorded_with_the_reason(client, town, root):
    meeting = MeetingFactory(committee=town.committee, venue="Chamber")

    client.post(
        admin_url(ReportingCycle, "change", town.cycle.pk),
        cycle_form(town.cycle, meetings=[meeting.pk], change_reason="Feeds the November meeting"),
    )

    entry = latest(ReportingCycle)
    assert (entry.before, entry.after["meetings"], entry.reason) == (
        {"meetings": []},
        [f"{meeting} (#{meeting.pk})"],
        "Feeds the November meeting",
    )


def test_a_change_without_a_reason_is_not_made(client, town, root):
    cycle = town.cycle
    count = AuditEntry.objects.count()

    response = client.post(
        admin_url(ReportingCycle, "change", cycle.pk),
        cycle_form(cycle, signoff_deadline="2026-11-02"),
    )

    assert response.status_code == 200
    assert REASON_REQUIRED in response.content.decode()
    assert ReportingCycle.objects.get(pk=cycle.pk).signoff_deadline == cycle.signoff_deadline
    assert AuditEntry.objects.count() == count


def test_adding_in_the_admin_needs_a_reason_too(client, root):
    url = admin_url(OperatingPrinciple, "add")

    refused = client.post(url, {"name": "Digital first", "description": ""})
    added = client.post(url, {"name": "Digital first", "description": "", "change_reason": REASON})

    assert refused.status_code == 200 and REASON_REQUIRED in refused.content.decode()
    assert added.status_code == 302
    entry = latest(OperatingPrinciple)
    assert (entry.action, entry.after, entry.reason) == (
        "created",
        {"name": "Digital first"},
        REASON,
    )


def test_the_reason_field_is_on_every_change_page(client, town, root):
    for url in (
        admin_url(ReportingCycle, "change", town.cycle.pk),
        admin_url(Council, "change", town.council.pk),
        admin_url(User, "change", town.person("officer").pk),
        admin_url(User, "add"),
        admin_url(Committee, "change", town.committee.pk),
        admin_url(Group, "change", Group.objects.get(name="Approver").pk),
    ):
        page = client.get(url)
        assert 'name="change_reason"' in page.content.decode(), url


def test_giving_a_role_in_the_admin_is_recorded_with_the_reason(client, town, root):
    officer = town.person("officer")
    approver = Group.objects.get(name="Approver")
    data = {
        "username": officer.username,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "email": officer.email,
        "is_active": "on",
        "groups": [group.pk for group in officer.groups.all()] + [approver.pk],
        "scope": [unit.pk for unit in officer.scope.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "change_reason": "Acting head of Waste while Asha is away",
    }

    response = client.post(admin_url(User, "change", officer.pk), data)

    assert response.status_code == 302
    entry = latest(User)
    assert [name.split(" (#")[0] for name in entry.after["groups"]] == ["Data owner", "Approver"]
    assert entry.reason == "Acting head of Waste while Asha is away"


def test_a_password_set_in_the_admin_is_recorded_without_it(client, town, root):
    officer = town.person("officer")
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    password = {"password1": "Bright-Lantern-42-river", "password2": "Bright-Lantern-42-river"}

    refused = client.post(url, {**password, "usable_password": "true"})
    done = client.post(url, {**password, "usable_password": "true", "change_reason": "Locked out"})

    assert refused.status_code == 200 and REASON_REQUIRED in refused.content.decode()
    assert done.status_code == 302
    entry = latest(User)
    assert (entry.action, entry.reason, entry.before, entry.after) == (
        "password changed",
        "Locked out",
        None,
        None,
    )
    assert "Bright-Lantern" not in str(list(AuditEntry.objects.values()))


def test_reminder_steps_are_not_edited_in_the_list(client, root):
    page = client.get(admin_url(ReminderRule, "changelist"))

    assert page.status_code == 200
    assert 'name="form-0-days_after"' not in page.content.decode()


# --- Deleting: with a reason, and never what was once published ------------------------------


def test_deleting_in_the_admin_needs_a_reason_and_is_recorded(client, root):
    principle = OperatingPrinciple.objects.create(name="Paper first")
    url = admin_url(OperatingPrinciple, "delete", principle.pk)

    refused = client.post(url, {"post": "yes"}, follow=True)
    assert DELETE_REASON_REQUIRED in refused.content.decode()
    assert OperatingPrinciple.objects.filter(pk=principle.pk).exists()
    assert 'name="change_reason"' in client.get(url).content.decode()

    done = client.post(url, {"post": "yes", "change_reason": "Never adopted"})

    assert done.status_code == 302
    assert not OperatingPrinciple.objects.filter(pk=principle.pk).exists()
    entry = latest(OperatingPrinciple)
    assert (entry.action, entry.before, entry.reason, entry.actor) == (
        "deleted",
        {"name": "Paper first"},
        "Never adopted",
        root,
    )


def test_deleting_many_in_the_admin_needs_a_reason(client, root):
    principles = [OperatingPrinciple.objects.create(name=f"Principle {n}") for n in range(2)]
    selection = {
        "action": "delete_selected",
        "_selected_action": [p.pk for p in principles],
        "post": "yes",
    }
    url = admin_url(OperatingPrinciple, "changelist")

    refused = client.post(url, selection)
    assert refused.status_code == 200
    assert DELETE_REASON_REQUIRED in refused.content.decode()
    assert OperatingPrinciple.objects.count() == 2

    client.post(url, {**selection, "change_reason": "Tidying up"})

    assert OperatingPrinciple.objects.count() == 0
    assert [e.reason for e in AuditEntry.objects.filter(action="deleted")] == ["Tidying up"] * 2


MEETING_AT = datetime.datetime(2026, 11, 10, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def approved(town):
    meeting = MeetingFactory(committee=town.committee, starts_at=MEETING_AT)
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
    return Report.objects.get(pk=report.pk)


def test_an_approved_report_is_kept_with_a_message_not_an_error(client, root, approved):
    url = admin_url(Report, "delete", approved.pk)

    page = client.get(url)
    posted = client.post(url, {"post": "yes", "change_reason": "Clearing out"})
    bulk = client.post(
        admin_url(Report, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [approved.pk],
            "post": "yes",
            "change_reason": "Clearing out",
        },
    )

    for response in (page, posted, bulk):
        assert response.status_code == 200
        assert "was approved, so it is kept: withdraw it instead" in response.content.decode()
    assert Report.objects.filter(pk=approved.pk).exists()
    assert ReportEvent.objects.filter(report=approved).count() == 2


def test_what_was_once_published_is_kept_however_deletion_is_asked_for(town, approved):
    event = approved.events.first()
    signed_off_target = Target.objects.create(
        indicator=town.signed_off.indicator, period=town.signed_off.period, value=50
    )

    for attempt in (
        approved.delete,
        lambda: Report.objects.filter(pk=approved.pk).delete(),
        event.delete,
        town.signed_off.delete,
        signed_off_target.delete,
        lambda: Target.objects.filter(pk=signed_off_target.pk).delete(),
    ):
        with pytest.raises(Kept), transaction.atomic():
            attempt()

    assert Report.objects.filter(pk=approved.pk).exists()
    assert Target.objects.filter(pk=signed_off_target.pk).exists()


def test_a_draft_never_approved_may_be_deleted_and_the_log_keeps_what_it_was(town):
    draft = Report.objects.create(
        kind="annual",
        title="Draft annual report",
        period=Period.objects.get(kind="quarter", code=CLOSED_PERIOD),
        created_at=timezone.now(),
        edited_at=timezone.now(),
    )

    draft.delete()

    entry = latest(Report)
    assert (entry.action, entry.before["title"], entry.before["state"]) == (
        "deleted",
        "Draft annual report",
        "draft",
    )


def test_a_target_judging_a_signed_off_figure_is_kept_in_the_indicator_page(client, town, root):
    indicator = town.signed_off.indicator
    target = Target.objects.create(indicator=indicator, period=town.signed_off.period, value=50)
    page = client.get(admin_url(type(indicator), "change", indicator.pk))
    form = page.context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, [])
    }
    for name in ("outcomes", "committees", "sets", "principles"):
        data[name] = [obj.pk for obj in getattr(indicator, name).all()]
    data.update(
        {
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": target.pk,
            "targets-0-indicator": indicator.pk,
            "targets-0-period": target.period_id,
            "targets-0-value": "50",
            "targets-0-DELETE": "on",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-0-id": indicator.versions.get().pk,
            "versions-0-indicator": indicator.pk,
        }
    )
    url = admin_url(type(indicator), "change", indicator.pk)

    without_reason = client.post(url, data)
    with_reason = client.post(url, {**data, "change_reason": "Remove the target"})

    assert without_reason.status_code == 200
    assert REASON_REQUIRED in without_reason.content.decode()  # a change in an inline only
    assert with_reason.status_code == 200
    assert "judged a signed-off figure, so it is kept" in with_reason.content.decode()
    assert Target.objects.filter(pk=target.pk).exists()


def test_a_save_that_changes_nothing_needs_no_reason_and_records_nothing(client, town, root):
    count = AuditEntry.objects.count()

    response = client.post(
        admin_url(ReportingCycle, "change", town.cycle.pk), cycle_form(town.cycle)
    )

    assert response.status_code == 302
    assert AuditEntry.objects.count() == count


def test_a_person_who_changed_something_is_kept_deactivate_them_instead(client, town, root):
    person = UserFactory(username="leaver")
    committee = Committee.objects.get(pk=town.committee.pk)
    with acting(person, source="command"):
        committee.remit = "Changed"
        committee.save()

    page = client.get(admin_url(User, "delete", person.pk))

    assert page.status_code == 200
    assert "protected" in page.content.decode()
    client.post(admin_url(User, "delete", person.pk), {"post": "yes", "change_reason": "Left"})
    assert User.objects.filter(pk=person.pk).exists()
