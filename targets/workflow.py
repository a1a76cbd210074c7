"""State changes of a year's targets: set (the performance team), propose, agree or return
(the director of the indicator's directorate), each one transaction that locks what it
changes and writes a `TargetEvent` (who, when, why, before and after).

The steps are data (`STEPS`): which states a step moves from and to, who may take it and
whether it needs a reason. `_take_step` is the one mechanism that runs them, so the same
shape can later carry figures, project updates and risk reviews (decision 0016).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit.context import acting, audited
from indicators.entries import MAX_TEXT_LENGTH
from indicators.models import SIGNED_OFF_STATES, Frequency, Indicator, Period, Target, Value
from organisation.permissions import Action, can
from status.periods import Aggregation, PeriodKind, year_value
from status.rag import Polarity
from targets.models import TargetAction, TargetEvent, TargetState, YearTarget
from targets.profiles import Profile, ProfileError, period_targets, seasonal_weights

HISTORY_YEARS = 3  # past years a seasonal profile is taken from

NOT_ALLOWED = "You cannot set targets: ask the performance team"
NOT_YOURS = "You cannot {step} the targets of {code}"
WRONG_STATE = "{code}'s targets are {state}, so they cannot be {done}"
REASON_NEEDED = "Give a reason: {reason_for}"
YEAR_STARTED = "{year} started on {start}: say why the targets are changing after the year started"
TEXT_TOO_LONG = "The {field} is {length:,} characters long; the limit is {limit:,}. Shorten it"
STALE = (
    "{code}'s targets were changed by someone else since you opened the page. "
    "Open the page again to see their change"
)
DATA_ONLY = "{code} is data only (its polarity is neither), so it has no target"
NEEDS_ANNUAL = "Enter the annual target"
NEEDS_RANGE = "{code} is judged against a range: enter both the lower and the upper end"
RANGE_BACKWARDS = "The lower end must not be above the upper end"
NO_RANGE_HERE = "{code} is not judged against a range: leave the lower and upper ends empty"
TYPED_COUNT = "Enter a target for every {kind} of the year: {periods}"
TYPED_NOT_WANTED = "Leave the period targets empty unless the profile is typed per period"
TYPED_DISAGREES = (
    "The period targets come to {total} for the year, not the annual target {annual}. "
    "Change one, or leave the annual target empty to take it from the periods"
)
NEGATIVE_TOLERANCE = "The tolerance must be 0 or more"


class TargetError(ValueError):
    """A step refused; `problems` maps each field (or "") to its message."""

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        self.problems = problems or {"": message}
        super().__init__(message)


@dataclass(frozen=True)
class Setting:
    """What the performance team sets for one indicator's year."""

    indicator: Indicator
    annual: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    profile: Profile = Profile.EVEN
    typed: tuple[Decimal, ...] = ()  # the period targets, in period order, when typed
    tolerance_percent: Decimal | None = None
    tolerance_absolute: Decimal | None = None
    rationale: str = ""


# --- The year's periods and their history ------------------------------------------------------


def in_year_periods(year: Period) -> dict[str, list[Period]]:
    """The year's months and quarters, by kind, in order (one query)."""
    found: dict[str, list[Period]] = {PeriodKind.month: [], PeriodKind.quarter: []}
    for period in Period.objects.filter(financial_year=year).order_by("starts_on"):
        found.setdefault(period.kind, []).append(period)
    found[PeriodKind.financial_year] = [year]
    return found


def own_periods(indicator: Indicator, periods: dict[str, list[Period]]) -> list[Period]:
    """The indicator's own periods of the year, at its collection frequency."""
    return periods[Frequency(indicator.frequency).period_kind]


def past_figures(indicators: Sequence[Indicator], year: Period) -> dict[int, list[list]]:
    """Each indicator's signed-off figures of the past `HISTORY_YEARS` years at its own
    frequency, a list per year in period order (None where missing): one query."""
    first_start = year.starts_on.replace(year=year.starts_on.year - HISTORY_YEARS)
    rows = Value.objects.filter(
        indicator__in=indicators,
        state__in=SIGNED_OFF_STATES,
        figure__isnull=False,
        period__starts_on__gte=first_start,
        period__ends_on__lt=year.starts_on,
    ).values_list("indicator_id", "period__kind", "period__starts_on", "figure")
    kinds = {i.pk: Frequency(i.frequency).period_kind for i in indicators}
    by_year: dict[int, dict[int, dict[datetime.date, Decimal]]] = {}
    for indicator_id, kind, starts_on, figure in rows:
        if kind == kinds[indicator_id] and kind != PeriodKind.financial_year:
            start_year = starts_on.year if starts_on.month >= 4 else starts_on.year - 1
            by_year.setdefault(indicator_id, {}).setdefault(start_year, {})[starts_on] = figure
    per_year = {PeriodKind.month: 12, PeriodKind.quarter: 4}
    history: dict[int, list[list]] = {}
    for indicator_id, years in by_year.items():
        count = per_year[kinds[indicator_id]]
        history[indicator_id] = [
            [figures[day] for day in sorted(figures)] if len(figures) == count else [None]
            for _, figures in sorted(years.items())
        ]
    return history


# --- Working out what a setting means ----------------------------------------------------------


def _plain(number: Decimal | None) -> str | None:
    return None if number is None else format(number.normalize(), "f")


def worked_out(
    setting: Setting, periods: list[Period], history: list[list] | None
) -> tuple[dict, dict[str, str]]:
    """The year target's fields from a setting, and the problems (by field) that stop it."""
    indicator = setting.indicator
    polarity, aggregation = Polarity(indicator.polarity), Aggregation(indicator.aggregation)
    problems: dict[str, str] = {}
    if polarity is Polarity.neither:
        return {}, {"annual": DATA_ONLY.format(code=indicator.code)}
    annual, lower, upper = setting.annual, setting.lower, setting.upper
    by_period: dict[str, str] = {}
    if polarity is Polarity.in_range:
        if lower is None or upper is None:
            problems["lower"] = NEEDS_RANGE.format(code=indicator.code)
        elif lower > upper:
            problems["lower"] = RANGE_BACKWARDS
        if setting.typed:
            problems["typed"] = TYPED_NOT_WANTED
        annual = None
    else:
        if lower is not None or upper is not None:
            problems["lower"] = NO_RANGE_HERE.format(code=indicator.code)
        if setting.profile is Profile.TYPED and len(periods) > 1:
            if len(setting.typed) != len(periods):
                problems["typed"] = TYPED_COUNT.format(
                    kind=PeriodKind(periods[0].kind).label.lower(),
                    periods=", ".join(p.label for p in periods),
                )
            else:
                total = year_value(list(setting.typed), aggregation)
                if annual is None:
                    annual = total
                elif total != annual:
                    problems["typed"] = TYPED_DISAGREES.format(
                        total=_plain(total), annual=_plain(annual)
                    )
                by_period = {p.code: _plain(v) for p, v in zip(periods, setting.typed, strict=True)}
        else:
            if setting.typed:
                problems["typed"] = TYPED_NOT_WANTED
            if annual is None:
                problems["annual"] = NEEDS_ANNUAL
            elif len(periods) > 1:
                try:
                    weights = (
                        seasonal_weights(history or [], aggregation)
                        if setting.profile is Profile.SEASONAL
                        else None
                    )
                    shares = period_targets(
                        annual, len(periods), aggregation, indicator.precision, weights
                    )
                    by_period = {p.code: _plain(v) for p, v in zip(periods, shares, strict=True)}
                except ProfileError as error:
                    problems["profile"] = f"{indicator.code}: {error}"
    for name in ("tolerance_percent", "tolerance_absolute"):
        amount = getattr(setting, name)
        if amount is not None and amount < 0:
            problems[name] = NEGATIVE_TOLERANCE
    if len(setting.rationale) > MAX_TEXT_LENGTH:
        problems["rationale"] = TEXT_TOO_LONG.format(
            field="rationale", length=len(setting.rationale), limit=MAX_TEXT_LENGTH
        )
    fields = {
        "annual": annual,
        "lower": lower if polarity is Polarity.in_range else None,
        "upper": upper if polarity is Polarity.in_range else None,
        "profile": str(setting.profile if polarity is not Polarity.in_range else Profile.EVEN),
        "period_targets": by_period,
        "tolerance_percent": setting.tolerance_percent,
        "tolerance_absolute": setting.tolerance_absolute,
        "rationale": setting.rationale,
    }
    return fields, problems


def snapshot(target: YearTarget) -> dict:
    """A year target as its history keeps it."""
    return {
        "annual": _plain(target.annual),
        "lower": _plain(target.lower),
        "upper": _plain(target.upper),
        "profile": target.profile,
        "period_targets": dict(target.period_targets),
        "tolerance_percent": _plain(target.tolerance_percent),
        "tolerance_absolute": _plain(target.tolerance_absolute),
        "rationale": target.rationale,
        "state": target.state,
    }


def has_started(year: Period, today: datetime.date | None = None) -> bool:
    """Whether the financial year has begun: from then on a change needs a reason."""
    return (today or timezone.localdate()) >= year.starts_on


def _event(target: YearTarget, *, action, before, by, reason: str, at) -> TargetEvent:
    return TargetEvent.objects.create(
        year_target=target,
        action=action,
        before=before,
        after=snapshot(target),
        reason=reason,
        by=by,
        at=at,
    )


# --- Setting ----------------------------------------------------------------------------------


@transaction.atomic
@audited(reason="reason")
def set_targets(
    *,
    year: Period,
    settings: Sequence[Setting],
    by,
    reason: str = "",
    expected_versions: dict[int, int] | None = None,
) -> list[YearTarget]:
    """Set the year's targets of many indicators as drafts: all or none. Returns those changed.

    Raises TargetError with problems keyed "<indicator code>:<field>". A setting equal to the
    saved one is left alone (and needs no reason once the year started); a change to a
    proposed or agreed target makes it a draft again
    (its agreed `Target` rows keep judging until the change is agreed)."""
    if not can(by, Action.MANAGE_FRAMEWORK):
        raise TargetError(NOT_ALLOWED)
    reason = reason.strip()
    if len(reason) > MAX_TEXT_LENGTH:
        message = TEXT_TOO_LONG.format(field="reason", length=len(reason), limit=MAX_TEXT_LENGTH)
        raise TargetError(message, {"reason": message})
    indicators = [s.indicator for s in settings]
    periods = in_year_periods(year)
    history = past_figures(indicators, year)
    existing = {
        t.indicator_id: t
        for t in YearTarget.objects.select_for_update().filter(year=year, indicator__in=indicators)
    }
    planned, problems = [], {}
    for setting in settings:
        indicator = setting.indicator
        fields, found = worked_out(
            setting, own_periods(indicator, periods), history.get(indicator.pk)
        )
        current = existing.get(indicator.pk)
        expected = (expected_versions or {}).get(indicator.pk)
        if current is not None and expected is not None and current.lock_version != expected:
            found[""] = STALE.format(code=indicator.code)
        problems.update({f"{indicator.code}:{name}": message for name, message in found.items()})
        planned.append((indicator, fields, current))
    if problems:
        raise TargetError(next(iter(problems.values())), problems)
    changing = [
        (indicator, fields, current)
        for indicator, fields, current in planned
        if current is None or any(getattr(current, k) != v for k, v in fields.items())
    ]
    if changing and has_started(year) and not reason:
        message = YEAR_STARTED.format(year=year.label, start=f"{year.starts_on:%-d %B %Y}")
        raise TargetError(message, {"reason": message})
    now, saved = timezone.now(), []
    for indicator, fields, current in changing:
        before = snapshot(current) if current is not None else None
        target = current or YearTarget(indicator=indicator, year=year)
        for name, value in fields.items():
            setattr(target, name, value)
        target.state = TargetState.DRAFT
        target.set_by, target.set_at = by, now
        target.change_reason = reason
        target.return_reason = ""
        target.proposed_by = target.proposed_at = target.decided_by = target.decided_at = None
        target.lock_version += 1
        target.save()
        _event(target, action=TargetAction.SET, before=before, by=by, reason=reason, at=now)
        saved.append(target)
    return saved


# --- Propose, agree, return: one mechanism ---------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One move of the workflow: from which states, to which, who may, and what it needs."""

    name: str  # as the messages say it: "propose"
    done: str  # "proposed"
    sources: tuple[str, ...]
    to: str
    action: str  # the TargetAction recorded
    allowed: Callable[[object, YearTarget], bool]
    needs_reason: bool = False
    reason_for: str = ""


STEPS = {
    "propose": Step(
        "propose",
        "proposed",
        (TargetState.DRAFT, TargetState.RETURNED),
        TargetState.PROPOSED,
        TargetAction.PROPOSED,
        lambda by, target: can(by, Action.MANAGE_FRAMEWORK),
    ),
    "agree": Step(
        "agree",
        "agreed",
        (TargetState.PROPOSED,),
        TargetState.AGREED,
        TargetAction.AGREED,
        lambda by, target: can(by, Action.AGREE_TARGETS, target),
    ),
    "return": Step(
        "return",
        "returned",
        (TargetState.PROPOSED,),
        TargetState.RETURNED,
        TargetAction.RETURNED,
        lambda by, target: can(by, Action.AGREE_TARGETS, target),
        needs_reason=True,
        reason_for="say what should change, so the performance team can revise the targets",
    ),
}


def _take_step(
    step: Step,
    targets: Sequence[YearTarget],
    *,
    by,
    reason: str,
    then: Callable[[YearTarget, datetime.datetime], None] | None = None,
) -> list[YearTarget]:
    """Move every target by `step`, or none: lock, check each may move, write its event."""
    reason = reason.strip()
    if step.needs_reason and not reason:
        message = REASON_NEEDED.format(reason_for=step.reason_for)
        raise TargetError(message, {"reason": message})
    if len(reason) > MAX_TEXT_LENGTH:
        message = TEXT_TOO_LONG.format(field="reason", length=len(reason), limit=MAX_TEXT_LENGTH)
        raise TargetError(message, {"reason": message})
    locked = list(
        YearTarget.objects.select_for_update()
        .select_related("indicator", "year")
        .filter(pk__in=[t.pk for t in targets])
        .order_by("indicator__code")
    )
    problems = {}
    for target in locked:
        code = target.indicator.code
        if not step.allowed(by, target):
            problems[code] = NOT_YOURS.format(step=step.name, code=code)
        elif target.state not in step.sources:
            state = TargetState(target.state).label.lower()
            problems[code] = WRONG_STATE.format(code=code, state=state, done=step.done)
    if problems:
        raise TargetError(next(iter(problems.values())), problems)
    now = timezone.now()
    for target in locked:
        before = snapshot(target)
        target.state = step.to
        if step.to == TargetState.PROPOSED:
            target.proposed_by, target.proposed_at = by, now
            target.decided_by = target.decided_at = None
        else:
            target.decided_by, target.decided_at = by, now
        target.return_reason = reason if step.to == TargetState.RETURNED else ""
        target.lock_version += 1
        target.save()
        if then is not None:
            then(target, now)
        _event(target, action=step.action, before=before, by=by, reason=reason, at=now)
    return locked


@transaction.atomic
@audited(reason="reason")
def propose_targets(*, targets: Sequence[YearTarget], by, reason: str = "") -> list[YearTarget]:
    """Send draft or returned targets to the directors for agreement, and tell them."""
    from notices.sending import notify_targets  # notices reads reports, which read targets

    proposed = _take_step(STEPS["propose"], targets, by=by, reason=reason)
    notify_targets("proposed", targets=proposed, by=by, reason=reason)
    return proposed


@transaction.atomic
@audited(reason="reason")
def agree_targets(*, targets: Sequence[YearTarget], by, reason: str = "") -> list[YearTarget]:
    """Agree proposed targets: from now they judge figures (their `Target` rows are written)."""
    from notices.inbox import mark_decided

    agreed = _take_step(STEPS["agree"], targets, by=by, reason=reason, then=_write_targets)
    mark_decided(*agreed)
    return agreed


@transaction.atomic
@audited(reason="reason")
def return_targets(*, targets: Sequence[YearTarget], by, reason: str) -> list[YearTarget]:
    """Return proposed targets to the performance team with what should change, and tell
    whoever proposed them."""
    from notices.inbox import mark_decided
    from notices.sending import notify_targets

    returned = _take_step(STEPS["return"], targets, by=by, reason=reason)
    notify_targets("returned", targets=returned, by=by, reason=reason)
    mark_decided(*returned)
    return returned


def _write_targets(target: YearTarget, at) -> None:
    """The agreed targets as the indicator's `Target` rows: the year's, and each in-year
    period's. A change after the year started is recorded with the reason it was set with."""
    indicator = target.indicator
    periods = in_year_periods(target.year)
    rows = [(target.year, target.annual)]
    if indicator.frequency != Frequency.ANNUAL:
        # A range is the same in every period; a value follows the profile.
        in_range = indicator.polarity == Polarity.in_range
        rows += [
            (period, None if in_range else Decimal(target.period_targets[period.code]))
            for period in own_periods(indicator, periods)
            if in_range or period.code in target.period_targets
        ]
    why = target.change_reason or f"Targets for {target.year.label} agreed"
    with acting(reason=why):
        for period, value in rows:
            defaults = {
                "value": value,
                "lower": target.lower,
                "upper": target.upper,
                "tolerance_percent": target.tolerance_percent,
                "tolerance_absolute": target.tolerance_absolute,
                "rationale": target.rationale,
            }
            row = Target.objects.select_for_update().filter(indicator=indicator, period=period)
            current = row.first()
            if current is None:
                Target.objects.create(indicator=indicator, period=period, **defaults)
            elif any(getattr(current, k) != v for k, v in defaults.items()):
                for name, value_ in defaults.items():
                    setattr(current, name, value_)
                current.save()
