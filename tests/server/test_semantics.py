"""CONTRACT section 5 over HTTP: names, patches, class lists, deletes, versions."""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import pytest
import stamina

from pictograph import Client

from .conftest import create, error_of, fields_of

if TYPE_CHECKING:
    from tests.conftest import LiveServer

CLASSES = [
    {"name": "stop", "type": "bbox", "color": "#ff0000"},
    {"name": "yield", "type": "bbox", "color": "#ffff00"},
    {"name": "lane", "type": "polygon", "color": "rgb(0 0 255)"},
]


def test_create_then_get_by_name_and_by_id(api: httpx.Client) -> None:
    """A created project is found by its name, any case, and by its id."""
    made = create(api, "Road Signs", description="d", annotation_types=["bbox"])

    by_name = api.get("/projects/road%20signs")
    by_id = api.get(f"/projects/{made['id'].upper()}")

    assert by_name.status_code == by_id.status_code == 200
    assert by_name.json()["data"] == by_id.json()["data"] == made
    assert made["name"] == "Road Signs"
    assert made["version"] == 1
    assert by_name.headers["etag"] == '"1"'


def test_names_are_unique_under_nfc_and_case_folding(api: httpx.Client) -> None:
    """``Café`` (composed) and ``CAFÉ`` (decomposed) are the same name."""
    composed = create(api, "Café")
    decomposed = unicodedata.normalize("NFD", "CAFÉ")

    conflict = api.post("/projects", json={"name": decomposed})
    found = api.get("/projects/" + quote(decomposed, safe=""))

    assert conflict.status_code == 409
    assert error_of(conflict)["code"] == "conflict"
    assert error_of(conflict)["details"] == {"field": "name", "existing": "Café"}
    assert found.json()["data"]["id"] == composed["id"]


def test_names_are_stored_in_nfc(api: httpx.Client) -> None:
    """A decomposed name comes back composed."""
    made = create(api, unicodedata.normalize("NFD", "Émile"))

    assert made["name"] == unicodedata.normalize("NFC", "Émile")


@pytest.mark.parametrize(
    "name",
    ["100% sure?", "a#b", "c+d", "with space", "Zürich", "日本語", "a&b=c", "x;y"],
)
def test_reserved_characters_in_names_round_trip(api: httpx.Client, name: str) -> None:
    """Names with ``%``, ``?``, ``#``, ``+``, spaces or non-ASCII are addressable."""
    made = create(api, name)
    response = api.get("/projects/" + quote(name, safe=""))

    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == made["id"]


def test_patch_leaves_absent_fields_and_null_clears(api: httpx.Client) -> None:
    """Absent fields stay, ``description: null`` clears, ``name`` renames."""
    create(api, "p", description="keep me", classes=CLASSES[:1])

    kept = api.patch("/projects/p", json={"name": "P2"}).json()["data"]
    cleared = api.patch("/projects/p2", json={"description": None}).json()["data"]

    assert kept["description"] == "keep me"
    assert kept["project_config"]["classes"] == CLASSES[:1]
    assert kept["name"] == "P2"
    assert cleared["description"] is None
    assert cleared["version"] == 3
    assert api.get("/projects/p").status_code == 404


def test_empty_patch_changes_nothing(api: httpx.Client) -> None:
    """A patch that changes nothing keeps the version."""
    create(api, "same")

    response = api.patch("/projects/same", json={})

    assert response.json()["data"]["version"] == 1


def test_rename_to_a_taken_name_is_a_conflict(api: httpx.Client) -> None:
    """Renaming onto another project's name (any case) is a 409."""
    create(api, "one")
    create(api, "two")

    response = api.patch("/projects/one", json={"name": "TWO"})
    recased = api.patch("/projects/one", json={"name": "ONE"})

    assert response.status_code == 409
    assert recased.status_code == 200
    assert recased.json()["data"]["name"] == "ONE"


def test_classes_without_colour_get_one(api: httpx.Client) -> None:
    """A class sent without a colour gets one from the palette."""
    made = create(api, "palette", classes=[{"name": "a", "type": "bbox"}])

    assert made["project_config"]["classes"][0]["color"].startswith("#")


def _annotations(api: httpx.Client, name: str) -> int:
    count: int = api.get(f"/projects/{name}").json()["data"]["annotation_count"]
    return count


@pytest.fixture
def seeded(api: httpx.Client, live_server: LiveServer, org: str) -> str:
    """A project with 3 classes, 6 images, 2 annotations an image (4 per class)."""
    create(api, "seeded", annotation_types=["bbox", "polygon"], classes=CLASSES)
    live_server.seed(
        org, "seeded", images=6, annotations_per_image=2, exports=2, models=1
    )
    return "seeded"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(CLASSES, id="same-list"),
        pytest.param(CLASSES[::-1], id="reorder"),
        pytest.param(
            [{**c, "color": "hsl(120 50% 50%)"} for c in CLASSES], id="recolour"
        ),
        pytest.param([{**c, "name": c["name"].upper()} for c in CLASSES], id="recase"),
        pytest.param([*CLASSES, {"name": "new", "type": "bbox"}], id="add"),
    ],
)
def test_class_changes_that_keep_every_annotation(
    api: httpx.Client, seeded: str, change: list[dict[str, str]]
) -> None:
    """Recolouring, reordering, re-sending or adding classes removes nothing."""
    first = api.patch(f"/projects/{seeded}", json={"classes": change})
    again = api.patch(f"/projects/{seeded}", json={"classes": change})

    assert first.status_code == again.status_code == 200
    assert _annotations(api, seeded) == 12


def test_removing_a_class_removes_exactly_its_annotations(
    api: httpx.Client, seeded: str
) -> None:
    """Dropping ``yield`` drops its 4 annotations and nothing else."""
    response = api.patch(
        f"/projects/{seeded}", json={"classes": [CLASSES[0], CLASSES[2]]}
    )

    assert response.status_code == 200
    assert response.json()["data"]["annotation_count"] == 8


def test_changing_a_class_type_removes_its_annotations(
    api: httpx.Client, seeded: str
) -> None:
    """``stop`` turned into a polygon loses its 4 bbox annotations."""
    classes = [{**CLASSES[0], "type": "polygon"}, *CLASSES[1:]]

    response = api.patch(f"/projects/{seeded}", json={"classes": classes})

    assert response.json()["data"]["annotation_count"] == 8


def test_delete_counts_and_removes_files_keeps_models(
    api: httpx.Client, seeded: str, live_server: LiveServer
) -> None:
    """Delete reports what it removed, and the stored files are gone."""
    project_id = api.get(f"/projects/{seeded}").json()["data"]["id"]
    folder = Path(live_server.blobs_dir) / project_id
    assert len(list(folder.iterdir())) == 6

    response = api.delete(f"/projects/{seeded}")

    assert response.status_code == 200
    assert response.json()["data"] == {
        "id": project_id,
        "name": "seeded",
        "images_deleted": 6,
        "annotations_deleted": 12,
        "exports_deleted": 2,
        "models_retained": 1,
    }
    assert not folder.exists()
    assert api.get(f"/projects/{seeded}").status_code == 404


def test_if_match(api: httpx.Client) -> None:
    """A stale ``If-Match`` is a 412 with the current ETag; a fresh one applies."""
    create(api, "guarded")

    stale = api.patch(
        "/projects/guarded", json={"description": "x"}, headers={"If-Match": '"9"'}
    )
    fresh = api.patch(
        "/projects/guarded", json={"description": "x"}, headers={"If-Match": '"1"'}
    )
    stale_delete = api.delete("/projects/guarded", headers={"If-Match": '"1"'})

    assert stale.status_code == 412
    assert error_of(stale)["code"] == "precondition_failed"
    assert stale.headers["etag"] == '"1"'
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"2"'
    assert stale_delete.status_code == 412
    assert error_of(stale_delete)["details"] == {"current_version": 2}


def test_idempotent_create_is_replayed(api: httpx.Client) -> None:
    """The same key and body: one project, the first response replayed."""
    headers = {"Idempotency-Key": "create-once"}
    first = api.post("/projects", json={"name": "once"}, headers=headers)
    second = api.post("/projects", json={"name": "once"}, headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert second.json() == first.json()
    assert second.headers["etag"] == first.headers["etag"]
    assert len(api.get("/projects").json()["data"]) == 1


def test_idempotency_key_reused_for_another_request(api: httpx.Client) -> None:
    """The same key with another body is a 422 ``idempotency_key_reused``."""
    headers = {"Idempotency-Key": "k-1"}
    api.post("/projects", json={"name": "a"}, headers=headers)

    response = api.post("/projects", json={"name": "b"}, headers=headers)

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"


def test_an_error_of_the_operation_is_replayed_too(api: httpx.Client) -> None:
    """A 409 stored under a key stays the answer, even once the name is free."""
    create(api, "taken")
    headers = {"Idempotency-Key": "create-taken"}
    first = api.post("/projects", json={"name": "taken"}, headers=headers)
    api.delete("/projects/taken")

    retry = api.post("/projects", json={"name": "taken"}, headers=headers)
    other = api.post("/projects", json={"name": "other"}, headers=headers)

    assert first.status_code == retry.status_code == 409
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert api.get("/projects/taken").status_code == 404
    assert error_of(other)["code"] == "idempotency_key_reused"
    assert error_of(other)["details"] == {"field": "Idempotency-Key"}


def test_a_request_refused_before_it_ran_stores_nothing(api: httpx.Client) -> None:
    """A broken rule (422) is not an outcome: the key is still free to use."""
    headers = {"Idempotency-Key": "fix-and-retry"}
    refused = api.post("/projects", json={"name": "a/b"}, headers=headers)

    fixed = api.post("/projects", json={"name": "a-b"}, headers=headers)

    assert fields_of(refused) == ["name"]
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers


def test_a_failed_update_under_a_key_changes_nothing(api: httpx.Client) -> None:
    """A 412 is stored, and whatever the update had begun is undone."""
    create(api, "guarded", classes=CLASSES[:1])
    headers = {"Idempotency-Key": "stale-update", "If-Match": '"7"'}
    body = {"description": "new", "classes": CLASSES[1:]}

    first = api.patch("/projects/guarded", json=body, headers=headers)
    retry = api.patch("/projects/guarded", json=body, headers=headers)

    assert first.status_code == retry.status_code == 412
    assert retry.headers["etag"] == '"1"'
    project = api.get("/projects/guarded").json()["data"]
    assert (project["version"], project["description"]) == (1, None)
    assert [c["name"] for c in project["project_config"]["classes"]] == ["stop"]


def test_seeding_images_changes_the_version(
    api: httpx.Client, live_server: LiveServer, org: str
) -> None:
    """New images change the counts, so an ``If-Match`` read before is stale."""
    create(api, "grows", classes=CLASSES[:1])
    live_server.seed(org, "grows", images=2, annotations_per_image=1)

    stale = api.delete("/projects/grows", headers={"If-Match": '"1"'})

    assert api.get("/projects/grows").headers["etag"] == '"2"'
    assert stale.status_code == 412


def test_idempotency_keys_are_per_organisation(
    api: httpx.Client, live_server: LiveServer
) -> None:
    """Another organisation using the same key gets its own result."""
    other = httpx.Client(
        base_url=live_server.api_url,
        headers={"X-API-Key": live_server.create_key(f"other-{id(api)}")},
    )
    headers = {"Idempotency-Key": "shared"}
    with other:
        mine = api.post("/projects", json={"name": "x"}, headers=headers)
        theirs = other.post("/projects", json={"name": "y"}, headers=headers)

    assert mine.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers


def test_concurrent_requests_with_one_key_run_once(
    live_server: LiveServer, org: str, api_key: str
) -> None:
    """Eight parallel creates with one key: one project, every answer a 201."""
    from concurrent.futures import ThreadPoolExecutor

    def send(_: int) -> httpx.Response:
        return httpx.post(
            f"{live_server.api_url}/projects",
            json={"name": "racy"},
            headers={"X-API-Key": api_key, "Idempotency-Key": "race"},
        )

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, range(8)))

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["data"]["id"] for r in responses}) == 1
    listing = httpx.get(
        f"{live_server.api_url}/projects", headers={"X-API-Key": api_key}
    )
    assert [p["name"] for p in listing.json()["data"]] == ["racy"]


def test_concurrent_creates_lose_nothing(live_server: LiveServer, api_key: str) -> None:
    """Forty creates from eight clients at once: all forty exist."""
    from concurrent.futures import ThreadPoolExecutor

    def send(index: int) -> int:
        response = httpx.post(
            f"{live_server.api_url}/projects",
            json={"name": f"p{index}"},
            headers={"X-API-Key": api_key},
        )
        return response.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(40)))
    listing = httpx.get(
        f"{live_server.api_url}/projects?limit=1000", headers={"X-API-Key": api_key}
    )

    assert statuses == [201] * 40
    assert len(listing.json()["data"]) == 40


def test_pagination_walks_in_creation_order(api: httpx.Client) -> None:
    """Pages of 2 over 5 projects: creation order, has_more false at the end."""
    names = [f"n{index}" for index in range(5)]
    for name in names:
        create(api, name)
    seen, cursor, pages = [], None, 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/datasets", params=params).json()
        pages += 1
        seen += [item["name"] for item in page["data"]]
        cursor = page["pagination"]["next_cursor"]
        assert page["pagination"]["has_more"] is (cursor is not None)
        if cursor is None:
            break

    assert seen == names
    assert pages == 3


def test_a_page_of_large_projects_ends_early(api: httpx.Client) -> None:
    """Past about 8 MiB a page ends before its limit, and the walk goes on."""
    classes = [{"name": f"{i:04d}-" + "c" * 110, "type": "bbox"} for i in range(5000)]
    for n in range(14):
        create(api, f"big-{n}", classes=classes)

    names: list[str] = []
    sizes: list[int] = []
    params: dict[str, Any] = {"limit": 1000}
    while True:
        response = api.get("/projects", params=params)
        page = response.json()
        names += [p["name"] for p in page["data"]]
        sizes.append(len(response.content))
        if not page["pagination"]["has_more"]:
            break
        params["cursor"] = page["pagination"]["next_cursor"]

    assert names == [f"big-{n}" for n in range(14)]
    assert len(sizes) == 2
    assert max(sizes) < 10 * 1024 * 1024


def test_exact_page_has_no_more(api: httpx.Client) -> None:
    """Two projects, limit 2: one page and ``has_more`` false."""
    create(api, "a")
    create(api, "b")

    page = api.get("/projects", params={"limit": 2}).json()

    assert page["pagination"] == {"limit": 2, "has_more": False, "next_cursor": None}


def test_a_cursor_from_another_organisation_is_rejected(
    api: httpx.Client, live_server: LiveServer
) -> None:
    """A valid cursor of one organisation is a 422 in another."""
    create(api, "a")
    create(api, "b")
    cursor = api.get("/projects", params={"limit": 1}).json()["pagination"][
        "next_cursor"
    ]
    other_key = live_server.create_key(f"other-{id(api)}-c")

    response = httpx.get(
        f"{live_server.api_url}/projects",
        params={"cursor": cursor},
        headers={"X-API-Key": other_key},
    )

    assert fields_of(response) == ["cursor"]


def test_dataset_view(api: httpx.Client) -> None:
    """The dataset view counts classes instead of listing them."""
    made = create(api, "ds", annotation_types=["bbox", "polygon"], classes=CLASSES)

    dataset = api.get("/datasets/DS").json()["data"]

    assert dataset["id"] == made["id"]
    assert dataset["class_count"] == 3
    assert dataset["annotation_types"] == ["bbox", "polygon"]
    assert "project_config" not in dataset


@pytest.fixture(scope="module")
def quick_busy(start_server: Callable[..., LiveServer]) -> LiveServer:
    """A server whose writes wait 0.2 s for another process's lock."""
    return start_server("--busy-timeout", "0.2")


class WriteLock:
    """The database's write lock, held from another connection as a seed does."""

    def __init__(self, db_path: Path) -> None:
        self._conn = sqlite3.connect(
            db_path, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        self._conn.close()


def test_a_write_while_another_process_holds_the_lock_is_a_503(
    quick_busy: LiveServer, org: str
) -> None:
    """A busy database: 503 with Retry-After, nothing applied; reads go on."""
    headers = {"X-API-Key": quick_busy.create_key(org)}
    with httpx.Client(base_url=quick_busy.api_url, headers=headers) as api:
        lock = WriteLock(quick_busy.db_path)
        try:
            busy = api.post("/projects", json={"name": "busy"})
            read = api.get("/projects")
        finally:
            lock.release()
        after = api.post("/projects", json={"name": "busy"})

    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert error_of(busy)["code"] == "service_unavailable"
    assert error_of(busy)["details"] == {"retry_after": 1}
    assert read.status_code == 200
    assert read.json()["data"] == []
    assert after.status_code == 201


def test_the_sdk_waits_out_a_busy_database(quick_busy: LiveServer, org: str) -> None:
    """``create`` during a seed is retried after Retry-After and lands once."""
    key = quick_busy.create_key(org)
    lock = WriteLock(quick_busy.db_path)
    release = threading.Timer(0.5, lock.release)
    release.start()
    try:
        with stamina.set_testing(False), Client(key, base_url=quick_busy.url) as c:
            project = c.projects.create("after-the-seed")
            names = [p.name for p in c.projects.iter()]
    finally:
        release.join()

    assert project.version == 1
    assert names == ["after-the-seed"]
