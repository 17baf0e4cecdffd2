"""A stand-in for the client core's ``_request`` seam, for I/O-free tests.

It answers list calls from an in-memory list of projects and records every
call, so pagination decisions can be checked without a server.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from pictograph_api.api.datasets import list_datasets
from pictograph_api.api.projects import list_projects


def project_payload(name: str, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
        "name": name,
        "description": None,
        "project_config": {
            "annotation_types": ["bbox"],
            "classes": [{"name": "car", "type": "bbox", "color": "#ff0000"}],
        },
        "image_count": 0,
        "annotation_count": 0,
        "version": 1,
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:05Z",
    }
    payload.update(overrides)
    return payload


def dataset_payload(name: str, **overrides: Any) -> dict[str, Any]:
    payload = project_payload(name)
    config = payload.pop("project_config")
    del payload["version"]
    payload["annotation_types"] = config["annotation_types"]
    payload["class_count"] = len(config["classes"])
    payload.update(overrides)
    return payload


class FakeCore:
    """Serves ``count`` items in pages; ``cursor_for`` can make it misbehave."""

    def __init__(
        self,
        count: int,
        *,
        cursor_for: Callable[[int], str | None] = lambda end: f"c{end}",
        has_more_for: Callable[[int], bool] | None = None,
    ) -> None:
        self.names = [f"p{index:05d}" for index in range(count)]
        self.calls: list[tuple[ModuleType, dict[str, Any]]] = []
        self._cursor_for = cursor_for
        self._has_more_for = has_more_for
        self._starts: dict[str, int] = {}

    def _request(
        self,
        endpoint: ModuleType,
        /,
        *,
        convert: Callable[[bytes], Any] = json.loads,
        **params: Any,
    ) -> Any:
        self.calls.append((endpoint, params))
        if endpoint in (list_projects, list_datasets):
            return convert(json.dumps(self._page(endpoint, params)).encode())
        raise AssertionError(f"unexpected call {endpoint.__name__}")

    def _page(self, endpoint: ModuleType, params: dict[str, Any]) -> Any:
        limit = params["limit"]
        assert 1 <= limit <= 1000, limit
        start = self._starts[params["cursor"]] if "cursor" in params else 0
        end = min(start + limit, len(self.names))
        has_more = end < len(self.names)
        if self._has_more_for is not None:
            has_more = self._has_more_for(end)
        cursor = self._cursor_for(end) if has_more else None
        if cursor is not None:
            self._starts[cursor] = end
        envelope: dict[str, Any] = {
            "pagination": {"limit": limit, "has_more": has_more, "next_cursor": cursor}
        }
        if endpoint is list_projects:
            envelope["data"] = [project_payload(n) for n in self.names[start:end]]
        else:
            envelope["data"] = [dataset_payload(n) for n in self.names[start:end]]
        return envelope

    @property
    def limits(self) -> Sequence[int]:
        return [params["limit"] for _, params in self.calls]


class AsyncFakeCore:
    """The same, awaited, as ``AsyncClient._request`` is."""

    def __init__(self, core: FakeCore) -> None:
        self.core = core

    async def _request(self, endpoint: ModuleType, /, **params: Any) -> Any:
        return self.core._request(endpoint, **params)
