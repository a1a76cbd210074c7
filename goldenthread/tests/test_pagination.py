"""Pagination links for any paged list: every page reachable, filters kept, far pages elided."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from goldenthread.pagination import pagination


def page(number, count=100, per_page=10):
    return Paginator(range(count), per_page).page(number)


def test_one_page_shows_no_links():
    assert pagination(page(1, count=10), label="Pages of people") is None
    assert render_to_string("components/pagination.html", {"pagination": None}).strip() == ""


def test_links_keep_the_list_s_filters_and_mark_the_current_page():
    links = pagination(page(5), label="Pages of people", query="role=approver")
    numbers = [link.number for link in links.links]
    assert numbers == [1, None, 4, 5, 6, None, 10]  # far pages elided
    assert [link.number for link in links.links if link.current] == [5]
    assert links.previous == "?role=approver&page=4" and links.next == "?role=approver&page=6"
    assert pagination(page(1), label="x").previous is None
    assert pagination(page(10), label="x").next is None
    assert pagination(page(2), label="x").links[0].address == "?page=1"


def test_pages_at_their_own_addresses():
    links = pagination(page(2, count=30), label="x", address=lambda n: f"/a/page-{n}/")
    assert [link.address for link in links.links] == ["/a/page-1/", "/a/page-2/", "/a/page-3/"]


def test_drawn_the_gov_uk_way():
    html = render_to_string(
        "components/pagination.html",
        {"pagination": pagination(page(5), label="Pages of people", query="q=a&b")},
    )
    assert '<nav class="govuk-pagination" aria-label="Pages of people">' in html
    assert 'href="?q=a&amp;b&amp;page=4" rel="prev"' in html
    assert 'aria-label="Page 5" aria-current="page">5</a>' in html
    assert html.count("govuk-pagination__item--ellipses") == 2
    assert 'href="?q=a&amp;b&amp;page=6" rel="next"' in html
