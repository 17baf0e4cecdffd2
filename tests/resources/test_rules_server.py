"""The SDK and the server apply the same rules, in the same words.

Each body goes to the server raw (httpx, no SDK) and through
``client.projects.create``; both must accept it, or both must name the same
fields with the same messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from pictograph import Client, ValidationError
from pictograph._rules import check_create

from .strategies import Body, broken_bodies, class_lists, valid_bodies

if TYPE_CHECKING:
    from tests.conftest import LiveServer

LIVE = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def raw(live_server: LiveServer, api_key: str) -> Iterator[httpx.Client]:
    """Plain httpx, for sending a body exactly as given."""
    with httpx.Client(
        base_url=live_server.url + "/api/v1/developer",
        headers={"X-API-Key": api_key},
        timeout=30,
    ) as raw:
        yield raw


def _create(client: Client, body: Body) -> Any:
    return client.projects.create(
        body["name"],
        description=body.get("description"),
        annotation_types=body["annotation_types"],
        classes=body["classes"],
    )


def _server_errors(raw: httpx.Client, body: Body) -> list[dict[str, str]]:
    response = raw.post("/projects", json=body)
    assert response.status_code == 422, response.text
    errors: list[dict[str, str]] = response.json()["error"]["details"]["errors"]
    return errors


def _assert_round_trip(body: Body, project: Any) -> None:
    assert project.name == body["name"]
    assert project.description == body.get("description")
    assert list(project.annotation_types) == body["annotation_types"]
    assert [(c.name, c.type) for c in project.classes] == [
        (c["name"], c["type"]) for c in body["classes"]
    ]
    for sent, stored in zip(body["classes"], project.classes, strict=True):
        assert stored.color == sent.get("color", stored.color)
        assert stored.color


@LIVE
@given(body=valid_bodies())
def test_valid_bodies_are_accepted_and_round_trip(client: Client, body: Body) -> None:
    created = _create(client, body)
    fetched = client.projects.get(body["name"])
    client.projects.delete(created.id)

    assert fetched == created
    _assert_round_trip(body, fetched)


@LIVE
@given(case=broken_bodies())
def test_a_broken_rule_is_named_alike_by_the_sdk_and_the_server(
    client: Client, raw: httpx.Client, case: tuple[Body, str]
) -> None:
    body, field = case

    server = _server_errors(raw, body)
    with pytest.raises(ValidationError) as excinfo:
        _create(client, body)

    assert [error.as_dict() for error in excinfo.value.errors] == server
    assert [error.as_dict() for error in check_create(body)] == server
    assert {error["field"] for error in server} == {field}


def test_five_thousand_classes_round_trip(client: Client) -> None:
    types = ["bbox", "polygon", "polyline", "keypoint"]
    body: Body = {
        "name": "big",
        "annotation_types": types,
        "classes": [
            {"name": f"class {n:04d}", "type": types[n % 4], "color": f"#{n:06x}"}
            for n in range(5000)
        ],
    }

    created = _create(client, body)
    fetched = client.projects.get("big")

    assert fetched == created
    _assert_round_trip(body, fetched)


def test_five_thousand_and_one_classes_are_refused_by_both(
    client: Client, raw: httpx.Client
) -> None:
    body: Body = {
        "name": "too-big",
        "annotation_types": ["bbox"],
        "classes": [{"name": f"c{n}", "type": "bbox"} for n in range(5001)],
    }

    server = _server_errors(raw, body)
    with pytest.raises(ValidationError) as excinfo:
        _create(client, body)

    assert [e.as_dict() for e in excinfo.value.errors] == server
    assert [e["field"] for e in server] == ["classes"]


def test_a_flood_of_broken_rules_is_listed_up_to_a_cap_by_both(
    client: Client, raw: httpx.Client
) -> None:
    """120,000 duplicate types: the first 100 listed, the rest counted, alike."""
    types = ["bbox"] * 120_001
    body: Body = {"name": "flood", "annotation_types": types, "classes": []}

    response = raw.post("/projects", json=body)
    with pytest.raises(ValidationError) as excinfo:
        _create(client, body)

    server = response.json()["error"]
    assert response.status_code == 422
    assert len(response.content) < 20_000
    assert server["message"] == (
        "The request breaks 120000 rules. The first 100 are listed."
    )
    assert len(server["details"]["errors"]) == 100
    assert server["details"]["more_errors"] == 119_900
    error = excinfo.value
    assert (error.message, error.details) == (server["message"], server["details"])
    assert str(error).count("annotation_types[") == 10
    assert "... and 119990 more." in str(error)


UPDATES: list[dict[str, Any]] = [
    {"name": " padded"},
    {"name": "a/b", "description": "d" * 4001},
    {"annotation_types": []},
    {"annotation_types": ["bbox", "cuboid", "bbox"]},
    {"classes": [{"name": "x", "type": "bbox", "color": "currentcolor"}]},
    {"classes": [{"name": "x", "type": "bbox"}, {"name": "X", "type": "bbox"}]},
    {"classes": [{"name": "x", "type": "bbox", "size": 3}]},
    {"annotation_types": ["polygon"], "classes": [{"name": "x", "type": "bbox"}]},
    # Invisible characters: names that look alike must not compare different.
    {"name": "car\u200b"},
    {"name": "\u200dcar"},
    {
        "classes": [
            {"name": "car", "type": "bbox"},
            {"name": "\ufeffcar", "type": "bbox"},
        ]
    },
    {"classes": [{"name": "stop\u202esign", "type": "bbox"}]},
]


@pytest.mark.parametrize("change", UPDATES)
def test_a_broken_update_is_named_alike(
    client: Client, raw: httpx.Client, change: dict[str, Any]
) -> None:
    client.projects.create("p")

    response = raw.patch("/projects/p", json=change)
    with pytest.raises(ValidationError) as excinfo:
        client.projects.update("p", **change)

    assert response.status_code == 422
    server = response.json()["error"]["details"]["errors"]
    assert [e.as_dict() for e in excinfo.value.errors] == server


@settings(max_examples=10, deadline=None)
@given(classes=class_lists(["bbox", "polygon"], max_size=4))
def test_class_dicts_and_project_classes_send_the_same(
    classes: list[dict[str, Any]],
) -> None:
    from pictograph import ProjectClass
    from pictograph import _operations as ops
    from pictograph._types import NOT_GIVEN

    def body(given: list[Any]) -> Any:
        call = ops.project_create(
            "p",
            description=None,
            annotation_types=["bbox", "polygon"],
            classes=given,
            timeout=NOT_GIVEN,
            idempotency_key=NOT_GIVEN,
        )
        return call.params["body"].to_dict()

    assert body(classes) == body([ProjectClass(**c) for c in classes])
