"""The one HTTP error type of the server, and the one place it becomes a response.

Every error leaves the server in the spec's ``Error`` envelope:
``{"error": {"code": ..., "message": ..., "details": {...}}}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response

from pictograph._rules import FieldError, validation_summary

__all__ = ["ApiError", "json_bytes", "render_error", "validation_error"]

# Codes a status maps to when the error comes from the router (404, 405), not
# from our own code (CONTRACT section 2 and ErrorBody in the spec).
_CODE_FOR_STATUS = {
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


class ApiError(Exception):
    """An HTTP error answer: status, machine-readable code, sentence, details."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODE_FOR_STATUS.get(status, "internal_error")
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The error in the spec's ``Error`` envelope."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": self.details,
            }
        }


def validation_error(errors: Sequence[FieldError]) -> ApiError:
    """A 422 ``validation_error`` listing each broken rule with its field
    (the first ``MAX_LISTED_ERRORS``; the rest counted)."""
    message, details = validation_summary(errors)
    return ApiError(422, message, details=details)


def json_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON, as every response body is written."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def render_error(error: ApiError) -> Response:
    """The one place an ``ApiError`` becomes an HTTP response."""
    return Response(
        json_bytes(error.body()),
        status_code=error.status,
        headers=error.headers,
        media_type="application/json",
    )
