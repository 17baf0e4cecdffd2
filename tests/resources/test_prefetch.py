"""``iter(prefetch=True)``: one page fetched ahead, the same items as without."""

from __future__ import annotations

import asyncio
import contextvars
import subprocess
import sys
import threading
import warnings
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
)
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pictograph import APIConnectionError, Project
from pictograph._pagination import PaginationError
from pictograph._resources import AsyncDatasets, AsyncProjects, Datasets, Projects

from .fakes import AsyncFakeCore, FakeCore

# Long enough for a thread on a loaded machine; the tests wait on events, so
# this bounds a failure, never the time of a pass.
WAIT = 10.0


def _collect(items: Iterator[Project], seen: list[str]) -> None:
    for project in items:
        seen.append(project.name)


async def _acollect(items: AsyncIterator[Project], seen: list[str]) -> None:
    async for project in items:
        seen.append(project.name)


class HeldCore(FakeCore):
    """A fake core whose requests from ``held`` on wait until ``release()``."""

    def __init__(self, count: int, *, held: int = 1, **options: Any) -> None:
        super().__init__(count, **options)
        self.held = held
        self.arrived = threading.Event()
        self._open = threading.Event()
        self.finished = threading.Event()

    def release(self) -> None:
        self._open.set()

    def _request(self, endpoint: ModuleType, /, **params: Any) -> Any:
        if len(self.calls) < self.held:
            return super()._request(endpoint, **params)
        self.arrived.set()
        assert self._open.wait(WAIT), "the held request was never released"
        try:
            return super()._request(endpoint, **params)
        finally:
            self.finished.set()


@settings(max_examples=60, deadline=None)
@given(count=st.integers(min_value=0, max_value=40), page_size=st.integers(1, 12))
def test_prefetch_yields_what_iter_yields(count: int, page_size: int) -> None:
    plain, ahead = FakeCore(count), FakeCore(count)

    names = [p.name for p in Projects(plain).iter(page_size=page_size)]
    fetched = [p.name for p in Projects(ahead).iter(page_size=page_size, prefetch=True)]

    assert fetched == names == plain.names
    assert ahead.calls == plain.calls


def test_the_next_page_is_requested_while_this_one_is_served() -> None:
    core = HeldCore(5, held=1)

    items = Projects(core).iter(page_size=2, prefetch=True)
    assert core.calls == []
    first = next(items)

    # The second page's request is under way before the first page is used up.
    assert core.arrived.wait(WAIT)
    assert first.name == core.names[0]
    core.release()
    assert [p.name for p in items] == core.names[1:]
    assert core.limits == [2, 2, 2]


def test_stopping_early_does_not_wait_for_the_page_fetched_ahead() -> None:
    core = HeldCore(5, held=1)
    items = Projects(core).iter(page_size=2, prefetch=True)
    next(items)
    assert core.arrived.wait(WAIT)

    assert isinstance(items, Generator)
    items.close()  # returns while that request is still held

    assert not core.finished.is_set()
    core.release()
    assert core.finished.wait(WAIT)
    assert len(core.calls) == 2  # no page beyond the one fetched ahead


@pytest.mark.parametrize("prefetch", [False, True])
def test_a_bad_page_raises_after_the_items_before_it(prefetch: bool) -> None:
    core = FakeCore(30, cursor_for=lambda end: "same")

    seen: list[str] = []
    with pytest.raises(PaginationError, match="repeated the cursor"):
        _collect(Projects(core).iter(page_size=10, prefetch=prefetch), seen)

    assert seen == core.names[:10]
    assert len(core.calls) == 2


class FailingCore(FakeCore):
    """Answers the first ``pages`` requests, then raises ``error``."""

    def __init__(self, count: int, pages: int, error: Exception) -> None:
        super().__init__(count)
        self.pages = pages
        self.error = error

    def _request(self, endpoint: ModuleType, /, **params: Any) -> Any:
        if len(self.calls) >= self.pages:
            raise self.error
        return super()._request(endpoint, **params)


@pytest.mark.parametrize("prefetch", [False, True])
def test_a_failed_request_raises_its_own_error_at_the_same_place(
    prefetch: bool,
) -> None:
    error = APIConnectionError("connection reset while reading")
    core = FailingCore(10, pages=1, error=error)

    seen: list[str] = []
    with pytest.raises(APIConnectionError) as raised:
        _collect(Projects(core).iter(page_size=4, prefetch=prefetch), seen)

    assert raised.value is error
    assert seen == core.names[:4]


request_tag: contextvars.ContextVar[str] = contextvars.ContextVar("request_tag")


class TaggingCore(FakeCore):
    """Records the caller's ``request_tag`` as each request sees it."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.tags: list[str] = []

    def _request(self, endpoint: ModuleType, /, **params: Any) -> Any:
        self.tags.append(request_tag.get("(unset)"))
        return super()._request(endpoint, **params)


def test_requests_fetched_ahead_see_the_callers_context() -> None:
    core = TaggingCore(5)
    token = request_tag.set("job-17")
    try:
        list(Projects(core).iter(page_size=2, prefetch=True))
    finally:
        request_tag.reset(token)

    assert core.tags == ["job-17"] * 3


@pytest.mark.parametrize("make", [Projects, Datasets])
@pytest.mark.parametrize("prefetch", ["yes", 1, None])
def test_prefetch_must_be_a_bool_at_the_call(
    make: Callable[[FakeCore], Projects | Datasets], prefetch: object
) -> None:
    core = FakeCore(3)

    with pytest.raises(TypeError, match=r"prefetch must be True or False"):
        make(core).iter(prefetch=prefetch)  # type: ignore[arg-type]
    assert core.calls == []


# --- AsyncClient: the page ahead is a task -----------------------------------


@settings(max_examples=30, deadline=None)
@given(count=st.integers(min_value=0, max_value=30), page_size=st.integers(1, 8))
def test_async_prefetch_yields_what_iter_yields(count: int, page_size: int) -> None:
    async def walk(core: FakeCore, prefetch: bool) -> list[str]:
        projects = AsyncProjects(AsyncFakeCore(core))
        return [
            p.name async for p in projects.iter(page_size=page_size, prefetch=prefetch)
        ]

    plain, ahead = FakeCore(count), FakeCore(count)

    assert asyncio.run(walk(ahead, True)) == asyncio.run(walk(plain, False))
    assert ahead.calls == plain.calls


class SlowAsyncCore(AsyncFakeCore):
    """Each request waits on the event loop before it is answered."""

    def __init__(self, core: FakeCore) -> None:
        super().__init__(core)
        self.started = 0
        self.cancelled = 0

    async def _request(self, endpoint: ModuleType, /, **params: Any) -> Any:
        self.started += 1
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return await super()._request(endpoint, **params)


@pytest.mark.anyio
async def test_async_the_next_page_is_requested_while_this_one_is_served() -> None:
    core = SlowAsyncCore(FakeCore(5))
    items = AsyncProjects(core).iter(page_size=2, prefetch=True)

    await items.__anext__()
    await asyncio.sleep(0)  # the consumer awaits something: the task runs

    assert core.started == 2
    assert [p.name async for p in items] == core.core.names[1:]


@pytest.mark.anyio
@pytest.mark.parametrize("make", [AsyncProjects, AsyncDatasets])
async def test_async_stopping_early_cancels_the_page_fetched_ahead(
    make: Callable[[AsyncFakeCore], AsyncProjects | AsyncDatasets],
) -> None:
    core = SlowAsyncCore(FakeCore(9))
    items = make(core).iter(page_size=3, prefetch=True)
    await items.__anext__()
    await asyncio.sleep(0)

    assert isinstance(items, AsyncGenerator)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await items.aclose()

    await asyncio.sleep(0)
    assert (core.started, core.cancelled) == (2, 1)


@pytest.mark.anyio
async def test_async_stopping_early_without_prefetch_leaves_no_coroutine() -> None:
    core = FakeCore(9)
    items = AsyncProjects(AsyncFakeCore(core)).iter(page_size=3)
    await items.__anext__()

    assert isinstance(items, AsyncGenerator)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited"
        await items.aclose()

    assert core.limits == [3]


@pytest.mark.anyio
async def test_async_an_error_ahead_is_raised_after_the_items_before_it() -> None:
    core = FakeCore(30, cursor_for=lambda end: "same")

    seen: list[str] = []
    with pytest.raises(PaginationError):
        await _acollect(
            AsyncProjects(AsyncFakeCore(core)).iter(page_size=10, prefetch=True), seen
        )

    assert seen == core.names[:10]


# A script that stops iterating while the page fetched ahead can never come.
_EXIT_SCRIPT = """
import json, threading, httpx, pictograph

def project(n):
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "name": f"p{n}",
            "description": None, "image_count": 0, "annotation_count": 0,
            "version": 1, "created_at": "2026-01-02T03:04:05Z",
            "updated_at": "2026-01-02T03:04:05Z",
            "project_config": {"annotation_types": ["bbox"], "classes": []}}

never = threading.Event()

def handler(request):
    if "cursor" in request.url.params:
        never.wait()  # the page fetched ahead never comes
    body = {"data": [project(1)],
            "pagination": {"limit": 1, "has_more": True, "next_cursor": "c1"}}
    return httpx.Response(200, json=body)

client = pictograph.Client("pk_test_x", base_url="http://api.test",
                           transport=httpx.MockTransport(handler),
                           allow_insecure_http=True)
for project in client.projects.iter(page_size=1, prefetch=True):
    print("first", project.name, flush=True)
    break
"""


def test_exiting_does_not_wait_for_the_page_fetched_ahead(tmp_path: Path) -> None:
    script = tmp_path / "stop_early.py"
    script.write_text(_EXIT_SCRIPT, encoding="utf-8")

    # The timeout only turns a hang into a failure; a pass takes a moment.
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "first p1\n", "")
