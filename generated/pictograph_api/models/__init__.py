"""Contains all the data models used in inputs/outputs"""

from .annotation_type import AnnotationType
from .dataset import Dataset
from .dataset_list import DatasetList
from .dataset_response import DatasetResponse
from .delete_response import DeleteResponse
from .delete_result import DeleteResult
from .error import Error
from .error_body import ErrorBody
from .error_body_details import ErrorBodyDetails
from .field_error import FieldError
from .pagination import Pagination
from .project import Project
from .project_class import ProjectClass
from .project_class_input import ProjectClassInput
from .project_config import ProjectConfig
from .project_create import ProjectCreate
from .project_list import ProjectList
from .project_response import ProjectResponse
from .project_update import ProjectUpdate

__all__ = (
    "AnnotationType",
    "Dataset",
    "DatasetList",
    "DatasetResponse",
    "DeleteResponse",
    "DeleteResult",
    "Error",
    "ErrorBody",
    "ErrorBodyDetails",
    "FieldError",
    "Pagination",
    "Project",
    "ProjectClass",
    "ProjectClassInput",
    "ProjectConfig",
    "ProjectCreate",
    "ProjectList",
    "ProjectResponse",
    "ProjectUpdate",
)
