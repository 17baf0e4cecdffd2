"""Everything ``client.projects`` and ``client.datasets`` do, except the sending.

Each public method is planned here as a ``Call``: the generated endpoint
module, its arguments and the function that turns its response body into a
public model. Argument checks and client-side validation happen while
planning, so a bad call raises before any I/O. The sync and async resources
only send the calls, which keeps them line-aligned and this logic single.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from types import ModuleType
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from pictograph import _rules
from pictograph._exceptions import ValidationError
from pictograph._models import (
    DEFAULT_CLASS_TYPE,
    EMPTY_EXTRA,
    Dataset,
    DeleteResult,
    Extra,
    Project,
    ProjectClass,
    ProjectConfig,
)
from pictograph._pagination import (
    MAX_PAGE_SIZE,
    Page,
    PageWalk,
    check_cursor,
    check_limit,
)
from pictograph._types import NOT_GIVEN, NotGiven
from pictograph_api import models as wire
from pictograph_api.api.datasets import get_dataset, list_datasets
from pictograph_api.api.projects import (
    create_project,
    delete_project,
    get_project,
    list_projects,
    update_project,
)

__all__ = [
    "DATASETS",
    "PROJECTS",
    "Call",
    "ClassInput",
    "Listing",
    "Timeout",
    "dataset_get",
    "iter_walk",
    "list_walk",
    "project_create",
    "project_delete",
    "project_get",
    "project_update",
]

R = TypeVar("R")
T = TypeVar("T")

Timeout = float | NotGiven
ClassInput = ProjectClass | Mapping[str, Any]


@attrs.frozen
class Call(Generic[R]):
    """One request to send: the endpoint, its arguments, and how to read it."""

    endpoint: ModuleType
    params: Mapping[str, Any]
    parse: Callable[[bytes], R]


# --- Arguments ---------------------------------------------------------------


# Case folding turns one character into at most three (Unicode CaseFolding.txt).
_LONGEST_KEY = 3 * _rules.MAX_NAME_LENGTH


def address(name_or_id: object) -> str:
    """The path form of a project's name (NFC, as stored) or id."""
    if isinstance(name_or_id, uuid.UUID):
        return str(name_or_id)
    if not isinstance(name_or_id, str):
        msg = (
            "name_or_id must be a project's name or id (str or uuid.UUID), "
            f"not {type(name_or_id).__name__} {name_or_id!r}."
        )
        raise TypeError(msg)
    if _rules.has_lone_surrogate(name_or_id):
        msg = (
            "name_or_id must be valid Unicode text, without lone surrogates, "
            f"not {name_or_id[:40]!r}."
        )
        raise ValueError(msg)
    name = _rules.normalize_name(name_or_id)
    if name in {"", ".", ".."}:
        # A URL path cannot carry these as a segment (RFC 3986 section 5.2.4),
        # so no project can have them as a name.
        msg = f"name_or_id must be a project's name or id, not {name_or_id!r}."
        raise ValueError(msg)
    if len(name) > _LONGEST_KEY and len(_rules.name_key(name)) > _LONGEST_KEY:
        # Names are looked up case-folded, which can lengthen them ("ß" is
        # "ss"), so "SS" * 120 finds "ß" * 120; past this, nothing is found.
        msg = (
            f"name_or_id is {len(name)} characters long, but no project name is "
            f"longer than {_rules.MAX_NAME_LENGTH} characters: {name[:40]!r}…"
        )
        raise ValueError(msg)
    return name


# A version is a SQLite integer on the server: 2**63 - 1 at the most.
_MAX_VERSION = 2**63 - 1


def _if_match(if_version: int | NotGiven) -> dict[str, str]:
    if isinstance(if_version, NotGiven):
        return {}
    if isinstance(if_version, bool) or not isinstance(if_version, int):
        msg = (
            "if_version must be an int, a project's version, "
            f"not {type(if_version).__name__} {if_version!r}."
        )
        raise TypeError(msg)
    if not 1 <= if_version <= _MAX_VERSION:
        msg = f"if_version must be a project's version, 1 or more, not {if_version!r}."
        raise ValueError(msg)
    # RFC 9110 section 8.8.3: an entity tag is a quoted string.
    return {"if_match": f'"{if_version}"'}


def _listed(value: object) -> object:
    """A sequence argument as a JSON array; anything else left for the rules.

    A set is left too: it has no order, and a class list's order is kept."""
    if isinstance(value, str | bytes | Mapping | AbstractSet) or not isinstance(
        value, Iterable
    ):
        return value
    return list(value)


def _class_body(item: object) -> object:
    """A class argument in its wire form: keyword arguments of ``ProjectClass``."""
    if isinstance(item, ProjectClass):
        fields: dict[str, object] = {"name": item.name, "type": item.type}
        if item.color is not None:
            fields["color"] = item.color
    elif isinstance(item, Mapping):
        fields = {"type": "bbox", **item}
        if fields.get("color", "") is None:
            del fields["color"]
    else:
        return item
    if isinstance(fields.get("name"), str):
        fields["name"] = _rules.normalize_name(str(fields["name"]))
    return fields


def _classes_body(classes: object) -> object:
    listed = _listed(classes)
    if not isinstance(listed, list):
        return listed
    return [_class_body(item) for item in listed]


def _raise_if_invalid(errors: list[_rules.FieldError]) -> None:
    if errors:
        raise ValidationError.from_field_errors(errors)


# --- Responses ---------------------------------------------------------------
#
# A success body is read straight into the public models, never through the
# generated ones (scripts/bench, section 1: their from_dict took longer than
# the HTTP exchange itself), in one of two ways. First by msgspec, in C, into
# exactly the models (a page of 1,000 projects in about a sixth of the time).
# Anything that does not fit them exactly (a field a newer server added, a
# wrong type, a class without its colour...) is then read again field by
# field below, which keeps new fields in ``extra`` and says precisely what is
# wrong. Any failure there is a TypeError, ValueError or LookupError, which
# parse_success raises as APIError (unexpected_response).


class _Pagination(msgspec.Struct):
    has_more: bool
    next_cursor: str | None


class _Listed(msgspec.Struct, Generic[T]):
    data: tuple[T, ...]
    pagination: _Pagination


class _One(msgspec.Struct, Generic[T]):
    data: T


def _not_on_the_wire(kind: type, value: object) -> object:
    # ``extra`` is the SDK's own field, not the API's: a body that has one is
    # read field by field, which keeps it in ``extra`` like any new field.
    msg = f"{kind.__name__} is not read from JSON"
    raise ValueError(msg)


def _decoder(kind: Any) -> Callable[[bytes], Any]:
    return msgspec.json.Decoder(kind, dec_hook=_not_on_the_wire).decode


def _reader(
    exact: Callable[[bytes], T], by_field: Callable[[bytes], T]
) -> Callable[[bytes], T]:
    """Read a body with ``exact``; if it does not fit, with ``by_field``."""

    def read(content: bytes) -> T:
        try:
            if not content.isascii():
                # msgspec skips the fields it does not read without looking at
                # their bytes: a body that is not UTF-8 is json.loads's to judge.
                content.decode()
            return exact(content)
        except (msgspec.DecodeError, UnicodeDecodeError):
            return by_field(content)

    return read


def _check_classes(projects: Iterable[Project]) -> None:
    """Refuse what ``ProjectClass``'s defaults let msgspec take: a server's
    class always has a ``type`` and a ``color`` (openapi.yaml)."""
    for project in projects:
        for item in project.project_config.classes:
            if item.color is None or item.type is DEFAULT_CLASS_TYPE:
                msg = "a class without its type or color"
                raise msgspec.ValidationError(msg)


def _no_check(items: Iterable[Any]) -> None:
    pass


def _page_of(
    kind: type[T], check: Callable[[Iterable[T]], None] = _no_check
) -> Callable[[bytes], Page[T]]:
    decode = _decoder(_Listed[kind])  # type: ignore[valid-type]

    def read(content: bytes) -> Page[T]:
        listed: _Listed[T] = decode(content)
        check(listed.data)
        pagination = listed.pagination
        return Page(listed.data, pagination.has_more, pagination.next_cursor)

    return read


def _one(
    kind: type[T], check: Callable[[Iterable[T]], None] = _no_check
) -> Callable[[bytes], T]:
    decode = _decoder(_One[kind])  # type: ignore[valid-type]

    def read(content: bytes) -> T:
        one: _One[T] = decode(content)
        check((one.data,))
        return one.data

    return read


def _fields(model: type[msgspec.Struct]) -> frozenset[str]:
    return frozenset(model.__struct_fields__) - {"extra"}


_PROJECT_KEYS = _fields(Project)
_CONFIG_KEYS = _fields(ProjectConfig)
_DATASET_KEYS = _fields(Dataset)
_DELETE_KEYS = frozenset(attrs.fields_dict(DeleteResult)) - {"extra"}


def _object(value: object) -> dict[str, Any]:
    if type(value) is dict:
        return value
    msg = f"expected an object, not {type(value).__name__} {value!r:.80}"
    raise TypeError(msg)


def _array(value: object) -> list[Any]:
    if type(value) is list:
        return value
    msg = f"expected an array, not {type(value).__name__} {value!r:.80}"
    raise TypeError(msg)


def _text(value: object) -> str:
    if type(value) is str:
        return value
    msg = f"expected a string, not {type(value).__name__} {value!r:.80}"
    raise TypeError(msg)


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _count(value: object) -> int:
    if type(value) is int:
        return value
    msg = f"expected an integer, not {type(value).__name__} {value!r:.80}"
    raise TypeError(msg)


def _time(value: object) -> datetime.datetime:
    """An RFC 3339 date-time, read as msgspec reads one (the models make it
    UTC), so that both roads give the same time."""
    text = _text(value)
    try:
        return msgspec.convert(text, datetime.datetime)
    except msgspec.ValidationError:
        msg = f"expected an RFC 3339 date-time, not {text!r:.80}"
        raise ValueError(msg) from None


def _types(value: object) -> tuple[str, ...]:
    # Newer servers may add annotation types: any string is kept as it is.
    return tuple([_text(item) for item in _array(value)])


def _extra(data: dict[str, Any], known: frozenset[str]) -> Extra:
    """The fields a newer server sent beside the ones this version reads."""
    if data.keys() <= known:
        return EMPTY_EXTRA
    return Extra({key: value for key, value in data.items() if key not in known})


def _class(value: object) -> ProjectClass:
    # Other fields are dropped, as msgspec drops them.
    data = _object(value)
    return ProjectClass(_text(data["name"]), _text(data["type"]), _text(data["color"]))


def _project(value: object) -> Project:
    data = _object(value)
    config = _object(data["project_config"])
    return Project(
        id=_text(data["id"]),
        name=_text(data["name"]),
        description=_optional_text(data["description"]),
        project_config=ProjectConfig(
            annotation_types=_types(config["annotation_types"]),
            classes=tuple([_class(item) for item in _array(config["classes"])]),
            extra=_extra(config, _CONFIG_KEYS),
        ),
        image_count=_count(data["image_count"]),
        annotation_count=_count(data["annotation_count"]),
        version=_count(data["version"]),
        created_at=_time(data["created_at"]),
        updated_at=_time(data["updated_at"]),
        extra=_extra(data, _PROJECT_KEYS),
    )


def _dataset(value: object) -> Dataset:
    data = _object(value)
    return Dataset(
        id=_text(data["id"]),
        name=_text(data["name"]),
        description=_optional_text(data["description"]),
        annotation_types=_types(data["annotation_types"]),
        class_count=_count(data["class_count"]),
        image_count=_count(data["image_count"]),
        annotation_count=_count(data["annotation_count"]),
        created_at=_time(data["created_at"]),
        updated_at=_time(data["updated_at"]),
        extra=_extra(data, _DATASET_KEYS),
    )


def _delete_result(value: object) -> DeleteResult:
    data = _object(value)
    return DeleteResult(
        id=_text(data["id"]),
        name=_text(data["name"]),
        images_deleted=_count(data["images_deleted"]),
        annotations_deleted=_count(data["annotations_deleted"]),
        exports_deleted=_count(data["exports_deleted"]),
        models_retained=_count(data["models_retained"]),
        extra=_extra(data, _DELETE_KEYS),
    )


def _data(read: Callable[[object], T]) -> Callable[[object], T]:
    """A reader of a decoded ``{"data": item}`` body, from one of its item."""
    return lambda body: read(_object(body)["data"])


def _json(read: Callable[[object], T]) -> Callable[[bytes], T]:
    """A reader of a body's bytes, from one of its decoded JSON."""
    return lambda content: read(json.loads(content))


def _page(read: Callable[[object], T]) -> Callable[[object], Page[T]]:
    """A reader of a list envelope, from one of its item."""

    def parse(body: object) -> Page[T]:
        envelope = _object(body)
        pagination = _object(envelope["pagination"])
        items = tuple([read(item) for item in _array(envelope["data"])])
        has_more = pagination["has_more"]
        if type(has_more) is not bool:
            msg = f"has_more must be a boolean, not {has_more!r:.80}"
            raise TypeError(msg)
        return Page(items, has_more, _optional_text(pagination["next_cursor"]))

    return parse


_project_response = _reader(_one(Project, _check_classes), _json(_data(_project)))
_dataset_response = _reader(_one(Dataset), _json(_data(_dataset)))
_delete_response = _json(_data(_delete_result))


# --- Calls -------------------------------------------------------------------


def project_get(name_or_id: object, *, timeout: Timeout) -> Call[Project]:
    params = {"project": address(name_or_id), "timeout": timeout}
    return Call(get_project, params, _project_response)


def dataset_get(name_or_id: object, *, timeout: Timeout) -> Call[Dataset]:
    params = {"dataset": address(name_or_id), "timeout": timeout}
    return Call(get_dataset, params, _dataset_response)


def project_create(
    name: object,
    *,
    description: object,
    annotation_types: object,
    classes: object,
    timeout: Timeout,
    idempotency_key: str | NotGiven,
) -> Call[Project]:
    body: dict[str, object] = {
        "name": _rules.normalize_name(name) if isinstance(name, str) else name,
        "annotation_types": _listed(annotation_types),
        "classes": _classes_body(classes),
    }
    if description is not None:
        body["description"] = description

    _raise_if_invalid(_rules.check_create(body))

    params = {
        "body": wire.ProjectCreate.from_dict(body),
        "timeout": timeout,
        "idempotency_key": idempotency_key,
    }
    return Call(create_project, params, _project_response)


def project_update(
    name_or_id: object,
    *,
    name: object,
    description: object,
    annotation_types: object,
    classes: object,
    if_version: int | NotGiven,
    timeout: Timeout,
    idempotency_key: str | NotGiven,
) -> Call[Project]:
    project = address(name_or_id)
    if_match = _if_match(if_version)
    body: dict[str, object] = {}
    if name is not NOT_GIVEN:
        body["name"] = _rules.normalize_name(name) if isinstance(name, str) else name
    if description is not NOT_GIVEN:
        body["description"] = description
    if annotation_types is not NOT_GIVEN:
        body["annotation_types"] = _listed(annotation_types)
    if classes is not NOT_GIVEN:
        body["classes"] = _classes_body(classes)
    if not body:
        msg = (
            "update() changes nothing: pass at least one of name, description, "
            "annotation_types or classes."
        )
        raise ValueError(msg)

    _raise_if_invalid(_rules.check_update(body))

    params = {
        "project": project,
        "body": wire.ProjectUpdate.from_dict(body),
        "timeout": timeout,
        "idempotency_key": idempotency_key,
        **if_match,
    }
    return Call(update_project, params, _project_response)


def project_delete(
    name_or_id: object,
    *,
    if_version: int | NotGiven,
    timeout: Timeout,
    idempotency_key: str | NotGiven,
) -> Call[DeleteResult]:
    params = {
        "project": address(name_or_id),
        "timeout": timeout,
        "idempotency_key": idempotency_key,
        **_if_match(if_version),
    }
    return Call(delete_project, params, _delete_response)


@attrs.frozen
class Listing(Generic[T]):
    """A list endpoint and how to read one of its pages."""

    endpoint: ModuleType
    parse: Callable[[bytes], Page[T]]


PROJECTS = Listing(
    list_projects,
    _reader(_page_of(Project, _check_classes), _json(_page(_project))),
)
DATASETS = Listing(list_datasets, _reader(_page_of(Dataset), _json(_page(_dataset))))


def list_walk(
    listing: Listing[T], *, limit: object, cursor: object, timeout: Timeout
) -> PageWalk[T, Call[Page[T]]]:
    """The walk of ``list``: ``limit`` items from ``cursor`` on, in full pages."""
    total = check_limit(limit, "limit")
    start = check_cursor(cursor)
    return _walk(listing, MAX_PAGE_SIZE, total, start, timeout)


def iter_walk(
    listing: Listing[T], *, page_size: object, timeout: Timeout
) -> PageWalk[T, Call[Page[T]]]:
    """The walk of ``iter``: every item, ``page_size`` at a time."""
    size = check_limit(page_size, "page_size", MAX_PAGE_SIZE)
    return _walk(listing, size, None, None, timeout)


def _walk(
    listing: Listing[T],
    page_size: int,
    total: int | None,
    cursor: str | None,
    timeout: Timeout,
) -> PageWalk[T, Call[Page[T]]]:
    def request(limit: int, cursor: str | None) -> Call[Page[T]]:
        params: dict[str, Any] = {"limit": limit, "timeout": timeout}
        if cursor is not None:
            params["cursor"] = cursor
        return Call(listing.endpoint, params, listing.parse)

    return PageWalk(request, page_size=page_size, total=total, cursor=cursor)
