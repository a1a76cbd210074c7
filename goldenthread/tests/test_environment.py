"""Settings helpers: good values are read, malformed ones stop the app with a clear message."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from goldenthread.environment import (
    DEMO_SECRET_KEY,
    env_bool,
    env_int,
    env_list,
    env_secret_key,
    env_str,
)

NAME = "GOLDEN_THREAD_TEST_SETTING"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        (" YES ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_yes_and_no_words(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_bool(NAME, default=not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_gives_the_default(default):
    assert env_bool(NAME, default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "y e s"])
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool(NAME)

    assert str(refused.value) == f"{NAME} must be true or false, not {raw!r}"


@pytest.mark.parametrize(("raw", "expected"), [("25", 25), ("0", 0), ("-3", -3), (" 587 ", 587)])
def test_env_int_reads_whole_numbers(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_int(NAME, 99) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_int_unset_or_blank_gives_the_default(monkeypatch, raw):
    if raw is not None:
        monkeypatch.setenv(NAME, raw)

    assert env_int(NAME, 28800) == 28800


@pytest.mark.parametrize("raw", ["eight", "1.5", "8h", "1e3"])
def test_env_int_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_int(NAME, 1)

    assert str(refused.value) == f"{NAME} must be a whole number, not {raw!r}"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv(NAME, " performance.example.gov.uk, ,localhost,, 127.0.0.1 ")

    assert env_list(NAME, ["default"]) == [
        "performance.example.gov.uk",
        "localhost",
        "127.0.0.1",
    ]


def test_env_list_unset_gives_the_default_and_empty_gives_none(monkeypatch):
    assert env_list(NAME, ["localhost"]) == ["localhost"]

    monkeypatch.setenv(NAME, "")

    assert env_list(NAME, ["localhost"]) == []


def test_env_str_reads_the_value_or_the_default(monkeypatch):
    assert env_str(NAME, "fallback") == "fallback"

    monkeypatch.setenv(NAME, "Europe/London")

    assert env_str(NAME, "fallback") == "Europe/London"


STRONG_KEY = "Vq3-Zp9_xR2mL7tY0sK5wH8nB4cF6gJ1dA-eU_iO3yT7rE2qW9zX5vC8bN0mM4lK"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("short-but-random-Zp9xR2", "it is 23 characters long; use at least 50"),
        ("ab" * 30, "it uses only 2 different characters; use at least 5"),
        ("django-insecure-" + STRONG_KEY, "it is a key Django generated for development"),
        (DEMO_SECRET_KEY, "it is the public demo key"),
    ],
)
def test_a_weak_secret_key_stops_production_from_starting(monkeypatch, key, problem):
    monkeypatch.setenv(NAME, key)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_secret_key(NAME, demo=False)

    assert str(refused.value).startswith(f"{NAME} is too weak for production: {problem}")


def test_a_missing_secret_key_stops_production_from_starting():
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be set"):
        env_secret_key(NAME, demo=False)


def test_a_strong_secret_key_is_used(monkeypatch):
    monkeypatch.setenv(NAME, STRONG_KEY)

    assert env_secret_key(NAME, demo=False) == STRONG_KEY


def test_the_demo_uses_its_public_key_unless_given_one(monkeypatch):
    assert env_secret_key(NAME, demo=True) == DEMO_SECRET_KEY
    monkeypatch.setenv(NAME, "a-short-local-key")
    assert env_secret_key(NAME, demo=True) == "a-short-local-key"
