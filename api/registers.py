"""Project updates and finance forecasts through the API: the pages' own forms, then their
domain functions.

As for a figure (`api.figures`), the JSON becomes what the page would post (fields left out
keep what the update or forecast holds), is checked by the page's own form in the page's
words, and is saved by the same domain function (`delivery.workflow.record_update` and
`revise_update`; `finance.workflow.record_forecast`, `submit_forecast` and
`revise_forecast`), which lock the return, refuse a stale `lock_version` and keep a revision.
A signed-off update or forecast is changed by revising it, with a reason, which sends it for
sign-off again, as on the page. Each change adds one entry to the audit log naming the token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404

from api.figures import CHANGED, NOT_RECORDED_DETAIL, Refusal, _changed
from audit.recording import record
from delivery import workflow as delivery_workflow
from delivery.forms import UpdateForm
from delivery.models import Project, ProjectState, ProjectUpdate
from delivery.queries import open_period, update_for
from finance import workflow as finance_workflow
from finance.forms import ForecastForm, ReviseForm, plain
from finance.models import BudgetLine, Forecast
from indicators.models import Period
from organisation.models import OrgUnit
from organisation.permissions import Action, can
from signoff.models import SIGNED_OFF_STATES, ReturnState
from signoff.workflow import InvalidEntry, StaleError, WorkflowError, refusal
from status.delivery import DeliveryReading

UPDATE_NOT_RECORDED = "Project update not recorded"
FORECAST_NOT_RECORDED = "Forecast not recorded"
NO_OPEN_CYCLE = "No reporting cycle is open, so no project update can be entered"
NOT_THE_OPEN_PERIOD = (
    "Project updates are entered for the reporting cycle open now: send period {code} ({label})"
)
PROJECT_CLOSED = "{reference} is closed, so it takes no more updates"
AWAITING_DECISION = (
    "{title} is submitted and waiting for sign-off: it cannot be changed until it is signed "
    "off or returned for correction"
)
NOT_IN_YEAR = (
    "The period must be the code of a month or quarter of a financial year, like 2026-10 or "
    "2026-27-Q2"
)
NO_BUDGET_LINE = (
    "{unit} has no budget for {year}: forecasts are made against a budget line, which the "
    "finance team sets"
)
SUBMIT_WHEN_REVISING = (
    "A revised {noun} is sent for sign-off again by itself: leave submit out, or false"
)


@dataclass(frozen=True)
class EnteredUpdate:
    update: ProjectUpdate
    reading: DeliveryReading | None  # the delivery status it shows, as the page shows it
    already_saved: bool


@dataclass(frozen=True)
class EnteredForecast:
    forecast: Forecast
    already_saved: bool


def _problems(form, title: str) -> Refusal:
    errors = [
        ("" if name == "__all__" else name, message)
        for name, messages in form.errors.items()
        for message in messages
    ]
    return Refusal(422, title, NOT_RECORDED_DETAIL, errors=errors)


def _refused(title: str, errors: list[tuple[str, str]]) -> Refusal:
    return Refusal(422, title, NOT_RECORDED_DETAIL, errors=errors)


def _sent(submission, names, current: dict) -> dict:
    """What the page would post: each field sent, else what the return holds now."""
    sent = submission.model_fields_set
    data = {}
    for name in names:
        typed = getattr(submission, name) if name in sent else current.get(name)
        data[name] = "" if typed is None else typed
    return data


def _same(before, after) -> bool:
    """True when the request changed nothing: the return already held exactly this."""
    return before is not None and after.lock_version == before.lock_version


def _saved(write, *, before, current, noun, title, refused_title, submission, reason):
    """Run a return's domain function in one transaction, audit what it changed (naming the
    token, from the request's audit context) and turn the workflow's refusals into the API's:
    a stale lock_version into 409 naming who changed it, the rest into 422."""
    try:
        with transaction.atomic():
            item = write()
            if not _same(before, item):
                revised = before is not None and before.state in SIGNED_OFF_STATES
                action = "revised" if revised else "submitted" if submission.submit else "saved"
                record(
                    action=f"{noun} {action}",
                    obj=item,
                    before=before.snapshot() if before else None,
                    after={**item.snapshot(), "lock_version": item.lock_version},
                    reason=reason,
                )
            return item
    except StaleError:
        raise _changed(current(), sent=submission.lock_version, title=title) from None
    except InvalidEntry as invalid:
        raise _refused(refused_title, list(invalid.problems.items())) from None
    except WorkflowError as error:
        raise _refused(refused_title, [("", refusal(error))]) from None


def _locked_out(item, *, title: str, sent: int | None) -> None:
    """Refuse a change to a return already entered without its lock_version, or to one
    waiting for a decision: the page offers neither."""
    if item is None:
        return
    if item.state == ReturnState.SUBMITTED:
        raise Refusal(409, CHANGED, AWAITING_DECISION.format(title=title))
    if sent is None:
        raise _changed(item, sent=None, title=title)


# Project updates


def enter_project_update(*, submission, by) -> EnteredUpdate:
    """Save, submit or (when signed off) revise a project's update for the open reporting
    cycle, as the project page would. Http404 for a project the person does not update."""
    project = (
        Project.objects.select_related("lead_service").filter(reference=submission.project).first()
    )
    if project is None or not can(by, Action.ENTER_VALUE, project):
        raise Http404
    period = open_period()
    if period is None:
        raise _refused(UPDATE_NOT_RECORDED, [("period", NO_OPEN_CYCLE)])
    if submission.period != period.code:
        message = NOT_THE_OPEN_PERIOD.format(code=period.code, label=period.label)
        raise _refused(UPDATE_NOT_RECORDED, [("period", message)])
    if project.state == ProjectState.CLOSED:
        message = PROJECT_CLOSED.format(reference=project.reference)
        raise _refused(UPDATE_NOT_RECORDED, [("project", message)])
    before = update_for(project, period)
    title = f"The update of {project.reference} for {period.label}"
    _locked_out(before, title=title, sent=submission.lock_version)
    revising = before is not None and before.state in SIGNED_OFF_STATES
    if revising and submission.submit:
        noun = delivery_workflow.PROJECT_UPDATE.noun
        raise _refused(UPDATE_NOT_RECORDED, [("submit", SUBMIT_WHEN_REVISING.format(noun=noun))])
    names = (
        [*delivery_workflow.ENTRY_FIELDS, "reason"]
        if revising
        else list(delivery_workflow.ENTRY_FIELDS)
    )
    data = _sent(submission, names, UpdateForm.initial_from(before))
    form = UpdateForm(data, revising=revising)
    if not form.is_valid():
        raise _problems(form, UPDATE_NOT_RECORDED)
    entries = form.entries()

    def write() -> ProjectUpdate:
        if revising:
            return delivery_workflow.revise_update(
                update=before,
                entries=entries,
                by=by,
                reason=form.cleaned_data["reason"],
                expected_version=submission.lock_version,
            )
        return delivery_workflow.record_update(
            project=project,
            period=period,
            entries=entries,
            by=by,
            expected_version=submission.lock_version,
            submit=submission.submit,
        )

    update = _saved(
        write,
        before=before,
        current=lambda: update_for(project, period),
        noun="project update",
        title=title,
        refused_title=UPDATE_NOT_RECORDED,
        submission=submission,
        reason=form.cleaned_data.get("reason", ""),
    )
    update.project = project
    reading = delivery_workflow.update_reading(update, project, period)
    return EnteredUpdate(update=update, reading=reading, already_saved=_same(before, update))


# Finance forecasts


def _line(submission, by) -> tuple[BudgetLine, Period]:
    """The budget line and in-year period a forecast is for. Http404 for a unit that does not
    exist or that the person does not forecast for."""
    unit = OrgUnit.objects.filter(code=submission.unit).first()
    # An unsaved line of the unit asks the scope question without the line existing.
    if unit is None or not can(by, Action.ENTER_FORECAST, BudgetLine(unit=unit)):
        raise Http404
    period = (
        Period.objects.select_related("financial_year")
        .filter(code=submission.period, kind__in=finance_workflow.IN_YEAR_KINDS)
        .first()
    )
    if period is None or period.financial_year is None:
        raise _refused(FORECAST_NOT_RECORDED, [("period", NOT_IN_YEAR)])
    line = (
        BudgetLine.objects.select_related("unit", "year")
        .filter(unit=unit, year=period.financial_year)
        .first()
    )
    if line is None:
        message = NO_BUDGET_LINE.format(unit=unit.name, year=period.financial_year.label)
        raise _refused(FORECAST_NOT_RECORDED, [("period", message)])
    return line, period


def enter_forecast(*, submission, by) -> EnteredForecast:
    """Save, submit or (when signed off) revise a budget line's forecast at a month or quarter,
    as the finance pages would."""
    line, period = _line(submission, by)
    before = (
        Forecast.objects.select_related("line__unit", "line__year", "period")
        .filter(line=line, period=period)
        .first()
    )
    title = f"The forecast for {line.unit.name} at {period.label}"
    _locked_out(before, title=title, sent=submission.lock_version)
    revising = before is not None and before.state in SIGNED_OFF_STATES
    if revising and submission.submit:
        noun = finance_workflow.FORECAST.noun
        raise _refused(FORECAST_NOT_RECORDED, [("submit", SUBMIT_WHEN_REVISING.format(noun=noun))])
    current = (
        {"forecast_outturn": plain(before.forecast_outturn), "commentary": before.commentary}
        if before
        else {}
    )
    if revising:
        data = _sent(submission, ["forecast_outturn", "commentary", "reason"], current)
        form = ReviseForm({**data, "lock_version": submission.lock_version}, forecast=before)
    else:
        data = _sent(submission, ["forecast_outturn", "commentary"], current)
        periods = Period.objects.filter(pk=period.pk)
        form = ForecastForm({**data, "period": period.pk}, periods=periods)
    if not form.is_valid():
        raise _problems(form, FORECAST_NOT_RECORDED)
    entries = form.entries()

    def write() -> Forecast:
        if revising:
            return finance_workflow.revise_forecast(
                forecast=before,
                entries=entries,
                by=by,
                reason=form.cleaned_data["reason"],
                expected_version=submission.lock_version,
            )
        forecast = finance_workflow.record_forecast(
            line=line,
            period=period,
            entries=entries,
            by=by,
            expected_version=submission.lock_version,
        )
        if submission.submit:
            forecast = finance_workflow.submit_forecast(forecast=forecast, by=by)
        return forecast

    forecast = _saved(
        write,
        before=before,
        current=lambda: Forecast.objects.get(line=line, period=period),
        noun="forecast",
        title=title,
        refused_title=FORECAST_NOT_RECORDED,
        submission=submission,
        reason=form.cleaned_data.get("reason", ""),
    )
    return EnteredForecast(forecast=forecast, already_saved=_same(before, forecast))
