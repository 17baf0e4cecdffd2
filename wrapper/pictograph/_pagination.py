from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, overload

import attrs

from pictograph._exceptions import PictographError
from pictograph._rules import has_lone_surrogate

__all__ = [
    "MAX_PAGE_SIZE",
    "Page",
    "PageWalk",
    "PaginationError",
    "check_cursor",
    "check_flag",
    "check_limit",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
C = TypeVar("C")

MAX_PAGE_SIZE = 1000
"""The most items the server returns in one page (CONTRACT section 2)."""

MAX_CURSOR_LENGTH = 512
"""openapi.yaml, parameter Cursor: the longest cursor the API accepts."""


@attrs.frozen(repr=False)
class Page(Sequence[T]):
    """One page of a list: a read-only sequence of items, and where it stands.

    ``has_more`` says whether items follow this page; pass ``next_cursor`` as
    ``cursor=`` to ``list`` to fetch them (it is ``None`` on the last page).
    """

    items: tuple[T, ...]
    has_more: bool
    next_cursor: str | None

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"Page({len(self.items)} items, has_more={self.has_more}, "
            f"next_cursor={self.next_cursor!r})"
        )


def check_limit(value: object, argument: str, maximum: int | None = None) -> int:
    """``value`` if it is a whole number in range, else the misuse as an error."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{argument} must be an int, not {type(value).__name__} {value!r}."
        raise TypeError(msg)
    if value < 1:
        msg = f"{argument} must be at least 1, not {value!r}."
        raise ValueError(msg)
    if maximum is not None and value > maximum:
        msg = f"{argument} must be at most {maximum}, not {value!r}."
        raise ValueError(msg)
    return value


def check_flag(value: object, argument: str) -> bool:
    """``value`` if it is a bool, else the misuse as an error."""
    if not isinstance(value, bool):
        msg = f"{argument} must be True or False, not {type(value).__name__} {value!r}."
        raise TypeError(msg)
    return value


def check_cursor(value: object) -> str | None:
    if value is None:
        return value
    if not isinstance(value, str):
        msg = f"cursor must be a str from a page's next_cursor, not {value!r}."
        raise TypeError(msg)
    if not 1 <= len(value) <= MAX_CURSOR_LENGTH or has_lone_surrogate(value):
        shown = f"{value[:40]!r}{'…' if len(value) > 40 else ''}"
        msg = (
            f"cursor must be a page's next_cursor: 1 to {MAX_CURSOR_LENGTH} "
            f"characters of valid text, not {shown} ({len(value)} characters)."
        )
        raise ValueError(msg)
    return value


class PageWalk(Generic[T, C]):
    """The next-page decisions of ``list`` and ``iter``, with no I/O in them.

    The caller asks ``next_call()`` for the request to send (built by
    ``request(limit, cursor)``), sends it, and hands the page to ``add()``,
    until ``next_call()`` returns ``None``. With a ``total``, the walk stops
    once that many items have come (``list``); without one, it runs to the
    last page (``iter``). A server that repeats a cursor, or says more items
    follow without giving a cursor, stops the walk with an error rather than
    an endless loop.
    """

    def __init__(
        self,
        request: Callable[[int, str | None], C],
        *,
        page_size: int = MAX_PAGE_SIZE,
        total: int | None = None,
        cursor: str | None = None,
    ) -> None:
        self._request = request
        self._page_size = page_size
        self._remaining = total
        self._cursor = cursor
        self._seen = {cursor}
        self._done = False
        self._items: list[T] = []
        self._last: Page[T] | None = None

    def next_call(self) -> C | None:
        """The request for the next page, or ``None`` when the walk is over."""
        if self._done:
            return None
        size = self._page_size
        if self._remaining is not None:
            size = min(size, self._remaining)
        return self._request(size, self._cursor)

    def add(self, page: Page[T]) -> tuple[T, ...]:
        """Take in a page just fetched; returns its items."""
        self._last = page
        if self._remaining is not None:
            self._items += page.items
            self._remaining -= len(page.items)
        if not page.has_more or (self._remaining is not None and self._remaining <= 0):
            logger.debug("pagination: stopping after a page of %d", len(page))
            self._done = True
            return page.items

        if not page.items:
            msg = (
                "The server sent an empty page and said more items follow; "
                "stopping instead of fetching empty pages without end."
            )
            raise PaginationError(msg)
        if page.next_cursor is None:
            msg = (
                "The server said more items follow but sent no next_cursor; "
                "stopping instead of starting over."
            )
            raise PaginationError(msg)
        if page.next_cursor in self._seen:
            msg = (
                f"The server repeated the cursor {page.next_cursor!r}; "
                "stopping instead of looping over the same pages."
            )
            raise PaginationError(msg)
        self._seen.add(page.next_cursor)
        self._cursor = page.next_cursor
        logger.debug("pagination: page of %d, more to fetch", len(page))
        return page.items

    def page(self) -> Page[T]:
        """Every item taken so far as one page, ending where the last one did."""
        assert self._last is not None, "page() before any page was added"
        return Page(tuple(self._items), self._last.has_more, self._last.next_cursor)


class PaginationError(PictographError, RuntimeError):
    """The server's pages do not lead to an end: a repeated or missing cursor.

    Raised by ``iter`` and ``list`` instead of fetching the same pages forever.
    """
