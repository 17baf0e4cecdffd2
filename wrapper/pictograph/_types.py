from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["NOT_GIVEN", "NotGiven"]


class NotGiven(enum.Enum):
    """The type of ``NOT_GIVEN``: "the caller did not pass this argument".

    Distinct from ``None``, which can mean "clear this field" (a project's
    description). Falsy, so ``if timeout:`` reads naturally.
    """

    NOT_GIVEN = enum.auto()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
