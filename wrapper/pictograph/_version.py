from __future__ import annotations

import platform

import httpx

__all__ = ["__version__", "user_agent"]

__version__ = "0.1.0"


def user_agent() -> str:
    """The ``User-Agent`` every request carries: SDK, Python and httpx versions."""
    return (
        f"pictograph-python/{__version__} python/{platform.python_version()} "
        f"httpx/{httpx.__version__}"
    )
