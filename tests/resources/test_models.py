"""The public models: immutable, readable, and shaped as the reference page says."""

from __future__ import annotations

import copy
import datetime
import pickle
import weakref

import attrs
import msgspec
import pytest

from pictograph._models import (
    Dataset,
    DeleteResult,
    Project,
    ProjectClass,
    ProjectConfig,
)

NOW = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)


def _project(**overrides: object) -> Project:
    fields: dict[str, object] = {
        "id": "6f1c2b9e-0000-4000-8000-000000000000",
        "name": "road-signs",
        "description": None,
        "project_config": ProjectConfig(
            ("bbox", "polygon"), (ProjectClass("stop_sign"), ProjectClass("yield"))
        ),
        "image_count": 4,
        "annotation_count": 9,
        "version": 3,
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    return Project(**fields)  # type: ignore[arg-type]


def test_project_class_takes_its_name_positionally_with_bbox_by_default() -> None:
    assert ProjectClass("car") == ProjectClass(name="car", type="bbox", color=None)
    assert repr(ProjectClass("car", "polygon", "#fff")) == (
        "ProjectClass(name='car', type='polygon', color='#fff')"
    )


def test_project_shortcuts_read_its_config() -> None:
    project = _project()

    assert project.classes is project.project_config.classes
    assert project.annotation_types == ("bbox", "polygon")


def test_reprs_are_short_even_for_thousands_of_classes() -> None:
    many = tuple(ProjectClass(f"c{i}") for i in range(5000))
    project = _project(project_config=ProjectConfig(("bbox",), many))

    assert repr(project) == (
        "Project(name='road-signs', classes=5000, images=4, version=3, id='6f1c2b9e…')"
    )
    assert repr(project.project_config) == (
        "ProjectConfig(annotation_types=['bbox'], classes=5000)"
    )


@pytest.mark.parametrize(
    "model",
    [
        ProjectClass("car"),
        _project(),
        Dataset("i", "n", None, ("bbox",), 0, 0, 0, NOW, NOW),
        DeleteResult("i", "n", 1, 2, 3, 4),
    ],
)
def test_models_are_immutable_and_hashable(model: object) -> None:
    same: object
    if isinstance(model, msgspec.Struct):
        field = model.__struct_fields__[0]
        same = msgspec.structs.replace(model)
    else:
        assert isinstance(model, DeleteResult)  # the one attrs model
        field = attrs.fields(DeleteResult)[0].name
        same = attrs.evolve(model)

    with pytest.raises(AttributeError):
        setattr(model, field, "changed")
    assert hash(model) == hash(same)
    assert model == same


def test_extra_fields_are_read_only_and_outside_equality() -> None:
    project = _project(extra={"owner": "x"})

    assert project == _project()
    with pytest.raises(TypeError):
        project.extra["owner"] = "y"  # type: ignore[index]


def test_delete_result_reads_as_attributes_and_as_a_mapping() -> None:
    result = DeleteResult("i", "n", 1, 2, 3, 4, extra={"thumbnails_deleted": 5})

    assert result["images_deleted"] == result.images_deleted == 1
    assert "annotations_deleted" in result
    assert "nope" not in result
    assert list(result) == [
        "id",
        "name",
        "images_deleted",
        "annotations_deleted",
        "exports_deleted",
        "models_retained",
        "thumbnails_deleted",
    ]
    assert dict(result)["thumbnails_deleted"] == 5
    assert len(result) == 7
    assert result.get("missing") is None
    with pytest.raises(KeyError):
        result["missing"]


def _every_model() -> list[object]:
    project = _project(extra={"owner": {"team": "signs"}})
    return [
        project,
        project.project_config,
        ProjectClass("car", "polygon", "#f00"),
        Dataset("i", "n", None, ("bbox",), 2, 3, 4, NOW, NOW, extra={"x": [1]}),
        DeleteResult("i", "n", 1, 2, 3, 4, extra={"thumbnails_deleted": 5}),
    ]


@pytest.mark.parametrize("model", _every_model(), ids=lambda m: type(m).__name__)
def test_models_pickle_and_copy_with_their_extra_fields(model: object) -> None:
    """Process pools, caches and task queues pickle and deep-copy models."""
    copies = [
        pickle.loads(pickle.dumps(model)),
        copy.deepcopy(model),
        copy.copy(model),
    ]

    for copied in copies:
        assert copied == model
        assert type(copied) is type(model)
        extra = getattr(model, "extra", None)
        assert getattr(copied, "extra", None) == extra
        if extra is not None:
            with pytest.raises(TypeError):
                copied.extra["new"] = 1  # type: ignore[attr-defined]


def test_extra_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="extra must be a mapping, not int 5"):
        _project(extra=5)


def test_times_are_kept_in_utc_whatever_zone_they_come_in() -> None:
    east = datetime.timezone(datetime.timedelta(hours=2))
    naive = datetime.datetime(2026, 1, 2, 3, 4, 5)

    project = _project(
        created_at=naive, updated_at=naive.replace(tzinfo=east), extra={}
    )

    assert project.created_at == naive.replace(tzinfo=datetime.UTC)
    assert project.updated_at == datetime.datetime(
        2026, 1, 2, 1, 4, 5, tzinfo=datetime.UTC
    )
    assert project.created_at.tzinfo is project.updated_at.tzinfo is datetime.UTC


def test_times_must_be_datetimes() -> None:
    with pytest.raises(TypeError, match="created_at must be a datetime, not str 'x'"):
        Dataset("i", "n", None, ("bbox",), 1, 2, 3, "x", NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", _every_model()[:4], ids=lambda m: type(m).__name__)
def test_models_can_be_weakly_referenced(model: object) -> None:
    assert weakref.ref(model)() is model


def test_a_default_type_reads_and_compares_as_bbox() -> None:
    assert ProjectClass("car").type == "bbox"
    assert type(ProjectClass("car").type) is str
    assert ProjectClass("car") == ProjectClass("car", "bbox")
