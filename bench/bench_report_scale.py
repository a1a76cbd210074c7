"""The PDF of a large committee report: the whole scorecard of a council four times the
demo's size (about 175 strategic indicators), built and laid out once.

Issue 17 asks for a 150-indicator report's PDF within 15 s on the 2-core machine. Prints the
figures for docs/performance.md; asserts nothing about time (machines differ).
Environment: GOLDEN_THREAD_BENCH_REPORT_SCALE (default 4) sets the size.
"""

import os
import subprocess
import tempfile
import time

import pytest
from django.db import connection

from demo.large import Shape, generate_council, release_quarter_report
from reports.building import build_content
from reports.outputs import renderer

from .bench_scale import DEMO_TODAY


@pytest.mark.django_db
def test_the_pdf_of_a_large_report(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: DEMO_TODAY)
    shape = Shape.scaled(float(os.environ.get("GOLDEN_THREAD_BENCH_REPORT_SCALE", "4")))
    generate_council(
        indicators=shape.indicators,
        years=shape.years,
        directorates=shape.directorates,
        services=shape.services,
        benchmark_values=0,
        mostly_monthly=shape.mostly_monthly,
        today=DEMO_TODAY,
        replace_existing=True,
    )
    report = release_quarter_report(today=DEMO_TODAY)

    start = time.perf_counter()
    content = build_content(report)
    built = time.perf_counter() - start
    start = time.perf_counter()
    pdf = renderer("pdf")(content, draft=False, progress=None)
    laid_out = time.perf_counter() - start

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")
    print(
        f"\n[bench] {connection.vendor}: report of {len(content.rows())} indicators "
        f"({shape.indicators} in the council): content built in {built:.1f} s, "
        f"PDF in {laid_out:.1f} s, {pages} pages, {len(pdf) // 1024} KiB",
        flush=True,
    )
