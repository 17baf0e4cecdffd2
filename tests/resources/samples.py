"""Running the Python samples of a markdown page, in order, as a reader would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["python_blocks", "run_blocks"]

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page: Path) -> list[str]:
    """The ``python`` code blocks of ``page``, exactly as written."""
    return _BLOCK.findall(page.read_text(encoding="utf-8"))


def run_blocks(page: Path) -> dict[str, Any]:
    """Run every block of ``page`` in one namespace; returns the namespace."""
    namespace: dict[str, Any] = {"__name__": "__sample__"}
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.name} (python block {number})", "exec")
        exec(code, namespace)
    return namespace
