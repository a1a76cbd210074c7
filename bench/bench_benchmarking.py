"""Time of importing a published statistic of a million rows (long layout, many metrics in one
file), and of re-importing it unchanged.

Prints the figure in docs/benchmarking.md ("How fast"); asserts only the counts (machines
differ in speed). The file is synthetic: every area × 25 financial years × 86 metrics, cut at
1,000,000 rows, with a marker in every 50th row.
"""

import csv
import time

import pytest

from benchmarking.areas import load_areas
from benchmarking.importing import import_benchmark
from benchmarking.models import Area

ROWS = 1_000_000
METRICS = 86
YEARS = [f"{year}-{(year + 1) % 100:02d}" for year in range(1999, 2024)]


@pytest.fixture
def million_rows(db, tmp_path):
    load_areas()
    codes = [gss or code for gss, code in Area.objects.values_list("gss_code", "code")]
    description = tmp_path / "synthetic.toml"
    metrics = "\n".join(
        f'[[metrics]]\ncode = "synthetic-{n}"\nwhen = "M{n}"\ntitle = "Metric {n}"\n'
        f'polarity = "higher_is_better"\n'
        for n in range(METRICS)
    )
    description.write_text(
        '[source]\nname = "Synthetic"\npublisher = "Bench"\nlicence = "OGL"\nrelease = "1"\n\n'
        '[layout]\nshape = "long"\narea_code_column = "code"\nmetric_column = "metric"\n'
        'period_column = "year"\nvalue_column = "value"\n\n[markers]\n":" = "not available"\n\n'
        + metrics
    )
    data = tmp_path / "synthetic.csv"
    with open(data, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["code", "metric", "year", "value"])
        written = 0
        for n in range(METRICS):
            for year in YEARS:
                for code in codes:
                    if written == ROWS:
                        break
                    value = ":" if written % 50 == 0 else f"{(written * 7919) % 100000 / 100:.2f}"
                    writer.writerow([code, f"M{n}", year, value])
                    written += 1
    return description, data


def test_a_million_row_import(million_rows):
    description, data = million_rows
    start = time.perf_counter()
    report = import_benchmark(description, data)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = import_benchmark(description, data)
    second = time.perf_counter() - start
    print(f"\n[bench] benchmarking import, {ROWS:,} rows, new: {first:.1f} s")
    print(f"[bench] benchmarking import, {ROWS:,} rows, unchanged re-import: {second:.1f} s")
    assert (report.rows_read, report.created, report.markers) == (ROWS, ROWS, ROWS // 50)
    assert (again.created, again.changed, again.unchanged) == (0, 0, ROWS)
