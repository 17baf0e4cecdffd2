"""The README's Python samples run as written, against the reference server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .samples import python_blocks, run_blocks

if TYPE_CHECKING:
    from tests.conftest import LiveServer

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_samples_run_in_order(
    live_server: LiveServer,
    api_key: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PICTOGRAPH_API_KEY", api_key)
    monkeypatch.setenv("PICTOGRAPH_BASE_URL", live_server.url)

    namespace = run_blocks(README)
    namespace["client"].close()  # the sample, like a script, leaves it open
    out = capsys.readouterr().out.splitlines()

    assert len(python_blocks(README)) == 2
    assert out == [
        "road-signs 2",
        "stop_sign bbox #ff0000",
        "yield bbox #ffff00",
        "0 0",
    ]
    assert namespace["result"].name == "road-signs"
