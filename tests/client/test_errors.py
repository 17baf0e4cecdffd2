"""Every non-2xx response raises its class, whatever its body; so does a cut line."""

from __future__ import annotations

import json
import pickle
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pictograph import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConflictError,
    FieldError,
    ForbiddenError,
    NotFoundError,
    PictographError,
    PreconditionFailedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from pictograph._exceptions import error_from_response
from pictograph_api.api.projects import create_project, get_project, list_projects
from pictograph_api.models import ProjectCreate

from .conftest import Recorder, Send, error_body, project_body

CLASSES: list[tuple[int, type[APIError]]] = [
    (301, APIError),
    (400, ValidationError),
    (401, AuthenticationError),
    (403, ForbiddenError),
    (404, NotFoundError),
    (405, APIError),
    (408, APIError),
    (409, ConflictError),
    (412, PreconditionFailedError),
    (413, APIError),
    (415, APIError),
    (418, APIError),
    (422, ValidationError),
    (429, RateLimitError),
    (500, ServerError),
    (502, ServerError),
    (503, ServerError),
    (599, ServerError),
]


def _no_retries() -> dict[str, Any]:
    return {"max_retries": 0}


@pytest.mark.parametrize(("status", "error_class"), CLASSES)
def test_each_status_raises_its_class_with_the_envelope(
    send: Send, status: int, error_class: type[APIError]
) -> None:
    body = error_body("some_code", "Something is off.", hint="x")
    recorder = Recorder(
        httpx.Response(status, json=body, headers={"X-Request-Id": "req_42"})
    )

    with pytest.raises(error_class) as caught:
        send(recorder, get_project, _no_retries(), project="road-signs")

    error = caught.value
    assert type(error) is error_class
    assert (error.status_code, error.code, error.message) == (
        status,
        "some_code",
        "Something is off.",
    )
    assert error.details == {"hint": "x"}
    assert error.request_id == "req_42"
    assert "req_42" in str(error)


def test_an_html_502_is_a_server_error_that_shows_the_page(send: Send) -> None:
    page = "<html><head><title>502</title></head><body><h1>Bad Gateway</h1></body>"
    recorder = Recorder(
        httpx.Response(502, text=page, headers={"Content-Type": "text/html"})
    )

    with pytest.raises(ServerError) as caught:
        send(recorder, get_project, _no_retries(), project="road-signs")

    assert caught.value.code == "bad_gateway"
    assert "502 Bad Gateway" in caught.value.message
    assert "text/html" in caught.value.message
    assert "<h1>" not in caught.value.message


def test_an_empty_404_is_not_found(send: Send) -> None:
    recorder = Recorder(httpx.Response(404))

    with pytest.raises(NotFoundError) as caught:
        send(recorder, get_project, project="road-signs")

    assert caught.value.code == "not_found"
    assert "empty body" in caught.value.message


def test_a_truncated_json_500_is_a_server_error(send: Send) -> None:
    recorder = Recorder(
        httpx.Response(
            500,
            content=b'{"error": {"code": "internal_er',
            headers={"Content-Type": "application/json"},
        )
    )

    with pytest.raises(ServerError) as caught:
        send(recorder, get_project, _no_retries(), project="road-signs")

    assert caught.value.code == "internal_error"
    assert "cut off" in caught.value.message
    assert '{"error": {"code": "internal_er' in caught.value.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"detail": "Method Not Allowed"}, "Method Not Allowed"),
        ({"error": "teapot"}, "teapot"),
        ([1, 2, 3], "[1,2,3]"),
        ({"error": {"code": 5}}, "not an error envelope"),
    ],
)
def test_json_outside_the_envelope_still_gives_a_useful_message(
    send: Send, body: object, expected: str
) -> None:
    recorder = Recorder(httpx.Response(418, json=body))

    with pytest.raises(APIError) as caught:
        send(recorder, get_project, project="road-signs")

    assert caught.value.status_code == 418
    assert caught.value.code == "im_a_teapot"
    assert "418" in str(caught.value)
    assert expected in caught.value.message


def test_a_server_422_lists_each_broken_rule(send: Send) -> None:
    errors = [{"field": "classes[1].name", "message": "is taken."}]
    recorder = Recorder(
        httpx.Response(
            422, json=error_body("validation_error", "Invalid.", errors=errors)
        )
    )

    with pytest.raises(ValidationError) as caught:
        send(
            recorder,
            create_project,
            body=ProjectCreate.from_dict({"name": "road-signs"}),
        )

    assert caught.value.errors == [FieldError("classes[1].name", "is taken.")]
    assert str(caught.value) == (
        "Invalid. classes[1].name: is taken. (HTTP 422, validation_error)"
    )


def test_str_of_a_validation_error_lists_ten_rules_then_counts_the_rest() -> None:
    errors = [FieldError(f"classes[{i}].name", "must not be empty.") for i in range(12)]

    text = str(ValidationError.from_field_errors(errors))

    assert text.startswith("The request breaks 12 rules. classes[0].name: must not")
    assert "classes[9].name: must not be empty." in text
    assert "classes[10]" not in text
    assert text.endswith("... and 2 more. (validation_error)")


def test_a_client_side_validation_error_needs_no_response() -> None:
    error = ValidationError.from_field_errors(
        [FieldError("name", "must not be empty."), FieldError("classes", "too many.")]
    )

    assert error.status_code is None
    assert error.code == "validation_error"
    assert error.errors == [
        FieldError("name", "must not be empty."),
        FieldError("classes", "too many."),
    ]
    assert "name: must not be empty." in str(error)
    assert "classes: too many." in str(error)


def test_a_redirect_is_not_followed(send: Send) -> None:
    recorder = Recorder(
        httpx.Response(301, headers={"Location": "https://elsewhere.test/projects/x"})
    )

    with pytest.raises(APIError) as caught:
        send(recorder, get_project, project="road-signs")

    assert caught.value.status_code == 301
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ReadError("[Errno 104] Connection reset by peer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_a_broken_connection_is_a_connection_error_chained_to_its_cause(
    send: Send, failure: httpx.TransportError
) -> None:
    recorder = Recorder(failure)

    with pytest.raises(APIConnectionError) as caught:
        send(recorder, list_projects, _no_retries())

    assert caught.value.__cause__ is failure
    assert str(failure) in str(caught.value)
    assert "GET /api/v1/developer/projects" in str(caught.value)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=b'{"data": {"id": '),
        httpx.Response(200, content=b"<html>OK</html>"),
        httpx.Response(204),
    ],
)
def test_a_success_the_sdk_cannot_read_raises_instead_of_returning_none(
    send: Send, response: httpx.Response
) -> None:
    with pytest.raises(APIError) as caught:
        send(Recorder(response), get_project, project="road-signs")

    assert caught.value.code == "unexpected_response"
    assert caught.value.status_code == response.status_code


def test_a_success_of_markup_alone_shows_the_markup(send: Send) -> None:
    """Tags are dropped from the message, unless nothing else is left."""
    with pytest.raises(APIError) as caught:
        send(Recorder(httpx.Response(200, text="<html>")), get_project, project="p")

    assert "'<html>'" in str(caught.value)
    assert "(empty)" not in str(caught.value)


def test_a_success_returns_the_decoded_body(send: Send) -> None:
    result = send(
        Recorder(httpx.Response(200, json=project_body("cars"))),
        get_project,
        project="cars",
    )

    assert result["data"]["name"] == "cars"


@given(
    status=st.integers(min_value=300, max_value=599),
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.sampled_from(["error", "code", "message"]), inner)
            ),
            max_leaves=8,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    content_type=st.sampled_from(["", "text/html", "application/json"]),
)
def test_any_error_body_maps_to_the_class_of_its_status(
    status: int, body: bytes, content_type: str
) -> None:
    error = error_from_response(status, {"content-type": content_type}, body)

    assert isinstance(error, PictographError)
    assert error.status_code == status
    assert str(status) in str(error)
    assert error.message
    if status >= 500:
        assert isinstance(error, ServerError)


@pytest.mark.parametrize(
    "error",
    [
        {"code": "", "message": ""},
        {"code": "conflict", "message": "  "},
        {"code": " ", "message": "Taken."},
    ],
)
def test_an_envelope_with_a_blank_code_or_message_is_described_instead(
    error: dict[str, str],
) -> None:
    body = json.dumps({"error": error}).encode()

    raised = error_from_response(409, {"content-type": "application/json"}, body)

    assert raised.code == "conflict"
    assert raised.message.startswith("The server answered 409 Conflict with")


def test_errors_survive_pickling_as_process_pools_need(send: Send) -> None:
    recorder = Recorder(
        httpx.Response(
            404,
            json=error_body("not_found", "No project 'x'."),
            headers={"X-Request-Id": "req_7"},
        )
    )
    with pytest.raises(NotFoundError) as caught:
        send(recorder, get_project, project="x")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert type(copy) is NotFoundError
    assert str(copy) == str(caught.value)
    assert (copy.status_code, copy.code, copy.request_id) == (404, "not_found", "req_7")
