"""Changing committees: their names, kinds and remits, the indicators that report to them, and
their meetings.

Which indicators report to a committee is part of each indicator's place, versioned with its
definition (`indicators.definitions.revise_definition`): a changed remit is a new version of
each indicator joining or leaving, in force from a date, so a past scorecard or report keeps
the committee's indicators of its time. Moving or cancelling a meeting goes through
`reports.reporting.change_meeting`, which moves (and records on each report) the release of
approved reports waiting for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from audit.context import audited
from audit.recording import record
from framework.structure import StructureError, save_changes
from indicators.definitions import EFFECTIVE_FROM_BEFORE_CURRENT, revise_definition
from indicators.models import Indicator, IndicatorVersion, Lifecycle
from organisation.permissions import Action, require
from reports.reporting import change_meeting
from strategy.models import Committee, Meeting

NAME_TAKEN = "Name: there is already a committee called “{name}”. Choose another name"
CODE_TAKEN = "Code: “{code}” is already used by “{name}”. Choose another code"
REMIT_REASON_REQUIRED = (
    "Reason for the change: say why these indicators join or leave this committee"
)
EFFECTIVE_FROM_REQUIRED = "Takes effect from: enter the date the new remit applies from"
EFFECTIVE_TOO_EARLY = "Takes effect from: for {code}, {rule}"
RETIRED_INDICATOR = "{code} is retired: its committees stay as they were when it was retired"
MEETING_EXISTS = "Date: {committee} already meets at that time. Choose another date or time"
MEETING_REASON_REQUIRED = (
    "Reason for the change: say why the meeting is moving, cancelled or changing"
)


def _check_names(committee: Committee | None, values: dict) -> None:
    others = Committee.objects.exclude(pk=getattr(committee, "pk", None))
    problems = []
    name = values.get("name")
    if name and others.filter(name__iexact=name).exists():
        problems.append(("name", NAME_TAKEN.format(name=name)))
    code = values.get("code")
    if code:
        taken = others.filter(code=code).first()
        if taken is not None:
            problems.append(("code", CODE_TAKEN.format(code=code, name=taken.name)))
    if problems:
        raise StructureError(problems)


@transaction.atomic
@audited(reason="reason")
def add_committee(*, values: dict, by, reason: str = "") -> Committee:
    """Add a committee, after the others in the list."""
    require(by, Action.MANAGE_FRAMEWORK)
    _check_names(None, values)
    last = Committee.objects.aggregate(last=models.Max("order"))["last"] or 0
    committee = Committee(order=last + 1)
    save_changes(committee, values, reason=None)
    return committee


@transaction.atomic
@audited(reason="reason")
def change_committee(*, committee: Committee, values: dict, by, reason: str) -> bool:
    """Change a committee's name, kind, terms of reference, or the ambitions and units in its
    remit. Returns whether anything changed."""
    require(by, Action.MANAGE_FRAMEWORK)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _check_names(committee, values)
    return save_changes(committee, values, reason=reason)


def _labels(indicators: Iterable[Indicator]) -> list[str]:
    return [f"{i.code} {i.title}" for i in sorted(indicators, key=lambda i: i.code)]


@transaction.atomic
@audited(reason="reason")
def set_committee_indicators(
    *,
    committee: Committee,
    indicators: Iterable[Indicator],
    effective_from: date | None,
    reason: str,
    by,
) -> list[IndicatorVersion]:
    """Make `indicators` the (not retired) indicators reporting to the committee, from
    `effective_from`: each indicator joining or leaving gets a new version. Returns them."""
    require(by, Action.MANAGE_FRAMEWORK)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    chosen = {indicator.pk: indicator for indicator in indicators}
    current = Indicator.objects.filter(committees=committee).exclude(lifecycle=Lifecycle.RETIRED)
    before = list(current.order_by("code"))
    current_ids = {indicator.pk for indicator in before}
    changing_ids = (chosen.keys() - current_ids) | (current_ids - chosen.keys())
    if not changing_ids:
        return []
    changing = list(
        Indicator.objects.select_for_update().filter(pk__in=changing_ids).order_by("code")
    )
    problems = [
        ("indicators", RETIRED_INDICATOR.format(code=indicator.code))
        for indicator in changing
        if indicator.lifecycle == Lifecycle.RETIRED
    ]
    if not reason.strip():
        problems.append(("reason", REMIT_REASON_REQUIRED))
    if effective_from is None:
        problems.append(("effective_from", EFFECTIVE_FROM_REQUIRED))
    else:
        for indicator in changing:
            if effective_from < indicator.effective_from:
                rule = EFFECTIVE_FROM_BEFORE_CURRENT.format(current=indicator.effective_from)
                rule = rule[0].lower() + rule[1:]
                problems.append(
                    ("effective_from", EFFECTIVE_TOO_EARLY.format(code=indicator.code, rule=rule))
                )
    if problems:
        raise StructureError(problems)
    committees_of: dict[int, set[int]] = {}
    for indicator_id, committee_id in Indicator.committees.through.objects.filter(
        indicator_id__in=changing_ids
    ).values_list("indicator_id", "committee_id"):
        committees_of.setdefault(indicator_id, set()).add(committee_id)
    versions = []
    for indicator in changing:
        theirs = committees_of.get(indicator.pk, set()) ^ {committee.pk}
        versions.append(
            revise_definition(
                indicator=indicator,
                changes={"committees": sorted(theirs)},
                effective_from=effective_from,
                reason=reason.strip(),
                by=by,
            )
        )
    after = list(current.order_by("code"))
    record(
        action="remit changed",
        obj=committee,
        before={"indicators": _labels(before), "effective_from": None},
        after={"indicators": _labels(after), "effective_from": effective_from.isoformat()},
    )
    return versions


# --- Meetings --------------------------------------------------------------------------------


def _clash(committee: Committee, starts_at: datetime, meeting: Meeting | None = None) -> bool:
    others = Meeting.objects.filter(committee=committee, starts_at=starts_at)
    if meeting is not None:
        others = others.exclude(pk=meeting.pk)
    return others.exists()


@transaction.atomic
@audited(reason="reason")
def add_meeting(
    *, committee: Committee, starts_at: datetime, venue: str = "", by, reason: str = ""
) -> Meeting:
    """Add a meeting to a committee's calendar."""
    require(by, Action.MANAGE_FRAMEWORK)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if _clash(committee, starts_at):
        raise StructureError([("starts_on", MEETING_EXISTS.format(committee=committee.name))])
    return Meeting.objects.create(committee=committee, starts_at=starts_at, venue=venue)


@transaction.atomic
@audited(reason="reason")
def update_meeting(
    *, meeting: Meeting, starts_at: datetime, venue: str, is_cancelled: bool, by, reason: str
) -> bool:
    """Move, cancel or reinstate a meeting, or change its venue, with a reason. A move or
    cancellation that changes when an approved report is published is recorded on the report
    too, and refused if it would take a published report back off the public site."""
    require(by, Action.MANAGE_FRAMEWORK)
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    timing = (starts_at, is_cancelled) != (meeting.starts_at, meeting.is_cancelled)
    if not timing and venue == meeting.venue:
        return False
    if not reason.strip():
        raise StructureError([("reason", MEETING_REASON_REQUIRED)])
    if starts_at != meeting.starts_at and _clash(meeting.committee, starts_at, meeting):
        raise StructureError(
            [("starts_on", MEETING_EXISTS.format(committee=meeting.committee.name))]
        )
    if venue != meeting.venue:
        meeting.venue = venue
        meeting.save(update_fields=["venue"])
    if timing:
        try:
            change_meeting(
                meeting, by=by, starts_at=starts_at, is_cancelled=is_cancelled, reason=reason
            )
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                raise StructureError(
                    [("reason", m) for m in refused.message_dict.get("reason", [])]
                ) from refused
            raise StructureError([("", m) for m in refused.messages]) from refused
    return True


# --- Reading ---------------------------------------------------------------------------------


def committees_overview() -> list[Committee]:
    """Every committee with its number of indicators and its next meeting (one query)."""
    now = timezone.now()
    return list(
        Committee.objects.annotate(
            indicator_count=models.Count(
                "indicators",
                filter=~models.Q(indicators__lifecycle=Lifecycle.RETIRED),
                distinct=True,
            ),
            next_meeting=models.Min(
                "meetings__starts_at",
                filter=models.Q(meetings__starts_at__gte=now, meetings__is_cancelled=False),
            ),
        ).order_by("order", "name")
    )
