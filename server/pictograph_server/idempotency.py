"""Stored responses for ``Idempotency-Key`` (CONTRACT section 2).

A response is stored in the same transaction as the change it reports, so a
retry either finds it (and gets it replayed) or finds nothing changed. Since
every write transaction is serialised, two concurrent requests with one key
cannot both run the operation: the second one waits, then replays.
What is stored is the outcome of the operation: a success, or an error of
the operation itself (404, 409, 412, a 422 from the project's state), so a
retry never gets a different answer. A request refused before it ran (bad
body, key or role, 429, 5xx) stores nothing and may be retried with its key.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass

from pictograph_server.errors import ApiError

__all__ = ["TTL_SECONDS", "StoredResponse", "fingerprint", "lookup", "store"]

TTL_SECONDS = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response as first sent: status, the headers worth replaying, body."""

    status: int
    headers: dict[str, str]
    body: bytes


def fingerprint(method: str, path: str, canonical_body: bytes) -> str:
    """What makes two requests the same request: method, path and body."""
    digest = hashlib.sha256()
    for part in (
        method.encode(),
        path.encode("utf-8", "surrogatepass"),
        canonical_body,
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def lookup(
    conn: sqlite3.Connection, org_id: int, key: str, request_fingerprint: str
) -> StoredResponse | None:
    """The stored response for the key, if it is fresh.

    Raises:
        ApiError: 422 ``idempotency_key_reused`` when the key was used for a
            different request within the last 24 hours.
    """
    row = conn.execute(
        "SELECT fingerprint, status, headers, body FROM idempotency"
        " WHERE org_id = ? AND key = ? AND created_at > ?",
        (org_id, key, time.time() - TTL_SECONDS),
    ).fetchone()
    if row is None:
        return None
    if row["fingerprint"] != request_fingerprint:
        raise ApiError(
            422,
            "This Idempotency-Key was already used for a different request; "
            "use a new key for each new request.",
            code="idempotency_key_reused",
            details={"field": "Idempotency-Key"},
        )
    return StoredResponse(row["status"], json.loads(row["headers"]), bytes(row["body"]))


def store(
    conn: sqlite3.Connection,
    org_id: int,
    key: str,
    request_fingerprint: str,
    response: StoredResponse,
) -> None:
    """Keep a response for 24 hours, replacing an expired one with the key."""
    now = time.time()
    conn.execute("DELETE FROM idempotency WHERE created_at <= ?", (now - TTL_SECONDS,))
    conn.execute(
        "INSERT OR REPLACE INTO idempotency"
        " (org_id, key, fingerprint, status, headers, body, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            org_id,
            key,
            request_fingerprint,
            response.status,
            json.dumps(response.headers),
            response.body,
            now,
        ),
    )
