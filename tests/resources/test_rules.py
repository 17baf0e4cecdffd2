"""The shared project rules, as pure functions (CONTRACT section 4)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pictograph._rules import (
    check_color,
    check_create,
    check_description,
    check_name,
    check_update,
    name_key,
    normalize_name,
)

from .strategies import BAD_COLORS, Body, broken_bodies, colors, names, valid_bodies


@settings(max_examples=200)
@given(valid_bodies())
def test_valid_bodies_keep_every_rule(body: Body) -> None:
    assert check_create(body) == []


@settings(max_examples=300)
@given(broken_bodies())
def test_each_broken_rule_is_reported_on_its_field(case: tuple[Body, str]) -> None:
    body, field = case

    errors = check_create(body)

    assert errors
    assert {error.field for error in errors} == {field}
    assert all(error.message.endswith(".") for error in errors)


@given(colors)
def test_every_colour_syntax_is_accepted(color: str) -> None:
    assert check_color(color) == []


@pytest.mark.parametrize("color", BAD_COLORS)
def test_what_is_not_one_css_colour_is_refused(color: str) -> None:
    assert [error.field for error in check_color(color)] == ["color"]


@given(names, st.sampled_from([str.upper, str.lower, str.casefold]))
def test_name_key_ignores_case(name: str, change: object) -> None:
    changed = change(name)  # type: ignore[operator]

    if name_key(changed) != name_key(name):
        # Case mappings that are not folds (dotless i) may differ: fine, as
        # long as the key is stable under its own folding.
        assert name_key(name_key(name)) == name_key(name)


@given(names)
def test_name_key_ignores_unicode_normalisation(name: str) -> None:
    for form in ("NFC", "NFD"):
        assert name_key(unicodedata.normalize(form, name)) == name_key(name)
    assert normalize_name(normalize_name(name)) == normalize_name(name)


def test_a_name_is_measured_in_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "\u00e9" * 120)

    assert len(nfd) == 240
    assert check_name(nfd) == []


def test_duplicates_are_shown_in_nfc_whatever_form_was_sent() -> None:
    body = {
        "name": "p",
        "classes": [
            {"name": "caf\u00e9", "type": "bbox"},
            {"name": "CAFE\u0301", "type": "bbox"},
        ],
    }

    [error] = check_create(body)

    assert error.field == "classes[1].name"
    assert error.message.startswith(
        "'CAF\u00c9' duplicates classes[0].name 'caf\u00e9'"
    )


def test_too_many_classes_is_one_error_on_the_list() -> None:
    body = {
        "name": "p",
        "classes": [{"name": f"c{n}", "type": "bbox"} for n in range(5001)],
    }

    assert [error.field for error in check_create(body)] == ["classes"]


def test_an_update_checks_only_what_it_carries() -> None:
    assert check_update({"description": None}) == []
    assert [
        e.field for e in check_update({"name": "a/b", "classes": [{"name": "x"}]})
    ] == [
        "name",
        "classes[0].type",
    ]


def test_an_update_of_types_must_keep_the_classes_that_stay() -> None:
    errors = check_update(
        {"annotation_types": ["polygon"]},
        current_annotation_types=["bbox"],
        current_classes=[{"name": "car", "type": "bbox"}],
    )

    assert [error.field for error in errors] == ["annotation_types"]


@given(
    st.text(max_size=20),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=20),
)
def test_a_lone_surrogate_is_not_text_in_any_string_field(
    before: str, surrogate: str, after: str
) -> None:
    value = before + surrogate + after

    for check, field in [
        (check_name, "name"),
        (check_description, "description"),
        (check_color, "color"),
    ]:
        errors = check(value)
        assert [error.field for error in errors] == [field]
        assert "lone surrogate" in errors[0].message
        errors[0].message.encode("utf-8")
