"""Create a project, reacting to each documented error the way an app would.

python examples/handling_errors.py "traffic lights" red amber green
"""

from __future__ import annotations

import argparse
import sys

from pictograph import (
    APIConnectionError,
    AuthenticationError,
    Client,
    ConflictError,
    ForbiddenError,
    PictographError,
    Project,
    RateLimitError,
    ValidationError,
)


def create_or_reuse(client: Client, name: str, class_names: list[str]) -> Project:
    """Creates the project, or returns the existing one of that name."""
    try:
        return client.projects.create(
            name, classes=[{"name": n, "type": "bbox"} for n in class_names]
        )
    except ConflictError:
        # Names ignore case: "Traffic Lights" finds "traffic lights".
        return client.projects.get(name)


def main() -> int:
    parser = argparse.ArgumentParser(description="Create a bbox project.")
    parser.add_argument("name")
    parser.add_argument("classes", nargs="*")
    args = parser.parse_args()

    try:
        with Client() as client:
            project = create_or_reuse(client, args.name, args.classes)
    except ValidationError as exc:
        # Raised before any request when the SDK's own checks fail, and for a
        # 422 from the server: one entry per broken rule.
        for error in exc.errors:
            print(f"invalid {error.field}: {error.message}", file=sys.stderr)
        return 2
    except AuthenticationError:
        print("the API key was refused: check PICTOGRAPH_API_KEY", file=sys.stderr)
        return 3
    except ForbiddenError as exc:
        print(f"not allowed with this key's role: {exc.message}", file=sys.stderr)
        return 3
    except RateLimitError as exc:
        print(f"rate limited; try again in {exc.retry_after} s", file=sys.stderr)
        return 4
    except APIConnectionError as exc:
        print(f"could not reach the API: {exc}", file=sys.stderr)
        return 4
    except PictographError as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 1

    classes = ", ".join(cls.name for cls in project.classes) or "no classes"
    print(f"{project.name} (version {project.version}): {classes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
