from enum import StrEnum


class AnnotationType(StrEnum):
    BBOX = "bbox"
    KEYPOINT = "keypoint"
    POLYGON = "polygon"
    POLYLINE = "polyline"

    def __str__(self) -> str:
        return str(self.value)
