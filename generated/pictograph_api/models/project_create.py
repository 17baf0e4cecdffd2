from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.annotation_type import AnnotationType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_class_input import ProjectClassInput


T = TypeVar("T", bound="ProjectCreate")


@_attrs_define
class ProjectCreate:
    """The body of `createProject`.

    Attributes:
        name (str): A project or class name, NFC-normalised on the way in: 1 to 120
            characters, no leading or trailing whitespace, no control characters,
            no invisible characters (zero-width space, byte-order mark, soft
            hyphen, bidirectional controls; zero-width joiners only between
            visible characters), no `/`, not `.` or `..`, not shaped like a UUID.
        description (None | str | Unset): Free text, at most 4,000 characters; `null` when there is none.
        annotation_types (list[AnnotationType] | Unset): Non-empty, no duplicates.
        classes (list[ProjectClassInput] | Unset): At most 5,000 classes; names unique under NFC, case-folded
            comparison;
            each `type` one of the project's `annotation_types`.
    """

    name: str
    description: None | str | Unset = UNSET
    annotation_types: list[AnnotationType] | Unset = UNSET
    classes: list[ProjectClassInput] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        annotation_types: list[str] | Unset = UNSET
        if not isinstance(self.annotation_types, Unset):
            annotation_types = []
            for (
                componentsschemas_annotation_type_list_item_data
            ) in self.annotation_types:
                componentsschemas_annotation_type_list_item = (
                    componentsschemas_annotation_type_list_item_data.value
                )
                annotation_types.append(componentsschemas_annotation_type_list_item)

        classes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.classes, Unset):
            classes = []
            for componentsschemas_class_list_item_data in self.classes:
                componentsschemas_class_list_item = (
                    componentsschemas_class_list_item_data.to_dict()
                )
                classes.append(componentsschemas_class_list_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if annotation_types is not UNSET:
            field_dict["annotation_types"] = annotation_types
        if classes is not UNSET:
            field_dict["classes"] = classes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_class_input import ProjectClassInput

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _annotation_types = d.pop("annotation_types", UNSET)
        annotation_types: list[AnnotationType] | Unset = UNSET
        if _annotation_types is not UNSET:
            annotation_types = []
            for componentsschemas_annotation_type_list_item_data in _annotation_types:
                componentsschemas_annotation_type_list_item = AnnotationType(
                    componentsschemas_annotation_type_list_item_data
                )

                annotation_types.append(componentsschemas_annotation_type_list_item)

        _classes = d.pop("classes", UNSET)
        classes: list[ProjectClassInput] | Unset = UNSET
        if _classes is not UNSET:
            classes = []
            for componentsschemas_class_list_item_data in _classes:
                componentsschemas_class_list_item = ProjectClassInput.from_dict(
                    componentsschemas_class_list_item_data
                )

                classes.append(componentsschemas_class_list_item)

        project_create = cls(
            name=name,
            description=description,
            annotation_types=annotation_types,
            classes=classes,
        )

        return project_create
