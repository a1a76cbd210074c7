"""Reminder rules managed on the framework pages, on the same rules as the admin: the list,
adding, changing with a reason, switching off, and removing a step that never sent one."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from framework import reminder_rules
from organisation.tests.personas import build_town, sign_in
from returns.admin import ReminderRuleForm as AdminForm
from returns.models import Audience, Deadline, ReminderRule, ReminderSent

pytestmark = pytest.mark.django_db

REASON = "Officers asked for a week's notice"


@pytest.fixture
def town():
    return build_town()


@pytest.fixture
def team(client, town):
    return sign_in(client, town.personas["performance"])


@pytest.fixture
def rule(town):
    return ReminderRule.objects.get(
        deadline=Deadline.DATA_ENTRY, days_after=-5, audience=Audience.DATA_OWNER
    )


def step(**changes) -> dict:
    return {
        "audience": Audience.MANAGER,
        "deadline": Deadline.SIGNOFF,
        "timing": "after",
        "days": "3",
        "repeat_every_days": "",
        "is_active": "on",
        **changes,
    }


def test_the_list_shows_every_step_in_words(team, rule):
    response = team.get(reverse("framework:reminder_rules"))

    text = response.content.decode()
    assert "Data owners of the service, 5 days before the data-entry deadline" in text
    assert "then every 7 days until the returns are in" in text  # the default overdue steps
    # One day is a day, not "1 days".
    assert "Data owners of the service, 1 day after the data-entry deadline" in text
    assert "1 days" not in text


def test_the_list_takes_the_same_queries_whatever_the_number_of_steps(team, town, rule):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            team.get(reverse("framework:reminder_rules"))
        return len(queries)

    few = count()
    for days in range(10, 15):
        ReminderRule.objects.create(
            deadline=Deadline.SIGNOFF, days_after=days, audience=Audience.PERFORMANCE_TEAM
        )
    ReminderSent.objects.create(
        cycle=town.cycle,
        rule=rule,
        recipient=town.personas["officer"],
        due_on=datetime.date(2026, 10, 15),
        outstanding=2,
        subject="Returns due",
        sent_at=timezone.now(),
    )

    assert count() == few


def test_a_step_is_added_in_the_councils_words(team):
    response = team.post(reverse("framework:reminder_rule_add"), step(repeat_every_days="7"))

    assert response.status_code == 302
    added = ReminderRule.objects.get(
        deadline=Deadline.SIGNOFF, audience=Audience.MANAGER, days_after=3
    )
    assert (added.repeat_every_days, added.is_active) == (7, True)
    assert AuditEntry.objects.filter(object_type="returns.reminderrule", action="created").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repeat_every_days": "0"}, reminder_rules.REPEAT_OUT_OF_RANGE),
        ({"repeat_every_days": "-2"}, reminder_rules.REPEAT_OUT_OF_RANGE),
        ({"days": "400"}, reminder_rules.DAYS_OUT_OF_RANGE),
        ({"timing": "before", "days": ""}, "Days: enter how many days before the deadline"),
        ({"days": "two"}, "Days: enter a whole number of days"),
        ({"audience": ""}, "Who is reminded: choose who the reminder goes to"),
        (
            {
                "audience": Audience.DATA_OWNER,
                "deadline": Deadline.DATA_ENTRY,
                "timing": "before",
                "days": "5",
            },
            "Days: there is already a step reminding data owners of the service 5 days before "
            "the data-entry deadline",
        ),
    ],
)
def test_a_bad_step_is_refused_naming_the_field(team, rule, changes, message):
    before = list(ReminderRule.objects.values_list("pk", "days_after", "repeat_every_days"))

    response = team.post(reverse("framework:reminder_rule_add"), step(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(ReminderRule.objects.values_list("pk", "days_after", "repeat_every_days")) == (
        before
    )


def test_a_change_needs_a_reason_and_shows_in_the_steps_history(team, rule):
    url = reverse("framework:reminder_rule", args=[rule.pk])
    form = step(
        audience=Audience.DATA_OWNER, deadline=Deadline.DATA_ENTRY, timing="before", days="7"
    )

    refused = team.post(url, form)
    assert refused.status_code == 400
    assert reminder_rules.REASON_REQUIRED in refused.content.decode()

    team.post(url, {**form, "reason": REASON})

    rule.refresh_from_db()
    assert rule.days_after == -7
    history = team.get(url).content.decode().split('id="history"')[1]
    assert REASON.replace("'", "&#x27;") in history
    assert "-5" in history and "-7" in history


def test_a_step_is_switched_off(team, rule):
    form = step(
        audience=Audience.DATA_OWNER,
        deadline=Deadline.DATA_ENTRY,
        timing="before",
        days="5",
        is_active="",
    )

    team.post(reverse("framework:reminder_rule", args=[rule.pk]), {**form, "reason": "Pause"})

    rule.refresh_from_db()
    assert rule.is_active is False
    assert "Switched off" in team.get(reverse("framework:reminder_rules")).content.decode()


def test_a_step_that_sent_reminders_is_kept_with_them(team, town, rule):
    ReminderSent.objects.create(
        cycle=town.cycle,
        rule=rule,
        recipient=town.personas["officer"],
        due_on=datetime.date(2026, 10, 15),
        outstanding=2,
        subject="Returns due",
        sent_at=timezone.now(),
    )
    url = reverse("framework:reminder_rule_remove", args=[rule.pk])

    assert "1 reminder went out under this step" in team.get(url).content.decode()
    response = team.post(url, {"reason": "Not needed"})

    assert response.status_code == 400
    assert ReminderRule.objects.filter(pk=rule.pk).exists()


def test_a_step_that_never_sent_one_is_removed_with_a_reason(team, rule):
    url = reverse("framework:reminder_rule_remove", args=[rule.pk])

    assert team.post(url, {"reason": ""}).status_code == 400
    assert ReminderRule.objects.filter(pk=rule.pk).exists()

    assert team.post(url, {"reason": "Merged into the next step"}).status_code == 302
    assert not ReminderRule.objects.filter(pk=rule.pk).exists()
    removal = AuditEntry.objects.filter(object_type="returns.reminderrule").first()
    assert (removal.action, removal.reason) == ("deleted", "Merged into the next step")


@pytest.mark.parametrize(
    ("days_after", "repeat", "message"),
    [
        (200, None, reminder_rules.DAYS_OUT_OF_RANGE),
        (3, 0, None),  # the model's own validator says so first
        (3, 500, reminder_rules.REPEAT_OUT_OF_RANGE),
    ],
)
def test_the_admin_refuses_the_same_steps(rule, days_after, repeat, message):
    form = AdminForm(
        data={
            "deadline": Deadline.SIGNOFF,
            "days_after": days_after,
            "audience": Audience.MANAGER,
            "repeat_every_days": "" if repeat is None else repeat,
            "is_active": "on",
        }
    )

    assert not form.is_valid()
    if message:
        assert message in str(form.errors)
