"""Settings: from arguments, then ``PICTOGRAPH_*`` environment variables, then
defaults; checked once, when a client is made, so a bad value fails before any
request with a message naming where it came from."""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ._exceptions import ConfigurationError
from ._types import NotGiven

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "Secret",
    "Settings",
    "check_timeout",
    "resolve_settings",
]

DEFAULT_BASE_URL = "https://api.pictograph.io"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3

_KEY_HELP = (
    "Pass it as Client(api_key=...) or set the PICTOGRAPH_API_KEY environment "
    "variable; keys look like pk_live_... or pk_test_..."
)


class Secret:
    """A string that does not show itself: its repr and str are redacted."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


MAX_TIMEOUT = 24 * 60 * 60
"""The longest timeout taken, in seconds."""


@dataclass(frozen=True, slots=True)
class Settings:
    """A client's resolved, checked settings."""

    api_key: Secret
    base_url: str
    timeout: float
    max_retries: int
    allow_insecure_http: bool


def check_timeout(
    value: object,
    source: str,
    shown: str | None = None,
    *,
    error: type[ValueError] = ConfigurationError,
) -> float:
    """*value* as seconds if it is a positive, finite number, else raise *error*.

    *source* names where it came from (``"timeout"``) for the message, and
    *shown* is the value as the user wrote it, if not ``repr(value)``. None is
    refused like any other non-number: timeouts cannot be turned off, and
    leaving the argument out is how to get the default.
    """
    shown = shown or repr(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = (
            f"{source} must be a number of seconds, not {shown}; timeouts cannot "
            "be turned off (leave the argument out for the default)."
        )
        raise error(msg)
    if not math.isfinite(value) or value <= 0:
        msg = (
            f"{source} must be a positive, finite number of seconds, not {shown}; "
            "timeouts cannot be turned off."
        )
        raise error(msg)
    if value > MAX_TIMEOUT:
        # Far past this, the socket layer cannot represent the deadline.
        msg = f"{source} must be at most {MAX_TIMEOUT:,} seconds (a day), not {shown}."
        raise error(msg)
    return float(value)


def _check_max_retries(value: object, source: str, shown: str | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{source} must be a whole number, 0 or more, not {shown or repr(value)}."
        raise ConfigurationError(msg)
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(value: object, source: str, allow_insecure_http: bool) -> str:
    if not isinstance(value, str):
        msg = f"{source} must be a string, not {value!r}."
        raise ConfigurationError(msg)
    parts = urlsplit(value.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        msg = (
            f"{source} must be an absolute https:// URL such as "
            f"{DEFAULT_BASE_URL!r}, not {value!r}."
        )
        raise ConfigurationError(msg)
    try:
        parts.port  # noqa: B018 (urlsplit checks the port only when asked)
    except ValueError:
        msg = f"{source} has a port that is not 0 to 65535: {value!r}."
        raise ConfigurationError(msg) from None
    if parts.username is not None or parts.password is not None:
        # Not echoed: the URL holds credentials.
        msg = f"{source} must not contain a user name or password; use api_key."
        raise ConfigurationError(msg)
    if parts.query or parts.fragment:
        msg = f"{source} must not have a query or fragment, not {value!r}."
        raise ConfigurationError(msg)
    if (
        parts.scheme == "http"
        and not _is_loopback(parts.hostname)
        and not allow_insecure_http
    ):
        msg = (
            f"{source} {value!r} uses plain http://, which would send the API key "
            "unencrypted. Use https://, or pass allow_insecure_http=True if this "
            "network is trusted."
        )
        raise ConfigurationError(msg)
    return value.strip().rstrip("/")


def _check_api_key(value: object, source: str) -> Secret:
    # The key is never echoed, not even in part.
    if not isinstance(value, str):
        msg = f"{source} must be a string, not {type(value).__name__}."
        raise ConfigurationError(msg)
    if not value.strip():
        msg = f"{source} is empty or blank. {_KEY_HELP}"
        raise ConfigurationError(msg)
    if not value.isascii() or not value.isprintable() or " " in value:
        msg = (
            f"{source} contains spaces, control or non-ASCII characters, so it "
            "cannot be a Pictograph API key; check that it was copied whole."
        )
        raise ConfigurationError(msg)
    return Secret(value)


def _from_env(environ: Mapping[str, str], name: str) -> str | None:
    # An empty variable counts as unset, as shells make it easy to set one so.
    value = environ.get(name, "").strip()
    return value or None


def resolve_settings(
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | NotGiven,
    max_retries: int | NotGiven | None,
    allow_insecure_http: object,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from the arguments, then the environment, then the defaults.

    Only a missing argument (None, or ``NOT_GIVEN`` for ``timeout`` and
    ``max_retries``) falls back: one that is given wins, and is refused if
    malformed, even when the variable is set. A variable set to blank counts
    as unset. ``timeout=None`` is refused: timeouts cannot be turned off.

    Raises:
        ConfigurationError: No API key anywhere, or a value that is malformed
            (``allow_insecure_http`` that is not a bool among them);
            the message names the argument or variable and the bad value
            (never the key).
    """
    env = os.environ if environ is None else environ

    if not isinstance(allow_insecure_http, bool):
        # A truthy "no" from a config file must not send the key in the clear.
        msg = (
            "allow_insecure_http must be True or False, not "
            f"{type(allow_insecure_http).__name__} {allow_insecure_http!r}."
        )
        raise ConfigurationError(msg)

    if api_key is not None:
        key = _check_api_key(api_key, "api_key")
    elif (env_key := _from_env(env, "PICTOGRAPH_API_KEY")) is not None:
        key = _check_api_key(env_key, "PICTOGRAPH_API_KEY")
    else:
        raise ConfigurationError(f"No API key was given. {_KEY_HELP}")

    if base_url is not None:
        url = _check_base_url(base_url, "base_url", allow_insecure_http)
    else:
        env_url = _from_env(env, "PICTOGRAPH_BASE_URL") or DEFAULT_BASE_URL
        url = _check_base_url(env_url, "PICTOGRAPH_BASE_URL", allow_insecure_http)

    if not isinstance(timeout, NotGiven):
        seconds = check_timeout(timeout, "timeout")
    elif (env_timeout := _from_env(env, "PICTOGRAPH_TIMEOUT")) is not None:
        seconds = check_timeout(
            _parse_float(env_timeout), "PICTOGRAPH_TIMEOUT", repr(env_timeout)
        )
    else:
        seconds = DEFAULT_TIMEOUT

    if max_retries is not None and not isinstance(max_retries, NotGiven):
        retries = _check_max_retries(max_retries, "max_retries")
    elif (env_retries := _from_env(env, "PICTOGRAPH_MAX_RETRIES")) is not None:
        retries = _check_max_retries(
            _parse_int(env_retries), "PICTOGRAPH_MAX_RETRIES", repr(env_retries)
        )
    else:
        retries = DEFAULT_MAX_RETRIES

    return Settings(key, url, seconds, retries, allow_insecure_http)


def _parse_float(text: str) -> float | str:
    """The number in an environment variable, or the text itself to report."""
    try:
        return float(text)
    except ValueError:
        return text


def _parse_int(text: str) -> int | str:
    return int(text) if text.isdecimal() else text
