"""The ``pictograph-server`` command, in-process: exit codes, stdout, stderr."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pictograph_server.auth import authenticate
from pictograph_server.cli import ExitCode, cli
from pictograph_server.storage import Database

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
        ["serve", "--port", "70000"],
        ["serve", "--rate-limit", "0"],
        ["seed", "--org", "acme", "p", "--images", "-1"],
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
        "seed", "--db", db, "--blobs", str(tmp_path / "b"), "--org", "acme", "nope"
    )

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


def test_first_start_writes_an_owner_key_file(tmp_path: Path) -> None:
    """The bootstrap key goes to a 0600 file that stderr names; never on stdout."""
    db_path = tmp_path / "p.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        first = run(
            "serve", "--port", port, "--db", str(db_path), "--blobs", str(tmp_path)
        )
        second = run(
            "serve", "--port", port, "--db", str(db_path), "--blobs", str(tmp_path)
        )

    key_file = tmp_path / "p.db.admin-key"
    key = key_file.read_text().strip()
    assert key.startswith("pk_test_")
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert str(key_file) in first[2]
    assert key not in first[1] + first[2]
    assert "created an owner API key" not in second[2]


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


def test_help_lists_the_commands() -> None:
    """``--help`` works and exits 0."""
    code, out, _ = run("--help")

    assert code == 0
    assert "serve" in out
    assert "keys" in out
    assert "seed" in out


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
