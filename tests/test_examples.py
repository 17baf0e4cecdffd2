"""The scripts in examples/ and scripts/demo, run as a user runs them."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pictograph import Client, ProjectClass

if TYPE_CHECKING:
    from tests.conftest import LiveServer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run_example(
    name: str, *args: str, server: LiveServer, key: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PICTOGRAPH_API_KEY": key,
        "PICTOGRAPH_BASE_URL": server.url,
    }
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def client(live_server: LiveServer, api_key: str) -> Iterator[Client]:
    with Client(api_key, base_url=live_server.url) as client:
        yield client


def test_bulk_cleanup_lists_then_deletes_only_matching_projects(
    live_server: LiveServer, org: str, api_key: str, client: Client
) -> None:
    for name in ("tmp-a", "tmp-b", "tmp-c", "keep-me"):
        client.projects.create(name, classes=[ProjectClass("car")])
    live_server.seed(org, "tmp-a", images=3, annotations_per_image=2)

    dry = run_example("bulk_cleanup.py", "tmp-", server=live_server, key=api_key)
    real = run_example(
        "bulk_cleanup.py", "tmp-", "--delete", server=live_server, key=api_key
    )

    assert dry.returncode == 0, dry.stderr
    assert "3 projects match 'tmp-' (3 images)" in dry.stdout
    assert "dry run" in dry.stdout
    assert real.returncode == 0, real.stderr
    assert "tmp-a: 3 images, 6 annotations deleted" in real.stdout
    assert [p.name for p in client.projects.iter()] == ["keep-me"]


@pytest.mark.parametrize(
    ("script", "args", "role", "expected"),
    [
        ("bulk_cleanup.py", ["tmp-", "--delete"], "viewer", "error: Deleting"),
        ("bulk_cleanup.py", [""], "owner", "the prefix must not be empty"),
        ("safe_class_edit.py", ["missing", "car"], "owner", "error: No project"),
        ("async_overview.py", [], "unknown", "error: "),
    ],
)
def test_examples_end_in_one_error_line_not_a_traceback(
    live_server: LiveServer,
    org: str,
    client: Client,
    script: str,
    args: list[str],
    role: str,
    expected: str,
) -> None:
    client.projects.create("tmp-x")
    key = "pk_test_unknown" if role == "unknown" else live_server.create_key(org, role)

    done = run_example(script, *args, server=live_server, key=key)

    assert done.returncode != 0
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_safe_class_edit_adds_a_class_from_the_command_line(
    live_server: LiveServer, api_key: str, client: Client
) -> None:
    client.projects.create("road-signs", classes=[ProjectClass("stop_sign")])

    done = run_example(
        "safe_class_edit.py",
        "road-signs",
        "speed_limit",
        "--color",
        "#00aaff",
        server=live_server,
        key=api_key,
    )

    again = run_example(
        "safe_class_edit.py", "road-signs", "SPEED_LIMIT",
        server=live_server, key=api_key,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "road-signs is now at version 2" in done.stdout
    assert again.returncode == 0, again.stderr
    assert "already has a class 'SPEED_LIMIT'; nothing changed" in again.stdout
    project = client.projects.get("road-signs")
    assert [(c.name, c.color) for c in project.classes] == [
        ("stop_sign", project.classes[0].color),
        ("speed_limit", "#00aaff"),
    ]


def test_safe_class_edit_keeps_a_class_added_concurrently(client: Client) -> None:
    example = load_example("safe_class_edit")
    client.projects.create("signs", classes=[ProjectClass("stop_sign")])
    real_get = client.projects.get
    calls = 0

    class RacingProjects:
        """Lets someone else add a class right after our first read."""

        def __getattr__(self, name: str) -> Any:
            return getattr(client.projects, name)

        def get(self, name: str) -> Any:
            nonlocal calls
            calls += 1
            project = real_get(name)
            if calls == 1:
                client.projects.update(
                    name, classes=[*project.classes, ProjectClass("yield")]
                )
            return project

    class RacingClient:
        projects = RacingProjects()

    version = example.add_class(RacingClient(), "signs", ProjectClass("merge"))

    names = [c.name for c in client.projects.get("signs").classes]
    assert calls == 2
    assert version == 3
    assert names == ["stop_sign", "yield", "merge"]


def test_handling_errors_maps_each_error_to_its_exit_code(
    live_server: LiveServer, org: str, api_key: str
) -> None:
    viewer = live_server.create_key(org, "viewer")

    created = run_example(
        "handling_errors.py", "traffic lights", "red", "amber", "green",
        server=live_server, key=api_key,
    )  # fmt: skip
    reused = run_example(
        "handling_errors.py", "Traffic Lights", server=live_server, key=api_key
    )
    invalid = run_example(
        "handling_errors.py", "lights", "Red", "red", server=live_server, key=api_key
    )
    forbidden = run_example(
        "handling_errors.py", "other", server=live_server, key=viewer
    )
    refused = run_example(
        "handling_errors.py", "other", server=live_server, key="pk_test_nope"
    )

    assert created.returncode == 0, created.stderr
    assert "traffic lights (version 1): red, amber, green" in created.stdout
    assert reused.returncode == 0, reused.stderr
    assert "traffic lights (version 1)" in reused.stdout
    assert invalid.returncode == 2
    assert "invalid classes[1].name:" in invalid.stderr
    assert forbidden.returncode == 3
    assert "not allowed with this key's role" in forbidden.stderr
    assert refused.returncode == 3
    assert "the API key was refused" in refused.stderr
    assert "pk_test_nope" not in refused.stderr


def test_async_overview_summarises_every_project(
    live_server: LiveServer, org: str, api_key: str, client: Client
) -> None:
    client.projects.create("busy", classes=[ProjectClass("car")])
    client.projects.create("quiet", annotation_types=["polygon", "keypoint"])
    live_server.seed(org, "busy", images=2, annotations_per_image=3)

    done = run_example("async_overview.py", server=live_server, key=api_key)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["busy", "1", "classes", "6", "annotations", "bbox"]
    assert lines[1].split()[:1] == ["quiet"]
    assert lines[1].endswith("polygon/keypoint")
    assert lines[-1] == "2 projects"


def test_the_demo_runs_end_to_end() -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "demo")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for line in (
        "reference server at http://127.0.0.1:",
        "Recolour and reorder the classes: nothing is lost",
        "annotations before",
        "'merge' annotations removed",
        "PASCAL VOC",
        "every colour is stored exactly as it was written",
        "ConflictError (409, conflict)",
        "ValidationError before any request: classes[1].name",
        "ForbiddenError (403)",
        "NotFoundError (404",
        "PreconditionFailedError (412)",
        "yielded 302 projects, each once",
        "demo finished",
    ):
        assert line in out, line


def test_ctrl_c_stops_the_demo_and_its_server() -> None:
    """SIGINT to the terminal's process group, as Ctrl-C sends it, mid-walk."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    url = first.split("reference server at ")[1].split()[0]
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=60)

    assert process.returncode == 130, first + rest
    assert "interrupted; the server is stopped" in rest
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/openapi.yaml", timeout=5)
