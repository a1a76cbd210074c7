"""GOV.UK pagination for any paged list: the links a page of a `Paginator` shows, drawn by
`components/pagination.html`."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the ellipsis between far pages
    address: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    label: str  # what the navigation is called to a screen reader: "Pages of people"
    links: tuple[PageLink, ...]
    previous: str | None
    next: str | None


def pagination(
    page: Page, *, label: str, address: Callable[[int], str] | None = None, query: str = ""
) -> Pagination | None:
    """The links of `page` (None when there is only one page). Each page is at `address(n)`,
    or by default at `?<query>&page=n`, keeping the list's filters."""
    if page.paginator.num_pages < 2:
        return None
    if address is None:

        def address(number: int) -> str:
            return f"?{query}&page={number}" if query else f"?page={number}"

    links = tuple(
        PageLink(None)
        if number == page.paginator.ELLIPSIS
        else PageLink(number, address(number), number == page.number)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    return Pagination(
        label=label,
        links=links,
        previous=address(page.number - 1) if page.has_previous() else None,
        next=address(page.number + 1) if page.has_next() else None,
    )
