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

from django.db import IntegrityError, transaction
from django.db.models import Count

from audit.context import audited
from organisation.permissions import Action, require

from .areas import AreaIndex
from .models import Area, BenchmarkLink, ComparatorGroup, GroupKind, Tier
from .queries import groups_for

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
# An own group's problems name the page's fields ("Group name", "Councils in the group").
PASTED = "Councils in the group"
EMPTY_GROUP = "Councils in the group: enter at least one council's GSS code or name, one a line"
NAME_REQUIRED = "Group name: enter a name for the group, for example “Our CIPFA neighbours”"
NAME_TAKEN = (
    "Group name: there is already an own group called “{name}”; choose another name, "
    "or change that group"
)
OWN_SOURCE = "Chosen by the council"
NOT_OWN = "“{name}” is not one of the council's own groups: only those can be changed here"
IN_USE = (
    "“{name}” cannot be deleted while {indicators} {verb} compared with it: link {those} "
    "to another comparator group first"
)


class GroupRejected(Exception):
    """Nothing was saved. `name_problems` (also in `problems`) are about the group's name."""

    def __init__(self, problems: list[str], *, name_problems: list[str] | None = None) -> None:
        self.name_problems = list(name_problems or [])
        self.problems = [*self.name_problems, *problems]
        super().__init__(f"{len(self.problems)} problems; no group was saved")


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


def _pasted_members(pasted: str) -> tuple[list[Area], list[str]]:
    """The areas a pasted list names, and a problem for each entry not found (or for none)."""
    areas = AreaIndex.load()
    entries = _pasted_entries(pasted, areas)
    found, problems = _resolve([(PASTED, entry) for entry in entries], areas)
    if not entries:
        problems.append(EMPTY_GROUP)
    members = {area.pk: area for area in found.values()}
    return list(members.values()), list(dict.fromkeys(problems))


def _name_problems(name: str, *, other_than: ComparatorGroup | None = None) -> list[str]:
    if not name:
        return [NAME_REQUIRED]
    taken = ComparatorGroup.objects.filter(kind=GroupKind.OWN, name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    return [NAME_TAKEN.format(name=name)] if taken.exists() else []


def _checked(name: str, pasted: str, *, other_than=None) -> list[Area]:
    members, problems = _pasted_members(pasted)
    name_problems = _name_problems(name, other_than=other_than)
    if problems or name_problems:
        raise GroupRejected(problems, name_problems=name_problems)
    return members


@transaction.atomic
@audited()
def save_own_group(*, name: str, pasted: str, by=None) -> ComparatorGroup:
    """The council's own comparator group from a pasted list of codes or names.

    Every entry must be found and the name must not be another own group's (compared
    ignoring case); otherwise nothing is saved and each problem is reported, an unknown entry
    with the nearest known name. `by` is checked when given (a page); a command passes none.
    """
    if by is not None:
        require(by, Action.MANAGE_FRAMEWORK)
    name = name.strip()
    members = _checked(name, pasted)
    try:
        with transaction.atomic():  # another person saving the same name at the same moment
            group = ComparatorGroup.objects.create(name=name, kind=GroupKind.OWN, source=OWN_SOURCE)
    except IntegrityError:
        raise GroupRejected([], name_problems=[NAME_TAKEN.format(name=name)]) from None
    group.members.set(members)  # through the links, so the audit log records the members
    return group


def _own_group_locked(group: ComparatorGroup) -> ComparatorGroup:
    group = ComparatorGroup.objects.select_for_update().get(pk=group.pk)
    if group.kind != GroupKind.OWN:
        raise GroupRejected([NOT_OWN.format(name=group.name)])
    return group


@transaction.atomic
@audited()
def change_own_group(*, group: ComparatorGroup, name: str, pasted: str, by) -> bool:
    """Rename one of the council's own groups or change its members, checked as when it was
    made; False when nothing changed."""
    require(by, Action.MANAGE_FRAMEWORK)
    group = _own_group_locked(group)
    name = name.strip()
    members = _checked(name, pasted, other_than=group)
    changed = False
    if group.name != name:
        group.name = name
        group.save(update_fields=["name"])
        changed = True
    if {area.pk for area in members} != set(group.members.values_list("pk", flat=True)):
        group.members.set(members)
        changed = True
    return changed


def links_using(group: ComparatorGroup) -> list[BenchmarkLink]:
    """The indicators compared with the group by default, by code."""
    return list(
        BenchmarkLink.objects.filter(group=group)
        .select_related("indicator", "metric")
        .order_by("indicator__code")
    )


def in_use_problem(group: ComparatorGroup, links: list[BenchmarkLink]) -> str:
    """Why the group cannot be deleted, naming the indicators compared with it."""
    codes = [f"{link.indicator.code} {link.indicator.title}" for link in links]
    many = len(codes) > 1
    return IN_USE.format(
        name=group.name,
        indicators=("indicators " if many else "indicator ") + ", ".join(codes),
        verb="are" if many else "is",
        those="those indicators" if many else "it",
    )


@transaction.atomic
@audited()
def delete_own_group(*, group: ComparatorGroup, by) -> str:
    """Delete one of the council's own groups that no indicator is compared with; its name.

    Its members are cleared first, so the audit log keeps who was in it.
    """
    require(by, Action.MANAGE_FRAMEWORK)
    group = _own_group_locked(group)
    links = links_using(group)
    if links:
        raise GroupRejected([in_use_problem(group, links)])
    group.members.clear()
    group.delete()
    return group.name


def groups_with_counts(council) -> list[ComparatorGroup]:
    """The groups the council can compare with (`queries.groups_for`), each with
    `member_count`, in the order of `GroupKind`: two queries, however many groups."""
    order = {kind: n for n, kind in enumerate(GroupKind.values)}
    pks = [group.pk for group in groups_for(council)]
    counted = ComparatorGroup.objects.filter(pk__in=pks).annotate(member_count=Count("members"))
    return sorted(counted, key=lambda group: (order[group.kind], group.name.lower()))
