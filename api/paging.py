"""Page-number pagination: every list answers a page of its results with the total count and
links to the next and previous pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil

from django.http import HttpRequest
from ninja import Field, Schema

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="The page of results, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"How many results a page holds, at most {MAX_PAGE_SIZE}.",
    )


class Page(Schema):
    count: int = Field(description="How many results there are in all, on every page.")
    page: int = Field(description="This page's number, from 1.")
    page_size: int = Field(description="How many results a page holds.")
    next: str | None = Field(description="The next page's address; null on the last page.")
    previous: str | None = Field(description="The previous page's address; null on the first page.")


def page_of(
    request: HttpRequest,
    items: Sequence,
    query: PageQuery,
    shape: Callable[[Sequence], list],
) -> dict:
    """The page of `items` that `query` asks for, each item shaped by `shape` (so only the
    page's items are shaped). A page past the last holds no results."""
    count = len(items)
    start = (query.page - 1) * query.page_size
    last = max(1, ceil(count / query.page_size))
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "next": _link(request, query.page + 1) if query.page < last else None,
        "previous": _link(request, min(query.page - 1, last)) if query.page > 1 else None,
        "results": shape(items[start : start + query.page_size]),
    }


def _link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
