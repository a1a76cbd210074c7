"""The demo's benchmarking: the real areas and two published statistics (Oflog's waste
metrics, DEFRA's fly-tipping), the standard groups and "English unitary authorities", and the
demo's waste indicators linked to them. Wyvern Vale's code is fictional, so no figure is
published for it: its positions come from its own signed-off year values only.

Beside its outcomes, the demo council's own evidence: a residents' survey and a needs
assessment, made up for the demo and shipped in `demo_data/`, imported as contextual."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from indicators.models import Indicator
from organisation.queries import current_council
from strategy.models import Outcome

from .areas import load_areas
from .evidence import link_evidence
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
    """Load the published data and link the demo's waste indicators (False, and none of it
    loaded, when the shared data is not beside the project), then the demo's own evidence,
    which ships with the app."""
    published = _load_published(by=by)
    load_evidence(by=by)
    return published


def _load_published(*, by) -> bool:
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


# The demo council's own evidence, made up: shipped beside the app, not in `descriptions/`
# (so the import page does not offer it to a real council).
EVIDENCE_DIR = Path(__file__).parent / "demo_data"
EVIDENCE_FILES = ("wyvern-vale-residents-survey", "wyvern-vale-jsna")
SURVEY_NOTE = (
    "Made up for the demo. Asked each autumn of about 1,100 residents; a change of 3 points "
    "or less may be chance."
)
# The contextual metric → the outcomes it is shown beside, and how to read it there.
EVIDENCE = {
    "demo-survey-satisfied-with-area": (("cohesive-communities", "clean-streets"), SURVEY_NOTE),
    "demo-survey-safe-after-dark": (("safe-communities",), SURVEY_NOTE),
    "demo-jsna-aged-65-and-over": (
        ("independent-lives",),
        "Made up for the demo. More older residents means more people who may need support "
        "to live independently: a need to plan for, not a result.",
    ),
    "demo-jsna-children-low-income": (("best-start",), "Made up for the demo."),
}


def load_evidence(*, by) -> None:
    """Import the demo council's made-up residents' survey and needs assessment through the
    importer, as contextual, and show them beside a few outcomes. Its ONS code is fictional,
    so the area they are published for is made here (after the comparator groups, which it
    does not join)."""
    council = current_council()
    Area.objects.get_or_create(
        gss_code=council.ons_code,
        defaults={
            "code": "WYV",
            "name": council.short_name or council.name,
            "official_name": f"{council.name} (fictional: the demo council)",
            "nation": "England",
            "tier": Tier.UNITARY,
            "region": council.region,
        },
    )
    for name in EVIDENCE_FILES:
        import_benchmark(EVIDENCE_DIR / f"{name}.toml", EVIDENCE_DIR / f"{name}.csv")
    metrics = Metric.objects.in_bulk(list(EVIDENCE), field_name="code")
    wanted = {code for outcomes, _ in EVIDENCE.values() for code in outcomes}
    outcomes = Outcome.objects.in_bulk(list(wanted), field_name="code")
    for code, (outcome_codes, note) in EVIDENCE.items():
        for outcome_code in outcome_codes:
            link_evidence(outcome=outcomes[outcome_code], metric=metrics[code], note=note, by=by)
