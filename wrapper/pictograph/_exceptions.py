"""The exceptions the SDK raises, and the one place a response becomes one.

    PictographError
    ├── ConfigurationError        bad settings, found before any request
    ├── ClientClosedError         the client was used after close()/aclose()
    ├── InvalidRequestError       httpx could not build the request; not sent
    ├── APIConnectionError        no HTTP response: refused, reset, cut off
    │   └── APITimeoutError       no response within the timeout
    └── APIError                  an HTTP response that is not a success
        ├── AuthenticationError   401
        ├── ForbiddenError        403
        ├── NotFoundError         404
        ├── ConflictError         409
        ├── PreconditionFailedError 412
        ├── ValidationError       400, 422, and client-side checks
        ├── RateLimitError        429
        └── ServerError           5xx

Any other status (a redirect, 405, 408, 413, 415, 418, ...) raises ``APIError``
itself, with ``status_code`` and ``code`` telling which. Every ``APIError``
carries ``status_code``, ``code``, ``message``, ``details`` and ``request_id``,
also when the body was HTML, empty, cut off or not the JSON error envelope.
"""

from __future__ import annotations

import http
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._rules import FieldError, validation_summary

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "ForbiddenError",
    "InvalidRequestError",
    "NotFoundError",
    "PictographError",
    "PreconditionFailedError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "error_from_response",
    "redact",
    "unreadable_success",
]

_SNIPPET_LENGTH = 200
# str() of a ValidationError lists at most this many broken rules.
_LISTED_ERRORS = 10
_REDACTED = "[redacted]"

# CONTRACT section 2: the code the server uses for each status. An error body
# that is not the envelope gets the code its status would have had.
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class PictographError(Exception):
    """The base of every exception the SDK raises on purpose."""


class ConfigurationError(PictographError, ValueError):
    """A setting is missing or malformed; raised before any request is sent."""


class ClientClosedError(PictographError, RuntimeError):
    """The client was used after ``close()``/``aclose()`` (nothing was sent),
    or closed while a request was under way (its answer is lost, and the
    request is not retried).

    A closed client cannot be reopened: create a new one.
    """


class InvalidRequestError(PictographError, ValueError):
    """The request could not be built (httpx refused its URL or a header), so
    nothing was sent and nothing is retried. The httpx error is the cause."""


class APIConnectionError(PictographError):
    """The request got no HTTP response: refused, reset, or cut off midway.

    The httpx exception is chained as ``__cause__``. Retried (see ``Client``).
    """


class APITimeoutError(APIConnectionError):
    """No response came within the timeout. Retried like a connection error."""


class APIError(PictographError):
    """The server answered with a status that is not a success.

    Attributes:
        status_code: The HTTP status, or None for an error found client-side.
        code: The error code from the body (``"not_found"``), or one derived
            from the status when the body carried none.
        message: What the server said, or a description of what it sent.
        details: The error's facts (``details.errors`` for validation errors).
        request_id: The ``X-Request-Id`` of the response; quote it to support.
        retry_after: Seconds the server asked us to wait (``Retry-After``).
        headers: The response headers, when there was a response.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None,
        code: str,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.code = code
        self.details: dict[str, Any] = dict(details or {})
        self.request_id = request_id
        self.retry_after = retry_after
        self.headers: Mapping[str, str] = headers or {}
        super().__init__(self._summary())

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat Exception's own pickling, which process
        # pools need to hand an error back to the parent.
        return (_rebuild, (type(self), self.message, vars(self)))

    def _summary(self) -> str:
        facts = [self.code]
        if self.status_code is not None:
            facts.insert(0, f"HTTP {self.status_code}")
        if self.request_id:
            facts.append(f"request id {self.request_id}")
        return f"{self._described()} ({', '.join(facts)})"

    def _described(self) -> str:
        return self.message


def _rebuild(cls: type[APIError], message: str, state: dict[str, Any]) -> APIError:
    fields = ("status_code", "code", "details", "request_id", "retry_after", "headers")
    error = cls(message, **{name: state[name] for name in fields if name in state})
    vars(error).update(state)
    return error


class AuthenticationError(APIError):
    """401: the API key is missing, unknown or revoked."""


class ForbiddenError(APIError):
    """403: the key's role may not do this (deleting needs ``admin``)."""


class NotFoundError(APIError):
    """404: no such project in the key's organisation."""


class ConflictError(APIError):
    """409: the name is already taken by another project."""


class PreconditionFailedError(APIError):
    """412: the project changed since the version given in ``if_match``."""


class ValidationError(APIError):
    """400 or 422, or a client-side check: the request breaks a rule.

    ``errors`` lists each broken rule as a ``FieldError(field, message)``;
    ``str()`` shows the first ten of them as ``field: message``.
    """

    def _described(self) -> str:
        listed = [f"{error.field}: {error.message}" for error in self.errors]
        unlisted = self.details.get("more_errors")
        more = unlisted if isinstance(unlisted, int) and unlisted > 0 else 0
        if len(listed) > _LISTED_ERRORS:
            more += len(listed) - _LISTED_ERRORS
            listed = listed[:_LISTED_ERRORS]
        if more:
            listed.append(f"... and {more} more.")
        return " ".join([self.message, *listed])

    @property
    def errors(self) -> list[FieldError]:
        """Each broken rule, from ``details["errors"]``."""
        found = self.details.get("errors")
        if not isinstance(found, list):
            return []
        return [
            FieldError(str(item.get("field", "")), str(item.get("message", "")))
            for item in found
            if isinstance(item, Mapping)
        ]

    @classmethod
    def from_field_errors(cls, errors: Sequence[FieldError]) -> ValidationError:
        """The error for rules broken before sending, without a response.

        ``status_code`` is None and ``code`` is ``"validation_error"``;
        ``str()`` names each field, as for the server's 422.
        """
        message, details = validation_summary(errors)
        return cls(message, status_code=None, code="validation_error", details=details)


class RateLimitError(APIError):
    """429: too many requests; ``retry_after`` says how long to wait."""


class ServerError(APIError):
    """5xx: the server failed; not caused by the request."""


_CLASSES: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    422: ValidationError,
    429: RateLimitError,
}


def _error_class(status: int) -> type[APIError]:
    if status in _CLASSES:
        return _CLASSES[status]
    if 500 <= status <= 599:
        return ServerError
    return APIError


def _status_text(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _default_code(status: int) -> str:
    if status in _CODES:
        return _CODES[status]
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return f"http_{status}"
    return re.sub(r"[^a-z0-9]+", "_", phrase.lower().replace("'", "")).strip("_")


def _snippet(text: str) -> str:
    """The start of a body, tags and runs of whitespace removed, for a message."""
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    if len(text) > _SNIPPET_LENGTH:
        text = text[:_SNIPPET_LENGTH] + "…"
    return text


def _envelope(document: object) -> tuple[str, str, dict[str, Any]] | None:
    """``(code, message, details)`` if *document* is the error envelope."""
    if not isinstance(document, dict):
        return None
    error = document.get("error")
    if not isinstance(error, dict):
        return None
    code, message = error.get("code"), error.get("message")
    if not isinstance(code, str) or not isinstance(message, str):
        return None
    if not code.strip() or not message.strip():
        # Says nothing: described like any other body instead.
        return None
    details = error.get("details")
    return code, message, details if isinstance(details, dict) else {}


def _describe_body(status_text: str, content_type: str, body: bytes) -> str:
    """A message for an error body that is not the envelope."""
    if not body.strip():
        return f"The server answered {status_text} with an empty body."
    text = body.decode("utf-8", errors="replace")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        kind = content_type.split(";")[0].strip()
        if "json" in kind:
            what = "a JSON body that is cut off or malformed"
        elif kind:
            what = f"a {kind} body"
        else:
            what = "a body of no stated type"
        return f"The server answered {status_text} with {what}: {_snippet(text)!r}"
    if isinstance(document, dict):
        for key in ("message", "detail", "error"):
            if isinstance(document.get(key), str):
                return f"The server answered {status_text}: {document[key]}"
    return (
        f"The server answered {status_text} with JSON that is not an error "
        f"envelope: {_snippet(text)!r}"
    )


def redact(value: Any, secrets: Sequence[str]) -> Any:
    """*value* with each of *secrets* replaced, in strings nested in dicts and
    lists too (a server may echo the key anywhere in an error body)."""
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, _REDACTED)
        return value
    if isinstance(value, dict):
        return {
            redact(key, secrets): redact(item, secrets) for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item, secrets) for item in value]
    return value


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    retry_after: float | None = None,
    secrets: Sequence[str] = (),
) -> APIError:
    """The exception for a non-success response; never raises itself.

    Args:
        status: The HTTP status.
        headers: The response headers (case-insensitive lookups expected).
        body: The whole body as received, possibly empty or cut off.
        retry_after: The parsed ``Retry-After``, in seconds, if any.
        secrets: Strings scrubbed from the message and the details (the API
            key, in case a server echoes it back).
    """
    status_text = _status_text(status)
    code = _default_code(status)
    details: dict[str, Any] = {}
    try:
        envelope = _envelope(json.loads(body))
    except (ValueError, RecursionError):
        envelope = None
    if envelope is not None:
        code, message, details = envelope
    else:
        content_type = headers.get("content-type", "")
        message = _describe_body(status_text, content_type, body)

    return _error_class(status)(
        redact(message, secrets),
        status_code=status,
        code=redact(code, secrets),
        details=redact(details, secrets),
        request_id=redact(headers.get("x-request-id"), secrets),
        retry_after=retry_after,
        headers=_redact_headers(headers, secrets),
    )


def _redact_headers(
    headers: Mapping[str, str], secrets: Sequence[str]
) -> Mapping[str, str]:
    """*headers* as they are, or, if a value holds a secret, a copy of the
    same type (case-insensitive for httpx's) with it replaced."""
    if not any(
        secret and secret in value for value in headers.values() for secret in secrets
    ):
        return headers
    redacted = [(name, redact(value, secrets)) for name, value in headers.items()]
    return type(headers)(redacted)  # type: ignore[call-arg]


def unreadable_success(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    what: str,
    *,
    secrets: Sequence[str] = (),
) -> APIError:
    """The exception for a success response whose body the SDK cannot read.

    Not retried: the request may well have taken effect. *secrets* are
    scrubbed as in ``error_from_response``.
    """
    decoded = body.decode("utf-8", errors="replace")
    # Markup alone (``<html>``) is shown as it is, rather than as nothing.
    text = _snippet(decoded) or " ".join(decoded.split())[:_SNIPPET_LENGTH]
    return APIError(
        redact(
            f"The server answered {_status_text(status)} to {what} with a body "
            f"this version of the SDK cannot read: {text or '(empty)'!r}. A newer "
            "pictograph release may read it.",
            secrets,
        ),
        status_code=status,
        code="unexpected_response",
        request_id=redact(headers.get("x-request-id"), secrets),
        headers=_redact_headers(headers, secrets),
    )
