"""Pagination against the reference server: every project once, in order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pictograph import AsyncClient, Client, ClientClosedError, Project

if TYPE_CHECKING:
    from tests.conftest import LiveServer


COUNT = 23


@pytest.fixture
def names(client: Client) -> list[str]:
    """``COUNT`` projects in this test's organisation, in creation order."""
    created = [f"p{n:02d}" for n in range(COUNT)]
    for name in created:
        client.projects.create(name)
    return created


def _joined(client: Client, limit: int) -> list[Project]:
    page = client.projects.list(limit=limit)
    joined = list(page)
    while page.has_more:
        page = client.projects.list(limit=limit, cursor=page.next_cursor)
        joined += page
    return joined


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    page_size=st.integers(1, COUNT + 2),
    limit=st.integers(1, COUNT + 2),
    prefetch=st.booleans(),
)
def test_iter_and_joined_pages_give_each_project_once(
    client: Client, names: list[str], page_size: int, limit: int, prefetch: bool
) -> None:
    walked = [
        p.name for p in client.projects.iter(page_size=page_size, prefetch=prefetch)
    ]
    joined = [p.name for p in _joined(client, limit)]

    assert walked == joined == names


@pytest.mark.parametrize("page_size", [1, COUNT])
def test_the_last_page_ends_the_walk(
    client: Client, names: list[str], page_size: int
) -> None:
    page = client.projects.list(limit=page_size, cursor=None)
    walked = list(client.projects.iter(page_size=page_size))

    assert len(walked) == COUNT
    assert page.has_more == (page_size < COUNT)


def test_projects_that_stay_are_seen_once_while_others_change(
    client: Client, names: list[str]
) -> None:
    doomed = set(names[10:15])
    seen = []
    for project in client.projects.iter(page_size=4):
        seen.append(project.name)
        if project.name == "p05":
            for name in doomed:
                client.projects.delete(name)
            client.projects.create("late")
            client.projects.update("p20", name="p20-renamed")

    stayed = [n for n in names if n not in doomed and n != "p20"]
    assert [n for n in seen if n in stayed] == stayed
    assert "p20-renamed" in seen
    assert not doomed & set(seen)


def test_with_prefetch_projects_that_stay_are_seen_once_in_order(
    client: Client, names: list[str]
) -> None:
    seen = []
    for project in client.projects.iter(page_size=4, prefetch=True):
        seen.append(project.name)
        if project.name == "p05":
            for name in names[12:16]:
                client.projects.delete(name)
            client.projects.update("p20", name="p20-renamed")

    # Changes past the page fetched ahead (p08 to p11) show, as without it.
    stayed = [n for n in names if n not in names[12:16] and n != "p20"]
    assert seen == [*stayed[:-2], "p20-renamed", *stayed[-2:]]


def test_an_empty_organisation_is_one_empty_page(
    live_server: LiveServer, api_key: str
) -> None:
    with Client(api_key, base_url=live_server.url) as client:
        page = client.datasets.list()
        walked = list(client.projects.iter())

    assert (list(page), page.has_more, page.next_cursor, walked) == (
        [],
        False,
        None,
        [],
    )


@pytest.mark.anyio
@pytest.mark.parametrize("prefetch", [False, True])
async def test_async_iter_and_list_agree(
    async_client: AsyncClient, client: Client, names: list[str], prefetch: bool
) -> None:
    walked = [
        p.name async for p in async_client.projects.iter(page_size=5, prefetch=prefetch)
    ]
    page = await async_client.projects.list(limit=COUNT)

    assert walked == [p.name for p in page] == names


@pytest.fixture(scope="module")
def slow_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """A server that answers after 300 ms: requests stay in flight a while."""
    return start_server("--latency", "300")


def test_closing_the_client_mid_loop_ends_it_with_client_closed_error(
    slow_server: LiveServer,
) -> None:
    key = slow_server.create_key(f"close-{uuid.uuid4().hex[:8]}")
    client = Client(key, base_url=slow_server.url, max_retries=3)
    for n in range(5):
        client.projects.create(f"p{n}")

    seen: list[str] = []
    with pytest.raises(ClientClosedError):
        _close_after_first(client, seen)

    # The page fetched ahead was cut off by the close, not retried.
    assert len(seen) == 2


def _close_after_first(client: Client, seen: list[str]) -> None:
    for project in client.projects.iter(page_size=2, prefetch=True):
        seen.append(project.name)
        if len(seen) == 1:
            client.close()


@pytest.mark.anyio
async def test_async_closing_the_client_mid_loop_ends_it_with_client_closed_error(
    slow_server: LiveServer,
) -> None:
    key = slow_server.create_key(f"close-{uuid.uuid4().hex[:8]}")
    client = AsyncClient(key, base_url=slow_server.url, max_retries=3)
    for n in range(5):
        await client.projects.create(f"p{n}")

    seen: list[str] = []
    with pytest.raises(ClientClosedError):
        await _aclose_after_first(client, seen)

    # A page already on its way when the client closed may still be served.
    assert len(seen) in (2, 4)


async def _aclose_after_first(client: AsyncClient, seen: list[str]) -> None:
    async for project in client.projects.iter(page_size=2, prefetch=True):
        seen.append(project.name)
        if len(seen) == 1:
            await asyncio.sleep(0.05)  # the page ahead is under way
            await client.aclose()
