"""``/openapi.yaml`` and a self-contained ``/docs`` page, outside the API.

They are no operations of the spec (they document it), need no key, and are
left out of the startup check that pairs routes with operations.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from pictograph_server.spec import SPEC_PATH, Spec

__all__ = ["docs_routes"]

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60em; margin: 2em auto;
       padding: 0 1em; color: #222; }
code, pre { font: 13px ui-monospace, monospace; background: #f4f4f4; }
.op { border-top: 1px solid #ddd; padding: .5em 0; }
.method { font-weight: bold; display: inline-block; width: 5em; }
"""


def _page(spec: Spec) -> str:
    info: dict[str, Any] = spec.document["info"]
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(info['title'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(info['title'])} <small>{esc(info['version'])}</small></h1>",
        "<p>The machine-readable spec: <a href='/openapi.yaml'>openapi.yaml</a>.</p>",
        f"<pre>{esc(info.get('description', ''))}</pre>",
    ]
    for path, item in spec.document["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            statuses = ", ".join(str(status) for status in op.get("responses", {}))
            parts += [
                "<div class='op'>",
                f"<span class='method'>{esc(method.upper())}</span>",
                f"<code>{esc(path)}</code> <b>{esc(op.get('summary', ''))}</b>",
                f" <small>({esc(op['operationId'])})</small>",
                f"<p>{esc(op.get('description', ''))}</p>",
                f"<p>Statuses: {esc(statuses)}</p></div>",
            ]
    parts.append("</body></html>")
    return "".join(parts)


def docs_routes(spec: Spec) -> list[Route]:
    """The routes serving the spec and its page, both built once."""
    page = _page(spec)
    text = SPEC_PATH.read_bytes()

    async def docs(request: Request) -> Response:
        return HTMLResponse(page)

    async def openapi(request: Request) -> Response:
        return Response(text, media_type="application/yaml")

    return [
        Route("/docs", docs, methods=["GET"]),
        Route("/openapi.yaml", openapi, methods=["GET"]),
    ]
