"""What a value's entries may hold, and the one strict reading of the numbers typed into them.

Every way a figure comes in (the return and revise forms, the CSV and workbook imports, the
admin) reads numbers with `parse_number` or `number_from_cell`, and the workflow checks
`entry_problems` before it saves, so no path stores what another refuses. See
docs/imports.md for what is accepted.
"""

from __future__ import annotations

import re
from decimal import Decimal

from status.numbers import round_half_up

DECIMAL_PLACES = 6  # as Value stores figures: 20 digits, 6 of them after the point
INTEGER_DIGITS = 14
LARGEST = Decimal(10) ** INTEGER_DIGITS  # the first number too large to store
MAX_TEXT_LENGTH = 10_000  # characters of commentary, reasons, actions, …
NUMBER_FIELDS = ("figure", "numerator", "denominator")
TEXT_FIELDS = ("commentary", "reasons", "actions", "not_available_reason")
FIELD_NAMES = {
    "figure": "The figure",
    "numerator": "The numerator",
    "denominator": "The denominator",
    "commentary": "The commentary",
    "reasons": "Why performance is as it is",
    "actions": "What is being done",
    "not_available_reason": "Why there is no figure",
}
SHOWN_CHARACTERS = 40  # of a refused entry, quoted back in its message

NOT_A_NUMBER = "“{text}” is not a number. Enter a number like {example}"
MISPLACED_COMMA = (
    "“{text}” is not a number: use commas only between thousands and a point before any "
    "decimals, like 1,250.5"
)
TOO_MANY_PLACES = "“{text}” has more than 6 decimal places. Round it to 6 decimal places or fewer"
TOO_LARGE = (
    "{text} is too large. Enter a number between -100,000,000,000,000 and "
    "100,000,000,000,000 (14 digits before the point)"
)
TEXT_TOO_LONG = "{what} is {length:,} characters long; the limit is {limit:,}. Shorten it"
ENTRY_PROBLEM = "{what}: {problem}"

# Plain decimal notation in ASCII digits: an optional sign, commas only between groups of
# three, an optional point. No spaces, underscores, exponents, other digits or words.
PLAIN_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)")
WITH_COMMAS = re.compile(r"[+-]?[0-9.,]*,[0-9.,]*")


class NumberError(ValueError):
    """An entry that is not a number a value can hold; `message` says why and what to enter."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def shown_text(text: str) -> str:
    """An entry as quoted back in a message: its start, if it is long."""
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return text[: SHOWN_CHARACTERS - 1] + "…"


def parse_number(text: str, *, example: str = "92.5") -> Decimal:
    """A number typed as text, like ``-1,250.5``; NumberError for anything else, including
    more than 6 decimal places or a number too large to store."""
    text = text.strip()
    if not PLAIN_NUMBER.fullmatch(text):
        template = MISPLACED_COMMA if WITH_COMMAS.fullmatch(text) else NOT_A_NUMBER
        raise NumberError(template.format(text=shown_text(text), example=example))
    number = Decimal(text.replace(",", ""))
    problem = _fit_problem(number, shown_text(text))
    if problem:
        raise NumberError(problem)
    return _as_stored(number)


def number_from_cell(value, *, example: str = "92.5") -> Decimal:
    """A spreadsheet cell's value as a number: text is read by `parse_number`; a numeric
    cell must be finite and is rounded half-up to 6 decimal places, since a spreadsheet
    holds binary fractions (0.1 is 0.1000000000000000055…); TRUE and FALSE are refused."""
    if isinstance(value, str):
        return parse_number(value, example=example)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        shown = str(value).upper() if isinstance(value, bool) else str(value)
        raise NumberError(NOT_A_NUMBER.format(text=shown_text(shown), example=example))
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise NumberError(NOT_A_NUMBER.format(text=str(value), example=example))
    if abs(number) < LARGEST:
        number = _as_stored(number)
    problem = _fit_problem(number, shown_text(_plain(number)))
    if problem:
        raise NumberError(problem)
    return number


def number_problem(number) -> str | None:
    """Why a number cannot be stored in a value (None if it can): not a finite Decimal or
    whole number, too large, or more than 6 decimal places."""
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, int | Decimal):
        return NOT_A_NUMBER.format(text=shown_text(str(number)), example="92.5")
    number = Decimal(number)
    if not number.is_finite():
        return NOT_A_NUMBER.format(text=str(number), example="92.5")
    return _fit_problem(number, shown_text(_plain(number)))


def text_problem(text: str, *, what: str) -> str | None:
    """Why a piece of text is too long to keep (None if it is not)."""
    if len(text) <= MAX_TEXT_LENGTH:
        return None
    return TEXT_TOO_LONG.format(what=what, length=len(text), limit=MAX_TEXT_LENGTH)


def entry_problems(entries: dict) -> dict[str, str]:
    """Field name → why a value cannot hold it: numbers that do not fit and text over the
    length limit. The workflow refuses any entries with problems, whoever sends them."""
    problems = {}
    for name in NUMBER_FIELDS:
        problem = number_problem(entries.get(name))
        if problem:
            problems[name] = ENTRY_PROBLEM.format(what=FIELD_NAMES[name], problem=problem)
    for name in TEXT_FIELDS:
        problem = text_problem(entries.get(name) or "", what=FIELD_NAMES[name])
        if problem:
            problems[name] = problem
    return problems


def _fit_problem(number: Decimal, shown: str) -> str | None:
    if abs(number) >= LARGEST:
        return TOO_LARGE.format(text=shown)
    # Trailing zeros do not count: 1.50000000 is 1.5.
    if number.as_tuple().exponent < -DECIMAL_PLACES and number != round_half_up(
        number, DECIMAL_PLACES
    ):
        return TOO_MANY_PLACES.format(text=shown)
    return None


def _as_stored(number: Decimal) -> Decimal:
    """At most 6 decimal places (1.5000000 is 1.500000), and never -0."""
    if number.as_tuple().exponent < -DECIMAL_PLACES:
        number = round_half_up(number, DECIMAL_PLACES)
    return abs(number) if number.is_zero() else number


def _plain(number: Decimal) -> str:
    """1200.000000 as "1200", not "1.2E+3" (but a number of a thousand digits as 1E+999)."""
    if not number.is_finite() or abs(number.adjusted()) > SHOWN_CHARACTERS:
        return str(number)
    return format(number, "f")
