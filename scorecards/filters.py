"""Filters every scorecard offers: by status, direction, SPC reading, set, directorate,
committee and benchmarking quartile. Sets, directorates and committees narrow the indicators
by where they stood in the period (the version in force then); the readings narrow what is
shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from benchmarking.compared import QUARTILE_CHOICES, keeps
from indicators.models import IndicatorSet
from organisation.models import OrgUnit, OrgUnitKind
from scorecards.readings import Reading, Standing
from status.direction import Direction
from status.rag import Rag
from status.spc import Variation
from strategy.models import Committee


@dataclass(frozen=True)
class Filters:
    statuses: frozenset[str] = field(default_factory=frozenset)
    directions: frozenset[str] = field(default_factory=frozenset)
    variations: frozenset[str] = field(default_factory=frozenset)
    sets: frozenset[str] = field(default_factory=frozenset)
    directorate: OrgUnit | None = None
    committee: Committee | None = None
    quartiles: frozenset[str] = field(default_factory=frozenset)  # benchmarking

    @property
    def active(self) -> bool:
        return any(
            (
                self.statuses,
                self.directions,
                self.variations,
                self.sets,
                self.directorate,
                self.committee,
                self.quartiles,
            )
        )

    def admits(self, standing: Standing, sets: dict[str, int]) -> bool:
        """Whether the indicator was in the chosen sets, directorate and committee, as it
        stood."""
        s = standing
        return (
            (not self.sets or any(in_set(s, sets, code) for code in self.sets))
            and (self.directorate is None or owned_within(s.owner, self.directorate))
            and (self.committee is None or self.committee.pk in s.committee_ids)
        )

    def keep(self, reading: Reading) -> bool:
        return (
            (not self.statuses or reading.rag.value in self.statuses)
            and (not self.directions or reading.direction.value in self.directions)
            and (not self.variations or reading.spc.variation.value in self.variations)
            and keeps(self.quartiles, reading.compared)
        )


def in_set(standing: Standing, sets: dict[str, int], code: str) -> bool:
    """Whether the indicator was in the set `code` (`sets`: each set's id by its code)."""
    return code in sets and sets[code] in standing.set_ids


def owned_within(owner: OrgUnit, unit: OrgUnit) -> bool:
    """Whether `owner` is `unit`, or one of its services or their teams (select the owner
    with its parent)."""
    if unit.pk in (owner.pk, owner.parent_id):
        return True
    return owner.parent is not None and owner.parent.parent_id == unit.pk


class FilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        required=False,
        choices=Rag.choices(),
        widget=forms.CheckboxSelectMultiple,
        label="Status",
    )
    direction = forms.MultipleChoiceField(
        required=False,
        choices=Direction.choices(),
        widget=forms.CheckboxSelectMultiple,
        label="Direction of travel",
    )
    variation = forms.MultipleChoiceField(
        required=False,
        choices=Variation.choices(),
        widget=forms.CheckboxSelectMultiple,
        label="Variation (SPC)",
    )
    indicator_set = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Indicator set"
    )
    directorate = forms.ModelChoiceField(
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label="All directorates",
        label="Directorate",
    )
    committee = forms.ModelChoiceField(
        required=False,
        queryset=Committee.objects.none(),
        empty_label="All committees",
        label="Committee",
    )
    quartile = forms.MultipleChoiceField(
        required=False,
        choices=QUARTILE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Compared with other councils",
        help_text="The quartile of the latest published comparison",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_set"].choices = list(
            IndicatorSet.objects.values_list("code", "name")
        )
        self.fields["directorate"].queryset = OrgUnit.objects.filter(
            kind=OrgUnitKind.DIRECTORATE, is_active=True
        )
        self.fields["committee"].queryset = Committee.objects.all()

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            statuses=frozenset(data["status"]),
            directions=frozenset(data["direction"]),
            variations=frozenset(data["variation"]),
            sets=frozenset(data["indicator_set"]),
            directorate=data["directorate"],
            committee=data["committee"],
            quartiles=frozenset(data["quartile"]),
        )
