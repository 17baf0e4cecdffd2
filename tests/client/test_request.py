"""The seam the resources build on: ``_request(endpoint, **params)``."""

from __future__ import annotations

import httpx
import pytest

from pictograph import NOT_GIVEN
from pictograph_api.api.projects import get_project, list_projects, update_project
from pictograph_api.models import ProjectUpdate

from .conftest import Recorder, Send, list_body, project_body


def test_not_given_and_none_parameters_are_not_sent(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=list_body()))

    send(recorder, list_projects, limit=NOT_GIVEN, cursor=None)

    assert recorder.requests[0].url.query == b""


def test_given_parameters_are_sent(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=list_body()))

    send(recorder, list_projects, limit=5, cursor="abc")

    assert recorder.requests[0].url.params == httpx.QueryParams(limit=5, cursor="abc")


def test_header_parameters_and_the_body_are_sent(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body("cars")))

    result = send(
        recorder,
        update_project,
        project="Cars & Vans/2",
        body=ProjectUpdate.from_dict({"description": None}),
        if_match='"3"',
    )

    request = recorder.requests[0]
    assert request.method == "PATCH"
    assert request.url.raw_path == b"/api/v1/developer/projects/Cars%20%26%20Vans%2F2"
    assert request.headers["If-Match"] == '"3"'
    assert request.content == b'{"description":null}'
    assert result["data"]["name"] == "cars"


def test_an_interrupt_is_never_retried(send: Send) -> None:
    recorder = Recorder(KeyboardInterrupt())

    with pytest.raises(KeyboardInterrupt):
        send(recorder, get_project, project="x")

    assert len(recorder.requests) == 1
