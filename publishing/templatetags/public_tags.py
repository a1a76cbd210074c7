"""Presentation for the public site: trend charts drawn from frozen report lines."""

import re

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from charts.sparkline import sparkline
from reports.content import Row
from status.numbers import ordinal

register = template.Library()


@register.filter
def trend_svg(row: Row, section_title: str = "") -> str:
    """A frozen line's trend as a tiny chart. An indicator under two ambitions appears twice
    on a page, so its chart is named with the section too (its ids come from its name)."""
    if len(row.series) < 2:
        return ""
    title = f"{row.title}: trend"
    if section_title and len(row.ambitions) > 1:
        title = f"{title} ({section_title})"
    return sparkline(
        title=title,
        points=row.points()[-12:],
        unit=row.unit,
        precision=row.precision,
        frequency=row.frequency,
    ).svg


@register.filter(name="ordinal")
def ordinal_filter(number: int) -> str:
    return ordinal(number)


@register.filter
def any_compared(rows: list[Row]) -> bool:
    return any(row.compared for row in rows)


@register.filter
def compared_sources(rows: list[Row]) -> list[dict]:
    """The published statistics the rows are compared with, once each, in code order."""
    found = {row.compared["metric"]: row.compared for row in rows if row.compared}
    return [found[code] for code in sorted(found)]


@register.filter
def paragraphs(text: str) -> SafeString:
    """Narrative as GOV.UK body paragraphs: a blank line starts a new one."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((mark_safe(conditional_escape(p).replace("\n", "<br>")),) for p in parts),
    )


@register.filter
def iso_date(text: str | None):
    """A date frozen in a snapshot as ISO text, back as a date for the date filter."""
    from datetime import date

    return date.fromisoformat(text) if text else None


# The public service navigation: (label, URL name, the URL names that belong to its section).
SECTIONS = (
    ("Scorecards", "publishing:scorecards", {"scorecards", "scorecard", "ambition"}),
    ("Indicators", "publishing:indicators", {"indicators", "indicator"}),
    ("Reports", "publishing:reports", {"reports", "report"}),
    ("Open data", "publishing:data", {"data"}),
)


@register.simple_tag(takes_context=True)
def public_navigation(context) -> list[dict]:
    """The navigation items, the current section marked (aria-current "page" on its own page)."""
    from django.urls import reverse

    match = getattr(context.get("request"), "resolver_match", None)
    current = match.url_name if match and match.namespace == "publishing" else ""
    if context.get("not_found"):
        current = ""
    items = []
    for label, name, members in SECTIONS:
        url = reverse(name)
        active = current in members
        items.append(
            {
                "label": label,
                "url": url,
                "active": active,
                "aria_current": ("page" if f"publishing:{current}" == name else "true")
                if active
                else "",
            }
        )
    return items
