"""Python SDK for the projects resource of the Pictograph platform."""

from __future__ import annotations

from ._client import AsyncClient, Client
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    PictographError,
    PreconditionFailedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from ._models import Dataset, DeleteResult, Project, ProjectClass, ProjectConfig
from ._pagination import Page, PaginationError
from ._resources import AsyncDatasets, AsyncProjects, Datasets, Projects
from ._rules import FieldError
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncDatasets",
    "AsyncProjects",
    "AuthenticationError",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "Dataset",
    "Datasets",
    "DeleteResult",
    "FieldError",
    "ForbiddenError",
    "InvalidRequestError",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PaginationError",
    "PictographError",
    "PreconditionFailedError",
    "Project",
    "ProjectClass",
    "ProjectConfig",
    "Projects",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "__version__",
]
