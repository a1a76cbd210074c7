"""The comparator groups pages: every group the council can compare with, one group's
councils, and the performance team making, changing and deleting the council's own groups.

Most tests use mySociety's 470 areas (the `areas` fixture) with the standard groups and
Oflog's CIPFA nearest neighbours, as the demo does; the council's area is City of Bristol
(E06000023), whose nearest-neighbours group is therefore among its groups."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from audit.models import AuditEntry
from benchmarking.groups import (
    EMPTY_GROUP,
    NAME_REQUIRED,
    NAME_TAKEN,
    NOT_OWN,
    GroupRejected,
    build_standard_groups,
    change_own_group,
    load_nearest_neighbours,
    save_own_group,
)
from benchmarking.models import Area, BenchmarkLink, ComparatorGroup, GroupKind
from indicators.models import Indicator
from organisation.tests.personas import build_town, freeze_today, sign_in

from .builders import make_areas, make_group, make_metric
from .conftest import NEAREST_NEIGHBOURS

pytestmark = pytest.mark.django_db

BRISTOL = "E06000023"
UNKNOWN = (
    "Councils in the group: “Bristoll” is not a local authority we know; "
    "did you mean City of Bristol (E06000023)?"
)


@pytest.fixture
def town(monkeypatch):
    freeze_today(monkeypatch)
    town = build_town()
    town.council.ons_code = BRISTOL
    town.council.save()
    return town


@pytest.fixture
def loaded(areas):
    """The standard groups, the published nearest neighbours, and one own group: Hartlepool,
    Middlesbrough and Allerdale (a former council, abolished in 2023)."""
    build_standard_groups()
    load_nearest_neighbours(path=NEAREST_NEIGHBOURS)
    return save_own_group(name="Tees Valley and Allerdale", pasted="E06000001\nE06000002\nALL")


def text(page: str) -> str:
    return " ".join(html.unescape(strip_tags(page)).split())


def rows_of(page: str, caption: str) -> list[str]:
    table = re.search(
        rf"<caption[^>]*>{re.escape(html.escape(caption))}</caption>.*?</table>", page, re.S
    )
    assert table, f"no table captioned {caption}"
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.group(0), re.S)
    return [text(row) for row in rows[1:]]


def codes(group: ComparatorGroup) -> list[str]:
    return sorted(group.members.values_list("gss_code", flat=True))


def get(client, person, name, *args) -> str:
    sign_in(client, person)
    response = client.get(reverse(f"benchmarking:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def audit_of(group_pk: int) -> list[tuple[str, dict, dict]]:
    entries = AuditEntry.objects.filter(
        object_type="benchmarking.comparatorgroup", object_id=str(group_pk)
    ).order_by("pk")
    return [(entry.action, entry.before, entry.after) for entry in entries]


# --- Reading ---------------------------------------------------------------------------------


def test_the_list_shows_each_kind_of_group_with_its_councils_and_source(client, town, loaded):
    page = get(client, town.person("councillor"), "groups")

    assert "All councils in England 317 Built from mySociety's list of areas" in rows_of(
        page, "All councils in the nation"
    )
    published = rows_of(page, "Published group (nearest neighbours, family group)")
    bristol = next(row for row in published if row.startswith("Nearest neighbours of City of"))
    assert bristol.startswith("Nearest neighbours of City of Bristol 16 CIPFA nearest neighbours")
    assert "Open Government Licence v3.0" in bristol
    # Only the published groups holding the council's area, not all 331.
    assert len(published) < 40
    assert rows_of(page, "The council's own group") == [
        "Tees Valley and Allerdale 3 Chosen by the council"
    ]
    captions = [html.unescape(c) for c in re.findall(r"<caption[^>]*>(.*?)</caption>", page)]
    assert captions == [label for _, label in GroupKind.choices]  # in the order of the kinds
    assert f'href="{reverse("benchmarking:group", args=[loaded.pk])}"' in page
    assert "Make a comparator group" not in page  # the performance team's


def test_the_metrics_page_links_to_the_groups(client, town):
    page = get(client, town.person("officer"), "metrics")
    assert f'href="{reverse("benchmarking:groups")}"' in page


def test_a_group_page_lists_its_councils_former_ones_marked_and_the_indicators_using_it(
    client, town, loaded
):
    BenchmarkLink.objects.create(
        indicator=Indicator.objects.get(code="WST-03"), metric=make_metric(), group=loaded
    )

    page = get(client, town.person("councillor"), "group", loaded.pk)

    assert rows_of(page, "Councils in Tees Valley and Allerdale") == [
        "Allerdale Former council E07000026 District (non-metropolitan) North West",
        "Hartlepool E06000001 Unitary authority North East",
        "Middlesbrough E06000002 Unitary authority North East",
    ]
    words = text(page)
    assert "Kind The council's own group" in words
    assert "Source and licence Chosen by the council" in words
    assert "Indicators compared with this group WST-03" in words
    assert "with Household waste recycled (%)" in words
    assert "Change the group" not in page  # a councillor only reads it


def test_a_published_group_is_read_only(client, town, loaded):
    trafford = ComparatorGroup.objects.get(name="Nearest neighbours of Trafford")
    performance = town.person("performance")

    page = get(client, performance, "group", trafford.pk)

    assert "CIPFA nearest neighbours" in text(page)
    assert "Nearest neighbours of Trafford" in text(page)
    assert "loaded from its publisher's file, so it cannot be changed here" in text(page)
    assert reverse("benchmarking:group_edit", args=[trafford.pk]) not in page
    for name in ("group_edit", "group_delete"):
        url = reverse(f"benchmarking:{name}", args=[trafford.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mine", "pasted": "E06000001"}).status_code == 404
    with pytest.raises(GroupRejected) as refused:
        change_own_group(group=trafford, name="Mine", pasted="E06000001", by=performance)
    assert refused.value.problems == [NOT_OWN.format(name="Nearest neighbours of Trafford")]
    assert trafford.members.count() == 16


# --- The performance team's own groups -------------------------------------------------------


def test_the_team_makes_changes_and_deletes_an_own_group(client, town, areas):
    sign_in(client, town.person("performance"))
    assert "Make a comparator group" in client.get(reverse("benchmarking:groups")).content.decode()

    made = client.post(
        reverse("benchmarking:group_add"),
        {"name": " Our neighbours ", "pasted": "E06000001\nBristol, City of\n\nE06000002"},
        follow=True,
    )
    group = ComparatorGroup.objects.get(name="Our neighbours")
    assert made.redirect_chain == [(reverse("benchmarking:group", args=[group.pk]), 302)]
    assert "Our neighbours was created with 3 councils" in text(made.content.decode())
    assert (group.kind, group.source) == (GroupKind.OWN, "Chosen by the council")
    assert codes(group) == ["E06000001", "E06000002", BRISTOL]

    form = get(client, town.person("performance"), "group_edit", group.pk)
    assert "E06000023\nE06000001\nE06000002" in form  # by name: Bristol, Hartlepool, Middlesbrough

    changed = client.post(
        reverse("benchmarking:group_edit", args=[group.pk]),
        {"name": "Our statistical neighbours", "pasted": "E06000001\nAllerdale"},
        follow=True,
    )
    group.refresh_from_db()
    assert group.name == "Our statistical neighbours"
    assert codes(group) == ["E06000001", "E07000026"]
    assert "Our statistical neighbours was saved with 2 councils" in text(changed.content.decode())

    unchanged = client.post(
        reverse("benchmarking:group_edit", args=[group.pk]),
        {"name": "Our statistical neighbours", "pasted": "Hartlepool\nE07000026"},
        follow=True,
    )
    assert "Nothing was changed." in text(unchanged.content.decode())

    confirm = get(client, town.person("performance"), "group_delete", group.pk)
    assert "No indicator is compared with this group" in text(confirm)
    deleted = client.post(reverse("benchmarking:group_delete", args=[group.pk]), follow=True)
    assert deleted.redirect_chain == [(reverse("benchmarking:groups"), 302)]
    assert "Our statistical neighbours was deleted" in text(deleted.content.decode())
    assert not ComparatorGroup.objects.filter(pk=group.pk).exists()

    history = audit_of(group.pk)
    assert [action for action, _, _ in history] == [
        "created",  # its name, kind and source
        "changed",  # its first councils
        "changed",  # renamed
        "changed",  # a council removed
        "changed",  # a council added
        "changed",  # cleared before deletion: the log keeps who was in it
        "deleted",
    ]
    assert history[0][2]["name"] == "Our neighbours"
    assert history[1][2]["members"] == [
        f"{area} (#{area.pk})"
        for area in Area.objects.filter(gss_code__in=["E06000001", "E06000002", BRISTOL]).order_by(
            "pk"
        )
    ]
    assert (history[2][1], history[2][2]) == (
        {"name": "Our neighbours"},
        {"name": "Our statistical neighbours"},
    )
    assert len(history[5][1]["members"]) == 2 and history[5][2] == {"members": []}
    assert AuditEntry.objects.filter(
        object_type="benchmarking.comparatorgroup", actor=town.person("performance")
    ).count() == len(history)


def post_rejected(client, person, url, data) -> str:
    sign_in(client, person)
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="govuk-error-summary"') == 1
    assert "<title>Error: " in page
    return page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Ours", "pasted": "E06000001\nBristoll"}, "pasted", UNKNOWN),
        ({"name": "Ours", "pasted": " \n \n"}, "pasted", EMPTY_GROUP),
        ({"name": "Ours", "pasted": ""}, "pasted", EMPTY_GROUP),
        ({"name": "", "pasted": "E06000001"}, "name", NAME_REQUIRED),
        (
            {"name": "tees valley and ALLERDALE", "pasted": "E06000001"},
            "name",
            NAME_TAKEN.format(name="tees valley and ALLERDALE"),
        ),
    ],
    ids=["unknown council", "blank lines", "empty", "no name", "name taken"],
)
def test_a_new_group_with_a_problem_names_the_field_and_saves_nothing(
    client, town, loaded, data, field, message
):
    before = list(ComparatorGroup.objects.values_list("pk", "name", "members"))
    entries = AuditEntry.objects.count()

    page = post_rejected(
        client, town.person("performance"), reverse("benchmarking:group_add"), data
    )

    assert f'<a href="#id_{field}">{html.escape(message)}</a>' in page  # the summary's link
    assert f'id="id_{field}_error"' in page
    assert list(ComparatorGroup.objects.values_list("pk", "name", "members")) == before
    assert AuditEntry.objects.count() == entries


def test_the_unknown_council_is_named_with_the_nearest_name(client, town, areas):
    page = post_rejected(
        client,
        town.person("performance"),
        reverse("benchmarking:group_add"),
        {"name": "Ours", "pasted": "E06000001\nBristoll\nE06000999"},
    )
    summary = text(re.search(r"govuk-error-summary__list.*?</ul>", page, re.S).group(0))
    assert UNKNOWN in summary
    assert "“E06000999” is not a local authority we know" in summary
    assert not ComparatorGroup.objects.exists()


def test_a_change_with_a_problem_changes_nothing(client, town, loaded):
    other = save_own_group(name="Scotland's cities", pasted="Glasgow City\nCity of Edinburgh")
    url = reverse("benchmarking:group_edit", args=[loaded.pk])
    before = (loaded.name, codes(loaded))

    taken = post_rejected(
        client, town.person("performance"), url, {"name": other.name, "pasted": "E06000001"}
    )
    unknown = post_rejected(
        client, town.person("performance"), url, {"name": "Renamed", "pasted": "Bristoll"}
    )

    assert NAME_TAKEN.format(name="Scotland's cities") in html.unescape(taken)
    assert '<a href="#id_name">' in taken
    assert UNKNOWN in html.unescape(unknown)
    assert '<a href="#id_pasted">' in unknown
    loaded.refresh_from_db()
    assert (loaded.name, codes(loaded)) == before


def test_a_group_an_indicator_is_compared_with_cannot_be_deleted(client, town, areas):
    group = save_own_group(name="Our neighbours", pasted="E06000001\nE06000002")
    for code in ("WST-03", "WST-01"):
        BenchmarkLink.objects.create(
            indicator=Indicator.objects.get(code=code),
            metric=make_metric(code=f"test-{code}"),
            group=group,
        )
    url = reverse("benchmarking:group_delete", args=[group.pk])
    wst01, wst03 = (Indicator.objects.get(code=code) for code in ("WST-01", "WST-03"))
    refusal = (
        f"“Our neighbours” cannot be deleted while indicators WST-01 {wst01.title}, "
        f"WST-03 {wst03.title} are compared with it: link those indicators to another "
        "comparator group first"
    )

    page = get(client, town.person("performance"), "group_delete", group.pk)
    assert refusal in text(page)
    assert "Delete the group</button>" not in page
    assert f'href="{reverse("benchmarking:link", args=["WST-03"])}"' in page

    response = client.post(url)
    assert response.status_code == 400
    assert refusal in text(response.content.decode())
    assert ComparatorGroup.objects.filter(pk=group.pk).exists()
    assert codes(group) == ["E06000001", "E06000002"]
    assert BenchmarkLink.objects.filter(group=group).count() == 2


@pytest.mark.parametrize("persona", ["officer", "approver", "director", "councillor"])
def test_only_the_performance_team_changes_groups(client, town, areas, persona):
    group = save_own_group(name="Our neighbours", pasted="E06000001\nE06000002")
    sign_in(client, town.person(persona))
    data = {"name": "Renamed", "pasted": "E06000003"}

    for url in (
        reverse("benchmarking:group_add"),
        reverse("benchmarking:group_edit", args=[group.pk]),
        reverse("benchmarking:group_delete", args=[group.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403

    page = client.get(reverse("benchmarking:group", args=[group.pk])).content.decode()
    assert "Change the group" not in page and "Delete the group" not in page
    assert list(ComparatorGroup.objects.values_list("name", flat=True)) == ["Our neighbours"]
    assert codes(group) == ["E06000001", "E06000002"]


# --- Queries ---------------------------------------------------------------------------------


def test_the_list_asks_the_same_number_of_queries_however_many_groups(client, town):
    areas = make_areas()
    make_group(areas, name="First")
    sign_in(client, town.person("councillor"))
    client.get(reverse("benchmarking:groups"))  # the session and the council, read once
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("benchmarking:groups"))
    for n in range(20):
        make_group(areas, name=f"Group {n:02d}")
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("benchmarking:groups")).content.decode()
    assert rows_of(page, "The council's own group")[-1] == "Group 19 5 Not recorded"
    assert len(more) == len(few)
