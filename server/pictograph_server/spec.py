"""The OpenAPI document as the server's source of request validation.

The spec is read once at start; for each operation the schemas of its
parameters and request body are compiled into Draft 2020-12 validators (the
dialect OpenAPI 3.1 uses) that resolve ``$ref`` against the document itself,
so no schema is ever copied into the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pictograph._rules import FieldError

__all__ = ["SPEC_PATH", "OperationSpec", "Parameter", "Spec", "field_errors"]

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
_URI = "urn:pictograph:openapi"
_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


# eq=False: hashed by identity, so a parameter can key the cache below.
@dataclass(frozen=True, slots=True, eq=False)
class Parameter:
    """A query, header or path parameter with its compiled schema."""

    name: str
    location: str
    required: bool
    integer: bool
    validator: Draft202012Validator

    def errors(self, value: str | int) -> list[FieldError]:
        """Every way ``value`` breaks the parameter's schema, as field errors."""
        return list(_parameter_errors(self, value))


# A jsonschema pass costs more than the rest of a GET; the same names, limits
# and keys come back request after request, and the answer is pure.
@lru_cache(maxsize=4096)
def _parameter_errors(param: Parameter, value: str | int) -> tuple[FieldError, ...]:
    return tuple(field_errors(param.validator, value, root=param.name))


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """What the server needs of one operation of the spec."""

    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: Draft202012Validator | None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Spec:
    """The parsed spec and its operations, keyed by ``operationId``."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        resource: Resource[Any] = DRAFT202012.create_resource(document)
        self._registry: Registry[Any] = Registry().with_resource(_URI, resource)
        self._resolver = self._registry.resolver(base_uri=_URI)

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> Spec:
        """Read and parse ``openapi.yaml`` (the copy shipped in the package)."""
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as stream:
            return cls(yaml.load(stream, Loader=loader))

    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator(
            {"$ref": f"{_URI}#{pointer}"}, registry=self._registry
        )

    def _deref(self, node: Mapping[str, Any], pointer: str) -> tuple[Any, str]:
        """Follow a local ``$ref``; returns the target and its JSON pointer."""
        while "$ref" in node:
            ref = node["$ref"]
            node = self._resolver.lookup(ref).contents
            pointer = ref.removeprefix("#")
        return node, pointer

    @cached_property
    def operations(self) -> dict[str, OperationSpec]:
        """Every operation of the spec, its validators compiled."""
        found: dict[str, OperationSpec] = {}
        for path, item in self.document["paths"].items():
            item_pointer = f"/paths/{_escape(path)}"
            shared = list(self._parameters(item, item_pointer))
            for method in _METHODS:
                if method not in item:
                    continue
                op = item[method]
                op_pointer = f"{item_pointer}/{method}"
                own = list(self._parameters(op, op_pointer))
                names = {(p.name, p.location) for p in own}
                params = [p for p in shared if (p.name, p.location) not in names]
                found[op["operationId"]] = OperationSpec(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    parameters=tuple(params + own),
                    body=self._body(op, op_pointer),
                )
        return found

    def _parameters(self, node: Mapping[str, Any], pointer: str) -> Iterable[Parameter]:
        for index, raw in enumerate(node.get("parameters", [])):
            param, param_pointer = self._deref(raw, f"{pointer}/parameters/{index}")
            schema, schema_pointer = self._deref(
                param["schema"], f"{param_pointer}/schema"
            )
            yield Parameter(
                name=param["name"],
                location=param["in"],
                required=bool(param.get("required", False)),
                integer=schema.get("type") == "integer",
                validator=self._validator(schema_pointer),
            )

    def _body(self, op: Mapping[str, Any], pointer: str) -> Draft202012Validator | None:
        if "requestBody" not in op:
            return None
        _, body_pointer = self._deref(op["requestBody"], f"{pointer}/requestBody")
        json_pointer = f"{body_pointer}/content/{_escape('application/json')}/schema"
        return self._validator(json_pointer)

    def check_routes(self, routes: Iterable[tuple[str, str]]) -> None:
        """Fail unless the (method, path) pairs served are exactly the spec's.

        Raises:
            RuntimeError: naming the operations without a route and the routes
                without an operation.
        """
        served = set(routes)
        documented = {(op.method, op.path) for op in self.operations.values()}
        missing, extra = documented - served, served - documented
        if missing or extra:
            raise RuntimeError(
                "The routes do not match openapi.yaml: "
                f"operations without a route: {sorted(missing)}; "
                f"routes without an operation: {sorted(extra)}."
            )


def _field(path: Iterable[object], root: str) -> str:
    """``['classes', 1, 'name']`` as ``classes[1].name``."""
    text = root
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text or "body"


def _listed(values: object) -> str:
    return ", ".join(map(str, values)) if isinstance(values, list) else str(values)


def _message(error: jsonschema.ValidationError) -> str:
    # jsonschema's own messages repeat the whole value (a 10 KB string, say);
    # ours say what is wrong without it.
    kind, limit = error.validator, error.validator_value
    messages = {
        "type": f"must be of type {limit}.",
        "maxLength": f"must be at most {limit} characters.",
        "minLength": f"must be at least {limit} characters.",
        "maxItems": f"must hold at most {limit} items.",
        "minItems": f"must hold at least {limit} items.",
        "uniqueItems": "must not repeat an item.",
        "pattern": f"must match the pattern {limit!r}.",
        "minimum": f"must be at least {limit}.",
        "maximum": f"must be at most {limit}.",
        "enum": f"must be one of {_listed(limit)}.",
    }
    return messages.get(str(kind), f"breaks the spec's {kind!s} rule.")


def field_errors(
    validator: Draft202012Validator, instance: object, root: str = ""
) -> list[FieldError]:
    """Every way ``instance`` breaks the validator's schema, as field errors."""
    errors: list[FieldError] = []
    for error in validator.iter_errors(instance):
        path = list(error.absolute_path)
        value = error.instance
        if error.validator == "required" and isinstance(value, Mapping):
            errors += [
                FieldError(_field([*path, name], root), "is required.")
                for name in error.validator_value
                if name not in value
            ]
        elif error.validator == "additionalProperties" and isinstance(value, Mapping):
            known = (
                error.schema.get("properties", {})
                if isinstance(error.schema, Mapping)
                else {}
            )
            errors += [
                FieldError(_field([*path, name], root), "is not a known field.")
                for name in value
                if name not in known
            ]
        else:
            errors.append(FieldError(_field(path, root), _message(error)))
    return sorted(set(errors), key=lambda e: e.field)
