"""The generated low-level client: present, complete, and forward compatible."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pictograph_api.models import AnnotationType, Dataset, Project, ProjectClass

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def _operations() -> list[tuple[str, str]]:
    found = []
    for path_item in SPEC["paths"].values():
        for method, operation in path_item.items():
            if method in METHODS:
                found.append((operation["tags"][0], operation["operationId"]))
    return found


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def test_the_generated_package_imports() -> None:
    package = importlib.import_module("pictograph_api")

    assert hasattr(package, "AuthenticatedClient")
    assert hasattr(package, "Client")


def test_the_spec_has_the_seven_operations() -> None:
    assert sorted(op for _, op in _operations()) == [
        "createProject",
        "deleteProject",
        "getDataset",
        "getProject",
        "listDatasets",
        "listProjects",
        "updateProject",
    ]


@pytest.mark.parametrize(("tag", "operation_id"), _operations())
def test_each_operation_has_its_module(tag: str, operation_id: str) -> None:
    module = importlib.import_module(f"pictograph_api.api.{tag}.{_snake(operation_id)}")

    for name in ("sync_detailed", "asyncio_detailed", "sync", "asyncio"):
        assert callable(getattr(module, name)), f"{module.__name__}.{name}"


def _project_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "6f1c2b1e-8d4a-4c3e-9a57-2f0b8e5d7c11",
        "name": "road-signs",
        "description": None,
        "project_config": {
            "annotation_types": ["bbox"],
            "classes": [{"name": "stop_sign", "type": "bbox", "color": "#ff0000"}],
        },
        "image_count": 0,
        "annotation_count": 0,
        "version": 1,
        "created_at": "2026-11-02T09:15:00Z",
        "updated_at": "2026-11-02T09:15:00Z",
    }
    payload.update(overrides)
    return payload


def test_the_generator_rejects_an_enum_value_it_does_not_know() -> None:
    # Why response schemas keep annotation types open: a closed enum would
    # make one new type on the server break every deployed client.
    with pytest.raises(ValueError, match="cuboid"):
        AnnotationType("cuboid")


def test_a_project_with_an_unknown_annotation_type_still_parses() -> None:
    payload = _project_payload(
        project_config={
            "annotation_types": ["bbox", "cuboid"],
            "classes": [
                {"name": "car", "type": "cuboid", "color": "#00ff00"},
                {"name": "sign", "type": "bbox", "color": "red"},
            ],
        }
    )

    project = Project.from_dict(payload)

    assert project.project_config.annotation_types == [AnnotationType.BBOX, "cuboid"]
    assert project.project_config.classes[0].type_ == "cuboid"
    assert project.project_config.classes[1].type_ is AnnotationType.BBOX


def test_unknown_fields_in_responses_are_kept_aside() -> None:
    payload = _project_payload(owner_team="vision", labels={"tier": "gold"})
    payload["project_config"]["classes"][0]["shortcut"] = "s"

    project = Project.from_dict(payload)

    assert project.additional_properties == {
        "owner_team": "vision",
        "labels": {"tier": "gold"},
    }
    assert project.project_config.classes[0].additional_properties == {"shortcut": "s"}


def test_a_dataset_with_an_unknown_annotation_type_still_parses() -> None:
    dataset = Dataset.from_dict(
        {
            "id": "6f1c2b1e-8d4a-4c3e-9a57-2f0b8e5d7c11",
            "name": "road-signs",
            "description": "signs",
            "annotation_types": ["segmentation_mask"],
            "class_count": 0,
            "image_count": 0,
            "annotation_count": 0,
            "created_at": "2026-11-02T09:15:00Z",
            "updated_at": "2026-11-02T09:15:00Z",
            "archived": False,
        }
    )

    assert dataset.annotation_types == ["segmentation_mask"]
    assert dataset.additional_properties == {"archived": False}


def test_a_class_round_trips_an_unknown_type_as_sent() -> None:
    cls = ProjectClass.from_dict({"name": "car", "type": "cuboid", "color": "red"})

    assert cls.to_dict() == {"name": "car", "type": "cuboid", "color": "red"}


def _closed_enums(node: Any, trail: str, seen: set[str]) -> list[str]:
    """Paths where a response body reaches an enum with no open fallback."""
    if isinstance(node, list):
        return [
            hit
            for i, item in enumerate(node)
            for hit in _closed_enums(item, f"{trail}[{i}]", seen)
        ]
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return []
        target: Any = SPEC
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return _closed_enums(target, ref, seen | {ref})
    if "enum" in node:
        return [trail]
    if any(alt == {"type": "string"} for alt in node.get("anyOf", [])):
        return []  # open: an unknown value falls back to a plain string
    return [
        hit
        for key, value in node.items()
        if key not in {"example", "examples"}
        for hit in _closed_enums(value, f"{trail}/{key}", seen)
    ]


def test_no_response_body_can_fail_on_a_new_enum_value() -> None:
    hits = []
    for path, path_item in SPEC["paths"].items():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    name = response["$ref"].rsplit("/", 1)[-1]
                    response = SPEC["components"]["responses"][name]
                for media in response.get("content", {}).values():
                    trail = f"{method.upper()} {path} {status}"
                    hits += _closed_enums(media["schema"], trail, set())

    assert hits == []
