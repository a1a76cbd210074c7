import csv

import pytest

from benchmarking.areas import SHIPPED_AREAS, AreaIndex, find_area, load_areas, name_key
from benchmarking.models import Area, Tier

from .conftest import DATA


def test_loading_twice_creates_then_changes_nothing(db):
    first = load_areas()
    again = load_areas()
    assert (first.created, first.updated) == (470, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 470)
    bristol = Area.objects.get(gss_code="E06000023")
    assert (bristol.code, bristol.name, bristol.official_name) == (
        "BST",
        "City of Bristol",
        "Bristol City Council",
    )
    assert (bristol.tier, bristol.region, bristol.nation, bristol.is_current) == (
        Tier.UNITARY,
        "South West",
        "England",
        True,
    )


def test_tiers_follow_mysociety_types(areas):
    assert Area.objects.get(gss_code="E07000026").tier == Tier.DISTRICT
    assert Area.objects.get(gss_code="E10000006").tier == Tier.COUNTY
    assert Area.objects.get(gss_code="E08000037").tier == Tier.METROPOLITAN
    assert Area.objects.get(gss_code="E09000002").tier == Tier.LONDON_BOROUGH
    assert Area.objects.get(gss_code="S12000036").tier == Tier.SCOTTISH_UNITARY


def test_a_newer_copy_refreshes_names_and_ends_and_never_deletes(areas, tmp_path):
    with open(SHIPPED_AREAS, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    fieldnames = list(rows[0])
    for row in rows:
        if row["gss-code"] == "E06000023":
            row["nice-name"] = "Bristol"
            row["end-date"] = "2031-03-31"
            row["replaced-by"] = "NSM"
    kept = [row for row in rows if row["gss-code"] != "E07000026"]  # Allerdale left out
    newer = tmp_path / "uk_local_authorities.csv"
    with open(newer, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(kept)

    loaded = load_areas(path=newer)

    assert (loaded.created, loaded.updated) == (0, 1)
    bristol = Area.objects.get(gss_code="E06000023")
    assert (bristol.name, str(bristol.end_date)) == ("Bristol", "2031-03-31")
    assert [area.code for area in bristol.successors.all()] == ["NSM"]
    assert Area.objects.filter(gss_code="E07000026").exists()


@pytest.mark.parametrize(
    "written, gss_code",
    [
        ("Bristol, City of", "E06000023"),
        ("City of Bristol", "E06000023"),
        ("bristol city of", "E06000023"),
        ("Perth & Kinross", "S12000048"),
        ("Perth and Kinross", "S12000048"),
        ("Argyll & Bute", "S12000035"),
        ("Edinburgh City", "S12000036"),
        ("Eilean Siar", "S12000013"),
        ("Kingston upon Hull, City of", "E06000010"),
        ("e06000023", "E06000023"),
        ("BST", "E06000023"),
        # Former GSS codes resolve to the area that now holds them.
        ("E08000020", "E08000037"),
        ("S12000046", "S12000049"),
    ],
)
def test_finding_an_area_however_it_is_written(areas, written, gss_code):
    assert find_area(written).gss_code == gss_code


def test_abolished_councils_link_to_their_successors(areas):
    allerdale = find_area("Allerdale")
    assert (allerdale.is_current, str(allerdale.end_date)) == (False, "2023-04-01")
    assert [area.name for area in allerdale.successors.all()] == ["Cumberland"]
    cumbria = find_area("Cumbria County Council")
    assert sorted(area.code for area in cumbria.successors.all()) == ["CBD", "WAF"]
    assert "Allerdale" in [area.name for area in find_area("Cumberland").predecessors.all()]


def test_unknown_names_and_codes_get_the_nearest_as_a_hint(areas):
    index = AreaIndex.load()
    assert index.find("Bristoll") is None
    assert index.nearest("Bristoll") == "City of Bristol (E06000023)"
    assert index.nearest("Glasgo City") == "Glasgow City (S12000049)"
    assert index.find("E06000999") is None
    assert index.nearest("E06000999") is not None


def test_name_key_ignores_case_punctuation_order_and_filler_words():
    assert name_key("Bristol, City of") == name_key("City of Bristol") == "bristol city"
    assert name_key("Perth & Kinross") == name_key("PERTH AND KINROSS")


def test_the_shipped_copy_is_mysocietys_file_with_its_provenance():
    published = DATA / "la_reference_mysociety" / "uk_local_authorities.csv"
    assert SHIPPED_AREAS.read_bytes() == published.read_bytes()
    provenance = (SHIPPED_AREAS.parent / "PROVENANCE.md").read_text()
    assert "CC-BY-4.0" in provenance
    assert "67ef8b118938678401a452f4f19f669a7221cc73" in provenance
