"""Swagger 2.0 documents to the IR, in OpenAPI 3 terms.

`body` and `formData` parameters become a request body, `consumes`/`produces` become
media types, `collectionFormat` becomes a style, `host`/`basePath`/`schemes` become
servers and `securityDefinitions` become 3.x security schemes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from autoui.ir import (
    HTTP_METHODS,
    Api,
    Body,
    Encoding,
    Example,
    MediaType,
    Operation,
    Parameter,
    Response,
    Server,
)
from autoui.loader import lenient
from autoui.loader.common import (
    Reader,
    absolute_server,
    media_type_name,
    pointer,
    security_scheme,
)
from autoui.loader.openapi3 import merge_parameters

# Keywords a non-body 2.0 parameter shares with JSON Schema.
_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
    "description",
)
# collectionFormat -> (style, explode); tsv has no OpenAPI 3 style of its own.
_COLLECTION_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "tsv": ("tabDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
_OAUTH_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def read(reader: Reader) -> Api:
    doc = reader.document
    info = reader.obj(doc.get("info"), "#/info")
    return Api(
        title=reader.text(info.get("title")) or "API",
        version=reader.text(info.get("version")),
        description=reader.text(info.get("description")),
        openapi_version="2.0",
        schemas=reader.schemas,
        servers=_servers(reader),
        operations=list(_operations(reader)),
        security_schemes={
            name: security_scheme(
                name, _scheme_as_v3(reader.obj(raw, pointer("securityDefinitions", name))), reader
            )
            for name, raw in reader.items(doc.get("securityDefinitions"), "#/securityDefinitions")
        },
        security=reader.security(doc.get("security"), "#/security") or [],
        tags=reader.tags(),
        extensions={k: v for k, v in doc.items() if isinstance(k, str) and k.startswith("x-")},
    )


def _servers(reader: Reader) -> list[Server]:
    doc = reader.document
    source = urlsplit(reader.source_uri)
    found_path = doc.get("basePath")
    base_path = found_path if isinstance(found_path, str) else "/"
    host = doc.get("host") if isinstance(doc.get("host"), str) else None
    if host is None:
        return [Server(absolute_server(base_path, reader.source_uri))]
    schemes = [s for s in doc.get("schemes") or [] if s in ("http", "https")]
    if source.scheme in schemes:
        schemes.remove(source.scheme)
        schemes.insert(0, source.scheme)
    if not schemes:
        # 2.0: "If the schemes is not included, the default scheme to be used is the
        # one used to access the Swagger definition itself."
        schemes = [source.scheme if source.scheme in ("http", "https") else "https"]
    return [Server(f"{scheme}://{host}{base_path}") for scheme in schemes]


def _scheme_as_v3(raw: Mapping[str, Any]) -> dict[str, Any]:
    kind = raw.get("type")
    if kind == "basic":
        return {**raw, "type": "http", "scheme": "basic"}
    if kind == "oauth2":
        flow = {k: raw[k] for k in ("authorizationUrl", "tokenUrl", "scopes") if k in raw}
        return {**raw, "flows": {_OAUTH_FLOWS.get(str(raw.get("flow")), "implicit"): flow}}
    return dict(raw)


def _operations(reader: Reader) -> Any:
    doc = reader.document
    global_consumes = _media_list(doc.get("consumes"))
    global_produces = _media_list(doc.get("produces"))
    for path, raw_item in reader.items(doc.get("paths"), "#/paths"):
        where = pointer("paths", path)
        item = reader.obj(raw_item, where)
        shared = _raw_parameters(reader, item.get("parameters"), where + "/parameters")
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op_where = f"{where}/{method}"
            raw = reader.obj(item[method], op_where)
            own = _raw_parameters(reader, raw.get("parameters"), op_where + "/parameters")
            merged = {(p.get("name"), p.get("in")): (p, at) for p, at in shared}
            merged.update({(p.get("name"), p.get("in")): (p, at) for p, at in own})
            consumes = _media_list(raw.get("consumes")) or global_consumes
            if not consumes or raw.get("consumes") == []:
                _unsaid_media_type(reader, op_where, merged.values(), consumes)
            produces = _media_list(raw.get("produces")) or global_produces
            parameters = [
                _parameter(reader, p, at) for p, at in merged.values() if p.get("in") in _LOCATIONS
            ]
            yield Operation(
                method=method.upper(),
                path=path,
                operation_id=reader.text(raw.get("operationId")),
                summary=reader.text(raw.get("summary")),
                description=reader.text(raw.get("description")),
                tags=[str(t) for t in raw.get("tags", []) if t]
                if isinstance(raw.get("tags"), list)
                else [],
                parameters=merge_parameters([], parameters),
                body=_body(reader, list(merged.values()), consumes),
                responses=_responses(
                    reader, raw.get("responses"), produces, op_where + "/responses"
                ),
                security=reader.security(raw.get("security"), op_where + "/security"),
                deprecated=raw.get("deprecated") is True,
                extensions={k: v for k, v in raw.items() if k.startswith("x-")},
                pointer=op_where,
            )


_LOCATIONS = ("path", "query", "header", "cookie")


def _unsaid_media_type(reader: Reader, where: str, params: Any, consumes: list[str]) -> None:
    """A body parameter whose operation says no media type (no `consumes`, or `[]`, which
    clears the document's): sent as JSON, 2.0's default, or as the document's types."""
    if any(p.get("in") == "body" for p, _ in params):
        sent = ", ".join(consumes) or "application/json"
        reader.problem(where, f"a body parameter but no media type in consumes: sent as {sent}")


def _media_list(node: Any) -> list[str]:
    return (
        [media_type_name(m) for m in node if isinstance(m, str)] if isinstance(node, list) else []
    )


def _raw_parameters(reader: Reader, node: Any, where: str) -> list[tuple[dict[str, Any], str]]:
    """The parameter objects with their JSON pointers."""
    if not isinstance(node, list):
        return []
    found = []
    for i, raw in enumerate(node):
        param = reader.obj(raw, f"{where}/{i}")
        if isinstance(param.get("name"), str) and param.get("in") in (
            *_LOCATIONS,
            "body",
            "formData",
        ):
            found.append((param, f"{where}/{i}"))
        else:
            reader.problem(f"{where}/{i}", "a parameter needs a name and a valid 'in'", "error")
    return found


def _schema_of(param: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a non-body parameter; `type: file` is a binary string in 3.x.

    The form body built from `formData` parameters is a schema autoui makes, not a node
    of the document, so it is written in 3.x terms here rather than left to `normalize`.
    """
    schema = {k: param[k] for k in _SCHEMA_KEYS if k in param and k != "description"}
    if schema.get("type") == "file":
        schema.update(type="string", format="binary")
    return schema


def _parameter(reader: Reader, param: dict[str, Any], where: str) -> Parameter:
    location = param["in"]
    simple_location = location in ("path", "header")
    if param.get("type") == "array":
        style, explode = _COLLECTION_STYLES.get(
            str(param.get("collectionFormat", "csv")), ("form", False)
        )
        if simple_location and style == "form":
            style = "simple"
    else:
        style, explode = ("simple", False) if simple_location else ("form", True)
    schema: Any = _schema_of(param)
    written_as_3 = lenient.swagger2_schema(reader, param, where)
    if written_as_3 is not None:
        schema = written_as_3
        reader.schemas.locate(schema, f"{where}/schema")
        # ...and so are its style and explode, when it gives them (httpbin's
        # `freeform` query object: `style: form, explode: true`).
        style = param["style"] if isinstance(param.get("style"), str) else style
        explode = param["explode"] if isinstance(param.get("explode"), bool) else explode
    elif "type" not in param:
        lenient.untyped(reader, param["name"], where, schema)
    schema = lenient.mended_type(reader, schema, param["name"], where)
    lenient.path_required(reader, param, where)
    examples = [Example("example", param["x-example"])] if "x-example" in param else []
    return Parameter(
        name=param["name"],
        location=location,
        schema=schema,
        required=location == "path" or param.get("required") is True,
        description=reader.text(param.get("description")),
        style=style,
        explode=explode,
        allow_reserved=False,
        examples=examples,
    )


def _body(
    reader: Reader, params: list[tuple[dict[str, Any], str]], consumes: list[str]
) -> Body | None:
    """The `body` parameter, else the `formData` ones as a form (params: with pointers)."""
    body_params = [(p, at) for p, at in params if p.get("in") == "body"]
    if body_params:
        param, at = body_params[0]
        reader.schemas.locate(param.get("schema"), f"{at}/schema")
        types = [m for m in consumes if m != "multipart/form-data"] or ["application/json"]
        return Body(
            {m: MediaType(m, param.get("schema", {})) for m in types},
            param.get("required") is True,
            reader.text(param.get("description")),
        )
    form = [p for p, _ in params if p.get("in") == "formData"]
    if not form:
        return None
    mended = {
        p["name"]: lenient.mended_type(reader, _schema_of(p), p["name"], at)
        for p, at in params
        if p.get("in") == "formData"
    }
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            p["name"]: {
                **mended[p["name"]],
                **(
                    {"description": p["description"]}
                    if isinstance(p.get("description"), str)
                    else {}
                ),
            }
            for p in form
        },
    }
    required = [p["name"] for p in form if p.get("required") is True]
    if required:
        schema["required"] = required
    encoding = {
        p["name"]: Encoding(style=style, explode=explode)
        for p in form
        if p.get("type") == "array"
        for style, explode in [
            _COLLECTION_STYLES.get(str(p.get("collectionFormat", "csv")), ("form", False))
        ]
    }
    has_file = any(p.get("type") == "file" for p in form)
    form_types = [
        m for m in consumes if m in ("multipart/form-data", "application/x-www-form-urlencoded")
    ]
    if has_file or not form_types:
        form_types = ["multipart/form-data"] if has_file else ["application/x-www-form-urlencoded"]
    return Body(
        {m: MediaType(m, schema, encoding=encoding) for m in form_types}, required=bool(required)
    )


def _responses(reader: Reader, node: Any, produces: list[str], where: str) -> list[Response]:
    responses = []
    for status, value in reader.items(node, where):
        if status.startswith("x-"):
            continue
        raw = reader.obj(value, f"{where}/{status}")
        schema = raw.get("schema")
        reader.schemas.locate(schema, f"{where}/{status}/schema")
        found_examples = raw.get("examples")
        examples: Mapping[str, Any] = found_examples if isinstance(found_examples, Mapping) else {}
        if schema is not None:
            types = produces or ["application/json"]
        else:
            types = [m for m in produces if "json" not in m]
        content = {
            m: MediaType(m, schema, [Example("example", examples[m])] if m in examples else [])
            for m in types
        }
        responses.append(Response(status.upper(), reader.text(raw.get("description")), content))
    return responses
