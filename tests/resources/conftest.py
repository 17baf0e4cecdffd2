from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from pictograph import AsyncClient, Client

if TYPE_CHECKING:
    from tests.conftest import LiveServer


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
