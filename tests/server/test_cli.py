"""The ``pictograph-server`` command, in-process: exit codes, stdout, stderr."""

from __future__ import annotations

import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from click.testing import CliRunner

from pictograph_server.auth import authenticate
from pictograph_server.cli import ExitCode, cli
from pictograph_server.storage import Database

if TYPE_CHECKING:
    from tests.conftest import LiveServer

ERROR_PREFIX = "pictograph-server: error: "


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("role", ["owner", "admin", "member", "annotator", "viewer"])
def test_keys_create_prints_a_working_key_alone(tmp_path: Path, role: str) -> None:
    """The key is the only thing on stdout, and it authenticates with its role."""
    db_path = tmp_path / "p.db"

    code, out, err = run(
        "keys", "create", "--db", str(db_path), "--org", "acme", "--role", role
    )

    assert (code, err) == (0, "")
    key = out.strip()
    assert out == key + "\n"
    assert key.startswith("pk_test_")
    db = Database(db_path)
    try:
        assert authenticate(db.reader, key).role == role
        stored = db.reader.execute("SELECT key_hash FROM api_keys").fetchone()[0]
        assert key.encode() not in bytes(stored)
    finally:
        db.close()


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "create", "--org", "acme", "--role", "boss"],
        ["keys", "create", "--role", "owner"],
        ["keys", "create", "--org", " ", "--role", "owner"],
        ["keys", "create", "--org", "a/b", "--role", "owner"],
        ["keys", "create", "--org", "acme\x07", "--role", "owner"],
        ["serve", "--port", "70000"],
        ["serve", "--rate-limit", "0"],
        ["serve", "--latency", "-5"],
        ["serve", "--latency", "nan"],
        ["serve", "--busy-timeout", "nan"],
        ["serve", "--host", ""],
        ["serve", "--latency", "soon"],
        ["seed", "--org", "acme", "p", "--images", "-1"],
        ["seed", "--org", "acme", "p", "--images", "100001"],
        ["seed", "--org", "acme", "p", "--exports", "9223372036854775808"],
        [
            "seed",
            "--org",
            "acme",
            "p",
            "--images",
            "10",
            "--annotations-per-image",
            "200000",
        ],
        ["serve", "--busy-timeout", "-1"],
        ["launch"],
        ["serve", "--no-such-option"],
    ],
)
def test_bad_input_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    """Bad options: exit 2 and one ``pictograph-server: error:`` line."""
    code, _, err = run(*args)

    assert code == ExitCode.USAGE
    assert err.startswith(ERROR_PREFIX)
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_seed_of_a_missing_project_is_not_found(tmp_path: Path) -> None:
    """Seeding a project that does not exist: exit 3."""
    db = str(tmp_path / "p.db")
    run("keys", "create", "--db", db, "--org", "acme", "--role", "owner")

    code, _, err = run(
        "seed", "--db", db, "--blobs", str(tmp_path / "b"), "--org", "acme", "nope",
        "--images", "1",
    )  # fmt: skip

    assert code == ExitCode.NOT_FOUND
    assert err == f"{ERROR_PREFIX}No project named 'nope' in organisation 'acme'.\n"


def test_an_unusable_database_is_a_storage_error(tmp_path: Path) -> None:
    """A database path inside a file: exit 4, no traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("x")

    code, _, err = run(
        "keys", "create", "--db", str(blocker / "p.db"), "--org", "a", "--role", "owner"
    )

    assert code == ExitCode.STORAGE
    assert err.startswith(ERROR_PREFIX)


def test_serve_on_a_taken_port_is_an_address_error(tmp_path: Path) -> None:
    """A port in use: exit 5."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        code, out, err = run(
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "p.db"),
            "--blobs",
            str(tmp_path / "b"),
        )

    assert code == ExitCode.ADDRESS
    assert out == ""
    assert err.splitlines()[-1].startswith(
        f"{ERROR_PREFIX}cannot listen on 127.0.0.1:{port}"
    )
    assert list(tmp_path.iterdir()) == []  # no database, key file or blobs folder


def test_first_start_writes_an_owner_key_file(
    tmp_path: Path, launch: Callable[..., LiveServer]
) -> None:
    """The bootstrap key goes to a 0600 file that stderr names; never on stdout."""
    first = launch(tmp_path)
    first.process.send_signal(signal.SIGTERM)
    first_out, _ = first.process.communicate(timeout=15)
    first_err = (tmp_path / "server.log").read_text()
    second = launch(tmp_path)
    second.stop()
    second_err = (tmp_path / "server.log").read_text()

    key_file = tmp_path / "admin-key"
    key = key_file.read_text().strip()
    assert key.startswith("pk_test_")
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert f"created an owner API key for organisation 'local' in {key_file}" in (
        first_err
    )
    assert key not in first_out + first_err + second_err
    assert "created an owner API key" not in second_err


def test_seed_fills_a_project(tmp_path: Path) -> None:
    """Seeding reports what it added."""
    from pictograph_server import admin

    db = tmp_path / "p.db"
    admin.create_key(db, "acme")
    database = Database(db)
    with database.transaction() as conn:
        from pictograph_server.projects import create_project

        create_project(
            conn, 1, {"name": "P", "classes": [{"name": "c", "type": "bbox"}]}
        )
    database.close()

    code, out, _ = run(
        "seed", "--db", str(db), "--blobs", str(tmp_path / "b"), "--org", "acme",
        "p", "--images", "3", "--annotations-per-image", "2", "--exports", "1",
        "--models", "1",
    )  # fmt: skip

    assert code == 0
    assert out == "3 images, 6 annotations, 1 exports, 1 models added.\n"
    assert len(list((tmp_path / "b").rglob("*.bin"))) == 3


def test_an_interrupted_seed_leaves_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C mid-seed rolls the rows back and removes the files written."""
    from pictograph._rules import name_key
    from pictograph_server import admin

    db = tmp_path / "p.db"
    admin.create_key(db, "acme")
    _project_with_a_class(db)
    calls = 0

    def interrupt_later(name: str) -> str:
        nonlocal calls
        calls += 1
        if calls > 20:  # the lookup, then one annotation an image
            raise KeyboardInterrupt
        return name_key(name)

    monkeypatch.setattr(admin, "name_key", interrupt_later)

    with pytest.raises(KeyboardInterrupt):
        admin.seed_project(
            db, tmp_path / "b", "acme", "P", images=50, annotations_per_image=1
        )

    assert list((tmp_path / "b").rglob("*.bin")) == []
    check = Database(db)
    assert check.reader.execute("SELECT COUNT(*) FROM images").fetchone()[0] == 0
    check.close()


def test_help_lists_the_commands() -> None:
    """``--help`` works and exits 0."""
    code, out, _ = run("--help")

    assert code == 0
    assert "serve" in out
    assert "keys" in out
    assert "seed" in out


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``serve`` runs its storage steps and says it is ready, then returns
    instead of serving; the list gets the URL it would have served on."""
    from pictograph_server import runner

    urls: list[str] = []

    def run(
        app: object,
        sock: socket.socket,
        *,
        on_ready: Callable[[str], None],
        **_: object,
    ) -> None:
        host, port = sock.getsockname()[:2]
        urls.append(f"http://{host}:{port}")
        sock.close()
        on_ready(urls[-1])

    monkeypatch.setattr(runner, "run", run)
    return urls


def test_an_existing_bootstrap_key_file_is_never_overwritten(tmp_path: Path) -> None:
    """A key file that exists (say, world-readable) is refused and left as it is."""
    key_file = tmp_path / "key"
    key_file.write_text("mine\n")
    key_file.chmod(0o644)

    code, out, err = run(
        "serve", "--port", "0",
        "--db", str(tmp_path / "p.db"), "--blobs", str(tmp_path / "b"),
        "--bootstrap-key-file", str(key_file),
    )  # fmt: skip

    assert (code, out) == (ExitCode.FAILURE, "")
    assert err == (
        f"{ERROR_PREFIX}the bootstrap key file {str(key_file)!r} already exists; "
        "it is never overwritten: remove it or give another --bootstrap-key-file.\n"
    )
    assert key_file.read_text() == "mine\n"
    assert key_file.stat().st_mode & 0o777 == 0o644
    db = Database(tmp_path / "p.db")
    try:
        assert db.reader.execute("SELECT count(*) FROM api_keys").fetchone()[0] == 0
    finally:
        db.close()


def test_without_the_server_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console script exists without the extra: one line, exit 1, no traceback."""
    from pictograph_server import __main__ as entry_point

    monkeypatch.delitem(sys.modules, "pictograph_server.cli")
    monkeypatch.setitem(sys.modules, "click", None)

    with pytest.raises(SystemExit) as exited:
        entry_point.main()

    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"{ERROR_PREFIX}the reference server needs the 'server' extra: "
        'pip install "/path/to/checkout[server]"\n'
    )


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "create", "--db", "", "--org", "a", "--role", "owner"],
        ["seed", "--db", "", "--org", "a", "p", "--images", "1"],
        ["serve", "--blobs", ""],
        ["serve", "--bootstrap-key-file", ""],
    ],
)
def test_an_empty_path_is_a_usage_error(args: list[str]) -> None:
    """``--db ""`` says the path is empty, not ``cannot use the database '.'``."""
    code, _, err = run(*args)

    assert code == ExitCode.USAGE
    assert err.startswith(f"{ERROR_PREFIX}Invalid value for '--")
    assert "the path is empty." in err


def test_seed_without_a_database_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No database, no folder, no key file: exit 3 and a hint."""
    monkeypatch.chdir(tmp_path)

    code, out, err = run("seed", "--db", "p.db", "--org", "a", "p", "--images", "1")

    assert (code, out) == (ExitCode.NOT_FOUND, "")
    assert err == (
        f"{ERROR_PREFIX}no database at 'p.db'; "
        "start the server once or create a key first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_seed_with_nothing_to_add_is_a_usage_error(tmp_path: Path) -> None:
    """No images, exports or models: exit 2 before the database is opened."""
    code, _, err = run(
        "seed", "--db", str(tmp_path / "p.db"), "--org", "a", "p",
        "--annotations-per-image", "3",
    )  # fmt: skip

    assert code == ExitCode.USAGE
    assert err.startswith(
        f"{ERROR_PREFIX}nothing to add: give --images, --exports or --models."
    )
    assert list(tmp_path.iterdir()) == []


def _project_with_a_class(db_path: Path) -> None:
    from pictograph_server.projects import create_project

    database = Database(db_path)
    try:
        with database.transaction() as conn:
            create_project(
                conn, 1, {"name": "P", "classes": [{"name": "c", "type": "bbox"}]}
            )
    finally:
        database.close()


def test_the_database_remembers_its_blobs_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_serving: list[str]
) -> None:
    """``seed`` follows ``serve``'s --blobs; another folder is refused."""
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "p.db")
    served = run("serve", "--port", "0", "--db", db, "--blobs", "dev-blobs")
    _project_with_a_class(tmp_path / "p.db")

    seeded = run("seed", "--db", db, "--org", "local", "p", "--images", "2")
    refused = run(
        "seed", "--db", db, "--blobs", "other", "--org", "local", "p", "--images", "1"
    )

    assert served[:2] == (0, no_serving[0] + "\n")
    assert seeded[:2] == (0, "2 images, 0 annotations, 0 exports, 0 models added.\n")
    assert len(list((tmp_path / "dev-blobs").rglob("*.bin"))) == 2
    assert refused[0] == ExitCode.USAGE
    assert refused[2] == (
        f"{ERROR_PREFIX}The database keeps its image files in "
        f"{str(tmp_path.resolve() / 'dev-blobs')!r}, not 'other'. Leave out --blobs "
        "to use it; image files must stay where the database put them, or deletes "
        "would leave them behind.\n"
    )
    assert not (tmp_path / "other").exists()


def test_a_blobs_folder_that_cannot_be_made_is_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_serving: list[str]
) -> None:
    """A file in the way fails the start, and the next start may pick again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    db = str(tmp_path / "p.db")

    failed = run("serve", "--port", "0", "--db", db, "--blobs", "afile/sub")
    served = run("serve", "--port", "0", "--db", db, "--blobs", "good")

    assert failed[0] == ExitCode.STORAGE
    assert served[:2] == (0, no_serving[0] + "\n")
    assert (tmp_path / "good").is_dir()


def test_a_delete_removes_what_seed_stored_without_blobs(
    live_server: LiveServer,
    api: httpx.Client,
    org: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seeding a served database elsewhere leaves no orphans after a delete."""
    monkeypatch.chdir(tmp_path)
    response = api.post("/projects", json={"name": "seeded"})
    project_id = response.json()["data"]["id"]

    code, _, _ = run(
        "seed", "--db", str(live_server.db_path), "--org", org, "seeded",
        "--images", "2",
    )  # fmt: skip
    stored = list((live_server.blobs_dir / project_id).iterdir())
    deleted = api.delete("/projects/seeded")

    assert code == 0
    assert len(stored) == 2
    assert deleted.json()["data"]["images_deleted"] == 2
    assert not (live_server.blobs_dir / project_id).exists()
    assert list(tmp_path.iterdir()) == []


def test_latency_delays_each_answer(start_server: Callable[..., LiveServer]) -> None:
    """``--latency 200``: no answer sooner than 200 ms after its request."""
    server = start_server("--latency", "200")
    started = time.monotonic()

    response = httpx.get(server.url + "/openapi.yaml")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_the_access_log_goes_to_stderr(
    tmp_path: Path, launch: Callable[..., LiveServer]
) -> None:
    """stdout holds the URL line alone, with --access-log too."""
    server = launch(tmp_path, "--access-log")
    httpx.get(server.url + "/openapi.yaml")
    server.process.send_signal(signal.SIGTERM)
    rest_of_stdout, _ = server.process.communicate(timeout=15)

    assert rest_of_stdout == ""
    assert '"GET /openapi.yaml HTTP/1.1" 200' in (tmp_path / "server.log").read_text()
