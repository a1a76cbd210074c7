"""Appendices that other capabilities add to reports: risks, finance, change programmes.

Each capability appends a function to `REPORT_APPENDICES`, taking an `AppendixRequest` and
returning an `Appendix` (text and tables), or None when it has nothing for that committee and
period. The report shows the appendices that come back, in order, in every output, with no
change to the report itself.
"""

from collections.abc import Callable
from dataclasses import dataclass

from reports.content import Appendix


@dataclass(frozen=True)
class AppendixRequest:
    committee: object | None  # strategy.Committee; None for an annual or area report
    period: object  # indicators.Period
    unit_ids: frozenset[int]  # the committee's remit units (empty: the whole council)
    indicator_codes: frozenset[str]  # the indicators in the report


REPORT_APPENDICES: list[Callable[[AppendixRequest], Appendix | None]] = []


def appendices_for(request: AppendixRequest) -> list[Appendix]:
    built = (build(request) for build in REPORT_APPENDICES)
    return [appendix for appendix in built if appendix is not None]
