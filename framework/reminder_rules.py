"""Changing the council's escalation: the reminder rules `returns.chasing` follows while
returns are outstanding (who is reminded, how long before or after which deadline, and how
often again).

One set of rules (`rule_problems`) is checked here and by the admin's form, so both paths
accept and refuse the same steps. A step that has sent reminders is kept with them: switch it
off instead of removing it.
"""

from __future__ import annotations

from django.db import transaction

from audit.context import audited
from framework.structure import StructureError, save_changes
from organisation.permissions import Action, require
from returns.models import Audience, Deadline, ReminderRule

MAX_DAYS = 90  # a reminder more than three months from its deadline reminds nobody usefully
DAYS_OUT_OF_RANGE = f"Days: enter a number of days from 0 to {MAX_DAYS}"
REPEAT_OUT_OF_RANGE = (
    f"Repeat every: enter a number of days from 1 to {MAX_DAYS}, or leave it blank to send once"
)
STEP_EXISTS = "Days: there is already a step reminding {audience} {when}. Change that step instead"
CHOOSE_DEADLINE = "Deadline: choose the data-entry or the sign-off deadline"
CHOOSE_AUDIENCE = "Who is reminded: choose who the reminder goes to"
REMOVE_REASON_REQUIRED = "Reason for removing: say why this step is no longer needed"
REASON_REQUIRED = "Reason for the change: say why the step is changing, for its history"
RULE_HAS_SENT = (
    "{count} reminder{s} went out under this step, so it is kept with them: switch it off instead"
)


def rule_problems(
    *,
    rule: ReminderRule | None,
    deadline: str,
    days_after: int | None,
    audience: str,
    repeat_every_days: int | None,
) -> list[tuple[str, str]]:
    """What is wrong with a step, as (field name, message) pairs; none if it can be saved."""
    problems = []
    if deadline not in Deadline.values:
        problems.append(("deadline", CHOOSE_DEADLINE))
    if audience not in Audience.values:
        problems.append(("audience", CHOOSE_AUDIENCE))
    if days_after is None or not -MAX_DAYS <= days_after <= MAX_DAYS:
        problems.append(("days_after", DAYS_OUT_OF_RANGE))
    if repeat_every_days is not None and not 1 <= repeat_every_days <= MAX_DAYS:
        problems.append(("repeat_every_days", REPEAT_OUT_OF_RANGE))
    if not problems:
        same = ReminderRule.objects.filter(
            deadline=deadline, days_after=days_after, audience=audience
        ).exclude(pk=getattr(rule, "pk", None))
        if same.exists():
            step = ReminderRule(deadline=deadline, days_after=days_after, audience=audience)
            when = str(step).split(", ", 1)[1]
            audience_label = Audience(audience).label.lower()
            problems.append(("days_after", STEP_EXISTS.format(audience=audience_label, when=when)))
    return problems


def _check(rule: ReminderRule | None, values: dict) -> None:
    problems = rule_problems(
        rule=rule,
        deadline=values["deadline"],
        days_after=values["days_after"],
        audience=values["audience"],
        repeat_every_days=values.get("repeat_every_days"),
    )
    if problems:
        raise StructureError(problems)


@transaction.atomic
@audited(reason="reason")
def add_reminder_rule(*, values: dict, by, reason: str = "") -> ReminderRule:
    """Add a step to the escalation. `values`: deadline, days_after, audience,
    repeat_every_days (None: once) and is_active."""
    require(by, Action.MANAGE_FRAMEWORK)
    _check(None, values)
    rule = ReminderRule()
    save_changes(rule, values, reason=None)
    return rule


@transaction.atomic
@audited(reason="reason")
def change_reminder_rule(*, rule: ReminderRule, values: dict, by, reason: str) -> bool:
    """Change a step, or switch it off or on. Returns whether anything changed."""
    require(by, Action.MANAGE_FRAMEWORK)
    rule = ReminderRule.objects.select_for_update().get(pk=rule.pk)
    _check(rule, values)
    try:
        return save_changes(rule, values, reason=reason)
    except StructureError:
        raise StructureError([("reason", REASON_REQUIRED)]) from None


def removal_refusal(rule: ReminderRule) -> str | None:
    """Why the step cannot be removed (None: it can)."""
    sent = rule.sent.count()
    if sent:
        return RULE_HAS_SENT.format(count=sent, s="" if sent == 1 else "s")
    return None


@transaction.atomic
@audited(reason="reason")
def remove_reminder_rule(*, rule: ReminderRule, by, reason: str) -> None:
    """Remove a step that never sent a reminder."""
    require(by, Action.MANAGE_FRAMEWORK)
    rule = ReminderRule.objects.select_for_update().get(pk=rule.pk)
    refusal = removal_refusal(rule)
    if refusal:
        raise StructureError([("", refusal)])
    if not reason.strip():
        raise StructureError([("reason", REMOVE_REASON_REQUIRED)])
    rule.delete()
