"""The core's guarantees as a user meets them, through ``client.projects``."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from pictograph import AsyncClient, Client, NotFoundError, ServerError

from .conftest import API_KEY, BASE_URL, Recorder, project_body


def _run(kind: str, recorder: Recorder, action: str, **options: Any) -> Any:
    """``client.projects.<action>("road-signs")`` through a sync or async client."""
    transport = httpx.MockTransport(recorder)
    if kind == "sync":
        with Client(API_KEY, base_url=BASE_URL, transport=transport, **options) as c:
            return getattr(c.projects, action)("road-signs")

    async def run() -> Any:
        async with AsyncClient(
            API_KEY, base_url=BASE_URL, transport=transport, **options
        ) as client:
            return await getattr(client.projects, action)("road-signs")

    return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_create_retried_after_a_reset_sends_one_key(kind: str) -> None:
    recorder = Recorder(
        httpx.ReadError("Connection reset by peer"),
        httpx.Response(201, json=project_body()),
    )

    project = _run(kind, recorder, "create")

    keys = {request.headers["Idempotency-Key"] for request in recorder.requests}
    assert project.name == "road-signs"
    assert len(recorder.requests) == 2
    assert len(keys) == 1


def test_an_html_502_that_persists_is_a_server_error(kind: str) -> None:
    recorder = Recorder(
        httpx.Response(502, text="<h1>Bad Gateway</h1>", headers={"X-Request-Id": "r"})
    )

    with pytest.raises(ServerError, match="502 Bad Gateway"):
        _run(kind, recorder, "get", max_retries=2)

    assert len(recorder.requests) == 3


def test_an_empty_404_is_not_found(kind: str) -> None:
    with pytest.raises(NotFoundError):
        _run(kind, Recorder(httpx.Response(404)), "get")
