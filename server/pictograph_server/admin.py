"""Administration without HTTP: keys, seeding, the first-start key.

These are the Python API behind the CLI, for tests and tools. They open the
database themselves and may run while a server uses it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pictograph._rules import name_key
from pictograph_server import storage
from pictograph_server.auth import insert_key
from pictograph_server.storage import Database, utc_now

__all__ = [
    "BOOTSTRAP_ORG",
    "SEED_LIMITS",
    "SeedError",
    "bootstrap_key",
    "create_key",
    "seed_project",
]

BOOTSTRAP_ORG = "local"

# The most one seed adds. A seed is one transaction that holds the database's
# write lock while it runs, so its size bounds how long the server's writes wait.
SEED_LIMITS = {
    "images": 100_000,
    "annotations": 1_000_000,
    "exports": 10_000,
    "models": 10_000,
}


class SeedError(LookupError):
    """The organisation or project to seed does not exist, or cannot be seeded."""


def create_key(db_path: Path | str, org: str, role: str = "owner") -> str:
    """Create an API key for ``org`` (created if new) with ``role``; return it.

    The key is stored only as a hash: this is the one time it is seen.

    Raises:
        ValueError: ``role`` is not owner, admin, member, annotator or viewer.
    """
    db = Database(db_path)
    try:
        with db.transaction() as conn:
            return insert_key(conn, org, role)
    finally:
        db.close()


def bootstrap_key(db: Database, key_file: Path) -> bool:
    """On first start, create an owner key for org ``local`` into ``key_file``.

    Only when the database holds no key at all. The key is written to a new
    file readable by its owner alone, never printed or logged. Returns whether
    a key was created.

    Raises:
        FileExistsError: ``key_file`` already exists; it is left as it is and
            no key is created (an existing file may be readable by others).
    """
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM api_keys LIMIT 1").fetchone() is not None:
            return False
        key = insert_key(conn, BOOTSTRAP_ORG, "owner")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: never write into a file someone else made, nor through a link.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(key + "\n")
    return True


def seed_project(
    db_path: Path | str,
    blobs_dir: Path | str | None,
    org: str,
    project: str,
    *,
    images: int,
    annotations_per_image: int,
    exports: int = 0,
    models: int = 0,
) -> dict[str, int]:
    """Add images (with stored files), annotations, exports and models to a project.

    Annotations cycle through the project's classes, each with its class's
    type, so that class-list changes and deletes have something to remove.
    The files go to the folder the database remembers (``storage.blobs_dir``);
    ``blobs_dir`` None means that one. Returns what was added.

    Raises:
        SeedError: no database at ``db_path`` (none is created), no such
            organisation or project, or annotations asked of a project without
            classes.
        BlobsDirError: ``blobs_dir`` is not the folder the database remembers.
        ValueError: a negative count, or one over ``SEED_LIMITS``.
    """
    counts = {
        "images": images,
        "annotations": images * annotations_per_image,
        "exports": exports,
        "models": models,
    }
    if min(images, annotations_per_image, exports, models) < 0:
        raise ValueError("Counts must not be negative.")
    for what, count in counts.items():
        if count > SEED_LIMITS[what]:
            msg = (
                f"{count:,} {what} is more than one seed adds "
                f"(at most {SEED_LIMITS[what]:,}); seed several times."
            )
            raise ValueError(msg)
    if not Path(db_path).is_file():
        raise SeedError(
            f"no database at {str(db_path)!r}; "
            "start the server once or create a key first"
        )
    db = Database(db_path)
    written: list[Path] = []
    try:
        with db.transaction() as conn:
            org_row = conn.execute(
                "SELECT id FROM organisations WHERE name = ?", (org,)
            ).fetchone()
            if org_row is None:
                raise SeedError(f"No organisation named {org!r}.")
            row = conn.execute(
                "SELECT seq, id, classes FROM projects"
                " WHERE org_id = ? AND name_key = ?",
                (org_row["id"], name_key(project)),
            ).fetchone()
            if row is None:
                raise SeedError(
                    f"No project named {project!r} in organisation {org!r}."
                )
            classes = json.loads(row["classes"])
            if annotations_per_image and images and not classes:
                raise SeedError(
                    f"Project {project!r} has no classes to annotate with; "
                    "add some first."
                )
            blobs = storage.blobs_dir(conn, blobs_dir)
            folder = blobs / row["id"]
            folder.mkdir(parents=True, exist_ok=True)
            now = utc_now()
            made = 0
            for index in range(images):
                image_id = conn.execute(
                    "INSERT INTO images (project_seq, file_path) VALUES (?, '')",
                    (row["seq"],),
                ).lastrowid
                relative = f"{row['id']}/{image_id}.bin"
                written.append(blobs / relative)
                written[-1].write_bytes(f"image {index} of {project}\n".encode())
                conn.execute(
                    "UPDATE images SET file_path = ? WHERE id = ?", (relative, image_id)
                )
                for _ in range(annotations_per_image):
                    cls = classes[made % len(classes)]
                    made += 1
                    conn.execute(
                        "INSERT INTO annotations"
                        " (project_seq, image_id, class_key, type)"
                        " VALUES (?, ?, ?, ?)",
                        (row["seq"], image_id, name_key(cls["name"]), cls["type"]),
                    )
            if images:
                # The project's counts change, so its version (its ETag) does
                # too: an If-Match read before the seed no longer matches.
                conn.execute(
                    "UPDATE projects SET version = version + 1, updated_at = ?"
                    " WHERE seq = ?",
                    (now, row["seq"]),
                )
            conn.executemany(
                "INSERT INTO exports (project_seq, created_at) VALUES (?, ?)",
                [(row["seq"], now)] * exports,
            )
            conn.executemany(
                "INSERT INTO models (org_id, name, project_seq, source_project_id,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (org_row["id"], f"{project}-model-{n}", row["seq"], row["id"], now)
                    for n in range(models)
                ],
            )
    except BaseException:
        # The rows are rolled back (Ctrl-C included): no row points at these
        # files any more, so nothing else would ever remove them.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        db.close()
    return counts
