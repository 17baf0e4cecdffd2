from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import msgspec

__all__ = [
    "DEFAULT_CLASS_TYPE",
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

if TYPE_CHECKING:
    # What ``extra`` takes and gives, for type checkers: any mapping in, a
    # read-only one out.
    _ExtraField = Mapping[str, Any]
else:
    # What msgspec sees: a type it cannot read from JSON by itself, so that a
    # wire field named "extra" goes the field-by-field way, into ``extra``.
    _ExtraField = Extra


def _extra_field() -> Any:
    # Kept aside, read-only, and left out of equality and hashing.
    return attrs.field(default=EMPTY_EXTRA, repr=False, eq=False, converter=_extra)


def _extra(value: object) -> Extra:
    if isinstance(value, Extra):
        return value
    if not isinstance(value, Mapping):
        msg = f"extra must be a mapping, not {type(value).__name__} {value!r:.80}"
        raise TypeError(msg)
    return Extra(value)


def _short_id(value: str) -> str:
    return f"{value[:8]}…" if len(value) > 8 else value


class _Model(msgspec.Struct, frozen=True, weakref=True):
    """Immutable, typed, and read straight from JSON by msgspec (in C): a page
    of 1,000 projects is read about six times faster than building the same
    objects in Python (docs/benchmarks.md)."""


class _WithExtra(_Model, frozen=True, forbid_unknown_fields=True):
    """A model that keeps the fields a newer server adds in ``extra``: read-only,
    and left out of equality, hashing and the repr. Its last field is ``extra``.

    Reading JSON that has a field this version does not know fails here
    (``forbid_unknown_fields``); the reader then takes the slower road that
    gathers such fields into ``extra`` (``pictograph._operations``).
    """

    def _compared(self) -> tuple[Any, ...]:
        return msgspec.structs.astuple(self)[:-1]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _WithExtra)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())


def _check(model: _WithExtra, extra: object, *times: datetime.datetime) -> None:
    # Runs for every model read, so it only looks; _settle fixes.
    if type(extra) is not Extra:
        _settle(model, extra)
        return
    for moment in times:
        if getattr(moment, "tzinfo", None) is not datetime.UTC:
            _settle(model, extra)
            return


def _settle(model: _WithExtra, extra: object) -> None:
    """Make ``extra`` read-only and the times timezone-aware in UTC (a naive
    time is taken as UTC), on a model just made."""
    msgspec.structs.force_setattr(model, "extra", _extra(extra))
    for name in ("created_at", "updated_at"):
        if name not in model.__struct_fields__:
            continue
        moment = getattr(model, name)
        if not isinstance(moment, datetime.datetime):
            msg = (
                f"{name} must be a datetime, not {type(moment).__name__} {moment!r:.80}"
            )
            raise TypeError(msg)
        if moment.tzinfo is datetime.UTC:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        msgspec.structs.force_setattr(model, name, moment.astimezone(datetime.UTC))


# ProjectClass's default type, as an object of its own (a join makes a new
# string, where a literal would be shared): a class read from JSON without a
# "type" holds this very object, which tells it from a "bbox" a server sent.
DEFAULT_CLASS_TYPE = "".join(("bb", "ox"))


class ProjectClass(_Model, frozen=True):
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
    type: str = DEFAULT_CLASS_TYPE
    color: str | None = None


class ProjectConfig(_WithExtra, frozen=True, forbid_unknown_fields=True):
    """The annotation types a project allows and its class list."""

    annotation_types: tuple[str, ...]
    classes: tuple[ProjectClass, ...]
    extra: _ExtraField = EMPTY_EXTRA

    def __post_init__(self) -> None:
        _check(self, self.extra)

    def __repr__(self) -> str:
        return (
            f"ProjectConfig(annotation_types={list(self.annotation_types)!r}, "
            f"classes={len(self.classes)})"
        )


class Project(_WithExtra, frozen=True, forbid_unknown_fields=True):
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
    extra: _ExtraField = EMPTY_EXTRA

    def __post_init__(self) -> None:
        _check(self, self.extra, self.created_at, self.updated_at)

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


class Dataset(_WithExtra, frozen=True, forbid_unknown_fields=True):
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
    extra: _ExtraField = EMPTY_EXTRA

    def __post_init__(self) -> None:
        _check(self, self.extra, self.created_at, self.updated_at)

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
