from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import pytest

from pictograph import AsyncClient, Client


class LiveServer(Protocol):
    """What these tests use of ``tests/conftest.py``'s ``live_server``."""

    @property
    def url(self) -> str: ...

    def create_key(self, org: str, role: str = "owner") -> str: ...

    def seed(
        self,
        org: str,
        project: str,
        *,
        images: int,
        annotations_per_image: int,
        exports: int = 0,
        models: int = 0,
    ) -> None: ...


@pytest.fixture
def client(live_server: LiveServer, api_key: str) -> Iterator[Client]:
    """A client with an owner key of a fresh organisation."""
    with Client(api_key, base_url=live_server.url, max_retries=0) as client:
        yield client


@pytest.fixture
async def async_client(
    live_server: LiveServer, api_key: str
) -> AsyncIterator[AsyncClient]:
    """The async twin of ``client``, in the same organisation."""
    async with AsyncClient(api_key, base_url=live_server.url, max_retries=0) as client:
        yield client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
