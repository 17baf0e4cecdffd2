"""The rules of a project's fields (CONTRACT section 4), written once.

The SDK checks them before sending and the reference server enforces them, so
both report the same broken rules, naming the same fields, in the same words.
Everything here is pure: no I/O, no state. Each ``check_*`` returns a list of
``FieldError``; an empty list means the value is valid.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tinycss2
import tinycss2.color4

__all__ = [
    "ANNOTATION_TYPES",
    "DEFAULT_ANNOTATION_TYPES",
    "MAX_CLASSES",
    "MAX_COLOR_LENGTH",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_LISTED_ERRORS",
    "MAX_NAME_LENGTH",
    "FieldError",
    "check_annotation_types",
    "check_classes",
    "check_color",
    "check_create",
    "check_description",
    "check_name",
    "check_update",
    "has_lone_surrogate",
    "name_key",
    "normalize_name",
    "validation_summary",
]

ANNOTATION_TYPES = ("bbox", "polygon", "polyline", "keypoint")
DEFAULT_ANNOTATION_TYPES = ("bbox",)
MAX_NAME_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 4000
MAX_CLASSES = 5000
MAX_COLOR_LENGTH = 200
# A validation error lists at most this many broken rules and counts the rest,
# so 250,000 duplicate types in a 2 MiB body do not make an 18 MB answer.
MAX_LISTED_ERRORS = 100

_UUID_SHAPE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
_CREATE_FIELDS = frozenset({"name", "description", "annotation_types", "classes"})
_CLASS_FIELDS = frozenset({"name", "type", "color"})
# Unicode category Cc is exactly C0, DEL and C1; a regex scans a name in one go.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Characters that show as nothing, or reorder the text around them, so that two
# names that look the same compare different (Unicode TR 36, section 2): soft
# hyphen, zero-width space, word joiner and invisible operators, the byte-order
# mark, line and paragraph separators, and the bidirectional controls.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Zero-width (non-)joiners shape emoji sequences and some scripts inside a
# name; at either end they do nothing visible.
_JOINERS = "\u200c\u200d"
# A lone surrogate is not Unicode text: UTF-8 cannot encode it, though JSON can
# carry one as a "\ud800" escape (RFC 8259 section 8.2), so both sides check.
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_TEXT = "must be valid Unicode text, not contain a lone surrogate ({})."
# CSS Color 4 section 5.2: 3, 4, 6 or 8 hex digits, the common case by far.
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule: the field it concerns, as a path, and what is wrong."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def validation_summary(errors: Sequence[FieldError]) -> tuple[str, dict[str, Any]]:
    """The message and ``details`` of a validation error, for the server's 422
    and the SDK's own check alike: every broken rule counted, the first
    ``MAX_LISTED_ERRORS`` listed, how many more in ``more_errors``."""
    count = len(errors)
    message = f"The request breaks {count} rule{'' if count == 1 else 's'}."
    details: dict[str, Any] = {
        "errors": [error.as_dict() for error in errors[:MAX_LISTED_ERRORS]]
    }
    if count > MAX_LISTED_ERRORS:
        details["more_errors"] = count - MAX_LISTED_ERRORS
        message += f" The first {MAX_LISTED_ERRORS} are listed."
    return message, details


def normalize_name(name: str) -> str:
    """The form a name is stored in: NFC."""
    return unicodedata.normalize("NFC", name)


def name_key(name: str) -> str:
    """The form names are compared in: NFC, case-folded (so ``Cars == cars``)."""
    # Case folding can produce decomposed text (e.g. for U+0130), hence NFC twice.
    return unicodedata.normalize("NFC", normalize_name(name).casefold())


def has_lone_surrogate(text: str) -> bool:
    """Whether *text* holds a surrogate code point, which no valid text does."""
    return _SURROGATE.search(text) is not None


def _not_text(value: str, field: str) -> list[FieldError]:
    # Shown with repr, which escapes the surrogate, so the message is text.
    return [FieldError(field, _NOT_TEXT.format(_shown(value)))]


def _type_error(field: str, expected: str, value: object) -> list[FieldError]:
    return [FieldError(field, f"must be {expected}, not {_json_type(value)}.")]


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


def _shown(value: str, limit: int = 40) -> str:
    """A value quoted for a message, shortened so a 10 KB name stays readable."""
    if len(value) > limit:
        return repr(value[:limit]) + "…"
    return repr(value)


def check_name(value: object, field: str = "name") -> list[FieldError]:
    """The rules for a project or class name (checked in NFC)."""
    if not isinstance(value, str):
        return _type_error(field, "a string", value)
    if has_lone_surrogate(value):
        return _not_text(value, field)
    name = normalize_name(value)
    if not name:
        return [FieldError(field, "must not be empty.")]
    errors = []
    if len(name) > MAX_NAME_LENGTH:
        errors.append(
            FieldError(
                field,
                f"must be at most {MAX_NAME_LENGTH} characters, not {len(name)}.",
            )
        )
    if name != name.strip():
        errors.append(
            FieldError(field, f"{_shown(name)} must not start or end with whitespace.")
        )
    if _CONTROL.search(name):
        errors.append(
            FieldError(field, f"{_shown(name)} must not contain control characters.")
        )
    invisible = _INVISIBLE.search(name)
    if invisible or name[0] in _JOINERS or name[-1] in _JOINERS:
        where = f" (U+{ord(invisible.group()):04X})" if invisible else ""
        errors.append(
            FieldError(
                field,
                f"{_shown(name)} must not contain invisible characters{where}.",
            )
        )
    if "/" in name:
        errors.append(FieldError(field, f"{_shown(name)} must not contain '/'."))
    if name in {".", ".."}:
        # URL dot segments are normalised away, so such a name is unaddressable.
        errors.append(FieldError(field, f"must not be {name!r}."))
    if len(name) == 36 and _UUID_SHAPE.fullmatch(name):
        errors.append(
            FieldError(
                field, f"{name!r} must not look like a UUID (ids are addressed so)."
            )
        )
    return errors


def check_description(value: object, field: str = "description") -> list[FieldError]:
    """A description is a string of at most 4,000 characters, or None."""
    if value is None:
        return []
    if not isinstance(value, str):
        return _type_error(field, "a string or null", value)
    if has_lone_surrogate(value):
        return _not_text(value, field)
    if len(value) > MAX_DESCRIPTION_LENGTH:
        return [
            FieldError(
                field,
                f"must be at most {MAX_DESCRIPTION_LENGTH} characters, "
                f"not {len(value)}.",
            )
        ]
    return []


def check_color(value: object, field: str = "color") -> list[FieldError]:
    """A colour is one CSS Color 4 value, not ``currentcolor`` or a system colour."""
    if not isinstance(value, str):
        return _type_error(field, "a string", value)
    if not value:
        return [FieldError(field, "must not be empty.")]
    if len(value) > MAX_COLOR_LENGTH:
        return [
            FieldError(
                field,
                f"must be at most {MAX_COLOR_LENGTH} characters, not {len(value)}.",
            )
        ]
    if has_lone_surrogate(value):
        return _not_text(value, field)
    if not _HEX_COLOR.fullmatch(value) and not _is_css_color(value):
        return [
            FieldError(
                field,
                f"{_shown(value)} is not a CSS colour (use e.g. '#ff0000', "
                "'rgb(255 0 0)', 'hsl(0 100% 50%)' or 'red').",
            )
        ]
    return []


@functools.lru_cache(maxsize=1024)
def _is_css_color(value: str) -> bool:
    # Cached: a class list repeats a few colours many times over.
    tokens = tinycss2.parse_component_value_list(value, skip_comments=False)
    # Exactly one component: no edge whitespace, comments or trailing tokens;
    # and written out in full: CSS error recovery closes an unclosed function
    # (``rgb(1 2 3``), which a stored value must not rely on.
    whole = len(tokens) == 1 and tokens[0].serialize() == value
    parsed = tinycss2.color4.parse_color(tokens[0]) if whole else None
    return isinstance(parsed, tinycss2.color4.Color)


def check_annotation_types(
    value: object, field: str = "annotation_types"
) -> list[FieldError]:
    """A non-empty list of distinct known annotation types."""
    if not isinstance(value, list | tuple):
        return _type_error(field, "an array of strings", value)
    if not value:
        return [FieldError(field, "must list at least one annotation type.")]
    errors = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        item_field = f"{field}[{index}]"
        if not isinstance(item, str):
            errors += _type_error(item_field, "a string", item)
        elif item not in ANNOTATION_TYPES:
            errors.append(
                FieldError(
                    item_field,
                    f"{_shown(item)} is not an annotation type; "
                    f"use one of {', '.join(ANNOTATION_TYPES)}.",
                )
            )
        elif item in seen:
            errors.append(FieldError(item_field, f"{item!r} is listed twice."))
        else:
            seen.add(item)
    return errors


def check_classes(
    value: object,
    annotation_types: Iterable[str] | None,
    field: str = "classes",
) -> list[FieldError]:
    """A class list: each class valid, names unique, types among the allowed.

    ``annotation_types`` is the project's list after the change; ``None`` when
    it is not known (an update that leaves it alone, checked client-side), in
    which case a class's type need only be a known annotation type.
    """
    if not isinstance(value, list | tuple):
        return _type_error(field, "an array of classes", value)
    if len(value) > MAX_CLASSES:
        return [
            FieldError(
                field, f"must hold at most {MAX_CLASSES} classes, not {len(value)}."
            )
        ]
    allowed = None if annotation_types is None else list(annotation_types)
    errors: list[FieldError] = []
    first_seen: dict[str, tuple[int, str]] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict) and not isinstance(item, Mapping):
            errors += _type_error(f"{field}[{index}]", "an object", item)
            continue
        # Up to 5,000 classes: a valid one is checked without building the
        # field paths, which are made only for the rules it breaks.
        if (
            item.keys() <= _CLASS_FIELDS
            and "name" in item
            and not check_name(item["name"])
            and "type" in item
            and not _check_class_type(item["type"], allowed, "type")
            and ("color" not in item or not check_color(item["color"]))
        ):
            errors += _duplicate(item["name"], index, first_seen, field)
            continue
        errors += _class_errors(item, index, allowed, first_seen, field)
    return errors


def _class_errors(
    item: Mapping[str, object],
    index: int,
    allowed: Sequence[str] | None,
    first_seen: dict[str, tuple[int, str]],
    field: str,
) -> list[FieldError]:
    prefix = f"{field}[{index}]"
    errors = _unknown_fields(item, _CLASS_FIELDS, prefix)
    if "name" not in item:
        errors.append(FieldError(f"{prefix}.name", "is required."))
    else:
        name_errors = check_name(item["name"], f"{prefix}.name")
        errors += name_errors
        if not name_errors:
            errors += _duplicate(str(item["name"]), index, first_seen, field)
    if "type" not in item:
        errors.append(FieldError(f"{prefix}.type", "is required."))
    else:
        errors += _check_class_type(item["type"], allowed, f"{prefix}.type")
    if "color" in item:
        errors += check_color(item["color"], f"{prefix}.color")
    return errors


def _duplicate(
    name: str, index: int, first_seen: dict[str, tuple[int, str]], field: str
) -> list[FieldError]:
    # Shown in NFC, so the message is the same whichever form was sent.
    name = normalize_name(name)
    key = unicodedata.normalize("NFC", name.casefold())  # name_key, once in NFC
    if key not in first_seen:
        first_seen[key] = (index, name)
        return []
    first_index, first_name = first_seen[key]
    return [
        FieldError(
            f"{field}[{index}].name",
            f"{_shown(name)} duplicates {field}[{first_index}].name "
            f"{_shown(first_name)} (names are compared ignoring case "
            "and Unicode normalisation).",
        )
    ]


def _check_class_type(
    value: object, allowed: Sequence[str] | None, field: str
) -> list[FieldError]:
    if not isinstance(value, str):
        return _type_error(field, "a string", value)
    if value not in ANNOTATION_TYPES:
        return [
            FieldError(
                field,
                f"{_shown(value)} is not an annotation type; "
                f"use one of {', '.join(ANNOTATION_TYPES)}.",
            )
        ]
    if allowed is not None and value not in allowed:
        return [
            FieldError(
                field,
                f"{value!r} is not among the project's annotation_types "
                f"({', '.join(map(str, allowed))}).",
            )
        ]
    return []


def _unknown_fields(
    keys: Iterable[object], known: frozenset[str], prefix: str = ""
) -> list[FieldError]:
    dot = "." if prefix else ""
    return [
        FieldError(f"{prefix}{dot}{key}", "is not a known field.")
        for key in keys
        if key not in known
    ]


def check_create(body: Mapping[str, object]) -> list[FieldError]:
    """Every rule a create request's body must follow (defaults applied)."""
    errors = _unknown_fields(body, _CREATE_FIELDS)
    if "name" not in body:
        errors.append(FieldError("name", "is required."))
    else:
        errors += check_name(body["name"])
    errors += check_description(body.get("description"))
    types = body.get("annotation_types", list(DEFAULT_ANNOTATION_TYPES))
    type_errors = check_annotation_types(types)
    errors += type_errors
    allowed = None if type_errors else _strings(types)
    errors += check_classes(body.get("classes", []), allowed)
    return errors


def check_update(
    body: Mapping[str, object],
    current_annotation_types: Sequence[str] | None = None,
    current_classes: Sequence[Mapping[str, object]] | None = None,
) -> list[FieldError]:
    """Every rule an update (patch) body must follow.

    The server passes the project's current annotation types and classes, so
    that a class must fit the types the project will have after the change;
    the SDK, which does not know them, passes nothing.
    """
    errors = _unknown_fields(body, _CREATE_FIELDS)
    if "name" in body:
        errors += check_name(body["name"])
    if "description" in body:
        errors += check_description(body["description"])

    allowed: list[str] | None = (
        None if current_annotation_types is None else list(current_annotation_types)
    )
    if "annotation_types" in body:
        type_errors = check_annotation_types(body["annotation_types"])
        errors += type_errors
        allowed = None if type_errors else _strings(body["annotation_types"])

    if "classes" in body:
        errors += check_classes(body["classes"], allowed)
    elif "annotation_types" in body and allowed is not None and current_classes:
        # New annotation types must still cover the classes that stay.
        errors += [
            FieldError(
                "annotation_types",
                f"must include {cls.get('type')!r}: class "
                f"{_shown(str(cls.get('name')))} uses it (change or remove "
                "the class in the same update).",
            )
            for cls in current_classes
            if cls.get("type") not in allowed
        ]
    return errors


def _strings(value: object) -> list[str]:
    assert isinstance(value, list | tuple)
    return [str(item) for item in value]
