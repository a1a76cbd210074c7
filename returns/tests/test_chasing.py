"""Chasing returns (returns/chasing.py): each service's state, timeliness and reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from indicators.models import CycleState, Period, Value
from indicators.tests.factories import ReportingCycleFactory
from indicators.workflow import approve_value, revise_value
from organisation.models import Role
from organisation.tests.factories import UserFactory
from reports.models import Report
from returns.chasing import (
    cycle_progress,
    cycle_timeliness_for,
    cycles_overview,
    next_reminders,
    outstanding_returns,
    provisional_figures,
    send_reminders,
)
from returns.models import Audience, Deadline, ReminderRule, ReminderSent
from returns.queries import ReturnState
from returns.tasks import send_due_reminders
from returns.tests.chasing_council import DATA_ENTRY, PERIOD, build_council
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")
BASE_URL = "https://performance.testshire.gov.uk"
DUE_SUBJECT = "Reminder: Q2 2026/27 performance returns due 20 October 2026"
OVERDUE_SUBJECT = "Overdue: Q2 2026/27 performance returns were due 20 October 2026"


@pytest.fixture
def town(settings):
    settings.GOLDEN_THREAD_BASE_URL = BASE_URL
    return build_council()


def rows_by_service(progress):
    return {row.service.code: row for row in progress.rows}


def inbox():
    """Each email as (recipient, subject), sorted."""
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def email_to(username):
    [message] = [m for m in mail.outbox if m.to == [f"{username}@example.gov.uk"]]
    return message


# --- Where each return stands ---------------------------------------------------------------


def test_each_service_return_has_its_state_and_counts(town):
    progress = cycle_progress(town.cycle, today=D(2026, 10, 15))

    rows = rows_by_service(progress)
    assert {code: row.state for code, row in rows.items()} == {
        "waste": ReturnState.NOT_STARTED,
        "parks": ReturnState.DRAFT,
        "planning": ReturnState.SUBMITTED,
        "housing": ReturnState.RETURNED,
        "libraries": ReturnState.APPROVED,
    }
    parks, housing = rows["parks"], rows["housing"]
    assert (parks.not_started, parks.draft, parks.submitted, parks.signed_off) == (1, 1, 0, 0)
    assert (housing.returned, housing.submitted) == (1, 1)
    assert rows["libraries"].signed_off == 2
    assert rows["waste"].directorate.name == "Place"
    assert rows["housing"].directorate.name == "People"
    assert (progress.figures_due, progress.figures_signed_off) == (10, 2)
    assert dict(progress.services_by_state) == {
        ReturnState.NOT_STARTED: 1,
        ReturnState.DRAFT: 1,
        ReturnState.RETURNED: 1,
        ReturnState.SUBMITTED: 1,
        ReturnState.APPROVED: 1,
    }


def test_nothing_is_late_on_the_deadline_day(town):
    progress = cycle_progress(town.cycle, today=DATA_ENTRY)

    assert progress.late == 0
    assert not any(row.is_late for row in progress.rows)


def test_returns_not_submitted_are_late_the_day_after_the_deadline(town):
    progress = cycle_progress(town.cycle, today=D(2026, 10, 21))

    late = {code for code, row in rows_by_service(progress).items() if row.is_late}
    assert late == {"waste", "parks", "housing"}
    assert progress.late == 3


def test_the_list_of_cycles_puts_open_first_then_planned_then_recent_closed(town):
    cycles = [town.cycle]
    for code, state in [
        ("2026-27-Q3", CycleState.PLANNED),
        ("2026-27-Q1", CycleState.CLOSED),
        ("2025-26-Q4", CycleState.CLOSED),
    ]:
        cycles.append(ReportingCycleFactory(period=Period.objects.get(code=code)))
        cycles[-1].state = state
        cycles[-1].save()

    overview = cycles_overview()

    assert [s.cycle.period.code for s in overview] == [
        PERIOD,
        "2026-27-Q3",
        "2026-27-Q1",
        "2025-26-Q4",
    ]
    assert (overview[0].figures_signed_off, overview[0].figures_due) == (2, 10)


# --- Provisional figures awaiting their final value -----------------------------------------


def provisional_rows(town):
    return [
        (item.service.code, item.value.indicator.code, item.value.period.code, item.value.state)
        for item in provisional_figures(town.cycle, today=D(2026, 10, 21))
    ]


def test_provisional_figures_submitted_or_signed_off_are_listed_by_service(town):
    with time_machine.travel(datetime.datetime(2026, 7, 14, 9, tzinfo=LONDON)):
        town.returns.signed_off(
            town.indicators["waste"][0], "2026-27-Q1", "55", data_quality="provisional"
        )
    town.returns.submitted(town.indicators["parks"][1], PERIOD, "9", data_quality="provisional")
    # Not listed: a draft, an estimate, a later period, and a final figure.
    town.returns.draft(town.indicators["waste"][1], PERIOD, "3", data_quality="provisional")
    town.returns.signed_off(
        town.indicators["libraries"][0], "2026-27-Q1", "88", data_quality="estimated"
    )
    town.returns.signed_off(
        town.indicators["libraries"][1], "2026-27-Q3", "89", data_quality="provisional"
    )

    assert provisional_rows(town) == [
        ("parks", "PARKS-2", PERIOD, "submitted"),
        ("waste", "WASTE-1", "2026-27-Q1", "approved"),
    ]
    [_, waste] = provisional_figures(town.cycle, today=D(2026, 10, 21))
    assert waste.value.entered_by == town.returns.officer
    assert timezone.localtime(waste.since).date() == D(2026, 7, 14)
    assert waste.days_waiting == 99


def test_a_figure_revised_to_provisional_waits_from_the_revision_and_leaves_when_final(town):
    [libraries, _] = Value.objects.filter(indicator__owner=town.services["libraries"])
    with time_machine.travel(datetime.datetime(2026, 10, 18, 9, tzinfo=LONDON)):
        libraries = revise_value(
            value=libraries,
            entries={"data_quality": "provisional"},
            by=town.performance,
            reason="The September count is not yet verified",
        )

    [item] = provisional_figures(town.cycle, today=D(2026, 10, 21))
    assert item.value == libraries and item.days_waiting == 3

    revise_value(
        value=approve_value(value=libraries, by=town.approvers["people"]),
        entries={"data_quality": "final", "figure": libraries.figure + 1},
        by=town.performance,
        reason="Verified count",
    )
    assert provisional_figures(town.cycle, today=D(2026, 10, 21)) == []


# --- Timeliness -----------------------------------------------------------------------------


def test_timeliness_counts_days_from_the_period_end(town):
    """Worked example: period ends 30 September; last sign-off 12 October (12 days); the
    cabinet meeting on 18 November (49 days); not yet published."""
    libraries = Value.objects.filter(indicator__owner=town.services["libraries"])
    first, last = libraries.order_by("pk")
    Value.objects.filter(pk=first.pk).update(
        approved_at=datetime.datetime(2026, 10, 5, 10, tzinfo=LONDON)
    )
    Value.objects.filter(pk=last.pk).update(
        approved_at=datetime.datetime(2026, 10, 12, 16, tzinfo=LONDON)
    )
    cancelled = MeetingFactory(
        starts_at=datetime.datetime(2026, 11, 4, 18, tzinfo=LONDON), is_cancelled=True
    )
    cabinet = MeetingFactory(starts_at=datetime.datetime(2026, 11, 18, 18, tzinfo=LONDON))
    later = MeetingFactory(starts_at=datetime.datetime(2026, 12, 2, 18, tzinfo=LONDON))
    town.cycle.meetings.set([later, cancelled, cabinet])

    timeliness = cycle_timeliness_for(town.cycle)

    assert timeliness.days.days_to_signoff == 12
    assert timeliness.days.days_to_meeting == 49
    assert timeliness.days.days_to_publication is None
    assert timeliness.last_signoff_on == D(2026, 10, 12)
    assert timeliness.meeting == cabinet


def test_timeliness_uses_the_council_s_local_day(town):
    """A sign-off at 00:30 on 13 October (BST) is 23:30 UTC on the 12th: it counts as the 13th.
    Publication is when the period's first report was released."""
    Value.objects.filter(indicator__owner=town.services["libraries"]).update(
        approved_at=datetime.datetime(2026, 10, 12, 23, 30, tzinfo=datetime.UTC),
    )
    Report.objects.create(
        kind="annual",
        title="Quarterly performance report",
        period=town.cycle.period,
        state="approved",
        snapshot={},
        created_at=datetime.datetime(2026, 11, 1, 9, tzinfo=LONDON),
        edited_at=datetime.datetime(2026, 11, 1, 9, tzinfo=LONDON),
        approved_at=datetime.datetime(2026, 11, 20, 9, tzinfo=LONDON),
        publish_after=datetime.datetime(2026, 11, 26, 9, tzinfo=LONDON),
    )

    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, tzinfo=LONDON)):
        not_yet = cycle_timeliness_for(town.cycle)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, tzinfo=LONDON)):
        timeliness = cycle_timeliness_for(town.cycle)

    assert not_yet.days.days_to_publication is None

    assert timeliness.days.days_to_signoff == 13
    assert timeliness.days.days_to_meeting is None
    assert timeliness.days.days_to_publication == 57


# --- What is outstanding --------------------------------------------------------------------


def test_outstanding_for_data_entry_is_what_has_not_been_submitted(town):
    outstanding = outstanding_returns(
        town.cycle, today=D(2026, 10, 15), deadline=Deadline.DATA_ENTRY
    )

    assert {r.service.code: [i.code for i in r.indicators] for r in outstanding} == {
        "waste": ["WASTE-1", "WASTE-2"],
        "parks": ["PARKS-1", "PARKS-2"],
        "housing": ["HOUSING-1"],
    }
    assert not any(r.is_overdue for r in outstanding)


def test_outstanding_for_sign_off_is_what_is_submitted_and_not_signed_off(town):
    outstanding = outstanding_returns(town.cycle, today=D(2026, 10, 31), deadline=Deadline.SIGNOFF)

    assert {r.service.code: [i.code for i in r.indicators] for r in outstanding} == {
        "planning": ["PLANNING-1", "PLANNING-2"],
        "housing": ["HOUSING-2"],
    }
    assert all(r.is_overdue for r in outstanding)


# --- Reminders ------------------------------------------------------------------------------


def test_before_the_deadline_only_data_owners_with_outstanding_returns_get_one_email(town):
    sent = send_reminders(today=D(2026, 10, 15))

    assert inbox() == [
        ("housing-owner@example.gov.uk", DUE_SUBJECT),
        ("parks-owner@example.gov.uk", DUE_SUBJECT),
        ("waste-owner@example.gov.uk", DUE_SUBJECT),
    ]
    assert len(sent) == 3
    waste = email_to("waste-owner")
    assert "Dear Waste," in waste.body
    assert "WASTE-1 Waste and Recycling measure 1" in waste.body
    assert f"{BASE_URL}/returns/{town.cycle.pk}/waste/" in waste.body
    assert "due by 20 October 2026" in waste.body
    assert "Housing" not in waste.body
    housing = email_to("housing-owner")
    assert "HOUSING-1" in housing.body
    assert "HOUSING-2" not in housing.body  # submitted: not chased


def test_every_reminder_sent_is_recorded(town):
    send_reminders(today=D(2026, 10, 15), now=datetime.datetime(2026, 10, 15, 7, tzinfo=LONDON))

    recorded = ReminderSent.objects.filter(cycle=town.cycle).select_related("recipient", "rule")
    assert sorted((r.recipient.username, r.outstanding, r.subject) for r in recorded) == [
        ("housing-owner", 1, DUE_SUBJECT),
        ("parks-owner", 1, DUE_SUBJECT),
        ("waste-owner", 1, DUE_SUBJECT),
    ]
    assert {(r.rule.deadline, r.rule.days_after, r.rule.audience) for r in recorded} == {
        (Deadline.DATA_ENTRY, -5, Audience.DATA_OWNER)
    }
    assert {r.sent_at for r in recorded} == {datetime.datetime(2026, 10, 15, 7, tzinfo=LONDON)}


def test_a_data_owner_of_several_services_gets_one_email_listing_them(town):
    UserFactory(username="place-owner", roles=[Role.DATA_OWNER], units=[town.directorates["place"]])

    send_reminders(today=D(2026, 10, 15))

    email = email_to("place-owner")
    assert "Waste and Recycling: 2 figures still to submit" in email.body
    assert "Parks and Open Spaces: 2 figures still to submit" in email.body
    assert "Planning" not in email.body
    assert ReminderSent.objects.get(recipient__username="place-owner").outstanding == 2


def test_after_the_deadline_managers_and_the_head_of_service_are_reminded(town):
    send_reminders(today=D(2026, 10, 21))

    assert inbox() == [
        ("housing-owner@example.gov.uk", OVERDUE_SUBJECT),
        ("parks-owner@example.gov.uk", OVERDUE_SUBJECT),
        ("people-approver@example.gov.uk", OVERDUE_SUBJECT),
        ("place-approver@example.gov.uk", OVERDUE_SUBJECT),
        ("waste-head@example.gov.uk", OVERDUE_SUBJECT),
        ("waste-owner@example.gov.uk", OVERDUE_SUBJECT),
    ]
    place = email_to("place-approver")
    assert "Waste and Recycling" in place.body and "Parks and Open Spaces" in place.body
    assert "as an approver or head of service" in place.body
    assert "Open the return" not in place.body  # their officers enter the figures
    head = email_to("waste-head")
    assert "Waste and Recycling" in head.body and "Parks" not in head.body


def test_the_performance_team_is_reminded_at_its_step(town):
    send_reminders(today=D(2026, 10, 21))
    mail.outbox.clear()

    send_reminders(today=D(2026, 10, 25))

    assert inbox() == [("performance@example.gov.uk", OVERDUE_SUBJECT)]
    body = mail.outbox[0].body
    assert all(name in body for name in ("Waste and Recycling", "Parks", "Housing"))
    assert f"{BASE_URL}/returns/cycles/{town.cycle.pk}/" in body


def test_sign_off_reminders_go_to_managers_of_services_with_figures_to_sign_off(town):
    ReminderRule.objects.filter(deadline=Deadline.DATA_ENTRY).update(is_active=False)

    send_reminders(today=D(2026, 10, 28))

    subject = "Reminder: Q2 2026/27 performance figures to be signed off by 30 October 2026"
    assert inbox() == [
        ("people-approver@example.gov.uk", subject),
        ("place-approver@example.gov.uk", subject),
    ]
    place = email_to("place-approver").body
    assert "PLANNING-1" in place
    assert f"Sign them off: {BASE_URL}/returns/{town.cycle.pk}/planning/sign-off/" in place
    assert "HOUSING-2" in email_to("people-approver").body


def test_running_again_sends_nothing_new(town):
    first = send_reminders(today=D(2026, 10, 21))

    again = send_reminders(today=D(2026, 10, 21))
    next_day = send_reminders(today=D(2026, 10, 22))

    assert len(first) == 6
    assert again == [] and next_day == []
    assert len(mail.outbox) == 6
    assert ReminderSent.objects.count() == 6


def test_a_later_step_replaces_an_earlier_one_nobody_sent(town):
    """Run first on 21 October: the data owners get the overdue email, not both."""
    send_reminders(today=D(2026, 10, 21))

    to_waste_owner = [m.subject for m in mail.outbox if m.to == ["waste-owner@example.gov.uk"]]
    assert to_waste_owner == [OVERDUE_SUBJECT]


def test_a_changed_rule_changes_when_reminders_go(town):
    ReminderRule.objects.filter(
        deadline=Deadline.DATA_ENTRY, days_after=-5, audience=Audience.DATA_OWNER
    ).update(days_after=-3)

    on_the_old_day = send_reminders(today=D(2026, 10, 15))
    on_the_new_day = send_reminders(today=D(2026, 10, 17))

    assert on_the_old_day == []
    assert len(on_the_new_day) == 3


def test_a_switched_off_step_sends_nothing(town):
    ReminderRule.objects.update(is_active=False)

    assert send_reminders(today=D(2026, 10, 25)) == []
    assert mail.outbox == []


def sent_each_day(first: datetime.date, last: datetime.date) -> dict[str, list[datetime.date]]:
    """Run the reminders every day from `first` to `last` on a frozen clock; the days each
    person was emailed."""
    days: dict[str, list[datetime.date]] = {}
    day = first
    while day <= last:
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(7), LONDON)):
            for reminder in send_reminders(today=timezone.localdate()):
                days.setdefault(reminder.recipient.username, []).append(day)
        day += datetime.timedelta(days=1)
    return days


def test_an_overdue_return_is_chased_every_week_until_it_is_in(town):
    """The default escalation's overdue steps repeat every 7 days: the waste return, never
    started, is chased on 21 and 28 October and 4 and 11 November."""
    days = sent_each_day(D(2026, 10, 21), D(2026, 11, 11))

    weekly = [D(2026, 10, 21), D(2026, 10, 28), D(2026, 11, 4), D(2026, 11, 11)]
    assert days["waste-owner"] == weekly
    assert days["waste-head"] == weekly  # the manager step repeats too
    # The performance team's steps: 5 days after the data entry deadline, then weekly; and a
    # day after the sign-off deadline (30 October), then weekly.
    assert days["performance"] == [
        D(2026, 10, 25), D(2026, 10, 31), D(2026, 11, 1), D(2026, 11, 7), D(2026, 11, 8)
    ]  # fmt: skip
    assert ReminderSent.objects.filter(recipient__username="waste-owner").count() == 4


def test_a_return_coming_in_stops_its_chasing(town):
    sent_each_day(D(2026, 10, 21), D(2026, 10, 28))
    for indicator in town.indicators["waste"]:
        town.returns.submitted(indicator, "2026-27-Q2", "10")

    later = sent_each_day(D(2026, 10, 29), D(2026, 11, 18))

    assert "waste-owner" not in later
    # The head of Waste is now asked only to sign the figures off, never for the return.
    to_head = ReminderSent.objects.filter(
        recipient__username="waste-head",
        sent_at__gt=datetime.datetime(2026, 10, 28, 12, tzinfo=LONDON),
    )
    assert {r.rule.deadline for r in to_head} == {Deadline.SIGNOFF}
    assert later["parks-owner"] == [D(2026, 11, 4), D(2026, 11, 11), D(2026, 11, 18)]


def test_a_day_missed_while_nothing_ran_is_sent_once_on_the_next_run(town):
    """The worker was down from 19 October to 2 November: the first run after sends each
    audience its latest step once (no backlog of every missed day), and the weekly repeat
    goes on from the step's own day."""
    first_run = send_reminders(today=D(2026, 11, 2))

    assert sorted(
        r.recipient.username for r in first_run if r.recipient.username == "waste-owner"
    ) == ["waste-owner"]
    assert {r.due_on for r in first_run if r.rule.audience == Audience.DATA_OWNER} == {
        D(2026, 10, 28)
    }  # the latest repeat of the 21 October step
    assert send_reminders(today=D(2026, 11, 3)) == []
    on_the_next_repeat = send_reminders(today=D(2026, 11, 4))
    assert "waste-owner" in {r.recipient.username for r in on_the_next_repeat}


def test_a_return_long_overdue_when_the_cycle_opens_is_still_chased(town):
    """Eight weeks after the deadline, a return never reminded about is chased (once)."""
    sent = send_reminders(today=D(2026, 12, 15))

    assert "waste-owner" in {r.recipient.username for r in sent}
    assert len([r for r in sent if r.recipient.username == "waste-owner"]) == 1


def test_a_step_that_does_not_repeat_is_sent_once(town):
    ReminderRule.objects.update(repeat_every_days=None)

    days = sent_each_day(D(2026, 10, 21), D(2026, 11, 11))

    assert days["waste-owner"] == [D(2026, 10, 21)]


def test_the_council_sets_how_often_a_step_repeats(town):
    ReminderRule.objects.filter(
        deadline=Deadline.DATA_ENTRY, days_after=1, audience=Audience.DATA_OWNER
    ).update(repeat_every_days=3)

    days = sent_each_day(D(2026, 10, 21), D(2026, 10, 31))

    assert days["waste-owner"] == [
        D(2026, 10, 21),
        D(2026, 10, 24),
        D(2026, 10, 27),
        D(2026, 10, 30),
    ]


def test_the_next_reminder_of_each_late_service_is_known(town):
    send_reminders(today=D(2026, 10, 21))

    upcoming = next_reminders(town.cycle, today=D(2026, 10, 22))

    waste = upcoming[town.services["waste"].pk]
    assert waste.day == D(2026, 10, 25)  # the performance team's step comes first
    assert waste.rule.audience == Audience.PERFORMANCE_TEAM
    planning = upcoming[town.services["planning"].pk]  # submitted: waits for sign-off
    assert planning.day == D(2026, 10, 28) and planning.rule.deadline == Deadline.SIGNOFF
    assert town.services["libraries"].pk not in upcoming  # all signed off


def test_the_next_reminder_is_today_s_until_it_has_gone(town):
    upcoming = next_reminders(town.cycle, today=D(2026, 10, 21))

    assert upcoming[town.services["waste"].pk].day == D(2026, 10, 21)
    # Still unsent two days later (nothing ran): due now, not on a day gone by.
    assert next_reminders(town.cycle, today=D(2026, 10, 23))[town.services["waste"].pk].day == D(
        2026, 10, 23
    )


@pytest.mark.parametrize("state", [CycleState.PLANNED, CycleState.CLOSED])
def test_only_open_cycles_are_chased(settings, state):
    build_council(cycle_state=state)

    assert send_reminders(today=D(2026, 10, 21)) == []


def test_people_without_an_email_address_or_no_longer_active_are_skipped(town):
    town.owners["waste"].email = ""
    town.owners["waste"].save()
    town.owners["parks"].is_active = False
    town.owners["parks"].save()

    send_reminders(today=D(2026, 10, 15))

    assert inbox() == [("housing-owner@example.gov.uk", DUE_SUBJECT)]


def test_the_task_sends_todays_reminders_and_returns_how_many(town, monkeypatch):
    monkeypatch.setattr("returns.tasks.timezone.localdate", lambda: D(2026, 10, 15))

    result = send_due_reminders.enqueue()

    assert result.return_value == 3
    assert len(mail.outbox) == 3


def test_the_command_queues_the_task(town, monkeypatch, capsys):
    monkeypatch.setattr("returns.tasks.timezone.localdate", lambda: D(2026, 10, 21))

    call_command("send_reminders")

    assert "Sent 6 reminder(s)." in capsys.readouterr().out
    assert ReminderSent.objects.count() == 6
