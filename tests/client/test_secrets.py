"""The API key shows up nowhere: logs, exceptions, reprs, tracebacks (even locals)."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest

from pictograph import APIError, Client, PictographError
from pictograph_api.api.projects import create_project, get_project
from pictograph_api.models import ProjectCreate

from .conftest import API_KEY, BASE_URL, Recorder, Send, error_body, project_body

SCENARIOS: dict[str, list[httpx.Response | Exception]] = {
    "401 echoing the key": [
        httpx.Response(
            401, json=error_body("unauthorized", f"Unknown API key {API_KEY}.")
        )
    ],
    "403": [httpx.Response(403, json=error_body("forbidden", "Needs admin."))],
    "500 after retries": [
        httpx.Response(500, text=f"<pre>X-API-Key: {API_KEY}</pre>"),
    ],
    "500 echoing the key in its headers": [
        httpx.Response(
            500,
            json=error_body("internal_error", "Failed."),
            headers={"X-Request-Id": API_KEY, "X-Echo": f"key={API_KEY}"},
        )
    ],
    "a 201 this version cannot read, echoing the key": [
        httpx.Response(201, text=f"<p>{API_KEY}</p>", headers={"X-Request-Id": API_KEY})
    ],
    "connection reset after retries": [httpx.ReadError("Connection reset by peer")],
    "a retry, then success": [
        httpx.ConnectError("refused"),
        httpx.Response(201, json=project_body()),
    ],
}


def _everything_captured(
    error: BaseException | None, caplog: pytest.LogCaptureFixture
) -> str:
    captured = [caplog.text]
    captured += [repr(vars(record)) for record in caplog.records]
    if error is not None:
        captured += [str(error), repr(error), repr(vars(error))]
        captured += traceback.format_exception(error)
        # As error trackers do: every frame's local variables, causes included.
        with_locals = traceback.TracebackException.from_exception(
            error, capture_locals=True
        )
        captured += with_locals.format()
        cause = error.__cause__
        while cause is not None:
            captured += [str(cause), repr(cause), repr(vars(cause))]
            if isinstance(cause, httpx.RequestError):
                # The failed request the chain keeps, headers and all.
                captured += [repr(cause.request), repr(cause.request.headers)]
            cause = cause.__cause__
    return "\n".join(captured)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_key_is_never_captured(
    send: Send, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder(*SCENARIOS[scenario])
    error: PictographError | None = None

    try:
        send(
            recorder,
            create_project,
            {"max_retries": 1},
            body=ProjectCreate.from_dict({"name": "road-signs"}),
        )
    except PictographError as raised:
        error = raised

    assert recorder.requests[0].headers["X-API-Key"] == API_KEY
    assert caplog.records
    assert API_KEY not in _everything_captured(error, caplog)


def test_a_key_echoed_by_the_server_is_redacted_from_the_message(send: Send) -> None:
    recorder = Recorder(*SCENARIOS["401 echoing the key"])

    with pytest.raises(PictographError) as caught:
        send(recorder, get_project, project="road-signs")

    assert "Unknown API key [redacted]." in str(caught.value)


def test_debug_logs_on_stderr_show_requests_but_not_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PICTOGRAPH_LOG", "debug")
    recorder = Recorder(httpx.Response(503), httpx.Response(200, json=project_body()))

    with Client(
        API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(recorder)
    ) as client:
        client._request(get_project, project="road-signs")
        logging.getLogger("pictograph.anything").debug("key=%s", API_KEY)

    stderr = capsys.readouterr().err
    assert "GET /api/v1/developer/projects/road-signs -> 503" in stderr
    assert "Retrying GET /api/v1/developer/projects/road-signs" in stderr
    assert "-> 200" in stderr
    assert API_KEY not in stderr


def test_the_httpx_client_does_not_hold_the_key_in_its_headers() -> None:
    client = Client(API_KEY)

    assert "x-api-key" not in client._http.headers
    assert API_KEY not in repr(client._http.auth)


def test_a_key_echoed_in_the_details_is_redacted_there_too(send: Send) -> None:
    details = {
        "h": f"X-API-Key: {API_KEY}",
        "nested": {"headers": [f"x-api-key={API_KEY}", 3, None]},
        API_KEY: "as a key",
    }
    recorder = Recorder(
        httpx.Response(400, json=error_body("bad_request", "Bad.", **details))
    )

    with pytest.raises(PictographError) as caught:
        send(recorder, get_project, project="road-signs")

    assert isinstance(caught.value, APIError)
    assert API_KEY not in repr(caught.value.details)
    assert caught.value.details == {
        "h": "X-API-Key: [redacted]",
        "nested": {"headers": ["x-api-key=[redacted]", 3, None]},
        "[redacted]": "as a key",
    }
