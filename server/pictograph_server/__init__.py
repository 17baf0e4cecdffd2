"""The Pictograph reference server: the spec implemented on SQLite."""

from __future__ import annotations

__all__: list[str] = []
