"""The API is tested against the public site's world: Testshire, with the Q1 report released
and the Q2 report under embargo until 6pm on 24 November 2026 (publishing/tests/conftest.py)."""

from publishing.tests.conftest import _empty_cache, provisional, published  # noqa: F401
