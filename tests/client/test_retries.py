"""What is retried, how long the SDK waits, and that a retry never applies twice."""

from __future__ import annotations

import email.utils
import logging
import math
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pictograph import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncClient,
    Client,
    ClientClosedError,
    RateLimitError,
    ServerError,
)
from pictograph._retry import RetryPolicy, parse_retry_after
from pictograph_api.api.projects import (
    create_project,
    delete_project,
    get_project,
    list_projects,
)
from pictograph_api.models import ProjectCreate

from .conftest import (
    API_KEY,
    BASE_URL,
    Recorder,
    Send,
    delete_body,
    error_body,
    list_body,
    project_body,
)

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def _ok() -> httpx.Response:
    return httpx.Response(200, json=project_body())


def _listed() -> httpx.Response:
    return httpx.Response(200, json=list_body())


def _deleted() -> httpx.Response:
    return httpx.Response(200, json=delete_body())


def _created() -> httpx.Response:
    return httpx.Response(201, json=project_body())


def _failure(status: int, retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(status, json=error_body("busy", "Busy."), headers=headers)


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment, usegmt=True)


def _header(retry_after: str | timedelta | None) -> str | None:
    """The header value; a timedelta is an HTTP date that far from now."""
    if isinstance(retry_after, timedelta):
        return _http_date(datetime.now(UTC) + retry_after)
    return retry_after


def _logged_delays(caplog: pytest.LogCaptureFixture) -> list[float]:
    return [
        float(match.group(1))
        for record in caplog.records
        if (match := re.search(r" in (\d+\.\d+) s after", record.getMessage()))
    ]


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_until_success(send: Send, status: int) -> None:
    recorder = Recorder(_failure(status), _failure(status), _ok())

    result = send(recorder, get_project, project="road-signs")

    assert result["data"]["name"] == "road-signs"
    assert len(recorder.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 412, 422, 501])
def test_other_statuses_are_raised_at_once(send: Send, status: int) -> None:
    recorder = Recorder(_failure(status), _ok())

    with pytest.raises(APIError):
        send(recorder, get_project, project="road-signs")

    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("disconnected"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
    ],
)
def test_connection_errors_and_timeouts_are_retried(
    send: Send, failure: Exception
) -> None:
    recorder = Recorder(failure, _listed())

    send(recorder, list_projects)

    assert len(recorder.requests) == 2


def test_when_retries_run_out_the_last_error_is_raised(send: Send) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"))

    with pytest.raises(APITimeoutError) as caught:
        send(recorder, list_projects, {"max_retries": 2})

    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert len(recorder.requests) == 3


def test_max_retries_zero_makes_one_attempt(send: Send) -> None:
    recorder = Recorder(_failure(503), _ok())

    with pytest.raises(ServerError):
        send(recorder, list_projects, {"max_retries": 0})

    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("0", 0.0, 0.0),
        ("-3", 0.0, 0.0),
        ("1.5", 1.5, 1.5),
        ("45", 45.0, 45.0),
        (timedelta(hours=-1), 0.0, 0.0),
        (timedelta(seconds=40), 30.0, 41.0),
        ("garbage", 0.25, 0.5),
        ("", 0.25, 0.5),
        (None, 0.25, 0.5),
    ],
)
def test_a_503_waits_as_its_retry_after_says(
    send: Send,
    caplog: pytest.LogCaptureFixture,
    retry_after: str | timedelta | None,
    low: float,
    high: float,
) -> None:
    recorder = Recorder(_failure(503, _header(retry_after)), _listed())
    caplog.set_level(logging.INFO, logger="pictograph")

    send(recorder, list_projects)

    [delay] = _logged_delays(caplog)
    assert low <= delay <= high
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    ("retry_after", "seconds"),
    [
        ("120", 120.0),
        (timedelta(hours=1), 3600.0),
    ],
)
def test_a_retry_after_beyond_the_cap_raises_at_once(
    send: Send, retry_after: str | timedelta, seconds: float
) -> None:
    recorder = Recorder(_failure(429, _header(retry_after)), _ok())

    with pytest.raises(RateLimitError) as caught:
        send(recorder, list_projects)

    assert caught.value.retry_after is not None
    assert caught.value.retry_after == pytest.approx(seconds, abs=15)
    assert len(recorder.requests) == 1


def test_one_idempotency_key_is_reused_on_every_attempt(send: Send) -> None:
    recorder = Recorder(httpx.ConnectError("reset"), _failure(502), _created())
    body = ProjectCreate.from_dict({"name": "road-signs"})

    send(recorder, create_project, body=body)

    keys = {request.headers.get("Idempotency-Key") for request in recorder.requests}
    assert len(recorder.requests) == 3
    assert len(keys) == 1
    assert None not in keys


def test_each_call_gets_its_own_idempotency_key(send: Send) -> None:
    recorder = Recorder(_deleted())

    send(recorder, delete_project, project="a")
    send(recorder, delete_project, project="b")

    first, second = (r.headers["Idempotency-Key"] for r in recorder.requests)
    assert first != second


def test_a_callers_idempotency_key_is_sent_as_given(send: Send) -> None:
    recorder = Recorder(_failure(500), _deleted())

    send(recorder, delete_project, project="a", idempotency_key="cleanup-2026-05-01")

    assert [r.headers["Idempotency-Key"] for r in recorder.requests] == [
        "cleanup-2026-05-01"
    ] * 2


def test_reads_carry_no_idempotency_key(send: Send) -> None:
    recorder = Recorder(_ok())

    send(recorder, get_project, project="a")

    assert "Idempotency-Key" not in recorder.requests[0].headers


def test_an_idempotency_key_on_a_read_is_a_mistake(send: Send) -> None:
    with pytest.raises(TypeError, match="idempotency_key"):
        send(Recorder(_ok()), get_project, project="a", idempotency_key="k")


@pytest.mark.parametrize("key", ["", "  ", "a\nb"])
def test_a_malformed_idempotency_key_is_refused(send: Send, key: str) -> None:
    recorder = Recorder(_ok())

    with pytest.raises(ValueError, match="idempotency_key"):
        send(recorder, delete_project, project="a", idempotency_key=key)

    assert recorder.requests == []


def test_an_exhausted_connection_failure_on_create_is_a_connection_error(
    send: Send,
) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    body = ProjectCreate.from_dict({"name": "road-signs"})

    with pytest.raises(APIConnectionError):
        send(recorder, create_project, {"max_retries": 1}, body=body)

    assert len(recorder.requests) == 2


# The pure rules, for any input.


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_seconds_are_read_as_given(seconds: int) -> None:
    assert parse_retry_after(str(seconds)) == float(seconds)


@given(st.integers(min_value=-(10**9), max_value=-1))
def test_negative_seconds_mean_now(seconds: int) -> None:
    assert parse_retry_after(str(seconds)) == 0.0


@given(st.decimals(min_value=0, max_value=10**6, places=3))
def test_fractional_seconds_are_read(seconds: object) -> None:
    assert parse_retry_after(str(seconds)) == pytest.approx(float(str(seconds)))


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_http_dates_are_read_relative_to_now(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)

    seconds = parse_retry_after(_http_date(moment), now=NOW)

    assert seconds == max(0.0, (moment - NOW).total_seconds())


@given(st.text(max_size=60))
def test_any_text_is_a_wait_of_zero_or_more_or_unreadable(text: str) -> None:
    seconds = parse_retry_after(text, now=NOW)

    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e3", "soon", "1.5s"])
def test_non_numbers_are_unreadable(text: str) -> None:
    assert parse_retry_after(text) is None


@given(
    retry_number=st.integers(min_value=1, max_value=10_000),
    uniform=st.floats(min_value=0.0, max_value=1.0),
    initial=st.floats(min_value=0.001, max_value=10.0),
    cap=st.floats(min_value=0.01, max_value=600.0),
)
def test_backoff_stays_within_its_bounds(
    retry_number: int, uniform: float, initial: float, cap: float
) -> None:
    policy = RetryPolicy(initial_backoff=initial, max_backoff=cap)
    ceiling = min(cap, initial * 2 ** min(retry_number - 1, 64))

    wait = policy.backoff(retry_number, lambda: uniform)

    assert ceiling / 2 <= wait <= ceiling <= cap


@given(retry_after=st.floats(min_value=0, max_value=10**6), status=st.just(429))
def test_a_retry_after_is_honoured_up_to_the_cap(
    retry_after: float, status: int
) -> None:
    policy = RetryPolicy()
    error = RateLimitError("Slow down.", status_code=status, code="rate_limited")
    error.retry_after = retry_after

    delay = policy.delay(error, 1)

    if retry_after > policy.max_retry_after:
        assert delay is None
    else:
        assert delay == retry_after


def test_the_policy_gives_up_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=2)
    error = APITimeoutError("slow")

    assert policy.delay(error, 2) is not None
    assert policy.delay(error, 3) is None


def test_errors_that_are_not_the_sdks_are_never_retried() -> None:
    assert RetryPolicy().delay(KeyError("bug"), 1) is None


def test_a_request_cut_off_by_closing_the_client_is_not_retried() -> None:
    """Another thread (or a page fetched ahead) closes the client mid-request:
    that ends the call with ClientClosedError, not a retry on a closed pool."""
    attempts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        client.close()
        raise httpx.ReadError("connection closed")

    client = Client(API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(handler))
    with pytest.raises(ClientClosedError) as caught:
        client._request(list_projects)

    assert len(attempts) == 1
    assert isinstance(caught.value.__cause__, httpx.ReadError)


@pytest.mark.anyio
async def test_async_a_request_cut_off_by_closing_the_client_is_not_retried() -> None:
    attempts: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        await client.aclose()
        raise httpx.ReadError("connection closed")

    client = AsyncClient(
        API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(handler)
    )
    with pytest.raises(ClientClosedError):
        await client._request(list_projects)

    assert len(attempts) == 1
