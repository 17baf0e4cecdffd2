from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from concurrent.futures import Future
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from pictograph import _operations as ops
from pictograph._models import Dataset, DeleteResult, Project
from pictograph._pagination import Page, PageWalk, check_flag
from pictograph._rules import DEFAULT_ANNOTATION_TYPES
from pictograph._types import NOT_GIVEN, NotGiven

__all__ = ["AsyncDatasets", "AsyncProjects", "Datasets", "Projects"]

R = TypeVar("R")
T = TypeVar("T")

Timeout = ops.Timeout
ClassInput = ops.ClassInput
Call = ops.Call
Walk = PageWalk[T, ops.Call[Page[T]]]


class _Sender(Protocol):
    def _request(self, endpoint: ModuleType, /, **params: Any) -> Any: ...


class _AsyncSender(Protocol):
    def _request(self, endpoint: ModuleType, /, **params: Any) -> Awaitable[Any]: ...


class _Resource:
    def __init__(self, client: _Sender) -> None:
        self._client = client

    def _send(self, call: ops.Call[R]) -> R:
        # Converted by the client, inside its one boundary for unreadable bodies.
        result: R = self._client._request(
            call.endpoint, convert=call.parse, **call.params
        )
        return result

    def _page(self, walk: Walk[T]) -> Page[T]:
        while (call := walk.next_call()) is not None:
            walk.add(self._send(call))
        return walk.page()

    def _iter(self, walk: Walk[T], prefetch: object) -> Iterator[T]:
        return self._items(walk, check_flag(prefetch, "prefetch"))

    def _items(self, walk: Walk[T], prefetch: bool) -> Iterator[T]:
        pages: _Pages[T] = _Pages(self._send, prefetch)
        fetch = pages.start(walk.next_call())
        while fetch is not None:
            items = walk.add(fetch())
            fetch = pages.start(walk.next_call())
            yield from items


class _AsyncResource:
    def __init__(self, client: _AsyncSender) -> None:
        self._client = client

    async def _send(self, call: ops.Call[R]) -> R:
        result: R = await self._client._request(
            call.endpoint, convert=call.parse, **call.params
        )
        return result

    async def _page(self, walk: Walk[T]) -> Page[T]:
        while (call := walk.next_call()) is not None:
            walk.add(await self._send(call))
        return walk.page()

    def _iter(self, walk: Walk[T], prefetch: object) -> AsyncIterator[T]:
        return self._items(walk, check_flag(prefetch, "prefetch"))

    async def _items(self, walk: Walk[T], prefetch: bool) -> AsyncIterator[T]:
        pages: _AsyncPages[T] = _AsyncPages(self._send, prefetch)
        try:
            fetch = pages.start(walk.next_call())
            while fetch is not None:
                items = walk.add(await fetch)
                fetch = pages.start(walk.next_call())
                for item in items:
                    yield item
        finally:
            pages.close()


# The two ways ``iter`` fetches its pages. Without prefetch, a page's request
# is sent when its first item is wanted. With it, the next page is requested
# and read as soon as the current one is in, while the loop works on the
# current one's items.


class _Pages(Generic[T]):
    """Starts the requests of a sync ``iter``: later, or now in a worker thread.

    A page being fetched ahead when iteration stops is left to finish in its
    thread and dropped: stopping does not wait for it.
    """

    def __init__(
        self, send: Callable[[Call[Page[T]]], Page[T]], prefetch: bool
    ) -> None:
        self._send = send
        self._prefetch = prefetch

    def start(self, call: Call[Page[T]] | None) -> Callable[[], Page[T]] | None:
        """What returns the page of ``call`` (waiting for it), or ``None``."""
        if call is None:
            return None
        if not self._prefetch:
            return functools.partial(self._send, call)
        future: Future[Page[T]] = Future()
        # The caller's context (log filters, tracing) goes with the request.
        context = contextvars.copy_context()

        def fetch() -> None:
            future.set_running_or_notify_cancel()
            try:
                future.set_result(context.run(self._send, call))
            except BaseException as exc:  # handed to the loop, which raises it
                future.set_exception(exc)

        # A daemon thread: a Ctrl-C or an exit never waits for a page that
        # nobody will read (a pool's threads are joined at exit).
        threading.Thread(target=fetch, name="pictograph-prefetch", daemon=True).start()
        return future.result


class _AsyncPages(Generic[T]):
    """Starts the requests of an async ``iter``: later, or now as a task."""

    def __init__(
        self, send: Callable[[Call[Page[T]]], Awaitable[Page[T]]], prefetch: bool
    ) -> None:
        self._send = send
        self._prefetch = prefetch
        self._pending: Awaitable[Page[T]] | None = None

    def start(self, call: Call[Page[T]] | None) -> Awaitable[Page[T]] | None:
        """What to await for the page of ``call``, or ``None``."""
        if call is None:
            return None
        fetch = self._send(call)
        self._pending = asyncio.ensure_future(fetch) if self._prefetch else fetch
        return self._pending

    def close(self) -> None:
        pending = self._pending
        if isinstance(pending, asyncio.Future):
            if not pending.done():
                pending.cancel()
            elif not pending.cancelled():
                # Its error, if any, counts as seen: iteration has stopped.
                pending.exception()
        elif asyncio.iscoroutine(pending):
            # Never awaited when iteration stopped early: not a warning.
            pending.close()


class Projects(_Resource):
    """``client.projects``: create, read, change and delete projects."""

    def list(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Page[Project]:
        """One page of the organisation's projects, in creation order.

        Args:
            limit: How many projects at most. Above the server's 1,000 a page,
                the page is gathered from several requests.
            cursor: Where to start: a previous page's ``next_cursor``.
            timeout: Seconds for each request, instead of the client's.

        Returns:
            A ``Page[Project]``: a sequence, with ``has_more`` and ``next_cursor``.

        Raises:
            TypeError, ValueError: ``limit`` is not a whole number of at least 1.
        """
        return self._page(
            ops.list_walk(ops.PROJECTS, limit=limit, cursor=cursor, timeout=timeout)
        )

    def iter(
        self,
        *,
        page_size: int = 100,
        prefetch: bool = False,
        timeout: Timeout = NOT_GIVEN,
    ) -> Iterator[Project]:
        """Every project of the organisation, fetched a page at a time as needed.

        Args:
            page_size: Projects per request, 1 to 1,000.
            prefetch: Fetch the next page while this one's items are served
                (in a worker thread; a task for ``AsyncClient``), one page
                ahead at the most. Faster when reading a page takes about as
                long as the server's answer, as over a fast network; stopping
                early leaves that one request to finish, unused.
            timeout: Seconds for each request, instead of the client's.

        Raises:
            TypeError, ValueError: ``page_size`` is out of range, or
                ``prefetch`` is not a bool (at once).
            PaginationError: The server repeated a cursor (instead of looping).
        """
        return self._iter(
            ops.iter_walk(ops.PROJECTS, page_size=page_size, timeout=timeout),
            prefetch,
        )

    def get(self, name_or_id: str | UUID, *, timeout: Timeout = NOT_GIVEN) -> Project:
        """A project by name (compared ignoring case and Unicode form) or by id.

        Raises:
            NotFoundError: No such project in the key's organisation.
        """
        return self._send(ops.project_get(name_or_id, timeout=timeout))

    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        annotation_types: Sequence[str] = DEFAULT_ANNOTATION_TYPES,
        classes: Sequence[ClassInput] = (),
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Create a project.

        Args:
            name: Unique in the organisation, ignoring case and Unicode form.
            description: Free text, up to 4,000 characters.
            annotation_types: The annotation types the project allows.
            classes: ``ProjectClass`` objects, or dicts of their fields
                (``{"name": "car", "type": "bbox", "color": "#f00"}``;
                ``type`` defaults to ``"bbox"``, ``color`` to one the server
                picks).
            timeout: Seconds for the request, instead of the client's.
            idempotency_key: Sent as ``Idempotency-Key``; one is made per call
                otherwise, and reused on retries.

        Raises:
            ValidationError: The arguments break a rule (checked before
                sending, one entry per rule, naming its field).
            ConflictError: A project of that name exists.
        """
        return self._send(
            ops.project_create(
                name,
                description=description,
                annotation_types=annotation_types,
                classes=classes,
                timeout=timeout,
                idempotency_key=idempotency_key,
            )
        )

    def update(
        self,
        name_or_id: str | UUID,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        annotation_types: Sequence[str] | NotGiven = NOT_GIVEN,
        classes: Sequence[ClassInput] | NotGiven = NOT_GIVEN,
        if_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Change a project; only the arguments passed are sent.

        Args:
            name_or_id: The project to change.
            name: A new name.
            description: A new description; ``None`` clears it.
            annotation_types: The new list of allowed annotation types.
            classes: The whole new class list. A class left out is removed
                along with every annotation using it; a class whose type
                changes loses its annotations of the old type.
            if_version: Change only if the project is still at this
                ``version`` (sent as ``If-Match``).
            timeout: Seconds for the request, instead of the client's.
            idempotency_key: Sent as ``Idempotency-Key`` (else one per call).

        Raises:
            ValueError: Nothing to change was passed.
            ValidationError: The arguments break a rule.
            NotFoundError, ConflictError: No such project; the new name is taken.
            PreconditionFailedError: The project is no longer at ``if_version``.
        """
        return self._send(
            ops.project_update(
                name_or_id,
                name=name,
                description=description,
                annotation_types=annotation_types,
                classes=classes,
                if_version=if_version,
                timeout=timeout,
                idempotency_key=idempotency_key,
            )
        )

    def delete(
        self,
        name_or_id: str | UUID,
        *,
        if_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> DeleteResult:
        """Delete a project with its images, annotations and exports, for good.

        Trained models are kept. Needs an ``admin`` or ``owner`` key.

        Returns:
            A ``DeleteResult``: ``result.images_deleted`` or
            ``result["images_deleted"]``, and so on.

        Raises:
            ForbiddenError, NotFoundError, PreconditionFailedError
        """
        return self._send(
            ops.project_delete(
                name_or_id,
                if_version=if_version,
                timeout=timeout,
                idempotency_key=idempotency_key,
            )
        )


class AsyncProjects(_AsyncResource):
    """``client.projects`` of an ``AsyncClient``; as ``Projects``, awaited."""

    async def list(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Page[Project]:
        """One page of the organisation's projects; see ``Projects.list``."""
        return await self._page(
            ops.list_walk(ops.PROJECTS, limit=limit, cursor=cursor, timeout=timeout)
        )

    def iter(
        self,
        *,
        page_size: int = 100,
        prefetch: bool = False,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncIterator[Project]:
        """Every project, for ``async for``; see ``Projects.iter``.

        With ``prefetch=True`` the next page is fetched by a task, which runs
        whenever the loop awaits something.
        """
        return self._iter(
            ops.iter_walk(ops.PROJECTS, page_size=page_size, timeout=timeout),
            prefetch,
        )

    async def get(
        self, name_or_id: str | UUID, *, timeout: Timeout = NOT_GIVEN
    ) -> Project:
        """A project by name or id; see ``Projects.get``."""
        return await self._send(ops.project_get(name_or_id, timeout=timeout))

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        annotation_types: Sequence[str] = DEFAULT_ANNOTATION_TYPES,
        classes: Sequence[ClassInput] = (),
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Create a project; see ``Projects.create``."""
        return await self._send(
            ops.project_create(
                name,
                description=description,
                annotation_types=annotation_types,
                classes=classes,
                timeout=timeout,
                idempotency_key=idempotency_key,
            )
        )

    async def update(
        self,
        name_or_id: str | UUID,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        annotation_types: Sequence[str] | NotGiven = NOT_GIVEN,
        classes: Sequence[ClassInput] | NotGiven = NOT_GIVEN,
        if_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> Project:
        """Change a project; see ``Projects.update``."""
        return await self._send(
            ops.project_update(
                name_or_id,
                name=name,
                description=description,
                annotation_types=annotation_types,
                classes=classes,
                if_version=if_version,
                timeout=timeout,
                idempotency_key=idempotency_key,
            )
        )

    async def delete(
        self,
        name_or_id: str | UUID,
        *,
        if_version: int | NotGiven = NOT_GIVEN,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> DeleteResult:
        """Delete a project for good; see ``Projects.delete``."""
        return await self._send(
            ops.project_delete(
                name_or_id,
                if_version=if_version,
                timeout=timeout,
                idempotency_key=idempotency_key,
            )
        )


class Datasets(_Resource):
    """``client.datasets``: the organisation's projects in their list view."""

    def list(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Page[Dataset]:
        """One page of datasets, in creation order; as ``Projects.list``."""
        return self._page(
            ops.list_walk(ops.DATASETS, limit=limit, cursor=cursor, timeout=timeout)
        )

    def iter(
        self,
        *,
        page_size: int = 100,
        prefetch: bool = False,
        timeout: Timeout = NOT_GIVEN,
    ) -> Iterator[Dataset]:
        """Every dataset, fetched lazily; as ``Projects.iter``."""
        return self._iter(
            ops.iter_walk(ops.DATASETS, page_size=page_size, timeout=timeout),
            prefetch,
        )

    def get(self, name_or_id: str | UUID, *, timeout: Timeout = NOT_GIVEN) -> Dataset:
        """A dataset by name or id; as ``Projects.get``."""
        return self._send(ops.dataset_get(name_or_id, timeout=timeout))


class AsyncDatasets(_AsyncResource):
    """``client.datasets`` of an ``AsyncClient``; as ``Datasets``, awaited."""

    async def list(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Page[Dataset]:
        """One page of datasets; see ``Datasets.list``."""
        return await self._page(
            ops.list_walk(ops.DATASETS, limit=limit, cursor=cursor, timeout=timeout)
        )

    def iter(
        self,
        *,
        page_size: int = 100,
        prefetch: bool = False,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncIterator[Dataset]:
        """Every dataset, for ``async for``; see ``Datasets.iter``."""
        return self._iter(
            ops.iter_walk(ops.DATASETS, page_size=page_size, timeout=timeout),
            prefetch,
        )

    async def get(
        self, name_or_id: str | UUID, *, timeout: Timeout = NOT_GIVEN
    ) -> Dataset:
        """A dataset by name or id; see ``Datasets.get``."""
        return await self._send(ops.dataset_get(name_or_id, timeout=timeout))
