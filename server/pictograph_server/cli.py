"""The ``pictograph-server`` command: serve, create keys, seed projects.

Errors are one line, ``pictograph-server: error: <message>``, on stderr, with
an exit code per kind of failure (``ExitCode``); never a traceback.
"""

from __future__ import annotations

import enum
import logging
import math
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from pictograph._rules import check_name
from pictograph_server import admin
from pictograph_server.auth import ROLES
from pictograph_server.storage import DEFAULT_BUSY_TIMEOUT, BlobsDirError

__all__ = ["ExitCode", "cli", "main"]

PROG = "pictograph-server"


class ExitCode(enum.IntEnum):
    """What the command's exit status means."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NOT_FOUND = 3
    STORAGE = 4
    ADDRESS = 5
    INTERRUPTED = 130


class CliError(Exception):
    """A failure to report in one line with its exit code."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _fail(message: str, code: ExitCode) -> NoReturn:
    click.echo(f"{PROG}: error: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """A group whose errors are one line on stderr with a distinct exit code."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        try:
            result = super().main(
                args, PROG, complete_var, standalone_mode=False, **extra
            )
        except click.UsageError as exc:
            hint = f" (see '{PROG} --help')"
            _fail(exc.format_message() + hint, ExitCode.USAGE)
        except CliError as exc:
            _fail(exc.message, exc.code)
        except click.ClickException as exc:
            _fail(exc.format_message(), ExitCode.FAILURE)
        except (click.Abort, KeyboardInterrupt):
            _fail("interrupted.", ExitCode.INTERRUPTED)
        sys.exit(result if isinstance(result, int) else ExitCode.OK)


class _Path(click.Path):
    """A path option that refuses the empty string (``Path("")`` is ``.``)."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        if isinstance(value, str) and not value:
            self.fail("the path is empty.", param, ctx)
        return super().convert(value, param, ctx)


_db_option = click.option(
    "--db",
    "db_path",
    type=_Path(dir_okay=False, path_type=Path),
    default=Path("pictograph.db"),
    show_default=True,
    help="The SQLite database (created if missing).",
)
_blobs_option = click.option(
    "--blobs",
    "blobs_dir",
    type=_Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder holding stored image bytes (created if missing). The "
    "database remembers the folder of its first serve or seed and refuses "
    "another [default: that folder, else ./pictograph-blobs].",
)


class _Finite(click.FloatRange):
    """A FloatRange that also refuses nan, which every range check lets by."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail("nan is not a number.", param, ctx)
        return number


def _check_host(ctx: click.Context, param: click.Parameter, value: str) -> str:
    # An empty host makes the socket listen on every interface: say so instead.
    if not value.strip():
        raise click.BadParameter(
            "must not be empty; give 0.0.0.0 to listen on every interface."
        )
    return value


def _blobs_error(exc: BlobsDirError) -> CliError:
    return CliError(
        f"{exc} Leave out --blobs to use it; image files must stay where the "
        "database put them, or deletes would leave them behind.",
        ExitCode.USAGE,
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """The Pictograph reference server: the projects API on SQLite, for local use.

    Not the production platform. Start with `pictograph-server serve`.
    """


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=_check_host,
    help="Address to bind.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to bind; 0 picks a free one.",
)
@_db_option
@_blobs_option
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=None,
    help="Requests per second allowed per API key; over it, 429 with Retry-After.",
)
@click.option(
    "--latency",
    type=_Finite(min=0, max=60_000),
    default=0,
    help="Milliseconds to wait before answering each request, as a distant "
    "server would: for trying timeouts and concurrency [default: 0].",
    metavar="MS",
)
@click.option(
    "--busy-timeout",
    type=_Finite(min=0, max=3600),
    default=DEFAULT_BUSY_TIMEOUT,
    show_default=True,
    help="Seconds a write waits while another process (a seed) holds the "
    "database's write lock; then it is answered 503 with Retry-After.",
    metavar="SECONDS",
)
@click.option(
    "--bootstrap-key-file",
    type=_Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where the first-start owner key is written "
    "[default: the database path + '.admin-key'].",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
)
@click.option("--access-log/--no-access-log", default=False, show_default=True)
def serve(
    host: str,
    port: int,
    db_path: Path,
    blobs_dir: Path | None,
    rate_limit: int | None,
    latency: float,
    busy_timeout: float,
    bootstrap_key_file: Path | None,
    log_level: str,
    access_log: bool,
) -> None:
    """Serve the API until Ctrl-C or SIGTERM.

    The first line on stdout is the URL the server listens on, printed once it
    accepts connections. The spec is at /openapi.yaml and a page about it at
    /docs.

    First start: when the database holds no API key, an `owner` key for the
    organisation `local` is created and written (alone, mode 0600) to
    --bootstrap-key-file, by default the database path plus `.admin-key`;
    stderr names the file, never the key. That file must not exist yet: an
    existing one is never overwritten, and the server refuses to start. Use
    it with:

        export PICTOGRAPH_API_KEY=$(cat pictograph.db.admin-key)

    More keys: `pictograph-server keys create --org local --role admin`.
    """
    from pictograph_server.app import create_app
    from pictograph_server.runner import bind, run

    logging.basicConfig(
        level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    key_file = bootstrap_key_file or db_path.with_name(db_path.name + ".admin-key")
    # Bind first: a server that cannot listen leaves no database, key or folder.
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise CliError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}", ExitCode.ADDRESS
        ) from exc
    try:
        app = create_app(
            db_path,
            blobs_dir,
            rate_limit=rate_limit,
            latency=latency / 1000,
            busy_timeout=busy_timeout,
        )
    except BlobsDirError as exc:
        sock.close()
        raise _blobs_error(exc) from exc
    except (sqlite3.Error, OSError) as exc:
        sock.close()
        raise CliError(
            f"cannot open the database or folders: {exc}", ExitCode.STORAGE
        ) from exc
    try:
        created = admin.bootstrap_key(app.state.pictograph.db, key_file)
    except FileExistsError as exc:
        app.state.pictograph.db.close()
        sock.close()
        raise CliError(
            f"the bootstrap key file {str(key_file)!r} already exists; it is "
            "never overwritten: remove it or give another --bootstrap-key-file.",
            ExitCode.FAILURE,
        ) from exc
    except (sqlite3.Error, OSError) as exc:
        app.state.pictograph.db.close()
        sock.close()
        raise CliError(
            f"cannot write the bootstrap key file: {exc}", ExitCode.STORAGE
        ) from exc
    if created:
        click.echo(
            f"{PROG}: created an owner API key for organisation "
            f"'{admin.BOOTSTRAP_ORG}' in {key_file}",
            err=True,
        )

    def ready(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()

    run(app, sock, on_ready=ready, log_level=log_level, access_log=access_log)


@cli.group()
def keys() -> None:
    """Manage API keys."""


@keys.command("create")
@_db_option
@click.option("--org", required=True, help="The organisation (created if new).")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The key's role.")
def keys_create(db_path: Path, org: str, role: str) -> None:
    """Create an API key and print it, alone, on stdout (shown only this once)."""
    # An organisation's name follows the rules of a project's (CONTRACT 4).
    if errors := check_name(org, "--org"):
        raise click.BadParameter(
            " ".join(error.message for error in errors), param_hint="'--org'"
        )
    try:
        key = admin.create_key(db_path, org, role)
    except (sqlite3.Error, OSError) as exc:
        raise CliError(
            f"cannot use the database {str(db_path)!r}: {exc}", ExitCode.STORAGE
        ) from exc
    click.echo(key)


_F = TypeVar("_F", bound=Callable[..., Any])


def _seed_count(flag: str, what: str, help: str | None = None) -> Callable[[_F], _F]:
    """A count option of ``seed``, from 0 to what one seed adds of ``what``."""
    return click.option(
        flag,
        type=click.IntRange(0, admin.SEED_LIMITS[what]),
        default=0,
        show_default=True,
        help=help,
    )


@cli.command()
@_db_option
@_blobs_option
@click.option("--org", required=True, help="The project's organisation.")
@click.argument("project")
@_seed_count("--images", "images")
@_seed_count(
    "--annotations-per-image",
    "annotations",
    help=f"At most {admin.SEED_LIMITS['annotations']:,} annotations in all.",
)
@_seed_count("--exports", "exports")
@_seed_count("--models", "models")
def seed(
    db_path: Path,
    blobs_dir: Path | None,
    org: str,
    project: str,
    images: int,
    annotations_per_image: int,
    exports: int,
    models: int,
) -> None:
    """Fill an existing PROJECT with images, annotations, exports and models.

    Images get small stored files under --blobs; annotations cycle through the
    project's classes. Prints what was added. The database must exist already
    (the server's first start or `keys create` makes it).
    """
    if not (images or exports or models):
        raise click.UsageError("nothing to add: give --images, --exports or --models.")
    try:
        counts = admin.seed_project(
            db_path,
            blobs_dir,
            org,
            project,
            images=images,
            annotations_per_image=annotations_per_image,
            exports=exports,
            models=models,
        )
    except admin.SeedError as exc:
        raise CliError(str(exc), ExitCode.NOT_FOUND) from exc
    except BlobsDirError as exc:
        raise _blobs_error(exc) from exc
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    except (sqlite3.Error, OSError) as exc:
        raise CliError(
            f"cannot use the database or folders: {exc}", ExitCode.STORAGE
        ) from exc
    click.echo(
        ", ".join(f"{count} {what}" for what, count in counts.items()) + " added."
    )


def main() -> NoReturn:
    """Run the command line (the ``pictograph-server`` entry point)."""
    cli.main()
