"""The one strict reading of numbers, and the limits on what a value can hold."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.entries import (
    MAX_TEXT_LENGTH,
    MISPLACED_COMMA,
    NOT_A_NUMBER,
    TEXT_TOO_LONG,
    TOO_LARGE,
    TOO_MANY_PLACES,
    NumberError,
    entry_problems,
    number_from_cell,
    parse_number,
)


def refusal(text: str) -> str:
    with pytest.raises(NumberError) as error:
        parse_number(text)
    return error.value.message


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("45", Decimal("45")),
        ("-3.25", Decimal("-3.25")),
        ("+7", Decimal("7")),
        ("1,250", Decimal("1250")),
        ("12,345,678.5", Decimal("12345678.5")),
        (".5", Decimal("0.5")),
        ("0.000001", Decimal("0.000001")),
        ("1.5000000000", Decimal("1.5")),
        (" 92.5 ", Decimal("92.5")),
        ("-0", Decimal("0")),
        ("99999999999999.999999", Decimal("99999999999999.999999")),
    ],
)
def test_plain_decimal_numbers_are_read(text, number):
    parsed = parse_number(text)

    assert parsed == number
    assert parsed.as_tuple().exponent >= -6
    assert not parsed.is_signed() or parsed < 0


@pytest.mark.parametrize(
    "text",
    [
        "1_000",  # Python's digit grouping
        "١٢٣",  # Arabic-Indic digits
        "１２",  # full-width digits
        "1e-400",
        "1E5",
        "NaN",
        "Infinity",
        "-inf",
        "0x1F",
        "1 000",
        "−5",  # a minus sign, not a hyphen
        "5%",
        "£5",
        "",
        "-",
        ".",
        "--5",
    ],
)
def test_anything_else_is_not_a_number(text):
    assert refusal(text) == NOT_A_NUMBER.format(text=text.strip(), example="92.5")


@pytest.mark.parametrize("text", ["12,5", "1,2345", "1.234,5", ",5", "1,,000"])
def test_commas_out_of_place_say_where_commas_go(text):
    assert refusal(text) == MISPLACED_COMMA.format(text=text)


def test_numbers_that_do_not_fit_a_stored_figure_are_refused_saying_why():
    assert refusal("100000000000000") == TOO_LARGE.format(text="100000000000000")
    assert refusal("-100,000,000,000,000") == TOO_LARGE.format(text="-100,000,000,000,000")
    assert refusal("0.0000001") == TOO_MANY_PLACES.format(text="0.0000001")


def test_a_long_refused_entry_is_quoted_only_in_part():
    message = refusal("9" * 10_000 + "x")

    assert message == NOT_A_NUMBER.format(text="9" * 39 + "…", example="92.5")


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (45, Decimal("45")),
        (48.5, Decimal("48.5")),
        (0.1, Decimal("0.1")),
        (1 / 3, Decimal("0.333333")),  # a spreadsheet's binary fraction, as stored
        (Decimal("12.25"), Decimal("12.25")),
        ("1,250", Decimal("1250")),
    ],
)
def test_numeric_cells_are_read_and_binary_fractions_rounded(cell, number):
    assert number_from_cell(cell) == number


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (True, NOT_A_NUMBER.format(text="TRUE", example="1250")),
        (float("inf"), NOT_A_NUMBER.format(text="inf", example="1250")),
        (float("nan"), NOT_A_NUMBER.format(text="nan", example="1250")),
        (1e20, TOO_LARGE.format(text="100000000000000000000")),
        (10**15, TOO_LARGE.format(text="1000000000000000")),
        ("1e3", NOT_A_NUMBER.format(text="1e3", example="1250")),
    ],
)
def test_cells_that_are_not_storable_numbers_are_refused(cell, message):
    with pytest.raises(NumberError) as error:
        number_from_cell(cell, example="1250")

    assert error.value.message == message


def test_entries_a_value_cannot_hold_are_named_by_field():
    entries = {
        "figure": Decimal("1E+15"),
        "numerator": Decimal("0.1234567"),
        "denominator": 4.5,
        "commentary": "x" * (MAX_TEXT_LENGTH + 1),
        "reasons": "y" * MAX_TEXT_LENGTH,
    }

    assert entry_problems(entries) == {
        "figure": "The figure: " + TOO_LARGE.format(text="1000000000000000"),
        "numerator": "The numerator: " + TOO_MANY_PLACES.format(text="0.1234567"),
        "denominator": "The denominator: " + NOT_A_NUMBER.format(text="4.5", example="92.5"),
        "commentary": TEXT_TOO_LONG.format(
            what="The commentary", length=MAX_TEXT_LENGTH + 1, limit=MAX_TEXT_LENGTH
        ),
    }
    assert entry_problems({"figure": Decimal("45"), "commentary": "Fine", "actions": ""}) == {}


# Properties

storable = st.decimals(
    min_value=Decimal("-99999999999999.999999"),
    max_value=Decimal("99999999999999.999999"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


def with_commas(number: Decimal) -> str:
    return f"{number:,f}"


@settings(max_examples=200, deadline=None)
@given(storable, st.booleans())
def test_every_storable_number_written_plainly_reads_back_as_itself(number, commas):
    text = with_commas(number) if commas else format(number, "f")

    assert parse_number(text) == number


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_number_or_refused_with_a_message(text):
    try:
        number = parse_number(text)
    except NumberError as error:
        assert error.message
        assert error.message in {
            template.format(text=text.strip(), example="92.5")
            for template in (NOT_A_NUMBER, MISPLACED_COMMA, TOO_MANY_PLACES, TOO_LARGE)
        }
    else:
        assert number.is_finite()
        assert abs(number) < Decimal(10) ** 14
        assert number.as_tuple().exponent >= -6
        stripped = text.strip()
        assert set(stripped) <= set("0123456789+-.,")


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        st.text(max_size=30),
        st.dates(),
    )
)
def test_any_cell_is_a_storable_number_or_refused_with_a_message(cell):
    try:
        number = number_from_cell(cell)
    except NumberError as error:
        assert error.message
    else:
        assert not isinstance(cell, bool)
        assert number.is_finite()
        assert abs(number) < Decimal(10) ** 14
        assert number.as_tuple().exponent >= -6
