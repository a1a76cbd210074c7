"""Improvement pages: the list of actions (filters, CSV), a finding, an action with its
due-date history and updates, the steps of an update's sign-off, and the improvement clinic.

Every page needs a signed-in officer; an action or finding outside their scope is not found."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from improvement import queries
from improvement.actions import (
    NOT_FOR_CLINIC,
    ImprovementError,
    agree_action,
    agree_clinic_action,
    clinic_reading,
    is_clinic_allowed,
    record_finding,
    revise_due_date,
)
from improvement.forms import (
    AgreeActionForm,
    DueDateForm,
    FilterForm,
    FindingActionForm,
    FindingForm,
    ReturnForm,
    UpdateForm,
)
from improvement.models import ActionUpdate, Finding, ImprovementAction, Source
from improvement.workflow import (
    InvalidEntry,
    WorkflowError,
    approve_action_update,
    record_action_update,
    return_action_update,
    revise_action_update,
    submit_action_update,
)
from indicators.models import CycleState, Indicator, Period
from organisation.models import OrgUnit, User
from organisation.permissions import Action, can, is_corporate, require, scope_unit_ids
from organisation.queries import current_council
from scorecards.exports import table_csv, table_xlsx
from signoff.models import ReturnState
from signoff.workflow import refusal
from status.improvement import ACTIVE_STATES
from strategy.models import Outcome

NAV = "improvement"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_HEADERS = [
    "Source",
    "Finding reference",
    "Action reference",
    "Action",
    "Directorate or service",
    "Owner",
    "State",
    "Due date first agreed",
    "Revised due date",
    "Overdue",
    "Lateness",
]


def _posted(request):
    """The form's data when posted (even empty, so an empty form shows its errors)."""
    return request.POST if request.method == "POST" else None


def _crumbs(*trail):
    return [("Improvement actions", reverse("improvement:index")), *trail]


def _action(request, pk: int) -> ImprovementAction:
    """The action, if the person may see it (its updates are unapproved data)."""
    action = get_object_or_404(
        ImprovementAction.objects.select_related("finding", "owner", "unit"), pk=pk
    )
    require(request.user, Action.VIEW_UNAPPROVED, action)
    return action


def _update(pk: int) -> ActionUpdate:
    return get_object_or_404(
        ActionUpdate.objects.select_related("action", "period", "submitted_by"), pk=pk
    )


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


@login_required
def index(request):
    """Every action in the person's scope, filtered; `?format=csv` (or `xlsx`) downloads the
    same rows."""
    require(request.user, Action.VIEW_UNAPPROVED)
    today = timezone.localdate()
    unit_ids = queries.visible_unit_ids(request.user)
    units = OrgUnit.objects.filter(is_active=True).order_by("name")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    form = FilterForm(request.GET or None, units=units)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        overdue = {"yes": True, "no": False}.get(data["overdue"])
        filters = {
            "source": data["source"],
            "unit": data["unit"],
            "state": data["state"],
            "overdue": overdue,
        }
    rows = queries.actions_for(unit_ids, on=today, **filters)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _download(rows, request.GET["format"], today)
    query = request.GET.copy()
    query["format"] = "csv"
    xlsx_query = query.copy()
    xlsx_query["format"] = "xlsx"
    return render(
        request,
        "improvement/index.html",
        {
            "rows": rows,
            "caption": f"{len(rows)} action{'' if len(rows) == 1 else 's'}",
            "form": form,
            "today": today,
            "csv_query": query.urlencode(),
            "xlsx_query": xlsx_query.urlencode(),
            "may_record": can(request.user, Action.MANAGE_REGISTERS),
            "breadcrumbs": [("Improvement actions", None)],
            "nav_current": NAV,
        },
    )


def _lines(rows):
    for row in rows:
        action = row.action
        yield [
            action.finding.get_kind_display(),
            action.finding.reference,
            action.reference,
            action.description,
            action.unit.name,
            _name(action.owner),
            row.state.label,
            action.due_on.isoformat(),
            action.revised_due_on.isoformat() if action.revised_due_on else "",
            "Yes" if row.is_overdue else "No",
            row.lateness,
        ]


def _download(rows, kind: str, today) -> HttpResponse:
    if kind == "xlsx":
        title = f"Improvement actions, {today:%-d %B %Y}"
        made = table_xlsx(CSV_HEADERS, _lines(rows), sheet_name="Actions", title=title)
        response = HttpResponse(made, content_type=XLSX)
    else:
        response = HttpResponse(table_csv(CSV_HEADERS, _lines(rows)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="improvement-actions.{kind}"'
    return response


@login_required
def finding_page(request, pk: int):
    """A finding: where it came from and the actions agreed from it."""
    finding = get_object_or_404(Finding.objects.select_related("unit", "indicator"), pk=pk)
    require(request.user, Action.VIEW_UNAPPROVED, finding)
    today = timezone.localdate()
    actions = finding.actions.select_related("finding", "owner", "unit").order_by("due_on", "pk")
    return render(
        request,
        "improvement/finding.html",
        {
            "finding": finding,
            "rows": [queries.row_for(action, today) for action in actions],
            "may_agree": can(request.user, Action.MANAGE_REGISTERS, finding),
            "breadcrumbs": _crumbs((finding.title, None)),
            "nav_current": NAV,
        },
    )


@login_required
def action_page(request, pk: int):
    """An action: details, due-date history, its updates with the steps the person may take,
    and each update's revisions."""
    action = _action(request, pk)
    user = request.user
    updates = queries.updates_of(action)
    may_enter = can(user, Action.ENTER_VALUE, action)
    steps = [
        {
            "update": update,
            "may_edit": may_enter and update.is_editable,
            "may_submit": may_enter and update.is_editable,
            "may_revise": may_enter and update.is_signed_off,
            "may_decide": update.state == ReturnState.SUBMITTED
            and can(user, Action.APPROVE_VALUE, update),
        }
        for update in updates
    ]
    entered = {update.period_id for update in updates}
    row = queries.row_for(action, timezone.localdate())
    open_periods = Period.objects.filter(cycle__state=CycleState.OPEN).order_by("starts_on")
    return render(
        request,
        "improvement/action.html",
        {
            "action": action,
            "row": row,
            "steps": steps,
            "due_date_changes": action.due_date_changes.select_related("by"),
            "indicators": action.indicators.all(),
            "outcomes": action.outcomes.all(),
            "new_periods": [p for p in open_periods if p.pk not in entered]
            if may_enter and row.state in ACTIVE_STATES
            else [],
            "may_revise_due_date": row.state in ACTIVE_STATES
            and can(user, Action.MANAGE_REGISTERS, action),
            "breadcrumbs": _crumbs((action.reference, None)),
            "nav_current": NAV,
        },
    )


def _problems_onto(form, error: WorkflowError) -> None:
    """The workflow's problems against the fields they name; anything else for the form."""
    if isinstance(error, InvalidEntry):
        for name, message in error.problems.items():
            form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, refusal(error))


@login_required
def update_page(request, pk: int, period_code: str):
    """Record or edit an action's update for a period of an open cycle; revise a signed-off one."""
    action = _action(request, pk)
    require(request.user, Action.ENTER_VALUE, action)
    # A planned cycle's period has not started collecting; a closed one's says why it is locked.
    period = get_object_or_404(
        Period, code=period_code, cycle__state__in=[CycleState.OPEN, CycleState.CLOSED]
    )
    update = ActionUpdate.objects.filter(action=action, period=period).first()
    if update is not None and update.state == ReturnState.SUBMITTED:
        messages.error(request, "This update is waiting for sign-off and cannot be changed")
        return redirect("improvement:action", pk=action.pk)
    revising = update is not None and update.is_signed_off
    initial = {"reported_state": action.state}
    if update is not None:
        initial = {
            "reported_state": update.reported_state,
            "progress": update.progress,
            "evidence": update.evidence,
            "lock_version": update.lock_version,
        }
    form = UpdateForm(_posted(request), initial=initial, revising=revising)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = {name: data[name] for name in ("reported_state", "progress", "evidence")}
        try:
            if revising:
                revise_action_update(
                    update=update,
                    entries=entries,
                    by=request.user,
                    reason=data["reason"],
                    expected_version=data["lock_version"],
                )
            else:
                record_action_update(
                    action=action,
                    period=period,
                    entries=entries,
                    by=request.user,
                    expected_version=data["lock_version"],
                )
        except WorkflowError as error:
            _problems_onto(form, error)
        else:
            done = "revised and sent for sign-off" if revising else "saved as a draft"
            messages.success(request, f"Update for {period.label} {done}")
            return redirect("improvement:action", pk=action.pk)
    return render(
        request,
        "improvement/update.html",
        {
            "action": action,
            "period": period,
            "form": form,
            "revising": revising,
            "breadcrumbs": _crumbs(
                (action.reference, reverse("improvement:action", args=[action.pk])),
                (f"Update for {period.label}", None),
            ),
            "nav_current": NAV,
        },
    )


def _version(request) -> int | None:
    try:
        return int(request.POST["lock_version"])
    except (KeyError, ValueError):
        return None


@login_required
@require_POST
def submit_update(request, pk: int):
    update = _update(pk)
    require(request.user, Action.ENTER_VALUE, update)
    try:
        submit_action_update(update=update, by=request.user, expected_version=_version(request))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Update for {update.period.label} sent for sign-off")
    return redirect("improvement:action", pk=update.action_id)


@login_required
@require_POST
def sign_off_update(request, pk: int):
    update = _update(pk)
    require(request.user, Action.APPROVE_VALUE, update)
    try:
        approve_action_update(update=update, by=request.user, expected_version=_version(request))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Update for {update.period.label} signed off")
    return redirect("improvement:action", pk=update.action_id)


@login_required
def return_update(request, pk: int):
    """Return a submitted update to its owner, with the reason they will read."""
    update = _update(pk)
    require(request.user, Action.APPROVE_VALUE, update)
    form = ReturnForm(_posted(request), initial={"lock_version": update.lock_version})
    if request.method == "POST" and form.is_valid():
        try:
            return_action_update(
                update=update,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["lock_version"],
            )
        except WorkflowError as error:
            _problems_onto(form, error)
        else:
            messages.success(request, f"Update for {update.period.label} returned for correction")
            return redirect("improvement:action", pk=update.action_id)
    action = update.action
    return render(
        request,
        "improvement/return.html",
        {
            "update": update,
            "action": action,
            "form": form,
            "breadcrumbs": _crumbs(
                (action.reference, reverse("improvement:action", args=[action.pk])),
                ("Return an update", None),
            ),
            "nav_current": NAV,
        },
    )


@login_required
def due_date_page(request, pk: int):
    """Revise an action's due date, with a reason; the date first agreed is kept."""
    action = _action(request, pk)
    require(request.user, Action.MANAGE_REGISTERS, action)
    form = DueDateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            revise_due_date(
                action=action,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ImprovementError as error:
            _put_problems(form, error)
        else:
            messages.success(request, f"Due date of {action.reference} revised")
            return redirect("improvement:action", pk=action.pk)
    return render(
        request,
        "improvement/due_date.html",
        {
            "action": action,
            "form": form,
            "breadcrumbs": _crumbs(
                (action.reference, reverse("improvement:action", args=[action.pk])),
                ("Revise the due date", None),
            ),
            "nav_current": NAV,
        },
    )


def _put_problems(form, error: ImprovementError) -> None:
    for name, message in error.problems.items():
        form.add_error(name if name in form.fields else None, message)


def _register_units(user, within: OrgUnit | None = None):
    """The active units whose registers `user` keeps (below `within`, where given)."""
    units = OrgUnit.objects.filter(is_active=True).order_by("name")
    if within is not None:
        units = units.filter(pk__in=queries.units_below(within))
    if not is_corporate(user):
        units = units.filter(pk__in=scope_unit_ids(user))
    return units


@login_required
def new_finding(request):
    """Record a report's finding (an internal audit, an inspection, a peer challenge, an award
    or assessment) that actions will be agreed from."""
    require(request.user, Action.MANAGE_REGISTERS)
    form = FindingForm(_posted(request), units=_register_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = record_finding(
                kind=Source(data["kind"]),
                title=data["title"],
                found_on=data["found_on"],
                unit=data["unit"],
                by=request.user,
                reference=data["reference"],
                body=data["body"],
            )
        except ImprovementError as error:
            _put_problems(form, error)
        else:
            messages.success(request, f"Finding “{finding.title}” recorded")
            return redirect("improvement:finding", pk=finding.pk)
    return render(
        request,
        "improvement/new_finding.html",
        {"form": form, "breadcrumbs": _crumbs(("Record a finding", None)), "nav_current": NAV},
    )


@login_required
def agree_page(request, pk: int):
    """Agree an action from a report's finding, for its unit or one below it."""
    finding = get_object_or_404(Finding.objects.select_related("unit"), pk=pk)
    require(request.user, Action.MANAGE_REGISTERS, finding)
    units = _register_units(request.user, within=finding.unit)
    form = FindingActionForm(
        _posted(request),
        initial={"unit": finding.unit},
        owners=_owners(finding.unit),
        units=units,
        indicators=Indicator.objects.filter(owner__in=units).order_by("code"),
        outcomes=Outcome.objects.order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = agree_action(
                finding=finding,
                reference=data["reference"],
                description=data["description"],
                owner=data["owner"],
                unit=data["unit"],
                due_on=data["due_on"],
                by=request.user,
                indicators=data["indicators"],
                outcomes=data["outcomes"],
            )
        except ImprovementError as error:
            _put_problems(form, error)
        else:
            messages.success(request, f"Improvement action {action.reference} agreed")
            return redirect("improvement:action", pk=action.pk)
    return render(
        request,
        "improvement/agree.html",
        {
            "finding": finding,
            "form": form,
            "breadcrumbs": _crumbs(
                (finding.title, reverse("improvement:finding", args=[finding.pk])),
                ("Agree an action", None),
            ),
            "nav_current": NAV,
        },
    )


def _owners(unit: OrgUnit):
    """People who answer for the unit, a unit above it or one below it."""
    above, current = [], unit
    while current is not None:
        above.append(current.pk)
        current = current.parent
    near = set(above) | queries.units_below(unit)
    return (
        User.objects.filter(Q(scope__in=near), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@login_required
def clinic_page(request, indicator_id: int):
    """The improvement clinic: agree an action for an indicator reading Red or with concerning
    SPC variation. For any other indicator the page says why no action can be agreed."""
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), pk=indicator_id)
    require(request.user, Action.MANAGE_REGISTERS, indicator)
    today = timezone.localdate()
    council = current_council(request)
    reading = clinic_reading(indicator, today=today, council=council) if council else None
    allowed = is_clinic_allowed(reading)
    form = AgreeActionForm(_posted(request), owners=_owners(indicator.owner))
    if allowed and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = agree_clinic_action(
                indicator=indicator,
                reference=data["reference"],
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                by=request.user,
                today=today,
                council=council,
            )
        except ImprovementError as error:
            _put_problems(form, error)
        else:
            messages.success(request, f"Improvement action {action.reference} agreed")
            return redirect("improvement:action", pk=action.pk)
    return render(
        request,
        "improvement/clinic.html",
        {
            "indicator": indicator,
            "reading": reading,
            "allowed": allowed,
            "refusal": None if allowed else NOT_FOR_CLINIC.format(code=indicator.code),
            "form": form,
            "breadcrumbs": _crumbs((f"Improvement clinic: {indicator.code}", None)),
            "nav_current": NAV,
        },
    )
