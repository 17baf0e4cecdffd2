"""Projects in SQLite: lookup, listing, create, patch and delete (CONTRACT 5).

Functions here take a connection and raise ``ApiError``; the caller chooses
the connection (the reader for reads, the writer inside a transaction for
changes), so each mutating request is exactly one transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pictograph._rules import (
    DEFAULT_ANNOTATION_TYPES,
    check_update,
    name_key,
    normalize_name,
)
from pictograph_server.errors import ApiError, json_bytes, validation_error
from pictograph_server.storage import utc_now

__all__ = [
    "PALETTE",
    "DeleteOutcome",
    "create_project",
    "dataset_json",
    "delete_project",
    "find_project",
    "get_project",
    "list_projects",
    "project_bytes",
    "project_json",
    "update_project",
]

# Colours given to classes created without one, by position in the list.
PALETTE = (
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231",
    "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#008080",
)  # fmt: skip
_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
_SELECT = """
SELECT p.*,
    (SELECT COUNT(*) FROM images AS i WHERE i.project_seq = p.seq) AS image_count,
    (SELECT COUNT(*) FROM annotations AS a WHERE a.project_seq = p.seq)
        AS annotation_count
FROM projects AS p
"""


def find_project(conn: sqlite3.Connection, org_id: int, ref: str) -> sqlite3.Row | None:
    """The organisation's project named or identified by ``ref``, if any.

    A UUID-shaped reference is an id (names may not look like one); anything
    else is a name, compared in NFC, case-folded form.
    """
    if _UUID.fullmatch(ref):
        sql, value = f"{_SELECT} WHERE p.org_id = ? AND p.id = ?", ref.lower()
    else:
        sql, value = f"{_SELECT} WHERE p.org_id = ? AND p.name_key = ?", name_key(ref)
    row: sqlite3.Row | None = conn.execute(sql, (org_id, value)).fetchone()
    return row


def get_project(conn: sqlite3.Connection, org_id: int, ref: str) -> sqlite3.Row:
    """Like ``find_project``, but a missing project is a 404.

    Another organisation's project is missing too: a 404, never a 403.
    """
    row = find_project(conn, org_id, ref)
    if row is None:
        raise ApiError(
            404,
            f"No project named or identified by {ref[:200]!r} in this organisation.",
            details={"project": ref[:200]},
        )
    return row


def list_projects(
    conn: sqlite3.Connection, org_id: int, after_seq: int, limit: int
) -> sqlite3.Cursor:
    """Up to ``limit`` + 1 projects in creation order after ``after_seq``, read
    as they are iterated (the one more tells whether another page exists, so
    has_more is never true in front of an empty page)."""
    return conn.execute(
        f"{_SELECT} WHERE p.org_id = ? AND p.seq > ? ORDER BY p.seq LIMIT ?",
        (org_id, after_seq, limit + 1),
    )


def project_json(row: sqlite3.Row) -> dict[str, Any]:
    """A stored project as the spec's ``Project``."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "project_config": {
            "annotation_types": json.loads(row["annotation_types"]),
            "classes": json.loads(row["classes"]),
        },
        "image_count": row["image_count"],
        "annotation_count": row["annotation_count"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def project_bytes(row: sqlite3.Row) -> bytes:
    """``project_json(row)`` as JSON bytes, for the reads.

    The stored annotation types and classes are JSON text written by this
    module, so they are spliced in as they are: parsing and re-encoding up to
    5,000 classes on every read was most of the cost of a GET.
    """
    head = json_bytes(
        {"id": row["id"], "name": row["name"], "description": row["description"]}
    )
    tail = json_bytes(
        {
            "image_count": row["image_count"],
            "annotation_count": row["annotation_count"],
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )
    types: str = row["annotation_types"]
    classes: str = row["classes"]
    config = (
        b'{"annotation_types":' + types.encode() + b',"classes":' + classes.encode()
    ) + b"}"
    return head[:-1] + b',"project_config":' + config + b"," + tail[1:]


def dataset_json(row: sqlite3.Row) -> dict[str, Any]:
    """A stored project as the spec's ``Dataset`` (the list view)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "annotation_types": json.loads(row["annotation_types"]),
        "class_count": len(json.loads(row["classes"])),
        "image_count": row["image_count"],
        "annotation_count": row["annotation_count"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _classes(
    given: Sequence[Mapping[str, Any]], previous: Sequence[Mapping[str, Any]] = ()
) -> list[dict[str, str]]:
    """The class list to store: names in NFC, every class with a colour.

    A class sent without a colour keeps the one it had (matched by name), or
    gets the palette colour of its position.
    """
    old_colours = {name_key(cls["name"]): cls["color"] for cls in previous}
    result = []
    for index, cls in enumerate(given):
        name = normalize_name(cls["name"])
        colour = cls.get("color") or old_colours.get(
            name_key(name), PALETTE[index % len(PALETTE)]
        )
        result.append({"name": name, "type": cls["type"], "color": colour})
    return result


def _check_name_free(
    conn: sqlite3.Connection, org_id: int, name: str, except_seq: int = -1
) -> None:
    row = conn.execute(
        "SELECT name FROM projects WHERE org_id = ? AND name_key = ? AND seq != ?",
        (org_id, name_key(name), except_seq),
    ).fetchone()
    if row is not None:
        raise ApiError(
            409,
            f"A project named {row['name']!r} already exists "
            "(names are compared ignoring case and Unicode normalisation).",
            details={"field": "name", "existing": row["name"]},
        )


def create_project(
    conn: sqlite3.Connection, org_id: int, body: Mapping[str, Any]
) -> sqlite3.Row:
    """Insert a project from a checked ``ProjectCreate`` body; 409 if taken."""
    name = normalize_name(body["name"])
    _check_name_free(conn, org_id, name)
    now = utc_now()
    project_id = str(uuid.uuid4())
    types = list(body.get("annotation_types", DEFAULT_ANNOTATION_TYPES))
    conn.execute(
        "INSERT INTO projects (id, org_id, name, name_key, description,"
        " annotation_types, classes, version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (
            project_id,
            org_id,
            name,
            name_key(name),
            body.get("description"),
            json.dumps(types),
            json.dumps(_classes(body.get("classes", [])), ensure_ascii=False),
            now,
            now,
        ),
    )
    return get_project(conn, org_id, project_id)


def check_if_match(row: sqlite3.Row, if_match: str | None) -> None:
    """Raise a 412 unless ``If-Match`` is absent or names the current version.

    Only strong comparison counts (RFC 9110, section 13.1.1); ``*`` matches
    any existing project.
    """
    if if_match is None or if_match.strip() == "*":
        return
    etag = f'"{row["version"]}"'
    if etag in (tag.strip() for tag in if_match.split(",")):
        return
    raise ApiError(
        412,
        f"The project is at version {row['version']}, "
        f"which does not match If-Match {if_match!r}.",
        details={"current_version": row["version"]},
        headers={"ETag": etag},
    )


def update_project(
    conn: sqlite3.Connection,
    org_id: int,
    ref: str,
    body: Mapping[str, Any],
    if_match: str | None,
) -> sqlite3.Row:
    """Apply a ``ProjectUpdate`` patch: absent fields stay, ``classes`` replaces.

    Annotations of classes that disappear, and of classes whose type changes,
    are deleted in the same transaction; recolouring and reordering keep them.
    """
    row = get_project(conn, org_id, ref)
    check_if_match(row, if_match)
    old_types: list[str] = json.loads(row["annotation_types"])
    old_classes: list[dict[str, str]] = json.loads(row["classes"])
    errors = check_update(body, old_types, old_classes)
    if errors:
        raise validation_error(errors)

    name = normalize_name(body["name"]) if "name" in body else row["name"]
    if name_key(name) != row["name_key"]:
        _check_name_free(conn, org_id, name, except_seq=row["seq"])
    description = body["description"] if "description" in body else row["description"]
    types = list(body.get("annotation_types", old_types))
    classes = (
        _classes(body["classes"], old_classes) if "classes" in body else old_classes
    )
    if (name, description, types, classes) == (
        row["name"],
        row["description"],
        old_types,
        old_classes,
    ):
        return row  # Nothing changes, so neither does the version.

    if "classes" in body:
        _drop_annotations(conn, row["seq"], old_classes, classes)
    conn.execute(
        "UPDATE projects SET name = ?, name_key = ?, description = ?,"
        " annotation_types = ?, classes = ?, version = version + 1, updated_at = ?"
        " WHERE seq = ?",
        (
            name,
            name_key(name),
            description,
            json.dumps(types),
            json.dumps(classes, ensure_ascii=False),
            utc_now(),
            row["seq"],
        ),
    )
    return get_project(conn, org_id, row["id"])


def _drop_annotations(
    conn: sqlite3.Connection,
    seq: int,
    old: Sequence[Mapping[str, str]],
    new: Sequence[Mapping[str, str]],
) -> None:
    """Delete the annotations a class-list replacement takes with it."""
    new_types = {name_key(cls["name"]): cls["type"] for cls in new}
    for cls in old:
        key = name_key(cls["name"])
        if key not in new_types:
            conn.execute(
                "DELETE FROM annotations WHERE project_seq = ? AND class_key = ?",
                (seq, key),
            )
        elif new_types[key] != cls["type"]:
            # The class stays but changes type: its annotations of any other
            # type than the new one no longer fit it.
            conn.execute(
                "DELETE FROM annotations"
                " WHERE project_seq = ? AND class_key = ? AND type != ?",
                (seq, key, new_types[key]),
            )


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    """The ``DeleteResult`` of a delete, and the stored files to remove."""

    result: dict[str, Any]
    files: list[str]


def delete_project(
    conn: sqlite3.Connection, org_id: int, ref: str, if_match: str | None
) -> DeleteOutcome:
    """Delete a project with its images, annotations and exports; keep models.

    The stored image files are returned rather than removed here: the caller
    removes them once the transaction has committed, so a rollback never
    leaves rows pointing at files that are gone.
    """
    row = get_project(conn, org_id, ref)
    check_if_match(row, if_match)
    seq = row["seq"]

    def count(table: str) -> int:
        sql = f"SELECT COUNT(*) FROM {table} WHERE project_seq = ?"
        value: int = conn.execute(sql, (seq,)).fetchone()[0]
        return value

    files = [
        r["file_path"]
        for r in conn.execute(
            "SELECT file_path FROM images WHERE project_seq = ?", (seq,)
        )
    ]
    result = {
        "id": row["id"],
        "name": row["name"],
        "images_deleted": count("images"),
        "annotations_deleted": count("annotations"),
        "exports_deleted": count("exports"),
        "models_retained": count("models"),
    }
    # Foreign keys cascade to images, annotations and exports, and set the
    # models' project to NULL (see storage._SCHEMA).
    conn.execute("DELETE FROM projects WHERE seq = ?", (seq,))
    return DeleteOutcome(result=result, files=files)
