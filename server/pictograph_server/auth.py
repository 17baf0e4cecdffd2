"""API keys, organisations, roles, and the per-key rate limit."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from pictograph_server.errors import ApiError
from pictograph_server.storage import utc_now

__all__ = [
    "ROLES",
    "Principal",
    "RateLimiter",
    "authenticate",
    "hash_key",
    "insert_key",
    "require_role",
]

# Highest first: a role may do everything the roles after it may.
ROLES = ("owner", "admin", "member", "annotator", "viewer")
_RANK = {role: len(ROLES) - index for index, role in enumerate(ROLES)}
KEY_PREFIX = "pk_test_"
# Longer header values are not keys we issued; no need to hash them.
_MAX_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, its organisation and its role."""

    key_id: int
    org_id: int
    role: str


def hash_key(key: str) -> bytes:
    """The stored form of a key: SHA-256 (keys are random, 256 bits, unguessable)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def insert_key(conn: sqlite3.Connection, org: str, role: str) -> str:
    """Create a key (and the organisation if new) inside ``conn``'s transaction.

    Returns the key itself, which is stored only as a hash.

    Raises:
        ValueError: ``role`` is not one of ``ROLES``.
    """
    if role not in _RANK:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}.")
    conn.execute("INSERT OR IGNORE INTO organisations (name) VALUES (?)", (org,))
    org_id = conn.execute(
        "SELECT id FROM organisations WHERE name = ?", (org,)
    ).fetchone()["id"]
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO api_keys (org_id, role, key_hash, created_at) VALUES (?, ?, ?, ?)",
        (org_id, role, hash_key(key), utc_now()),
    )
    return key


def authenticate(
    conn: sqlite3.Connection, key: str | Sequence[str] | None
) -> Principal:
    """The principal behind an ``X-API-Key`` value (or the header's values).

    Raises:
        ApiError: 401 when the key is missing or unknown, or when more than
            one ``X-API-Key`` header came (which one would be meant?).
    """
    if not isinstance(key, str) and key is not None:
        if len(key) > 1:
            raise ApiError(
                401,
                f"Send exactly one X-API-Key header; this request has {len(key)}.",
            )
        key = key[0] if key else None
    if not key or len(key) > _MAX_KEY_LENGTH:
        raise _unauthorized()
    digest = hash_key(key)
    row = conn.execute(
        "SELECT id, org_id, role, key_hash FROM api_keys WHERE key_hash = ?", (digest,)
    ).fetchone()
    # The lookup is by hash, so its timing says nothing about the key; the
    # constant-time comparison keeps it that way should the lookup ever change.
    if row is None or not hmac.compare_digest(bytes(row["key_hash"]), digest):
        raise _unauthorized()
    return Principal(key_id=row["id"], org_id=row["org_id"], role=row["role"])


def _unauthorized() -> ApiError:
    return ApiError(401, "A valid API key is required in the X-API-Key header.")


def require_role(principal: Principal, required: str, action: str) -> None:
    """Raise a 403 unless the principal's role is ``required`` or above."""
    if _RANK[principal.role] < _RANK[required]:
        raise ApiError(
            403,
            f"{action} requires the {required} role or above; "
            f"this key has the {principal.role} role.",
            details={"role": principal.role, "required": required},
        )


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second, bursts up to ``rate``."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key_id: int) -> None:
        """Take one token for the key, or raise a 429 with ``Retry-After``."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return
            self._buckets[key_id] = (tokens, now)
        # Whole seconds (the spec's Retry-After is an integer), never 0.
        wait = max(1, math.ceil((1.0 - tokens) / self.rate))
        raise ApiError(
            429,
            f"Too many requests; retry after {wait} seconds.",
            details={"retry_after": wait},
            headers={"Retry-After": str(wait)},
        )
