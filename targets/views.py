"""The year's targets pages: the year (filter, select, propose, agree), setting many
indicators' targets at once, one indicator's year, returning proposals, the workbook."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators.models import Period
from organisation.models import OrgUnit
from organisation.permissions import Action, can, is_corporate, scope_unit_ids
from organisation.queries import current_council
from returns.imports import ImportRejected
from status.periods import PeriodKind, financial_year, financial_year_start
from targets import workbooks
from targets.forms import FilterForm, ReturnForm, SetTargetsForm, UploadForm
from targets.models import TargetState, YearTarget
from targets.profiles import Profile
from targets.queries import indicators_in_scope, target_shown, year_rows
from targets.workflow import (
    Setting,
    TargetError,
    agree_targets,
    has_started,
    in_year_periods,
    propose_targets,
    return_targets,
    set_targets,
)

NOTHING_CHOSEN = "Choose at least one indicator"
YEARS_AROUND = 1  # years before and after the current one listed on the index


def _require_targets(user) -> None:
    """The performance team sets targets; directors agree them: nobody else sees them."""
    if not (can(user, Action.MANAGE_FRAMEWORK) or can(user, Action.AGREE_TARGETS)):
        raise PermissionDenied


def _year(code: str) -> Period:
    return get_object_or_404(Period, kind=PeriodKind.financial_year, code=code)


def _chosen(request, year: Period, *, source) -> list:
    """The indicators chosen by code, each in the person's scope (else 404)."""
    codes = source.getlist("indicator")
    if not codes:
        return []
    found = {i.code: i for i in indicators_in_scope(request.user) if i.code in codes}
    if len(found) != len(set(codes)):
        raise Http404("Not found")
    return [found[code] for code in sorted(found)]


def _filters(request):
    units = _scope_units(request.user)
    form = FilterForm(request.GET or None, units=units)
    directorate = service = None
    if form.is_bound and form.is_valid():
        directorate, service = form.cleaned_data["directorate"], form.cleaned_data["service"]
    return form, directorate, service


def _scope_units(user):
    units = OrgUnit.objects.filter(is_active=True)
    return list(units if is_corporate(user) else units.filter(pk__in=scope_unit_ids(user)))


@login_required
def index(request):
    """The financial years around today, each a link to its targets."""
    _require_targets(request.user)
    this_year = financial_year_start(timezone.localdate())
    codes = [
        financial_year(start).code
        for start in range(this_year - YEARS_AROUND, this_year + YEARS_AROUND + 1)
    ]
    years = Period.objects.filter(kind=PeriodKind.financial_year, code__in=codes).order_by(
        "starts_on"
    )
    return render(request, "targets/index.html", {"years": years, "nav_current": "framework"})


@login_required
def year_page(request, code: str):
    """Every indicator in scope with last year's outturn, its target, process limits and
    proposal; the performance team chooses some to set or propose, a director to agree."""
    _require_targets(request.user)
    year = _year(code)
    form, directorate, service = _filters(request)
    indicators = indicators_in_scope(request.user, directorate=directorate, service=service)
    rows = year_rows(indicators, year, today=timezone.localdate(), council=current_council(request))
    may_set = can(request.user, Action.MANAGE_FRAMEWORK)
    may_agree = can(request.user, Action.AGREE_TARGETS)
    return render(
        request,
        "targets/year.html",
        {
            "year": year,
            "rows": rows,
            "form": form,
            "may_set": may_set,
            "may_agree": may_agree,
            "started": has_started(year),
            "awaiting": sum(
                1 for r in rows if r.proposal and r.proposal.state == TargetState.PROPOSED
            ),
            "query": request.GET.urlencode(),
            "breadcrumbs": [("Targets", reverse("targets:index")), (year.label, None)],
            "wide_page": True,
            "nav_current": "framework",
        },
    )


@login_required
def indicator_page(request, code: str, indicator_code: str):
    """One indicator's targets for the year: its period targets and their history."""
    _require_targets(request.user)
    year = _year(code)
    found = [i for i in indicators_in_scope(request.user) if i.code == indicator_code]
    if not found:
        raise Http404("Not found")
    indicator = found[0]
    row = year_rows([indicator], year, today=timezone.localdate(), council=current_council())[0]
    # One query for the labels of the year's months and quarters.
    labels = {p.code: p.label for kind in in_year_periods(year).values() for p in kind}
    events = row.proposal.events.select_related("by").order_by("-at", "-pk") if row.proposal else []
    return render(
        request,
        "targets/indicator.html",
        {
            "year": year,
            "row": row,
            "events": events,
            "period_targets": [
                (labels.get(code, code), target_shown(Decimal(value), None, None, indicator))
                for code, value in (row.proposal.period_targets if row.proposal else {}).items()
            ],
            "nav_current": "framework",
        },
    )


@login_required
def set_page(request, code: str):
    """Set the annual target, profile, tolerance and rationale of the chosen indicators."""
    if not can(request.user, Action.MANAGE_FRAMEWORK):
        raise PermissionDenied
    year = _year(code)
    source = request.POST if request.method == "POST" else request.GET
    indicators = _chosen(request, year, source=source)
    if not indicators:
        messages.error(request, NOTHING_CHOSEN)
        return redirect("targets:year", code=year.code)
    # Chosen on the year page (posted there, so nothing lands in an address) or saving.
    saving = request.method == "POST" and request.POST.get("step") == "save"
    started = has_started(year)
    saved = {
        t.indicator_id: t for t in YearTarget.objects.filter(year=year, indicator__in=indicators)
    }
    form = SetTargetsForm(
        request.POST if saving else None,
        indicators=indicators,
        started=started,
        year=year,
        initial=_initial(indicators, saved),
    )
    if saving and form.is_valid():
        data = form.cleaned_data
        settings = [
            Setting(
                indicator=i,
                annual=data.get(f"annual-{i.pk}"),
                lower=data.get(f"lower-{i.pk}"),
                upper=data.get(f"upper-{i.pk}"),
                profile=Profile(data["profile"]),
                typed=data.get(f"typed-{i.pk}") or (),
                tolerance_percent=data["tolerance_percent"],
                tolerance_absolute=data["tolerance_absolute"],
                rationale=data["rationale"],
            )
            for i in indicators
        ]
        versions = {
            i.pk: data[f"version-{i.pk}"]
            for i in indicators
            if data.get(f"version-{i.pk}") is not None
        }
        try:
            changed = set_targets(
                year=year,
                settings=settings,
                by=request.user,
                reason=data.get("reason", ""),
                expected_versions=versions,
            )
        except TargetError as error:
            _form_errors(form, error, {i.code: i for i in indicators})
        else:
            messages.success(
                request,
                f"Targets set for {len(changed)} indicator{'s' if len(changed) != 1 else ''}"
                " as drafts. Propose them for agreement when they are ready.",
            )
            return redirect("targets:year", code=year.code)
    return render(
        request,
        "targets/set.html",
        {
            "year": year,
            "form": form,
            "started": started,
            "breadcrumbs": _crumbs(year, "Set targets"),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


def _initial(indicators, saved) -> dict:
    initial = {}
    first = next((saved[i.pk] for i in indicators if i.pk in saved), None)
    if first is not None:
        initial |= {
            "profile": first.profile,
            "tolerance_percent": first.tolerance_percent,
            "tolerance_absolute": first.tolerance_absolute,
            "rationale": first.rationale,
        }
    for i in indicators:
        target = saved.get(i.pk)
        if target is None:
            continue
        initial[f"version-{i.pk}"] = target.lock_version
        initial[f"annual-{i.pk}"] = _plain(target.annual)
        initial[f"lower-{i.pk}"] = _plain(target.lower)
        initial[f"upper-{i.pk}"] = _plain(target.upper)
        if target.profile == Profile.TYPED:
            initial[f"typed-{i.pk}"] = "; ".join(target.period_targets.values())
    return initial


def _plain(number) -> str:
    return "" if number is None else format(number.normalize(), "f")


def _form_errors(form, error: TargetError, codes: dict) -> None:
    shared = {"tolerance_percent", "tolerance_absolute", "rationale", "reason", "profile"}
    for key, message in error.problems.items():
        code, _, name = key.partition(":")
        indicator = codes.get(code)
        if indicator is None:
            form.add_error("reason" if code == "reason" else None, message)
        elif name in shared:
            form.add_error(name, f"{code}: {message}" if not message.startswith(code) else message)
        else:
            field = f"{name}-{indicator.pk}"
            if field not in form.fields:
                field = next(
                    f
                    for f in (f"annual-{indicator.pk}", f"lower-{indicator.pk}")
                    if f in form.fields
                )
            form.add_error(field, f"{code}: {message}" if not message.startswith(code) else message)


@login_required
@require_POST
def propose(request, code: str):
    if not can(request.user, Action.MANAGE_FRAMEWORK):
        raise PermissionDenied
    year = _year(code)
    return _step(request, year, propose_targets, "proposed for agreement")


@login_required
@require_POST
def agree(request, code: str):
    if not can(request.user, Action.AGREE_TARGETS):
        raise PermissionDenied
    year = _year(code)
    return _step(request, year, agree_targets, "agreed: they now judge figures")


def _step(request, year, step, done: str):
    indicators = _chosen(request, year, source=request.POST)
    targets = list(YearTarget.objects.filter(year=year, indicator__in=indicators))
    if not targets:
        messages.error(request, NOTHING_CHOSEN)
        return redirect("targets:year", code=year.code)
    try:
        moved = step(targets=targets, by=request.user)
    except TargetError as error:
        for message in error.problems.values():
            messages.error(request, message)
    else:
        count = len(moved)
        messages.success(request, f"Targets of {count} indicator{'s' if count != 1 else ''} {done}")
    return redirect("targets:year", code=year.code)


@login_required
def return_page(request, code: str):
    """Return the chosen proposals to the performance team, saying what should change."""
    if not can(request.user, Action.AGREE_TARGETS):
        raise PermissionDenied
    year = _year(code)
    source = request.POST if request.method == "POST" else request.GET
    indicators = _chosen(request, year, source=source)
    targets = list(
        YearTarget.objects.filter(year=year, indicator__in=indicators).select_related("indicator")
    )
    if not targets:
        messages.error(request, NOTHING_CHOSEN)
        return redirect("targets:year", code=year.code)
    saving = request.method == "POST" and request.POST.get("step") == "save"
    form = ReturnForm(request.POST if saving else None)
    if saving and form.is_valid():
        try:
            return_targets(targets=targets, by=request.user, reason=form.cleaned_data["reason"])
        except TargetError as error:
            for message in error.problems.values():
                form.add_error("reason" if "reason" in message.lower() else None, message)
        else:
            messages.success(request, f"Targets of {len(targets)} returned for revision")
            return redirect("targets:year", code=year.code)
    return render(
        request,
        "targets/return.html",
        {
            "year": year,
            "form": form,
            "targets": targets,
            "breadcrumbs": _crumbs(year, "Return for revision"),
            "nav_current": "framework",
        },
        status=400 if form.errors else 200,
    )


@login_required
def download(request, code: str):
    """The year's targets workbook, for the indicators in scope (as filtered)."""
    _require_targets(request.user)
    year = _year(code)
    _, directorate, service = _filters(request)
    indicators = indicators_in_scope(request.user, directorate=directorate, service=service)
    rows = year_rows(indicators, year, today=timezone.localdate(), council=current_council(request))
    response = HttpResponse(
        workbooks.targets_workbook(year, rows), content_type=workbooks.XLSX_CONTENT_TYPE
    )
    name = workbooks.workbook_filename(year)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def upload(request, code: str):
    """Upload the targets workbook: checked whole, then saved as drafts, or nothing."""
    if not can(request.user, Action.MANAGE_FRAMEWORK):
        raise PermissionDenied
    year = _year(code)
    started = has_started(year)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        started=started,
        year=year,
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            changed = workbooks.upload_targets(
                upload_file,
                year=year,
                indicators=indicators_in_scope(request.user),
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
                name=upload_file.name,
            )
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            count = len(changed)
            messages.success(
                request,
                f"Targets of {count} indicator{'s' if count != 1 else ''} set from "
                f"{upload_file.name} as drafts",
            )
            return redirect("targets:year", code=year.code)
    return render(
        request,
        "targets/upload.html",
        {
            "year": year,
            "form": form,
            "problems": problems,
            "started": started,
            "breadcrumbs": _crumbs(year, "Upload the targets workbook"),
            "nav_current": "framework",
        },
        status=400 if form.errors or problems else 200,
    )


def _crumbs(year: Period, here: str):
    return [
        ("Targets", reverse("targets:index")),
        (f"Targets for {year.label}", reverse("targets:year", args=[year.code])),
        (here, None),
    ]
