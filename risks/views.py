"""The risk pages: the register (filtered, exported), the heat map, one risk with its review
form and sign-off, and keeping the register (add, change, close a risk; add controls and
further actions). Anyone signed in reads signed-off reviews; drafts and the forms are for the
risk's owner, data owners, approvers and register keepers in scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisation.models import OrgUnit
from organisation.permissions import Action, can, is_corporate, require, scope_unit_ids
from risks import exports
from risks.bands import council_bands
from risks.forms import (
    RETURN_REASON_REQUIRED,
    CloseForm,
    ControlForm,
    DecideForm,
    FilterForm,
    FurtherActionForm,
    ReviewForm,
    ReviseForm,
    RiskForm,
)
from risks.models import Risk, RiskReview, RiskReviewRevision, RiskStatus
from risks.queries import (
    heat_map,
    in_band,
    in_cell,
    register,
    risk_row,
    score_history,
)
from risks.register import (
    RegisterError,
    add_control,
    add_further_action,
    close_risk,
    create_risk,
    update_risk,
)
from risks.workflow import (
    SCORE_FIELDS,
    InvalidEntry,
    WorkflowError,
    approve_review,
    may_review,
    open_review,
    record_review,
    require_reviewer,
    return_review,
    revise_review,
)
from signoff.models import ReturnState
from signoff.workflow import refusal

SAVED = "Review saved as a draft"
SUBMITTED = "Review sent for sign-off"
SIGNED_OFF = "Review signed off"
RETURNED = "Review returned to the risk's owner for correction"
REVISED = "Revised review sent for sign-off again"
RISK_ADDED = "Risk added to the register"
RISK_CHANGED = "Risk changed"
RISK_CLOSED = "Risk closed"
CONTROL_ADDED = "Control added"
ACTION_ADDED = "Further action added"
FILTER_KEYS = ("level", "unit", "band", "period")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(form: FilterForm, bands):
    """The register's rows for the form's filters, the date they are as at, and the period."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = data.get("period")
    on = period.ends_on if period else timezone.localdate()
    unit = data.get("unit")
    rows = register(
        on=on,
        within_units=[unit.pk] if unit else None,
        level=data.get("level") or None,
        bands=bands,
    )
    if data.get("band"):
        rows = in_band(rows, data["band"])
    likelihood, impact = data.get("likelihood"), data.get("impact")
    if likelihood and impact:
        rows = in_cell(rows, likelihood, impact, inherent=data.get("scores") == "inherent")
    return rows, on, period


def _query(request, keys=FILTER_KEYS) -> str:
    return urlencode([(k, v) for k in keys for v in request.GET.getlist(k) if v])


@login_required
def register_page(request):
    """Every risk open on the day (today, or the chosen period's end), filtered."""
    require(request.user, Action.VIEW_SCORECARDS)
    bands = council_bands()
    form = FilterForm(request.GET or None, bands=bands)
    rows, on, period = _filtered(form, bands)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return render(
        request,
        "risks/register.html",
        {
            "rows": rows,
            "caption": f"{len(rows)} risk{'' if len(rows) == 1 else 's'}",
            "form": form,
            "on": on,
            "period": period,
            "cell": (data.get("likelihood"), data.get("impact"))
            if data.get("likelihood") and data.get("impact")
            else None,
            "inherent": data.get("scores") == "inherent",
            "query": request.GET.urlencode(),
            "filter_query": _query(request),
            "may_add": can(request.user, Action.MANAGE_REGISTERS),
            "nav_current": "risks",
        },
    )


@login_required
def register_csv(request):
    """The register as filtered, as a CSV file (`?format=xlsx`: Excel)."""
    require(request.user, Action.VIEW_SCORECARDS)
    bands = council_bands()
    rows, on, _ = _filtered(FilterForm(request.GET or None, bands=bands), bands)
    if request.GET.get("format") == "xlsx":
        title = f"Risk register, {on:%-d %B %Y}"
        response = HttpResponse(exports.as_xlsx(rows, title=title), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="risk-register-{on}.xlsx"'
        return response
    response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="risk-register-{on}.csv"'
    return response


@login_required
def heat_map_page(request):
    """Heat maps of current and inherent scores, each cell a link to its risks."""
    require(request.user, Action.VIEW_SCORECARDS)
    bands = council_bands()
    form = FilterForm(request.GET or None, bands=bands)
    rows, on, period = _filtered(form, bands)
    return render(
        request,
        "risks/heat_map.html",
        {
            "form": form,
            "on": on,
            "period": period,
            "current": heat_map(rows, bands),
            "inherent": heat_map(rows, bands, inherent=True),
            "query": _query(request),
            "bands": bands,
            "nav_current": "risks",
        },
    )


def _initial(review: RiskReview | None, risk: Risk) -> dict:
    """A new review starts from the last one's scores (or the risk's target), dated today."""
    if review is None:
        return {
            "reviewed_on": timezone.localdate(),
            "target_likelihood": risk.target_likelihood,
            "target_impact": risk.target_impact,
        }
    return {name: getattr(review, name) for name in ("reviewed_on", *SCORE_FIELDS, "note")}


def _render_risk(
    request, risk: Risk, *, review_form=None, decide_form=None, register_forms=None, status=200
):
    user = request.user
    today = timezone.localdate()
    with_unapproved = can(user, Action.VIEW_UNAPPROVED, risk)
    history = score_history(risk, with_unapproved=with_unapproved)
    signed_off = [review for review in history if review.is_signed_off]
    pending = next((review for review in history if not review.is_signed_off), None)
    may_enter = risk.status == RiskStatus.OPEN and may_review(user, risk)
    if may_enter and review_form is None:
        if pending is None:
            latest = signed_off[0] if signed_off else None
            review_form = ReviewForm(initial={**_initial(latest, risk), "reviewed_on": today})
        elif pending.is_editable:
            review_form = ReviewForm(
                initial={**_initial(pending, risk), "version": pending.lock_version}
            )
    may_decide = (
        pending is not None
        and pending.state == ReturnState.SUBMITTED
        and can(user, Action.APPROVE_VALUE, pending)
    )
    if may_decide and decide_form is None:
        decide_form = DecideForm(initial={"version": pending.lock_version})
    may_manage = risk.status == RiskStatus.OPEN and can(user, Action.MANAGE_REGISTERS, risk)
    manage_forms = {}
    if may_manage:
        manage_forms = {
            "close_form": CloseForm(),
            "control_form": ControlForm(),
            "action_form": FurtherActionForm(),
            **(register_forms or {}),
        }
    revisions = RiskReviewRevision.objects.filter(review__in=history).select_related(
        "changed_by", "review"
    )
    return render(
        request,
        "risks/risk.html",
        {
            "risk": risk,
            "row": risk_row(risk, on=today),
            "outcomes": list(risk.outcomes.all()),
            "indicators": list(risk.indicators.all()),
            "controls": list(risk.controls.select_related("owner")),
            "actions": list(risk.further_actions.select_related("owner")),
            "history": history,
            "pending": pending,
            "review_form": review_form if may_enter else None,
            "decide_form": decide_form if may_decide else None,
            "may_revise": may_enter and pending is None,
            "may_manage": may_manage,
            **manage_forms,
            "revisions": list(revisions.order_by("-changed_at", "-pk")),
            "breadcrumbs": [("Risk register", reverse("risks:register")), (risk.reference, None)],
            "nav_current": "risks",
        },
        status=status,
    )


def _risk(pk: int) -> Risk:
    return get_object_or_404(Risk.objects.select_related("owner", "unit"), pk=pk)


def _review(pk: int) -> RiskReview:
    return get_object_or_404(
        RiskReview.objects.select_related("risk", "risk__owner", "risk__unit"), pk=pk
    )


@login_required
def risk_page(request, pk: int):
    """A risk: details, controls, further actions, score history, review and sign-off."""
    require(request.user, Action.VIEW_SCORECARDS)
    return _render_risk(request, _risk(pk))


@login_required
@require_POST
def review(request, pk: int):
    """Save the risk's review as a draft, or send it for sign-off."""
    risk = _risk(pk)
    require_reviewer(request.user, risk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        pending = open_review(risk)
        submitting = "submit" in request.POST
        try:
            record_review(
                risk=risk,
                entries=form.entries(),
                by=request.user,
                review=pending,
                expected_version=form.cleaned_data["version"],
                submitting=submitting,
            )
        except InvalidEntry as error:
            form.add_problems(error.problems)
        except WorkflowError as error:
            form.add_error(None, refusal(error))
        else:
            messages.success(request, SUBMITTED if submitting else SAVED)
            return redirect("risks:risk", pk=risk.pk)
    return _render_risk(request, risk, review_form=form, status=400)


@login_required
@require_POST
def decide(request, pk: int):
    """Sign off a submitted review, or return it with a reason."""
    item = _review(pk)
    require(request.user, Action.APPROVE_VALUE, item.risk)
    form = DecideForm(request.POST)
    if form.is_valid():
        returning = "return" in request.POST
        reason = form.cleaned_data["reason"]
        version = form.cleaned_data["version"]
        try:
            if returning and not reason.strip():
                form.add_error("reason", RETURN_REASON_REQUIRED)
            elif returning:
                return_review(review=item, by=request.user, reason=reason, expected_version=version)
            else:
                approve_review(review=item, by=request.user, expected_version=version)
        except WorkflowError as error:
            form.add_error(None, refusal(error))
        if not form.errors:
            messages.success(request, RETURNED if returning else SIGNED_OFF)
            return redirect("risks:risk", pk=item.risk_id)
    return _render_risk(request, item.risk, decide_form=form, status=400)


@login_required
def revise(request, pk: int):
    """Change a signed-off review, with a reason: it goes for sign-off again."""
    item = _review(pk)
    require_reviewer(request.user, item.risk)
    if not item.is_signed_off:
        raise Http404("Not found")
    if request.method == "POST":
        form = ReviseForm(request.POST)
        if form.is_valid():
            try:
                revise_review(
                    review=item,
                    entries=form.entries(),
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except InvalidEntry as error:
                form.add_problems(error.problems)
            except WorkflowError as error:
                form.add_error(None, refusal(error))
            else:
                messages.success(request, REVISED)
                return redirect("risks:risk", pk=item.risk_id)
    else:
        form = ReviseForm(initial={**_initial(item, item.risk), "version": item.lock_version})
    return render(
        request,
        "risks/revise.html",
        {
            "review": item,
            "risk": item.risk,
            "form": form,
            "breadcrumbs": [
                ("Risk register", reverse("risks:register")),
                (item.risk.reference, reverse("risks:risk", args=[item.risk_id])),
                ("Revise a review", None),
            ],
            "nav_current": "risks",
        },
        status=400 if form.errors else 200,
    )


def _units_kept_by(user):
    """The units whose registers the person keeps."""
    units = OrgUnit.objects.filter(is_active=True).order_by("name")
    return units if is_corporate(user) else units.filter(pk__in=scope_unit_ids(user))


def _register_form_page(request, *, form, risk=None, status=200):
    title = f"Change {risk.reference}" if risk else "Add a risk"
    trail = [("Risk register", reverse("risks:register"))]
    if risk:
        trail.append((risk.reference, reverse("risks:risk", args=[risk.pk])))
    return render(
        request,
        "risks/risk_form.html",
        {
            "form": form,
            "risk": risk,
            "title": title,
            "breadcrumbs": [*trail, (title, None)],
            "nav_current": "risks",
        },
        status=status,
    )


@login_required
def new_risk(request):
    """Add a risk to the register of a unit the person keeps."""
    require(request.user, Action.MANAGE_REGISTERS)
    units = _units_kept_by(request.user)
    form = RiskForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            risk = create_risk(
                values=form.values(), by=request.user, reason=form.cleaned_data["reason"]
            )
        except RegisterError as error:
            _add_problems(form, error.problems)
        else:
            messages.success(request, RISK_ADDED)
            return redirect("risks:risk", pk=risk.pk)
    return _register_form_page(request, form=form, status=400 if form.errors else 200)


@login_required
def edit_risk(request, pk: int):
    """Change a risk's details and links, with a reason."""
    risk = _risk(pk)
    require(request.user, Action.MANAGE_REGISTERS, risk)
    units = _units_kept_by(request.user)
    form = RiskForm(request.POST or None, instance=risk, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            update_risk(
                risk=risk,
                values=form.values(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except RegisterError as error:
            _add_problems(form, error.problems)
        else:
            messages.success(request, RISK_CHANGED)
            return redirect("risks:risk", pk=risk.pk)
    return _register_form_page(
        request, form=form, risk=_risk(pk), status=400 if form.errors else 200
    )


def _add_problems(form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
@require_POST
def close(request, pk: int):
    """Close a risk that no longer needs managing."""
    risk = _risk(pk)
    require(request.user, Action.MANAGE_REGISTERS, risk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            close_risk(
                risk=risk,
                by=request.user,
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
            )
        except RegisterError as error:
            _add_problems(form, error.problems)
        else:
            messages.success(request, RISK_CLOSED)
            return redirect("risks:risk", pk=risk.pk)
    return _render_risk(request, risk, register_forms={"close_form": form}, status=400)


@login_required
@require_POST
def add_control_page(request, pk: int):
    """Record a control already in place against the risk."""
    risk = _risk(pk)
    require(request.user, Action.MANAGE_REGISTERS, risk)
    form = ControlForm(request.POST)
    if form.is_valid():
        try:
            add_control(risk=risk, by=request.user, **form.cleaned_data)
        except RegisterError as error:
            _add_problems(form, error.problems)
        else:
            messages.success(request, CONTROL_ADDED)
            return redirect("risks:risk", pk=risk.pk)
    return _render_risk(request, risk, register_forms={"control_form": form}, status=400)


@login_required
@require_POST
def add_action_page(request, pk: int):
    """Record a further action to bring the risk towards its target."""
    risk = _risk(pk)
    require(request.user, Action.MANAGE_REGISTERS, risk)
    form = FurtherActionForm(request.POST)
    if form.is_valid():
        try:
            add_further_action(risk=risk, by=request.user, **form.cleaned_data)
        except RegisterError as error:
            _add_problems(form, error.problems)
        else:
            messages.success(request, ACTION_ADDED)
            return redirect("risks:risk", pk=risk.pk)
    return _render_risk(request, risk, register_forms={"action_form": form}, status=400)
