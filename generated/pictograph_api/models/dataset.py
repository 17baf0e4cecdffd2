from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.annotation_type import AnnotationType

T = TypeVar("T", bound="Dataset")


@_attrs_define
class Dataset:
    """A project in its read-optimised list view, without the class list.

    Attributes:
        id (UUID):
        name (str):
        description (None | str):
        annotation_types (list[AnnotationType | str]):
        class_count (int):
        image_count (int):
        annotation_count (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    name: str
    description: None | str
    annotation_types: list[AnnotationType | str]
    class_count: int
    image_count: int
    annotation_count: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        description: None | str
        description = self.description

        annotation_types = []
        for annotation_types_item_data in self.annotation_types:
            annotation_types_item: str
            if isinstance(annotation_types_item_data, AnnotationType):
                annotation_types_item = annotation_types_item_data.value
            else:
                annotation_types_item = annotation_types_item_data
            annotation_types.append(annotation_types_item)

        class_count = self.class_count

        image_count = self.image_count

        annotation_count = self.annotation_count

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "description": description,
                "annotation_types": annotation_types,
                "class_count": class_count,
                "image_count": image_count,
                "annotation_count": annotation_count,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

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

        class_count = d.pop("class_count")

        image_count = d.pop("image_count")

        annotation_count = d.pop("annotation_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        dataset = cls(
            id=id,
            name=name,
            description=description,
            annotation_types=annotation_types,
            class_count=class_count,
            image_count=image_count,
            annotation_count=annotation_count,
            created_at=created_at,
            updated_at=updated_at,
        )

        dataset.additional_properties = d
        return dataset

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
