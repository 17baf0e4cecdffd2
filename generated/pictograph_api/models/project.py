from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.project_config import ProjectConfig


T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    """A project with its configuration (the write-side view).

    Attributes:
        id (UUID):
        name (str): The name as first written (NFC).
        description (None | str):
        project_config (ProjectConfig): The annotation types a project allows and its class list.
        image_count (int):
        annotation_count (int):
        version (int): Grows by one on every change; the `ETag`.
        created_at (datetime.datetime): RFC 3339, UTC.
        updated_at (datetime.datetime): RFC 3339, UTC.
    """

    id: UUID
    name: str
    description: None | str
    project_config: ProjectConfig
    image_count: int
    annotation_count: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        description: None | str
        description = self.description

        project_config = self.project_config.to_dict()

        image_count = self.image_count

        annotation_count = self.annotation_count

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "description": description,
                "project_config": project_config,
                "image_count": image_count,
                "annotation_count": annotation_count,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_config import ProjectConfig

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        project_config = ProjectConfig.from_dict(d.pop("project_config"))

        image_count = d.pop("image_count")

        annotation_count = d.pop("annotation_count")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        project = cls(
            id=id,
            name=name,
            description=description,
            project_config=project_config,
            image_count=image_count,
            annotation_count=annotation_count,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        project.additional_properties = d
        return project

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
