"""Hypothesis strategies: valid project bodies, and the same with one rule broken.

Written from CONTRACT section 4, not from ``_rules``, so that the rules are
tested against the contract rather than against themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from pictograph._rules import name_key

ANNOTATION_TYPES = ["bbox", "polygon", "polyline", "keypoint"]
_UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)

Body = dict[str, Any]

# --- Names -------------------------------------------------------------------

_name_chars = st.characters(
    # Controls; surrogates cannot be sent; format characters and line or
    # paragraph separators are invisible, which names may not hold.
    blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"),
    blacklist_characters="/",
)


def _is_valid_name(name: str) -> bool:
    return (
        0 < len(name) <= 120
        and name == name.strip()
        and name not in {".", ".."}
        and not _UUID.fullmatch(name)
    )


names = (
    st.one_of(
        st.text(_name_chars, min_size=1, max_size=24),
        st.from_regex(r"[a-z][a-z0-9_ -]{0,20}[a-z0-9]", fullmatch=True),
        st.sampled_from(["12345", "50% off", "a+b", "what?", "#1", "back\\slash"]),
        st.text(_name_chars, min_size=110, max_size=120),
    )
    .map(lambda name: unicodedata.normalize("NFC", name))
    .filter(_is_valid_name)
)

# --- Colours: every syntax of CSS Color 4 ------------------------------------

_byte = st.integers(0, 255)
_percent = st.integers(0, 100).map(lambda n: f"{n}%")
_hue = st.one_of(
    st.integers(-720, 720).map(str), st.integers(0, 360).map(lambda n: f"{n}deg")
)
_unit = st.integers(0, 100).map(lambda n: f"{n / 100:g}")
_signed = st.integers(-125, 125).map(str)
_alpha = st.one_of(st.just(""), _unit.map(lambda a: f" / {a}"))

_NAMED = [
    "red",
    "Red",
    "rebeccapurple",
    "aliceblue",
    "transparent",
    "TRANSPARENT",
    "darkolivegreen",
    "lightgoldenrodyellow",
    "cyan",
    "grey",
]
_SPACES = ["srgb", "srgb-linear", "display-p3", "a98-rgb", "rec2020", "xyz-d65"]


def _hex(size: int) -> st.SearchStrategy[str]:
    return st.text("0123456789abcdefABCDEF", min_size=size, max_size=size).map(
        lambda digits: "#" + digits
    )


colors = st.one_of(
    st.sampled_from([3, 4, 6, 8]).flatmap(_hex),
    st.builds("rgb({} {} {}{})".format, _byte, _byte, _byte, _alpha),
    st.builds("rgb({}, {}, {})".format, _byte, _byte, _byte),
    st.builds("rgba({}, {}, {}, {})".format, _byte, _byte, _byte, _unit),
    st.builds("rgb({} {} {})".format, _percent, _percent, _percent),
    st.builds("hsl({} {} {}{})".format, _hue, _percent, _percent, _alpha),
    st.builds("hsla({}, {}, {}, {})".format, _hue, _percent, _percent, _unit),
    st.builds("hwb({} {} {}{})".format, _hue, _percent, _percent, _alpha),
    st.builds("lab({} {} {})".format, _percent, _signed, _signed),
    st.builds("lch({} {} {})".format, _percent, st.integers(0, 150), _hue),
    st.builds("oklab({} {} {})".format, _unit, _unit, _unit),
    st.builds("oklch({} {} {})".format, _percent, _unit, _hue),
    st.builds(
        "color({} {} {} {}{})".format,
        st.sampled_from(_SPACES),
        _unit,
        _unit,
        _unit,
        _alpha,
    ),
    st.sampled_from(_NAMED),
)

BAD_COLORS = [
    "",
    "currentcolor",
    "CurrentColor",
    "ButtonFace",
    "Canvas",
    "inherit",
    "none",
    "#12",
    "#12345",
    "#ggg",
    "rgb(1 2)",
    "red blue",
    " red",
    "red ",
    "/**/red",
    "url(x.png)",
    "12",
    "rgb(1 2 3",
    "x" * 201,
]

# --- Bodies ------------------------------------------------------------------


@st.composite
def class_lists(
    draw: st.DrawFn, types: list[str], max_size: int = 8
) -> list[dict[str, Any]]:
    """Classes with distinct names (under NFC and case folding), of ``types``."""
    entries = draw(
        st.lists(
            st.tuples(names, st.sampled_from(types), st.none() | colors),
            max_size=max_size,
            unique_by=lambda entry: name_key(entry[0]),
        )
    )
    classes = []
    for name, kind, color in entries:
        cls: dict[str, Any] = {"name": name, "type": kind}
        if color is not None:
            cls["color"] = color
        classes.append(cls)
    return classes


@st.composite
def valid_bodies(draw: st.DrawFn, max_classes: int = 8) -> Body:
    """A create body that keeps every rule."""
    types = draw(st.lists(st.sampled_from(ANNOTATION_TYPES), min_size=1, unique=True))
    body: Body = {
        "name": draw(names),
        "annotation_types": types,
        "classes": draw(class_lists(types, max_classes)),
    }
    description = draw(st.none() | st.text(max_size=50) | st.just("d" * 4000))
    if description is not None:
        body["description"] = description
    return body


# --- One rule broken ---------------------------------------------------------

_CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
_EDGE_SPACES = [" ", "\u00a0", "\u2003", "\u3000", "\u2028"]


def _class_field(body: Body, draw: st.DrawFn) -> tuple[int, dict[str, Any]]:
    if not body["classes"]:
        body["classes"].append({"name": "c", "type": body["annotation_types"][0]})
    index = draw(st.integers(0, len(body["classes"]) - 1))
    return index, body["classes"][index]


@st.composite
def broken_bodies(draw: st.DrawFn) -> tuple[Body, str]:
    """A create body with one rule broken, and the field that must be named."""
    body = draw(valid_bodies())
    rule = draw(
        st.sampled_from(
            [
                "duplicate",
                "control",
                "edge_space",
                "bad_color",
                "type_not_allowed",
                "unknown_type",
                "too_long",
                "slash",
                "dots",
                "uuid",
                "description",
                "no_types",
                "type_twice",
                "unknown_key",
                "no_name",
            ]
        )
    )
    on_project = draw(st.booleans())
    index, cls = _class_field(body, draw)
    field = "name" if on_project else f"classes[{index}].name"
    target: dict[str, Any] = body if on_project else cls

    if rule == "duplicate":
        form = draw(st.sampled_from(["upper", "lower", "swapcase", "nfd", "same"]))
        forms: dict[str, Callable[[str], str]] = {
            "upper": str.upper,
            "lower": str.lower,
            "swapcase": str.swapcase,
            "nfd": lambda n: unicodedata.normalize("NFD", n),
            "same": lambda n: n,
        }
        twin = forms[form](cls["name"])
        assume(name_key(twin) == name_key(cls["name"]) and len(twin) <= 120)
        body["classes"].append({**cls, "name": twin})
        return body, f"classes[{len(body['classes']) - 1}].name"
    if rule == "control":
        name = target["name"]
        at = draw(st.integers(0, len(name)))
        target["name"] = name[:at] + draw(st.sampled_from(_CONTROLS)) + name[at:]
        return body, field
    if rule == "edge_space":
        space = draw(st.sampled_from(_EDGE_SPACES))
        target["name"] = draw(
            st.sampled_from([space + target["name"], target["name"] + space])
        )
        return body, field
    if rule == "bad_color":
        cls["color"] = draw(st.sampled_from(BAD_COLORS))
        return body, f"classes[{index}].color"
    if rule == "type_not_allowed":
        others = [t for t in ANNOTATION_TYPES if t not in body["annotation_types"]]
        assume(others)
        cls["type"] = draw(st.sampled_from(others))
        return body, f"classes[{index}].type"
    if rule == "unknown_type":
        cls["type"] = draw(st.sampled_from(["cuboid", "BBOX", "", "bbox "]))
        return body, f"classes[{index}].type"
    if rule == "too_long":
        target["name"] = draw(st.text("abcXYZ09", min_size=121, max_size=300))
        return body, field
    if rule == "slash":
        name = target["name"]
        at = draw(st.integers(0, len(name)))
        target["name"] = name[:at] + "/" + name[at:]
        return body, field
    if rule == "dots":
        target["name"] = draw(st.sampled_from([".", ".."]))
        return body, field
    if rule == "uuid":
        target["name"] = (
            str(draw(st.uuids())).upper()
            if draw(st.booleans())
            else str(draw(st.uuids()))
        )
        return body, field
    if rule == "description":
        body["description"] = "d" * draw(st.integers(4001, 5000))
        return body, "description"
    if rule == "no_types":
        body["annotation_types"] = []
        body["classes"] = []
        return body, "annotation_types"
    if rule == "type_twice":
        types = body["annotation_types"]
        body["annotation_types"] = [*types, types[0]]
        return body, f"annotation_types[{len(types)}]"
    if rule == "unknown_key":
        key = draw(st.sampled_from(["colour", "kind", "Name", "id"]))
        cls[key] = "x"
        return body, f"classes[{index}].{key}"
    del cls["name"]
    return body, f"classes[{index}].name"
