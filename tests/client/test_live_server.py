"""Against the real reference server: a lost response is retried without a
duplicate, and a rate limit is waited out as its Retry-After says."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import stamina

from pictograph import AsyncClient, Client
from pictograph_api.api.projects import create_project, list_projects
from pictograph_api.models import ProjectCreate

from .servers import DroppingProxy, dropping_proxy

NAME = "lost-response"


def _body() -> ProjectCreate:
    return ProjectCreate.from_dict({"name": NAME, "annotation_types": ["bbox"]})


def _idempotency_keys(proxy: DroppingProxy) -> list[bytes]:
    return [
        match.group(1)
        for request in proxy.requests
        if request.startswith(b"POST ")
        and (match := re.search(rb"(?i)idempotency-key: *([^\r\n]+)", request))
    ]


def _check(proxy: DroppingProxy, created: Any, listed: Any) -> None:
    assert created["data"]["name"] == NAME
    assert [project["name"] for project in listed["data"]].count(NAME) == 1
    assert len(proxy.swallowed) == 1
    assert b" 201 " in proxy.swallowed[0].split(b"\r\n")[0]
    keys = _idempotency_keys(proxy)
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert any(b"idempotent-replayed: true" in r.lower() for r in proxy.responses)


def test_a_create_whose_response_is_lost_leaves_exactly_one_project(
    live_server: Any, api_key: str
) -> None:
    with (
        dropping_proxy(live_server.url) as proxy,
        Client(api_key, base_url=proxy.url) as client,
    ):
        created = client._request(create_project, body=_body())
        listed = client._request(list_projects, limit=1000)

    _check(proxy, created, listed)


@pytest.mark.anyio
async def test_a_create_whose_response_is_lost_leaves_exactly_one_project_async(
    live_server: Any, api_key: str
) -> None:
    with dropping_proxy(live_server.url) as proxy:
        async with AsyncClient(api_key, base_url=proxy.url) as client:
            created = await client._request(create_project, body=_body())
            listed = await client._request(list_projects, limit=1000)

    _check(proxy, created, listed)


RATE = 2
CALLS = 5


def _retried_for_rate_limit(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "HTTP 429" in r.getMessage()]


@pytest.fixture(scope="module")
def rate_limited(start_server: Callable[..., Any]) -> Any:
    """A reference server allowing RATE requests a second per key."""
    return start_server("--rate-limit", str(RATE))


def test_a_rate_limit_is_waited_out(
    rate_limited: Any, org: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = rate_limited.create_key(org)
    caplog.set_level(logging.INFO, logger="pictograph")
    started = time.monotonic()

    with (
        stamina.set_testing(False),
        Client(key, base_url=rate_limited.url) as client,
    ):
        pages = [client._request(list_projects, limit=1) for _ in range(CALLS)]

    assert len(pages) == CALLS
    assert _retried_for_rate_limit(caplog)
    assert time.monotonic() - started >= 1.0


@pytest.mark.anyio
async def test_a_rate_limit_is_waited_out_async(
    rate_limited: Any, org: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = rate_limited.create_key(org)
    caplog.set_level(logging.INFO, logger="pictograph")
    started = time.monotonic()

    with stamina.set_testing(False):
        async with AsyncClient(key, base_url=rate_limited.url) as client:
            pages = [
                await client._request(list_projects, limit=1) for _ in range(CALLS)
            ]

    assert len(pages) == CALLS
    assert _retried_for_rate_limit(caplog)
    assert time.monotonic() - started >= 1.0
