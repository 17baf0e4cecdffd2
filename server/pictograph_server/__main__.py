"""``python -m pictograph_server`` and the ``pictograph-server`` command.

The command is installed with the SDK even without the ``server`` extra (one
distribution, so its scripts cannot be conditional): everything the extra
brings is imported only inside ``main``, which turns its absence into one line.
"""

from __future__ import annotations

import sys
from typing import NoReturn

__all__ = ["main"]

# Top-level import names of the ``server`` extra's requirements (pyproject.toml).
_SERVER_EXTRA = frozenset({"click", "jsonschema", "starlette", "uvicorn", "yaml"})
_INSTALL_HINT = (
    "pictograph-server: error: the reference server needs the 'server' extra: "
    'pip install "/path/to/checkout[server]"\n'
)


def main() -> NoReturn:
    """Run the command line, or say which extra to install if it is missing."""
    try:
        from pictograph_server.cli import main as cli_main

        cli_main()
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in _SERVER_EXTRA:
            raise
        sys.stderr.write(_INSTALL_HINT)
        sys.exit(1)


if __name__ == "__main__":
    main()
