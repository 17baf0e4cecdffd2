"""Settings: arguments, then PICTOGRAPH_* variables, then defaults; bad ones fail."""

from __future__ import annotations

import platform

import httpx
import pytest

import pictograph
from pictograph import AsyncClient, Client, ConfigurationError
from pictograph_api.api.projects import get_project

from .conftest import API_KEY, BASE_URL, Recorder, Send, project_body


def test_defaults_apply_when_nothing_else_is_set() -> None:
    client = Client(API_KEY)

    assert client.base_url == "https://api.pictograph.io"
    assert client.timeout == 30.0
    assert client.max_retries == 3


def test_environment_variables_fill_missing_arguments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PICTOGRAPH_API_KEY", API_KEY)
    monkeypatch.setenv("PICTOGRAPH_BASE_URL", "https://eu.example.test/")
    monkeypatch.setenv("PICTOGRAPH_TIMEOUT", "2.5")
    monkeypatch.setenv("PICTOGRAPH_MAX_RETRIES", "0")

    client = Client()

    assert client.base_url == "https://eu.example.test"
    assert client.timeout == 2.5
    assert client.max_retries == 0


def test_arguments_win_over_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PICTOGRAPH_BASE_URL", "https://eu.example.test")
    monkeypatch.setenv("PICTOGRAPH_TIMEOUT", "not a number")
    monkeypatch.setenv("PICTOGRAPH_MAX_RETRIES", "7")

    client = Client(API_KEY, base_url=BASE_URL, timeout=4, max_retries=1)

    assert (client.base_url, client.timeout, client.max_retries) == (BASE_URL, 4.0, 1)


def test_none_and_empty_variables_mean_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTOGRAPH_TIMEOUT", "")

    client = Client(API_KEY, max_retries=None)

    assert (client.timeout, client.max_retries) == (30.0, 3)


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
@pytest.mark.parametrize("key", ["", " ", "\t\n"])
def test_a_given_empty_key_is_refused_even_with_the_variable_set(
    monkeypatch: pytest.MonkeyPatch, client_class: type[Client], key: str
) -> None:
    monkeypatch.setenv("PICTOGRAPH_API_KEY", API_KEY)

    with pytest.raises(ConfigurationError, match="api_key is empty"):
        client_class(key)


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_a_given_empty_base_url_is_refused_even_with_the_variable_set(
    monkeypatch: pytest.MonkeyPatch, client_class: type[Client]
) -> None:
    monkeypatch.setenv("PICTOGRAPH_BASE_URL", BASE_URL)

    with pytest.raises(ConfigurationError, match="base_url"):
        client_class(API_KEY, base_url="")


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_timeout_none_is_refused_as_timeouts_cannot_be_turned_off(
    monkeypatch: pytest.MonkeyPatch, client_class: type[Client]
) -> None:
    monkeypatch.setenv("PICTOGRAPH_TIMEOUT", "5")

    with pytest.raises(ConfigurationError, match="cannot be turned off"):
        client_class(API_KEY, timeout=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_no_key_anywhere_says_how_to_set_one(client_class: type[Client]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        client_class()

    assert "PICTOGRAPH_API_KEY" in str(caught.value)
    assert "api_key=" in str(caught.value)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": "30"}, "timeout"),
        ({"timeout": True}, "timeout"),
        ({"timeout": 1e10}, "timeout must be at most 86,400 seconds"),
        ({"base_url": "http://127.0.0.1:99999"}, "base_url has a port"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"base_url": "api.pictograph.io"}, "base_url"),
        ({"base_url": "localhost:8000"}, "base_url"),
        ({"base_url": "ftp://api.pictograph.io"}, "base_url"),
        ({"base_url": "https://"}, "base_url"),
        ({"base_url": "https://api.pictograph.io/?x=1"}, "base_url"),
        ({"base_url": "http://api.pictograph.io"}, "allow_insecure_http=True"),
        (
            {"base_url": "http://api.pictograph.io", "allow_insecure_http": "no"},
            "allow_insecure_http must be True or False",
        ),
        ({"allow_insecure_http": 1}, "allow_insecure_http"),
        ({"allow_insecure_http": None}, "allow_insecure_http"),
    ],
)
def test_bad_arguments_are_refused_naming_them(
    arguments: dict[str, object], named: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(API_KEY, **arguments)  # type: ignore[arg-type]

    message = str(caught.value)
    assert named in message
    assert API_KEY not in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PICTOGRAPH_TIMEOUT", "soon"),
        ("PICTOGRAPH_TIMEOUT", "-3"),
        ("PICTOGRAPH_TIMEOUT", "nan"),
        ("PICTOGRAPH_TIMEOUT", "1e300"),
        ("PICTOGRAPH_MAX_RETRIES", "three"),
        ("PICTOGRAPH_MAX_RETRIES", "-1"),
        ("PICTOGRAPH_MAX_RETRIES", "2.0"),
        ("PICTOGRAPH_BASE_URL", "api.pictograph.io"),
        ("PICTOGRAPH_LOG", "verbose"),
    ],
)
def test_bad_environment_variables_are_refused_naming_them(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError) as caught:
        Client(API_KEY)

    assert variable in str(caught.value)
    assert repr(value) in str(caught.value)
    assert repr(repr(value)) not in str(caught.value)


@pytest.mark.parametrize("key", ["pk_test_a b", "pk_test_\n", "pk_tést"])
def test_a_malformed_key_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(key)

    assert key not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://127.0.0.1:8000/",
        "http://127.8.9.10",
        "http://[::1]:8000",
        "http://api.localhost",
    ],
)
def test_plain_http_is_allowed_to_loopback(url: str) -> None:
    assert Client(API_KEY, base_url=url).base_url == url.rstrip("/")


def test_plain_http_elsewhere_needs_an_explicit_opt_in() -> None:
    client = Client(
        API_KEY, base_url="http://pictograph.internal", allow_insecure_http=True
    )

    assert client.base_url == "http://pictograph.internal"


def test_a_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(API_KEY, base_url="https://user:hunter2@api.pictograph.io")

    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("base_url", [BASE_URL, BASE_URL + "/", BASE_URL + "/gw/"])
def test_requests_go_under_the_base_url_with_or_without_a_slash(
    send: Send, base_url: str
) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    send(recorder, get_project, {"base_url": base_url}, project="road signs")

    prefix = base_url.rstrip("/")
    expected = f"{prefix}/api/v1/developer/projects/road%20signs"
    assert str(recorder.requests[0].url) == expected


def test_every_request_carries_the_key_and_user_agent(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    send(recorder, get_project, project="road-signs")

    headers = recorder.requests[0].headers
    assert headers["X-API-Key"] == API_KEY
    assert headers["User-Agent"] == (
        f"pictograph-python/{pictograph.__version__} "
        f"python/{platform.python_version()} httpx/{httpx.__version__}"
    )


def test_timeouts_are_always_set_from_the_client(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    send(recorder, get_project, {"timeout": 7}, project="road-signs")

    timeout = recorder.requests[0].extensions["timeout"]
    assert timeout == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


def test_a_call_can_set_its_own_timeout(send: Send) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    send(recorder, get_project, project="road-signs", timeout=0.5)

    timeout = recorder.requests[0].extensions["timeout"]
    assert set(timeout.values()) == {0.5}


@pytest.mark.parametrize("timeout", [None, 0, -1.0, float("nan"), 1e300])
def test_a_bad_call_timeout_is_refused_before_sending(
    send: Send, timeout: object
) -> None:
    recorder = Recorder(httpx.Response(200, json=project_body()))

    with pytest.raises(ValueError, match="timeout"):
        send(recorder, get_project, project="road-signs", timeout=timeout)

    assert recorder.requests == []


def test_the_client_repr_shows_settings_but_not_the_key() -> None:
    client = Client(API_KEY, base_url=BASE_URL)

    assert repr(client) == (
        f"<Client base_url={BASE_URL!r} timeout=30.0 max_retries=3>"
    )
    assert API_KEY not in repr(vars(client))


def test_the_client_is_a_context_manager_that_closes() -> None:
    with Client(API_KEY) as client:
        pass

    assert client._http.is_closed


@pytest.mark.anyio
async def test_the_async_client_is_an_async_context_manager_that_closes() -> None:
    async with AsyncClient(API_KEY) as client:
        pass

    assert client._http.is_closed
