"""Timeouts are always on, and a server that never answers fails in about that long."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from pictograph import APIConnectionError, APITimeoutError, AsyncClient, Client
from pictograph_api.api.projects import get_project

from .conftest import API_KEY, project_body
from .servers import DROP, RESET, html_502, ok_json, scripted_server, silent_server

TIMEOUT = 0.3


def test_a_silent_server_times_out_after_the_timeout() -> None:
    with (
        silent_server() as url,
        Client(API_KEY, base_url=url, timeout=TIMEOUT, max_retries=0) as client,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            client._request(get_project, project="road-signs")
        elapsed = time.monotonic() - started

    assert TIMEOUT <= elapsed < TIMEOUT + 1.0
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert "0.3 s" in str(caught.value)


@pytest.mark.anyio
async def test_a_silent_server_times_out_after_the_timeout_async() -> None:
    with silent_server() as url:
        async with AsyncClient(
            API_KEY, base_url=url, timeout=TIMEOUT, max_retries=0
        ) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                await client._request(get_project, project="road-signs")
            elapsed = time.monotonic() - started

    assert TIMEOUT <= elapsed < TIMEOUT + 1.0
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_each_attempt_gets_the_whole_timeout() -> None:
    with (
        silent_server() as url,
        Client(API_KEY, base_url=url, timeout=10, max_retries=1) as client,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client._request(get_project, project="road-signs", timeout=TIMEOUT)
        elapsed = time.monotonic() - started

    assert 2 * TIMEOUT <= elapsed < 2 * TIMEOUT + 1.0


@pytest.mark.anyio
async def test_each_attempt_gets_the_whole_timeout_async() -> None:
    with silent_server() as url:
        async with AsyncClient(
            API_KEY, base_url=url, timeout=10, max_retries=1
        ) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                await client._request(
                    get_project, project="road-signs", timeout=TIMEOUT
                )
            elapsed = time.monotonic() - started

    assert 2 * TIMEOUT <= elapsed < 2 * TIMEOUT + 1.0


def test_a_dropped_connection_then_an_html_502_are_retried_to_success() -> None:
    body = json.dumps(project_body()).encode()
    with (
        scripted_server(DROP, html_502(), ok_json(body)) as url,
        Client(API_KEY, base_url=url) as client,
    ):
        result = client._request(get_project, project="road-signs")

    assert result["data"]["name"] == "road-signs"


@pytest.mark.anyio
async def test_a_dropped_connection_then_an_html_502_are_retried_to_success_async() -> (
    None
):
    body = json.dumps(project_body()).encode()
    with scripted_server(DROP, html_502(), ok_json(body)) as url:
        async with AsyncClient(API_KEY, base_url=url) as client:
            result = await client._request(get_project, project="road-signs")

    assert result["data"]["name"] == "road-signs"


def test_a_connection_reset_is_retried_to_success() -> None:
    body = json.dumps(project_body()).encode()
    with (
        scripted_server(RESET, ok_json(body)) as url,
        Client(API_KEY, base_url=url) as client,
    ):
        result = client._request(get_project, project="road-signs")

    assert result["data"]["name"] == "road-signs"


@pytest.mark.anyio
async def test_a_connection_reset_is_retried_to_success_async() -> None:
    body = json.dumps(project_body()).encode()
    with scripted_server(RESET, ok_json(body)) as url:
        async with AsyncClient(API_KEY, base_url=url) as client:
            result = await client._request(get_project, project="road-signs")

    assert result["data"]["name"] == "road-signs"


def test_a_server_that_only_drops_raises_a_connection_error() -> None:
    with (
        scripted_server(DROP) as url,
        Client(API_KEY, base_url=url, max_retries=1) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client._request(get_project, project="road-signs")

    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)


@pytest.mark.anyio
async def test_a_server_that_only_drops_raises_a_connection_error_async() -> None:
    with scripted_server(DROP) as url:
        async with AsyncClient(API_KEY, base_url=url, max_retries=1) as client:
            with pytest.raises(APIConnectionError) as caught:
                await client._request(get_project, project="road-signs")

    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
