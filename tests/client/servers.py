"""Loopback servers that misbehave on purpose, for faults MockTransport cannot fake."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "DROP",
    "RESET",
    "DroppingProxy",
    "dropping_proxy",
    "html_502",
    "ok_json",
    "scripted_server",
    "silent_server",
]

DROP = b""
"""A reply that closes the connection after reading the request, answering nothing."""

RESET = b"\x00reset"
"""A reply that resets the connection (TCP RST) after reading the request."""


def _response(status: str, content_type: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
        "X-Request-Id: req_loopback\r\n\r\n"
    )
    return head.encode("ascii") + body


def html_502() -> bytes:
    body = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
    return _response("502 Bad Gateway", "text/html", body)


def ok_json(body: bytes) -> bytes:
    return _response("200 OK", "application/json", body)


def _read_request(connection: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += connection.recv(65536)


@contextmanager
def _serve(on_connection: Callable[[socket.socket], None]) -> Iterator[str]:
    """Accept connections on a loopback port in a thread; yields the URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            on_connection(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers; yields its URL."""
    held: list[socket.socket] = []
    try:
        with _serve(held.append) as url:
            yield url
    finally:
        for connection in held:
            connection.close()


@contextmanager
def scripted_server(*replies: bytes) -> Iterator[str]:
    """A server answering the n-th connection with the n-th raw reply (the last
    one repeats); ``DROP`` closes without a word. Yields its URL."""
    served = 0

    def answer(connection: socket.socket) -> None:
        nonlocal served
        with connection:
            _read_request(connection)
            reply = replies[min(served, len(replies) - 1)]
            served += 1
            if reply == RESET:
                # Linger on, timeout zero: close() sends RST instead of FIN.
                linger = struct.pack("ii", 1, 0)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            elif reply:
                connection.sendall(reply)

    with _serve(answer) as url:
        yield url


@dataclass
class DroppingProxy:
    """What a ``dropping_proxy`` saw: the raw requests it forwarded, and the
    responses it passed on or (the first POST's) swallowed."""

    url: str = ""
    requests: list[bytes] = field(default_factory=list)
    responses: list[bytes] = field(default_factory=list)
    swallowed: list[bytes] = field(default_factory=list)
    armed: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)


def _relay_requests(
    client: socket.socket,
    upstream: socket.socket,
    proxy: DroppingProxy,
    drop: threading.Event,
) -> None:
    with contextlib.suppress(OSError):
        while data := client.recv(65536):
            with proxy.lock:
                proxy.requests.append(data)
                if data.startswith(b"POST ") and proxy.armed:
                    proxy.armed = False
                    drop.set()
            upstream.sendall(data)


def _relay_responses(
    client: socket.socket,
    upstream: socket.socket,
    proxy: DroppingProxy,
    drop: threading.Event,
) -> None:
    with contextlib.suppress(OSError):
        while data := upstream.recv(65536):
            if drop.is_set():
                # The server has committed and answered: lose the answer.
                proxy.swallowed.append(data)
                return
            proxy.responses.append(data)
            client.sendall(data)


@contextmanager
def dropping_proxy(upstream_url: str) -> Iterator[DroppingProxy]:
    """A TCP proxy to *upstream_url* that forwards the first POST, waits for
    the server's answer, and then closes the client's connection instead of
    relaying it: a response lost after the server committed."""
    target = urlsplit(upstream_url)
    address = (target.hostname or "127.0.0.1", target.port or 80)
    proxy = DroppingProxy()
    sockets: list[socket.socket] = []

    def handle(client: socket.socket) -> None:
        upstream = socket.create_connection(address)
        sockets.extend((client, upstream))
        drop = threading.Event()
        threading.Thread(
            target=_relay_requests,
            args=(client, upstream, proxy, drop),
            daemon=True,
        ).start()
        _relay_responses(client, upstream, proxy, drop)
        for end in (client, upstream):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def on_connection(client: socket.socket) -> None:
        threading.Thread(target=handle, args=(client,), daemon=True).start()

    try:
        with _serve(on_connection) as url:
            proxy.url = url
            yield proxy
    finally:
        for end in sockets:
            end.close()
