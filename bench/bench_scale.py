"""How the pages grow with the council (issue 17): a council generated at 1×, 4× and 16× the
demo (`demo.large`, the demo's five years), and the county preset (2,000 indicators, mostly
monthly, over ten years) when GOLDEN_THREAD_BENCH_COUNTY=1 (it takes minutes), each into the
test database, measured, then rolled back (and on PostgreSQL vacuumed, as a council's own
database is by autovacuum).

Prints a markdown table and writes it into docs/performance.md, between the markers under
"Scale (issue 17): county-size councils" (the section is added if missing; the text around
the markers is kept). Asserts nothing about time (machines differ).

What the figures mean:

- median and p95 of ROUNDS runs after one warm-up run (p95 by nearest rank: with 10 runs it
  is the slowest); pages through the test client, signed in as the performance team;
- queries: of one warm run;
- the bare fetch of a page: one `values_list` of the indicators the page shows joined with
  their signed-off figures up to the end of its period (code, title, period, figure, data
  quality): the rows its readings and sparklines are made from, with nothing done to them.
  "× bare" is the page's median over the bare fetch's median;
- growth exponent: the least-squares slope of log(median) against log(indicators) over the
  scales with the demo's five years (1×, 4×, 16×); 1 is linear. The county, over ten years
  and mostly monthly, is not in it.

Environment: GOLDEN_THREAD_BENCH_COUNTY=1 adds the county; GOLDEN_THREAD_BENCH_SCALES (e.g.
"1,4") and GOLDEN_THREAD_BENCH_ROUNDS (default 10) change what is run;
GOLDEN_THREAD_BENCH_WRITE_DOCS=0 leaves docs/performance.md alone.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.conftest import DEMO_TODAY
from demo.large import COUNTY, Shape, generate_council, release_quarter_report
from indicators.models import SIGNED_OFF_STATES, Indicator, Value, ValueRevision
from organisation.models import Council, OrgUnit, User
from reports.building import build_content
from scorecards import queries
from strategy.models import Committee

SECTION = "## Scale (issue 17): county-size councils"
# One table per database, each between its own markers (SQLite's kept their first name).
MARKERS = {
    "sqlite": ("<!-- bench_scale: start -->", "<!-- bench_scale: end -->"),
    "postgresql": (
        "<!-- bench_scale postgresql: start -->",
        "<!-- bench_scale postgresql: end -->",
    ),
}
DOC = Path(settings.BASE_DIR) / "docs" / "performance.md"
INDICATOR = "WST-01"  # monthly, strategic, a step change and a comparison with other councils
OPERATIONS = (
    "organisation scorecard",
    "directorate scorecard (largest)",
    "committee scorecard (whole scorecard)",
    "indicator page",
    "public quarter scorecard (warm cache)",
    "organisation scorecard CSV",
    "organisation scorecard XLSX",
    "report content build",
)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


ROUNDS = _env_int("GOLDEN_THREAD_BENCH_ROUNDS", 10)


@dataclass(frozen=True)
class Timing:
    median: float  # milliseconds
    p95: float


@dataclass
class Measured:
    timing: Timing
    queries: int
    bare: Timing
    size: int = 0  # bytes of the response (0: not a response)


@dataclass
class AtScale:
    label: str
    shape: Shape
    indicators: int = 0
    values: int = 0
    revisions: int = 0
    generator_seconds: float = 0.0
    measured: dict[str, Measured] = field(default_factory=dict)


def timed(func: Callable, rounds: int = ROUNDS) -> Timing:
    func()  # warm-up: caches, template loading
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return Timing(statistics.median(times), times[math.ceil(0.95 * len(times)) - 1])


def counted(func: Callable) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def bare_fetch(ids: list[int], ends_on: date) -> Callable:
    def fetch():
        return list(
            Value.objects.filter(
                indicator_id__in=ids, state__in=SIGNED_OFF_STATES, period__ends_on__lte=ends_on
            ).values_list(
                "indicator__code", "indicator__title", "period_id", "figure", "data_quality"
            )
        )

    return fetch


def shown(scorecard) -> list[int]:
    return sorted({r.indicator.pk for s in scorecard.sections for r in s.readings})


def scales() -> list[tuple[str, Shape]]:
    wanted = os.environ.get("GOLDEN_THREAD_BENCH_SCALES", "1,4,16")
    chosen = [(f"{float(s):g}×", Shape.scaled(float(s))) for s in wanted.split(",") if s]
    if os.environ.get("GOLDEN_THREAD_BENCH_COUNTY") == "1":
        chosen.append(("county", COUNTY))
    return chosen


def measure(client, at: AtScale) -> None:
    """Every operation at the council now in the database."""
    council = Council.objects.get()
    quarter = queries.latest_complete_quarter(today=DEMO_TODAY)
    context = {"today": DEMO_TODAY, "council": council}
    organisation = queries.organisation_scorecard(period=quarter, **context)
    directorate = (
        OrgUnit.objects.filter(kind="directorate")
        .annotate(owned=Count("children__indicators"))
        .order_by("-owned", "order")
        .first()
    )
    committee = Committee.objects.filter(receives_full_scorecard=True).first()
    _, committee_quarter = queries.committee_period(committee, today=DEMO_TODAY)
    report = release_quarter_report(today=DEMO_TODAY)
    report_ids = list(
        Indicator.objects.filter(code__in=[r.code for r in build_content(report).rows()])
        .order_by()
        .values_list("pk", flat=True)
    )
    indicator = Indicator.objects.get(code=INDICATOR)
    organisation_url = reverse("scorecards:organisation")
    public_url = reverse("publishing:scorecard", args=[report.period.code])
    rows = {
        "organisation": (shown(organisation), quarter.ends_on),
        "directorate": (
            shown(queries.directorate_scorecard(directorate, period=quarter, **context)),
            quarter.ends_on,
        ),
        "committee": (
            shown(queries.committee_scorecard(committee, period=committee_quarter, **context)),
            committee_quarter.ends_on,
        ),
        "indicator": ([indicator.pk], quarter.ends_on),
        "report": (report_ids, report.period.ends_on),
    }
    operations = {
        "organisation scorecard": (lambda: client.get(organisation_url), "organisation"),
        "directorate scorecard (largest)": (
            lambda: client.get(reverse("scorecards:directorate", args=[directorate.code])),
            "directorate",
        ),
        "committee scorecard (whole scorecard)": (
            lambda: client.get(reverse("scorecards:committee", args=[committee.code])),
            "committee",
        ),
        "indicator page": (
            lambda: client.get(reverse("scorecards:indicator", args=[indicator.code])),
            "indicator",
        ),
        "public quarter scorecard (warm cache)": (lambda: client.get(public_url), "report"),
        "organisation scorecard CSV": (
            lambda: client.get(organisation_url, {"format": "csv"}),
            "organisation",
        ),
        "organisation scorecard XLSX": (
            lambda: client.get(organisation_url, {"format": "xlsx"}),
            "organisation",
        ),
        "report content build": (lambda: build_content(report), "report"),
    }
    bare = {name: timed(bare_fetch(*found)) for name, found in rows.items()}
    for name, (func, row_name) in operations.items():
        first = func()
        status = getattr(first, "status_code", 200)
        assert status == 200, name
        size = len(first.content) if hasattr(first, "content") else 0
        timing = timed(func)
        at.measured[name] = Measured(timing, counted(func), bare[row_name], size)


def vacuum() -> None:
    """Clear away the scale just measured. PostgreSQL keeps the rows of a rolled-back
    transaction as dead tuples until VACUUM, which on a council's own database autovacuum
    runs; left, each scale's would slow the next one's scans (the county's committee scorecard
    measured 303 ms after the three smaller scales, 226 ms alone). From a connection of its
    own: VACUUM cannot run inside the test's transaction, and what a rolled-back savepoint
    inserted is dead to every session."""
    if connection.vendor != "postgresql":
        return  # SQLite gives a rolled-back transaction's pages back at once
    import psycopg

    found = connection.settings_dict
    with psycopg.connect(
        dbname=found["NAME"],
        user=found["USER"] or None,
        password=found["PASSWORD"] or None,
        host=found["HOST"] or None,
        port=found["PORT"] or None,
        autocommit=True,
    ) as own:
        own.execute("VACUUM")


@pytest.mark.django_db
def test_pages_as_the_council_grows(client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: DEMO_TODAY)
    load_before = os.getloadavg()
    results = []
    for label, shape in scales():
        at = AtScale(label, shape)
        cache.clear()
        with transaction.atomic():
            start = time.perf_counter()
            generate_council(
                indicators=shape.indicators,
                years=shape.years,
                directorates=shape.directorates,
                services=shape.services,
                benchmark_values=shape.benchmark_values,
                mostly_monthly=shape.mostly_monthly,
                today=DEMO_TODAY,
                replace_existing=True,  # the demo may be loaded by the other benches
            )
            at.generator_seconds = time.perf_counter() - start
            at.indicators = Indicator.objects.count()
            at.values = Value.objects.count()
            at.revisions = ValueRevision.objects.count()
            client.force_login(User.objects.get(username="performance"))
            measure(client, at)
            transaction.set_rollback(True)
        results.append(at)
        print(f"\n[bench] scale {label}: {at.indicators:,} indicators measured", flush=True)
        vacuum()
    table = markdown(results, load_before, os.getloadavg())
    print("\n" + table)
    if os.environ.get("GOLDEN_THREAD_BENCH_WRITE_DOCS", "1") != "0":
        write_section(DOC, table, connection.vendor)


# --- The table ------------------------------------------------------------------------------------


def exponent(results: list[AtScale], name: str) -> str:
    """Least-squares slope of log(time) on log(indicators) over the five-year scales."""
    points = [
        (math.log(r.indicators), math.log(r.measured[name].timing.median))
        for r in results
        if r.shape.years == Shape.scaled(1).years and not r.shape.mostly_monthly
    ]
    if len(points) < 2:
        return ""
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return ""
    return f"{sum((x - mean_x) * (y - mean_y) for x, y in points) / spread:.2f}"


def _ms(milliseconds: float) -> str:
    if milliseconds >= 1000:
        return f"{milliseconds / 1000:.2f} s"
    return f"{milliseconds:.0f} ms" if milliseconds >= 10 else f"{milliseconds:.1f} ms"


def _database() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        where = "in memory" if connection.is_in_memory_db() else "on disk"
        return f"SQLite {sqlite3.sqlite_version} (the test database, {where})"
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000} (the test database)"
    return connection.vendor


def _machine(load_before, load_after) -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as file:
            kib = int(file.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"Measured on {date.today():%-d %B %Y} on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores{memory}; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after), Python {platform.python_version()}, Django "
        f"{django.get_version()}, {_database()}; {ROUNDS} runs of each after a warm-up."
    )


def markdown(results: list[AtScale], load_before, load_after) -> str:
    heads = [r.label for r in results]
    lines = [
        _machine(load_before, load_after),
        "",
        "| what | " + " | ".join(heads) + " | growth exponent |",
        "| --- | " + " | ".join("---" for _ in heads) + " | --- |",
        "| indicators, figures, revisions | "
        + " | ".join(f"{r.indicators:,}, {r.values:,}, {r.revisions:,}" for r in results)
        + " | |",
        "| generating it (`generate_council`) | "
        + " | ".join(f"{r.generator_seconds:.1f} s" for r in results)
        + " | |",
    ]
    for name in OPERATIONS:
        cells = [
            f"{_ms(r.measured[name].timing.median)} (p95 {_ms(r.measured[name].timing.p95)})"
            for r in results
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {exponent(results, name)} |")
    lines += [
        "",
        "Queries of each, its median as a multiple of the bare fetch of its rows "
        "(the bare fetch's median in brackets), and the size of what it sends:",
        "",
        "| what | " + " | ".join(heads) + " |",
        "| --- | " + " | ".join("---" for _ in heads) + " |",
    ]
    for name in OPERATIONS:
        cells = []
        for r in results:
            m = r.measured[name]
            size = f", {m.size / 1024:,.0f} KiB" if m.size else ""
            cells.append(
                f"{m.queries} q, {m.timing.median / m.bare.median:.0f}× "
                f"({_ms(m.bare.median)}){size}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


INTRO = """Figures from `bench/bench_scale.py` (run by `make bench`): a council generated with
`manage.py generate_council` (`demo/large.py`) at 1×, 4× and 16× the demo's 159 indicators
over its five years, and the county preset (2,000 indicators, copies mostly monthly, ten
years) when `GOLDEN_THREAD_BENCH_COUNTY=1`. Definitions (bare fetch, p95, growth exponent)
are in the bench file's docstring. The table between the markers is rewritten on each run."""


def write_section(path: Path, table: str, vendor: str = "sqlite") -> None:
    """Put the table between the database's markers, adding them if missing."""
    start, end = MARKERS[vendor]
    text = path.read_text()
    block = f"{start}\n{table}\n{end}"
    if start in text and end in text:
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = before + block + after
    elif SECTION in text:  # the section is there: this database's table goes after the other's
        other_end = MARKERS["sqlite"][1]
        before, _, after = text.partition(other_end)
        text = before + other_end + f"\n\n{block}" + after
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}\n\n{block}\n"
    path.write_text(text)
