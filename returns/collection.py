"""Saving and submitting a service's return: all of it, or none of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from indicators.models import CycleState, Indicator, ReportingCycle, Value
from indicators.workflow import (
    EDITABLE_STATES,
    StaleValueError,
    WorkflowError,
    record_value,
    submit_value,
)
from notices.sending import notify_figures_submitted
from organisation.models import OrgUnit
from organisation.permissions import Action, require
from returns.evidence import attach_evidence

EVIDENCE_WITHOUT_FIGURE = (
    "{title}: enter the figure, or why there is none, before attaching evidence"
)
CYCLE_NOT_OPEN = "Returns for {period} are not open: the reporting cycle is {state}"
ALREADY_SUBMITTED = (
    "{title}: this figure is {state}, so it cannot be changed here. "
    "Ask the approver to return it if it is wrong"
)


@dataclass
class EntryInput:
    """What the officer's form holds for one indicator."""

    indicator: Indicator
    entries: dict  # fields of indicators.workflow.ENTRY_FIELDS
    expected_version: int | None  # the value's lock_version when the form was opened
    reason: str = ""  # e.g. why an unusual figure is right
    imported: bool = False  # from an uploaded file: the revision says so
    evidence: object | None = None  # an uploaded file to keep with the figure
    evidence_description: str = ""


@dataclass
class SavedReturn:
    values: list[Value]  # every figure of the return now stored
    # Figures the officer's copy was out of date for, but that already hold exactly what they
    # entered: a second click on "Save" or "Submit" after the first one saved.
    already_saved: list[Indicator]


class ReturnConflict(WorkflowError):
    """Someone else saved a figure in this return since the officer opened it."""

    def __init__(self, indicator: Indicator, theirs: Value):
        self.indicator = indicator
        self.theirs = theirs
        super().__init__(
            f"{indicator.title}: someone else changed this figure since you opened the return"
        )


def _has_changes(value: Value | None, entries: dict) -> bool:
    if value is None:
        # Data quality always has a choice; an untouched row is one with nothing typed.
        return any(v not in (None, "") for k, v in entries.items() if k != "data_quality")
    return any(getattr(value, name) != new for name, new in entries.items())


@transaction.atomic
def save_return(
    *, cycle: ReportingCycle, service: OrgUnit, inputs: list[EntryInput], by, submit: bool
) -> SavedReturn:
    """Save an officer's figures for one service and cycle; with `submit`, send them for
    sign-off. Any problem leaves every figure as it was. A figure changed since the officer
    opened the return is a conflict, unless it already holds exactly what they entered."""
    require(by, Action.ENTER_VALUE, service)
    cycle = ReportingCycle.objects.select_for_update().select_related("period").get(pk=cycle.pk)
    if cycle.state != CycleState.OPEN:
        state = cycle.get_state_display().lower()
        raise WorkflowError(CYCLE_NOT_OPEN.format(period=cycle.period.label, state=state))
    existing = {
        v.indicator_id: v
        for v in Value.objects.select_for_update().filter(
            period=cycle.period, indicator__in=[i.indicator for i in inputs]
        )
    }
    saved, already_saved, submitted, attachments = [], [], [], []
    for item in inputs:
        if item.indicator.owner_id != service.pk:
            raise WorkflowError(f"{item.indicator.title} is not part of {service.name}'s return")
        value = existing.get(item.indicator.pk)
        if value is not None and value.lock_version != item.expected_version:
            if _has_changes(value, item.entries):
                raise ReturnConflict(item.indicator, value)
            already_saved.append(item.indicator)
        if _has_changes(value, item.entries):
            if value is not None and value.state not in EDITABLE_STATES:
                raise WorkflowError(
                    ALREADY_SUBMITTED.format(
                        title=item.indicator.title, state=value.get_state_display().lower()
                    )
                )
            try:
                value = record_value(
                    indicator=item.indicator,
                    period=cycle.period,
                    entries=item.entries,
                    by=by,
                    expected_version=item.expected_version,
                    reason=item.reason,
                    imported=item.imported,
                    existing=value,
                )
            except StaleValueError:
                raise ReturnConflict(item.indicator, Value.objects.get(pk=value.pk)) from None
        if submit and value is not None and value.state in EDITABLE_STATES:
            value = submit_value(value=value, by=by)
            submitted.append(value)
        if value is not None:
            saved.append(value)
        if item.evidence is not None:
            if value is None:
                raise WorkflowError(EVIDENCE_WITHOUT_FIGURE.format(title=item.indicator.title))
            attachments.append((item, value))
    # Files last, once every figure is checked: a refusal above stores no file.
    for item, value in attachments:
        attach_evidence(
            value=value, upload=item.evidence, description=item.evidence_description, by=by
        )
    # One notice per approver for the whole submission, not one per figure.
    notify_figures_submitted(values=submitted, by=by)
    return SavedReturn(values=saved, already_saved=already_saved)
