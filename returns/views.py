import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from indicators.entries import NumberError, parse_number
from indicators.models import (
    SIGNED_OFF_STATES,
    CycleState,
    ReportingCycle,
    RevisionAction,
    Value,
)
from indicators.workflow import InvalidFigure, WorkflowError, is_locked, revise_value
from organisation.models import OrgUnit
from organisation.permissions import Action, can
from organisation.queries import current_council
from returns.collection import ReturnConflict, save_return
from returns.evidence import CYCLE_CLOSED, EvidenceError, attach_evidence
from returns.forms import DecisionForm, EvidenceForm, ReturnForm, ReviseForm, form_problems
from returns.models import Evidence
from returns.queries import (
    awaiting_sign_off,
    my_returns,
    return_rows,
    submitted_figures,
    value_history,
)
from returns.signoff import Decision, decide_figures
from scorecards.templatetags.scorecard_tags import rag_tag
from signoff.due import returns_awaiting, returns_owed

ALREADY_SAVED = (
    "Your figures were already saved: an earlier click on this page went through. "
    "Nothing was lost and nothing was saved twice"
)
ALREADY_DECIDED = (
    "{title} was already {state} by {name} at {time}, so your decision on it was not applied"
)
NO_LONGER_WAITING = (
    "{title} is no longer waiting for sign-off, so your decision on it was not applied"
)
NOTHING_TO_SUBMIT = (
    "There is nothing to save or submit: every figure on this return is awaiting sign-off or "
    "signed off. An approver can return a figure to you if it needs to change."
)
NOTHING_DECIDED = "You did not sign off or return any figure, so nothing changed"
DECISION_FIELD = re.compile(r"value-(\d+)-decision")
CONFLICT = (
    "{name} changed “{title}” at {time}, after you opened this return. None of your "
    "changes were saved. The return now shows their figures: check them and enter yours again."
)


@login_required
def my_returns_page(request):
    """The returns due from the signed-in officer in the open reporting cycles."""
    enters_figures = can(request.user, Action.ENTER_VALUE)
    if not (enters_figures or can(request.user, Action.ENTER_FORECAST)):
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        "returns": my_returns(request.user, today=today) if enters_figures else [],
        "enters_figures": enters_figures,
        "others": returns_owed(request.user, today),
        "nav_current": "returns",
    }
    return render(request, "returns/my_returns.html", context)


@login_required
def service_return_page(request, cycle_id: int, service_code: str):
    """One service's return for one cycle: enter, save as draft, submit."""
    cycle = get_object_or_404(ReportingCycle.objects.select_related("period"), pk=cycle_id)
    service = get_object_or_404(OrgUnit, code=service_code)
    if not can(request.user, Action.ENTER_VALUE, service):
        raise Http404("Not found")
    council, today = current_council(request), timezone.localdate()
    rows = return_rows(cycle, service, today=today, council=council)
    if not rows:
        raise Http404("This service has nothing due in this cycle")

    if request.method != "POST":
        return _render_return(request, cycle, service, ReturnForm(rows))

    submitting = "submit" in request.POST
    form = ReturnForm(rows, request.POST, request.FILES)
    # The page's checks, in the one order the API's also takes (ReturnForm.validate).
    judge = partial(return_rows, cycle, service, today=today, council=council)
    if form.validate(judge, submitting=submitting):
        try:
            saved = save_return(
                cycle=cycle,
                service=service,
                inputs=form.inputs(),
                by=request.user,
                submit=submitting,
            )
        except ReturnConflict as conflict:
            messages.error(request, _conflict_message(conflict))
            return redirect(request.path)
        except (WorkflowError, EvidenceError) as error:
            return _render_return(request, cycle, service, form, problems=[(str(error), "")])
        if submitting:
            messages.success(
                request,
                f"{service.name}'s return for {cycle.period.label} was submitted for sign-off.",
            )
            if saved.already_saved:
                messages.info(request, ALREADY_SAVED)
            return redirect("returns:mine")
        if saved.already_saved:
            messages.info(request, ALREADY_SAVED)
        else:
            messages.success(request, "Your draft was saved.")
        for message, _ in form.warnings:
            messages.warning(request, message)
        return redirect(request.path)
    return _render_return(request, cycle, service, form, problems=form.problems())


@login_required
def return_statuses(request, cycle_id: int, service_code: str):
    """The status each figure typed on a return would get, as JSON for the return form's
    script: the same rules as the page, nothing saved. A figure that is not a number yet gets
    no judgement."""
    cycle = get_object_or_404(ReportingCycle.objects.select_related("period"), pk=cycle_id)
    service = get_object_or_404(OrgUnit, code=service_code)
    if not can(request.user, Action.ENTER_VALUE, service):
        raise Http404("Not found")
    council, today = current_council(request), timezone.localdate()
    indicators = [
        row.indicator for row in return_rows(cycle, service, today=today, council=council)
    ]
    proposed, unreadable = {}, set()
    for indicator in indicators:
        typed = request.GET.get(f"{indicator.code}-figure")
        if typed is None:
            continue
        try:
            proposed[indicator.pk] = parse_number(typed) if typed.strip() else None
        except NumberError:
            unreadable.add(indicator.pk)
    judged = return_rows(cycle, service, today=today, council=council, proposed=proposed)
    statuses = {}
    for row in judged:
        if row.indicator.pk in unreadable:
            statuses[row.indicator.code] = {
                "label": "Not a number yet",
                "classes": "govuk-tag--grey",
                "figure": "",
            }
        else:
            statuses[row.indicator.code] = {
                "label": row.reading.rag.label,
                "classes": rag_tag(row.reading.rag),
                "figure": row.reading.figure_shown,
            }
    return JsonResponse(statuses)


def _conflict_message(conflict: ReturnConflict) -> str:
    last = conflict.theirs.revisions.select_related("changed_by").order_by("-number").first()
    who = last.changed_by if last else None
    return CONFLICT.format(
        name=(who.get_full_name() or who.get_username()) if who else "Someone",
        title=conflict.indicator.title,
        time=timezone.localtime(conflict.theirs.updated_at).strftime("%H:%M on %d %B"),
    )


def _render_return(request, cycle, service, form, problems=None):
    return render(
        request,
        "returns/service_return.html",
        {
            "cycle": cycle,
            "service": service,
            "form": form,
            "problems": problems or [],
            "warnings": form.warnings,
            "nothing_to_submit": NOTHING_TO_SUBMIT,
            "nav_current": "returns",
        },
        status=400 if problems else 200,
    )


@login_required
def sign_off_queue_page(request):
    """The services whose submitted figures wait for this approver."""
    if not can(request.user, Action.APPROVE_VALUE):
        raise PermissionDenied
    context = {
        "waiting": awaiting_sign_off(request.user),
        "others": returns_awaiting(request.user),
        "nav_current": "sign_off",
    }
    return render(request, "returns/sign_off_queue.html", context)


@login_required
def service_sign_off_page(request, cycle_id: int, service_code: str):
    """An approver signs off or returns each submitted figure of one service's return."""
    cycle = get_object_or_404(ReportingCycle.objects.select_related("period"), pk=cycle_id)
    service = get_object_or_404(OrgUnit, code=service_code)
    if not can(request.user, Action.APPROVE_VALUE, service):
        raise Http404("Not found")
    figures = submitted_figures(cycle, service)
    data = request.POST if request.method == "POST" else None
    may_return = cycle.state != CycleState.CLOSED  # returning would reopen a locked figure
    forms = [DecisionForm(data, value=value, may_return=may_return) for value in figures]
    if data is not None and all(form.is_valid() for form in forms):
        decisions = [
            Decision(
                value=form.value,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["lock_version"],
            )
            for form in forms
        ]
        try:
            decided = decide_figures(decisions=decisions, by=request.user)
        except (WorkflowError, PermissionDenied) as error:
            messages.error(request, str(error) or "You cannot sign off one of these figures.")
            return redirect(request.path)
        # Decisions on figures someone else decided (or that changed) since the page opened.
        gone = _decided_elsewhere(data, cycle, service, waiting={v.pk for v in figures})
        if decided:
            approved = sum(1 for v in decided if v.state == "approved")
            returned = len(decided) - approved
            messages.success(request, f"{approved} signed off, {returned} returned for correction.")
        elif not gone:
            messages.info(request, NOTHING_DECIDED)
        for message in gone:
            messages.warning(request, message)
        return redirect("returns:sign_off")
    problems = [
        (message, f"#{form[name].id_for_label}")
        for form in forms
        for name in ("decision", "reason")
        for message in form.errors.get(name, [])
    ]
    # Each figure beside what it will be judged against: last period, target and the status,
    # direction and SPC reading it gets once signed off.
    judged = {
        row.indicator.pk: row
        for row in return_rows(
            cycle, service, today=timezone.localdate(), council=current_council()
        )
    }
    context = {
        "cycle": cycle,
        "service": service,
        "rows": [
            (value, form, judged.get(value.indicator_id))
            for value, form in zip(figures, forms, strict=True)
        ],
        "problems": problems,
        "cycle_closed": cycle.state == CycleState.CLOSED,
        "nav_current": "sign_off",
    }
    return render(
        request, "returns/service_sign_off.html", context, status=400 if problems else 200
    )


def _decided_elsewhere(data, cycle, service, *, waiting: set[int]) -> list[str]:
    """What became of each figure the approver decided on that no longer waits for sign-off."""
    chosen = {
        int(found.group(1))
        for name, choice in data.items()
        if choice and (found := DECISION_FIELD.fullmatch(name))
    }
    gone = Value.objects.filter(
        pk__in=chosen - waiting, period=cycle.period, indicator__owner=service
    ).select_related("indicator")
    messages_ = []
    for value in gone.order_by("indicator__code"):
        last = value.revisions.select_related("changed_by").order_by("-number").first()
        if last is None or last.action not in (RevisionAction.APPROVED, RevisionAction.RETURNED):
            messages_.append(NO_LONGER_WAITING.format(title=value.indicator.title))
            continue
        who = last.changed_by
        messages_.append(
            ALREADY_DECIDED.format(
                title=value.indicator.title,
                state=last.get_action_display().lower(),
                name=(who.get_full_name() or who.get_username()) if who else "someone",
                time=timezone.localtime(last.changed_at).strftime("%H:%M on %d %B"),
            )
        )
    return messages_


def _visible_value(request, value_id: int) -> Value:
    """A value the person may see: signed off, or in their scope (else not found)."""
    value = get_object_or_404(
        Value.objects.select_related("indicator", "period", "indicator__owner"), pk=value_id
    )
    if not (value.is_signed_off or can(request.user, Action.VIEW_UNAPPROVED, value)):
        raise Http404("Not found")
    return value


@login_required
def value_page(request, value_id: int):
    """One figure: its commentary, evidence and every revision; revise or attach evidence."""
    value = _visible_value(request, value_id)
    may_enter = can(request.user, Action.ENTER_VALUE, value)
    evidence_form = EvidenceForm()
    revise_form = ReviseForm(value=value) if value.is_signed_off else None
    problems = []
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        if "upload" in request.POST:
            evidence_form = EvidenceForm(request.POST, request.FILES)
            if evidence_form.is_valid():
                try:
                    attach_evidence(
                        value=value,
                        upload=evidence_form.cleaned_data["file"],
                        description=evidence_form.cleaned_data["description"],
                        by=request.user,
                    )
                except EvidenceError as error:
                    evidence_form.add_error("file", str(error))
                else:
                    messages.success(request, "The evidence was attached.")
                    return redirect(request.path)
            problems = form_problems(evidence_form)
        elif "revise" in request.POST and value.is_signed_off:
            revise_form = ReviseForm(request.POST, value=value)
            if revise_form.is_valid():
                data = revise_form.cleaned_data
                try:
                    revise_value(
                        value=value,
                        entries=revise_form.entries(),
                        by=request.user,
                        reason=data["reason"],
                        expected_version=data["lock_version"],
                    )
                except InvalidFigure as invalid:
                    for name, message in invalid.problems.items():
                        revise_form.add_error(name if name in revise_form.fields else None, message)
                except WorkflowError as error:
                    revise_form.add_error(None, str(error))
                else:
                    messages.success(request, "The figure was changed and sent for sign-off again.")
                    return redirect(request.path)
            problems = form_problems(revise_form)
    history = value_history(value)
    locked = is_locked(value.period)
    if not can(request.user, Action.VIEW_UNAPPROVED, value):
        # Outside the service only signed-off figures show, not the drafts before them.
        history = [r for r in history if r.after.get("state") in SIGNED_OFF_STATES]
    context = {
        "value": value,
        "history": history,
        "evidence": list(value.evidence.select_related("uploaded_by")),
        "may_enter": may_enter,
        "evidence_locked": CYCLE_CLOSED.format(period=value.period.label) if locked else "",
        "evidence_form": evidence_form,
        "revise_form": revise_form if may_enter else None,
        "problems": problems,
    }
    return render(request, "returns/value.html", context, status=400 if problems else 200)


@login_required
def evidence_file(request, evidence_id: int):
    """Download an evidence file; only for people who may see its value."""
    evidence = get_object_or_404(Evidence.objects.select_related("value"), pk=evidence_id)
    _visible_value(request, evidence.value_id)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
