"""Every error status of CONTRACT section 2, and hostile input: never a 500."""

from __future__ import annotations

import asyncio
import base64
import http.client
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pictograph_server import admin
from pictograph_server import app as app_module
from pictograph_server.app import create_app

from .conftest import ClientFactory, create, error_of, fields_of

if TYPE_CHECKING:
    from tests.conftest import LiveServer

JSON = {"Content-Type": "application/json"}


def test_request_ids(api: httpx.Client) -> None:
    """A sane client request id is echoed; anything else is replaced."""
    echoed = api.get("/projects", headers={"X-Request-Id": "my-id.1"})
    replaced = api.get("/projects", headers={"X-Request-Id": "bad id\t" + "x" * 300})
    error = api.get("/projects/nope", headers={"X-Request-Id": "err-1"})

    assert echoed.headers["x-request-id"] == "my-id.1"
    assert replaced.headers["x-request-id"].startswith("req_")
    assert error.headers["x-request-id"] == "err-1"


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"name": "a",}',
        b"\xff\xfe{}",
        b'{"name": NaN}',
        b'{"name": "\\ud800"}',
        b"[" * 100_000 + b"]" * 100_000,
        b"",
    ],
    ids=[
        "truncated",
        "trailing-comma",
        "not-utf8",
        "nan",
        "lone-surrogate",
        "deep",
        "empty",
    ],
)
def test_bad_json_is_400(api: httpx.Client, body: bytes) -> None:
    """A body that is not JSON is a 400 ``bad_request``, on create and update."""
    create(api, "target")

    created = api.post("/projects", content=body, headers=JSON)
    patched = api.patch("/projects/target", content=body, headers=JSON)

    assert created.status_code == patched.status_code == 400
    assert error_of(created)["code"] == "bad_request"


@pytest.mark.parametrize(
    "key", [None, b"", b"pk_test_unknown", b"x" * 10_000, "pk_tést".encode()]
)
def test_missing_or_unknown_key_is_401(
    live_server: LiveServer, key: bytes | None
) -> None:
    """No key, or a key nobody issued, is a 401 ``unauthorized``."""
    headers = {} if key is None else {b"X-API-Key": key}

    response = httpx.get(f"{live_server.api_url}/projects", headers=headers)

    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_forbidden_is_403(clients: ClientFactory) -> None:
    """A viewer may not create."""
    response = clients("viewer").post("/projects", json={"name": "x"})

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


@pytest.mark.parametrize(
    "path",
    [
        "/projects/missing",
        "/projects/",
        "/projects/a%2Fb",
        "/projects/a%2fb",
        "/projects/%2E%2E",
        "/projects/..%2F..%2Fkeys",
        "/projects/a%00b",
        "/projects/%FF%FE",
        "/projects/00000000-0000-0000-0000-000000000000",
        "/nowhere",
        "/projects/x/y",
    ],
)
def test_unknown_paths_are_404_never_redirects(api: httpx.Client, path: str) -> None:
    """Missing projects, trailing and encoded slashes: 404 in the error shape."""
    create(api, "a")

    response = api.get(path, follow_redirects=False)
    assert response.status_code == 404, response.text
    assert error_of(response)["code"] == "not_found"


def test_trailing_slash_on_the_collection_is_404(api: httpx.Client) -> None:
    """``/projects/`` does not redirect to ``/projects``."""
    response = api.post("/projects/", json={"name": "x"}, follow_redirects=False)

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/projects/x", {"GET", "HEAD", "PATCH", "DELETE"}),
        ("DELETE", "/projects", {"GET", "HEAD", "POST"}),
        ("POST", "/datasets/x", {"GET", "HEAD"}),
    ],
)
def test_wrong_method_is_405_with_allow(
    api: httpx.Client, method: str, path: str, allow: set[str]
) -> None:
    """A method the path does not serve: 405 listing those it does."""
    response = api.request(method, path)

    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == allow
    assert error_of(response)["code"] == "method_not_allowed"


def test_duplicate_name_is_409(api: httpx.Client) -> None:
    """Creating a name that exists (in another case) is a 409 ``conflict``."""
    create(api, "Cars")

    response = api.post("/projects", json={"name": "cars"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def _chunks(total: int) -> Iterator[bytes]:
    chunk = b" " * 65536
    for _ in range(total // len(chunk)):
        yield chunk


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_2_mib_is_413(api: httpx.Client, chunked: bool) -> None:
    """A body over 2 MiB is a 413, declared or streamed."""
    size = 3 * 1024 * 1024
    content: Any = _chunks(size) if chunked else b" " * size

    response = api.post("/projects", content=content, headers=JSON)

    assert response.status_code == 413
    assert error_of(response)["details"] == {"limit": 2 * 1024 * 1024}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/jsonx"])
def test_other_media_types_are_415(api: httpx.Client, content_type: str | None) -> None:
    """A body that is not ``application/json`` is a 415."""
    headers = {} if content_type is None else {"Content-Type": content_type}

    response = api.post("/projects", content=b'{"name": "x"}', headers=headers)

    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_json_with_charset_is_accepted(api: httpx.Client) -> None:
    """``application/json; charset=utf-8`` is JSON."""
    response = api.post(
        "/projects",
        content=b'{"name": "x"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 201


BAD_BODIES: list[tuple[Any, list[str]]] = [
    ({"name": 5}, ["name"]),
    ({"name": None}, ["name"]),
    ({}, ["name"]),
    ([], ["body"]),
    ("name", ["body"]),
    ({"name": "x", "colour": "red"}, ["colour"]),
    ({"name": ".."}, ["name"]),
    ({"name": "."}, ["name"]),
    ({"name": "a/b"}, ["name"]),
    ({"name": " padded "}, ["name"]),
    ({"name": "tab\there"}, ["name"]),
    ({"name": "bell\x07"}, ["name"]),
    ({"name": "c1\x85"}, ["name"]),  # NEL: whitespace and a control character
    ({"name": "6f1c2b1e-8d4a-4c3e-9a57-2f0b8e5d7c11"}, ["name"]),
    ({"name": "x" * 10_000}, ["name"]),
    ({"name": "x", "description": "d" * 10_000}, ["description"]),
    ({"name": "x", "description": 3}, ["description"]),
    ({"name": "x", "annotation_types": []}, ["annotation_types"]),
    ({"name": "x", "annotation_types": "bbox"}, ["annotation_types"]),
    ({"name": "x", "annotation_types": ["bbox", "bbox"]}, ["annotation_types[1]"]),
    ({"name": "x", "annotation_types": ["cube"]}, ["annotation_types[0]"]),
    ({"name": "x", "classes": {}}, ["classes"]),
    ({"name": "x", "classes": [5]}, ["classes[0]"]),
    ({"name": "x", "classes": [{"name": "a"}]}, ["classes[0].type"]),
    ({"name": "x", "classes": [{"name": "a", "type": "polygon"}]}, ["classes[0].type"]),
    (
        {
            "name": "x",
            "classes": [{"name": "a", "type": "bbox", "color": "currentcolor"}],
        },
        ["classes[0].color"],
    ),
    (
        {
            "name": "x",
            "classes": [{"name": "a", "type": "bbox", "color": "c" * 10_000}],
        },
        ["classes[0].color"],
    ),
    (
        {"name": "x", "classes": [{"name": "a", "type": "bbox", "size": 1}]},
        ["classes[0].size"],
    ),
    (
        {
            "name": "x",
            "classes": [{"name": "a", "type": "bbox"}, {"name": "A", "type": "bbox"}],
        },
        ["classes[1].name"],
    ),
    (
        {
            "name": "x",
            "classes": [{"name": f"c{i}", "type": "bbox"} for i in range(5001)],
        },
        ["classes"],
    ),
    ({"name": "x", "classes": [{"name": "", "type": "bbox"}]}, ["classes[0].name"]),
]


@pytest.mark.parametrize(("body", "fields"), BAD_BODIES)
def test_rule_breaking_bodies_are_422_naming_the_field(
    api: httpx.Client, body: Any, fields: list[str]
) -> None:
    """Each broken rule of section 4 is a 422 naming the field."""
    response = api.post("/projects", json=body)

    assert sorted(set(fields_of(response))) == fields


def test_5000_classes_are_accepted(api: httpx.Client) -> None:
    """The limit itself is fine."""
    classes = [{"name": f"c{i}", "type": "bbox"} for i in range(5000)]

    response = api.post("/projects", json={"name": "big", "classes": classes})

    assert response.status_code == 201
    assert len(response.json()["data"]["project_config"]["classes"]) == 5000


def test_update_checks_types_against_the_project(api: httpx.Client) -> None:
    """A patched class must fit the project's annotation types after the change."""
    create(api, "p", classes=[{"name": "a", "type": "bbox"}])

    wrong_type = api.patch(
        "/projects/p", json={"classes": [{"name": "a", "type": "polygon"}]}
    )
    narrowed = api.patch("/projects/p", json={"annotation_types": ["polygon"]})
    unknown = api.patch("/projects/p", json={"nme": "typo"})

    assert fields_of(wrong_type) == ["classes[0].type"]
    assert fields_of(narrowed) == ["annotation_types"]
    assert fields_of(unknown) == ["nme"]


def _tampered(cursor: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[5] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "make",
    [
        lambda c: "garbage",
        lambda c: "!!!",
        lambda c: c[:-2],
        _tampered,
        lambda c: "x" * 600,
        lambda c: "",
        lambda c: c + "A",
    ],
    ids=[
        "garbage",
        "symbols",
        "truncated",
        "tampered",
        "too-long",
        "empty",
        "extended",
    ],
)
def test_bad_cursors_are_422(api: httpx.Client, make: Callable[[str], str]) -> None:
    """A cursor the server did not issue, or altered, is a 422 naming ``cursor``."""
    create(api, "a")
    create(api, "b")
    cursor = api.get("/projects", params={"limit": 1}).json()["pagination"][
        "next_cursor"
    ]

    response = api.get("/projects", params={"cursor": make(cursor)})

    assert fields_of(response) == ["cursor"]


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc", "1.5", "", "9" * 40])
def test_bad_limits_are_422(api: httpx.Client, limit: str) -> None:
    """``limit`` must be an integer from 1 to 1000."""
    response = api.get("/datasets", params={"limit": limit})

    assert fields_of(response) == ["limit"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Idempotency-Key", "k" * 256),
        ("Idempotency-Key", "has space"),
        ("If-Match", '"' + "1" * 100 + '"'),
    ],
)
def test_bad_headers_are_422(api: httpx.Client, header: str, value: str) -> None:
    """Header parameters are checked against the spec too."""
    create(api, "p")

    response = api.patch("/projects/p", json={}, headers={header: value})

    assert fields_of(response) == [header]


def test_a_literal_plus_in_a_path_is_a_plus(api: httpx.Client) -> None:
    """``+`` in a path is a plus, not a space."""
    made = create(api, "a+b")

    plus = api.get("/projects/a+b")
    space = api.get("/projects/a%20b")

    assert plus.json()["data"]["id"] == made["id"]
    assert space.status_code == 404


def test_rate_limit_is_429_with_retry_after(
    start_server: Callable[..., LiveServer],
) -> None:
    """Past ``--rate-limit`` requests a second: 429 with integer ``Retry-After``."""
    server = start_server("--rate-limit", "2")
    headers = {"X-API-Key": server.create_key("limited")}

    with httpx.Client(base_url=server.api_url, headers=headers) as client:
        statuses = [client.get("/projects") for _ in range(5)]

    limited = [r for r in statuses if r.status_code == 429]
    assert limited, [r.status_code for r in statuses]
    assert int(limited[0].headers["retry-after"]) >= 1
    error = error_of(limited[0])
    assert error["code"] == "rate_limited"
    assert error["details"]["retry_after"] == int(limited[0].headers["retry-after"])


def test_unexpected_failure_is_a_500_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug becomes a 500 ``internal_error`` with a request id, nothing more."""

    def explode(*args: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app_module, "list_projects", explode)
    app = create_app(tmp_path / "db.sqlite", tmp_path / "blobs")
    key = admin.create_key(tmp_path / "db.sqlite", "o")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            return await client.get(
                "/api/v1/developer/projects", headers={"X-API-Key": key}
            )

    response = asyncio.run(call())
    app.state.pictograph.db.close()

    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error"
    assert "secret" not in response.text


def test_unknown_query_parameters_are_422(api: httpx.Client) -> None:
    """A misspelt query parameter is named, not silently ignored."""
    response = api.get("/projects", params={"limt": "5"})

    assert fields_of(response) == ["limt"]


def test_a_query_string_on_a_single_project_is_ignored(api: httpx.Client) -> None:
    """``getProject`` documents no 422, so its query string is not checked."""
    create(api, "p")

    response = api.get("/projects/p", params={"anything": "1"})

    assert response.status_code == 200


TOO_DEEP = ("The request body nests JSON too deeply.", {"max_depth": 32})


def _repeats(field: str) -> tuple[str, dict[str, str]]:
    return f"The request body repeats the key {field!r}; send it once.", {
        "field": field
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"name": "\xff"}', ("The request body is not valid UTF-8.", {})),
        (
            b'{"name": "\\ud800"}',
            (
                "The request body escapes a lone surrogate (such as \\ud800), "
                "which is not a character.",
                {},
            ),
        ),
        (b"[" * 100_000 + b"]" * 100_000, TOO_DEEP),
        # Deep enough to trouble the schema check, shallow enough to parse.
        (b'{"name": "x", "description": ' + b"[" * 900 + b"]" * 900 + b"}", TOO_DEEP),
        (b'{"name": ' + b"[" * 32 + b"]" * 32 + b"}", TOO_DEEP),
        (b'{"name": "a", "name": "b"}', _repeats("name")),
        (
            b'{"name": "a", "classes": [{"name": "c", "type": "bbox"},'
            b' {"name": "d", "type": "bbox", "name": "e"}]}',
            _repeats("classes[1].name"),
        ),
        (b'{"name": "a", "description": {"k": 1, "k": 1}}', _repeats("description.k")),
    ],
    ids=[
        "not-utf8",
        "lone-surrogate",
        "past-the-parser",
        "past-the-cap",
        "just-past-the-cap",
        "repeated-key",
        "repeated-key-in-a-class",
        "repeated-key-deeper",
    ],
)
def test_bad_bodies_are_400_in_plain_words(
    api: httpx.Client, body: bytes, expected: tuple[str, dict[str, Any]]
) -> None:
    """No Python internals in the message, and no last-key-wins for repeats."""
    create(api, "target")

    created = api.post("/projects", content=body, headers=JSON)
    patched = api.patch("/projects/target", content=body, headers=JSON)

    for response in (created, patched):
        assert response.status_code == 400
        error = error_of(response)
        assert error["code"] == "bad_request"
        assert (error["message"], error["details"]) == expected
    assert [p["name"] for p in api.get("/projects").json()["data"]] == ["target"]


def test_a_body_nested_up_to_the_cap_is_judged_by_the_rules(api: httpx.Client) -> None:
    """32 levels is still JSON we read: a 422 for the field, not a 400."""
    body = b'{"name": ' + b"[" * 31 + b"]" * 31 + b"}"

    response = api.post("/projects", content=body, headers=JSON)

    assert fields_of(response) == ["name"]


def test_an_integer_too_long_for_python_is_422_for_its_field(
    api: httpx.Client,
) -> None:
    """Valid JSON, so no 400 about Python's digit limit: the field is named."""
    body = b'{"name": ' + b"7" * 5000 + b"}"

    response = api.post("/projects", content=body, headers=JSON)

    assert fields_of(response) == ["name"]
    assert "sys." not in response.text


def test_whitespace_around_header_values_is_not_part_of_them(
    live_server: LiveServer, api_key: str
) -> None:
    """RFC 9110 section 5.5: ``X-API-Key`` and ``If-Match`` with trailing blanks
    (sent with http.client: httpx refuses to send them)."""
    connection = http.client.HTTPConnection(
        live_server.url.removeprefix("http://"), timeout=30
    )
    headers = {"X-API-Key": api_key + "  \t", "Content-Type": "application/json"}

    statuses = []
    for method, path, body, extra in [
        ("POST", "/projects", b'{"name": "padded"}', {}),
        ("PATCH", "/projects/padded", b'{"description": "d"}', {"If-Match": '"1" '}),
    ]:
        connection.request(
            method, "/api/v1/developer" + path, body, {**headers, **extra}
        )
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()

    assert statuses == [201, 200]


def test_more_than_one_api_key_header_is_401(
    live_server: LiveServer, api_key: str
) -> None:
    """Two X-API-Key headers, even two good ones, are refused: send exactly one."""
    for second in (api_key, "pk_test_other"):
        response = httpx.get(
            f"{live_server.api_url}/projects",
            headers=[("X-API-Key", api_key), ("X-API-Key", second)],
        )

        assert response.status_code == 401
        error = error_of(response)
        assert error["code"] == "unauthorized"
        assert error["message"] == (
            "Send exactly one X-API-Key header; this request has 2."
        )


def _raw_get(live_server: LiveServer, path: str, key: str) -> httpx.Response:
    """A GET with ``path`` sent as it is (httpx would resolve ``..``)."""
    connection = http.client.HTTPConnection(live_server.url.removeprefix("http://"))
    try:
        connection.request("GET", path, headers={"X-API-Key": key})
        raw = connection.getresponse()
        return httpx.Response(raw.status, headers=raw.getheaders(), content=raw.read())
    finally:
        connection.close()


NO_SUCH_PATH = "No such path; /openapi.yaml lists the API's paths."
TRAILING_SLASH = "No such path: paths have no trailing slash."
ENCODED_SLASH = "No such path: an encoded slash (%2F) is never part of a name."


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/", NO_SUCH_PATH),
        ("//projects", NO_SUCH_PATH),
        ("/api/v1/developer//projects", NO_SUCH_PATH),
        ("/api/v1/developer/PROJECTS", NO_SUCH_PATH),
        ("/api/v1/developer/projects/../datasets", NO_SUCH_PATH),
        ("/api/v1/developer/projects/x/y", NO_SUCH_PATH),
        ("/api/v1/developer/projects/", TRAILING_SLASH),
        ("/api/v1/developer/projects/x/", TRAILING_SLASH),
        ("/api/v1/developer/projects/a%2Fb", ENCODED_SLASH),
    ],
)
def test_a_404_says_what_is_wrong_with_the_path(
    live_server: LiveServer, api_key: str, path: str, message: str
) -> None:
    """The trailing slash or %2F is blamed only where the path has one."""
    response = _raw_get(live_server, path, api_key)

    assert response.status_code == 404
    assert error_of(response)["message"] == message


def test_a_client_that_goes_away_mid_body_is_not_a_server_error(
    live_server: LiveServer, api_key: str
) -> None:
    """Content-Length larger than the body, then a hang-up: no ERROR, no traceback."""
    log = live_server.db_path.parent / "server.log"
    start = log.stat().st_size
    host, port = live_server.url.removeprefix("http://").split(":")
    request = (
        "POST /api/v1/developer/projects HTTP/1.1\r\n"
        f"Host: {host}\r\nX-API-Key: {api_key}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        '{"name": '
    ).encode()

    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(request)
        time.sleep(0.2)
    time.sleep(0.5)
    still_serving = httpx.get(live_server.url + "/openapi.yaml")

    assert still_serving.status_code == 200
    with log.open(encoding="utf-8") as stream:
        stream.seek(start)
        written = stream.read()
    assert "ERROR" not in written
    assert "Traceback" not in written
