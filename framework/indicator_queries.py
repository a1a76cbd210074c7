"""What the performance team's indicator pages read: the filtered list, each version's changes
from the one before and the indicator's current targets (its history in the audit log is read
by `framework.history`).

Each reads in a fixed number of queries, however many indicators or versions there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.text import capfirst

from audit.queries import Change
from indicators.models import Indicator, IndicatorSet, IndicatorVersion, Target
from organisation.models import OrgUnit
from strategy.models import Committee, Outcome

TARGETS_SINCE_DAYS = 366  # "current" targets: periods ending in the last year or later
NOTHING = "(none)"

# The definition's fields as the pages name them, in forms and in each version's changes.
LABELS = {
    "title": "Title",
    "definition": "Definition",
    "purpose": "Purpose",
    "calculation": "How it is calculated",
    "numerator_label": "Numerator",
    "denominator_label": "Denominator",
    "source": "Source of the data",
    "unit": "Unit",
    "precision": "Decimal places",
    "polarity": "Polarity",
    "indicator_type": "Type",
    "frequency": "How often it is collected",
    "aggregation": "How a year's figures add up",
    "comparison": "Direction of travel compares with",
    "tolerance_percent": "Tolerance (% of target)",
    "tolerance_absolute": "Tolerance (amount)",
    "minimum_value": "Lowest possible figure",
    "maximum_value": "Highest possible figure",
    "scale": "Ratio scale",
    "sets": "Sets",
    "committees": "Committees that receive it",
    "outcomes": "Outcomes it measures",
}


def indicator_list(
    *, directorate: OrgUnit | None, service: OrgUnit | None, indicator_set, lifecycle: str
) -> QuerySet[Indicator]:
    """Indicators picked by the list's filters, by code, with their service (one query)."""
    found = Indicator.objects.select_related("owner", "owner__parent").order_by("code")
    if directorate is not None:
        found = found.filter(
            Q(owner=directorate)
            | Q(owner__parent=directorate)
            | Q(owner__parent__parent=directorate)
        )
    if service is not None:
        found = found.filter(Q(owner=service) | Q(owner__parent=service))
    if indicator_set is not None:
        found = found.filter(sets=indicator_set)
    if lifecycle:
        found = found.filter(lifecycle=lifecycle)
    return found


# --- Versions, each with what changed from the one before ------------------------------------


@dataclass(frozen=True)
class VersionRow:
    version: IndicatorVersion
    changes: list[Change]  # empty for the first version


def _shown(name: str, value) -> str:
    """A definition field's value as words: a choice by its label, a decimal without noise."""
    if value is None or value == "":
        return NOTHING
    field = Indicator._meta.get_field(name)
    choices = dict(field.flatchoices or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _names(ids, names: dict[int, str]) -> str:
    # An id whose set, committee or outcome was deleted since matches nothing (decision 0010).
    return "\n".join(names.get(pk, f"(removed, #{pk})") for pk in ids) or NOTHING


def version_history(indicator: Indicator) -> list[VersionRow]:
    """Every version, newest first, each with who, when, why and what changed (five queries)."""
    versions = list(
        indicator.versions.select_related("recorded_by", "owner", "owner__parent").order_by(
            "number"
        )
    )
    ids = {
        key: {pk for v in versions for pk in getattr(v, key)}
        for key in ("set_ids", "committee_ids", "outcome_ids")
    }
    names = {
        "set_ids": dict(
            IndicatorSet.objects.filter(pk__in=ids["set_ids"]).values_list("pk", "name")
        ),
        "committee_ids": dict(
            Committee.objects.filter(pk__in=ids["committee_ids"]).values_list("pk", "name")
        ),
        "outcome_ids": dict(
            Outcome.objects.filter(pk__in=ids["outcome_ids"]).values_list("pk", "title")
        ),
    }
    place_labels = {
        "set_ids": LABELS["sets"],
        "committee_ids": LABELS["committees"],
        "outcome_ids": LABELS["outcomes"],
    }
    rows = []
    previous = None
    for version in versions:
        found = []
        if previous is not None:
            for name in Indicator.VERSIONED_FIELDS:
                before, after = getattr(previous, name), getattr(version, name)
                if before != after:
                    label = LABELS.get(name) or capfirst(
                        Indicator._meta.get_field(name).verbose_name
                    )
                    found.append(Change(label, _shown(name, before), _shown(name, after), False))
            if previous.owner_id != version.owner_id:
                found.append(
                    Change(
                        "Service",
                        previous.owner.name if previous.owner else NOTHING,
                        version.owner.name if version.owner else NOTHING,
                        False,
                    )
                )
            for key, label in place_labels.items():
                before, after = getattr(previous, key), getattr(version, key)
                if sorted(before) != sorted(after):
                    found.append(
                        Change(label, _names(before, names[key]), _names(after, names[key]), False)
                    )
        rows.append(VersionRow(version, found))
        previous = version
    return list(reversed(rows))


def current_targets(indicator: Indicator, *, today: date) -> list[Target]:
    """The indicator's targets for periods ending in the last year or later (one query)."""
    since = today - timedelta(days=TARGETS_SINCE_DAYS)
    return list(
        indicator.targets.filter(period__ends_on__gte=since)
        .select_related("period")
        .order_by("period__starts_on", "-period__ends_on")
    )
