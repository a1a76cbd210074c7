"""Comparator groups: the councils a figure is compared with.

Standard groups are built from the areas (every council of a nation, a tier, a region);
published groups are loaded from their publishers' files (CIPFA nearest neighbours as Oflog
uses them, LGBF family groups); a council's own group is pasted in as codes or names. Each is
saved whole or not at all.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .areas import AreaIndex
from .models import Area, ComparatorGroup, GroupKind, Tier

# Bodies that are not councils delivering services are left out of standard groups.
NOT_COUNCILS = (Tier.COMBINED, Tier.STRATEGIC_REGIONAL)
NEAREST_NEIGHBOURS_SOURCE = (
    "CIPFA nearest neighbours as used by Oflog's Local Authority Data Explorer "
    "(communitiesuk/oflog-automated-text, NN.json, commit 8036fa87); Open Government Licence v3.0"
)
FAMILY_GROUPS_SOURCE = (
    "LGBF family groups (Improvement Service), from SC-TPP/LGBF 'Family Groups.csv', "
    "commit 205257d1; Open Government Licence v3.0"
)
UNKNOWN_MEMBER = "“{text}” is not a local authority we know"
NEAREST = "; did you mean {hint}?"
EMPTY_GROUP = "The group has no councils in it"


class GroupRejected(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problems; no group was saved")


@dataclass(frozen=True)
class GroupsSaved:
    groups: int
    memberships: int
    skipped: int = 0

    def __str__(self) -> str:
        said = f"{self.groups} comparator groups saved with {self.memberships} members in all"
        if self.skipped:
            said += f"; {self.skipped} pairs skipped (not councils)"
        return said


def _save_groups(kind: str, source: str, groups: dict[tuple[str, int | None], set[int]]) -> int:
    """Create or refresh the named groups of one kind with exactly these members."""
    existing = {
        group.name: group
        for group in ComparatorGroup.objects.select_for_update().filter(
            kind=kind, name__in=[name for name, _ in groups]
        )
    }
    new = [
        ComparatorGroup(name=name, kind=kind, source=source, anchor_id=anchor)
        for name, anchor in groups
        if name not in existing
    ]
    ComparatorGroup.objects.bulk_create(new)
    for group in existing.values():
        group.source = source
    ComparatorGroup.objects.bulk_update(existing.values(), ["source"])
    saved = {
        group.name: group.pk
        for group in ComparatorGroup.objects.filter(kind=kind, name__in=[n for n, _ in groups])
    }
    through = ComparatorGroup.members.through
    through.objects.filter(comparatorgroup_id__in=saved.values()).delete()
    rows = [
        through(comparatorgroup_id=saved[name], area_id=area_pk)
        for (name, _), members in groups.items()
        for area_pk in sorted(members)
    ]
    through.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


@transaction.atomic
def build_standard_groups() -> GroupsSaved:
    """Every current council of each nation, each tier and each English region."""
    groups: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    kinds: dict[str, dict] = {GroupKind.NATION: {}, GroupKind.TIER: {}, GroupKind.REGION: {}}
    councils = Area.objects.filter(is_current=True).exclude(tier__in=NOT_COUNCILS)
    for pk, nation, tier, region in councils.values_list("pk", "nation", "tier", "region"):
        kinds[GroupKind.NATION].setdefault((f"All councils in {nation}", None), set()).add(pk)
        label = Tier(tier).label
        kinds[GroupKind.TIER].setdefault((f"{label}s in {nation}", None), set()).add(pk)
        if region and region != nation:
            kinds[GroupKind.REGION].setdefault((f"Councils in {region}", None), set()).add(pk)
    memberships = 0
    for kind, named in kinds.items():
        memberships += _save_groups(kind, "Built from mySociety's list of areas", named)
        groups.update(named)
    return GroupsSaved(groups=len(groups), memberships=memberships)


def _resolve(texts: list[tuple[str, str]], areas: AreaIndex) -> tuple[dict[str, Area], list[str]]:
    """Areas for each (where, text); problems for those not found, with the nearest name."""
    found, problems = {}, []
    for where, text in texts:
        area = areas.find(text)
        if area is None:
            hint = areas.nearest(text)
            message = UNKNOWN_MEMBER.format(text=text) + (NEAREST.format(hint=hint) if hint else "")
            problems.append(f"{where}: {message}")
        else:
            found[text] = area
    return found, problems


def _neighbour_pairs(path: Path) -> list[tuple[str, str, str]]:
    if path.suffix == ".json":
        with open(path, encoding="utf-8") as file:
            lists = json.load(file)
        return [
            (f"{code}, member {n}", code, member)
            for code, members in lists.items()
            for n, member in enumerate(members, start=1)
        ]
    with open(path, encoding="utf-8-sig", newline="") as file:
        return [
            (f"row {n}", row["la_code"], row["comparator_code"])
            for n, row in enumerate(csv.DictReader(file), start=2)
        ]


# Combined authorities (E47) and the GLA (E61) have neighbours in Oflog's file too, some under
# codes since replaced; they are not councils we benchmark, so their pairs are skipped.
NOT_COUNCIL_CODES = ("E47", "E61")


@transaction.atomic
def load_nearest_neighbours(
    *, path: Path, skip_prefixes: tuple[str, ...] = NOT_COUNCIL_CODES
) -> GroupsSaved:
    """One published group per authority: itself and its nearest neighbours (long CSV
    `la_code, comparator_code`, or the JSON of code → members)."""
    every_pair = _neighbour_pairs(path)
    pairs = [
        (where, code, member)
        for where, code, member in every_pair
        if not code.startswith(skip_prefixes) and not member.startswith(skip_prefixes)
    ]
    areas = AreaIndex.load()
    found, problems = _resolve(
        [(where, code) for where, code, _ in pairs] + [(where, m) for where, _, m in pairs], areas
    )
    if problems:
        raise GroupRejected(list(dict.fromkeys(problems)))
    groups: dict[tuple[str, int | None], set[int]] = {}
    for _, code, member in pairs:
        anchor = found[code]
        members = groups.setdefault((f"Nearest neighbours of {anchor.name}", anchor.pk), set())
        members.update({anchor.pk, found[member].pk})  # the council's own value is in its group
    memberships = _save_groups(GroupKind.PUBLISHED, NEAREST_NEIGHBOURS_SOURCE, groups)
    skipped = len(every_pair) - len(pairs)
    return GroupsSaved(groups=len(groups), memberships=memberships, skipped=skipped)


@transaction.atomic
def load_family_groups(*, path: Path) -> GroupsSaved:
    """LGBF family groups (`Family_Group, Local_Authority, Type`): which grouping applies
    depends on the indicator, so each is named with its type."""
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    found, problems = _resolve(
        [(f"row {n}", row["Local_Authority"]) for n, row in enumerate(rows, start=2)],
        AreaIndex.load(),
    )
    if problems:
        raise GroupRejected(problems)
    groups: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for row in rows:
        name = f"LGBF {row['Family_Group']} ({row['Type']})"
        groups[(name, None)].add(found[row["Local_Authority"]].pk)
    memberships = _save_groups(GroupKind.PUBLISHED, FAMILY_GROUPS_SOURCE, groups)
    return GroupsSaved(groups=len(groups), memberships=memberships)


def _pasted_entries(text: str, areas: AreaIndex) -> list[str]:
    """One council a line (or separated by semicolons); a line of several codes or names
    separated by commas is split, unless the whole line is a name ("Bristol, City of")."""
    entries = []
    for line in re.split(r"[\n;]+", text):
        line = line.strip()
        if not line:
            continue
        if "," in line and areas.find(line) is None:
            entries += [part.strip() for part in line.split(",") if part.strip()]
        else:
            entries.append(line)
    return entries


@transaction.atomic
def save_own_group(*, name: str, pasted: str) -> ComparatorGroup:
    """The council's own comparator group from a pasted list of codes or names.

    Every entry must be found; otherwise nothing is saved and each unknown entry is reported
    with the nearest known name.
    """
    areas = AreaIndex.load()
    entries = _pasted_entries(pasted, areas)
    found, problems = _resolve([(f"“{entry}”", entry) for entry in entries], areas)
    if not entries:
        problems.append(EMPTY_GROUP)
    if problems:
        raise GroupRejected(problems)
    _save_groups(
        GroupKind.OWN,
        "Chosen by the council",
        {(name, None): {area.pk for area in found.values()}},
    )
    return ComparatorGroup.objects.get(kind=GroupKind.OWN, name=name)
