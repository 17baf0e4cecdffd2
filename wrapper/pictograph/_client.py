from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import ModuleType, TracebackType
from typing import Any, Self

import httpx

from ._config import Settings, resolve_settings
from ._core import (
    Call,
    async_error_hook,
    error_hook,
    exchange,
    http_options,
    parse_success,
    plan_call,
)
from ._exceptions import ClientClosedError
from ._logging import configure_from_env
from ._resources import AsyncDatasets, AsyncProjects, Datasets, Projects
from ._retry import RetryPolicy, retrying
from ._types import NOT_GIVEN, NotGiven

__all__ = ["AsyncClient", "Client"]


class _BaseClient:
    """Settings, planning and repr shared by ``Client`` and ``AsyncClient``."""

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str | None,
        timeout: float | NotGiven,
        max_retries: int | NotGiven | None,
        allow_insecure_http: bool,
    ) -> None:
        configure_from_env()
        self._settings: Settings = resolve_settings(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            allow_insecure_http=allow_insecure_http,
        )
        self._retry_policy = RetryPolicy(max_retries=self._settings.max_retries)
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            msg = (
                f"This {type(self).__name__} is closed; create a new one "
                "(or use it in a with block and make requests inside it)."
            )
            raise ClientClosedError(msg)

    @property
    def base_url(self) -> str:
        """The API's base URL, without a trailing slash."""
        return self._settings.base_url

    @property
    def timeout(self) -> float:
        """Seconds each request attempt may take, unless a call says otherwise."""
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        """Retries after a failed first attempt."""
        return self._settings.max_retries

    def _plan(
        self,
        endpoint: ModuleType,
        params: Mapping[str, Any],
        timeout: float | NotGiven,
        idempotency_key: object,
        convert: Callable[[bytes], Any],
    ) -> Call:
        self._check_open()
        return plan_call(
            endpoint,
            params,
            settings=self._settings,
            timeout=timeout,
            idempotency_key=idempotency_key,
            convert=convert,
        )

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} base_url={self.base_url!r} "
            f"timeout={self.timeout!r} max_retries={self.max_retries!r}>"
        )


class Client(_BaseClient):
    """The Pictograph API, over one pooled HTTP connection per client.

    Use it as a context manager, or call ``close()`` when done::

        with Client() as client:
            project = client.projects.get("road-signs")

    Each setting comes from its argument, then its environment variable, then
    the default.

    Args:
        api_key: The organisation's API key (``pk_live_...``); else
            ``PICTOGRAPH_API_KEY``. Never shown in a repr, log or error. A key
            that is given wins: an empty one is refused, not replaced by the
            variable.
        base_url: Where the API lives; else ``PICTOGRAPH_BASE_URL``, else
            ``https://api.pictograph.io``. Must be ``https://`` unless the host
            is loopback or ``allow_insecure_http`` is set.
        timeout: Seconds each request attempt may take (connecting, sending,
            waiting, reading); else ``PICTOGRAPH_TIMEOUT``, else 30. Calls take
            their own ``timeout=`` too. Timeouts cannot be turned off:
            ``timeout=None`` is refused here and in calls; leave it out for
            the default.
        max_retries: Retries after a failed first attempt; else
            ``PICTOGRAPH_MAX_RETRIES``, else 3; 0 disables retrying. Connection
            errors, timeouts, 408, 429, 500, 502, 503 and 504 are retried with
            exponential backoff and jitter, or after the server's
            ``Retry-After`` unless it asks for more than 60 s.
        allow_insecure_http: Allow ``http://`` to hosts other than loopback.
        transport: An httpx transport to send through instead of the network,
            such as ``httpx.MockTransport`` in tests.

    Raises:
        ConfigurationError: No API key anywhere, or a malformed setting; the
            message names it.

    After ``close()``, every call raises ``ClientClosedError``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven | None = NOT_GIVEN,
        allow_insecure_http: bool = False,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            allow_insecure_http=allow_insecure_http,
        )
        self._http = httpx.Client(
            **http_options(self._settings),
            event_hooks={"response": [error_hook(self._settings.api_key)]},
            transport=transport,
        )
        self.projects = Projects(self)
        self.datasets = Datasets(self)

    def close(self) -> None:
        """Close the pooled connections. The client cannot be used afterwards."""
        self._closed = True
        self._http.close()

    def __enter__(self) -> Self:
        self._check_open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _request(
        self,
        endpoint: ModuleType,
        /,
        *,
        timeout: float | NotGiven = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
        convert: Callable[[bytes], Any] = json.loads,
        **params: Any,
    ) -> Any:
        """Call a generated *endpoint* with retries; its success body, read.

        The seam the resources build on. *params* are the endpoint's own
        arguments (``project=``, ``body=``, ``limit=``, ``if_match=``...);
        ``None`` and ``NOT_GIVEN`` among them mean "not sent". ``timeout``
        overrides the client's for this call (each attempt). POST, PATCH and
        DELETE carry ``idempotency_key``, or one made here, on every attempt.
        ``convert`` turns the body's bytes into the public model (left out,
        the decoded JSON itself is returned); a body that is not JSON, or that
        it cannot read, raises ``APIError`` (``unexpected_response``).

        Raises:
            APIError: A subclass for every non-2xx response, after retries.
            APIConnectionError: No response (``APITimeoutError``: in time).
            ClientClosedError: The client is closed.
        """
        call = self._plan(endpoint, params, timeout, idempotency_key, convert)
        for attempt in retrying(self._retry_policy, str(call)):
            with attempt:
                return self._send(call, attempt.num)
        raise AssertionError("unreachable: stamina returns or raises")

    def _send(self, call: Call, attempt: int) -> Any:
        with exchange(call, attempt, self._check_open) as sent:
            response = sent.record(
                self._http.request(**call.request, timeout=call.http_timeout)
            )
        return parse_success(call, response)


class AsyncClient(_BaseClient):
    """The Pictograph API for asyncio, over one pooled HTTP connection per client.

    Use it as an async context manager, or await ``aclose()`` when done::

        async with AsyncClient() as client:
            project = await client.projects.get("road-signs")

    Takes the same arguments as ``Client``; ``transport`` is an
    ``httpx.AsyncBaseTransport``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven | None = NOT_GIVEN,
        allow_insecure_http: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            allow_insecure_http=allow_insecure_http,
        )
        self._http = httpx.AsyncClient(
            **http_options(self._settings),
            event_hooks={"response": [async_error_hook(self._settings.api_key)]},
            transport=transport,
        )
        self.projects = AsyncProjects(self)
        self.datasets = AsyncDatasets(self)

    async def aclose(self) -> None:
        """Close the pooled connections. The client cannot be used afterwards."""
        self._closed = True
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _request(
        self,
        endpoint: ModuleType,
        /,
        *,
        timeout: float | NotGiven = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
        convert: Callable[[bytes], Any] = json.loads,
        **params: Any,
    ) -> Any:
        """The async ``Client._request``: same arguments, result and errors."""
        call = self._plan(endpoint, params, timeout, idempotency_key, convert)
        async for attempt in retrying(self._retry_policy, str(call)):
            with attempt:
                return await self._send(call, attempt.num)
        raise AssertionError("unreachable: stamina returns or raises")

    async def _send(self, call: Call, attempt: int) -> Any:
        with exchange(call, attempt, self._check_open) as sent:
            response = sent.record(
                await self._http.request(**call.request, timeout=call.http_timeout)
            )
        return parse_success(call, response)
