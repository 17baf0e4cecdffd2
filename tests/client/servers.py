"""Loopback servers that misbehave on purpose, for faults MockTransport cannot fake."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["DROP", "html_502", "ok_json", "scripted_server", "silent_server"]

DROP = b""
"""A reply that closes the connection after reading the request, answering nothing."""


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
            if reply:
                connection.sendall(reply)

    with _serve(answer) as url:
        yield url
