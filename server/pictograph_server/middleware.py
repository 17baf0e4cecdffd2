"""The outermost layer: request ids, encoded slashes, and the last-resort 500."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pictograph_server.errors import ApiError, render_error

__all__ = ["LatencyMiddleware", "RequestContextMiddleware"]

logger = logging.getLogger(__name__)

# A client's own request id is echoed only if it is short and plain, so it is
# safe in a header and in a log line.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _SANE_REQUEST_ID.fullmatch(text):
                return text
            break
    return "req_" + secrets.token_hex(8)


class RequestContextMiddleware:
    """Gives every response an ``X-Request-Id`` and turns crashes into a 500.

    It also answers a path with an encoded slash (``%2F``) with a 404 before
    routing: the ASGI server has already decoded it into a real ``/``, which
    would otherwise address a different path (CONTRACT section 2).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode("ascii"))
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        raw_path: bytes = scope.get("raw_path") or b""
        try:
            if b"%2f" in raw_path.lower():
                raise ApiError(
                    404,
                    "No such path: an encoded slash (%2F) is never part of a name.",
                )
            await self.app(scope, receive, send_with_id)
        except ApiError as error:
            await render_error(error)(scope, receive, send_with_id)
        except ClientDisconnect:
            # The client went away mid-request: nobody to answer, nothing failed.
            logger.info("request %s: the client disconnected", request_id)
        except Exception:
            # The client learns only the request id; the log has the rest.
            logger.exception("request %s failed", request_id)
            if not started:
                failure = ApiError(500, "The server failed to handle the request.")
                await render_error(failure)(scope, receive, send_with_id)


class LatencyMiddleware:
    """Waits ``seconds`` before handling each request, as a distant server's
    round trip would; the event loop serves other requests meanwhile."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)
