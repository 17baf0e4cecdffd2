"""Fixtures for the server's own tests: HTTP clients bound to an organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from tests.conftest import LiveServer

ClientFactory = Callable[[str], httpx.Client]


@pytest.fixture
def clients(live_server: LiveServer, org: str) -> Iterator[ClientFactory]:
    """``clients(role)``: an httpx client with a new key of ``role`` for ``org``."""
    opened: list[httpx.Client] = []

    def make(role: str) -> httpx.Client:
        client = httpx.Client(
            base_url=live_server.api_url,
            headers={"X-API-Key": live_server.create_key(org, role)},
            timeout=30,
        )
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def api(clients: ClientFactory) -> httpx.Client:
    """An httpx client with an ``owner`` key for this test's organisation."""
    return clients("owner")


def create(api: httpx.Client, name: str, **fields: Any) -> dict[str, Any]:
    """Create a project and return it (asserting the 201)."""
    response = api.post("/projects", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()["data"]
    return project


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` member of an error response, checking the envelope."""
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert response.headers["x-request-id"]
    return error


def fields_of(response: httpx.Response) -> list[str]:
    """The fields a 422 ``validation_error`` names."""
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "validation_error"
    return [item["field"] for item in error["details"]["errors"]]
