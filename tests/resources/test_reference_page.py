"""Every sample of the reference page runs unchanged against the reference server.

The page is ``../shared/seed/projects.md``; ``reference_projects.txt`` beside
this file is a verbatim copy, so the suite runs where the shared folder is
absent, and a test fails when the two drift apart (``.txt``, because
``ruff format`` rewrites the code blocks of ``.md`` files). Only setup is added around
the samples: the environment a new user would set, the ``my-dataset`` project
the page assumes, and images in it so the delete counts are real.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pictograph import ProjectClass

from .samples import python_blocks, run_blocks

if TYPE_CHECKING:
    from tests.conftest import LiveServer

HERE = Path(__file__).resolve().parent
COPY = HERE / "reference_projects.txt"
SHARED = HERE.parents[2] / "shared" / "seed" / "projects.md"


@pytest.mark.skipif(not SHARED.exists(), reason="no ../shared/seed/projects.md")
def test_the_copy_is_the_reference_page_verbatim() -> None:
    assert COPY.read_bytes() == SHARED.read_bytes()


def test_the_page_has_the_samples_we_expect() -> None:
    blocks = python_blocks(COPY)

    assert len(blocks) == 7
    assert blocks[0].startswith("from pictograph import Client\nclient = Client()")


def test_every_sample_runs_in_order(
    live_server: LiveServer,
    api_key: str,
    org: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PICTOGRAPH_API_KEY", api_key)
    monkeypatch.setenv("PICTOGRAPH_BASE_URL", live_server.url)
    _create_my_dataset(live_server, api_key)
    live_server.seed(org, "my-dataset", images=3, annotations_per_image=2, exports=1)

    namespace = run_blocks(COPY)
    client = namespace["client"]
    remaining = [p.name for p in client.projects.iter()]
    client.close()

    assert [p.name for p in namespace["projects"]] == ["my-dataset"]
    assert [c.name for c in namespace["project"].classes] == ["stop_sign", "yield"]
    assert namespace["project"].description == "Road sign detection training set"
    result = namespace["result"]
    assert result["images_deleted"] == result.images_deleted == 3
    assert 0 < result["annotations_deleted"] <= 6  # 'merge' took some with it
    assert result.exports_deleted == 1
    assert remaining == ["new-dataset"]
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "my-dataset 3"
    assert "stop_sign bbox #ff0000" in printed
    assert printed[-1] == f"3 {result.annotations_deleted}"


def _create_my_dataset(live_server: LiveServer, api_key: str) -> None:
    from pictograph import Client

    with Client(api_key, base_url=live_server.url) as client:
        client.projects.create(
            "my-dataset",
            classes=[
                ProjectClass("stop_sign", "bbox", "#ff0000"),
                ProjectClass("yield", "bbox", "#ffff00"),
                ProjectClass("merge", "bbox", "#ff8800"),
            ],
        )
