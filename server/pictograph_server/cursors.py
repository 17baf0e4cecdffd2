"""Opaque, signed pagination cursors.

A cursor names the creation-order key (``projects.seq``) of the last item of a
page, and the organisation it was issued to. It is ``base64url(payload || mac)``
where the payload is ``v1.<org>.<seq>`` and the MAC is a truncated HMAC-SHA256
under a secret kept in the database, so a tampered, truncated or foreign cursor
is recognised and answered with a 422 rather than silently misread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from pictograph._rules import FieldError
from pictograph_server.errors import validation_error

__all__ = ["decode_cursor", "encode_cursor"]

_MAC_SIZE = 16
_PAYLOAD = re.compile(rb"v1\.([0-9]{1,19})\.([0-9]{1,19})")


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()[:_MAC_SIZE]


def encode_cursor(secret: bytes, org_id: int, seq: int) -> str:
    """The cursor that resumes a listing after the item with key ``seq``."""
    payload = f"v1.{org_id}.{seq}".encode()
    raw = payload + _mac(secret, payload)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(secret: bytes, org_id: int, cursor: str) -> int:
    """The ``seq`` a cursor resumes after.

    Raises:
        ApiError: 422 naming ``cursor`` when it is malformed, tampered with, or
            was issued to another organisation.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    payload, mac = raw[:-_MAC_SIZE], raw[-_MAC_SIZE:]
    match = _PAYLOAD.fullmatch(payload)
    if (
        match is None
        or not hmac.compare_digest(mac, _mac(secret, payload))
        or int(match.group(1)) != org_id
    ):
        raise validation_error(
            [
                FieldError(
                    "cursor",
                    "is not a cursor this server issued to this organisation; "
                    "pass a previous page's pagination.next_cursor unchanged.",
                )
            ]
        )
    return int(match.group(2))
