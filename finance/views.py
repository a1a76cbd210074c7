"""Finance pages: the year's budget lines in a person's scope (and their export), a line with
its forecasts and budget history, a forecast with its revisions and workflow, the finance
system's import and the cost-centre mapping. Out of scope is not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from finance import exports
from finance.budgets import BudgetError, map_cost_centre, set_budget
from finance.forms import (
    BudgetForm,
    CostCentreForm,
    DecisionForm,
    ForecastForm,
    ImportForm,
    ReviseForm,
    SubmitForm,
)
from finance.imports import ImportRejected, import_forecasts
from finance.models import BudgetLine, CostCentre, Forecast
from finance.queries import lines_in_scope, readings, year_rows
from finance.workflow import (
    IN_YEAR_KINDS,
    InvalidEntry,
    WorkflowError,
    approve_forecast,
    record_forecast,
    return_forecast,
    revise_forecast,
    revisions,
    submit_forecast,
)
from framework.history import history
from indicators.models import Period
from organisation.models import OrgUnit, OrgUnitKind
from organisation.permissions import Action, can, is_corporate, require, scope_unit_ids
from returns.forms import form_problems
from signoff.models import ReturnState
from signoff.workflow import refusal
from status.periods import financial_year, financial_year_start

FINANCE_ACTIONS = (
    Action.ENTER_FORECAST,
    Action.MANAGE_BUDGETS,
    Action.APPROVE_VALUE,
    Action.VIEW_UNAPPROVED,
)
RECORDED = "The forecast was saved as a draft. Submit it for sign-off when it is ready."
SUBMITTED = "The forecast was submitted for sign-off."
SIGNED_OFF = "The forecast was signed off."
RETURNED = "The forecast was returned for correction."
REVISED = "The forecast was changed and sent for sign-off again."
BUDGET_SET = "The budget was set."
MAPPED = "Cost centre {code} now counts in {unit}."
IMPORTED = "{count} forecast{s} saved as drafts from {name}. Check and submit them for sign-off."


def _require_finance(user) -> None:
    """The finance pages are for those who enter, approve or see unapproved forecasts."""
    if not any(can(user, action) for action in FINANCE_ACTIONS):
        raise PermissionDenied


def _year(code: str) -> Period:
    return get_object_or_404(Period, kind="financial_year", code=code)


def _in_year_periods(line: BudgetLine):
    return Period.objects.filter(financial_year_id=line.year_id, kind__in=IN_YEAR_KINDS).order_by(
        "ends_on", "starts_on"
    )


def _open_periods(line: BudgetLine):
    """The periods a new forecast may be entered at: a forecast already made is changed on
    its own page, where a stale copy is refused."""
    return _in_year_periods(line).exclude(forecasts__line=line)


@login_required
def index(request):
    """The current financial year's page."""
    _require_finance(request.user)
    return redirect(
        "finance:year", code=financial_year(financial_year_start(timezone.localdate())).code
    )


@login_required
def year_page(request, code: str):
    """The year's budget lines in the person's scope, at their latest signed-off forecasts."""
    _require_finance(request.user)
    year = _year(code)
    rows = year_rows(lines_in_scope(request.user, year), year)
    export = request.GET.get("format")
    if export == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(year, "csv")}"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(rows, year=year), content_type=exports.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(year, "xlsx")}"'
        return response
    return render(
        request,
        "finance/year.html",
        {
            "year": year,
            "rows": rows,
            "may_manage": can(request.user, Action.MANAGE_BUDGETS),
            "wide_page": True,
        },
    )


def _line(request, line_id: int) -> BudgetLine:
    line = get_object_or_404(BudgetLine.objects.select_related("unit__parent", "year"), pk=line_id)
    require(request.user, Action.VIEW_UNAPPROVED, line)
    return line


@login_required
def line_page(request, line_id: int):
    """A budget line: its reading, every forecast, the budget's history; enter a forecast,
    or set the budget."""
    line = _line(request, line_id)
    may_enter = can(request.user, Action.ENTER_FORECAST, line)
    may_budget = can(request.user, Action.MANAGE_BUDGETS, line)
    forecast_form = ForecastForm(periods=_open_periods(line)) if may_enter else None
    budget_form = BudgetForm(initial={"budget": line.budget}) if may_budget else None
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "forecast" and may_enter:
            forecast_form = ForecastForm(request.POST, periods=_open_periods(line))
            if forecast_form.is_valid():
                try:
                    forecast = record_forecast(
                        line=line,
                        period=forecast_form.cleaned_data["period"],
                        entries=forecast_form.entries(),
                        by=request.user,
                        expected_version=forecast_form.cleaned_data["lock_version"],
                    )
                except InvalidEntry as invalid:
                    _add_problems(forecast_form, invalid.problems)
                except WorkflowError as error:
                    forecast_form.add_error(None, refusal(error))
                else:
                    messages.success(request, RECORDED)
                    return redirect("finance:forecast", forecast_id=forecast.pk)
        elif step == "budget" and may_budget:
            budget_form = BudgetForm(request.POST)
            if budget_form.is_valid():
                try:
                    set_budget(
                        unit=line.unit,
                        year=line.year,
                        budget=budget_form.cleaned_data["budget"],
                        by=request.user,
                        reason=budget_form.cleaned_data["reason"],
                    )
                except BudgetError as error:
                    _add_problems(budget_form, error.problems)
                else:
                    messages.success(request, BUDGET_SET)
                    return redirect("finance:line", line_id=line.pk)
        else:
            raise PermissionDenied
    reading = readings([line], line.year)[0]
    problems = [
        *(form_problems(forecast_form) if forecast_form else []),
        *(form_problems(budget_form) if budget_form else []),
    ]
    return render(
        request,
        "finance/line.html",
        {
            "line": line,
            "reading": reading,
            "forecasts": line.forecasts.select_related("period").order_by(
                "period__ends_on", "period__starts_on"
            ),
            "budget_history": history(line),
            "forecast_form": forecast_form,
            "budget_form": budget_form,
            "problems": problems,
            "breadcrumbs": _crumbs(line.year, (str(line.unit), None)),
        },
        status=400 if problems else 200,
    )


def _add_problems(form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
def forecast_page(request, forecast_id: int):
    """A forecast: its revisions; edit, submit, sign off or return, or revise it."""
    forecast = get_object_or_404(
        Forecast.objects.select_related("line__unit", "line__year", "period"), pk=forecast_id
    )
    require(request.user, Action.VIEW_UNAPPROVED, forecast)
    user = request.user
    may_enter = can(user, Action.ENTER_FORECAST, forecast)
    may_decide = can(user, Action.APPROVE_VALUE, forecast)
    line = forecast.line
    # Each form has its own prefix, so no two fields on the page share an id.
    forms = {
        "edit": ForecastForm(periods=_in_year_periods(line), forecast=forecast, prefix="edit")
        if may_enter and forecast.is_editable
        else None,
        "submit": SubmitForm(initial={"lock_version": forecast.lock_version}, prefix="submit")
        if may_enter and forecast.is_editable
        else None,
        "decide": DecisionForm(initial={"lock_version": forecast.lock_version}, prefix="decide")
        if may_decide and forecast.state == ReturnState.SUBMITTED
        else None,
        "revise": ReviseForm(forecast=forecast, prefix="revise")
        if may_enter and forecast.is_signed_off
        else None,
    }
    if request.method == "POST":
        step = request.POST.get("step")
        if forms.get(step) is None:
            raise PermissionDenied
        form = _bound(step, request.POST, forecast)
        forms[step] = form
        if form.is_valid():
            done = _act(step, form, forecast, user)
            if done:
                messages.success(request, done)
                return redirect("finance:forecast", forecast_id=forecast.pk)
    problems = [
        item for step, form in forms.items() if form is not None for item in _problems(step, form)
    ]
    return render(
        request,
        "finance/forecast.html",
        {
            "forecast": forecast,
            "line": line,
            "revisions": revisions(forecast),
            "forms": forms,
            "problems": problems,
            "breadcrumbs": _crumbs(
                line.year,
                (str(line.unit), reverse("finance:line", args=[line.pk])),
                (f"Forecast at {forecast.period.label}", None),
            ),
        },
        status=400 if problems else 200,
    )


def _problems(step: str, form) -> list[tuple[str, str]]:
    """A form's errors for the summary: each field's links to it, the whole form's to the
    form (its only field may be hidden)."""
    found = []
    for name, errors in form.errors.items():
        target = form[name].id_for_label if name in form.fields else f"{step}-form"
        if name in form.fields and form[name].is_hidden:
            target = f"{step}-form"
        found.extend((message, f"#{target}") for message in errors)
    return found


def _bound(step: str, data, forecast: Forecast):
    if step == "edit":
        periods = _in_year_periods(forecast.line)
        return ForecastForm(data, periods=periods, forecast=forecast, prefix=step)
    if step == "submit":
        return SubmitForm(data, prefix=step)
    if step == "decide":
        return DecisionForm(data, prefix=step)
    return ReviseForm(data, forecast=forecast, prefix=step)


def _act(step: str, form, forecast: Forecast, user) -> str | None:
    """Call the step's domain function; the success message, or None with the form's errors."""
    data = form.cleaned_data
    version = data.get("lock_version")
    try:
        if step == "edit":
            record_forecast(
                line=forecast.line,
                period=forecast.period,
                entries=form.entries(),
                by=user,
                expected_version=version,
            )
            return RECORDED
        if step == "submit":
            submit_forecast(forecast=forecast, by=user, expected_version=version)
            return SUBMITTED
        if step == "decide" and data["decision"] == "sign_off":
            approve_forecast(forecast=forecast, by=user, expected_version=version)
            return SIGNED_OFF
        if step == "decide":
            return_forecast(
                forecast=forecast, by=user, reason=data["reason"], expected_version=version
            )
            return RETURNED
        revise_forecast(
            forecast=forecast,
            entries=form.entries(),
            by=user,
            reason=data["reason"],
            expected_version=version,
        )
        return REVISED
    except InvalidEntry as invalid:
        _add_problems(form, invalid.problems)
    except WorkflowError as error:
        form.add_error(None, refusal(error))
    return None


@login_required
def import_page(request):
    """Upload the finance system's export: checked whole, saved as drafts, or nothing."""
    if not can(request.user, Action.MANAGE_BUDGETS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = import_forecasts(upload, by=request.user, name=upload.name)
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            count = len(saved)
            messages.success(
                request,
                IMPORTED.format(count=count, s="" if count == 1 else "s", name=upload.name),
            )
            return redirect("finance:index")
    return render(
        request,
        "finance/import.html",
        {
            "form": form,
            "problems": problems,
            "breadcrumbs": [("Finance", reverse("finance:index")), ("Import forecasts", None)],
        },
        status=400 if form.errors or problems else 200,
    )


def _budget_units(user):
    units = OrgUnit.objects.filter(
        is_active=True, kind__in=(OrgUnitKind.DIRECTORATE, OrgUnitKind.SERVICE)
    )
    return units if is_corporate(user) else units.filter(pk__in=scope_unit_ids(user))


@login_required
def cost_centres_page(request):
    """The cost centres in scope and the unit each counts in; map a new one or move one."""
    if not can(request.user, Action.MANAGE_BUDGETS):
        raise PermissionDenied
    user = request.user
    units = _budget_units(user)
    form = CostCentreForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = CostCentre.objects.filter(code__iexact=data["code"].strip()).first()
        # Moving a cost centre takes it from its unit too: that unit must be in scope.
        if existing is not None and not can(user, Action.MANAGE_BUDGETS, existing):
            raise PermissionDenied
        try:
            centre = map_cost_centre(
                code=data["code"],
                name=data["name"] or None,
                unit=data["unit"],
                by=user,
                reason=data["reason"],
            )
        except BudgetError as error:
            _add_problems(form, error.problems)
        else:
            messages.success(request, MAPPED.format(code=centre.code, unit=centre.unit.name))
            return redirect("finance:cost_centres")
    centres = CostCentre.objects.select_related("unit__parent")
    if not is_corporate(user):
        centres = centres.filter(Q(unit_id__in=scope_unit_ids(user)))
    return render(
        request,
        "finance/cost_centres.html",
        {
            "form": form,
            "centres": centres,
            "problems": form_problems(form),
            "breadcrumbs": [("Finance", reverse("finance:index")), ("Cost centres", None)],
        },
        status=400 if form.errors else 200,
    )


def _crumbs(year: Period, *rest) -> list:
    return [
        ("Finance", reverse("finance:index")),
        (f"Budgets {year.label}", reverse("finance:year", args=[year.code])),
        *rest,
    ]
