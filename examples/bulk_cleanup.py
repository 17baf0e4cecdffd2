"""Delete every project whose name starts with a prefix, after a dry run.

    python examples/bulk_cleanup.py tmp-            # list what would go
    python examples/bulk_cleanup.py tmp- --delete   # delete them (admin key)

Reads PICTOGRAPH_API_KEY and PICTOGRAPH_BASE_URL like every Client.
"""

from __future__ import annotations

import argparse
import sys

from pictograph import Client, NotFoundError, PictographError


def main() -> None:
    parser = argparse.ArgumentParser(description="Delete projects by name prefix.")
    parser.add_argument("prefix", help="delete projects whose name starts with this")
    parser.add_argument("--delete", action="store_true", help="really delete")
    args = parser.parse_args()
    if not args.prefix:
        parser.error("the prefix must not be empty: it would match every project")

    with Client() as client:
        # Collect first, then delete: iter() pages lazily, and changing the
        # list while paging through it is safe but harder to reason about.
        doomed = [
            project
            for project in client.projects.iter(page_size=500)
            if project.name.startswith(args.prefix)
        ]
        images = sum(project.image_count for project in doomed)
        print(f"{len(doomed)} projects match {args.prefix!r} ({images} images)")
        if not args.delete:
            print("dry run: pass --delete to delete them")
            return

        for project in doomed:
            try:
                result = client.projects.delete(project.id)
            except NotFoundError:
                print(f"  {project.name}: already gone")
                continue
            print(
                f"  {result.name}: {result.images_deleted} images, "
                f"{result.annotations_deleted} annotations deleted"
            )


if __name__ == "__main__":
    try:
        main()
    except PictographError as exc:  # see handling_errors.py for each kind
        sys.exit(f"error: {exc}")
