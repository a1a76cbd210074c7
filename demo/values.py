"""The demo's values: years of signed-off history, and the latest cycles' returns.

History is bulk-created for speed, but each value's revisions are built step by step exactly as
`indicators.workflow` writes them (numbers 1, 2, 3…, the same actions, before/after snapshots
from `Value.snapshot()`, `lock_version` = the number of changes). The latest month's and the
latest quarter's returns go through the real workflow functions, then have their timestamps
moved from the real clock to the demo's calendar.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from demo import commentary
from demo.council import (
    LATEST_MONTH_RETURNS,
    LATEST_QUARTER_RETURNS,
    STABLE_CODES,
    STEP_CHANGE_CODES,
    IndicatorSpec,
    LatestReturn,
)
from demo.series import (
    PER_UNIT,
    DemoCalendar,
    PlannedTarget,
    PlannedValue,
    judge,
    precision_on,
)
from indicators import workflow
from indicators.models import (
    Indicator,
    Period,
    RevisionAction,
    Value,
    ValueRevision,
    ValueState,
)
from status import periods as rules
from status.numbers import format_value
from status.rag import Rag

LONDON = ZoneInfo("Europe/London")
BATCH = 1000

# Days after a period ends that its figures are due, by frequency (the cycle's deadline).
DATA_ENTRY_DAYS = {"monthly": 15, "quarterly": 20, "annual": 60}
SIGNOFF_DAYS = 10

LATE_SHARE = 0.08  # of historical returns entered after the data-entry deadline
ESTIMATED_SHARE = 0.01
PROVISIONAL_SHARE = 0.3  # of the latest returns
REVISED_AFTER_SIGNOFF = 6
RETURNED_AND_RESUBMITTED = 2


@dataclass
class Return:
    """One indicator's figure for one period, with who enters and who signs it off."""

    spec: IndicatorSpec
    indicator: Indicator
    period: Period
    planned: PlannedValue
    previous: PlannedValue | None
    target: PlannedTarget | None
    data_owner: object
    approver: object
    entries: dict = field(default_factory=dict)


@dataclass
class Story:
    """One value's changes, built the way `indicators.workflow` makes them."""

    value: Value
    revisions: list[ValueRevision] = field(default_factory=list)

    def _write(self, action: str, before: dict | None, by, at: datetime, reason: str = "") -> None:
        self.revisions.append(
            # The value is linked once it has a primary key (see `load_history`); people
            # by id, which is much quicker than through the descriptors for 14,000 rows.
            ValueRevision(
                number=len(self.revisions) + 1,
                action=action,
                before=before,
                after=self.value.snapshot(),
                reason=reason,
                changed_by_id=by.pk,
                changed_at=at,
            )
        )

    def _change(self, action: str, by, at: datetime, reason: str = "", **changes) -> None:
        before = self.revisions[-1].after  # what the last change left
        for name, new in changes.items():
            setattr(self.value, name, new)
        self.value.lock_version += 1
        self.value.updated_at = at
        self._write(action, before, by, at, reason)

    def record(self, entries: dict, by, at: datetime) -> None:
        value = self.value
        for name, new in entries.items():
            setattr(value, name, new)
        value.state = ValueState.DRAFT
        value.entered_by_id, value.entered_at, value.updated_at = by.pk, at, at
        value.lock_version = 1
        self._write(RevisionAction.RECORDED, None, by, at)

    def edit(self, entries: dict, by, at: datetime) -> None:
        self._change(RevisionAction.EDITED, by, at, **entries)

    def submit(self, by, at: datetime) -> None:
        self._change(
            RevisionAction.SUBMITTED,
            by,
            at,
            state=ValueState.SUBMITTED,
            submitted_by_id=by.pk,
            submitted_at=at,
        )

    def send_back(self, by, at: datetime, reason: str) -> None:
        self._change(RevisionAction.RETURNED, by, at, reason, state=ValueState.RETURNED)

    def approve(self, by, at: datetime) -> None:
        self._change(
            RevisionAction.APPROVED,
            by,
            at,
            state=ValueState.APPROVED,
            approved_by_id=by.pk,
            approved_at=at,
        )

    def revise(self, entries: dict, by, at: datetime, reason: str) -> None:
        self._change(
            RevisionAction.REVISED,
            by,
            at,
            reason,
            **entries,
            state=ValueState.SUBMITTED,
            submitted_by_id=by.pk,
            submitted_at=at,
            approved_by_id=None,
            approved_at=None,
        )


# --- Timestamps on the demo's calendar ------------------------------------------------------


def working_time(day: date, rng: random.Random) -> datetime:
    """A moment in office hours on the day, or the Monday after a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minutes = rng.randint(8 * 60 + 30, 17 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=LONDON)


def latest_moment(calendar: DemoCalendar) -> datetime:
    """Nothing in the demo happened after 8am on its "today"."""
    return datetime.combine(calendar.today, time(8, 0), tzinfo=LONDON)


def in_order(moments: list[datetime], calendar: DemoCalendar) -> list[datetime]:
    """The moments kept before the demo's today, each at least a few minutes after the last."""
    ceiling = latest_moment(calendar) - timedelta(minutes=5 * len(moments))
    ordered: list[datetime] = []
    for moment in moments:
        moment = min(moment, ceiling)
        if ordered and moment <= ordered[-1]:
            moment = ordered[-1] + timedelta(minutes=5)
        ordered.append(moment)
        ceiling += timedelta(minutes=5)
    return ordered


def _after(moment: datetime, rng: random.Random, days: tuple[int, int]) -> datetime:
    return working_time(moment.date() + timedelta(days=rng.randint(*days)), rng)


def _soon_after(moment: datetime, rng: random.Random) -> datetime:
    return moment + timedelta(minutes=rng.randint(20, 240))


# --- What each value says -------------------------------------------------------------------


def _shown(spec: IndicatorSpec, number: Decimal, precision: int) -> str:
    unit = "" if spec.unit == "number" else spec.unit
    return format_value(number, precision, unit)


def describe(ret: Return, precision: int) -> str:
    """What the data shows, in the words an officer would use."""
    spec, planned, target = ret.spec, ret.planned, ret.target
    text = f"{_shown(spec, planned.figure, precision)} in {planned.span.label}"
    if target is not None and target.value is not None:
        text += f", against a target of {_shown(spec, target.value, precision)}"
    elif target is not None and target.lower is not None:
        lower, upper = (_shown(spec, end, precision) for end in (target.lower, target.upper))
        text += f", against a target range of {lower} to {upper}"
    text += "."
    previous = ret.previous
    if previous is not None:
        was = _shown(spec, previous.figure, precision)
        if was == _shown(spec, planned.figure, precision):
            text += f" The same as in {previous.span.label}."
        else:
            word = "Up from" if planned.figure > previous.figure else "Down from"
            text += f" {word} {was} in {previous.span.label}."
    return text


def compose_entries(
    ret: Return, calendar: DemoCalendar, rng: random.Random, *, latest: bool
) -> dict:
    """The figure, its commentary and its data quality, as the data owner enters them."""
    spec, planned = ret.spec, ret.planned
    precision = precision_on(spec, planned.span.start, calendar)
    status = judge(spec, planned, ret.target, precision, default_percent=5)
    topic = spec.topic or commentary.SERVICE_TOPICS[spec.owner]
    recent = planned.span.end >= _commentary_window_start(calendar)
    words = {"commentary": "", "reasons": "", "actions": ""}
    if status in (Rag.red, Rag.amber) and (recent or rng.random() < 0.25):
        reasons, actions = commentary.reasons_and_actions(topic, rng)
        words = {"commentary": describe(ret, precision), "reasons": reasons, "actions": actions}
    elif status is Rag.green and recent and rng.random() < 0.35:
        words["commentary"] = f"{describe(ret, precision)} {commentary.good_note(topic, rng)}"
    elif status is Rag.data_only and recent and rng.random() < 0.3:
        words["commentary"] = describe(ret, precision)
    if latest:
        quality = "provisional" if rng.random() < PROVISIONAL_SHARE else "final"
    else:
        quality = "estimated" if rng.random() < ESTIMATED_SHARE else "final"
    return {
        "figure": planned.figure,
        "numerator": planned.numerator,
        "denominator": planned.denominator,
        "data_quality": quality,
        **words,
    }


@cache
def _commentary_window_start(calendar: DemoCalendar) -> date:
    """The start of the last four complete quarters: every Red or Amber there is explained."""
    span = calendar.latest_quarter
    for _ in range(3):
        span = rules.previous_period(span)
    return span.start


def mistaken(ret: Return, rng: random.Random, calendar: DemoCalendar) -> dict:
    """A slightly wrong first figure, corrected later in the value's history."""
    planned = ret.planned
    precision = precision_on(ret.spec, planned.span.start, calendar)
    if planned.numerator is not None:
        numerator = max(Decimal(0), planned.numerator + rng.choice((-3, -2, -1, 1, 2, 3)))
        if ret.spec.unit == "%":
            numerator = min(numerator, planned.denominator)
        per = PER_UNIT[ret.spec.unit]
        figure = (numerator * per / planned.denominator).quantize(
            planned.figure, rounding=ROUND_HALF_UP
        )
        return {"figure": figure, "numerator": numerator}
    step = max(Decimal(1).scaleb(-precision), abs(planned.figure) * Decimal("0.02"))
    figure = planned.figure + step * rng.choice((-1, 1))
    if figure < 0:
        figure = planned.figure + step
    return {"figure": figure.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)}


# --- History --------------------------------------------------------------------------------


def history_story(ret: Return, calendar: DemoCalendar, seed: int, special: str = "") -> Story:
    """A signed-off value and its revisions: entered, submitted and signed off, sometimes
    late; `special` is "revised" (changed after sign-off) or "returned" (sent back first)."""
    rng = random.Random(f"{seed}:history:{ret.spec.code}:{ret.planned.span.code}")
    entries = compose_entries(ret, calendar, rng, latest=False)
    due = DATA_ENTRY_DAYS[ret.spec.frequency]
    end = ret.planned.span.end
    if rng.random() < LATE_SHARE:
        entered = working_time(end + timedelta(days=due + rng.randint(1, 7)), rng)
    else:
        entered = working_time(end + timedelta(days=rng.randint(2, due - 1)), rng)
    story = Story(Value(indicator_id=ret.indicator.pk, period_id=ret.period.pk))
    owner, approver = ret.data_owner, ret.approver
    if special == "returned":
        reason = commentary.RETURN_REASONS[rng.randrange(len(commentary.RETURN_REASONS))]
        times = in_order(
            [
                entered,
                _soon_after(entered, rng),
                _after(entered, rng, (1, 3)),
                _after(entered, rng, (4, 5)),
                _after(entered, rng, (5, 6)) + timedelta(minutes=30),
                _after(entered, rng, (7, 9)),
            ],
            calendar,
        )
        story.record({**entries, **mistaken(ret, rng, calendar)}, owner, times[0])
        story.submit(owner, times[1])
        story.send_back(approver, times[2], reason)
        story.edit(_corrections(story.value, entries), owner, times[3])
        story.submit(owner, times[4])
        story.approve(approver, times[5])
        return story
    submitted = _soon_after(entered, rng) if rng.random() < 0.7 else _after(entered, rng, (1, 2))
    approved = _after(submitted, rng, (1, 6))
    if special == "revised":
        reason = commentary.REVISION_REASONS[rng.randrange(len(commentary.REVISION_REASONS))]
        revised = _after(approved, rng, (10, 40))
        times = in_order(
            [entered, submitted, approved, revised, _after(revised, rng, (1, 4))], calendar
        )
        story.record({**entries, **mistaken(ret, rng, calendar)}, owner, times[0])
        story.submit(owner, times[1])
        story.approve(approver, times[2])
        story.revise(_corrections(story.value, entries), owner, times[3], reason)
        story.approve(approver, times[4])
        return story
    times = in_order([entered, submitted, approved], calendar)
    story.record(entries, owner, times[0])
    story.submit(owner, times[1])
    story.approve(approver, times[2])
    return story


def _corrections(value: Value, entries: dict) -> dict:
    """The entries that differ from what the value holds now."""
    return {name: new for name, new in entries.items() if getattr(value, name) != new}


def choose_special(history: list[Return], calendar: DemoCalendar, seed: int) -> dict:
    """A handful of older values revised after sign-off, and two sent back first."""
    rng = random.Random(f"{seed}:special")
    newest = calendar.today - timedelta(days=270)
    oldest = calendar.today - timedelta(days=900)
    pinned = set(STEP_CHANGE_CODES) | set(STABLE_CODES)
    candidates = [
        ret
        for ret in history
        if oldest <= ret.planned.span.end <= newest
        and ret.spec.code not in pinned
        and ret.spec.lifecycle == "approved"
    ]
    chosen = rng.sample(candidates, REVISED_AFTER_SIGNOFF + RETURNED_AND_RESUBMITTED)
    special = {}
    for number, ret in enumerate(chosen):
        kind = "revised" if number < REVISED_AFTER_SIGNOFF else "returned"
        special[(ret.spec.code, ret.planned.span.code)] = kind
    return special


def load_history(history: list[Return], calendar: DemoCalendar, seed: int) -> int:
    """Bulk-create the signed-off history; returns how many values."""
    special = choose_special(history, calendar, seed)
    stories = [
        history_story(ret, calendar, seed, special.get((ret.spec.code, ret.planned.span.code), ""))
        for ret in history
    ]
    Value.objects.bulk_create([story.value for story in stories], batch_size=BATCH)
    revisions = []
    for story in stories:
        for revision in story.revisions:
            revision.value_id = story.value.pk
            revisions.append(revision)
    ValueRevision.objects.bulk_create(revisions, batch_size=BATCH)
    return len(stories)


# --- The latest cycles, through the real workflow -------------------------------------------


def latest_state(ret: Return, calendar: DemoCalendar) -> LatestReturn:
    if ret.planned.span.code == calendar.latest_quarter.code:
        returns = LATEST_QUARTER_RETURNS
    else:
        returns = LATEST_MONTH_RETURNS
    return returns.get(ret.spec.code, LatestReturn("approved"))


def _latest_times(state: str, ret: Return, rng: random.Random) -> list[datetime]:
    """When each step of a latest return happened, on the demo's calendar."""
    end = ret.planned.span.end
    due = end + timedelta(days=DATA_ENTRY_DAYS[ret.spec.frequency])
    if state == "draft":
        return [working_time(due + timedelta(days=rng.randint(1, 5)), rng)]
    if state == "submitted":
        late = rng.random() < 0.5
        entered = working_time(due + timedelta(days=rng.randint(1, 4) if late else -2), rng)
        return [entered, _soon_after(entered, rng)]
    # Signed off, or sent back: either way the approver acted a few days after submission.
    entered = working_time(end + timedelta(days=rng.randint(3, (due - end).days - 3)), rng)
    submitted = _soon_after(entered, rng)
    return [entered, submitted, _after(submitted, rng, (1, 5))]


def run_latest_returns(latest: list[Return], calendar: DemoCalendar, seed: int) -> int:
    """Record, submit, sign off or return the latest cycles' figures through the real
    workflow, leaving the returns listed in the catalogue missing, in draft or awaiting
    sign-off; then move their timestamps onto the demo's calendar. Returns how many values."""
    stamped: list[tuple[Value, list[datetime]]] = []
    for ret in latest:
        state = latest_state(ret, calendar)
        if state.state == "missing":
            continue
        rng = random.Random(f"{seed}:latest:{ret.spec.code}:{ret.planned.span.code}")
        entries = compose_entries(ret, calendar, rng, latest=True)
        times = in_order(_latest_times(state.state, ret, rng), calendar)
        value = workflow.record_value(
            indicator=ret.indicator, period=ret.period, entries=entries, by=ret.data_owner
        )
        if state.state != "draft":
            value = workflow.submit_value(value=value, by=ret.data_owner)
        if state.state == "approved":
            value = workflow.approve_value(value=value, by=ret.approver)
        elif state.state == "returned":
            value = workflow.return_value(value=value, by=ret.approver, reason=state.reason)
        stamped.append((value, times))
    _move_to_demo_calendar(stamped)
    return len(stamped)


def _move_to_demo_calendar(stamped: list[tuple[Value, list[datetime]]]) -> None:
    """The workflow stamps the real clock; the demo's story happens on its own calendar."""
    revisions = ValueRevision.objects.filter(value__in=[value for value, _ in stamped])
    by_value: dict[int, list[ValueRevision]] = {}
    for revision in revisions.order_by("value_id", "number"):
        by_value.setdefault(revision.value_id, []).append(revision)
    changed_revisions = []
    for value, times in stamped:
        value_revisions = by_value[value.pk]
        for revision, moment in zip(value_revisions, times, strict=True):
            revision.changed_at = moment
            changed_revisions.append(revision)
        value.entered_at = times[0]
        value.updated_at = times[-1]
        if value.submitted_at is not None:
            value.submitted_at = times[1]
        if value.approved_at is not None:
            value.approved_at = times[2]
    ValueRevision.objects.bulk_update(changed_revisions, ["changed_at"], batch_size=BATCH)
    Value.objects.bulk_update(
        [value for value, _ in stamped],
        ["entered_at", "updated_at", "submitted_at", "approved_at"],
        batch_size=BATCH,
    )
