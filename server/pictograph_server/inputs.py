"""Reading a request's parameters and body, in the order the SDK checks them.

Body: media type (415), size while reading (413), JSON (400), then the shared
rules of ``pictograph._rules`` (422, the same fields and words as the SDK),
then the spec's own schema as a gate for anything the rules did not cover.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from pictograph._rules import FieldError, normalize_name
from pictograph_server.errors import ApiError, validation_error
from pictograph_server.spec import OperationSpec, field_errors

__all__ = ["MAX_BODY_BYTES", "Body", "read_body", "read_params"]

MAX_BODY_BYTES = 2 * 1024 * 1024
# How much of an oversized body is read and thrown away so the client, still
# sending, sees the 413 rather than a reset connection; past this we stop.
_DRAIN_BYTES = 16 * 1024 * 1024
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
# The spec's bodies nest three deep (body, classes, class). A cap far below
# the interpreter's recursion limit keeps every later step that recurses (the
# schema check, repr in its messages, json.dumps) from meeting RecursionError.
MAX_BODY_DEPTH = 32
_MAX_INT_DIGITS = 4000


def read_params(op: OperationSpec, request: Request) -> dict[str, Any]:
    """The operation's query, header and path parameters, checked by the spec.

    Raises:
        ApiError: 422 naming each bad parameter.
    """
    values: dict[str, Any] = {}
    # On an operation with query parameters (the lists, which document 422),
    # an unknown one is most likely a typo (``limt``): say so rather than
    # silently ignore it. Operations without any ignore the query string.
    known = {param.name for param in op.parameters if param.location == "query"}
    errors = [
        FieldError(name[:100], "is not a query parameter of this operation.")
        for name in dict.fromkeys(request.query_params.keys())
        if known and name not in known
    ]
    for param in op.parameters:
        if param.location == "query":
            raw = request.query_params.get(param.name)
        elif param.location == "header":
            raw = request.headers.get(param.name)
            if raw is not None:
                # RFC 9110 section 5.5: surrounding whitespace is not the value.
                raw = raw.strip(" \t")
        else:
            raw = request.path_params.get(param.name)
        if raw is None:
            if param.required:
                errors.append(FieldError(param.name, "is required."))
            continue
        value: Any = raw
        if param.integer:
            if not _INTEGER.fullmatch(raw):
                errors.append(FieldError(param.name, "must be an integer."))
                continue
            value = int(raw)
        found = param.errors(value)
        if found:
            errors += found
        else:
            values[param.name] = value
    if errors:
        raise validation_error(errors)
    return values


@dataclass(frozen=True, slots=True)
class Body:
    """A parsed JSON body and its canonical bytes (for idempotency)."""

    value: dict[str, Any]
    canonical: bytes


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _parse_int(text: str) -> int | float:
    # Python refuses to convert integers of more than 4,300 digits; no field
    # takes one, so it is kept as a float and the rules name the field (422).
    return int(text) if len(text) <= _MAX_INT_DIGITS else float(text)


class _Repeated(dict[str, Any]):
    """An object in which ``key`` came more than once (the last value is kept)."""

    key: str


def _pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            break
        seen.add(key)
    repeated = _Repeated(result)
    repeated.key = key
    return repeated


def _check_shape(value: object) -> None:
    """Raise a 400 for a body nested too deeply or repeating an object's key."""
    # Iterative, with each container's field as in 422s: classes[0].name.
    stack: list[tuple[object, int, str]] = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if depth > MAX_BODY_DEPTH:
            raise _too_deep()
        children: Iterable[tuple[str, object]]
        if isinstance(item, dict):
            prefix = path + "." if path else ""
            if isinstance(item, _Repeated):
                where = (prefix + item.key)[:200]
                raise ApiError(
                    400,
                    f"The request body repeats the key {where!r}; send it once.",
                    details={"field": where},
                )
            children = ((prefix + name, child) for name, child in item.items())
        else:
            assert isinstance(item, list)
            children = ((f"{path}[{i}]", child) for i, child in enumerate(item))
        stack.extend(
            (child, depth + 1, field)
            for field, child in children
            if isinstance(child, (dict, list))
        )


def _too_deep() -> ApiError:
    return ApiError(
        400,
        "The request body nests JSON too deeply.",
        details={"max_depth": MAX_BODY_DEPTH},
    )


async def read_body(request: Request) -> Body:
    """The request's JSON object body.

    Raises:
        ApiError: 415 for another media type, 413 past 2 MiB, 400 for bytes
            that are not JSON, 422 for JSON that is not an object.
    """
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(
            415,
            "The request body must be application/json.",
            details={"content_type": content_type[:200]},
        )
    raw = await _read_limited(request)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "The request body is not valid UTF-8.") from exc
    try:
        value = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            object_pairs_hook=_pairs_to_dict,
        )
    except RecursionError as exc:
        raise _too_deep() from exc
    except ValueError as exc:
        raise ApiError(
            400,
            f"The request body is not valid JSON: {str(exc)[:200]}",
        ) from exc
    if isinstance(value, (dict, list)):
        _check_shape(value)
    try:
        # A lone surrogate (from a \ud800 escape) parses but cannot be stored.
        canonical = json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ApiError(
            400,
            "The request body escapes a lone surrogate (such as \\ud800), "
            "which is not a character.",
        ) from exc
    if not isinstance(value, dict):
        raise validation_error([FieldError("body", "must be a JSON object.")])
    return Body(value, canonical)


def _too_large() -> ApiError:
    return ApiError(
        413,
        f"The request body is over the limit of {MAX_BODY_BYTES} bytes.",
        details={"limit": MAX_BODY_BYTES},
    )


async def _read_limited(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _DRAIN_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _DRAIN_BYTES:
            break
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
    if size > MAX_BODY_BYTES:
        raise _too_large()
    return b"".join(chunks)


def nfc_names(body: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a body with the project's and classes' names in NFC."""
    result = dict(body)
    if isinstance(result.get("name"), str):
        result["name"] = normalize_name(result["name"])
    classes = result.get("classes")
    if isinstance(classes, list):
        result["classes"] = [
            {**cls, "name": normalize_name(cls["name"])}
            if isinstance(cls, dict) and isinstance(cls.get("name"), str)
            else cls
            for cls in classes
        ]
    return result


def check_body(
    op: OperationSpec,
    body: Mapping[str, Any],
    rules: Callable[[Mapping[str, Any]], list[FieldError]],
) -> dict[str, Any]:
    """The body with names in NFC, once it keeps the rules and the schema.

    Raises:
        ApiError: 422 listing each broken rule with its field.
    """
    errors = rules(body)
    if errors:
        raise validation_error(errors)
    normalised = nfc_names(body)
    if op.body is not None:
        errors = field_errors(op.body, normalised)
        if errors:
            raise validation_error(errors)
    return normalised
