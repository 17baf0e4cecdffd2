"""The Starlette application: one route per spec path, one handler per operation.

Each operation runs the same steps (``_Operation.__call__``): authenticate,
rate-limit, check the role, read and check parameters and body, then run the
handler, on the reader for reads or in one write transaction for changes.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pictograph._rules import FieldError, check_create, check_update
from pictograph_server import idempotency, storage
from pictograph_server.auth import Principal, RateLimiter, authenticate, require_role
from pictograph_server.cursors import decode_cursor, encode_cursor
from pictograph_server.docs import docs_routes
from pictograph_server.errors import ApiError, json_bytes, render_error
from pictograph_server.inputs import Body, check_body, read_body, read_params
from pictograph_server.middleware import LatencyMiddleware, RequestContextMiddleware
from pictograph_server.projects import (
    DeleteOutcome,
    create_project,
    dataset_json,
    delete_project,
    get_project,
    list_projects,
    project_bytes,
    project_json,
    update_project,
)
from pictograph_server.spec import OperationSpec, Spec
from pictograph_server.storage import Database, DatabaseBusyError

__all__ = ["ServerState", "create_app"]

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when another process holds the write lock.
_BUSY_RETRY_AFTER = 1


@dataclass
class ServerState:
    """What every request needs: the spec, the database, the blobs, the limiter."""

    spec: Spec
    db: Database
    blobs_dir: Path
    limiter: RateLimiter | None = None


@dataclass
class Call:
    """One checked request, as a handler sees it."""

    principal: Principal
    params: dict[str, Any]
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    """A handler's answer; ``files`` are stored files to remove after commit."""

    status: int
    data: Any
    headers: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


# Past this many bytes of items, a page ends before its `limit` (openapi.yaml,
# parameter Limit): a page's body stays near this size, however large the
# projects' class lists are.
PAGE_BYTES = 8 * 1024 * 1024


def _etag(row: sqlite3.Row) -> dict[str, str]:
    return {"ETag": f'"{row["version"]}"'}


def _page(state: ServerState, call: Call, to_bytes: Callable[[Any], bytes]) -> Reply:
    org_id = call.principal.org_id
    limit: int = call.params.get("limit", 100)
    cursor = call.params.get("cursor")
    after = (
        0 if cursor is None else decode_cursor(state.db.cursor_secret, org_id, cursor)
    )
    rows = list_projects(state.db.reader, org_id, after, limit)
    items: list[bytes] = []
    size = 0
    has_more = False
    for row in rows:
        # A page ends at `limit` items, or early once it holds PAGE_BYTES:
        # a thousand projects of 5,000 classes would make a 1 GB body.
        if len(items) == limit or size >= PAGE_BYTES:
            has_more = True
            break
        items.append(to_bytes(row))
        size += len(items[-1])
        after = row["seq"]
    rows.close()
    next_cursor = (
        encode_cursor(state.db.cursor_secret, org_id, after) if has_more else None
    )
    pagination = {"limit": limit, "has_more": has_more, "next_cursor": next_cursor}
    return Reply(
        200,
        b'{"data":['
        + b",".join(items)
        + b'],"pagination":'
        + json_bytes(pagination)
        + b"}",
    )


def _dataset_bytes(row: sqlite3.Row) -> bytes:
    return json_bytes(dataset_json(row))


# Read handlers: (state, call) -> Reply, run on the event loop with the reader;
# their data is the body's JSON bytes already.
def _list_projects(state: ServerState, call: Call) -> Reply:
    return _page(state, call, project_bytes)


def _list_datasets(state: ServerState, call: Call) -> Reply:
    return _page(state, call, _dataset_bytes)


def _get_project(state: ServerState, call: Call) -> Reply:
    row = get_project(state.db.reader, call.principal.org_id, call.params["project"])
    return Reply(200, b'{"data":' + project_bytes(row) + b"}", _etag(row))


def _get_dataset(state: ServerState, call: Call) -> Reply:
    row = get_project(state.db.reader, call.principal.org_id, call.params["dataset"])
    return Reply(200, b'{"data":' + _dataset_bytes(row) + b"}")


# Write handlers: (connection in a transaction, call) -> Reply.
def _create_project(conn: Any, call: Call) -> Reply:
    row = create_project(conn, call.principal.org_id, call.body)
    return Reply(201, {"data": project_json(row)}, _etag(row))


def _update_project(conn: Any, call: Call) -> Reply:
    row = update_project(
        conn,
        call.principal.org_id,
        call.params["project"],
        call.body,
        call.params.get("If-Match"),
    )
    return Reply(200, {"data": project_json(row)}, _etag(row))


def _delete_project(conn: Any, call: Call) -> Reply:
    outcome: DeleteOutcome = delete_project(
        conn, call.principal.org_id, call.params["project"], call.params.get("If-Match")
    )
    return Reply(200, {"data": outcome.result}, files=outcome.files)


def _no_rules(body: Mapping[str, Any]) -> list[FieldError]:
    return []


@dataclass(frozen=True)
class _Operation:
    """How one spec operation is served: who may call it and what it runs."""

    spec: OperationSpec
    role: str
    action: str
    read: Callable[[ServerState, Call], Reply] | None = None
    write: Callable[[Any, Call], Reply] | None = None
    # The body rules that need no stored state; the rest run in the handler.
    rules: Callable[[Mapping[str, Any]], list[FieldError]] = _no_rules

    async def __call__(self, state: ServerState, request: Request) -> Response:
        # RFC 9110 section 5.5: whitespace around a field value is not part of it.
        keys = [key.strip(" \t") for key in request.headers.getlist("x-api-key")]
        principal = authenticate(state.db.reader, keys)
        if state.limiter is not None:
            state.limiter.check(principal.key_id)
        require_role(principal, self.role, self.action)
        call = Call(principal, read_params(self.spec, request))
        body: Body | None = None
        if self.spec.body is not None:
            body = await read_body(request)
            call.body = check_body(self.spec, body.value, self.rules)

        if self.read is not None:
            reply = self.read(state, call)
            return Response(reply.data, reply.status, reply.headers, "application/json")
        stored = await run_in_threadpool(self._write, state, request, call, body)
        return Response(stored.body, stored.status, stored.headers, "application/json")

    def _write(
        self, state: ServerState, request: Request, call: Call, body: Body | None
    ) -> idempotency.StoredResponse:
        assert self.write is not None
        org_id = call.principal.org_id
        key: str | None = call.params.get("Idempotency-Key")
        fingerprint = idempotency.fingerprint(
            request.method, request.url.path, body.canonical if body else b""
        )
        try:
            with state.db.transaction() as conn:
                if key is not None:
                    replay = idempotency.lookup(conn, org_id, key, fingerprint)
                    if replay is not None:
                        return idempotency.StoredResponse(
                            replay.status,
                            {**replay.headers, "Idempotent-Replayed": "true"},
                            replay.body,
                        )
                if key is None:
                    reply = self.write(conn, call)
                else:
                    reply = _outcome(self.write, conn, call)
                response = idempotency.StoredResponse(
                    reply.status, reply.headers, json_bytes(reply.data)
                )
                if key is not None:
                    idempotency.store(conn, org_id, key, fingerprint, response)
        except DatabaseBusyError as exc:
            # Another process (a long `seed`) holds the write lock: nothing was
            # written, so the client may simply try again.
            logger.warning(
                "%s %s: answered 503, the database is busy: %s",
                request.method,
                request.url.path,
                exc,
            )
            raise ApiError(
                503,
                "The database is busy with another writer; nothing was changed. "
                f"Retry after {_BUSY_RETRY_AFTER} second.",
                details={"retry_after": _BUSY_RETRY_AFTER},
                headers={"Retry-After": str(_BUSY_RETRY_AFTER)},
            ) from exc
        _remove_files(state.blobs_dir, reply.files)
        return response


def _outcome(write: Callable[[Any, Call], Reply], conn: Any, call: Call) -> Reply:
    """A write's answer, its own errors included, for an idempotency key.

    An error of the operation itself (404, 409, 412, or a 422 from the
    project's state) is stored like a success, so a retry with the key gets
    the same answer (CONTRACT section 2); whatever it wrote is undone first.
    """
    conn.execute("SAVEPOINT operation")
    try:
        reply = write(conn, call)
    except ApiError as error:
        conn.execute("ROLLBACK TO operation")
        reply = Reply(error.status, error.body(), error.headers)
    conn.execute("RELEASE operation")
    return reply


def _remove_files(blobs_dir: Path, files: list[str]) -> None:
    """Remove stored files after their rows are gone; a failure is only logged."""
    folders = set()
    for name in files:
        path = blobs_dir / name
        try:
            path.unlink(missing_ok=True)
        except OSError:
            logger.warning("could not remove stored file %s", path)
        folders.add(path.parent)
    for folder in folders:
        if folder != blobs_dir and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)


def _operations(spec: Spec) -> list[_Operation]:
    ops = spec.operations
    return [
        _Operation(
            ops["listProjects"], "viewer", "Listing projects", read=_list_projects
        ),
        _Operation(ops["getProject"], "viewer", "Reading a project", read=_get_project),
        _Operation(
            ops["listDatasets"], "viewer", "Listing datasets", read=_list_datasets
        ),
        _Operation(ops["getDataset"], "viewer", "Reading a dataset", read=_get_dataset),
        _Operation(
            ops["createProject"],
            "member",
            "Creating a project",
            write=_create_project,
            rules=check_create,
        ),
        _Operation(
            ops["updateProject"],
            "member",
            "Updating a project",
            write=_update_project,
            rules=lambda body: check_update(body),
        ),
        _Operation(
            ops["deleteProject"], "admin", "Deleting a project", write=_delete_project
        ),
    ]


def _api_routes(state: ServerState) -> list[Route]:
    """One route per spec path, dispatching on method, so 405 lists every method."""
    by_path: dict[str, dict[str, _Operation]] = {}
    for op in _operations(state.spec):
        by_path.setdefault(op.spec.path, {})[op.spec.method] = op

    def route(path: str, methods: dict[str, _Operation]) -> Route:
        async def endpoint(request: Request) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            return await methods[method](state, request)

        return Route(path, endpoint, methods=list(methods), name=path)

    return [route(path, methods) for path, methods in by_path.items()]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Router errors (404, 405) and our own, in the spec's error shape."""
    if isinstance(exc, ApiError):
        return render_error(exc)
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    details: dict[str, Any] = {}
    if exc.status_code == 405:
        message = (
            f"{request.method} is not allowed here; use {headers.get('Allow', '')}."
        )
        details = {
            "method": request.method,
            "allowed": headers.get("Allow", "").split(", "),
        }
    elif exc.status_code == 404:
        # Encoded slashes never get here (RequestContextMiddleware says so).
        path = request.url.path
        if len(path) > 1 and path.endswith("/"):
            message = "No such path: paths have no trailing slash."
        else:
            message = "No such path; /openapi.yaml lists the API's paths."
    else:
        message = str(exc.detail)
    return render_error(
        ApiError(exc.status_code, message, details=details, headers=headers)
    )


def create_app(
    db_path: Path | str,
    blobs_dir: Path | str | None = None,
    *,
    rate_limit: int | None = None,
    latency: float = 0.0,
    busy_timeout: float = storage.DEFAULT_BUSY_TIMEOUT,
    spec: Spec | None = None,
) -> Starlette:
    """The server as an ASGI app over the database at ``db_path``.

    The database (and its schema) is opened here, before the app serves, and
    closed when the app shuts down. ``blobs_dir`` is the folder the database
    remembers (``storage.blobs_dir``); None uses the remembered one.
    ``latency`` seconds are waited before each request is handled; a write
    waits ``busy_timeout`` seconds for another process's lock, then is a 503.

    Raises:
        RuntimeError: the routes do not match the spec's operations.
        BlobsDirError: ``blobs_dir`` is not the folder the database remembers.
    """
    spec = spec or Spec.load()
    db = Database(db_path, busy_timeout=busy_timeout)
    try:
        with db.transaction() as conn:
            blobs = storage.blobs_dir(conn, blobs_dir)
        blobs.mkdir(parents=True, exist_ok=True)
    except BaseException:
        db.close()
        raise
    state = ServerState(
        spec=spec,
        db=db,
        blobs_dir=blobs,
        limiter=RateLimiter(rate_limit) if rate_limit else None,
    )
    api = _api_routes(state)
    spec.check_routes(
        (method, route.path)
        for route in api
        for method in (route.methods or ())
        if method != "HEAD"
    )
    routes: list[BaseRoute] = [*api, *docs_routes(spec)]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.db.close()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestContextMiddleware),
            *([Middleware(LatencyMiddleware, seconds=latency)] if latency else []),
        ],
        exception_handlers={HTTPException: _http_error, ApiError: _http_error},
        lifespan=lifespan,
    )
    # A trailing slash is a 404, never a redirect (CONTRACT section 2).
    app.router.redirect_slashes = False
    app.state.pictograph = state
    return app
