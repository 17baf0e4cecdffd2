"""Summarise every project concurrently with the async client.

    python examples/async_overview.py

Lists the projects, then fetches up to 20 at a time in parallel.
"""

from __future__ import annotations

import asyncio
import sys

from pictograph import AsyncClient, PictographError, Project


async def main() -> None:
    async with AsyncClient() as client:
        names = [dataset.name async for dataset in client.datasets.iter()]
        limit = asyncio.Semaphore(20)

        async def fetch(name: str) -> Project:
            async with limit:
                return await client.projects.get(name)

        projects = await asyncio.gather(*(fetch(name) for name in names))

    for project in sorted(projects, key=lambda p: p.annotation_count, reverse=True):
        types = "/".join(project.annotation_types)
        print(
            f"{project.name:30} {len(project.classes):5} classes "
            f"{project.annotation_count:8} annotations  {types}"
        )
    print(f"{len(projects)} projects")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except PictographError as exc:  # see handling_errors.py for each kind
        sys.exit(f"error: {exc}")
