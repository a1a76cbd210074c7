"""The demo's benchmarking: the real areas and two published statistics (Oflog's waste
metrics, DEFRA's fly-tipping), the standard groups and "English unitary authorities", and the
demo's waste indicators linked to them. Wyvern Vale's code is fictional, so no figure is
published for it: its positions come from its own signed-off year values only."""

from __future__ import annotations

from django.conf import settings

from indicators.models import Indicator

from .areas import load_areas
from .groups import NOT_COUNCILS, build_standard_groups
from .importing import description_path, import_benchmark
from .linking import link_indicator
from .models import Area, ComparatorGroup, GroupKind, Metric, Tier

DATASETS = {
    "oflog-waste": "oflog-waste/oflog_waste_metrics_2015_2023.csv",
    "defra-flytipping": "defra-flytipping/flytipping_incidents_by_la_2012_2022.csv",
}
ENGLISH_UNITARIES = "English unitary authorities"
# The demo's indicator → the published metric, and how the demo's definition differs.
LINKS = {
    "WST-01": ("oflog-waste-recycling-rate", ""),
    "WST-02": ("oflog-waste-residual-household-waste", ""),
    "WST-04": (
        "defra-flytipping-incidents",
        "Ours counts incidents on public land reported to or found by the council; DEFRA's "
        "total also counts the incidents on private land that councils deal with.",
    ),
}


def load_benchmarking(*, by) -> bool:
    """Load the published data and link the demo's waste indicators; False (and nothing
    loaded) when the shared data is not beside the project."""
    data = settings.SHARED_DATA_DIR
    files = {name: data / path for name, path in DATASETS.items()}
    if not all(file.exists() for file in files.values()):
        return False
    load_areas()
    for name, file in files.items():
        import_benchmark(description_path(name), file)
    build_standard_groups()
    group = ComparatorGroup.objects.create(
        name=ENGLISH_UNITARIES,
        kind=GroupKind.OWN,
        source="Every current unitary authority in England, from mySociety's list of areas",
    )
    group.members.set(
        Area.objects.filter(tier=Tier.UNITARY, nation="England", is_current=True).exclude(
            tier__in=NOT_COUNCILS
        )
    )
    metrics = {metric.code: metric for metric in Metric.objects.all()}
    for indicator in Indicator.objects.filter(code__in=LINKS):
        code, note = LINKS[indicator.code]
        link_indicator(
            indicator=indicator, metric=metrics[code], group=group, definition_note=note, by=by
        )
    return True
