"""``python -m pictograph_server`` and the ``pictograph-server`` command."""

from __future__ import annotations

from pictograph_server.cli import main

if __name__ == "__main__":
    main()
