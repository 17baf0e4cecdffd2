"""Shared fixtures: the real reference server, over real HTTP.

Interface (other test packages rely on it; keep it stable):

``live_server`` (session scope)
    A ``LiveServer``: ``python -m pictograph_server serve --port 0`` started as
    a subprocess on a free loopback port, with a temporary database and blobs
    folder, stopped (SIGTERM) at the end of the session. Attributes ``url``
    (``http://127.0.0.1:PORT``), ``api_url`` (``url`` + ``/api/v1/developer``),
    ``db_path``, ``blobs_dir``; methods ``create_key(org, role="owner") -> str``
    and ``seed(org, project, *, images, annotations_per_image, exports=0,
    models=0)``, which write to the server's database directly.

``org`` (function scope)
    A fresh organisation name, unique per test, so tests never see each
    other's projects. The organisation exists once a key is created for it.

``api_key`` (function scope)
    An ``owner`` key for ``org``.

``launch`` (function scope)
    ``launch_server(folder, *extra_cli_args) -> LiveServer``, for a test that
    needs the server's folder (restarting on one database); the test stops it.

``start_server`` (session scope)
    A factory for servers with special options, e.g.
    ``start_server("--rate-limit", "2")``; each is stopped at the end of the
    session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pictograph_server import admin

__all__ = ["LiveServer", "launch_server"]

API_BASE = "/api/v1/developer"
_START_TIMEOUT = 30.0


@dataclass
class LiveServer:
    """A running ``pictograph-server serve`` subprocess and its storage."""

    url: str
    db_path: Path
    blobs_dir: Path
    process: subprocess.Popen[str] = field(repr=False)

    @property
    def api_url(self) -> str:
        """The base URL of the API (``url`` plus the spec's base path)."""
        return self.url + API_BASE

    def create_key(self, org: str, role: str = "owner") -> str:
        """A new API key for ``org`` (created if new) with ``role``."""
        return admin.create_key(self.db_path, org, role)

    def seed(
        self,
        org: str,
        project: str,
        *,
        images: int,
        annotations_per_image: int,
        exports: int = 0,
        models: int = 0,
    ) -> None:
        """Fill an existing project with images, annotations, exports, models."""
        admin.seed_project(
            self.db_path,
            self.blobs_dir,
            org,
            project,
            images=images,
            annotations_per_image=annotations_per_image,
            exports=exports,
            models=models,
        )

    def stop(self) -> None:
        """SIGTERM, then wait; kill only if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def launch_server(folder: Path, *extra_args: str) -> LiveServer:
    """Start a server on a free port with its storage in ``folder``.

    Returns once the server printed its URL, that is, accepts connections.
    """
    db_path = folder / "pictograph.db"
    blobs_dir = folder / "blobs"
    command = [
        sys.executable,
        "-m",
        "pictograph_server",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--db",
        str(db_path),
        "--blobs",
        str(blobs_dir),
        "--bootstrap-key-file",
        str(folder / "admin-key"),
        *extra_args,
    ]
    log = (folder / "server.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log, text=True, env=os.environ.copy()
    )
    log.close()
    assert process.stdout is not None
    first_line: list[str] = []
    reader = threading.Thread(
        target=lambda: first_line.append(process.stdout.readline()),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    reader.join(_START_TIMEOUT)
    url = first_line[0].strip() if first_line else ""
    if not url.startswith("http://"):
        process.kill()
        process.wait()
        log_text = (folder / "server.log").read_text(encoding="utf-8")
        raise RuntimeError(f"the server did not start: {url!r}\n{log_text}")
    return LiveServer(url=url, db_path=db_path, blobs_dir=blobs_dir, process=process)


@pytest.fixture(scope="session")
def start_server() -> Iterator[Callable[..., LiveServer]]:
    """A factory: ``start_server(*extra_cli_args) -> LiveServer``."""
    servers: list[LiveServer] = []
    with tempfile.TemporaryDirectory(prefix="pictograph-server-") as tmp:

        def start(*extra_args: str) -> LiveServer:
            folder = Path(tmp) / str(len(servers))
            folder.mkdir()
            server = launch_server(folder, *extra_args)
            servers.append(server)
            return server

        try:
            yield start
        finally:
            for server in servers:
                server.stop()


@pytest.fixture
def launch() -> Callable[..., LiveServer]:
    """``launch_server`` itself, for a server in a folder of the test's own;
    the test stops it."""
    return launch_server


@pytest.fixture(scope="session")
def live_server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """The session's reference server (see the module docstring)."""
    return start_server()


@pytest.fixture
def org() -> str:
    """A fresh organisation name for this test alone."""
    return f"org-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def api_key(live_server: LiveServer, org: str) -> str:
    """An ``owner`` key for ``org`` on ``live_server``."""
    return live_server.create_key(org, "owner")
