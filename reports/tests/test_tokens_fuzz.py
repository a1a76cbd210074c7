"""Live-figure tokens in narrative ("[value:RCY-01]") as a property: whatever is typed around,
inside or instead of them, filling them never fails, a token naming no indicator of the
report is refused on saving (or, on a scorecard, left as typed), and no token ever shows a
figure that is not signed off: never a draft, never one awaiting sign-off, and, once the
report is approved, never anything but the figure frozen in its snapshot.

The council here: Testshire's Scrutiny Committee receives the whole scorecard for Q2 2026/27.

| indicator | in the report | Q2 2026/27                                    | shown as |
| --------- | ------------- | --------------------------------------------- | -------- |
| RCY-01    | yes           | 41.238, signed off (target 45)                | 41.2%    |
| DRF-01    | yes           | 66.6, a draft                                 | never    |
| SUB-01    | yes           | 77.7, submitted, awaiting sign-off            | never    |
| OUT-01    | no            | 55.5, signed off (in no set, under no ambition) |        |
"""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import docx
import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from goldenthread.tests import hostile_text as hostile
from indicators.models import IndicatorSet, Period, Target, Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from indicators.workflow import approve_value, revise_value
from organisation.models import Council, Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from reports.building import build_content, report_content
from reports.content import TOKEN, fill_tokens, token_problems
from reports.models import Report
from reports.outputs.docx import render_docx
from reports.outputs.pdf import render_pdf
from reports.outputs.xlsx import render_xlsx
from reports.reporting import NARRATIVE_FIELDS, approve_report, create_report, save_report, seen_now
from reports.tests import samples
from reports.tests.test_outputs import needs_poppler
from scorecards.models import Narrative
from scorecards.narratives import narrative_with_figures
from scorecards.tests.builders import Returns
from strategy.tests.factories import (
    AmbitionFactory,
    CommitteeFactory,
    MeetingFactory,
    OutcomeFactory,
)

UTC = datetime.UTC
Q2 = "2026-27-Q2"
BUILT = datetime.datetime(2026, 11, 10, 10, tzinfo=UTC)
MEETING = datetime.datetime(2026, 11, 24, 18, tzinfo=UTC)

IN_REPORT = ("RCY-01", "DRF-01", "SUB-01")
OUTSIDE = "OUT-01"
UNKNOWN = "NOPE-99"
SIGNED_OFF_SHOWN = "41.2%"
TARGET_SHOWN = "45.0%"
OUTSIDE_SHOWN = "55.5%"
# Figures no token may ever show: a draft, one awaiting sign-off, and RCY-01's figure as
# revised after the report was approved.
NEVER_SHOWN = ("66.6", "77.7", "73.9")
KINDS = ("value", "target", "status", "direction", "period", "last_year")

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Narrative text: words, payloads, tokens good and bad, run together


MALFORMED = [
    "[value:",
    "[value:]",
    "[value: RCY-01]",
    "[value:RCY-01",
    "value:RCY-01]",
    "[VALUE:RCY-01]",
    "[valu:RCY-01]",
    "[value:RCY-01:extra]",
    "[value:[value:RCY-01]]",
    "[[value:RCY-01]]",
    "[value:[status:RCY-01]]",
    "[value:RCY\u201101]",  # a non-breaking hyphen: not the code
    "[figure:RCY-01]",
    "[value:" + "A" * 5_000 + "]",
    "[" * 200,
    "]" * 200,
    "\\[value:RCY-01\\]",
    "&#91;value:RCY-01&#93;",
    "{{ value:RCY-01 }}",
    "%(value)s {0} {value}",
]


def token(kind: str, code: str) -> str:
    return f"[{kind}:{code}]"


TOKENS = st.builds(token, st.sampled_from(KINDS), st.sampled_from([*IN_REPORT, OUTSIDE, UNKNOWN]))
ANY_CODE_TOKENS = st.builds(
    token,
    st.sampled_from(KINDS),
    st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True),
)
FRAGMENTS = (
    TOKENS
    | ANY_CODE_TOKENS
    | st.sampled_from(MALFORMED)
    | st.sampled_from(hostile.PAYLOADS)
    | st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)
    | st.sampled_from(["\n\n", "\n", " ", "[", "]", ":"])
)
NARRATIVE = st.lists(FRAGMENTS, max_size=12).map("".join)
# What a browser may send besides: a NUL, which no form accepts (and PostgreSQL cannot store).
TYPED = st.lists(FRAGMENTS | st.sampled_from(["\x00", "[value:RCY-01\x00]"]), max_size=12).map(
    "".join
)


def named_codes(text: str) -> set[str]:
    return {match.group(2) for match in TOKEN.finditer(text)}


def assert_never_shows_unsigned_figures(filled: str, typed: str) -> None:
    for secret in NEVER_SHOWN:
        assert secret not in filled or secret in typed, secret


# Filling tokens, without a database


ROWS = {row.code: row for rows in samples.sample_rows() for row in rows}


@settings(max_examples=300, deadline=None)
@given(text=NARRATIVE)
def test_filling_any_text_never_fails_and_leaves_what_is_not_a_known_token(text):
    filled = fill_tokens(text, ROWS)

    assert isinstance(filled, str)
    if not named_codes(text) & set(ROWS):
        assert filled == text
    for match in TOKEN.finditer(text):
        if match.group(2) not in ROWS:  # an unknown token stays as typed, every time
            assert filled.count(match.group(0)) >= text.count(match.group(0))
    # What stands between the tokens is kept, in order.
    between = TOKEN.split(text)[::3]
    position = 0
    for part in between:
        found = filled.find(part, position)
        assert found >= 0, part
        position = found + len(part)


@settings(max_examples=300, deadline=None)
@given(text=NARRATIVE)
def test_a_token_naming_no_indicator_of_the_report_is_named_in_a_problem(text):
    problems = token_problems(text, set(ROWS))

    unknown = [m.group(0) for m in TOKEN.finditer(text) if m.group(2) not in ROWS]
    assert len(problems) == len(unknown)
    for problem, typed in zip(problems, unknown, strict=True):
        assert problem.startswith(typed)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("[value:GRN-01]", "48.9%"),
        ("[target:GRN-01]", "50.0%"),
        ("[status:GRN-01]", "Amber"),
        ("[direction:GRN-01]", "improving"),
        ("[period:GRN-02]", "September 2026"),
        ("[last_year:GRN-01]", "46.8%"),
        ("[value:RES-01]", "no figure"),  # Missing: no figure was signed off
        ("[last_year:RES-02]", "£1,150,000"),
        ("[value:[value:GRN-01]]", "[value:48.9%]"),
        ("[value:GRN-01", "[value:GRN-01"),
        ("[Value:GRN-01]", "[Value:GRN-01]"),
        ("[value:XYZ-99]", "[value:XYZ-99]"),
    ],
)
def test_each_token_shows_its_figure_or_stays_as_typed(typed, shown):
    assert fill_tokens(typed, ROWS) == shown


# The council, with figures signed off, drafted and waiting


@dataclass
class Prepared:
    performance: object
    director: object
    returns: Returns
    report: Report


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def council(db) -> Prepared:
    with at(BUILT):
        ensure_periods(first_year=2025, last_year=2026)
        testshire = CouncilFactory(name="Testshire Council")
        place = DirectorateFactory(council=testshire, code="place", name="Place")
        waste = OrgUnitFactory(council=testshire, parent=place, code="waste", name="Waste")
        IndicatorSet.objects.get_or_create(code="strategic", defaults={"name": "Strategic"})
        greener = AmbitionFactory(code="greener", title="A greener Testshire", order=1)
        less_waste = OutcomeFactory(ambition=greener, code="less-waste", title="Less waste")
        committee = CommitteeFactory(
            code="scrutiny", name="Scrutiny Committee", receives_full_scorecard=True
        )
        meeting = MeetingFactory(committee=committee, starts_at=MEETING)
        performance = UserFactory(username="perf", roles=[Role.PERFORMANCE_TEAM])
        director = UserFactory(username="dir", roles=[Role.DIRECTOR], units=[place])
        returns = Returns()
        indicators = {
            code: IndicatorFactory(
                code=code,
                title=f"Indicator {code}",
                owner=waste,
                in_sets=["strategic"] if code in IN_REPORT else [],
                outcomes=[less_waste] if code in IN_REPORT else [],
            )
            for code in (*IN_REPORT, OUTSIDE)
        }
        for indicator in indicators.values():
            Target.objects.create(
                indicator=indicator, period=Period.objects.get(code=Q2), value=Decimal("45")
            )
        returns.signed_off(indicators["RCY-01"], Q2, "41.238")
        returns.draft(indicators["DRF-01"], Q2, "66.6")
        returns.submitted(indicators["SUB-01"], Q2, "77.7")
        returns.signed_off(indicators[OUTSIDE], Q2, "55.5")
        report = create_report(
            by=performance,
            kind="committee",
            period=Period.objects.get(code=Q2),
            title="Quarterly performance report",
            committee=committee,
            meeting=meeting,
        )
    return Prepared(performance, director, returns, report)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@FUZZ
@given(name=st.sampled_from(NARRATIVE_FIELDS), text=NARRATIVE)
def test_a_saved_narrative_shows_only_signed_off_figures_and_refuses_unknown_tokens(
    council, name, text
):
    report = council.report
    outside_the_report = named_codes(text) - set(IN_REPORT)
    with at(BUILT), rolled_back():
        try:
            saved = save_report(
                report, by=council.performance, lock_version=report.lock_version, **{name: text}
            )
        except ValidationError as refused:
            event("refused")
            assert outside_the_report, refused
            [message] = refused.message_dict[name]
            assert re.search(r"names (.+), which is not in this report", message)
            assert Report.objects.get(pk=report.pk).lock_version == report.lock_version
            return
        event("saved")
        assert not outside_the_report
        filled = getattr(build_content(saved), name)

        assert_never_shows_unsigned_figures(filled, text)
        assert not named_codes(filled) & set(IN_REPORT), "a token of the report was left unfilled"
        for kind in ("value", "last_year"):
            for code in ("DRF-01", "SUB-01"):
                if token(kind, code) in text:
                    assert "no figure" in filled
        if token("value", "RCY-01") in text:
            assert SIGNED_OFF_SHOWN in filled

        approved = approve_report(
            saved, by=council.director, seen=seen_now(saved), make_files=False
        )
        assert approved.snapshot[name] == filled


@FUZZ
@given(text=NARRATIVE)
def test_a_scorecard_narrative_fills_only_signed_off_figures_and_leaves_the_rest(council, text):
    narrative = Narrative(going_well=text, not_going_well=text[::-1], being_done="")

    filled = narrative_with_figures(
        narrative,
        period=Period.objects.get(code=Q2),
        today=BUILT.date(),
        council=Council.objects.get(),
    )

    assert set(filled) == {"going_well", "not_going_well", "being_done"}
    assert_never_shows_unsigned_figures(filled["going_well"], text)
    assert_never_shows_unsigned_figures(filled["not_going_well"], text[::-1])
    if token("value", UNKNOWN) in text:
        assert token("value", UNKNOWN) in filled["going_well"]
    if token("value", OUTSIDE) in text:  # signed off, so any signed-in person may read it
        assert OUTSIDE_SHOWN in filled["going_well"]


@FUZZ
@given(texts=st.lists(TYPED, min_size=3, max_size=3))
def test_whatever_is_typed_into_the_report_form_it_answers_cleanly(client, council, texts):
    report = council.report
    client.force_login(council.performance)
    data = {
        "lock_version": report.lock_version,
        "title": report.title,
        "going_well": texts[0],
        "not_going_well": texts[1],
        "being_done": texts[2],
    }
    with at(BUILT), rolled_back():
        before = Report.objects.values().get(pk=report.pk)

        response = client.post(reverse("reports:edit", args=[report.pk]), data)

        event(str(response.status_code))
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert Report.objects.values().get(pk=report.pk) == before
            assert "govuk-error-summary" in response.content.decode()
        else:
            page = client.get(reverse("reports:report", args=[report.pk]))
            assert page.status_code == 200
            for secret in NEVER_SHOWN:
                assert secret not in page.content.decode() or secret in "".join(texts)


# Once approved, the report's figures are its snapshot's, whatever changes after


NARRATIVE_WITH_EVERY_TOKEN = (
    "Recycling was [value:RCY-01] against [target:RCY-01] ([status:RCY-01]). "
    "Drafted: [value:DRF-01]. Waiting: [value:SUB-01]."
)
FILLED = (
    f"Recycling was {SIGNED_OFF_SHOWN} against {TARGET_SHOWN} (Red). "
    "Drafted: no figure. Waiting: no figure."
)


@pytest.fixture
def approved_then_revised(council) -> Report:
    """The report approved with every token, then RCY-01's figure revised to 73.917 and signed
    off again, and DRF-01's draft changed: none of it may reach the approved report."""
    report = council.report
    with at(BUILT):
        report = save_report(
            report,
            by=council.performance,
            lock_version=report.lock_version,
            going_well=NARRATIVE_WITH_EVERY_TOKEN,
            purpose=NARRATIVE_WITH_EVERY_TOKEN,
        )
        report = approve_report(
            report, by=council.director, seen=seen_now(report), make_files=False
        )
    with at(BUILT + datetime.timedelta(days=1)):
        recycling = Value.objects.get(indicator__code="RCY-01", period__code=Q2)
        recycling = revise_value(
            value=recycling,
            entries={"figure": Decimal("73.917")},
            by=council.returns.officer,
            reason="Late tonnage",
        )
        approve_value(value=recycling, by=council.returns.approver)
    return report


def test_an_approved_report_keeps_the_figures_it_was_approved_with(approved_then_revised):
    report = Report.objects.get(pk=approved_then_revised.pk)

    content = report_content(report)

    assert content.going_well == content.purpose == FILLED
    assert build_content(report).going_well.startswith("Recycling was 73.9%")  # a new draft would


def test_no_file_of_an_approved_report_shows_a_figure_after_its_approval(
    approved_then_revised, tmp_path
):
    content = report_content(Report.objects.get(pk=approved_then_revised.pk))

    word = docx.Document(io.BytesIO(render_docx(content, draft=False)))
    word_text = "\n".join(p.text for p in word.paragraphs)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(content, draft=False)))
    cells = " ".join(
        str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    )

    assert FILLED in word_text
    assert "41.2" in cells  # the figure, stored as a number
    for text in (word_text, cells):
        for secret in NEVER_SHOWN:
            assert secret not in text, secret


@needs_poppler
def test_the_pdf_of_an_approved_report_shows_no_figure_after_its_approval(
    approved_then_revised, tmp_path
):
    content = report_content(Report.objects.get(pk=approved_then_revised.pk))
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(content, draft=False))

    text = " ".join(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True)
        .stdout.decode()
        .split()
    )

    assert FILLED in text
    for secret in NEVER_SHOWN:
        assert secret not in text, secret


def test_the_pages_of_an_approved_report_show_no_figure_after_its_approval(
    client, council, approved_then_revised
):
    report = approved_then_revised
    client.force_login(council.performance)
    with at(BUILT + datetime.timedelta(days=2)):
        staff = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    client.logout()
    cache.clear()
    with at(MEETING + datetime.timedelta(hours=1)):
        public = client.get(reverse("publishing:report", args=[report.pk])).content.decode()
    cache.clear()

    for page in (staff, public):
        assert "Recycling was 41.2% against 45.0% (Red)." in " ".join(page.split())
        for secret in NEVER_SHOWN:
            assert secret not in page, secret
