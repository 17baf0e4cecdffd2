"""Success bodies are read two ways, fast (msgspec) and field by field, and the
two always agree: the fast one either gives exactly the slow one's model or
steps aside for it."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pictograph import _operations as ops
from pictograph._models import EMPTY_EXTRA, Extra, Project
from pictograph._types import NOT_GIVEN

from .fakes import dataset_payload, project_payload

_text = st.text(max_size=12)
_zones: st.SearchStrategy[datetime.tzinfo | None] = st.one_of(
    st.none(), st.just(datetime.UTC), st.timezones()
)
_times = st.datetimes(
    min_value=datetime.datetime(1970, 1, 2),
    max_value=datetime.datetime(9999, 12, 30),
    timezones=_zones,  # type: ignore[arg-type]  # the stubs say None only
)
_time_forms = st.sampled_from(["isoformat", "z", "lower", "nanoseconds", "date"])


def _when(moment: datetime.datetime, form: str) -> str:
    if form == "date":
        return moment.date().isoformat()
    text = moment.isoformat(timespec="microseconds")
    if form == "nanoseconds":  # rounded, by both roads alike
        return text[:26] + "999" + text[26:]
    if form in {"z", "lower"} and text.endswith("+00:00"):
        text = text.removesuffix("+00:00") + "Z"
    return text.lower() if form == "lower" else text


@st.composite
def _classes(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {"name": draw(_text)}
    # Mostly whole, as a server sends them; now and then without a field.
    if draw(st.integers(0, 9)):
        item["type"] = draw(st.sampled_from(["bbox", "polygon", "cuboid"]))
    if draw(st.integers(0, 9)):
        item["color"] = draw(st.sampled_from(["#f00", "red", None]))
    if draw(st.booleans()):
        item["z_index"] = draw(st.integers())
    return item


_new_fields = st.dictionaries(
    st.sampled_from(["owner", "extra", "labels", "archived"]),
    st.none() | st.integers() | _text | st.lists(st.integers(), max_size=2),
    max_size=2,
)


@st.composite
def project_bodies(draw: st.DrawFn) -> dict[str, Any]:
    config: dict[str, Any] = {
        "annotation_types": draw(st.lists(_text, max_size=3)),
        "classes": draw(st.lists(_classes(), max_size=4)),
        **draw(_new_fields),
    }
    payload = project_payload(
        draw(_text),
        description=draw(st.none() | _text),
        project_config=config,
        image_count=draw(st.integers(min_value=0, max_value=2**70)),
        version=draw(st.integers(min_value=1, max_value=2**63)),
        created_at=_when(draw(_times), draw(_time_forms)),
        updated_at=_when(draw(_times), draw(_time_forms)),
    )
    payload.update(draw(_new_fields))
    return payload


def _body(data: object) -> bytes:
    return json.dumps({"data": data}).encode()


def _by_field(data: object) -> Project:
    return ops._project(data)


@settings(max_examples=300, deadline=None)
@given(payload=project_bodies())
def test_both_roads_read_a_project_alike(payload: dict[str, Any]) -> None:
    read_it = ops.project_get("p", timeout=NOT_GIVEN).parse
    try:
        expected = _by_field(payload)
    except (TypeError, ValueError, LookupError) as refused:
        with pytest.raises(type(refused)):  # the same refusal, either road
            read_it(_body(payload))
        return
    read = read_it(_body(payload))

    assert read == expected
    assert read.extra == expected.extra
    assert read.project_config.extra == expected.project_config.extra
    assert type(read.extra) is Extra
    for moment in (read.created_at, read.updated_at):
        assert moment.tzinfo is datetime.UTC


@settings(max_examples=100, deadline=None)
@given(payloads=st.lists(project_bodies(), max_size=4), has_more=st.booleans())
def test_both_roads_read_a_page_alike(
    payloads: list[dict[str, Any]], has_more: bool
) -> None:
    cursor = "c1" if has_more else None
    envelope = {
        "data": payloads,
        "pagination": {"limit": 4, "has_more": has_more, "next_cursor": cursor},
    }

    try:
        expected = [_by_field(p) for p in payloads]
    except (TypeError, ValueError, LookupError) as refused:
        with pytest.raises(type(refused)):
            ops.PROJECTS.parse(json.dumps(envelope).encode())
        return
    page = ops.PROJECTS.parse(json.dumps(envelope).encode())

    assert list(page) == expected
    assert (page.has_more, page.next_cursor) == (has_more, cursor)


def test_a_body_that_fits_the_models_is_read_fast_with_no_extra() -> None:
    body = _body(project_payload("road-signs"))

    project = ops.project_get("p", timeout=NOT_GIVEN).parse(body)

    assert ops._one(Project)(body) == project  # msgspec alone reads it
    assert project.extra is EMPTY_EXTRA
    assert project.created_at.tzinfo is datetime.UTC


def test_a_field_named_extra_is_kept_in_extra_like_any_new_field() -> None:
    payload = dataset_payload("d", extra={"a": 1})

    dataset = ops.dataset_get("d", timeout=NOT_GIVEN).parse(_body(payload))

    assert dataset.extra == {"extra": {"a": 1}}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", 7),
        ("version", True),
        ("image_count", 1.0),
        ("created_at", "yesterday"),
        ("project_config", []),
    ],
)
def test_a_wrong_type_is_refused_by_the_field_by_field_reader(
    field: str, value: object
) -> None:
    payload = project_payload("p", **{field: value})

    with pytest.raises((TypeError, ValueError)) as slow:
        _by_field(payload)
    with pytest.raises(type(slow.value)) as read:
        ops.project_get("p", timeout=NOT_GIVEN).parse(_body(payload))

    assert str(read.value) == str(slow.value)


@pytest.mark.parametrize(
    "item",
    [
        {"name": "car"},
        {"name": "car", "type": "bbox"},
        {"name": "car", "color": "#f00"},
        {"name": "car", "type": "bbox", "color": None},
    ],
)
def test_a_server_class_without_its_type_or_color_is_refused(
    item: dict[str, Any],
) -> None:
    config = {"annotation_types": ["bbox"], "classes": [item]}
    payload = project_payload("p", project_config=config)
    envelope = {
        "data": [payload],
        "pagination": {"limit": 1, "has_more": False, "next_cursor": None},
    }

    with pytest.raises((KeyError, TypeError)):
        ops.project_get("p", timeout=NOT_GIVEN).parse(_body(payload))
    with pytest.raises((KeyError, TypeError)):
        ops.PROJECTS.parse(json.dumps(envelope).encode())


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2026-01-02t03:04:05z", datetime.datetime(2026, 1, 2, 3, 4, 5)),
        (
            "2026-01-02T23:59:59.9999999Z",
            datetime.datetime(2026, 1, 3, 0, 0, 0),
        ),
    ],
)
def test_a_time_reads_the_same_with_or_without_a_new_field(
    sent: str, read: datetime.datetime
) -> None:
    plain = project_payload("p", created_at=sent)
    newer = project_payload("p", created_at=sent, new_field=1)

    times = [
        ops.project_get("p", timeout=NOT_GIVEN).parse(_body(body)).created_at
        for body in (plain, newer)
    ]

    assert times == [read.replace(tzinfo=datetime.UTC)] * 2


def test_bytes_that_are_not_utf8_are_refused_even_in_a_field_nobody_reads() -> None:
    # Beside "data", where msgspec skips what it does not read.
    body = b'{"note": "\xff", ' + _body(project_payload("p"))[1:]

    with pytest.raises(UnicodeDecodeError):
        ops.project_get("p", timeout=NOT_GIVEN).parse(body)


def test_a_utf16_body_is_still_read_as_json_reads_it() -> None:
    body = json.dumps({"data": project_payload("p")}).encode("utf-16")

    project = ops.project_get("p", timeout=NOT_GIVEN).parse(body)

    assert project.name == "p"
