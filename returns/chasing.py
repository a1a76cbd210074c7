"""Chasing returns: where every service's return stands in a cycle, how long the cycle took
(STATUS-RULES "Timeliness"), and the reminder emails of the council's escalation.

Reminders: each active `ReminderRule` is a step (who, how many days before or after which
deadline, and how often it repeats). On or after a step's day, everyone in its audience who
answers for a service with outstanding returns gets one email listing them, recorded as a
`ReminderSent` for that day so no step's day reaches the same person twice. A repeating step
goes on, every so many days, until the returns are in; a day missed while the worker was down is
sent once on the next run (only the latest day of the latest step, never a backlog).
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from indicators.models import (
    SIGNED_OFF_STATES,
    CycleState,
    DataQuality,
    Indicator,
    ReportingCycle,
    Value,
    ValueRevision,
    ValueState,
)
from organisation.models import OrgUnit, OrgUnitKind, Role, User
from organisation.queries import current_council
from returns.models import Audience, Deadline, ReminderRule, ReminderSent
from returns.queries import (
    COLLECTED,
    ReturnState,
    ServiceReturn,
    due_indicators,
    open_cycles,
    service_returns,
)
from status.timeliness import Timeliness, cycle_timeliness

logger = logging.getLogger(__name__)

CLOSED_CYCLES_SHOWN = 8
RETURN_STATE_ORDER = (
    ReturnState.NOT_STARTED,
    ReturnState.DRAFT,
    ReturnState.RETURNED,
    ReturnState.SUBMITTED,
    ReturnState.APPROVED,
)
# What is still outstanding at each deadline (None: no figure recorded yet).
OUTSTANDING_STATES = {
    Deadline.DATA_ENTRY: {None, ValueState.DRAFT, ValueState.RETURNED},
    Deadline.SIGNOFF: {ValueState.SUBMITTED},
}


# --- The list of cycles -------------------------------------------------------------------


@dataclass(frozen=True)
class CycleSummary:
    cycle: ReportingCycle
    figures_due: int
    figures_signed_off: int


def cycles_overview() -> list[CycleSummary]:
    """Open cycles, then planned ones, then the most recent closed ones, each with how many of
    its figures are signed off (three queries, however many cycles)."""
    cycles = list(ReportingCycle.objects.select_related("period"))
    open_and_planned = sorted(
        (c for c in cycles if c.state != CycleState.CLOSED),
        key=lambda c: (c.state != CycleState.OPEN, c.data_entry_deadline),
    )
    closed = sorted(
        (c for c in cycles if c.state == CycleState.CLOSED),
        key=lambda c: c.period.ends_on,
        reverse=True,
    )[:CLOSED_CYCLES_SHOWN]
    shown = open_and_planned + closed
    # Each cycle's figures due and those signed off, by the same rule as its returns: the
    # indicators reported for its period (one query each, however many cycles).
    due, signed_off = {}, {}
    if shown:
        due = Indicator.objects.aggregate(
            **{f"cycle_{c.pk}": Count("pk", filter=Q(pk__in=_due_ids(c))) for c in shown}
        )
        signed_off = Value.objects.filter(
            state__in=SIGNED_OFF_STATES, period_id__in=[c.period_id for c in shown]
        ).aggregate(
            **{
                f"cycle_{c.pk}": Count(
                    "pk", filter=Q(period_id=c.period_id, indicator_id__in=_due_ids(c))
                )
                for c in shown
            }
        )
    return [
        CycleSummary(
            cycle=cycle,
            figures_due=due.get(f"cycle_{cycle.pk}", 0),
            figures_signed_off=signed_off.get(f"cycle_{cycle.pk}", 0),
        )
        for cycle in shown
    ]


def _due_ids(cycle: ReportingCycle):
    return due_indicators(cycle).order_by().values("pk")


# --- One cycle's chasing view -------------------------------------------------------------


@dataclass(frozen=True)
class ChasingRow:
    """One service's return in the chasing table."""

    service_return: ServiceReturn
    directorate: OrgUnit | None

    @property
    def service(self) -> OrgUnit:
        return self.service_return.service

    @property
    def state(self) -> str:
        return self.service_return.state

    @property
    def is_late(self) -> bool:
        return self.service_return.is_late

    @property
    def indicator_count(self) -> int:
        return self.service_return.indicator_count

    def _count(self, *states) -> int:
        return sum(self.service_return.counts.get(state, 0) for state in states)

    @property
    def not_started(self) -> int:
        return self._count("none")

    @property
    def draft(self) -> int:
        return self._count(ValueState.DRAFT)

    @property
    def returned(self) -> int:
        return self._count(ValueState.RETURNED)

    @property
    def submitted(self) -> int:
        return self._count(ValueState.SUBMITTED)

    @property
    def signed_off(self) -> int:
        return self._count(*SIGNED_OFF_STATES)


@dataclass(frozen=True)
class CycleProgress:
    cycle: ReportingCycle
    rows: list[ChasingRow]
    services_by_state: list[tuple[str, int]]  # every return state, in workflow order
    late: int
    figures_due: int
    figures_signed_off: int


def cycle_progress(cycle: ReportingCycle, *, today: date) -> CycleProgress:
    """Every service's return in a cycle with its directorate, and the totals by state
    (a fixed number of queries, however many services)."""
    returns = service_returns([cycle], today=today)
    directorates = _directorates_of({r.service.pk for r in returns})
    rows = sorted(
        (ChasingRow(r, directorates.get(r.service.pk)) for r in returns),
        key=lambda row: (row.directorate.name if row.directorate else "", row.service.name),
    )
    by_state: dict[str, int] = defaultdict(int)
    for r in returns:
        by_state[r.state] += 1
    return CycleProgress(
        cycle=cycle,
        rows=rows,
        services_by_state=[(state, by_state[state]) for state in RETURN_STATE_ORDER],
        late=sum(r.is_late for r in returns),
        figures_due=sum(row.indicator_count for row in rows),
        figures_signed_off=sum(row.signed_off for row in rows),
    )


def _units() -> dict[int, OrgUnit]:
    return {u.pk: u for u in OrgUnit.objects.only("id", "parent_id", "kind", "name", "code")}


def _directorates_of(unit_ids: set[int]) -> dict[int, OrgUnit | None]:
    """Each unit's directorate, from one query of the organisation tree."""
    units = _units()
    found = {}
    for unit_id in unit_ids:
        unit = units.get(unit_id)
        while unit is not None and unit.kind != OrgUnitKind.DIRECTORATE:
            unit = units.get(unit.parent_id)
        found[unit_id] = unit
    return found


@dataclass(frozen=True)
class ProvisionalFigure:
    """A submitted or signed-off figure still provisional: its final value is awaited."""

    value: Value
    since: datetime  # when the figure last became provisional
    days_waiting: int  # calendar days since then

    @property
    def service(self) -> OrgUnit:
        return self.value.indicator.owner


def provisional_figures(cycle: ReportingCycle, *, today: date) -> list[ProvisionalFigure]:
    """Figures for the cycle's period or earlier that were submitted or signed off as
    provisional and are still provisional, by service, indicator and period, each with
    the time its history says it became provisional (two queries)."""
    values = list(
        Value.objects.filter(
            data_quality=DataQuality.PROVISIONAL,
            state__in=(ValueState.SUBMITTED, *SIGNED_OFF_STATES),
            period__ends_on__lte=cycle.period.ends_on,
            indicator__lifecycle__in=COLLECTED,
        )
        .select_related("indicator", "indicator__owner", "period", "entered_by")
        .order_by("indicator__owner__name", "indicator__code", "period__starts_on")
    )
    since = {value.pk: value.entered_at for value in values}
    for value_id, changed_at, before, after in ValueRevision.objects.filter(
        value_id__in=since
    ).values_list("value_id", "changed_at", "before", "after"):  # oldest first
        became = (after or {}).get("data_quality") == DataQuality.PROVISIONAL and (
            before or {}
        ).get("data_quality") != DataQuality.PROVISIONAL
        if became:
            since[value_id] = changed_at
    return [
        ProvisionalFigure(
            value=value,
            since=since[value.pk],
            days_waiting=(today - timezone.localtime(since[value.pk]).date()).days,
        )
        for value in values
    ]


@dataclass(frozen=True)
class CycleTimeliness:
    """STATUS-RULES "Timeliness": what happened when, and the days from the period's end."""

    period_end: date
    last_signoff_on: date | None
    meeting: object | None  # the first meeting the cycle feeds (strategy.Meeting)
    meeting_on: date | None
    published_on: date | None
    days: Timeliness


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def cycle_timeliness_for(cycle: ReportingCycle) -> CycleTimeliness:
    """Days from the period's end to the latest sign-off of its figures, to the first meeting
    the cycle feeds and to publication: the first release of a report of the period (None
    for what has not happened yet)."""
    from reports.publication import first_release

    latest = Value.objects.filter(period_id=cycle.period_id).aggregate(
        signed_off=Max("approved_at")
    )
    meeting = (
        cycle.meetings.filter(is_cancelled=False)
        .select_related("committee")
        .order_by("starts_at")
        .first()
    )
    last_signoff_on = _local_day(latest["signed_off"])
    meeting_on = _local_day(meeting.starts_at) if meeting else None
    published_on = _local_day(first_release(cycle.period))
    period_end = cycle.period.ends_on
    return CycleTimeliness(
        period_end=period_end,
        last_signoff_on=last_signoff_on,
        meeting=meeting,
        meeting_on=meeting_on,
        published_on=published_on,
        days=cycle_timeliness(
            period_end=period_end,
            last_signoff=last_signoff_on,
            meeting=meeting_on,
            publication=published_on,
        ),
    )


# --- Reminders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutstandingReturn:
    """A service's figures still to come in (or to be signed off) by a deadline."""

    cycle: ReportingCycle
    service: OrgUnit
    indicators: list[Indicator]
    deadline: str  # a returns.models.Deadline
    due_on: date
    is_overdue: bool


def deadline_date(cycle: ReportingCycle, deadline: str) -> date:
    if deadline == Deadline.SIGNOFF:
        return cycle.signoff_deadline
    return cycle.data_entry_deadline


def outstanding_returns(
    cycle: ReportingCycle, *, today: date, deadline: str
) -> list[OutstandingReturn]:
    """The services whose figures are outstanding for a deadline: not yet submitted (data
    entry: not started, draft or returned) or submitted but not yet signed off (sign-off)."""
    indicators = list(due_indicators(cycle))
    states = dict(
        Value.objects.filter(
            period_id=cycle.period_id, indicator_id__in=[i.pk for i in indicators]
        ).values_list("indicator_id", "state")
    )
    waiting = OUTSTANDING_STATES[Deadline(deadline)]
    by_service: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if states.get(indicator.pk) in waiting:
            by_service[indicator.owner_id].append(indicator)
    due_on = deadline_date(cycle, deadline)
    return sorted(
        (
            OutstandingReturn(
                cycle=cycle,
                service=found[0].owner,
                indicators=found,
                deadline=deadline,
                due_on=due_on,
                is_overdue=today > due_on,
            )
            for found in by_service.values()
        ),
        key=lambda r: r.service.name,
    )


@dataclass(frozen=True)
class DueStep:
    """A step whose day has come: the rule and the day (its own, or its latest repeat's)."""

    rule: ReminderRule
    day: date


def step_day(cycle: ReportingCycle, rule: ReminderRule) -> date:
    return deadline_date(cycle, rule.deadline) + timedelta(days=rule.days_after)


def latest_day(first: date, every: int | None, today: date) -> date:
    """The latest of a step's days (its first, then every `every` days) on or before today."""
    if not every or today <= first:
        return first
    return first + timedelta(days=((today - first).days // every) * every)


def due_steps(cycle: ReportingCycle, rules: list[ReminderRule], *, today: date) -> list[DueStep]:
    """The steps whose day has come for a cycle: for each deadline and audience only the latest
    step (a later step replaces an earlier one), at its latest day on or before today. A day
    missed while nothing ran is still due: whether it went is `ReminderSent`'s to say."""
    latest: dict[tuple[str, str], tuple[ReminderRule, date]] = {}
    for rule in rules:
        day = step_day(cycle, rule)
        key = (rule.deadline, rule.audience)
        if day <= today and (key not in latest or day > latest[key][1]):
            latest[key] = (rule, day)
    return [
        DueStep(rule, latest_day(day, rule.repeat_every_days, today))
        for rule, day in sorted(latest.values(), key=lambda pair: (pair[1], pair[0].pk))
    ]


def next_step(
    cycle: ReportingCycle,
    rules: list[ReminderRule],
    *,
    today: date,
    deadline: str,
    audience: str,
    sent_days: set[tuple[int, date]],
) -> DueStep | None:
    """The next reminder one audience will get for a deadline: today's if it has not gone
    yet, else the next repeat or the next step, whichever comes first (None: no more)."""
    own = [r for r in rules if r.deadline == deadline and r.audience == audience]
    candidates = []
    current = due_steps(cycle, own, today=today)
    if current:
        step = current[0]
        if (step.rule.pk, step.day) not in sent_days:
            return DueStep(step.rule, today)  # due now: the next run sends it
        if step.rule.repeat_every_days:
            candidates.append(
                DueStep(step.rule, step.day + timedelta(days=step.rule.repeat_every_days))
            )
    candidates += [DueStep(r, step_day(cycle, r)) for r in own if step_day(cycle, r) > today]
    return min(candidates, key=lambda s: (s.day, s.rule.pk), default=None)


@dataclass(frozen=True)
class NextReminder:
    """The next reminder a service's outstanding return brings: when, to whom, which step."""

    day: date
    rule: ReminderRule


def next_reminders(cycle: ReportingCycle, *, today: date) -> dict[int, NextReminder]:
    """For each service with outstanding returns in an open cycle, the next reminder it will
    bring (by service id): the earliest over the deadlines it is outstanding for and the
    escalation's audiences (a few queries, however many services)."""
    if cycle.state != CycleState.OPEN:
        return {}
    rules = list(ReminderRule.objects.filter(is_active=True))
    sent = set(ReminderSent.objects.filter(cycle=cycle).values_list("rule_id", "due_on"))
    found: dict[int, NextReminder] = {}
    due = list(due_indicators(cycle).order_by().values_list("pk", "owner_id"))
    states = dict(
        Value.objects.filter(
            period_id=cycle.period_id, indicator_id__in=[pk for pk, _ in due]
        ).values_list("indicator_id", "state")
    )
    for deadline in Deadline.values:
        waiting = OUTSTANDING_STATES[Deadline(deadline)]
        services = {owner_id for pk, owner_id in due if states.get(pk) in waiting}
        for audience in Audience.values:
            step = next_step(
                cycle, rules, today=today, deadline=deadline, audience=audience, sent_days=sent
            )
            if step is None:
                continue
            for service_id in services:
                known = found.get(service_id)
                if known is None or (step.day, step.rule.pk) < (known.day, known.rule.pk):
                    found[service_id] = NextReminder(step.day, step.rule)
    return found


class _Organisation:
    """The tree and the people a reminder can go to, fetched once per run."""

    def __init__(self):
        self.units = _units()
        self._people: dict[Role, list[User]] = {}

    def ancestors(self, unit_id: int) -> set[int]:
        found = set()
        unit = self.units.get(unit_id)
        while unit is not None and unit.pk not in found:
            found.add(unit.pk)
            unit = self.units.get(unit.parent_id)
        return found

    def people(self, role: Role) -> list[User]:
        if role not in self._people:
            self._people[role] = list(
                User.objects.filter(is_active=True, groups__name=role.label)
                .exclude(email="")
                .prefetch_related("scope")
                .distinct()
                .order_by("last_name", "first_name", "pk")
            )
        return self._people[role]

    def in_scope(self, role: Role, service: OrgUnit) -> list[User]:
        """People with the role whose scope covers the service (their units include all below)."""
        above = self.ancestors(service.pk)
        return [p for p in self.people(role) if any(u.pk in above for u in p.scope.all())]


def recipients(
    audience: str, outstanding: list[OutstandingReturn], organisation: _Organisation | None = None
) -> dict[User, list[OutstandingReturn]]:
    """Who a step reaches, each with the outstanding returns of the services they answer for."""
    organisation = organisation or _Organisation()
    found: dict[int, tuple[User, list[OutstandingReturn]]] = {}

    def add(person: User, item: OutstandingReturn) -> None:
        found.setdefault(person.pk, (person, []))[1].append(item)

    heads = {}
    if audience == Audience.MANAGER:
        head_ids = {r.service.head_id for r in outstanding if r.service.head_id}
        heads = {
            u.pk: u for u in User.objects.filter(pk__in=head_ids, is_active=True).exclude(email="")
        }
    for item in outstanding:
        if audience == Audience.DATA_OWNER:
            people = organisation.in_scope(Role.DATA_OWNER, item.service)
        elif audience == Audience.MANAGER:
            people = organisation.in_scope(Role.APPROVER, item.service)
            head = heads.get(item.service.head_id)
            if head is not None and head.pk not in {p.pk for p in people}:
                people = [*people, head]
        else:
            people = organisation.people(Role.PERFORMANCE_TEAM)
        for person in people:
            add(person, item)
    return {person: items for person, items in found.values()}


def _absolute(path: str) -> str:
    base = getattr(settings, "GOLDEN_THREAD_BASE_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def _long(day: date) -> str:
    return format_date(day, "j F Y")


def reminder_subject(rule: ReminderRule, cycle: ReportingCycle) -> str:
    period, due = cycle.period.label, _long(deadline_date(cycle, rule.deadline))
    overdue = rule.days_after > 0
    if rule.deadline == Deadline.SIGNOFF:
        if overdue:
            return f"Overdue: {period} performance figures were due to be signed off by {due}"
        return f"Reminder: {period} performance figures to be signed off by {due}"
    if overdue:
        return f"Overdue: {period} performance returns were due {due}"
    return f"Reminder: {period} performance returns due {due}"


def _return_link(rule: ReminderRule, cycle: ReportingCycle, service: OrgUnit) -> str | None:
    """Where the email sends a person for one service: the return to complete, or the figures
    to sign off; none for managers chasing data entry (their officers enter the figures)."""
    if rule.audience == Audience.MANAGER:
        if rule.deadline != Deadline.SIGNOFF:
            return None
        return _absolute(reverse("returns:service_sign_off", args=[cycle.pk, service.code]))
    return _absolute(reverse("returns:service", args=[cycle.pk, service.code]))


def reminder_body(
    rule: ReminderRule, cycle: ReportingCycle, recipient: User, items: list[OutstandingReturn]
) -> str:
    council = current_council()
    signing_off = rule.audience == Audience.MANAGER and rule.deadline == Deadline.SIGNOFF
    text = render_to_string(
        "returns/email/reminder.txt",
        {
            "recipient": recipient,
            "council": council,
            "period": cycle.period.label,
            "due": _long(deadline_date(cycle, rule.deadline)),
            "is_signoff": rule.deadline == Deadline.SIGNOFF,
            "is_overdue": rule.days_after > 0,
            "audience": rule.audience,
            "returns": [
                {
                    "service": item.service,
                    "indicators": item.indicators,
                    "url": _return_link(rule, cycle, item.service),
                }
                for item in items
            ],
            "link_label": "Sign them off" if signing_off else "Open the return",
            "chasing_url": _absolute(reverse("returns:cycle", args=[cycle.pk])),
        },
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _send_one(rule, cycle, recipient, items, *, day, now) -> ReminderSent | None:
    """Record the reminder and send it, together: if the email fails, nothing is recorded and
    the next run tries again; if another run recorded it first, nothing is sent."""
    subject = reminder_subject(rule, cycle)
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                cycle=cycle,
                rule=rule,
                recipient=recipient,
                due_on=day,
                outstanding=len(items),
                subject=subject,
                sent_at=now,
            )
            send_mail(
                subject,
                reminder_body(rule, cycle, recipient, items),
                None,
                [recipient.email],
            )
    except IntegrityError:
        return None
    except (smtplib.SMTPException, OSError):
        logger.exception("Reminder to %s for %s was not sent", recipient.email, cycle)
        return None
    return reminder


def send_reminders(
    *, today: date, now: datetime | None = None, cycle: ReportingCycle | None = None
) -> list[ReminderSent]:
    """Send every reminder whose day has come in the open cycles (or in `cycle` alone, if it is
    open): one email per person per step's day, listing their outstanding returns. Running
    again the same day sends nothing new."""
    now = now or timezone.now()
    cycles = open_cycles() if cycle is None else [cycle]
    rules = list(ReminderRule.objects.filter(is_active=True))
    organisation = _Organisation()
    sent = []
    for each in cycles:
        if each.state != CycleState.OPEN:
            continue
        outstanding: dict[str, list[OutstandingReturn]] = {}
        for step in due_steps(each, rules, today=today):
            rule = step.rule
            if rule.deadline not in outstanding:
                outstanding[rule.deadline] = outstanding_returns(
                    each, today=today, deadline=rule.deadline
                )
            if not outstanding[rule.deadline]:
                continue
            already = set(
                ReminderSent.objects.filter(cycle=each, rule=rule, due_on=step.day).values_list(
                    "recipient_id", flat=True
                )
            )
            reached = recipients(rule.audience, outstanding[rule.deadline], organisation)
            for person, items in reached.items():
                if person.pk in already:
                    continue
                reminder = _send_one(rule, each, person, items, day=step.day, now=now)
                if reminder is not None:
                    sent.append(reminder)
    return sent
