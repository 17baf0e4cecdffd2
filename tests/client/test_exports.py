"""The package's public names are exactly those in ``__all__``."""

from __future__ import annotations
import __future__

import types

import pictograph


def test_all_lists_every_public_name_and_only_those() -> None:
    public = {
        name
        for name, value in vars(pictograph).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType | __future__._Feature)
    }

    assert public | {"__version__"} == set(pictograph.__all__)


def test_every_exception_derives_from_pictograph_error() -> None:
    exceptions = [
        value
        for value in vars(pictograph).values()
        if isinstance(value, type) and issubclass(value, BaseException)
    ]

    assert exceptions
    assert all(issubclass(error, pictograph.PictographError) for error in exceptions)
