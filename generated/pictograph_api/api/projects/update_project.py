from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.project_response import ProjectResponse
from ...models.project_update import ProjectUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    *,
    body: ProjectUpdate,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/developer/projects/{project}".format(
            project=quote(str(project), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ProjectResponse | None:
    if response.status_code == 200:
        response_200 = ProjectResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Error.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ProjectResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: ProjectUpdate,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[Error | ProjectResponse]:
    """Update a project

     A patch: a field absent from the body is left alone, `description:
    null` clears the description and `name` renames the project. Requires
    the `member` role or above.

    `classes`, when present, replaces the whole class list in one
    transaction. Classes are matched by name (NFC, case-folded): a class
    that disappears takes every annotation using it with it, and a class
    whose `type` changes loses its annotations of the old type. Recolouring
    and reordering lose nothing.

    Args:
        project (str):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        body (ProjectUpdate): The body of `updateProject`. Absent fields are left alone;
            `description: null` clears the description; `classes` replaces the
            whole class list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ProjectResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        body=body,
        idempotency_key=idempotency_key,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: ProjectUpdate,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Error | ProjectResponse | None:
    """Update a project

     A patch: a field absent from the body is left alone, `description:
    null` clears the description and `name` renames the project. Requires
    the `member` role or above.

    `classes`, when present, replaces the whole class list in one
    transaction. Classes are matched by name (NFC, case-folded): a class
    that disappears takes every annotation using it with it, and a class
    whose `type` changes loses its annotations of the old type. Recolouring
    and reordering lose nothing.

    Args:
        project (str):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        body (ProjectUpdate): The body of `updateProject`. Absent fields are left alone;
            `description: null` clears the description; `classes` replaces the
            whole class list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ProjectResponse
    """

    return sync_detailed(
        project=project,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: ProjectUpdate,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[Error | ProjectResponse]:
    """Update a project

     A patch: a field absent from the body is left alone, `description:
    null` clears the description and `name` renames the project. Requires
    the `member` role or above.

    `classes`, when present, replaces the whole class list in one
    transaction. Classes are matched by name (NFC, case-folded): a class
    that disappears takes every annotation using it with it, and a class
    whose `type` changes loses its annotations of the old type. Recolouring
    and reordering lose nothing.

    Args:
        project (str):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        body (ProjectUpdate): The body of `updateProject`. Absent fields are left alone;
            `description: null` clears the description; `classes` replaces the
            whole class list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ProjectResponse]
    """

    kwargs = _get_kwargs(
        project=project,
        body=body,
        idempotency_key=idempotency_key,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: ProjectUpdate,
    idempotency_key: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Error | ProjectResponse | None:
    """Update a project

     A patch: a field absent from the body is left alone, `description:
    null` clears the description and `name` renames the project. Requires
    the `member` role or above.

    `classes`, when present, replaces the whole class list in one
    transaction. Classes are matched by name (NFC, case-folded): a class
    that disappears takes every annotation using it with it, and a class
    whose `type` changes loses its annotations of the old type. Recolouring
    and reordering lose nothing.

    Args:
        project (str):
        idempotency_key (str | Unset):
        if_match (str | Unset):
        body (ProjectUpdate): The body of `updateProject`. Absent fields are left alone;
            `description: null` clears the description; `classes` replaces the
            whole class list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ProjectResponse
    """

    return (
        await asyncio_detailed(
            project=project,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            if_match=if_match,
        )
    ).parsed
