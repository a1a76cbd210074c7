"""Hostile input as a property: whatever file is uploaded, the import ends cleanly (imported,
or refused with messages people can act on), never with an unexpected error, and a refused
file changes nothing."""

import csv
import io
import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from organisation.models import Role
from organisation.tests.factories import UserFactory
from returns.imports import BROKEN, CSV_COLUMNS, start_import
from returns.models import ImportKind, ImportState
from returns.tests.import_files import database_state, filled
from returns.workbooks import return_workbook, safe_text, text_from_cell

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WORKBOOK_FUZZ = settings(FUZZ, max_examples=60)

# Text a cell may hold: anything but the control characters a workbook cannot store.
CELL_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters=[chr(c) for c in range(32)])
    | st.sampled_from(["\t", "\n", "\r"]),
    max_size=40,
)
TRICKY = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        ",",
        "\n",
        "=1+1",
        "'=1+1",
        "-5",
        "@SUM(A1)",
        "45",
        "1,250",
        "1_000",
        "1e-400",
        "NaN",
        "Infinity",
        "٤٥",
        "12,5",
        "-0",
        "99999999999999.999999",
        "100000000000000",
        "0.0000001",
        "WST-01",
        "WST-02",
        "PRK-01",
        "2026-27-Q2",
        "2026-09",
        "final",
        "Provisional",
    ]
)
CSV_CELL = TRICKY | CELL_TEXT


def upload(kind, content: bytes, *, by, cycle=None, service=None, name="fuzz"):
    run = start_import(
        kind=kind,
        upload=SimpleUploadedFile(name, content),
        by=by,
        cycle=cycle,
        service=service,
    )
    run.refresh_from_db()
    return run


def assert_ended_cleanly(run, before) -> None:
    """Imported, or refused with messages and nothing changed: never an unexpected error."""
    event(f"{run.state}, {run.imported_rows} imported")
    assert run.state in (ImportState.DONE, ImportState.FAILED)
    messages = [p["message"] for p in run.problems]
    assert BROKEN.format(name=run.original_name) not in messages
    if run.state == ImportState.FAILED:
        assert messages and all(isinstance(m, str) and m for m in messages)
        assert run.imported_rows == 0
        assert database_state() == before


@pytest.fixture
def performance_team(council):
    return UserFactory(username="perf", roles=[Role.PERFORMANCE_TEAM])


@pytest.fixture
def collected(cycle, recycling, missed_bins, parks):
    from indicators.tests.factories import IndicatorFactory

    IndicatorFactory(code="PRK-01", title="Parks with a Green Flag", owner=parks)


# The CSV of many services' figures


@st.composite
def csv_files(draw) -> bytes:
    """Mostly near-CSVs (the right header, rows of likely and unlikely cells, quoted by a
    CSV writer or joined by hand), sometimes anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=600))
    rows = draw(
        st.lists(
            st.lists(CSV_CELL, min_size=0, max_size=len(CSV_COLUMNS) + 2), min_size=0, max_size=6
        )
    )
    header = list(CSV_COLUMNS)
    if draw(st.booleans()):
        out = io.StringIO(newline="")
        csv.writer(out).writerows([header, *rows])
        text = out.getvalue()
    else:
        text = "\n".join(",".join(row) for row in [header, *rows])
    encoded = text.encode()
    if draw(st.booleans()):
        encoded = "\ufeff".encode() + encoded
    return encoded


@FUZZ
@given(content=csv_files())
def test_any_csv_is_imported_or_refused_cleanly(performance_team, collected, content):
    before = database_state()

    run = upload(ImportKind.CSV, content, by=performance_team, name="fuzz.csv")

    assert_ended_cleanly(run, before)


# The return workbook

CELL_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.decimals(allow_nan=False, allow_infinity=False, places=8, max_value=10**16),
    TRICKY,
    CELL_TEXT,
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
)
HEADERS = ("Code", "Figure", "Numerator", "Denominator", "Data quality", "Commentary", "Why")


@pytest.fixture
def template(council, today, cycle, waste, collected):
    return return_workbook(cycle, waste, today=today, council=council)


@WORKBOOK_FUZZ
@given(
    rows=st.dictionaries(
        st.integers(2, 5), st.dictionaries(st.sampled_from(HEADERS), CELL_VALUE), max_size=3
    )
)
def test_any_cells_in_the_workbook_are_imported_or_refused_cleanly(
    template, officer, cycle, waste, rows
):
    before = database_state()
    content = filled(template, rows)

    run = upload(ImportKind.RETURN_WORKBOOK, content, by=officer, cycle=cycle, service=waste)

    assert_ended_cleanly(run, before)


@WORKBOOK_FUZZ
@given(
    seed=st.integers(0, 2**32 - 1), changes=st.integers(1, 40), cut=st.integers(0, 4) | st.none()
)
def test_any_damage_to_the_workbook_file_is_imported_or_refused_cleanly(
    template, officer, cycle, waste, seed, changes, cut
):
    """Bytes overwritten anywhere in the file (the zip directory, the packed XML), or the
    file cut short."""
    before = database_state()
    shuffle = random.Random(seed)
    damaged = bytearray(filled(template, {3: {"Figure": 12}}))
    for _ in range(changes):
        damaged[shuffle.randrange(len(damaged))] = shuffle.randrange(256)
    if cut is not None:
        damaged = damaged[: len(damaged) * cut // 5]

    run = upload(ImportKind.RETURN_WORKBOOK, bytes(damaged), by=officer, cycle=cycle, service=waste)

    assert_ended_cleanly(run, before)


# Text in and out of a workbook


@settings(max_examples=300, deadline=None)
@given(text=CELL_TEXT | TRICKY | st.text(st.sampled_from("'=+-@\t\r x"), max_size=6))
def test_text_written_to_a_workbook_is_never_a_formula_and_reads_back_exactly(text):
    written = safe_text(text)

    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert text_from_cell(written) == text


@settings(FUZZ, max_examples=30)
@given(
    texts=st.fixed_dictionaries(
        {
            "commentary": CELL_TEXT | TRICKY,
            "reasons": CELL_TEXT,
            "actions": st.text(st.sampled_from("'=+-@ x\n"), max_size=8),
        }
    )
)
def test_an_unchanged_workbook_keeps_any_text_exactly(
    council, today, officer, cycle, waste, missed_bins, collected, texts
):
    from indicators.workflow import record_value

    texts = {name: text.strip() for name, text in texts.items()}  # as the pages keep text
    value = record_value(
        indicator=missed_bins,
        period=cycle.period,
        entries={"figure": Decimal("9"), **texts},
        by=officer,
    )
    content = return_workbook(cycle, waste, today=today, council=council)

    run = upload(ImportKind.RETURN_WORKBOOK, content, by=officer, cycle=cycle, service=waste)

    assert (run.state, run.imported_rows) == (ImportState.DONE, 0), run.problems
    value.refresh_from_db()
    assert {name: getattr(value, name) for name in texts} == texts
