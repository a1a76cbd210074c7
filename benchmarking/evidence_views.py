"""The performance team links published evidence to an outcome, changes whose figures it
shows, or removes it (thin: `benchmarking.evidence` checks who may and records the change)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from organisation.permissions import Action, require
from organisation.queries import current_council
from strategy.models import Outcome

from .areas import AreaIndex
from .evidence import EvidenceError, link_evidence, unlink_evidence
from .evidence_queries import our_area
from .importing import NEAREST, UNKNOWN_AREA
from .models import Metric

CHOOSE_METRIC = "Published evidence: choose the statistic to show beside the outcome"
UNKNOWN_AREA_LINE = "Areas, line {line}: " + UNKNOWN_AREA
LINKED = "“{metric}” is shown beside the outcome “{outcome}”"
REMOVED = "“{metric}” is no longer shown beside the outcome “{outcome}”"


class EvidenceForm(forms.Form):
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.none(),
        label="Published evidence",
        help_text="Statistics imported as contextual: evidence, never ranked",
        error_messages={"required": CHOOSE_METRIC, "invalid_choice": CHOOSE_METRIC},
    )
    areas = forms.CharField(
        required=False,
        label="Areas whose figures to show",
        help_text="Leave blank for the council's own area. For a county, list its districts: "
        "one GSS code or name a line, for example E07000008 or Cambridge. Wards are not in "
        "the list of areas.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        label="How to read it",
        help_text="Shown beside the figures, for example how many residents were asked",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = Metric.objects.filter(is_contextual=True).order_by("title")
        self.fields["metric"].label_from_instance = lambda m: f"{m.title} ({m.source})"

    def clean_areas(self):
        """Each line an area by GSS code, 3-letter code or name, as the importer finds them."""
        lines = [line.strip() for line in self.cleaned_data["areas"].splitlines()]
        if not any(lines):
            return []
        index = AreaIndex.load()
        found, problems = [], []
        for number, text in enumerate(lines, start=1):
            if not text:
                continue
            area = index.find(text)
            if area is None:
                hint = index.nearest(text)
                message = UNKNOWN_AREA_LINE.format(line=number, text=text)
                problems.append(message + (NEAREST.format(hint=hint) if hint else ""))
            elif area not in found:
                found.append(area)
        if problems:
            raise forms.ValidationError(problems)
        return found


def _outcome_address(outcome: Outcome) -> str:
    return reverse("benchmarking:outcome_evidence", args=[outcome.code])


@login_required
def outcome_evidence_page(request, code: str):
    """Show published evidence beside an outcome, change whose figures it shows, or remove it."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    outcome = get_object_or_404(Outcome.objects.select_related("ambition"), code=code)
    links = list(outcome.evidence.select_related("metric").prefetch_related("areas"))
    if request.method == "POST" and "remove" in request.POST:
        link = next((k for k in links if str(k.metric_id) == request.POST["remove"]), None)
        if link is None:
            raise Http404("That evidence is not shown beside this outcome")
        unlink_evidence(outcome=outcome, metric=link.metric, by=request.user)
        messages.success(request, REMOVED.format(metric=link.metric.title, outcome=outcome))
        return redirect(_outcome_address(outcome))
    changing = next((k for k in links if str(k.metric_id) == request.GET.get("change")), None)
    initial = {}
    if changing is not None:
        initial = {
            "metric": changing.metric,
            "areas": "\n".join(area.gss_code or area.code for area in changing.areas.all()),
            "note": changing.note,
        }
    form = EvidenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link_evidence(
                outcome=outcome,
                metric=data["metric"],
                areas=data["areas"],
                note=data["note"],
                by=request.user,
            )
        except EvidenceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, LINKED.format(metric=data["metric"].title, outcome=outcome))
            return redirect(_outcome_address(outcome))
    return render(
        request,
        "benchmarking/outcome_evidence.html",
        {
            "outcome": outcome,
            "links": links,
            "changing": changing,
            "form": form,
            "our_area": our_area(current_council(request)),
            "breadcrumbs": [
                ("Manage the framework", reverse("framework:home")),
                ("Plans, ambitions and outcomes", reverse("framework:structure")),
                (outcome.title, reverse("framework:outcome", args=[outcome.pk])),
                ("Evidence beside the outcome", None),
            ],
        },
        status=400 if form.errors else 200,
    )
