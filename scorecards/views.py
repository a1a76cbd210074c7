"""Scorecard pages: each a step of the golden thread, for one quarter, filterable and
exportable. Every page needs a signed-in person; only signed-off figures appear."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from improvement.actions import is_clinic_allowed
from indicators import recalculation
from indicators.models import Indicator, SpcRecalculation
from organisation.models import OrgUnit, OrgUnitKind
from organisation.permissions import Action, can
from organisation.queries import current_council
from scorecards import exports, queries
from scorecards.filters import FilterForm
from scorecards.narratives import narrative_for, narrative_with_figures, save_narrative
from scorecards.panels import directorate_panels, indicator_panels, service_panels, theme_panels
from status.spc import suggested_cut
from strategy.models import Ambition, Committee, Outcome


def _quarter(request, quarters):
    wanted = request.GET.get("period")
    if not wanted:
        return quarters[0]
    period = next((q for q in quarters if q.code == wanted), None)
    if period is None:
        raise Http404("No such quarter")
    return period


def _scorecard_page(
    request,
    *,
    build,
    title,
    caption,
    breadcrumbs,
    nav_current="scorecards",
    period=None,
    intro="",
    extra=None,
):
    """Render (or export) a scorecard: choose the quarter, apply the filters, build it."""
    council = current_council(request)
    today = timezone.localdate()
    quarters = queries.scorecard_quarters(today=today)
    if council is None or not quarters:
        return render(request, "scorecards/empty.html")
    period = period or _quarter(request, quarters)
    form = FilterForm(request.GET or None)
    scorecard = build(period=period, today=today, council=council, filters=form.filters())
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(scorecard, title, export)
    query = request.GET.copy()
    query.pop("format", None)
    shown_section = _shown_section(request, scorecard)
    section_query = query.copy()
    section_query.pop("section", None)
    extra = dict(extra or {})
    if "narrative_subject" in extra:
        narrative = narrative_for(extra.pop("narrative_subject"), period)
        extra["narrative"] = narrative
        if narrative is not None:
            extra["narrative_text"] = narrative_with_figures(
                narrative, period=period, today=today, council=council
            )
    if "panels_for" in extra:
        extra["panels"] = directorate_panels(extra.pop("panels_for"), period)
    if "service_panels_for" in extra:
        extra["panels"] = service_panels(extra.pop("service_panels_for"), period)
    if "theme_panels_for" in extra:
        extra["panels"] = theme_panels(extra.pop("theme_panels_for"), period)
    return render(
        request,
        "scorecards/scorecard.html",
        {
            "scorecard": scorecard,
            "quarters": quarters,
            "title": title,
            "caption": caption,
            "intro": intro,
            "breadcrumbs": breadcrumbs,
            "filter_form": form,
            "query": query.urlencode(),
            "shown_section": shown_section,
            "section_query": section_query.urlencode(),
            "rows_per_page": ROWS_PER_PAGE,
            "nav_current": nav_current,
            "wide_page": True,
            **(extra or {}),
        },
    )


# A page shows at most this many rows of readings. A scorecard with more (a county's has
# thousands) shows one section at a time with the others' counts: a page of every row would be
# megabytes (docs/performance.md, "Page weight"). Exports always hold every row.
ROWS_PER_PAGE = 150


def _shown_section(request, scorecard) -> str | None:
    """The anchor of the one section shown in full, or None when every section is."""
    if scorecard.section_entries <= ROWS_PER_PAGE or len(scorecard.sections) < 2:
        return None
    anchors = [section.anchor for section in scorecard.sections]
    wanted = request.GET.get("section")
    return wanted if wanted in anchors else anchors[0]


def _export(scorecard, title, kind):
    # "Q2 2025/26" as q2-2025-26: slugify alone would run the years together (202526).
    name = slugify(f"{title} {scorecard.period.label}".replace("/", "-"))
    if kind == "csv":
        response = HttpResponse(exports.as_csv(scorecard), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        exports.as_xlsx(scorecard, title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _home():
    return ("Organisation scorecard", reverse("scorecards:organisation"))


@login_required
def organisation_scorecard_page(request):
    """The organisation-wide balanced scorecard for a quarter (default: latest complete)."""
    council = current_council(request)
    label = council.ambition_label.lower() if council else "ambition"
    return _scorecard_page(
        request,
        build=queries.organisation_scorecard,
        title="Organisation scorecard",
        caption=council.name if council else "",
        breadcrumbs=[],
        intro=f"The council's strategic indicators by {label}, judged against their targets.",
        extra={
            "directorates": OrgUnit.objects.filter(kind=OrgUnitKind.DIRECTORATE, is_active=True),
            "committees": Committee.objects.all(),
        },
    )


@login_required
def ambition_page(request, code: str):
    ambition = get_object_or_404(Ambition, code=code)

    def build(**kwargs):
        return queries.ambition_scorecard(ambition, **kwargs)

    return _scorecard_page(
        request,
        build=build,
        title=ambition.title,
        caption=current_council(request).ambition_label,
        breadcrumbs=[_home(), (ambition.title, None)],
        intro=ambition.description,
        extra={
            "narrative_subject": ambition,
            "narrative_url": reverse("scorecards:ambition_narrative", args=[ambition.code]),
            "may_write_narrative": can(request.user, Action.WRITE_NARRATIVE),
            "theme_panels_for": ambition,
        },
    )


@login_required
def outcome_page(request, code: str):
    outcome = get_object_or_404(Outcome.objects.select_related("ambition", "lead_unit"), code=code)

    def build(**kwargs):
        return queries.outcome_scorecard(outcome, **kwargs)

    return _scorecard_page(
        request,
        build=build,
        title=outcome.title,
        caption="Outcome",
        breadcrumbs=[
            _home(),
            (outcome.ambition.title, reverse("scorecards:ambition", args=[outcome.ambition.code])),
            (outcome.title, None),
        ],
        intro=outcome.description,
        extra={"lead_unit": outcome.lead_unit, "theme_panels_for": outcome},
    )


@login_required
def directorate_page(request, code: str):
    directorate = get_object_or_404(OrgUnit, code=code, kind=OrgUnitKind.DIRECTORATE)

    def build(**kwargs):
        return queries.directorate_scorecard(directorate, **kwargs)

    return _scorecard_page(
        request,
        build=build,
        title=f"{directorate.name} scorecard",
        caption="Directorate",
        breadcrumbs=[_home(), (directorate.name, None)],
        intro=directorate.description,
        extra={
            "narrative_subject": directorate,
            "narrative_url": reverse("scorecards:directorate_narrative", args=[directorate.code]),
            "may_write_narrative": can(request.user, Action.WRITE_NARRATIVE, directorate),
            "panels_for": directorate,
        },
    )


@login_required
def service_page(request, code: str):
    service = get_object_or_404(
        OrgUnit.objects.select_related("parent"), code=code, kind=OrgUnitKind.SERVICE
    )

    def build(**kwargs):
        return queries.service_scorecard(service, **kwargs)

    trail = [_home()]
    if service.parent_id:
        trail.append(
            (service.parent.name, reverse("scorecards:directorate", args=[service.parent.code]))
        )
    return _scorecard_page(
        request,
        build=build,
        title=service.name,
        caption="Service",
        breadcrumbs=[*trail, (service.name, None)],
        intro=service.description,
        extra={"service_panels_for": service},
    )


@login_required
def committee_page(request, code: str):
    """Exactly the indicators in the committee's remit, for the period its next meeting will
    consider (another quarter can be chosen)."""
    committee = get_object_or_404(Committee, code=code)
    meeting, meeting_period = queries.committee_period(committee, today=timezone.localdate())
    # The switcher may choose another quarter than the one the meeting considers.
    period = None if request.GET.get("period") else meeting_period

    def build(**kwargs):
        return queries.committee_scorecard(committee, **kwargs)

    return _scorecard_page(
        request,
        build=build,
        title=committee.name,
        caption="Committee",
        breadcrumbs=[_home(), (committee.name, None)],
        period=period,
        intro=committee.remit,
        extra={"meeting": meeting, "meeting_period": meeting_period},
    )


@login_required
def indicator_page(request, code: str):
    """One indicator: its figure and SPC chart, every period's value, its definition and
    versions, where it sits in the golden thread, and (for those allowed) sign-off history."""
    indicator = get_object_or_404(
        Indicator.objects.select_related(
            "owner", "owner__parent", "responsible_officer", "first_period", "last_period"
        ),
        code=code,
    )
    council = current_council(request)
    today = timezone.localdate()
    quarters = queries.scorecard_quarters(today=today)
    if council is None or not quarters:
        return render(request, "scorecards/empty.html")
    period = _quarter(request, quarters)
    detail = queries.indicator_detail(indicator, period=period, today=today, council=council)
    trail = [_home()]
    if detail.outcomes:
        outcome = detail.outcomes[0]
        trail += [
            (outcome.ambition.title, reverse("scorecards:ambition", args=[outcome.ambition.code])),
            (outcome.title, reverse("scorecards:outcome", args=[outcome.code])),
        ]
    reading = detail.reading
    may_recalculate = can(request.user, Action.MANAGE_FRAMEWORK)
    cut = suggested_cut(reading.spc.phases) if may_recalculate else None
    value = reading.value
    may_see_sign_off = value is not None and can(request.user, Action.VIEW_UNAPPROVED, value)
    # The improvement clinic: offered on the latest quarter when the indicator needs it.
    may_hold_clinic = (
        period == quarters[0]
        and is_clinic_allowed(reading)
        and can(request.user, Action.MANAGE_REGISTERS, indicator)
    )
    return render(
        request,
        "scorecards/indicator.html",
        {
            "detail": detail,
            "reading": detail.reading,
            "indicator": indicator,
            "period": period,
            "quarters": quarters,
            "breadcrumbs": [*trail, (indicator.title, None)],
            "may_recalculate": may_recalculate,
            "may_hold_clinic": may_hold_clinic,
            "suggested_from": reading.series[cut][0] if cut is not None else None,
            "panels": indicator_panels(indicator, period),
            "sign_off_history": list(value.revisions.select_related("changed_by"))
            if may_see_sign_off
            else None,
            "nav_current": "scorecards",
            "wide_page": True,
        },
    )


class NarrativeForm(forms.Form):
    going_well = forms.CharField(
        required=False, label="What is going well", widget=forms.Textarea(attrs={"rows": 5})
    )
    not_going_well = forms.CharField(
        required=False, label="What is not going well", widget=forms.Textarea(attrs={"rows": 5})
    )
    being_done = forms.CharField(
        required=False,
        label="What is being done about it",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(name) or "").strip() for name in self.fields):
            self.add_error("going_well", "Write at least one part of the narrative")
        return cleaned


@login_required
def narrative_page(request, code: str, kind: str):
    """Write the narrative beside a directorate's or an ambition's scorecard for a quarter."""
    if kind == "directorate":
        subject = get_object_or_404(OrgUnit, code=code, kind=OrgUnitKind.DIRECTORATE)
        back = reverse("scorecards:directorate", args=[code])
    else:
        subject = get_object_or_404(Ambition, code=code)
        back = reverse("scorecards:ambition", args=[code])
    if not can(request.user, Action.WRITE_NARRATIVE, subject if kind == "directorate" else None):
        raise PermissionDenied
    quarters = queries.scorecard_quarters(today=timezone.localdate())
    if not quarters:
        raise Http404("No quarter has ended")
    period = _quarter(request, quarters)
    existing = narrative_for(subject, period)
    initial = (
        {
            "going_well": existing.going_well,
            "not_going_well": existing.not_going_well,
            "being_done": existing.being_done,
        }
        if existing
        else None
    )
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_narrative(subject=subject, period=period, by=request.user, **form.cleaned_data)
        messages.success(request, f"The narrative for {period.label} was saved.")
        return redirect(f"{back}?period={period.code}")
    name = subject.name if kind == "directorate" else subject.title
    return render(
        request,
        "scorecards/narrative_form.html",
        {"form": form, "name": name, "period": period, "back": f"{back}?period={period.code}"},
        status=400 if form.errors else 200,
    )


class RecalculationForm(forms.Form):
    period = forms.ChoiceField(
        label="Recalculate the limits from",
        help_text="The first period of the new process: its figure and every later one set "
        "the new mean and limits",
        error_messages={"required": recalculation.PERIOD_REQUIRED},
    )
    reason = forms.CharField(
        label="What changed in the process",
        help_text="For example a new service model, a change of definition or a step in demand. "
        "Readers see this beside the chart.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": recalculation.REASON_REQUIRED},
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.code: p for p in periods}
        self.fields["period"].choices = [(p.code, p.label) for p in reversed(periods)]


@login_required
def recalculation_page(request, code: str):
    """Set an SPC recalculation point on an indicator, and see the points set before."""
    indicator = get_object_or_404(Indicator, code=code)
    if not can(request.user, Action.MANAGE_FRAMEWORK):
        raise PermissionDenied
    back = reverse("scorecards:indicator", args=[code])
    periods = recalculation.series_periods(indicator)[1:]  # never the first figure
    form = RecalculationForm(
        request.POST or None,
        periods=periods,
        initial={"period": request.GET.get("from", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            point = recalculation.set_recalculation(
                indicator=indicator,
                period=form.periods.get(form.cleaned_data["period"]),
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except recalculation.RecalculationError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request, f"The SPC limits of {indicator.code} are recalculated from {point.period}."
            )
            return redirect(back)
    return render(
        request,
        "scorecards/recalculation_form.html",
        {
            "form": form,
            "indicator": indicator,
            "back": back,
            "points": indicator.spc_recalculations.select_related("period", "set_by", "removed_by"),
        },
        status=400 if form.errors else 200,
    )


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label="Why should the limits no longer start again here",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": recalculation.REMOVAL_REASON_REQUIRED},
    )


@login_required
def remove_recalculation_page(request, code: str, pk: int):
    """Stop recalculating an indicator's SPC limits from a point (kept in its history)."""
    point = get_object_or_404(
        SpcRecalculation.objects.select_related("period", "indicator"),
        pk=pk,
        indicator__code=code,
        removed_at__isnull=True,
    )
    if not can(request.user, Action.MANAGE_FRAMEWORK):
        raise PermissionDenied
    back = reverse("scorecards:recalculations", args=[code])
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recalculation.remove_recalculation(
            recalculation=point, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(
            request,
            f"The SPC limits of {code} are no longer recalculated from {point.period}.",
        )
        return redirect(back)
    return render(
        request,
        "scorecards/recalculation_remove.html",
        {"form": form, "point": point, "back": back},
        status=400 if form.errors else 200,
    )
