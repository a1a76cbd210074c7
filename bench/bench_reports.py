"""Speed of building a committee report and making its files, with the whole demo council.

Prints figures for docs/performance.md; asserts nothing about time (machines differ).
"""

import json

import pytest
from django.db import connection
from django.urls import reverse

from bench.bench_scorecard import timed
from organisation.models import User
from reports.building import build_content
from reports.content import ReportContent
from reports.models import Report
from reports.outputs import renderer


@pytest.mark.django_db
def test_report_speed(demo_db, client):
    report = Report.objects.get(
        committee__code="cabinet", period__code="2026-27-Q2", kind="committee"
    )
    build_median, build_max = timed(lambda: build_content(report), rounds=5)
    content = build_content(report)
    snapshot = json.dumps(content.to_snapshot())
    thaw_median, _ = timed(lambda: ReportContent.from_snapshot(json.loads(snapshot)))
    lines = [
        f"\n[bench] {connection.vendor}: cabinet report, {len(content.rows())} indicators",
        f"[bench] report content built: median {build_median:.0f} ms, max {build_max:.0f} ms",
        f"[bench] snapshot: {len(snapshot) // 1024} KiB, read back in {thaw_median:.1f} ms",
    ]
    for output_format in ("pdf", "docx", "xlsx"):
        made = {}

        def make(output_format=output_format, made=made):
            made["data"] = renderer(output_format)(content, draft=False, progress=None)

        median, worst = timed(make, rounds=3)
        lines.append(
            f"[bench] {output_format}: median {median:.0f} ms, max {worst:.0f} ms, "
            f"{len(made['data']) // 1024} KiB"
        )
    client.force_login(User.objects.get(username="performance"))
    url = reverse("reports:report", args=[report.pk])
    page_median, page_max = timed(lambda: client.get(url), rounds=5)
    size = len(client.get(url).content)
    lines.append(
        f"[bench] staff report page: median {page_median:.0f} ms, max {page_max:.0f} ms, "
        f"{size // 1024} KiB"
    )
    print("\n".join(lines))
