from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.annotation_type import AnnotationType

T = TypeVar("T", bound="ProjectClass")


@_attrs_define
class ProjectClass:
    """A class of a project, as returned.

    Attributes:
        name (str):
        type_ (AnnotationType | str): An annotation type in a response: one of `AnnotationType`, or a newer
            type this client does not know yet, kept as a plain string.
        color (str):
    """

    name: str
    type_: AnnotationType | str
    color: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_: str
        if isinstance(self.type_, AnnotationType):
            type_ = self.type_.value
        else:
            type_ = self.type_

        color = self.color

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "type": type_,
                "color": color,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_type_(data: object) -> AnnotationType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_annotation_type_name_type_0 = AnnotationType(data)

                return componentsschemas_annotation_type_name_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnnotationType | str, data)

        type_ = _parse_type_(d.pop("type"))

        color = d.pop("color")

        project_class = cls(
            name=name,
            type_=type_,
            color=color,
        )

        project_class.additional_properties = d
        return project_class

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
