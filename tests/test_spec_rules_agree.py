"""The spec's schemas and the shared rules module say the same thing.

Other-language clients only have ``openapi.yaml``; the SDK and the server use
``pictograph._rules``. Where JSON Schema can state a rule, both must agree.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from pictograph import _rules

SPEC: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "openapi.yaml").read_text("utf-8")
)
SCHEMAS = SPEC["components"]["schemas"]
NAME = jsonschema.Draft202012Validator(SCHEMAS["Name"])

_tricky = st.sampled_from(
    [" ", "\t", "\u00a0", "\u2028", "\u200b", "\u200c", "\u200d", "\ufeff",
     "\u202e", "\u00ad", "/", ".", "\x00", "\x7f", "\x85", "e\u0301", "İ"]
)  # fmt: skip
_names = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=125),
    st.lists(st.one_of(_tricky, st.sampled_from("aZ9-_ é")), max_size=8).map("".join),
)


@given(_names)
@example("..")
@example("6F1C2B1E-8D4A-4C3E-9A57-2F0B8E5D7C11")
@example("a\u200db")
@example("\u200dab")
@example("x" * 121)
def test_the_name_schema_and_the_name_rules_agree(name: str) -> None:
    nfc = unicodedata.normalize("NFC", name)

    assert NAME.is_valid(nfc) == (not _rules.check_name(nfc)), repr(nfc)


def test_the_limits_in_the_spec_are_the_limits_in_the_rules() -> None:
    class_input = SCHEMAS["ProjectClassInput"]["properties"]

    assert SCHEMAS["Name"]["maxLength"] == _rules.MAX_NAME_LENGTH
    assert SCHEMAS["Description"]["maxLength"] == _rules.MAX_DESCRIPTION_LENGTH
    assert SCHEMAS["ClassList"]["maxItems"] == _rules.MAX_CLASSES
    assert SCHEMAS["Color"]["maxLength"] == _rules.MAX_COLOR_LENGTH
    assert SCHEMAS["AnnotationType"]["enum"] == list(_rules.ANNOTATION_TYPES)
    assert class_input["type"] == {"$ref": "#/components/schemas/AnnotationType"}
    create = SCHEMAS["ProjectCreate"]["properties"]["annotation_types"]
    assert create["default"] == list(_rules.DEFAULT_ANNOTATION_TYPES)
