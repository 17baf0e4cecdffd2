"""Planning each call: argument checks, the body sent, and reading responses."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest

from pictograph import _operations as ops
from pictograph._exceptions import ValidationError
from pictograph._models import ProjectClass
from pictograph._types import NOT_GIVEN
from pictograph_api.api.projects import (
    create_project,
    delete_project,
    get_project,
    update_project,
)

from .fakes import dataset_payload, project_payload


def _create(name: object = "road-signs", **kwargs: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "description": None,
        "annotation_types": ("bbox",),
        "classes": (),
        "timeout": NOT_GIVEN,
        "idempotency_key": NOT_GIVEN,
    }
    arguments.update(kwargs)
    call = ops.project_create(name, **arguments)
    assert call.endpoint is create_project
    body: dict[str, Any] = call.params["body"].to_dict()
    return body


def _update(**kwargs: Any) -> ops.Call[Any]:
    arguments: dict[str, Any] = {
        "name": NOT_GIVEN,
        "description": NOT_GIVEN,
        "annotation_types": NOT_GIVEN,
        "classes": NOT_GIVEN,
        "if_version": NOT_GIVEN,
        "timeout": NOT_GIVEN,
        "idempotency_key": NOT_GIVEN,
    }
    arguments.update(kwargs)
    return ops.project_update("road-signs", **arguments)


def _fields(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [error.field for error in excinfo.value.errors]


def test_create_sends_the_reference_page_defaults() -> None:
    assert _create() == {
        "name": "road-signs",
        "annotation_types": ["bbox"],
        "classes": [],
    }


def test_create_accepts_project_classes_and_dicts() -> None:
    body = _create(
        annotation_types=["bbox", "polygon"],
        classes=[
            ProjectClass("stop_sign", "bbox", "#ff0000"),
            ProjectClass(name="yield"),
            {"name": "lane", "type": "polygon", "color": "rgb(0 0 255)"},
            {"name": "car"},
            {"name": "bus", "color": None},
        ],
    )

    assert body["classes"] == [
        {"name": "stop_sign", "type": "bbox", "color": "#ff0000"},
        {"name": "yield", "type": "bbox"},
        {"name": "lane", "type": "polygon", "color": "rgb(0 0 255)"},
        {"name": "car", "type": "bbox"},
        {"name": "bus", "type": "bbox"},
    ]


def test_create_sends_names_in_nfc() -> None:
    body = _create("cafe\u0301", classes=[{"name": "e\u0301"}])

    assert body["name"] == "caf\u00e9"
    assert body["classes"][0]["name"] == "\u00e9"


def test_a_class_dict_with_unknown_keys_or_no_name_names_the_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(classes=[{"name": "a"}, {"nme": "b", "colour": "red"}])

    assert _fields(excinfo) == [
        "classes[1].nme",
        "classes[1].colour",
        "classes[1].name",
    ]
    assert excinfo.value.status_code is None
    assert excinfo.value.code == "validation_error"


def test_every_broken_rule_is_listed_with_its_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(
            " bad",
            description="x" * 4001,
            annotation_types=["bbox", "bbox"],
            classes=[ProjectClass("a", color="nope"), ProjectClass("A")],
        )

    assert _fields(excinfo) == [
        "name",
        "description",
        "annotation_types[1]",
        "classes[0].color",
        "classes[1].name",
    ]


def test_lone_surrogates_are_broken_rules_naming_their_fields() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(
            "\ud800",
            description="\udcff",
            classes=[
                {"name": "car\ud800", "type": "bbox"},
                ProjectClass("bus", color="\udfff"),
            ],
        )

    assert _fields(excinfo) == [
        "name",
        "description",
        "classes[0].name",
        "classes[1].color",
    ]
    assert all("lone surrogate" in e.message for e in excinfo.value.errors)
    str(excinfo.value).encode("utf-8")  # the message itself is text


def test_an_update_with_a_lone_surrogate_names_the_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        ops.project_update(
            "p",
            name="\ud800",
            description=NOT_GIVEN,
            annotation_types=NOT_GIVEN,
            classes=NOT_GIVEN,
            if_version=NOT_GIVEN,
            timeout=NOT_GIVEN,
            idempotency_key=NOT_GIVEN,
        )

    assert _fields(excinfo) == ["name"]


def test_a_string_for_annotation_types_is_an_error_not_four_letters() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(annotation_types="bbox")

    assert _fields(excinfo) == ["annotation_types"]


def test_update_sends_only_what_was_passed() -> None:
    call = _update(description="new")

    assert call.endpoint is update_project
    assert call.params["body"].to_dict() == {"description": "new"}
    assert "if_match" not in call.params


def test_update_with_description_none_clears_it() -> None:
    assert _update(description=None).params["body"].to_dict() == {"description": None}


def test_update_renames_and_replaces_classes() -> None:
    body = _update(name="Road Signs", classes=[{"name": "x", "type": "polygon"}])

    assert body.params["body"].to_dict() == {
        "name": "Road Signs",
        "classes": [{"name": "x", "type": "polygon"}],
    }


def test_update_with_nothing_to_change_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="changes nothing"):
        _update()


def test_if_version_becomes_a_quoted_if_match() -> None:
    call = _update(description="x", if_version=3)
    deletion = ops.project_delete(
        "p", if_version=12, timeout=NOT_GIVEN, idempotency_key=NOT_GIVEN
    )

    assert call.params["if_match"] == '"3"'
    assert deletion.endpoint is delete_project
    assert deletion.params["if_match"] == '"12"'


@pytest.mark.parametrize("version", ["3", True, 3.0])
def test_if_version_must_be_an_int(version: object) -> None:
    with pytest.raises(TypeError, match="if_version"):
        _update(description="x", if_version=version)


@pytest.mark.parametrize("version", [0, -1, 2**63])
def test_if_version_must_be_a_version(version: int) -> None:
    with pytest.raises(ValueError, match="if_version must be a project's version"):
        _update(description="x", if_version=version)


@pytest.mark.parametrize("argument", ["classes", "annotation_types"])
def test_a_set_is_not_a_list(argument: str) -> None:
    """A set has no order, and a class list's order is kept: refused."""
    value = {ProjectClass("a")} if argument == "classes" else {"bbox"}

    with pytest.raises(ValidationError) as caught:
        _update(**{argument: value})

    assert [error.field for error in caught.value.errors] == [argument]


def test_timeout_and_idempotency_key_pass_through() -> None:
    call = _update(description="x", timeout=2.5, idempotency_key="key-1")
    get = ops.project_get("p", timeout=1.0)

    assert (call.params["timeout"], call.params["idempotency_key"]) == (2.5, "key-1")
    assert get.params == {"project": "p", "timeout": 1.0}


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("road signs", "road signs"),
        ("50% off?#+\\", "50% off?#+\\"),
        ("12345", "12345"),
        ("cafe\u0301", "caf\u00e9"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_names_and_ids_are_addressed_in_nfc(given: object, sent: str) -> None:
    call = ops.project_get(given, timeout=NOT_GIVEN)

    assert call.endpoint is get_project
    assert call.params["project"] == sent


@pytest.mark.parametrize("name", ["", ".", ".."])
def test_unaddressable_names_are_refused_before_sending(name: str) -> None:
    with pytest.raises(ValueError, match="name_or_id"):
        ops.project_get(name, timeout=NOT_GIVEN)


def test_a_non_string_name_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="name_or_id"):
        ops.project_get(42, timeout=NOT_GIVEN)


def _body(data: object) -> bytes:
    return json.dumps({"data": data}).encode()


def _read_project(payload: dict[str, Any]) -> Any:
    call = ops.project_get("p", timeout=NOT_GIVEN)
    return call.parse(_body(payload))


def test_a_project_is_read_into_the_public_model() -> None:
    project = _read_project(project_payload("road-signs", version=3))

    assert project.name == "road-signs"
    assert project.classes == (ProjectClass("car", "bbox", "#ff0000"),)
    assert project.annotation_types == ("bbox",)
    assert type(project.annotation_types[0]) is str
    assert project.created_at == datetime.datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC
    )
    assert isinstance(project.id, str)
    assert repr(project).startswith(
        "Project(name='road-signs', classes=1, images=0, version=3"
    )


def test_a_newer_servers_types_and_fields_are_kept_aside() -> None:
    payload = project_payload(
        "p",
        owner="someone",
        project_config={
            "annotation_types": ["bbox", "cuboid"],
            "classes": [{"name": "box", "type": "cuboid", "color": "red", "z": 1}],
            "default_class": "box",
        },
    )

    project = _read_project(payload)

    assert project.annotation_types == ("bbox", "cuboid")
    assert project.classes == (ProjectClass("box", "cuboid", "red"),)
    assert project.extra == {"owner": "someone"}
    assert project.project_config.extra == {"default_class": "box"}


def test_a_dataset_and_a_delete_result_are_read() -> None:
    dataset = ops.dataset_get("d", timeout=NOT_GIVEN).parse(
        _body(dataset_payload("d", extra_field=1))
    )
    result = ops.project_delete(
        "d", if_version=NOT_GIVEN, timeout=NOT_GIVEN, idempotency_key=NOT_GIVEN
    ).parse(
        _body(
            {
                "id": str(uuid.UUID(int=7)),
                "name": "d",
                "images_deleted": 3,
                "annotations_deleted": 9,
                "exports_deleted": 1,
                "models_retained": 2,
            }
        )
    )

    assert (dataset.class_count, dataset.annotation_types) == (1, ("bbox",))
    assert dataset.extra == {"extra_field": 1}
    assert result["images_deleted"] == result.images_deleted == 3
    assert dict(result)["models_retained"] == 2
