"""The I/O-free half of ``Client`` and ``AsyncClient``: planning a call, turning
responses and httpx errors into the SDK's exceptions, and logging attempts.
The two clients hold only the sending, so each rule here is written once."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx

from pictograph_api.types import UNSET

from ._config import Secret, Settings, check_timeout
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientClosedError,
    InvalidRequestError,
    error_from_response,
    redact,
    unreadable_success,
)
from ._retry import parse_retry_after
from ._types import NotGiven
from ._version import user_agent

__all__ = [
    "Call",
    "Exchange",
    "async_error_hook",
    "error_hook",
    "exchange",
    "http_options",
    "parse_success",
    "plan_call",
]

logger = logging.getLogger(__name__)

_KEY_HEADER = "X-API-Key"
_REDACTED = "[redacted]"
# CONTRACT section 2: the server honours Idempotency-Key on these.
_MUTATING = frozenset({"POST", "PATCH", "DELETE"})
# openapi.yaml, IdempotencyKey: 1 to 255 printable ASCII characters, no space.
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class _APIKeyAuth(httpx.Auth):
    """Adds ``X-API-Key`` to each request; kept out of the client's headers so
    that printing the httpx client or its headers shows no key."""

    def __init__(self, key: Secret) -> None:
        self._key = key

    def auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response]:
        request.headers[_KEY_HEADER] = self._key.reveal()
        yield request

    def __repr__(self) -> str:
        return f"_APIKeyAuth({self._key!r})"


def http_options(settings: Settings) -> dict[str, Any]:
    """Arguments for ``httpx.Client`` / ``httpx.AsyncClient``, hooks aside."""
    return {
        "base_url": settings.base_url,
        "auth": _APIKeyAuth(settings.api_key),
        "headers": {"User-Agent": user_agent(), "Accept": "application/json"},
        # SHORTCOMING: httpx bounds each phase and each read, not the whole
        # attempt: a server that trickles its answer can hold a call longer.
        "timeout": httpx.Timeout(settings.timeout),
        # CONTRACT section 2: the API never redirects; following one could act
        # on another project, so a 3xx is an error like any other.
        "follow_redirects": False,
    }


@dataclass(frozen=True, slots=True)
class Call:
    """One SDK call, planned: what to send, however many attempts it takes."""

    endpoint: ModuleType
    method: str
    path: str
    request: dict[str, Any]
    timeout: float
    # The body's bytes to the public model; applied inside parse_success.
    convert: Callable[[bytes], Any]

    @property
    def http_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def plan_call(
    endpoint: ModuleType,
    params: Mapping[str, Any],
    *,
    settings: Settings,
    timeout: float | NotGiven,
    idempotency_key: object,
    convert: Callable[[bytes], Any],
) -> Call:
    """The request for *endpoint* called with *params*, before any I/O.

    ``None`` and ``NOT_GIVEN`` become the generator's ``UNSET``. POST, PATCH
    and DELETE get an ``Idempotency-Key``: the caller's, or a new one that
    every attempt of this call reuses.

    Raises:
        ValueError: The timeout (None included) or idempotency key is malformed.
        TypeError: An idempotency key that is not a str, or for a method that
            does not take one.
    """
    seconds = (
        settings.timeout
        if isinstance(timeout, NotGiven)
        else check_timeout(timeout, "timeout", error=ValueError)
    )
    arguments = {
        name: UNSET if value is None or isinstance(value, NotGiven) else value
        for name, value in params.items()
    }
    request: dict[str, Any] = endpoint._get_kwargs(**arguments)
    method = str(request["method"]).upper()

    key: str | None = None
    if not isinstance(idempotency_key, NotGiven):
        key = _check_idempotency_key(idempotency_key, method)
    elif method in _MUTATING:
        key = str(uuid.uuid4())
    if key is not None:
        request["headers"] = {**request.get("headers", {}), "Idempotency-Key": key}

    # The generated code quotes every path parameter (safe=""), and puts the
    # query in "params", so the URL is the request's path as sent.
    path = str(request["url"]).split("?")[0]
    return Call(endpoint, method, path, request, seconds, convert)


def _check_idempotency_key(value: object, method: str) -> str:
    if not isinstance(value, str):
        msg = (
            "idempotency_key must be a str, or left out for one made per call, "
            f"not {type(value).__name__} {value!r}."
        )
        raise TypeError(msg)
    if method not in _MUTATING:
        msg = f"idempotency_key applies to POST, PATCH and DELETE, not {method}."
        raise TypeError(msg)
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        msg = (
            "idempotency_key must be 1 to 255 printable ASCII characters without "
            f"spaces, not {value[:40]!r}{'…' if len(value) > 40 else ''} "
            f"({len(value)} characters)."
        )
        raise ValueError(msg)
    return value


def parse_success(call: Call, response: httpx.Response) -> Any:
    """The public model for a success response: its body, read by
    ``call.convert``.

    The one boundary where a success body becomes a model, so every failure
    to read one (a body that is not JSON, a missing field, a number for a
    string, a malformed date...) is caught here and raised as ``APIError``
    (``unexpected_response``), chained.
    """
    try:
        return call.convert(response.content)
    except (
        ArithmeticError,
        AttributeError,
        LookupError,
        RecursionError,
        TypeError,
        ValueError,
    ) as exc:
        # The reader's frames and a JSONDecodeError's ``doc`` hold the body,
        # which a server may have echoed the key into: the chained cause keeps
        # its type and message only (the APIError shows the body, scrubbed).
        if isinstance(exc, json.JSONDecodeError):
            exc.doc = ""
        raise _unreadable(call, response) from exc.with_traceback(None)


def _unreadable(call: Call, response: httpx.Response) -> APIError:
    return unreadable_success(
        response.status_code,
        response.headers,
        response.content,
        str(call),
        secrets=_sent_key(response.request),
    )


def _sent_key(request: httpx.Request) -> tuple[str, ...]:
    # An answered request carries the key it was sent with: what to scrub.
    return (request.headers.get(_KEY_HEADER, ""),)


def _error(response: httpx.Response, body: bytes, key: Secret) -> APIError:
    _hide_key(response.request)
    return error_from_response(
        response.status_code,
        response.headers,
        body,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        secrets=(key.reveal(),),
    )


def _hide_key(request: httpx.Request) -> None:
    """Mask the key in a request that failed, which the exception chain keeps
    (httpx's repr of headers masks ``Authorization`` only); the request is
    never sent again, each attempt builds its own."""
    if _KEY_HEADER in request.headers:
        request.headers[_KEY_HEADER] = _REDACTED


def _hide_request_key(exc: httpx.RequestError) -> None:
    # A transport may raise without the request attached: then none is kept.
    with contextlib.suppress(RuntimeError):
        _hide_key(exc.request)


def _read_body(response: httpx.Response) -> bytes:
    chunks = []
    # A body cut off midway still says enough; the status decides the class.
    with contextlib.suppress(httpx.TransportError, httpx.DecodingError):
        for chunk in response.iter_bytes():
            chunks.append(chunk)
    return b"".join(chunks)


async def _aread_body(response: httpx.Response) -> bytes:
    chunks = []
    # A body cut off midway still says enough; the status decides the class.
    with contextlib.suppress(httpx.TransportError, httpx.DecodingError):
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
    return b"".join(chunks)


# NOTE: the hooks hold the body in no local variable: a server may echo the
# key in it, and error trackers record the locals of every traceback frame.


def error_hook(key: Secret) -> Callable[[httpx.Response], None]:
    """httpx response hook: raise the SDK's exception for any non-2xx."""

    def raise_for_status(response: httpx.Response) -> None:
        if not response.is_success:
            raise _error(response, _read_body(response), key)

    return raise_for_status


def async_error_hook(key: Secret) -> Callable[[httpx.Response], Awaitable[None]]:
    """The same hook for ``httpx.AsyncClient``, which awaits its hooks."""

    async def raise_for_status(response: httpx.Response) -> None:
        if not response.is_success:
            raise _error(response, await _aread_body(response), key)

    return raise_for_status


class Exchange:
    """One attempt's response, recorded so that ``exchange`` can log it."""

    response: httpx.Response | None = None

    def record(self, response: httpx.Response) -> httpx.Response:
        self.response = response
        return response


# What each of httpx's timeouts ran out on. httpx applies the timeout to
# each phase, and to each read of the answer, not to the attempt as a whole.
_TIMED_OUT: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connecting",
    httpx.WriteTimeout: "sending the request",
    httpx.ReadTimeout: "waiting for the answer",
    httpx.PoolTimeout: "waiting for a free connection",
}


def _log_attempt(
    call: Call, attempt: int, started: float, outcome: object, request_id: object
) -> None:
    logger.debug(
        "%s -> %s in %.1f ms (request id %s, attempt %d)",
        call,
        outcome,
        (time.perf_counter() - started) * 1000,
        request_id or "-",
        attempt,
    )


def _closed_meanwhile(check_open: Callable[[], None], exc: Exception) -> None:
    # Closing the client ends the requests it has in flight (another thread's,
    # a page fetched ahead): that is the close, not a fault to retry.
    try:
        check_open()
    except ClientClosedError as closed:
        raise closed from exc


@contextlib.contextmanager
def exchange(
    call: Call, attempt: int, check_open: Callable[[], None]
) -> Iterator[Exchange]:
    """Around one attempt: log it, and translate httpx's exceptions (the one
    boundary where they become the SDK's, chained with ``from``).

    ``check_open`` raises ``ClientClosedError`` once the client is closed:
    before each attempt, and for a failure that the close caused.
    """
    check_open()
    sent = Exchange()
    started = time.perf_counter()
    try:
        yield sent
    except httpx.TimeoutException as exc:
        _hide_request_key(exc)
        _log_attempt(call, attempt, started, type(exc).__name__, None)
        _closed_meanwhile(check_open, exc)
        waited = _TIMED_OUT.get(type(exc), "waiting")
        msg = (
            f"{call} timed out: {waited} took longer than the "
            f"{call.timeout:g} s timeout ({type(exc).__name__})."
        )
        raise APITimeoutError(msg) from exc
    except httpx.RequestError as exc:
        _hide_request_key(exc)
        _log_attempt(call, attempt, started, type(exc).__name__, None)
        _closed_meanwhile(check_open, exc)
        msg = f"{call} got no complete response: {exc or type(exc).__name__}"
        raise APIConnectionError(msg) from exc
    except (httpx.InvalidURL, httpx.CookieConflict, UnicodeEncodeError) as exc:
        # Raised while httpx builds the request, before anything is sent.
        msg = f"{call} could not be sent: {exc}"
        raise InvalidRequestError(msg) from exc
    except APIError as exc:
        _log_attempt(call, attempt, started, exc.status_code, exc.request_id)
        raise
    except RuntimeError as exc:
        # httpx's own "the client has been closed", when the close came
        # between the check above and the send.
        _closed_meanwhile(check_open, exc)
        raise

    response = sent.response
    if response is not None:
        request_id = redact(
            response.headers.get("x-request-id"), _sent_key(response.request)
        )
        _log_attempt(call, attempt, started, response.status_code, request_id)
