"""One DEBUG line per attempt, one INFO line per retry, on the ``pictograph`` logger."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import httpx
import pytest

from pictograph import Client
from pictograph._logging import RedactKeys
from pictograph_api.api.projects import get_project

from .conftest import API_KEY, Recorder, Send, error_body, project_body


def test_importing_the_sdk_configures_no_logging() -> None:
    code = (
        "import logging, pictograph; "
        "print(logging.getLogger('pictograph').handlers, logging.root.handlers)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert output.stdout.strip() == "[] []"


def test_each_attempt_logs_one_debug_line(
    send: Send, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pictograph")
    recorder = Recorder(
        httpx.Response(
            502, json=error_body("x", "y"), headers={"X-Request-Id": "req_1"}
        ),
        httpx.Response(200, json=project_body(), headers={"X-Request-Id": "req_2"}),
    )

    send(recorder, get_project, project="road-signs")

    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    pattern = (
        r"GET /api/v1/developer/projects/road-signs -> {status} in [\d.]+ ms "
        r"\(request id {rid}, attempt {n}\)"
    )
    assert len(lines) == 2
    assert re.fullmatch(pattern.format(status=502, rid="req_1", n=1), lines[0])
    assert re.fullmatch(pattern.format(status=200, rid="req_2", n=2), lines[1])


def test_a_connection_failure_logs_its_kind(
    send: Send, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pictograph")
    recorder = Recorder(
        httpx.ConnectError("refused"), httpx.Response(200, json=project_body())
    )

    send(recorder, get_project, project="road-signs")

    assert "-> ConnectError in" in caplog.records[0].getMessage()


def test_each_scheduled_retry_logs_one_info_line_with_its_delay(
    send: Send, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pictograph")
    recorder = Recorder(
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=project_body()),
    )

    send(recorder, get_project, project="road-signs")

    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines[0] == (
        "Retrying GET /api/v1/developer/projects/road-signs in 2.00 s after "
        "HTTP 429 rate_limited (retry 1 of 3)."
    )
    assert re.fullmatch(
        r"Retrying GET \S+ in [\d.]+ s after a connection error \(ConnectError\) "
        r"\(retry 2 of 3\)\.",
        lines[1],
    )
    assert len(lines) == 2


def test_no_retry_line_when_the_error_is_final(
    send: Send, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pictograph")

    with pytest.raises(Exception, match="not_found"):
        send(Recorder(httpx.Response(404)), get_project, project="road-signs")

    assert not [r for r in caplog.records if r.levelno == logging.INFO]


@pytest.mark.parametrize("level", ["debug", "INFO", " info "])
def test_pictograph_log_installs_one_stderr_handler(
    monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    monkeypatch.setenv("PICTOGRAPH_LOG", level)
    logger = logging.getLogger("pictograph")
    before = len(logger.handlers)

    Client(API_KEY)
    Client(API_KEY)

    assert len(logger.handlers) == before + 1
    assert logger.level == getattr(logging, level.strip().upper())


def test_the_redacting_filter_hides_key_shaped_text() -> None:
    record = logging.LogRecord(
        "pictograph", logging.INFO, __file__, 1, "sent %s and %s", None, None
    )
    record.args = (f"X-API-Key: {API_KEY[::-1]}", "pk_live_abc123")

    RedactKeys().filter(record)

    assert record.getMessage() == "sent [redacted] and [redacted]"


def test_a_retry_prints_nothing_where_logging_is_not_set_up() -> None:
    code = """
import httpx
from pictograph import Client
from pictograph_api.api.projects import get_project
replies = [httpx.Response(503), httpx.Response(404)]
transport = httpx.MockTransport(lambda request: replies.pop(0))
client = Client("pk_test_x", transport=transport, max_retries=1)
try:
    client._request(get_project, project="x")
except Exception as error:
    print(type(error).__name__)
"""
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert (output.stdout, output.stderr) == ("NotFoundError\n", "")


def test_pictograph_log_does_not_double_lines_of_an_app_that_set_up_logging() -> None:
    code = """
import logging, sys
import httpx
from pictograph import Client
from pictograph_api.api.projects import get_project
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
transport = httpx.MockTransport(lambda request: httpx.Response(404))
client = Client("pk_test_x", transport=transport, max_retries=0)
try:
    client._request(get_project, project="x")
except Exception:
    pass
"""
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PICTOGRAPH_LOG": "debug"},
    )

    assert output.stderr.count("GET /api/v1/developer/projects/x -> 404") == 1


def test_the_handler_pictograph_log_installs_stops_propagation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PICTOGRAPH_LOG", "info")

    Client(API_KEY)

    assert logging.getLogger("pictograph").propagate is False
