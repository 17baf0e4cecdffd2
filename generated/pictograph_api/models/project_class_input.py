from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.annotation_type import AnnotationType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProjectClassInput")


@_attrs_define
class ProjectClassInput:
    """A class in a request. Without `color`, the server assigns one.

    Attributes:
        name (str): A project or class name, NFC-normalised on the way in: 1 to 120
            characters, no leading or trailing whitespace, no control characters,
            no invisible characters (zero-width space, byte-order mark, soft
            hyphen, bidirectional controls; zero-width joiners only between
            visible characters), no `/`, not `.` or `..`, not shaped like a UUID.
        type_ (AnnotationType): A kind of annotation a project allows.
        color (str | Unset): Any CSS colour value: hex of 3, 4, 6 or 8 digits, `rgb()`, `hsl()`,
            `hwb()`, `lab()`, `lch()`, `oklab()`, `oklch()`, `color()`, a named
            colour or `transparent`; not `currentcolor` or a system colour. Stored
            and returned as sent.
    """

    name: str
    type_: AnnotationType
    color: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_ = self.type_.value

        color = self.color

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "type": type_,
            }
        )
        if color is not UNSET:
            field_dict["color"] = color

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        type_ = AnnotationType(d.pop("type"))

        color = d.pop("color", UNSET)

        project_class_input = cls(
            name=name,
            type_=type_,
            color=color,
        )

        return project_class_input
