"""The performance team links an indicator to the published metric it is compared with, or
stops comparing it (thin: `benchmarking.linking` checks who may and records the change)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from indicators.models import Indicator
from organisation.permissions import Action, require
from organisation.queries import current_council

from .linking import link_indicator, unlink_indicator
from .models import BenchmarkLink, ComparatorGroup, Metric
from .queries import groups_for

CHOOSE_METRIC = "Choose the published statistic to compare the indicator with"
CHOOSE_GROUP = "Choose the councils to compare with"
LINKED = "{code} is compared with {metric}, among {group}"
UNLINKED = "{code} is no longer compared with a published statistic"


class LinkForm(forms.Form):
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.none(),
        label="Published statistic",
        error_messages={"required": CHOOSE_METRIC, "invalid_choice": CHOOSE_METRIC},
    )
    group = forms.ModelChoiceField(
        queryset=ComparatorGroup.objects.none(),
        label="Compared with",
        error_messages={"required": CHOOSE_GROUP, "invalid_choice": CHOOSE_GROUP},
    )
    definition_note = forms.CharField(
        required=False,
        max_length=1000,
        label="How our definition differs (if it does)",
        help_text="Shown beside the comparison wherever it appears; leave blank if they match",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        # Contextual metrics are evidence beside outcomes, never ranked: not offered here.
        self.fields["metric"].queryset = Metric.objects.filter(is_contextual=False).order_by(
            "title"
        )
        self.fields["metric"].label_from_instance = lambda m: f"{m.title} ({m.publisher})"
        self.fields["group"].queryset = ComparatorGroup.objects.filter(
            pk__in=[group.pk for group in groups]
        ).order_by("kind", "name")


@login_required
def link_page(request, code: str):
    """Choose the published metric and comparator group for an indicator, or stop comparing."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    indicator = get_object_or_404(Indicator, code=code)
    link = BenchmarkLink.objects.filter(indicator=indicator).first()
    council = current_council(request)
    groups = groups_for(council) if council else []
    initial = {}
    if link is not None:
        initial = {
            "metric": link.metric,
            "group": link.group,
            "definition_note": link.definition_note,
        }
    if request.method == "POST" and "unlink" in request.POST:
        unlink_indicator(indicator=indicator, by=request.user)
        messages.success(request, UNLINKED.format(code=indicator.code))
        return redirect("framework:indicator", indicator.code)
    form = LinkForm(request.POST or None, initial=initial, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link_indicator(
            indicator=indicator,
            metric=data["metric"],
            group=data["group"],
            definition_note=data["definition_note"],
            by=request.user,
        )
        messages.success(
            request,
            LINKED.format(code=indicator.code, metric=data["metric"].title, group=data["group"]),
        )
        return redirect("scorecards:indicator", indicator.code)
    return render(
        request,
        "benchmarking/link.html",
        {
            "indicator": indicator,
            "link": link,
            "form": form,
            "breadcrumbs": [
                ("Framework", reverse("framework:home")),
                (indicator.code, reverse("framework:indicator", args=[indicator.code])),
                ("Compare with other councils", None),
            ],
        },
        status=400 if form.errors else 200,
    )
