"""When a request is retried, and how long the SDK waits first.

Retried (CONTRACT section 6): no response at all (a connection error or a
timeout) and the statuses 408, 429, 500, 502, 503 and 504, for every method.
POST, PATCH and DELETE are retried too because they carry an
``Idempotency-Key`` that is the same on every attempt, so the server applies
them once.

The wait is the server's ``Retry-After`` when it sends one that can be read
(RFC 9110 section 10.2.3: seconds or an HTTP date; fractions are accepted,
negative or past means now). A ``Retry-After`` beyond ``max_retry_after`` ends
the retries at once: the error is raised with ``retry_after`` set, so the
caller can decide. Otherwise the wait is exponential backoff with jitter,
capped at ``max_backoff``.

Everything here is free of I/O and shared by ``Client`` and ``AsyncClient``;
``stamina`` runs the loop and sleeps, so its switches apply:
``stamina.set_testing(True)`` makes every wait zero (for tests) and
``stamina.set_active(False)`` turns retrying off process-wide.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import stamina

from ._exceptions import APIConnectionError, APIError, APITimeoutError

__all__ = [
    "RETRYABLE_STATUSES",
    "Attempts",
    "RetryPolicy",
    "parse_retry_after",
    "retrying",
]

logger = logging.getLogger(__name__)

# NOTE: stamina logs each scheduled retry at WARNING on its "stamina" logger.
# In a program without logging set up, Python's last-resort handler would print
# a bare "stamina.retry_scheduled" to stderr on every retry; our own INFO line
# says more. A NullHandler silences only that fallback: where logging is set
# up, stamina's records still propagate as before.
logging.getLogger("stamina").addHandler(logging.NullHandler())

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

_SECONDS = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
# Beyond 2**64 times the initial backoff every wait is the cap anyway.
_MAX_EXPONENT = 64


def parse_retry_after(
    value: str | None, *, now: datetime | None = None
) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value, or None if unreadable.

    Accepts seconds (``"120"``, ``"1.5"``) and HTTP dates
    (``"Wed, 21 Oct 2015 07:28:00 GMT"``). Negative seconds and past dates
    give 0.0. Anything else, including ``"nan"``, gives None.
    """
    if value is None:
        return None
    text = value.strip()
    if _SECONDS.fullmatch(text):
        seconds = float(text)
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        # An HTTP date is always in GMT; "-0000" makes the parser drop the zone.
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait; pure, no I/O.

    Attributes:
        max_retries: Retries after the first attempt; 0 disables retrying.
        initial_backoff: The base of the first wait, in seconds.
        max_backoff: No backoff wait is longer than this.
        max_retry_after: A ``Retry-After`` longer than this is not waited for.
    """

    max_retries: int = 3
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def backoff(
        self, retry_number: int, uniform: Callable[[], float] = random.random
    ) -> float:
        """The wait before retry *retry_number* (1-based), without Retry-After.

        Exponential with "equal jitter": a random point in the upper half of
        ``min(max_backoff, initial_backoff * 2 ** (retry_number - 1))``, so
        clients that failed together do not come back together.
        """
        exponent = min(max(retry_number - 1, 0), _MAX_EXPONENT)
        ceiling = min(self.max_backoff, self.initial_backoff * 2.0**exponent)
        return ceiling / 2 + uniform() * ceiling / 2

    def delay(
        self,
        error: BaseException,
        retry_number: int,
        uniform: Callable[[], float] = random.random,
    ) -> float | None:
        """Seconds to wait before retry *retry_number* after *error*, or None.

        None means: do not retry, let *error* through. That is the answer for
        errors that are not retryable, when the retries are used up, and when
        the server asks for a wait beyond ``max_retry_after``.
        """
        if retry_number > self.max_retries:
            return None
        if isinstance(error, APIError):
            if error.status_code not in RETRYABLE_STATUSES:
                return None
            if error.retry_after is not None:
                if error.retry_after > self.max_retry_after:
                    return None
                return error.retry_after
        elif not isinstance(error, APIConnectionError):
            return None
        return self.backoff(retry_number, uniform)


def _reason(error: BaseException) -> str:
    if isinstance(error, APIError):
        return f"HTTP {error.status_code} {error.code}"
    if isinstance(error, APITimeoutError):
        return "a timeout"
    cause = type(error.__cause__).__name__ if error.__cause__ else "unknown"
    return f"a connection error ({cause})"


class Attempts(Protocol):
    """What ``stamina.retry_context`` returns: attempts for ``for``/``async for``."""

    def __iter__(self) -> Iterator[stamina.Attempt]: ...

    def __aiter__(self) -> AsyncIterator[stamina.Attempt]: ...


class _RetryHook:
    """stamina's ``on=`` hook for one SDK call: retry or not, and how long to wait."""

    def __init__(self, policy: RetryPolicy, what: str) -> None:
        self._policy = policy
        self._what = what
        self._failures = 0

    def __call__(self, error: Exception) -> bool | float:
        self._failures += 1
        delay = self._policy.delay(error, self._failures)
        if delay is None:
            return False

        logger.info(
            "Retrying %s in %.2f s after %s (retry %d of %d).",
            self._what,
            delay,
            _reason(error),
            self._failures,
            self._policy.max_retries,
        )
        return delay


def retrying(policy: RetryPolicy, what: str) -> Attempts:
    """stamina's attempts for one SDK call; iterate with ``for`` or ``async for``.

    *what* names the call in log lines (``"POST /api/v1/developer/projects"``).
    In ``stamina.set_testing(True)`` mode the waits are zero.
    """
    return stamina.retry_context(
        on=_RetryHook(policy, what),
        attempts=policy.max_retries + 1,
        # The attempts bound the loop; stamina's own 45 s budget would cut a
        # wait the server asked for short.
        timeout=None,
    )
