"""Next-page decisions of ``list`` and ``iter``, against a fake core seam."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pictograph._pagination import Page, PaginationError
from pictograph._resources import AsyncDatasets, AsyncProjects, Datasets, Projects

from .fakes import AsyncFakeCore, FakeCore

counts = st.integers(min_value=0, max_value=2500)
sizes = st.integers(min_value=1, max_value=1000)


@settings(max_examples=60, deadline=None)
@given(count=st.integers(min_value=0, max_value=40), page_size=st.integers(1, 12))
def test_iter_yields_each_item_once_in_order(count: int, page_size: int) -> None:
    core = FakeCore(count)

    names = [project.name for project in Projects(core).iter(page_size=page_size)]

    assert names == core.names
    assert len(core.calls) == max(1, -(-count // page_size))


@settings(max_examples=60, deadline=None)
@given(count=counts, limit=st.integers(min_value=1, max_value=3000))
def test_list_over_a_thousand_is_gathered_from_full_pages(
    count: int, limit: int
) -> None:
    core = FakeCore(count)

    page = Projects(core).list(limit=limit)

    assert [p.name for p in page] == core.names[:limit]
    assert all(size == 1000 for size in core.limits[:-1])
    assert sum(core.limits) >= min(count, limit)
    assert page.has_more == (count > limit)
    assert (page.next_cursor is None) == (not page.has_more)


@settings(max_examples=40, deadline=None)
@given(count=st.integers(min_value=0, max_value=60), limit=st.integers(1, 15))
def test_list_pages_joined_by_cursor_equal_iter(count: int, limit: int) -> None:
    core = FakeCore(count)
    projects = Projects(core)

    page = projects.list(limit=limit)
    joined = list(page)
    while page.has_more:
        page = projects.list(limit=limit, cursor=page.next_cursor)
        joined += page

    assert joined == list(projects.iter(page_size=limit))


def test_iter_is_lazy_and_stops_after_the_last_page() -> None:
    core = FakeCore(5)

    items = Projects(core).iter(page_size=2)
    assert core.calls == []
    next(items)
    assert core.limits == [2]

    rest = list(items)
    assert len(rest) == 4
    assert core.limits == [2, 2, 2]


def test_an_empty_list_is_one_request() -> None:
    core = FakeCore(0)

    page = Projects(core).list()

    assert (len(page), page.has_more, page.next_cursor) == (0, False, None)
    assert core.limits == [100]


@pytest.mark.parametrize("make", [Projects, Datasets])
def test_a_repeated_cursor_raises_instead_of_looping(make: type[Projects]) -> None:
    core = FakeCore(50, cursor_for=lambda end: "same")

    with pytest.raises(PaginationError, match="repeated the cursor 'same'"):
        list(make(core).iter(page_size=10))
    assert len(core.calls) == 2


def test_more_pages_without_a_cursor_raises() -> None:
    core = FakeCore(1200, cursor_for=lambda end: None)

    with pytest.raises(PaginationError, match="no next_cursor"):
        Projects(core).list(limit=1500)
    with pytest.raises(PaginationError, match="no next_cursor"):
        list(Projects(core).iter(page_size=5))


def test_empty_pages_that_promise_more_raise_instead_of_looping() -> None:
    """A fresh cursor each time, but never an item: stop at the first."""
    core = FakeCore(
        0, cursor_for=lambda end: f"c{len(core.calls)}", has_more_for=lambda end: True
    )

    with pytest.raises(PaginationError, match="empty page"):
        list(Projects(core).iter(page_size=10))
    assert len(core.calls) == 1


def test_pagination_error_is_a_pictograph_error() -> None:
    from pictograph._exceptions import PictographError

    assert issubclass(PaginationError, PictographError)
    assert issubclass(PaginationError, RuntimeError)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"limit": 0}, ValueError),
        ({"limit": -5}, ValueError),
        ({"limit": True}, TypeError),
        ({"limit": 2.0}, TypeError),
        ({"limit": "10"}, TypeError),
        ({"limit": None}, TypeError),
        ({"cursor": 5}, TypeError),
    ],
)
def test_list_rejects_bad_arguments_before_any_request(
    kwargs: dict[str, object], error: type[Exception]
) -> None:
    core = FakeCore(3)

    with pytest.raises(error, match=next(iter(kwargs))):
        Projects(core).list(**kwargs)  # type: ignore[arg-type]
    assert core.calls == []


@pytest.mark.parametrize("page_size", [0, 1001, False, 1.5])
def test_iter_rejects_a_bad_page_size_at_the_call(page_size: object) -> None:
    core = FakeCore(3)

    with pytest.raises((TypeError, ValueError), match="page_size"):
        Projects(core).iter(page_size=page_size)  # type: ignore[arg-type]
    assert core.calls == []


def test_page_is_a_read_only_sequence() -> None:
    page = Projects(FakeCore(3)).list(limit=2)

    assert len(page) == 2
    assert page[0].name == "p00000"
    assert page[-1].name == "p00001"
    assert [p.name for p in page[:1]] == ["p00000"]
    assert page.count(page[0]) == 1
    assert repr(page) == "Page(2 items, has_more=True, next_cursor='c2')"
    with pytest.raises(AttributeError):
        page.has_more = False  # type: ignore[misc]
    assert isinstance(page, Page)


def test_datasets_page_and_iterate_like_projects() -> None:
    core = FakeCore(7)

    page = Datasets(core).list(limit=3)
    names = [dataset.name for dataset in Datasets(core).iter(page_size=4)]

    assert [d.name for d in page] == core.names[:3]
    assert page[0].class_count == 1
    assert names == core.names


@pytest.mark.anyio
async def test_async_iter_yields_each_item_once() -> None:
    core = FakeCore(25)

    names = [
        p.name async for p in AsyncProjects(AsyncFakeCore(core)).iter(page_size=10)
    ]

    assert names == core.names
    assert core.limits == [10, 10, 10]


@pytest.mark.anyio
async def test_async_list_over_a_thousand_is_gathered() -> None:
    core = FakeCore(2300)

    page = await AsyncDatasets(AsyncFakeCore(core)).list(limit=2100)

    assert len(page) == 2100
    assert core.limits == [1000, 1000, 100]
    assert page.has_more


@pytest.mark.anyio
async def test_async_repeated_cursor_raises() -> None:
    core = FakeCore(50, cursor_for=lambda end: "same")

    with pytest.raises(PaginationError):
        [p async for p in AsyncProjects(AsyncFakeCore(core)).iter(page_size=10)]


@pytest.mark.anyio
async def test_async_iter_rejects_a_bad_page_size_at_the_call() -> None:
    with pytest.raises(ValueError, match="page_size"):
        AsyncProjects(AsyncFakeCore(FakeCore(1))).iter(page_size=0)
