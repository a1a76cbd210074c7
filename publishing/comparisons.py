"""Comparisons with other councils on an indicator's public page, where benchmark data exists.

A capability that holds comparator data appends a function to `PUBLIC_COMPARISONS`. Each takes
(indicator code, period code), both already public, and returns a `charts.svg.Chart` (shown
with its data table) or safe HTML, or None when it has nothing to compare. The indicator page
shows what comes back, in order, under "How we compare".

No benchmarking data is held yet, so the list is empty and the section does not appear. A
function added here must show only figures that are public: other councils' published
statistics, and the council's own figure as released (from `publishing.published`), never a
live value that may still be under embargo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString

from charts.svg import Chart

PUBLIC_COMPARISONS: list[Callable[[str, str], Chart | SafeString | None]] = []


@dataclass(frozen=True)
class Comparison:
    chart: Chart | None = None
    html: SafeString | None = None


def comparisons_for(indicator_code: str, period_code: str) -> list[Comparison]:
    found = []
    for compare in PUBLIC_COMPARISONS:
        shown = compare(indicator_code, period_code)
        if isinstance(shown, Chart):
            found.append(Comparison(chart=shown))
        elif shown:
            found.append(Comparison(html=shown))
    return found
