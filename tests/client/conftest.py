from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, Protocol

import httpx
import pytest
import stamina

from pictograph import AsyncClient, Client

API_KEY = "pk_test_Zq8sK2vN4mW7xR1tY5uP0aB3"
BASE_URL = "https://api.example.test"
PROJECT_ID = "0b3c1b6e-8c1a-4d4b-9a57-2f7a1c0c0c01"

Handler = Callable[[httpx.Request], httpx.Response]


def project_body(name: str = "road-signs") -> dict[str, Any]:
    """A ``{"data": Project}`` body as the server sends it."""
    return {
        "data": {
            "id": PROJECT_ID,
            "name": name,
            "description": None,
            "project_config": {"annotation_types": ["bbox"], "classes": []},
            "image_count": 0,
            "annotation_count": 0,
            "version": 1,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    }


def list_body() -> dict[str, Any]:
    """An empty page of a list envelope."""
    return {
        "data": [],
        "pagination": {"limit": 100, "has_more": False, "next_cursor": None},
    }


def delete_body() -> dict[str, Any]:
    """A ``{"data": DeleteResult}`` body."""
    counts = ("images_deleted", "annotations_deleted", "exports_deleted")
    return {
        "data": {
            "id": PROJECT_ID,
            "name": "road-signs",
            **dict.fromkeys(counts, 0),
            "models_retained": 0,
        }
    }


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


class Recorder:
    """A MockTransport handler answering from a script and keeping each request."""

    def __init__(self, *responses: httpx.Response | BaseException) -> None:
        self.script = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        # A copy, as sent: the SDK masks the key in a request that failed.
        self.requests.append(
            httpx.Request(
                request.method,
                request.url,
                headers=request.headers.copy(),
                content=request.content,
                extensions=request.extensions,
            )
        )
        reply = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(reply, BaseException):
            raise reply
        # A fresh copy each time: httpx binds a response to the request it answers.
        return httpx.Response(
            reply.status_code, headers=reply.headers, content=reply.content
        )


class Send(Protocol):
    """Runs one ``_request`` through a fresh client, sync or async."""

    kind: str

    def __call__(
        self,
        handler: Handler,
        endpoint: ModuleType,
        /,
        client_options: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any: ...


class _Sender:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(
        self,
        handler: Handler,
        endpoint: ModuleType,
        /,
        client_options: dict[str, Any] | None = None,
        **params: Any,
    ) -> Any:
        options: dict[str, Any] = {"base_url": BASE_URL, **(client_options or {})}
        transport = httpx.MockTransport(handler)
        if self.kind == "sync":
            with Client(API_KEY, transport=transport, **options) as client:
                return client._request(endpoint, **params)

        async def run() -> Any:
            async with AsyncClient(API_KEY, transport=transport, **options) as client:
                return await client._request(endpoint, **params)

        return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest) -> Send:
    """The same scenario through ``Client`` and through ``AsyncClient``."""
    return _Sender(request.param)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own PICTOGRAPH_* settings."""
    for name in (
        "PICTOGRAPH_API_KEY",
        "PICTOGRAPH_BASE_URL",
        "PICTOGRAPH_TIMEOUT",
        "PICTOGRAPH_MAX_RETRIES",
        "PICTOGRAPH_LOG",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def no_backoff() -> Iterator[None]:
    """Retries without sleeping; the client's own max_retries still applies."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    """Undo whatever PICTOGRAPH_LOG did to the ``pictograph`` logger."""
    logger = logging.getLogger("pictograph")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)
    logger.propagate = propagate
