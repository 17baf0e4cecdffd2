from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.annotation_type import AnnotationType

if TYPE_CHECKING:
    from ..models.project_class import ProjectClass


T = TypeVar("T", bound="ProjectConfig")


@_attrs_define
class ProjectConfig:
    """The annotation types a project allows and its class list.

    Attributes:
        annotation_types (list[AnnotationType | str]):
        classes (list[ProjectClass]):
    """

    annotation_types: list[AnnotationType | str]
    classes: list[ProjectClass]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        annotation_types = []
        for annotation_types_item_data in self.annotation_types:
            annotation_types_item: str
            if isinstance(annotation_types_item_data, AnnotationType):
                annotation_types_item = annotation_types_item_data.value
            else:
                annotation_types_item = annotation_types_item_data
            annotation_types.append(annotation_types_item)

        classes = []
        for classes_item_data in self.classes:
            classes_item = classes_item_data.to_dict()
            classes.append(classes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "annotation_types": annotation_types,
                "classes": classes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_class import ProjectClass

        d = dict(src_dict)
        annotation_types = []
        _annotation_types = d.pop("annotation_types")
        for annotation_types_item_data in _annotation_types:

            def _parse_annotation_types_item(data: object) -> AnnotationType | str:
                try:
                    if not isinstance(data, str):
                        raise TypeError()
                    componentsschemas_annotation_type_name_type_0 = AnnotationType(data)

                    return componentsschemas_annotation_type_name_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(AnnotationType | str, data)

            annotation_types_item = _parse_annotation_types_item(
                annotation_types_item_data
            )

            annotation_types.append(annotation_types_item)

        classes = []
        _classes = d.pop("classes")
        for classes_item_data in _classes:
            classes_item = ProjectClass.from_dict(classes_item_data)

            classes.append(classes_item)

        project_config = cls(
            annotation_types=annotation_types,
            classes=classes,
        )

        project_config.additional_properties = d
        return project_config

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
