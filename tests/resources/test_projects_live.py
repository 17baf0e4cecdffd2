"""``client.projects`` and ``client.datasets`` against the reference server.

Sync and async variants side by side; each test has its own organisation.
"""

from __future__ import annotations

import asyncio
import unicodedata
import uuid
from typing import TYPE_CHECKING

import pytest

from pictograph import (
    AsyncClient,
    Client,
    ConflictError,
    NotFoundError,
    PreconditionFailedError,
    ProjectClass,
    ValidationError,
)

if TYPE_CHECKING:
    from tests.conftest import LiveServer


CLASSES = [ProjectClass("stop_sign", "bbox", "#ff0000"), ProjectClass("yield")]


def test_create_get_update_delete(client: Client) -> None:
    created = client.projects.create("road-signs", description="d", classes=CLASSES)
    fetched = client.projects.get("road-signs")
    updated = client.projects.update("road-signs", description=None)
    result = client.projects.delete("road-signs")

    assert fetched == created
    assert created.classes[0] == CLASSES[0]
    assert created.classes[1].color  # the server picked one
    assert created.created_at.tzinfo is not None
    assert (updated.description, updated.version, updated.classes) == (
        None,
        2,
        created.classes,
    )
    assert (result.name, result.id) == ("road-signs", created.id)
    with pytest.raises(NotFoundError):
        client.projects.get(created.id)


@pytest.mark.anyio
async def test_async_create_get_update_delete(async_client: AsyncClient) -> None:
    projects = async_client.projects

    created = await projects.create("road-signs", description="d", classes=CLASSES)
    fetched = await projects.get("road-signs")
    updated = await projects.update("road-signs", description=None)
    result = await projects.delete("road-signs")

    assert fetched == created
    assert (updated.description, updated.version) == (None, 2)
    assert result.name == "road-signs"
    with pytest.raises(NotFoundError):
        await projects.get(created.id)


def test_an_update_of_the_description_keeps_classes_and_annotations(
    client: Client, live_server: LiveServer, org: str
) -> None:
    client.projects.create("p", classes=CLASSES)
    live_server.seed(org, "p", images=2, annotations_per_image=3)
    before = client.projects.get("p")

    after = client.projects.update("p", description="only this")

    assert before.annotation_count == after.annotation_count == 6
    assert after.classes == before.classes


def test_rename_and_classes_replace_the_list(client: Client) -> None:
    client.projects.create("old", annotation_types=["bbox", "polygon"], classes=CLASSES)

    renamed = client.projects.update(
        "OLD", name="new", classes=[{"name": "lane", "type": "polygon"}]
    )

    assert renamed.name == "new"
    assert [(c.name, c.type) for c in renamed.classes] == [("lane", "polygon")]
    with pytest.raises(NotFoundError):
        client.projects.get("old")


def test_if_version_guards_update_and_delete(client: Client) -> None:
    project = client.projects.create("p")
    client.projects.update("p", description="moved on")

    with pytest.raises(PreconditionFailedError):
        client.projects.update("p", description="stale", if_version=project.version)
    with pytest.raises(PreconditionFailedError):
        client.projects.delete("p", if_version=project.version)
    assert client.projects.delete("p", if_version=project.version + 1).name == "p"


@pytest.mark.anyio
async def test_async_if_version_guards_update(async_client: AsyncClient) -> None:
    project = await async_client.projects.create("p")
    await async_client.projects.update("p", description="moved on")

    with pytest.raises(PreconditionFailedError):
        await async_client.projects.update(
            "p", description="stale", if_version=project.version
        )


def test_an_idempotency_key_replays_a_create(client: Client) -> None:
    first = client.projects.create("p", idempotency_key="k-1", timeout=5)
    again = client.projects.create("p", idempotency_key="k-1")

    assert again == first


def test_client_side_validation_sends_nothing(
    client: Client, live_server: LiveServer, api_key: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        client.projects.create("p", classes=[{"name": "a", "kind": "bbox"}])

    assert [e.field for e in excinfo.value.errors] == ["classes[0].kind"]
    assert client.projects.list().items == ()


NAMES = [
    "with space",
    "50% off",
    "what?",
    "#hash",
    "a+b",
    "back\\slash",
    "12345",
    "caf\u00e9",
    "\u00c5ngstr\u00f6m",
    "\u65e5\u672c\u8a9e",
    "a;b=c&d",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_that_mean_something_in_a_url_work_throughout(
    client: Client, name: str
) -> None:
    created = client.projects.create(name)

    assert client.projects.get(name).id == created.id
    assert client.projects.get(name.upper()).id == created.id
    assert client.projects.update(name, description="x").name == name
    assert client.datasets.get(name).name == name
    assert client.projects.delete(name).id == created.id


def test_nfd_and_nfc_spellings_are_the_same_name(client: Client) -> None:
    nfd = unicodedata.normalize("NFD", "Caf\u00e9 Cr\u00e8me")
    created = client.projects.create(nfd)

    assert created.name == unicodedata.normalize("NFC", nfd)
    assert client.projects.get("caf\u00e9 cr\u00e8me").id == created.id
    assert client.projects.update(nfd, description="x").version == 2
    with pytest.raises(ConflictError):
        client.projects.create("CAF\u00c9 CR\u00c8ME")
    assert client.projects.delete(nfd).name == created.name


def test_a_name_longer_when_case_folded_is_still_found(client: Client) -> None:
    """``"SS" * 120`` is 240 characters, and the name of ``"ß" * 120``."""
    created = client.projects.create("\u00df" * 120)

    assert client.projects.get("SS" * 120).id == created.id
    assert client.projects.update("ss" * 120, description="x").version == 2
    assert client.projects.delete("Ss" * 120).id == created.id


@pytest.mark.anyio
async def test_async_case_folded_names_find_the_project(
    async_client: AsyncClient,
) -> None:
    created = await async_client.projects.create("Cars")

    assert (await async_client.projects.get("cARS")).id == created.id
    with pytest.raises(ConflictError):
        await async_client.projects.create("cars")


def test_a_name_shaped_like_a_uuid_is_an_id_lookup(client: Client) -> None:
    project = client.projects.create("p")

    assert client.projects.get(uuid.UUID(project.id)).name == "p"
    with pytest.raises(NotFoundError):
        client.projects.get(str(uuid.uuid4()))


def test_datasets_view_the_same_projects(client: Client) -> None:
    project = client.projects.create("p", classes=CLASSES)

    dataset = client.datasets.get("P")
    page = client.datasets.list()

    assert (dataset.id, dataset.class_count) == (project.id, 2)
    assert dataset.annotation_types == ("bbox",)
    assert [d.name for d in page] == ["p"]
    assert [d.name for d in client.datasets.iter(page_size=1)] == ["p"]


@pytest.mark.anyio
async def test_async_datasets(async_client: AsyncClient) -> None:
    await async_client.projects.create("p", classes=CLASSES)

    dataset = await async_client.datasets.get("p")
    page = await async_client.datasets.list(limit=1)
    names = [d.name async for d in async_client.datasets.iter()]

    assert dataset.class_count == 2
    assert [d.name for d in page] == names == ["p"]


@pytest.mark.anyio
async def test_list_over_a_thousand_gathers_pages(
    live_server: LiveServer, api_key: str
) -> None:
    """Creates 1,003 projects (concurrently, to stay quick), then lists them."""
    expected = [f"p{n:04d}" for n in range(1003)]
    async with AsyncClient(api_key, base_url=live_server.url) as client:
        gate = asyncio.Semaphore(16)

        async def create(name: str) -> None:
            async with gate:
                await client.projects.create(name)

        await asyncio.gather(*(create(name) for name in expected))
        async_page = await client.datasets.list(limit=1002)
    with Client(api_key, base_url=live_server.url) as sync_client:
        page = sync_client.projects.list(limit=1003)
        tail = sync_client.projects.list(limit=1000, cursor=async_page.next_cursor)

    assert sorted(p.name for p in page) == expected
    assert len({p.id for p in page}) == 1003
    assert (page.has_more, page.next_cursor) == (False, None)
    assert len(async_page) == 1002
    assert async_page.has_more
    assert [d.name for d in async_page] == [p.name for p in page][:1002]
    assert [p.name for p in tail] == [p.name for p in page][1002:]


def test_a_server_side_validation_error_lists_its_rules_in_str(client: Client) -> None:
    client.projects.create("p")

    with pytest.raises(ValidationError) as caught:
        client.projects.update("p", classes=[{"name": "a", "type": "polygon"}])

    assert caught.value.status_code == 422
    assert "classes[0].type: 'polygon' is not among" in str(caught.value)


@pytest.mark.anyio
async def test_async_validation_errors_list_their_rules_alike(
    async_client: AsyncClient,
) -> None:
    await async_client.projects.create("p")

    with pytest.raises(ValidationError) as server_side:
        await async_client.projects.update(
            "p", classes=[{"name": "a", "type": "polygon"}]
        )
    with pytest.raises(ValidationError) as client_side:
        await async_client.projects.create("q", classes=[{"name": "", "type": "bbox"}])

    assert "classes[0].type: 'polygon' is not among" in str(server_side.value)
    assert "classes[0].name: must not be empty." in str(client_side.value)
