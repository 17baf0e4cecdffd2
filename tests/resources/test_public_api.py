"""The package's public names: complete, and free of the generated layer."""

from __future__ import annotations

import asyncio
import inspect
import typing

import pictograph
from pictograph import _resources


def test_all_lists_every_public_name_of_the_package() -> None:
    public = {
        name
        for name, value in vars(pictograph).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    public.discard("annotations")  # from __future__ import annotations

    assert public | {"__version__"} == set(pictograph.__all__)


def test_the_resource_names_are_exported() -> None:
    exported = {
        "AsyncDatasets",
        "AsyncProjects",
        "Dataset",
        "Datasets",
        "DeleteResult",
        "Page",
        "PaginationError",
        "Project",
        "ProjectClass",
        "ProjectConfig",
        "Projects",
    }

    assert exported <= set(pictograph.__all__)
    for name in exported:
        assert getattr(pictograph, name).__module__.startswith("pictograph._")


def test_clients_have_projects_and_datasets() -> None:
    client = pictograph.Client("pk_test_x", base_url="http://127.0.0.1:9")
    with client:
        assert isinstance(client.projects, pictograph.Projects)
        assert isinstance(client.datasets, pictograph.Datasets)


async def _async_client() -> None:
    async with pictograph.AsyncClient("pk_test_x", base_url="http://127.0.0.1:9") as c:
        assert isinstance(c.projects, pictograph.AsyncProjects)
        assert isinstance(c.datasets, pictograph.AsyncDatasets)


def test_async_clients_have_projects_and_datasets() -> None:
    asyncio.run(_async_client())


def test_no_public_signature_mentions_the_generated_layer() -> None:
    for cls in (
        pictograph.Projects,
        pictograph.AsyncProjects,
        pictograph.Datasets,
        pictograph.AsyncDatasets,
    ):
        for name, method in vars(cls).items():
            if name.startswith("_") or not callable(method):
                continue
            hints = typing.get_type_hints(method, vars(_resources))
            for hint in hints.values():
                assert "pictograph_api" not in repr(hint), (cls, name, hint)
                assert "Unset" not in repr(hint), (cls, name, hint)
