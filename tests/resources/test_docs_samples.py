"""The samples of the project's own API reference run as written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .samples import python_blocks, run_blocks

if TYPE_CHECKING:
    from tests.conftest import LiveServer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api"


@pytest.fixture
def reader_env(
    live_server: LiveServer, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment a reader of the docs sets, with a fresh organisation."""
    monkeypatch.setenv("PICTOGRAPH_API_KEY", api_key)
    monkeypatch.setenv("PICTOGRAPH_BASE_URL", live_server.url)


@pytest.mark.usefixtures("reader_env")
def test_the_projects_page_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "projects.md")
    out = capsys.readouterr().out

    assert len(python_blocks(DOCS / "projects.md")) >= 8
    assert "name - 'bad/name' must not contain '/'." in out
    assert "classes[1].name - 'CAR' duplicates classes[0].name" in out
    assert "classes[1].type - 'polygon' is not among" in out
    assert "409 conflict" in out
    assert "404 True" in out
    assert "prefetched True" in out
    assert "changed since it was read" in out


@pytest.mark.usefixtures("reader_env")
def test_the_datasets_page_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "datasets.md")
    out = capsys.readouterr().out.splitlines()

    assert out[:2] == ["['lanes', 'pedestrians'] True", "['signs'] False"]
    assert out[-1] == "0"
