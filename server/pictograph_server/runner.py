"""Running the app under uvicorn, announcing the URL once it accepts connections."""

from __future__ import annotations

import asyncio
import copy
import logging
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
import uvicorn.config
from starlette.applications import Starlette

__all__ = ["bind", "run"]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one).

    Raises:
        OSError: the address is taken or cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio turns Nagle off (TCP_NODELAY) only on sockets
    # whose proto is IPPROTO_TCP, and with Nagle on, every small response
    # waits for the client's delayed ACK (~40 ms a request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    """The base URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def run(
    app: Starlette,
    sock: socket.socket,
    *,
    on_ready: Callable[[str], None],
    log_level: str = "warning",
    access_log: bool = False,
) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C or SIGTERM.

    ``on_ready`` is called with the URL once uvicorn has started (the socket
    accepts connections and the app's startup has run), not before.
    """
    config = uvicorn.Config(
        app,
        log_config=_log_config(),
        log_level=log_level,
        access_log=access_log,
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    if access_log:
        # uvicorn gives its access logger --log-level (warning by default),
        # which would hide every line the flag asked for.
        logging.getLogger("uvicorn.access").setLevel(logging.INFO)
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.005)
        if server.started:
            on_ready(url_of(sock))
        await task

    try:
        asyncio.run(serve())
    finally:
        sock.close()


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the access log on stderr as well: stdout carries
    only the URL line, for scripts that read it."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return config
