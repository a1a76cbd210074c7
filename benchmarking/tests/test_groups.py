import pytest
from django.core.management import call_command

from benchmarking.groups import (
    GroupRejected,
    build_standard_groups,
    load_family_groups,
    load_nearest_neighbours,
    save_own_group,
)
from benchmarking.models import ComparatorGroup, GroupKind

from .conftest import DATA, FAMILY_GROUPS, NEAREST_NEIGHBOURS


def names(group):
    return sorted(group.members.values_list("gss_code", flat=True))


def test_standard_groups_hold_current_councils_of_a_nation_tier_and_region(areas):
    build_standard_groups()
    scotland = ComparatorGroup.objects.get(kind=GroupKind.NATION, name="All councils in Scotland")
    assert scotland.members.count() == 32
    london = ComparatorGroup.objects.get(kind=GroupKind.TIER, name="London boroughs in England")
    assert london.members.count() == 32
    north_east = ComparatorGroup.objects.get(kind=GroupKind.REGION, name="Councils in North East")
    assert "E06000001" in names(north_east)
    england = ComparatorGroup.objects.get(name="All councils in England")
    assert not england.members.filter(is_current=False).exists()
    assert not england.members.filter(tier="COMB").exists()
    build_standard_groups()  # again: the same groups, not copies
    assert ComparatorGroup.objects.filter(name="All councils in England").count() == 1
    assert england.members.count() == 317


@pytest.mark.parametrize(
    "path", [NEAREST_NEIGHBOURS, DATA / "oflog-asc" / "oflog_nearest_neighbours.json"]
)
def test_nearest_neighbours_are_loaded_as_published_groups(areas, path):
    saved = load_nearest_neighbours(path=path)
    assert saved.groups >= 331
    trafford = ComparatorGroup.objects.get(name="Nearest neighbours of Trafford")
    assert (trafford.kind, trafford.anchor.gss_code) == (GroupKind.PUBLISHED, "E08000009")
    assert trafford.members.count() == 16  # itself and its 15 neighbours
    assert "E08000009" in names(trafford)
    assert "CIPFA" in trafford.source


def test_a_neighbours_file_with_an_unknown_code_saves_nothing(areas, tmp_path):
    bad = tmp_path / "nn.csv"
    bad.write_text("la_code,comparator_code\nE06000001,E06000002\nE06000001,E06000998\n")
    with pytest.raises(GroupRejected) as rejected:
        load_nearest_neighbours(path=bad)
    assert rejected.value.problems[0].startswith("row 3: “E06000998” is not a local authority")
    assert not ComparatorGroup.objects.exists()


def test_lgbf_family_groups(areas):
    saved = load_family_groups(path=FAMILY_GROUPS)
    assert (saved.groups, saved.memberships) == (8, 64)
    group = ComparatorGroup.objects.get(name__startswith="LGBF Family Group 1 (Environmental")
    assert group.members.count() == 8
    assert "S12000035" in names(group)  # "Argyll & Bute"


def test_a_councils_own_group_from_pasted_codes_and_names(areas):
    group = save_own_group(
        name="Our comparators",
        pasted="E06000001\nBristol, City of\nPerth & Kinross; Glasgow City\nE07000026, E08000020",
    )
    assert group.kind == GroupKind.OWN
    assert names(group) == [
        "E06000001",
        "E06000023",
        "E07000026",
        "E08000037",
        "S12000048",
        "S12000049",
    ]


def test_an_own_group_with_unknown_entries_saves_nothing_and_hints(areas):
    with pytest.raises(GroupRejected) as rejected:
        save_own_group(name="Ours", pasted="E06000001\nBristoll\nE06000999")
    problems = rejected.value.problems
    assert len(problems) == 2
    assert (
        "“Bristoll” is not a local authority we know; did you mean City of Bristol" in problems[0]
    )
    assert not ComparatorGroup.objects.exists()


def test_the_command_loads_every_kind(areas, capsys):
    call_command(
        "load_comparator_groups",
        "--standard",
        "--nearest-neighbours",
        str(NEAREST_NEIGHBOURS),
        "--family-groups",
        str(FAMILY_GROUPS),
    )
    out = capsys.readouterr().out
    assert "Nearest neighbours: 331 comparator groups" in out
    assert "Family groups: 8 comparator groups" in out
