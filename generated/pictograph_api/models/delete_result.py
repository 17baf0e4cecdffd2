from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeleteResult")


@_attrs_define
class DeleteResult:
    """What deleting a project removed, and how many models it kept.

    Attributes:
        id (UUID):
        name (str):
        images_deleted (int):
        annotations_deleted (int):
        exports_deleted (int):
        models_retained (int):
    """

    id: UUID
    name: str
    images_deleted: int
    annotations_deleted: int
    exports_deleted: int
    models_retained: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        images_deleted = self.images_deleted

        annotations_deleted = self.annotations_deleted

        exports_deleted = self.exports_deleted

        models_retained = self.models_retained

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "images_deleted": images_deleted,
                "annotations_deleted": annotations_deleted,
                "exports_deleted": exports_deleted,
                "models_retained": models_retained,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        images_deleted = d.pop("images_deleted")

        annotations_deleted = d.pop("annotations_deleted")

        exports_deleted = d.pop("exports_deleted")

        models_retained = d.pop("models_retained")

        delete_result = cls(
            id=id,
            name=name,
            images_deleted=images_deleted,
            annotations_deleted=annotations_deleted,
            exports_deleted=exports_deleted,
            models_retained=models_retained,
        )

        delete_result.additional_properties = d
        return delete_result

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
