from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

from ._exceptions import ConfigurationError

__all__ = ["RedactKeys", "configure_from_env"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
# Key-shaped tokens (CONTRACT section 2) and the value of an X-API-Key header.
_KEY_SHAPES = re.compile(
    r"\bpk_(?:live|test)_[A-Za-z0-9_\-]+|(?i:x-api-key)[\"']?\s*[:=]\s*[\"']?[^\s\"',}]+"
)


class RedactKeys(logging.Filter):
    """Replaces anything shaped like an API key in a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _KEY_SHAPES.sub("[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class _Handler(logging.StreamHandler[TextIO]):
    """The handler ``PICTOGRAPH_LOG`` installs, marked so it is installed once."""


def configure_from_env(environ: Mapping[str, str] | None = None) -> None:
    """Send the ``pictograph`` logger to stderr if ``PICTOGRAPH_LOG`` asks for it.

    ``PICTOGRAPH_LOG=debug`` shows one line per request attempt and one per
    scheduled retry; ``info`` only the retries. Unset, nothing is configured:
    the application's own logging setup decides.

    The handler installed makes the ``pictograph`` logger stop propagating,
    so an application that configured the root logger too does not see every
    line twice; its handlers no longer get the SDK's records while
    ``PICTOGRAPH_LOG`` is set.
    """
    env = os.environ if environ is None else environ
    wanted = env.get("PICTOGRAPH_LOG", "").strip().lower()
    if not wanted:
        return
    if wanted not in _LEVELS:
        msg = f"PICTOGRAPH_LOG must be 'debug' or 'info', not {wanted!r}."
        raise ConfigurationError(msg)

    logger = logging.getLogger("pictograph")
    logger.setLevel(_LEVELS[wanted])
    if any(isinstance(handler, _Handler) for handler in logger.handlers):
        return
    handler = _Handler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactKeys())
    logger.addHandler(handler)
    logger.propagate = False
