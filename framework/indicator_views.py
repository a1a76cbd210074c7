"""The performance team's indicator pages: the list, adding an indicator, and for each one its
manage page, a changed definition (a new version), a move to another service and retirement.

Every change goes through `indicators.definitions`, as the admin's does: each is a dated
version with who, when and why, and is recorded in the audit log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from framework import indicator_queries as queries
from framework.history import history
from framework.indicator_forms import (
    ChangeDefinitionForm,
    DetailsForm,
    IndicatorFilterForm,
    MoveForm,
    NewIndicatorForm,
    RetireForm,
)
from goldenthread.pagination import pagination
from indicators.definitions import (
    DefinitionError,
    create_indicator,
    retire_indicator,
    revise_definition,
    update_indicator_details,
)
from indicators.models import Indicator, Lifecycle, Period
from organisation.permissions import Action, can, require
from status.periods import PeriodKind

PER_PAGE = 100
READING = ["GET", "HEAD"]  # the list and an indicator's page change nothing


def _posted(request):
    """The posted form data, or None for a GET: an empty post is a form left blank."""
    return request.POST if request.method == "POST" else None


def _indicator(user, code: str) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related(
            "owner", "owner__parent", "responsible_officer", "first_period", "last_period"
        ),
        code=code,
    )
    require(user, Action.MANAGE_FRAMEWORK, indicator)
    return indicator


def _crumbs(indicator: Indicator | None = None, *, here: str | None = None) -> list:
    trail = [
        ("Manage the framework", reverse("framework:home")),
        ("Indicators", reverse("framework:indicators")),
    ]
    if indicator is not None:
        trail.append((indicator.code, reverse("framework:indicator", args=[indicator.code])))
    return [*trail[:-1], (trail[-1][0], None)] if here is None else [*trail, (here, None)]


def _targets_page(indicator: Indicator, *, today) -> str | None:
    """Where this year's targets of the indicator are set (the targets app's page)."""
    year = Period.objects.filter(
        kind=PeriodKind.financial_year, starts_on__lte=today, ends_on__gte=today
    ).first()
    if year is None:
        return None
    try:
        return reverse("targets:indicator", args=[year.code, indicator.code])
    except NoReverseMatch:  # the targets pages are another app's: link only while they exist
        return None


@login_required
def indicator_list_page(request):
    """Every indicator, filtered by directorate, service, set and status."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    if request.method not in READING:
        return HttpResponseNotAllowed(READING)
    form = IndicatorFilterForm(request.GET or None)
    picked = form.cleaned_data if form.is_valid() else {}
    found = queries.indicator_list(
        directorate=picked.get("directorate"),
        service=picked.get("service"),
        indicator_set=picked.get("set"),
        lifecycle=picked.get("lifecycle", ""),
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "framework/indicators/list.html",
        {
            "form": form,
            "filtered": any(picked.values()),
            "page": page,
            "pagination": pagination(page, label="Pages of indicators", query=query.urlencode()),
            "breadcrumbs": _crumbs(),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


@login_required
def new_indicator_page(request):
    """Add an indicator: its definition, owner and places, kept as version 1."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = NewIndicatorForm(_posted(request), today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        indicator = form.new_indicator()
        try:
            create_indicator(
                indicator=indicator,
                **{name: form.cleaned_data[name] for name in ("sets", "committees", "outcomes")},
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DefinitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{indicator.code} {indicator.title} was added.")
            return redirect("framework:indicator", indicator.code)
    return render(
        request,
        "framework/indicators/new.html",
        {"form": form, "breadcrumbs": _crumbs(here="Add"), "nav_current": "framework"},
        status=400 if form.errors else 200,
    )


@login_required
def indicator_page(request, code: str):
    """One indicator as the performance team manages it: its definition and places, its
    current targets, every version and what changed, and its history in the audit log."""
    indicator = _indicator(request.user, code)
    if request.method not in READING:
        return HttpResponseNotAllowed(READING)
    today = timezone.localdate()
    return render(
        request,
        "framework/indicators/indicator.html",
        {
            "indicator": indicator,
            "sets": indicator.sets.all(),
            "committees": indicator.committees.all(),
            "outcomes": indicator.outcomes.select_related("ambition"),
            "targets": queries.current_targets(indicator, today=today),
            "targets_page": _targets_page(indicator, today=today),
            "versions": queries.version_history(indicator),
            "history": history(indicator),
            "may_read_audit": can(request.user, Action.VIEW_AUDIT),
            "is_retired": indicator.lifecycle == Lifecycle.RETIRED,
            "breadcrumbs": _crumbs(indicator),
            "nav_current": "framework",
        },
    )


@login_required
def change_definition_page(request, code: str):
    """Change the definition or the places (sets, committees, outcomes) as a new version."""
    indicator = _indicator(request.user, code)
    # The form reads and compares a copy: a refused change leaves the page's indicator as it is.
    form = ChangeDefinitionForm(_posted(request), indicator=Indicator.objects.get(pk=indicator.pk))
    if request.method == "POST" and form.is_valid():
        try:
            version = revise_definition(
                indicator=indicator,
                changes=form.changes,
                effective_from=form.cleaned_data["takes_effect_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DefinitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{indicator.code} is now at version {version.number}, in force from "
                f"{version.effective_from:%-d %B %Y}. The earlier version is kept.",
            )
            return redirect("framework:indicator", indicator.code)
    return render(
        request,
        "framework/indicators/change.html",
        {
            "form": form,
            "indicator": indicator,
            "breadcrumbs": _crumbs(indicator, here="Change the definition"),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


@login_required
def indicator_details_page(request, code: str):
    """Change the status on the way to approval, or the responsible officer."""
    indicator = _indicator(request.user, code)
    if indicator.lifecycle == Lifecycle.RETIRED:
        messages.info(request, f"{indicator.code} is retired: it stays retired.")
        return redirect("framework:indicator", indicator.code)
    form = DetailsForm(_posted(request), indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            update_indicator_details(
                indicator=indicator,
                lifecycle=form.cleaned_data["lifecycle"],
                responsible_officer=form.cleaned_data["responsible_officer"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DefinitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{indicator.code} is {indicator.get_lifecycle_display().lower()}; its "
                f"responsible officer: {_person(indicator.responsible_officer)}.",
            )
            return redirect("framework:indicator", indicator.code)
    return render(
        request,
        "framework/indicators/details.html",
        {
            "form": form,
            "indicator": indicator,
            "breadcrumbs": _crumbs(indicator, here="Status and responsible officer"),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


def _person(user) -> str:
    if user is None:
        return "nobody yet"
    return user.get_full_name() or user.get_username()


@login_required
def move_indicator_page(request, code: str):
    """Move the indicator to another service from a date, as a new version."""
    indicator = _indicator(request.user, code)
    form = MoveForm(_posted(request), indicator=indicator)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            revise_definition(
                indicator=indicator,
                changes={"owner": owner},
                effective_from=form.cleaned_data["takes_effect_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DefinitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{indicator.code} belongs to {owner.name} from "
                f"{form.cleaned_data['takes_effect_on']:%-d %B %Y}.",
            )
            return redirect("framework:indicator", indicator.code)
    return render(
        request,
        "framework/indicators/move.html",
        {
            "form": form,
            "indicator": indicator,
            "breadcrumbs": _crumbs(indicator, here="Move to another service"),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


@login_required
def retire_indicator_page(request, code: str):
    """Retire the indicator after its last period; it is never deleted."""
    indicator = _indicator(request.user, code)
    if indicator.lifecycle == Lifecycle.RETIRED:
        messages.info(
            request,
            f"{indicator.code} is already retired: it was last reported for "
            f"{indicator.last_period or 'no period'}.",
        )
        return redirect("framework:indicator", indicator.code)
    form = RetireForm(_posted(request), indicator=indicator, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        last = form.cleaned_data["last_period"]
        try:
            retire_indicator(
                indicator=indicator,
                last_period=last,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DefinitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{indicator.code} is retired after {last.label}.")
            return redirect("framework:indicator", indicator.code)
    return render(
        request,
        "framework/indicators/retire.html",
        {
            "form": form,
            "indicator": indicator,
            "breadcrumbs": _crumbs(indicator, here="Retire"),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )
