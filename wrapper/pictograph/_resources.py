from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from types import ModuleType
from typing import Any, Protocol, TypeVar
from uuid import UUID

from pictograph import _operations as ops
from pictograph._models import Dataset, DeleteResult, Project
from pictograph._pagination import Page, PageWalk
from pictograph._rules import DEFAULT_ANNOTATION_TYPES
from pictograph._types import NOT_GIVEN, NotGiven

__all__ = ["AsyncDatasets", "AsyncProjects", "Datasets", "Projects"]

R = TypeVar("R")
T = TypeVar("T")

Timeout = ops.Timeout
ClassInput = ops.ClassInput
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

    def _iter(self, walk: Walk[T]) -> Iterator[T]:
        # SHORTCOMING: no prefetch: reading a page and serving the next never overlap.
        while (call := walk.next_call()) is not None:
            yield from walk.add(self._send(call))


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

    async def _iter(self, walk: Walk[T]) -> AsyncIterator[T]:
        while (call := walk.next_call()) is not None:
            for item in walk.add(await self._send(call)):
                yield item


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
        self, *, page_size: int = 100, timeout: Timeout = NOT_GIVEN
    ) -> Iterator[Project]:
        """Every project of the organisation, fetched a page at a time as needed.

        Args:
            page_size: Projects per request, 1 to 1,000.
            timeout: Seconds for each request, instead of the client's.

        Raises:
            TypeError, ValueError: ``page_size`` is out of range (at once).
            PaginationError: The server repeated a cursor (instead of looping).
        """
        return self._iter(
            ops.iter_walk(ops.PROJECTS, page_size=page_size, timeout=timeout)
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
        self, *, page_size: int = 100, timeout: Timeout = NOT_GIVEN
    ) -> AsyncIterator[Project]:
        """Every project, for ``async for``; see ``Projects.iter``."""
        return self._iter(
            ops.iter_walk(ops.PROJECTS, page_size=page_size, timeout=timeout)
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
        self, *, page_size: int = 100, timeout: Timeout = NOT_GIVEN
    ) -> Iterator[Dataset]:
        """Every dataset, fetched lazily; as ``Projects.iter``."""
        return self._iter(
            ops.iter_walk(ops.DATASETS, page_size=page_size, timeout=timeout)
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
        self, *, page_size: int = 100, timeout: Timeout = NOT_GIVEN
    ) -> AsyncIterator[Dataset]:
        """Every dataset, for ``async for``; see ``Datasets.iter``."""
        return self._iter(
            ops.iter_walk(ops.DATASETS, page_size=page_size, timeout=timeout)
        )

    async def get(
        self, name_or_id: str | UUID, *, timeout: Timeout = NOT_GIVEN
    ) -> Dataset:
        """A dataset by name or id; see ``Datasets.get``."""
        return await self._send(ops.dataset_get(name_or_id, timeout=timeout))
