"""Every cell of the role matrix (CONTRACT section 5), and other organisations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest

from .conftest import ClientFactory, create, error_of

if TYPE_CHECKING:
    from tests.conftest import LiveServer

ROLES = ["owner", "admin", "member", "annotator", "viewer"]
Call = Callable[[httpx.Client], httpx.Response]

OPERATIONS: dict[str, tuple[Call, str]] = {
    "listProjects": (lambda c: c.get("/projects"), "viewer"),
    "getProject": (lambda c: c.get("/projects/target"), "viewer"),
    "listDatasets": (lambda c: c.get("/datasets"), "viewer"),
    "getDataset": (lambda c: c.get("/datasets/target"), "viewer"),
    "createProject": (lambda c: c.post("/projects", json={"name": "fresh"}), "member"),
    "updateProject": (
        lambda c: c.patch("/projects/target", json={"description": "x"}),
        "member",
    ),
    "deleteProject": (lambda c: c.delete("/projects/target"), "admin"),
}
SUCCESS = {"createProject": 201}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_role_matrix(clients: ClientFactory, operation: str, role: str) -> None:
    """Reads: any role; create and update: member+; delete: admin+."""
    call, lowest = OPERATIONS[operation]
    create(clients("owner"), "target")
    allowed = ROLES.index(role) <= ROLES.index(lowest)

    response = call(clients(role))

    if allowed:
        assert response.status_code == SUCCESS.get(operation, 200), response.text
    else:
        assert response.status_code == 403, response.text
        error = error_of(response)
        assert error["code"] == "forbidden"
        assert error["details"] == {"role": role, "required": lowest}


@pytest.mark.parametrize(
    "operation", ["getProject", "getDataset", "updateProject", "deleteProject"]
)
def test_another_organisations_project_is_not_found(
    clients: ClientFactory, live_server: LiveServer, operation: str
) -> None:
    """Another organisation's project is a 404, never a 403, by name or id."""
    project = create(clients("owner"), "target")
    call, _ = OPERATIONS[operation]
    stranger = httpx.Client(
        base_url=live_server.api_url,
        headers={"X-API-Key": live_server.create_key(f"stranger-{project['id']}")},
    )

    with stranger:
        by_name = call(stranger)
        by_id = stranger.get(f"/projects/{project['id']}")
        listing = stranger.get("/projects")

    assert by_name.status_code == by_id.status_code == 404
    assert error_of(by_name)["code"] == "not_found"
    assert listing.json()["data"] == []
