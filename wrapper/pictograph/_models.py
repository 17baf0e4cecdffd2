from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = [
    "EMPTY_EXTRA",
    "Dataset",
    "DeleteResult",
    "Extra",
    "Project",
    "ProjectClass",
    "ProjectConfig",
]


class Extra(Mapping[str, Any]):
    """Fields a newer server sent that this version does not know: a read-only
    mapping that, unlike ``types.MappingProxyType``, pickles and deep-copies
    (process pools, caches and task queues need that of a model)."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Any] | None = None) -> None:
        self._fields = dict(fields or {})

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Extra({self._fields!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Extra, (self._fields,))


EMPTY_EXTRA = Extra()


def _extra_field() -> Any:
    # Kept aside, read-only, and left out of equality and hashing.
    return attrs.field(default=EMPTY_EXTRA, repr=False, eq=False, converter=_extra)


def _extra(value: Mapping[str, Any]) -> Extra:
    return value if isinstance(value, Extra) else Extra(value)


def _short_id(value: str) -> str:
    return f"{value[:8]}…" if len(value) > 8 else value


@attrs.frozen
class ProjectClass:
    """One class of a project: what annotations of it are called and drawn like.

    Args:
        name: Unique within the project, compared ignoring case and Unicode
            normalisation.
        type: The annotation type of the class: ``"bbox"``, ``"polygon"``,
            ``"polyline"`` or ``"keypoint"``; one of the project's
            ``annotation_types``. A newer server may return a type this
            version does not know; it is kept as a plain string.
        color: Any CSS colour (``"#ff0000"``, ``"rgb(255 0 0)"``, ``"red"``,
            ...), returned exactly as sent. ``None`` on input lets the server
            pick one; classes returned by the server always have one.
    """

    name: str
    type: str = "bbox"
    color: str | None = None


@attrs.frozen(repr=False)
class ProjectConfig:
    """The annotation types a project allows and its class list."""

    annotation_types: tuple[str, ...]
    classes: tuple[ProjectClass, ...]
    extra: Mapping[str, Any] = _extra_field()

    def __repr__(self) -> str:
        return (
            f"ProjectConfig(annotation_types={list(self.annotation_types)!r}, "
            f"classes={len(self.classes)})"
        )


@attrs.frozen(repr=False)
class Project:
    """A project with its configuration, as ``client.projects`` returns it.

    ``id`` is the server's UUID as a string (``get`` accepts it, or a
    ``uuid.UUID``, wherever it accepts a name). ``version`` grows by one on
    every change; pass it as ``if_version=`` to ``update`` or ``delete`` to act
    only on the version you read. Times are timezone-aware, in UTC. Fields a
    newer server adds are kept in ``extra``.
    """

    id: str
    name: str
    description: str | None
    project_config: ProjectConfig
    image_count: int
    annotation_count: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    extra: Mapping[str, Any] = _extra_field()

    @property
    def classes(self) -> tuple[ProjectClass, ...]:
        """The project's classes (``project.project_config.classes``)."""
        return self.project_config.classes

    @property
    def annotation_types(self) -> tuple[str, ...]:
        """The annotation types the project allows (from ``project_config``)."""
        return self.project_config.annotation_types

    def __repr__(self) -> str:
        return (
            f"Project(name={self.name!r}, classes={len(self.classes)}, "
            f"images={self.image_count}, version={self.version}, "
            f"id={_short_id(self.id)!r})"
        )


@attrs.frozen(repr=False)
class Dataset:
    """A project in the read-optimised view of ``client.datasets``: no class list.

    Fields as on ``Project``, with ``annotation_types`` and ``class_count`` in
    place of ``project_config``, and no ``version``.
    """

    id: str
    name: str
    description: str | None
    annotation_types: tuple[str, ...]
    class_count: int
    image_count: int
    annotation_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    extra: Mapping[str, Any] = _extra_field()

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, classes={self.class_count}, "
            f"images={self.image_count}, id={_short_id(self.id)!r})"
        )


_DELETE_KEYS = (
    "id",
    "name",
    "images_deleted",
    "annotations_deleted",
    "exports_deleted",
    "models_retained",
)


@attrs.frozen
class DeleteResult(Mapping[str, Any]):
    """What deleting a project removed, and how many trained models it kept.

    Readable as attributes (``result.images_deleted``) and as a read-only
    mapping (``result["images_deleted"]``, ``dict(result)``); the mapping's
    keys are the field names, plus any a newer server adds.
    """

    id: str
    name: str
    images_deleted: int
    annotations_deleted: int
    exports_deleted: int
    models_retained: int
    extra: Mapping[str, Any] = _extra_field()

    def __getitem__(self, key: str) -> Any:
        if key in _DELETE_KEYS:
            return getattr(self, key)
        return self.extra[key]

    def __iter__(self) -> Iterator[str]:
        yield from _DELETE_KEYS
        yield from (key for key in self.extra if key not in _DELETE_KEYS)

    def __len__(self) -> int:
        return sum(1 for _ in self)
