"""The performance team's pages for reporting cycles: the list, one cycle's chasing view with
its actions (open, close, reopen, send reminders), and planning a new cycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from indicators.models import CycleState, ReportingCycle
from organisation.permissions import Action, can
from returns.chasing import (
    cycle_progress,
    cycle_timeliness_for,
    cycles_overview,
    next_reminders,
    provisional_figures,
    send_reminders,
)
from returns.cycle_forms import CloseForm, NewCycleForm, ReopenForm
from returns.cycles import CycleError, close_cycle, create_cycle, open_cycle, still_open

NO_REMINDERS_DUE = (
    "No reminders were due: no step of the escalation has come yet, or everyone with "
    "outstanding returns has already been reminded."
)


def _require_chasing(user) -> None:
    if not (can(user, Action.MANAGE_CYCLES) or can(user, Action.CHASE_RETURNS)):
        raise PermissionDenied


def _cycle(cycle_id: int) -> ReportingCycle:
    return get_object_or_404(
        ReportingCycle.objects.select_related("period", "opened_by", "closed_by"), pk=cycle_id
    )


@login_required
def cycles_page(request):
    """Every reporting cycle that matters now, with how far its figures have got."""
    _require_chasing(request.user)
    return render(
        request,
        "returns/cycles.html",
        {
            "summaries": cycles_overview(),
            "may_manage": can(request.user, Action.MANAGE_CYCLES),
            "may_import": can(request.user, Action.IMPORT_RETURNS),
            "nav_current": "cycles",
        },
    )


@login_required
def cycle_page(request, cycle_id: int):
    """One cycle's chasing view: every service's return, timeliness and reminders sent."""
    _require_chasing(request.user)
    return _render_cycle(request, _cycle(cycle_id))


def _long(day) -> str:
    return date_format(day, "j F Y")


def _who_when(at, by) -> str:
    when = date_format(timezone.localtime(at), "j F Y, H:i")
    return f"{when} by {by.get_full_name() or by.get_username()}" if by else when


def _facts(cycle: ReportingCycle) -> list[tuple[str, str]]:
    """The cycle's dates and meetings, as summary list rows."""
    period = cycle.period
    meetings = cycle.meetings.select_related("committee").order_by("starts_at")
    rows = [
        ("Period", f"{_long(period.starts_on)} to {_long(period.ends_on)}"),
        ("Opens on", _long(cycle.opens_on)),
        ("Data-entry deadline", _long(cycle.data_entry_deadline)),
        ("Sign-off deadline", _long(cycle.signoff_deadline)),
        (
            "Committee meetings",
            format_html_join(
                mark_safe("<br>"),
                "{}, {}{}",
                (
                    (
                        m.committee.name,
                        _long(timezone.localtime(m.starts_at)),
                        " (cancelled)" if m.is_cancelled else "",
                    )
                    for m in meetings
                ),
            )
            or "None linked",
        ),
    ]
    if cycle.opened_at:
        rows.append(("Opened", _who_when(cycle.opened_at, cycle.opened_by)))
    if cycle.closed_at:
        rows.append(("Closed", _who_when(cycle.closed_at, cycle.closed_by)))
    return rows


def _render_cycle(request, cycle, *, reopen_form=None, status=200):
    today = timezone.localdate()
    return render(
        request,
        "returns/cycle.html",
        {
            "cycle": cycle,
            "breadcrumbs": [
                ("Reporting cycles", reverse("returns:cycles")),
                (cycle.period.label, None),
            ],
            "facts": _facts(cycle),
            "progress": cycle_progress(cycle, today=today),
            "next_reminders": next_reminders(cycle, today=today),
            "today": today,
            "timeliness": cycle_timeliness_for(cycle),
            "provisional": provisional_figures(cycle, today=today),
            "reminders": cycle.reminders.select_related("recipient", "rule"),
            "events": cycle.events.select_related("by"),
            "reopen_form": reopen_form or ReopenForm(period=cycle.period),
            "may_manage": can(request.user, Action.MANAGE_CYCLES),
            "may_chase": can(request.user, Action.CHASE_RETURNS),
            "nav_current": "cycles",
        },
        status=status,
    )


@login_required
@require_POST
def cycle_action(request, cycle_id: int):
    """Open, close or reopen a cycle, or send its due reminders now."""
    _require_chasing(request.user)
    cycle = _cycle(cycle_id)
    action = request.POST.get("action")
    if action == "remind":
        if not can(request.user, Action.CHASE_RETURNS):
            raise PermissionDenied
        sent = send_reminders(today=timezone.localdate(), cycle=cycle)
        if sent:
            messages.success(request, f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent.")
        else:
            messages.info(request, NO_REMINDERS_DUE)
        return redirect("returns:cycle", cycle.pk)
    if action == "close":  # closing is confirmed on its own page, which says what is open
        return redirect("returns:close_cycle", cycle.pk)
    if action not in ("open", "reopen"):
        return HttpResponseBadRequest("Unknown action")
    if not can(request.user, Action.MANAGE_CYCLES):
        raise PermissionDenied
    period = cycle.period.label
    try:
        if action == "open":
            open_cycle(cycle=cycle, by=request.user)
            done = f"The reporting cycle for {period} is open: officers can enter their figures."
        else:
            form = ReopenForm(request.POST, period=cycle.period)
            if not form.is_valid():
                return _render_cycle(request, cycle, reopen_form=form, status=400)
            open_cycle(cycle=cycle, by=request.user, reason=form.cleaned_data["reason"])
            done = f"The reporting cycle for {period} was reopened: its figures can be changed."
    except CycleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("returns:cycle", cycle.pk)


@login_required
def close_cycle_page(request, cycle_id: int):
    """Confirm closing a cycle: what is still open, and a reason when anything is."""
    if not can(request.user, Action.MANAGE_CYCLES):
        raise PermissionDenied
    cycle = _cycle(cycle_id)
    if cycle.state != CycleState.OPEN:
        messages.info(request, f"The reporting cycle for {cycle.period.label} is not open.")
        return redirect("returns:cycle", cycle.pk)
    open_now = still_open(cycle)
    form = CloseForm(request.POST or None, period=cycle.period, reason_required=bool(open_now))
    if request.method == "POST" and form.is_valid():
        try:
            close_cycle(cycle=cycle, by=request.user, reason=form.cleaned_data["reason"])
        except CycleError as error:
            for field, message in error.problems:
                form.add_error(field or None, message)
        else:
            done = (
                f"The reporting cycle for {cycle.period.label} is closed: its figures are locked."
            )
            if open_now.awaiting_sign_off:
                done += (
                    f" {open_now.awaiting_sign_off} figure"
                    f"{'s' if open_now.awaiting_sign_off != 1 else ''} awaiting sign-off "
                    "can still be signed off."
                )
            messages.success(request, done)
            return redirect("returns:cycle", cycle.pk)
    return render(
        request,
        "returns/close_cycle.html",
        {
            "cycle": cycle,
            "still_open": open_now,
            "form": form,
            "breadcrumbs": [
                ("Reporting cycles", reverse("returns:cycles")),
                (cycle.period.label, reverse("returns:cycle", args=[cycle.pk])),
            ],
            "nav_current": "cycles",
        },
        status=400 if form.errors else 200,
    )


@login_required
def new_cycle_page(request):
    """Plan a reporting cycle for a period that has none."""
    if not can(request.user, Action.MANAGE_CYCLES):
        raise PermissionDenied
    form = NewCycleForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            cycle = create_cycle(**form.cleaned_data, by=request.user)
        except CycleError as error:
            for field, message in error.problems:
                form.add_error(field or None, message)
        else:
            messages.success(
                request,
                f"The reporting cycle for {cycle.period.label} was planned. "
                "Open it when officers can start entering figures.",
            )
            return redirect("returns:cycle", cycle.pk)
    return render(
        request,
        "returns/new_cycle.html",
        {"form": form, "nav_current": "cycles"},
        status=400 if form.errors else 200,
    )
