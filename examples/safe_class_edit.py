"""Add a class to a project without losing a concurrent edit.

    python examples/safe_class_edit.py road-signs speed_limit --color '#00aaff'

Reads the project, appends the class to the list it read, and writes the list
back with ``if_version``: if someone changed the project in between, the
server refuses (412) and the edit is tried again on the fresh list, so no
class that someone else added is dropped (which would delete its annotations).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata

from pictograph import (
    Client,
    PictographError,
    PreconditionFailedError,
    ProjectClass,
)


def name_key(name: str) -> str:
    """How the server compares class names: NFC, then case-folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def add_class(client: Client, project_name: str, new: ProjectClass) -> int | None:
    """Adds ``new`` to the project's classes.

    Returns the project's new version, or None if it already had the class.
    """
    for _attempt in range(5):
        project = client.projects.get(project_name)
        if any(name_key(cls.name) == name_key(new.name) for cls in project.classes):
            return None
        try:
            updated = client.projects.update(
                project.id,
                classes=[*project.classes, new],
                if_version=project.version,
            )
        except PreconditionFailedError:
            print("the project changed while we edited it; reading it again")
            continue
        return updated.version
    raise RuntimeError(f"{project_name} kept changing; gave up after 5 attempts")


def main() -> None:
    parser = argparse.ArgumentParser(description="Add one class to a project.")
    parser.add_argument("project")
    parser.add_argument("name")
    parser.add_argument("--type", default="bbox")
    parser.add_argument("--color", default=None)
    args = parser.parse_args()

    with Client() as client:
        version = add_class(
            client, args.project, ProjectClass(args.name, args.type, args.color)
        )
    if version is None:
        print(f"{args.project} already has a class {args.name!r}; nothing changed")
    else:
        print(f"{args.project} is now at version {version}")


if __name__ == "__main__":
    try:
        main()
    except PictographError as exc:  # see handling_errors.py for each kind
        sys.exit(f"error: {exc}")
