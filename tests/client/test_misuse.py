"""Misuse and unreadable successes raise the SDK's own exceptions, never a raw
``AttributeError``, ``UnicodeEncodeError``, ``httpx.InvalidURL`` or httpx's
``RuntimeError``; misuse is refused before any request is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from pictograph import (
    APIError,
    AsyncClient,
    Client,
    ClientClosedError,
    ConfigurationError,
    InvalidRequestError,
)
from pictograph_api.api.projects import create_project, get_project
from pictograph_api.models import ProjectCreate

from .conftest import API_KEY, BASE_URL, Recorder, Send, list_body, project_body

Use = Callable[[Any], Any]


def _run(kind: str, handler: Recorder, use: Use) -> Any:
    """*use* on the projects of a fresh sync or async client over *handler*."""
    transport = httpx.MockTransport(handler)
    if kind == "sync":
        with Client(API_KEY, base_url=BASE_URL, transport=transport) as client:
            return use(client.projects)

    async def run() -> Any:
        async with AsyncClient(API_KEY, base_url=BASE_URL, transport=transport) as c:
            result = use(c.projects)
            return await result if isinstance(result, Awaitable) else result

    return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _with(**changes: Any) -> dict[str, Any]:
    body = project_body()
    body["data"].update(changes)
    return body


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"id": 5}},
        _with(name=5),
        _with(description=["x"]),
        _with(version="1"),
        _with(image_count=None),
        _with(created_at=12),
        _with(project_config={"annotation_types": [3], "classes": []}),
        _with(
            project_config={
                "annotation_types": ["bbox"],
                "classes": [{"name": 1, "type": "bbox", "color": "red"}],
            }
        ),
        _with(project_config=[]),
    ],
)
def test_a_success_with_wrong_field_types_is_an_unexpected_response(
    kind: str, body: dict[str, Any]
) -> None:
    recorder = Recorder(httpx.Response(200, json=body))

    with pytest.raises(APIError) as caught:
        _run(kind, recorder, lambda projects: projects.get("road-signs"))

    assert type(caught.value) is APIError
    assert caught.value.code == "unexpected_response"
    assert caught.value.status_code == 200
    assert caught.value.__cause__ is not None
    assert len(recorder.requests) == 1  # not retried: it may have taken effect


@pytest.mark.parametrize(
    "pagination",
    [
        {"limit": 100, "has_more": "no", "next_cursor": None},
        {"limit": 100, "has_more": True, "next_cursor": 7},
    ],
)
def test_a_page_with_wrong_field_types_is_an_unexpected_response(
    kind: str, pagination: dict[str, Any]
) -> None:
    recorder = Recorder(
        httpx.Response(200, json={**list_body(), "pagination": pagination})
    )

    with pytest.raises(APIError) as caught:
        _run(kind, recorder, lambda projects: projects.list())

    assert caught.value.code == "unexpected_response"


@pytest.mark.parametrize(
    ("use", "argument"),
    [
        (lambda projects: projects.get("\ud800"), "name_or_id"),
        (lambda projects: projects.delete("x\udcff"), "name_or_id"),
        (lambda projects: projects.update("\ud800", description="x"), "name_or_id"),
        (lambda projects: projects.get("a" * 70_000), "name_or_id"),
        (lambda projects: projects.get("é" * 361), "name_or_id"),
        (lambda projects: projects.get("ss" * 181), "name_or_id"),
        (lambda projects: projects.list(cursor="\ud800"), "cursor"),
        (lambda projects: projects.list(cursor="A" * 70_000), "cursor"),
        (lambda projects: projects.list(cursor="A" * 513), "cursor"),
        (lambda projects: projects.list(cursor=""), "cursor"),
    ],
)
def test_unusable_addresses_and_cursors_are_refused_before_sending(
    kind: str, use: Use, argument: str
) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    with pytest.raises(ValueError, match=argument) as caught:
        _run(kind, recorder, use)

    assert recorder.requests == []
    assert "\ud800" not in str(caught.value)
    assert "\udcff" not in str(caught.value)


def test_the_longest_name_and_cursor_still_go_out(kind: str) -> None:
    recorder = Recorder(httpx.Response(404))

    with pytest.raises(APIError):
        _run(kind, recorder, lambda projects: projects.get("é" * 120))
    with pytest.raises(APIError):
        # Case-folded, "ß" * 120 is "ss" * 120: a name this long can match.
        _run(kind, recorder, lambda projects: projects.get("SS" * 120))
    with pytest.raises(APIError):
        _run(kind, recorder, lambda projects: projects.list(cursor="A" * 512))

    assert len(recorder.requests) == 3


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (5, TypeError),
        (None, TypeError),
        (b"abc", TypeError),
        ("é", ValueError),
        ("", ValueError),
        ("has space", ValueError),
        ("tab\t", ValueError),
        ("k" * 256, ValueError),
    ],
)
def test_a_malformed_idempotency_key_is_refused_before_sending(
    send: Send, key: object, error: type[Exception]
) -> None:
    recorder = Recorder(httpx.Response(201, json=project_body()))
    body = ProjectCreate.from_dict({"name": "road-signs"})

    with pytest.raises(error, match="idempotency_key"):
        send(recorder, create_project, body=body, idempotency_key=key)

    assert recorder.requests == []


@pytest.mark.parametrize("key", ["!", "~" * 255, "order-42:create"])
def test_printable_ascii_idempotency_keys_are_sent(send: Send, key: str) -> None:
    recorder = Recorder(httpx.Response(201, json=project_body()))
    body = ProjectCreate.from_dict({"name": "road-signs"})

    send(recorder, create_project, body=body, idempotency_key=key)

    assert recorder.requests[0].headers["Idempotency-Key"] == key


def test_the_resources_check_the_idempotency_key_too(kind: str) -> None:
    recorder = Recorder(httpx.Response(201, json=project_body()))

    with pytest.raises(ValueError, match="idempotency_key"):
        _run(kind, recorder, lambda p: p.create("road-signs", idempotency_key="é"))

    assert recorder.requests == []


def test_a_request_httpx_cannot_build_is_a_typed_error(send: Send) -> None:
    # Below the resources, which refuse such a name before it gets here.
    recorder = Recorder(httpx.Response(200, json=project_body()))

    with pytest.raises(InvalidRequestError) as caught:
        send(recorder, get_project, project="a" * 70_000)

    assert isinstance(caught.value.__cause__, httpx.InvalidURL)
    assert recorder.requests == []


def test_a_call_timeout_of_none_is_a_value_error(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    with pytest.raises(ValueError, match="cannot be turned off") as caught:
        send(recorder, get_project, project="road-signs", timeout=None)

    assert not isinstance(caught.value, ConfigurationError)
    assert recorder.requests == []


def test_a_closed_client_says_so_before_sending() -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))
    client = Client(API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder))
    client.close()

    with pytest.raises(
        ClientClosedError, match="This Client is closed; create a new one"
    ):
        client.projects.get("road-signs")
    with pytest.raises(ClientClosedError), client:
        pass

    assert recorder.requests == []
    assert isinstance(ClientClosedError("x"), RuntimeError)


def test_a_client_used_after_its_with_block_says_so() -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))
    with Client(
        API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder)
    ) as c:
        pass

    with pytest.raises(ClientClosedError):
        list(c.projects.iter())

    assert recorder.requests == []


@pytest.mark.anyio
async def test_a_closed_async_client_says_so_before_sending() -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))
    transport = httpx.MockTransport(recorder)
    client = AsyncClient(API_KEY, base_url=BASE_URL, transport=transport)
    await client.aclose()

    with pytest.raises(ClientClosedError, match="This AsyncClient is closed"):
        await client.projects.get("road-signs")
    with pytest.raises(ClientClosedError):
        async with client:
            pass

    assert recorder.requests == []
