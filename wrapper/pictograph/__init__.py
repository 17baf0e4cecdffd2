"""Python SDK for the projects resource of the Pictograph platform."""

from __future__ import annotations

from ._client import AsyncClient, Client
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PictographError,
    PreconditionFailedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from ._rules import FieldError
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "FieldError",
    "ForbiddenError",
    "NotFoundError",
    "NotGiven",
    "PictographError",
    "PreconditionFailedError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "__version__",
]
