"""Changing an indicator's definition and its places (owner, sets, committees, outcomes), and
retiring it: every change is a new dated version; old ones are kept.

Each version records where the indicator stood while it was in force, and an indicator is
reported from its first period to its last (a retired one's), so a past scorecard shows the
indicators of its time, placed as they were.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from audit.context import audited
from indicators.models import (
    SIGNED_OFF_STATES,
    Frequency,
    Indicator,
    IndicatorVersion,
    Lifecycle,
    Period,
    Value,
)
from status.periods import period_containing


class DefinitionError(ValueError):
    pass


EFFECTIVE_FROM_BEFORE_CURRENT = (
    "The new definition must take effect on or after {current:%-d %B %Y}, "
    "when the current version took effect"
)
EFFECTIVE_FROM_REQUIRED = "Say when the changed definition applies"
REASON_REQUIRED = "Give a reason for changing the definition"
RETIRE_REASON_REQUIRED = "Give a reason for retiring the indicator"
LAST_PERIOD_REQUIRED = "Choose the last period the indicator is reported for"
PERIOD_NOT_OWN_KIND = "Choose a {kind}: the indicator is reported {frequency}"
LAST_BEFORE_FIRST = (
    "The last period cannot be before {first}, the first period the indicator is reported for"
)
FIGURES_AWAITING_AFTER_LAST = (
    "Figures for {periods} are awaiting sign-off: sign them off or remove them, or choose a "
    "later last period"
)
RETIRED_REASON = "Retired: last reported for {period}. {reason}"
ADD_REASON_REQUIRED = "Give a reason for adding the indicator"
ADDED_RETIRED = "A new indicator cannot start retired: add it, then retire it after its last period"
DETAILS_REASON_REQUIRED = "Give a reason for the change"
RETIRE_ON_ITS_OWN = (
    "Retire the indicator on its own page, choosing the last period it is reported for"
)
STAYS_RETIRED = "A retired indicator stays retired: its past periods are kept as they were"

# Where an indicator stands, versioned with its definition: today's places are on the
# indicator, each version keeps those of its time (see IndicatorVersion).
PLACE_FIELDS = ("owner", "sets", "committees", "outcomes")


def current_places(indicator: Indicator) -> dict:
    """The indicator's places today, as a version keeps them (three queries)."""
    return {
        "owner_id": indicator.owner_id,
        "set_ids": sorted(indicator.sets.values_list("pk", flat=True)),
        "committee_ids": sorted(indicator.committees.values_list("pk", flat=True)),
        "outcome_ids": sorted(indicator.outcomes.values_list("pk", flat=True)),
    }


def _ids(items: Iterable) -> list[int]:
    return sorted({getattr(item, "pk", item) for item in items})


def _place_changes(places: dict, changes: dict) -> dict:
    """The place fields in `changes` that differ from `places`, as a version keeps them."""
    changed = {}
    if "owner" in changes:
        owner_id = getattr(changes["owner"], "pk", changes["owner"])
        if owner_id != places["owner_id"]:
            changed["owner_id"] = owner_id
    for name, key in (
        ("sets", "set_ids"),
        ("committees", "committee_ids"),
        ("outcomes", "outcome_ids"),
    ):
        if name in changes and _ids(changes[name]) != places[key]:
            changed[key] = _ids(changes[name])
    return changed


def record_first_version(*, indicator: Indicator, by=None, reason: str = "") -> IndicatorVersion:
    """Keep version 1 of a newly created indicator, with its places (set them first)."""
    return IndicatorVersion.objects.create(
        indicator=indicator,
        number=1,
        effective_from=indicator.effective_from,
        change_reason=reason or "First definition",
        recorded_by=by,
        **indicator.definition_values(),
        **current_places(indicator),
    )


@transaction.atomic
@audited(reason="reason")
def create_indicator(
    *,
    indicator: Indicator,
    sets: Iterable = (),
    committees: Iterable = (),
    outcomes: Iterable = (),
    principles: Iterable = (),
    reason: str,
    by=None,
) -> IndicatorVersion:
    """Add a new indicator (an unsaved `Indicator`) with its places, keeping version 1.

    The pages and the admin both add indicators here, so every indicator has its first
    version, recording where it stood from the start.
    """
    if not reason.strip():
        raise DefinitionError(ADD_REASON_REQUIRED)
    if indicator.lifecycle == Lifecycle.RETIRED or indicator.last_period_id is not None:
        raise DefinitionError(ADDED_RETIRED)
    if indicator.first_period_id is not None:
        wrong_kind = period_kind_error(indicator, indicator.first_period)
        if wrong_kind:
            raise DefinitionError(wrong_kind)
    indicator.version = 1
    indicator.save(force_insert=True)
    for relation, chosen in (
        ("sets", sets),
        ("committees", committees),
        ("outcomes", outcomes),
        ("principles", principles),
    ):
        getattr(indicator, relation).set(_ids(chosen))
    return record_first_version(indicator=indicator, by=by, reason=reason.strip())


@transaction.atomic
@audited(reason="reason")
def revise_definition(
    *, indicator: Indicator, changes: dict, effective_from: date, reason: str, by=None
) -> IndicatorVersion | None:
    """Apply changes to the definition or the places as a new version in force from
    `effective_from`.

    `changes` may hold definition fields, and the places: "owner" (an org unit or its id) and
    "sets", "committees", "outcomes" (each the whole new list, of objects or ids). A move to
    another service, set or committee is a version like a changed definition: a past
    scorecard keeps the indicator where it was. Returns the new version, or None when nothing
    changed.
    """
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    changed = {
        name: new
        for name, new in changes.items()
        if name in Indicator.VERSIONED_FIELDS and getattr(locked, name) != new
    }
    places = current_places(locked)
    moved = _place_changes(places, changes)
    if not changed and not moved:
        return None
    if not reason.strip():
        raise DefinitionError(REASON_REQUIRED)
    if effective_from < locked.effective_from:
        raise DefinitionError(EFFECTIVE_FROM_BEFORE_CURRENT.format(current=locked.effective_from))
    for name, new in changed.items():
        setattr(locked, name, new)
    locked.version += 1
    locked.effective_from = effective_from
    if "owner_id" in moved:
        locked.owner_id = moved["owner_id"]
    owner = ["owner"] if "owner_id" in moved else []
    locked.save(update_fields=[*changed, *owner, "version", "effective_from"])
    for key, relation in (
        ("set_ids", "sets"),
        ("committee_ids", "committees"),
        ("outcome_ids", "outcomes"),
    ):
        if key in moved:
            getattr(locked, relation).set(moved[key])
    version = IndicatorVersion.objects.create(
        indicator=locked,
        number=locked.version,
        effective_from=effective_from,
        change_reason=reason,
        recorded_by=by,
        **locked.definition_values(),
        **{**places, **moved},
    )
    indicator.refresh_from_db()
    return version


@transaction.atomic
@audited(reason="reason")
def update_indicator_details(
    *, indicator: Indicator, lifecycle: str, responsible_officer, reason: str, by=None
) -> list[str]:
    """Change the indicator's status on the way to approval (proposed, provisional, approved)
    or its responsible officer: neither is part of the definition, so no version is kept; the
    audit log records the change. Returns the names of the fields changed (none: nothing to do).
    """
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    wanted = {"lifecycle": lifecycle, "responsible_officer": responsible_officer}
    changed = [name for name, new in wanted.items() if getattr(locked, name) != new]
    if not changed:
        return []
    if not reason.strip():
        raise DefinitionError(DETAILS_REASON_REQUIRED)
    if "lifecycle" in changed:
        if locked.lifecycle == Lifecycle.RETIRED:
            raise DefinitionError(STAYS_RETIRED)
        if lifecycle == Lifecycle.RETIRED:
            raise DefinitionError(RETIRE_ON_ITS_OWN)
    for name in changed:
        setattr(locked, name, wanted[name])
    locked.save(update_fields=changed)
    indicator.refresh_from_db()
    return changed


def period_kind_error(indicator: Indicator, period: Period) -> str | None:
    """Why `period` cannot be one of the indicator's first or last periods (None: it can)."""
    kind = Frequency(indicator.frequency).period_kind
    if period.kind == kind:
        return None
    return PERIOD_NOT_OWN_KIND.format(
        kind=kind.label.lower(), frequency=indicator.get_frequency_display().lower()
    )


@transaction.atomic
@audited(reason="reason")
def retire_indicator(
    *, indicator: Indicator, last_period: Period, reason: str, by=None
) -> IndicatorVersion:
    """Retire an indicator after `last_period`, the last of its own periods it is reported for.

    Kept as a new version (who, when, why) in force from the day after that period; its past
    periods stay on every scorecard, report and page. Figures still awaiting sign-off after
    the last period are refused: they would never be seen.
    """
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    refusal = retirement_refusal(indicator=locked, last_period=last_period, reason=reason)
    if refusal:
        raise DefinitionError(refusal)
    effective_from = max(last_period.ends_on + timedelta(days=1), locked.effective_from)
    locked.lifecycle = Lifecycle.RETIRED
    locked.last_period = last_period
    locked.version += 1
    locked.effective_from = effective_from
    locked.save(update_fields=["lifecycle", "last_period", "version", "effective_from"])
    version = IndicatorVersion.objects.create(
        indicator=locked,
        number=locked.version,
        effective_from=effective_from,
        change_reason=RETIRED_REASON.format(period=last_period.label, reason=reason.strip()),
        recorded_by=by,
        **locked.definition_values(),
        **current_places(locked),
    )
    indicator.refresh_from_db()
    return version


def retirement_refusal(*, indicator: Indicator, last_period: Period, reason: str) -> str | None:
    """Why the indicator cannot be retired after `last_period` (None: it can)."""
    if not reason.strip():
        return RETIRE_REASON_REQUIRED
    wrong_kind = period_kind_error(indicator, last_period)
    if wrong_kind:
        return wrong_kind
    first_day = first_reported_on(indicator, list(indicator.versions.all()))
    if last_period.ends_on < first_day:
        kind = Frequency(indicator.frequency).period_kind
        first = indicator.first_period or period_containing(kind, first_day)
        return LAST_BEFORE_FIRST.format(first=first.label)
    awaiting = list(
        Value.objects.filter(indicator=indicator, period__starts_on__gt=last_period.ends_on)
        .exclude(state__in=SIGNED_OFF_STATES)
        .order_by("period__starts_on")
        .values_list("period__label", flat=True)
    )
    if awaiting:
        return FIGURES_AWAITING_AFTER_LAST.format(periods=", ".join(awaiting))
    return None


# --- The reporting range: which of its own periods an indicator is reported for ---------------


def first_reported_on(indicator: Indicator, versions) -> date:
    """The first day of the indicator's reporting range: its first period's start, else the
    day its first definition took effect (the period containing that day is its first)."""
    if indicator.first_period_id is not None:
        return indicator.first_period.starts_on
    return min([indicator.effective_from, *(v.effective_from for v in versions)])


def is_reported(indicator: Indicator, period: Period, versions) -> bool:
    """Whether `period` (one of the indicator's own) lies within its first and last periods.

    A retired indicator with no last period recorded is reported for none. Select
    `first_period` and `last_period` with the indicator to read this without a query.
    """
    if indicator.first_period_id is not None:
        if period.starts_on < indicator.first_period.starts_on:
            return False
    elif period.ends_on < first_reported_on(indicator, versions):
        return False
    if indicator.last_period_id is not None:
        return period.ends_on <= indicator.last_period.ends_on
    return indicator.lifecycle != Lifecycle.RETIRED


def reported_for(period: Period) -> Q:
    """The same test as `is_reported`, as a filter on indicators for one of their own periods."""
    in_effect = IndicatorVersion.objects.filter(
        indicator=OuterRef("pk"), effective_from__lte=period.ends_on
    )
    from_first = Q(first_period__starts_on__lte=period.starts_on) | Q(
        Q(effective_from__lte=period.ends_on) | Exists(in_effect),
        first_period__isnull=True,
    )
    to_last = Q(last_period__ends_on__gte=period.ends_on) | Q(
        ~Q(lifecycle=Lifecycle.RETIRED), last_period__isnull=True
    )
    return from_first & to_last


def definition_in_force(indicator: Indicator, on: date, versions=None) -> IndicatorVersion | None:
    """The version in force on a date (the earliest version for dates before it)."""
    ordered = sorted(
        versions if versions is not None else indicator.versions.all(), key=lambda v: v.number
    )
    in_force = [v for v in ordered if v.effective_from <= on]
    if in_force:
        return in_force[-1]
    return ordered[0] if ordered else None
