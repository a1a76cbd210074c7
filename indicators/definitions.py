"""Changing an indicator's definition: every change is a new dated version; old ones are kept."""

from datetime import date

from django.db import transaction

from indicators.models import Indicator, IndicatorVersion


class DefinitionError(ValueError):
    pass


EFFECTIVE_FROM_BEFORE_CURRENT = (
    "The new definition must take effect on or after {current:%-d %B %Y}, "
    "when the current version took effect"
)
REASON_REQUIRED = "Give a reason for changing the definition"


def record_first_version(*, indicator: Indicator, by=None, reason: str = "") -> IndicatorVersion:
    """Keep version 1 of a newly created indicator."""
    return IndicatorVersion.objects.create(
        indicator=indicator,
        number=1,
        effective_from=indicator.effective_from,
        change_reason=reason or "First definition",
        recorded_by=by,
        **indicator.definition_values(),
    )


@transaction.atomic
def revise_definition(
    *, indicator: Indicator, changes: dict, effective_from: date, reason: str, by=None
) -> IndicatorVersion | None:
    """Apply definition changes as a new version in force from `effective_from`.

    Returns the new version, or None when nothing in the definition changed.
    """
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    changed = {
        name: new
        for name, new in changes.items()
        if name in Indicator.VERSIONED_FIELDS and getattr(locked, name) != new
    }
    if not changed:
        return None
    if not reason.strip():
        raise DefinitionError(REASON_REQUIRED)
    if effective_from < locked.effective_from:
        raise DefinitionError(EFFECTIVE_FROM_BEFORE_CURRENT.format(current=locked.effective_from))
    for name, new in changed.items():
        setattr(locked, name, new)
    locked.version += 1
    locked.effective_from = effective_from
    locked.save(update_fields=[*changed, "version", "effective_from"])
    version = IndicatorVersion.objects.create(
        indicator=locked,
        number=locked.version,
        effective_from=effective_from,
        change_reason=reason,
        recorded_by=by,
        **locked.definition_values(),
    )
    indicator.refresh_from_db()
    return version


def definition_in_force(indicator: Indicator, on: date, versions=None) -> IndicatorVersion | None:
    """The version in force on a date (the earliest version for dates before it)."""
    ordered = sorted(
        versions if versions is not None else indicator.versions.all(), key=lambda v: v.number
    )
    in_force = [v for v in ordered if v.effective_from <= on]
    if in_force:
        return in_force[-1]
    return ordered[0] if ordered else None
