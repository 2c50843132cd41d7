"""Pieces shared by the Swagger 2.0 and OpenAPI 3.x readers.

Real documents are often malformed (a string where an object belongs, a `$ref` that
points nowhere). These helpers never raise on such input: they return an empty value
and record a `Problem` with its JSON pointer, so one bad operation does not cost the
user the other hundred.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from autoui.ir import Example, Problem, SecurityScheme, Server, ServerVariable, Tag
from autoui.schemas import Schemas


class Reader:
    """Reads parts of one document, collecting problems instead of raising."""

    def __init__(self, document: Mapping[str, Any], schemas: Schemas, source_uri: str) -> None:
        self.document = document
        self.schemas = schemas
        self.source_uri = source_uri
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(message, where, severity))  # type: ignore[arg-type]

    def obj(self, node: Any, where: str) -> dict[str, Any]:
        """`node` as a mapping, following `$ref`; {} (and a problem) when it is not one."""
        if isinstance(node, Mapping) and "$ref" in node:
            try:
                node = self.schemas.deref(node)
            except KeyError as exc:
                self.problem(where, str(exc).strip("'\""), "error")
                return {}
        if isinstance(node, Mapping):
            return dict(node)
        if node is not None:
            self.problem(where, f"expected an object, found {type(node).__name__}")
        return {}

    def items(self, node: Any, where: str) -> list[tuple[str, Any]]:
        return [(str(k), v) for k, v in self.obj(node, where).items()]

    def text(self, node: Any) -> str:
        return node if isinstance(node, str) else "" if node is None else str(node)

    def tags(self) -> list[Tag]:
        found = self.document.get("tags")
        if not isinstance(found, list):
            return []
        return [
            Tag(str(t.get("name", "")), self.text(t.get("description")))
            for t in found
            if isinstance(t, Mapping) and t.get("name")
        ]

    def examples(self, holder: Mapping[str, Any], where: str) -> list[Example]:
        """`example` and named `examples` of a parameter or media type, in that order."""
        found: list[Example] = []
        if "example" in holder:
            found.append(Example("example", holder["example"]))
        named = holder.get("examples")
        if isinstance(named, Mapping):
            for name, raw in named.items():
                ex = self.obj(raw, f"{where}/examples/{name}")
                if "value" in ex:
                    found.append(Example(str(name), ex["value"], self.text(ex.get("summary"))))
        return found

    def security(self, node: Any, where: str) -> list[dict[str, list[str]]] | None:
        if node is None:
            return None
        if not isinstance(node, list):
            self.problem(where, "security must be a list")
            return None
        requirements = []
        for alternative in node:
            if isinstance(alternative, Mapping):
                requirements.append(
                    {
                        str(k): [str(s) for s in (v or [])] if isinstance(v, list) else []
                        for k, v in alternative.items()
                    }
                )
        return requirements


def absolute_server(url: str, source_uri: str) -> str:
    """A server URL made absolute against the URL the spec came from.

    FastAPI publishes no `servers`, or a relative one, meaning "where this document
    came from"; for a spec read from a file there is no such place, so a relative URL
    stays relative and the caller asks for --base-url.
    """
    if urlsplit(url).scheme in ("http", "https"):
        return url
    if urlsplit(source_uri).scheme in ("http", "https"):
        return urljoin(source_uri, url or "/")
    return url


def server_list(reader: Reader, node: Any, where: str) -> list[Server]:
    if not isinstance(node, list):
        return []
    servers = []
    for i, raw in enumerate(node):
        entry = reader.obj(raw, f"{where}/{i}")
        if not isinstance(entry.get("url"), str):
            continue
        variables = {
            str(name): ServerVariable(
                default=str(var.get("default", "")),
                enum=[str(v) for v in var.get("enum", []) if v is not None]
                if isinstance(var.get("enum"), list)
                else [],
                description=reader.text(var.get("description")),
            )
            for name, var in reader.items(entry.get("variables"), f"{where}/{i}/variables")
            if isinstance(var, Mapping)
        }
        servers.append(
            Server(
                absolute_server(entry["url"], reader.source_uri),
                reader.text(entry.get("description")),
                variables,
            )
        )
    return servers


def security_scheme(name: str, raw: Mapping[str, Any], reader: Reader) -> SecurityScheme:
    """An OpenAPI 3 security scheme object (2.0 ones are converted to this shape first)."""
    flows = raw.get("flows")
    return SecurityScheme(
        name=name,
        type=reader.text(raw.get("type")),
        description=reader.text(raw.get("description")),
        location=reader.text(raw.get("in")),
        param_name=reader.text(raw.get("name")),
        scheme=reader.text(raw.get("scheme")).lower(),
        bearer_format=reader.text(raw.get("bearerFormat")),
        flows=dict(flows) if isinstance(flows, Mapping) else {},
        openid_connect_url=reader.text(raw.get("openIdConnectUrl")),
    )


def media_type_name(raw: str) -> str:
    """`application/JSON; charset=utf-8` -> `application/json`."""
    return raw.split(";", 1)[0].strip().lower()


def escape(part: str) -> str:
    """One JSON pointer segment."""
    return part.replace("~", "~0").replace("/", "~1")


def pointer(*parts: str) -> str:
    return "#/" + "/".join(escape(p) for p in parts)
