"""Benchmarking pages: the metrics linked to the council's indicators, and one metric with
every council of a comparator group. Published statistics are public data: everyone signed
in may see them."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from organisation.permissions import Action, require
from organisation.queries import current_council

from .compared import quartile_label
from .evidence_queries import evidence_series
from .kept import latest_positions
from .models import BenchmarkLink, ComparatorGroup, GroupKind, Metric
from .our_statistics import our_statistics
from .queries import groups_for, metric_view


class ChooseForm(forms.Form):
    group = forms.TypedChoiceField(label="Comparator group", coerce=int)
    period = forms.ChoiceField(label="Period")

    def __init__(self, data, *, groups, periods):
        super().__init__(data)
        self.fields["group"].choices = [(group.pk, group.name) for group in groups]
        self.fields["period"].choices = [(period, period) for period in periods]


def _home():
    return ("Benchmarking", reverse("benchmarking:metrics"))


class GroupForm(forms.Form):
    group = forms.TypedChoiceField(label="Compare our area with", coerce=int)

    def __init__(self, data, *, groups):
        super().__init__(data)
        self.fields["group"].choices = [(group.pk, group.name) for group in groups]


@login_required
def metrics_page(request):
    """The published metrics the council's indicators are compared with, each with its latest
    position, and every statistic published for our area with our position in a chosen group."""
    require(request.user, Action.VIEW_SCORECARDS)
    council = current_council(request)
    links = list(BenchmarkLink.objects.select_related("indicator", "metric", "group"))
    positions = latest_positions(links, council=council)
    rows = [
        {
            "link": link,
            "latest": latest,
            "quartile": quartile_label(latest.position.quartile) if latest else "",
        }
        for link in links
        for latest in [positions[link.pk][-1] if positions.get(link.pk) else None]
    ]
    groups = groups_for(council) if council else []
    form = GroupForm(request.GET if "group" in request.GET else None, groups=groups)
    group = None
    if form.is_bound and form.is_valid():
        group = next(g for g in groups if g.pk == form.cleaned_data["group"])
    elif council is not None:
        # By default the council's own tier in its nation (e.g. English unitary authorities).
        group = (
            ComparatorGroup.objects.filter(kind=GroupKind.TIER, members__gss_code=council.ons_code)
            .order_by("name")
            .first()
        ) or (groups[0] if groups else None)
        form = GroupForm({"group": group.pk if group else ""}, groups=groups)
        form.is_valid()
    return render(
        request,
        "benchmarking/metrics.html",
        {
            "rows": rows,
            "form": form,
            "group": group,
            "ours": our_statistics(council, group) if council else None,
            "council": council,
            "breadcrumbs": [("Home", reverse("home")), ("Benchmarking", None)],
        },
    )


@login_required
def metric_page(request, code: str):
    """Every council of the chosen group with its figure for the chosen period, ranked."""
    require(request.user, Action.VIEW_SCORECARDS)
    metric = get_object_or_404(Metric, code=code)
    council = current_council(request)
    if council is None:
        return render(request, "scorecards/empty.html")
    if metric.is_contextual:
        # Evidence, never ranked: its figures for our area and the areas shown beside outcomes.
        return render(
            request,
            "benchmarking/evidence_metric.html",
            {
                "series": evidence_series(metric, council=council),
                "breadcrumbs": [("Home", reverse("home")), _home(), (metric.title, None)],
            },
        )
    groups = groups_for(council)
    link = BenchmarkLink.objects.filter(metric=metric).select_related("indicator").first()
    default_group = link.group if link is not None else (groups[0] if groups else None)
    periods = sorted(set(metric.values.values_list("period", flat=True)), reverse=True)
    form = ChooseForm(
        request.GET if "group" in request.GET else None, groups=groups, periods=periods
    )
    group, period = default_group, periods[0] if periods else None
    if form.is_bound and form.is_valid():
        group = ComparatorGroup.objects.get(pk=form.cleaned_data["group"])
        period = form.cleaned_data["period"]
    elif not form.is_bound:
        form = ChooseForm(
            {"group": group.pk if group else "", "period": period or ""},
            groups=groups,
            periods=periods,
        )
        form.is_valid()
    view = metric_view(metric, group, period, council=council) if group else None
    return render(
        request,
        "benchmarking/metric.html",
        {
            "metric": metric,
            "view": view,
            "form": form,
            "link": link,
            "council": council,
            "breadcrumbs": [("Home", reverse("home")), _home(), (metric.title, None)],
        },
    )
