"""Pagination stays exact while projects come and go between page fetches."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from tests.conftest import LiveServer

# Between two page fetches: create some projects, delete some existing ones
# (by position in the list of live projects, wrapped around).
_changes = st.lists(
    st.tuples(st.integers(0, 2), st.lists(st.integers(0, 50), max_size=2)),
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(initial=st.integers(0, 12), page_size=st.integers(1, 5), changes=_changes)
def test_every_project_present_throughout_is_listed_once(
    live_server: LiveServer,
    initial: int,
    page_size: int,
    changes: list[tuple[int, list[int]]],
) -> None:
    """A project that exists for the whole iteration is returned exactly once."""
    key = live_server.create_key(f"prop-{uuid.uuid4().hex[:12]}")
    with httpx.Client(base_url=live_server.api_url, headers={"X-API-Key": key}) as api:
        live: list[str] = []
        counter = 0

        def make() -> None:
            nonlocal counter
            name = f"p{counter}"
            counter += 1
            assert api.post("/projects", json={"name": name}).status_code == 201
            live.append(name)

        for _ in range(initial):
            make()
        deleted: set[str] = set()
        seen: list[str] = []
        cursor: str | None = None
        step = 0
        while True:
            params: dict[str, str | int] = {"limit": page_size}
            if cursor is not None:
                params["cursor"] = cursor
            page = api.get("/projects", params=params).json()
            seen += [item["name"] for item in page["data"]]
            cursor = page["pagination"]["next_cursor"]
            if cursor is None:
                break
            creates, deletes = changes[step] if step < len(changes) else (0, [])
            step += 1
            for _ in range(creates):
                make()
            for position in deletes:
                if live:
                    name = live.pop(position % len(live))
                    assert api.delete(f"/projects/{name}").status_code == 200
                    deleted.add(name)

    stable = [f"p{i}" for i in range(initial) if f"p{i}" not in deleted]
    assert len(seen) == len(set(seen)), "a project was listed twice"
    assert [name for name in seen if name in stable] == stable
    assert sorted(seen, key=lambda name: int(name[1:])) == seen, "not in creation order"
