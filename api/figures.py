"""Entering a figure through the API: the return page's own form, checks and save, for one
indicator of one service's return.

The JSON becomes what the return page would post for that indicator's row (fields left out
keep what the draft holds), and then takes exactly the page's steps: `ReturnForm.validate`
(the same fields, the same strict reading of numbers, the same rules and messages) and
`returns.collection.save_return` (the same transaction, lock, revisions and notices to
approvers). So a figure sent here and one typed on the page are refused in the same words
and recorded with the same history and state. The API adds one entry to the audit log for
each figure it changes, naming the token (figures keep their own revisions, which the log
does not copy row by row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone

from audit.models import Source
from audit.recording import record
from indicators.models import (
    CycleState,
    Frequency,
    Indicator,
    Period,
    ReportingCycle,
    Value,
    ValueState,
)
from indicators.workflow import InvalidFigure, WorkflowError
from organisation.models import Council
from organisation.permissions import Action, can
from returns.collection import ALREADY_SUBMITTED, ReturnConflict, save_return
from returns.forms import EntryForm, ReturnForm
from returns.imports import PERIOD_EXAMPLES
from returns.queries import ReturnRow, return_rows
from scorecards.readings import Reading
from status.periods import PeriodKind

NOT_RECORDED = "Figure not recorded"
NOT_RECORDED_DETAIL = "The figure breaks the return's rules: see errors. Nothing was saved."
CHANGED = "Changed since you read it"
UNKNOWN_PERIOD = (
    "{title} is collected {frequency}: the period must be the code of a {kind}, like {example}"
)
NO_CYCLE = "Returns for {period} are not open: it has no reporting cycle"
NOT_DUE = "{title} is not collected in {period}"
NO_PARTS = "{title} has no numerator or denominator: leave them out"
NOTHING_SENT = "{title}: there is nothing to record. Send a figure, or why there is none"
LOCK_VERSION_NEEDED = (
    "{title} already has a figure for {period}, last changed by {name} at {time}. Send its "
    "lock_version ({version}, as you read it) to change it."
)
STALE = (
    "{name} changed “{title}” at {time}, after you read it (you sent lock_version {sent}; it "
    "is now {version}). Nothing was saved: read the figure again and send your change with "
    "its lock_version."
)
NUMBER_FIELDS = ("figure", "numerator", "denominator")
TEXT_FIELDS = ("not_available_reason", "commentary", "reasons", "actions")
API_SOURCE = Source.API  # the audit log's "from": a change made with a personal API token


@dataclass
class Refusal(Exception):
    """Why the figure was not recorded, as problem details: `errors` names each field."""

    status: int
    title: str
    detail: str
    errors: list[tuple[str, str]] = field(default_factory=list)
    more: dict = field(default_factory=dict)
    anchor: str = ""  # where the documentation page explains it, if not by its status


@dataclass(frozen=True)
class Entered:
    value: Value
    reading: Reading  # the status it gets, as the return page judges it
    warnings: list[str]
    already_saved: bool


def _not_recorded(errors: list[tuple[str, str]]) -> Refusal:
    return Refusal(422, NOT_RECORDED, NOT_RECORDED_DETAIL, errors=errors)


def _who_and_when(value: Value) -> tuple[str, str]:
    """Who last changed a figure and when, as the return page's conflict message says it."""
    last = value.revisions.select_related("changed_by").order_by("-number").first()
    who = last.changed_by if last else None
    name = (who.get_full_name() or who.get_username()) if who else "Someone"
    at = last.changed_at if last else value.updated_at
    return name, timezone.localtime(at).strftime("%H:%M on %d %B")


def _changed(value: Value, *, sent: int | None, title: str) -> Refusal:
    name, time = _who_and_when(value)
    last = value.revisions.order_by("-number").first()
    more = {
        "lock_version": value.lock_version,
        "changed_by": name,
        "changed_at": DjangoJSONEncoder().default(last.changed_at if last else value.updated_at),
    }
    if sent is None:
        detail = LOCK_VERSION_NEEDED.format(
            title=title, period=value.period.label, name=name, time=time, version=value.lock_version
        )
    else:
        detail = STALE.format(
            name=name, title=title, time=time, sent=sent, version=value.lock_version
        )
    return Refusal(409, CHANGED, detail, more=more)


def _period(indicator: Indicator, code: str) -> Period:
    kind = Frequency(indicator.frequency).period_kind
    period = Period.objects.filter(kind=kind, code=code).first()
    if period is None:
        message = UNKNOWN_PERIOD.format(
            title=indicator.title,
            frequency=indicator.get_frequency_display().lower(),
            kind=PeriodKind(kind).label.lower(),
            example=PERIOD_EXAMPLES[kind],
        )
        raise _not_recorded([("period", message)])
    return period


def _posted(submission, form_fields, current: dict, *, title: str) -> dict:
    """What the return page would post for this row: each field sent, else the draft's."""
    sent = submission.model_fields_set
    if {"numerator", "denominator"} & sent and "numerator" not in form_fields:
        raise _not_recorded([("numerator", NO_PARTS.format(title=title))])
    data = {}
    for name in form_fields:
        if name in NUMBER_FIELDS:
            typed = getattr(submission, name) if name in sent else current.get(name)
        elif name in TEXT_FIELDS or name == "data_quality":
            typed = (getattr(submission, name) or "") if name in sent else current.get(name)
        elif name == "unusual_reason":
            typed = submission.unusual_reason
        elif name == "confirm_unusual":
            typed = "on" if submission.confirm_unusual else ""
        elif name == "lock_version":
            typed = "" if submission.lock_version is None else str(submission.lock_version)
        else:  # evidence: files come on the page only
            continue
        data[name] = "" if typed is None else typed
    if not data.get("data_quality"):
        data["data_quality"] = current.get("data_quality") or "final"
    return data


def _row(cycle, indicator, *, today, council, proposed=None) -> ReturnRow | None:
    rows = return_rows(cycle, indicator.owner, today=today, council=council, proposed=proposed)
    return next((row for row in rows if row.indicator.pk == indicator.pk), None)


def _field_errors(form: EntryForm) -> list[tuple[str, str]]:
    return [
        ("" if name == "__all__" else name, message)
        for name, messages in form.errors.items()
        for message in messages
    ]


def enter_figure(*, submission, by, council: Council | None, today) -> Entered:
    """Save, and with `submission.submit` submit, one figure as the return page would.
    Http404 for an indicator the person does not enter figures for (or none); Refusal for
    anything the page would refuse."""
    indicator = Indicator.objects.select_related("owner").filter(code=submission.indicator).first()
    if indicator is None or not can(by, Action.ENTER_VALUE, indicator):
        raise Http404
    title = indicator.title
    period = _period(indicator, submission.period)
    cycle = ReportingCycle.objects.select_related("period").filter(period=period).first()
    if cycle is None:
        raise _not_recorded([("period", NO_CYCLE.format(period=period.label))])
    row = _row(cycle, indicator, today=today, council=council)
    if row is None:
        raise _not_recorded([("indicator", NOT_DUE.format(title=title, period=period.label))])
    before = row.value
    if before is not None and not before.is_editable:
        state = before.get_state_display().lower()
        raise Refusal(409, CHANGED, ALREADY_SUBMITTED.format(title=title, state=state))

    def judge(proposed):
        return [_row(cycle, indicator, today=today, council=council, proposed=proposed)]

    blank = EntryForm(indicator=indicator, value=before)
    data = _posted(submission, list(blank.fields), dict(blank.initial), title=title)
    form = ReturnForm([row], {f"{indicator.code}-{name}": text for name, text in data.items()})
    if not form.validate(judge, submitting=submission.submit):
        raise _not_recorded(_field_errors(form.forms[0]))
    if before is not None and submission.lock_version is None:
        raise _changed(before, sent=None, title=title)
    try:
        saved = save_return(
            cycle=cycle,
            service=indicator.owner,
            inputs=form.inputs(),
            by=by,
            submit=submission.submit,
        )
    except ReturnConflict as conflict:
        raise _changed(conflict.theirs, sent=submission.lock_version, title=title) from None
    except InvalidFigure as invalid:
        raise _not_recorded(list(invalid.problems.items())) from None
    except WorkflowError as error:
        still_open = ReportingCycle.objects.filter(pk=cycle.pk, state=CycleState.OPEN).exists()
        raise _not_recorded([("" if still_open else "period", str(error))]) from None
    if not saved.values:
        raise _not_recorded([("figure", NOTHING_SENT.format(title=title))])
    value = saved.values[0]
    if before is None or value.lock_version != before.lock_version:
        submitted = submission.submit and value.state == ValueState.SUBMITTED
        record(
            action="figure submitted" if submitted else "figure saved",
            obj=value,
            before=before.snapshot() if before else None,
            after={**value.snapshot(), "lock_version": value.lock_version},
            reason=submission.unusual_reason.strip(),
        )
    return Entered(
        value=value,
        reading=form.rows[0].reading,
        warnings=[message for message, _ in form.warnings],
        already_saved=indicator in saved.already_saved,
    )
