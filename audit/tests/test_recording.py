"""What the audit log records of each kind of change: who, when, from where, why, before and
after, and nothing of a change that was rolled back."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from audit.chain import verify
from audit.context import acting
from audit.models import AuditEntry, Source
from audit.recording import CHANGED, HIDDEN
from indicators.definitions import revise_definition
from indicators.models import Period
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, TargetFactory
from organisation.models import Role
from organisation.tests.factories import OrgUnitFactory, UserFactory
from organisation.tests.personas import OPEN_PERIOD, build_town
from reports.models import Report
from reports.reporting import (
    approve_report,
    change_meeting,
    create_report,
    reopen_report,
    seen_now,
    withdraw_report,
)
from returns.cycles import close_cycle
from strategy.models import Committee
from strategy.tests.factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db

REASON = "Agreed at the performance board on 3 March"


def latest(**lookup) -> AuditEntry:
    return AuditEntry.objects.filter(**lookup).order_by("-sequence").first()


def entries_about(obj) -> list[AuditEntry]:
    label = f"{obj._meta.app_label}.{obj._meta.model_name}"
    return list(
        AuditEntry.objects.filter(object_type=label, object_id=str(obj.pk)).order_by("sequence")
    )


# --- Created, changed, deleted ---------------------------------------------------------------


def test_a_change_by_a_command_is_recorded_with_who_why_before_and_after():
    committee = CommitteeFactory(name="Place Scrutiny Committee", remit="Waste and parks")
    officer = UserFactory(first_name="Priya", last_name="Perform", username="priya")

    with acting(officer, source=Source.COMMAND, reason=REASON):
        committee.remit = "Waste, parks and housing"
        committee.receives_full_scorecard = True
        committee.save()

    entry = latest(object_type="strategy.committee")
    assert (entry.action, entry.object_id, entry.object_label) == (
        "changed",
        str(committee.pk),
        "Place Scrutiny Committee",
    )
    assert (entry.actor, entry.actor_name, entry.source, entry.reason) == (
        officer,
        "Priya Perform (priya)",
        Source.COMMAND,
        REASON,
    )
    assert entry.before == {"remit": "Waste and parks", "receives_full_scorecard": False}
    assert entry.after == {"remit": "Waste, parks and housing", "receives_full_scorecard": True}


def test_a_creation_lists_the_fields_given_and_a_deletion_what_was_deleted():
    with acting(None, source=Source.COMMAND, reason="Set up the committees"):
        committee = Committee.objects.create(name="Audit Committee", code="audit", kind="audit")
    pk = committee.pk
    with acting(None, source=Source.COMMAND, reason="Merged into Resources"):
        committee.delete()

    created, deleted = AuditEntry.objects.filter(object_type="strategy.committee").order_by(
        "sequence"
    )
    assert (created.action, created.before, created.reason) == (
        "created",
        None,
        "Set up the committees",
    )
    assert created.after == {
        "name": "Audit Committee",
        "code": "audit",
        "kind": "audit",
        "receives_full_scorecard": False,
        "order": 0,
    }
    assert (deleted.action, deleted.object_id, deleted.object_label, deleted.after) == (
        "deleted",
        str(pk),
        "Audit Committee",
        None,
    )
    assert deleted.before["name"] == "Audit Committee"
    assert deleted.reason == "Merged into Resources"


def test_a_linked_object_is_recorded_by_name_and_id():
    ensure_periods(first_year=2026, last_year=2026)
    q2, q3 = Period.objects.get(code=OPEN_PERIOD), Period.objects.get(code="2026-27-Q3")
    target = TargetFactory(period=q2)

    target.period = q3
    target.save()

    entry = latest(object_type="indicators.target")
    assert entry.before == {"period": f"Q2 2026/27 (#{q2.pk})"}
    assert entry.after == {"period": f"Q3 2026/27 (#{q3.pk})"}


def test_saving_without_a_change_records_nothing():
    committee = CommitteeFactory()
    count = AuditEntry.objects.count()

    Committee.objects.get(pk=committee.pk).save()

    assert AuditEntry.objects.count() == count


def test_a_change_that_is_rolled_back_leaves_no_entry():
    committee = CommitteeFactory(remit="Before")
    count = AuditEntry.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        committee.remit = "After"
        committee.save()
        assert AuditEntry.objects.count() == count + 1
        raise RuntimeError("the change failed after it was saved")

    assert AuditEntry.objects.count() == count
    assert verify().ok


# --- People: roles, scope, passwords ---------------------------------------------------------


def test_roles_and_scope_are_recorded_as_changes_of_the_person():
    person = UserFactory(username="olu")
    waste = OrgUnitFactory(name="Waste and Recycling")

    person.groups.add(Group.objects.get(name=Role.APPROVER.label))
    person.scope.add(waste)
    Group.objects.get(name=Role.DIRECTOR.label).user_set.add(person)  # from the other side

    roles, scope, other_side = entries_about(person)[-3:]
    assert (roles.before, roles.after) == (
        {"groups": []},
        {"groups": [f"Approver (#{person.groups.get(name='Approver').pk})"]},
    )
    assert (scope.before, scope.after) == (
        {"scope": []},
        {"scope": [f"Waste and Recycling (#{waste.pk})"]},
    )
    assert [name.split(" (#")[0] for name in other_side.after["groups"]] == ["Approver", "Director"]


def test_a_password_is_recorded_as_changed_never_its_value_and_sign_ins_not_at_all(client):
    person = UserFactory(username="olu")
    count = AuditEntry.objects.count()

    client.force_login(person)  # sets last_login
    assert AuditEntry.objects.count() == count

    person.set_password("a completely new secret")
    person.save()
    person.is_staff = True
    person.set_password("and another")
    person.save()

    changed_password, changed_both = entries_about(person)[-2:]
    assert (changed_password.action, changed_password.before, changed_password.after) == (
        "password changed",
        None,
        None,
    )
    assert changed_both.before == {"password": HIDDEN, "is_staff": False}
    assert changed_both.after == {"password": CHANGED, "is_staff": True}
    hashes = [person.password]
    for entry in AuditEntry.objects.all():
        assert not any(h in str(entry.before) + str(entry.after) for h in hashes)
        assert "argon2" not in str(entry.after) and "pbkdf2" not in str(entry.after)


# --- Named events of reports and cycles, from the pages and the domain -----------------------


@pytest.fixture
def town():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)):
        return build_town()


def test_closing_a_cycle_on_its_page_is_recorded_as_the_persons_from_the_page(client, town):
    performance = town.person("performance")
    client.force_login(performance)

    client.post(reverse("returns:close_cycle", args=[town.cycle.pk]), {"reason": "Parks follow"})

    changed, closed = entries_about(town.cycle)[-2:]
    assert (changed.action, changed.actor, changed.source, changed.reason) == (
        "changed",
        performance,
        "page",
        "Parks follow",
    )
    assert (changed.before["state"], changed.after["state"]) == ("open", "closed")
    assert (closed.action, closed.actor, closed.source) == ("cycle closed", performance, "page")


def test_a_domain_function_names_its_person_and_reason_outside_a_request(town):
    performance = town.person("performance")

    close_cycle(cycle=town.cycle, by=performance, reason="All returns in")

    changed, closed = entries_about(town.cycle)[-2:]
    assert (changed.actor, changed.reason, changed.source) == (
        performance,
        "All returns in",
        "system",
    )
    assert (closed.actor, closed.reason) == (performance, "All returns in")


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


def test_approving_withdrawing_and_reopening_a_report_are_named_events_with_reasons(town, approved):
    director, performance = town.person("director"), town.person("performance")
    snapshot = approved.snapshot
    with time_machine.travel(datetime.datetime(2026, 11, 12, 9, tzinfo=datetime.UTC)):
        withdraw_report(approved, by=performance, reason="A figure was wrong")
        reopen_report(approved, by=performance, reason="Correct the recycling figure")

    entries = entries_about(approved)
    named = [(e.action, e.actor, e.reason) for e in entries if e.action.startswith("report ")]
    assert named == [
        ("report approved", director, ""),
        ("report withdrawn", performance, "A figure was wrong"),
        ("report reopened", performance, "Correct the recycling figure"),
    ]
    approval = next(e for e in entries if e.action == "changed" and "approved_by" in e.after)
    assert (approval.before["state"], approval.after["state"]) == ("draft", "approved")
    assert approval.after["snapshot_hash"] == approved.snapshot_hash
    # Reopening clears the approved snapshot: the log keeps what was approved.
    reopening = [e for e in entries if e.action == "changed"][-1]
    assert reopening.before["snapshot"] == snapshot
    assert reopening.after["state"] == "draft"


def test_moving_a_meeting_is_recorded_with_its_reason_once_per_report_it_moves(town, approved):
    with time_machine.travel(datetime.datetime(2026, 10, 23, 9, tzinfo=datetime.UTC)):
        change_meeting(
            approved.meeting,
            by=town.person("performance"),
            starts_at=MEETING_AT + datetime.timedelta(days=7),
            is_cancelled=False,
            reason="Chamber flooded",
        )

    moved = entries_about(approved.meeting)[-1]
    assert (moved.action, moved.reason, moved.actor) == (
        "changed",
        "Chamber flooded",
        town.person("performance"),
    )
    assert moved.before == {"starts_at": MEETING_AT.isoformat()}
    held = entries_about(approved)[-1]
    assert (held.action, held.reason.endswith(": Chamber flooded")) == (
        "report publication time set",
        True,
    )


def test_an_indicators_definition_change_is_recorded_with_its_version(town):
    indicator = IndicatorFactory(title="Old title")
    revise_definition(
        indicator=indicator,
        changes={"title": "New title"},
        effective_from=datetime.date(2026, 4, 1),
        reason="Clearer wording",
        by=town.person("performance"),
    )

    changed = next(e for e in reversed(entries_about(indicator)) if e.action == "changed")
    assert (changed.before["title"], changed.after["title"], changed.reason) == (
        "Old title",
        "New title",
        "Clearer wording",
    )
    version = latest(object_type="indicators.indicatorversion")
    assert (version.action, version.after["change_reason"], version.actor) == (
        "created",
        "Clearer wording",
        town.person("performance"),
    )


def test_everything_recorded_while_building_a_council_verifies(town, approved):
    result = verify()

    assert result.ok, str(result)
    assert result.count == AuditEntry.objects.count() > 50


def test_rows_loaded_as_stored_record_nothing_nor_their_links():
    """Loading rows as they were kept (loaddata, a test database put back) changes nothing:
    neither the rows nor the links loaded with them are recorded."""
    from django.core import serializers

    user = UserFactory(username="kept", roles=[Role.DATA_OWNER], units=[OrgUnitFactory()])
    stored = serializers.serialize("json", [user])
    user.delete()
    before = AuditEntry.objects.count()

    for loaded in serializers.deserialize("json", stored):
        loaded.save()

    assert AuditEntry.objects.count() == before
    assert list(Group.objects.filter(user__username="kept").values_list("name", flat=True)) == [
        Role.DATA_OWNER.label
    ]
