"""A string enum whose members carry a stable slug and a human label."""

from enum import StrEnum
from typing import Self


class LabelledChoice(StrEnum):
    """Members are declared as ``slug = "slug", "Label"``.

    The value (slug) is stable: it is stored, used as a CSS class and sent by the API. The label
    is the text shown to people, so status is never carried by colour or icon alone.
    """

    _label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, in declaration order, for form and model field choices."""
        return [(member.value, member.label) for member in cls]
