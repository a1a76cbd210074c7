"""Hostile input as a property, through the pages: whatever is typed (or sent) into the return
form and the revise form, the answer is the form back with a message saying what is wrong
(400) or the figure saved as the one strict number reading would read it (a redirect), never
an unexpected error; and a refused form changes nothing.

Each example runs in a savepoint rolled back afterwards, so every post meets the same
starting figures (a draft return, or a signed-off figure to revise)."""

from contextlib import contextmanager
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from indicators.entries import MAX_TEXT_LENGTH, NumberError, parse_number
from indicators.models import Value, ValueState
from returns.tests.import_files import database_state
from returns.tests.test_service_return import entry, return_url
from returns.tests.test_value_page import value_url
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What people type, paste or send on purpose instead of a plain number.
HOSTILE_NUMBERS = [
    "",
    " ",
    "45",
    "45.5",
    "+45",
    "-0",
    ".5",
    "45.",
    "1,000.5",
    "1,00",
    "12,5",
    "1_000",
    "45%",
    "£45",
    "45 %",
    "4 5",
    "45\n",
    "\t45",
    "٤٥",  # Arabic-Indic digits
    "४५",  # Devanagari digits
    "４５",  # full-width digits
    "²",
    "Ⅻ",
    "1e2",
    "1E+999999999",
    "1e-400",
    "9" * 400,
    "0." + "0" * 30 + "1",
    "99999999999999.999999",
    "100000000000000",
    "0.0000005",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "0x2D",
    "45\x00",
    "\x00",
    "\x01\x02\x1b[31m",
    "\u202e54",
    "4\u200b5",
    "=1+1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "'; DROP TABLE indicators_value; --",
    "x" * 20_000,
    "4" * 20_000,
]
# Any text a browser can send: every character but lone surrogates, which UTF-8 cannot carry.
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))
NUMBER_TEXT = (
    st.sampled_from(HOSTILE_NUMBERS)
    | st.text(ANY_CHARACTER, max_size=30)
    | st.text(st.sampled_from("0123456789.,+-eE _"), min_size=1, max_size=25)
    | st.decimals(allow_nan=True, allow_infinity=True).map(str)
    | st.decimals(min_value=0, max_value=100, places=3).map(str)
    | st.integers(min_value=-(10**20), max_value=10**20).map(str)
)
FREE_TEXT = st.sampled_from(
    ["", "Checked", "a\x00b", "x" * (MAX_TEXT_LENGTH + 1), "y" * 20_000]
) | st.text(ANY_CHARACTER, max_size=50)


class _ErrorSummary(HTMLParser):
    """The messages listed in a page's GOV.UK error summary."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 inside the summary
        self.messages: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or "govuk-error-summary" in classes:
            self.depth += 1
            if tag == "li":
                self.messages.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.messages:
            self.messages[-1] += data


def error_messages(response) -> list[str]:
    parser = _ErrorSummary()
    parser.feed(response.content.decode())
    return [" ".join(m.split()) for m in parser.messages if m.strip()]


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def strictly_read(text: str) -> Decimal | NumberError | None:
    """What the one strict number reading makes of `text`: a number, nothing, or an error."""
    if not text.strip():
        return None
    try:
        return parse_number(text)
    except NumberError as error:
        return error


def assert_refused_cleanly(response, before) -> None:
    assert response.status_code == 400, response.status_code
    assert error_messages(response), "refused without saying why"
    assert database_state() == before


# The return form


@pytest.fixture
def draft_return(client, today, cycle, officer, recycling, missed_bins):
    """A return with a draft figure for recycling; the officer signed in."""
    client.force_login(officer)
    returns = Returns()
    returns.officer = officer
    return returns.draft(recycling, cycle.period.code, "46", commentary="First go")


@FUZZ
@given(
    field=st.sampled_from(["figure", "numerator", "denominator"]),
    text=NUMBER_TEXT,
    submit=st.booleans(),
)
def test_whatever_is_typed_as_a_number_the_return_answers_cleanly(
    client, cycle, recycling, missed_bins, draft_return, field, text, submit
):
    url = return_url(cycle, recycling.owner)
    fields = {"figure": "46", "numerator": "", "denominator": "", field: text}
    data = {
        "submit" if submit else "save": "1",
        **entry(recycling, commentary="Checked", lock_version=draft_return.lock_version, **fields),
        **entry(missed_bins, figure=text, commentary="Checked", not_available_reason=""),
    }
    read = strictly_read(text)
    with rolled_back():
        before = database_state()

        response = client.post(url, data)

        event(f"{field}: {response.status_code}")
        if isinstance(read, NumberError):
            assert_refused_cleanly(response, before)
            messages = error_messages(response)
            assert any(m.startswith(f"Household waste recycled, {field}: ") for m in messages)
            assert any(
                m.startswith("Missed bins per 100,000 collections, figure: ") for m in messages
            )
        elif response.status_code == 400:
            assert_refused_cleanly(response, before)
        else:
            assert response.status_code == 302
            saved = Value.objects.get(pk=draft_return.pk)
            assert getattr(saved, field) == read
            bins = Value.objects.filter(indicator=missed_bins, period=cycle.period).first()
            assert (bins.figure if bins else None) == read


@FUZZ
@given(
    field=st.sampled_from(["commentary", "reasons", "actions", "not_available_reason"]),
    text=FREE_TEXT,
)
def test_whatever_is_typed_as_text_the_return_answers_cleanly(
    client, cycle, recycling, missed_bins, draft_return, field, text
):
    data = {
        "save": "1",
        **entry(recycling, figure="46", lock_version=draft_return.lock_version, **{field: text}),
        **entry(missed_bins, figure=""),
    }
    with rolled_back():
        before = database_state()

        response = client.post(return_url(cycle, recycling.owner), data)

        event(f"{field}: {response.status_code}")
        refused = "\x00" in text or len(text.strip()) > MAX_TEXT_LENGTH
        if refused or response.status_code == 400:
            assert_refused_cleanly(response, before)
        else:
            assert response.status_code == 302
            assert getattr(Value.objects.get(pk=draft_return.pk), field) == text.strip()


# The revise form


@pytest.fixture
def signed_off(client, cycle, officer, approver, recycling):
    client.force_login(officer)
    returns = Returns()
    returns.officer, returns.approver = officer, approver
    return returns.signed_off(recycling, cycle.period.code, "47", commentary="On the up")


@FUZZ
@given(
    field=st.sampled_from(["figure", "numerator", "denominator", "lock_version"]),
    text=NUMBER_TEXT,
    commentary=FREE_TEXT,
)
def test_whatever_is_typed_into_a_revision_the_value_page_answers_cleanly(
    client, signed_off, field, text, commentary
):
    fields = {"figure": "47.5", "numerator": "", "denominator": "", field: text}
    data = {
        "revise": "1",
        "reason": "Corrected",
        "commentary": commentary,
        "lock_version": signed_off.lock_version,
        **fields,
    }
    read = strictly_read(text)
    with rolled_back():
        before = database_state()

        response = client.post(value_url(signed_off), data)

        event(f"{field}: {response.status_code}")
        if field != "lock_version" and isinstance(read, NumberError):
            assert_refused_cleanly(response, before)
            assert any(
                m.startswith(f"Household waste recycled, {field}: ")
                for m in error_messages(response)
            )
        elif response.status_code == 400:
            assert_refused_cleanly(response, before)
        else:
            assert response.status_code == 302
            revised = Value.objects.get(pk=signed_off.pk)
            assert revised.state == ValueState.SUBMITTED
            if field != "lock_version":
                assert getattr(revised, field) == read
            assert revised.commentary == commentary.strip()
