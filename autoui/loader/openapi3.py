"""OpenAPI 3.0 and 3.1 documents to the IR."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.ir import (
    HTTP_METHODS,
    Api,
    Body,
    Encoding,
    MediaType,
    Operation,
    Parameter,
    Response,
)
from autoui.loader import lenient
from autoui.loader.common import (
    Reader,
    escape,
    media_type_name,
    pointer,
    security_scheme,
    server_list,
)

_DEFAULT_STYLE = {"path": "simple", "header": "simple", "query": "form", "cookie": "form"}


def read(reader: Reader) -> Api:
    doc = reader.document
    info = reader.obj(doc.get("info"), "#/info")
    servers = server_list(reader, doc.get("servers"), "#/servers") or server_list(
        reader, [{"url": "/"}], "#/servers"
    )
    components = reader.obj(doc.get("components"), "#/components")
    schemes = {
        name: security_scheme(
            name, reader.obj(raw, pointer("components", "securitySchemes", name)), reader
        )
        for name, raw in reader.items(
            components.get("securitySchemes"), "#/components/securitySchemes"
        )
    }
    return Api(
        title=reader.text(info.get("title")) or "API",
        version=reader.text(info.get("version")),
        description=reader.text(info.get("description")),
        openapi_version=str(doc.get("openapi")),
        schemas=reader.schemas,
        servers=servers,
        operations=list(_operations(reader)),
        security_schemes=schemes,
        security=reader.security(doc.get("security"), "#/security") or [],
        tags=reader.tags(),
        extensions={k: v for k, v in doc.items() if isinstance(k, str) and k.startswith("x-")},
        webhooks=[name for name, _ in reader.items(doc.get("webhooks"), "#/webhooks")],
    )


def _operations(reader: Reader) -> Any:
    for path, raw_item in reader.items(reader.document.get("paths"), "#/paths"):
        where = pointer("paths", path)
        item = reader.obj(raw_item, where)
        shared = _parameters(reader, item.get("parameters"), where + "/parameters")
        path_servers = server_list(reader, item.get("servers"), where + "/servers")
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op_where = f"{where}/{method}"
            raw = reader.obj(item[method], op_where)
            own = _parameters(reader, raw.get("parameters"), op_where + "/parameters")
            parameters = merge_parameters(shared, own)
            yield Operation(
                method=method.upper(),
                path=path,
                operation_id=reader.text(raw.get("operationId")),
                summary=reader.text(raw.get("summary") or item.get("summary")),
                description=reader.text(raw.get("description") or item.get("description")),
                tags=[str(t) for t in raw.get("tags", []) if t]
                if isinstance(raw.get("tags"), list)
                else [],
                parameters=parameters,
                body=_body(reader, raw.get("requestBody"), op_where + "/requestBody"),
                responses=_responses(reader, raw.get("responses"), op_where + "/responses"),
                security=reader.security(raw.get("security"), op_where + "/security"),
                servers=server_list(reader, raw.get("servers"), op_where + "/servers")
                or path_servers,
                deprecated=raw.get("deprecated") is True,
                extensions={k: v for k, v in raw.items() if k.startswith("x-")},
                pointer=op_where,
            )


def merge_parameters(shared: list[Parameter], own: list[Parameter]) -> list[Parameter]:
    """Path-level parameters, each replaced by an operation-level one of the same name and place."""
    overridden = {(p.name, p.location) for p in own}
    return [p for p in shared if (p.name, p.location) not in overridden] + own


def _parameters(reader: Reader, node: Any, where: str) -> list[Parameter]:
    if node is None:
        return []
    if not isinstance(node, list):
        reader.problem(where, "parameters must be a list")
        return []
    found = []
    for i, raw in enumerate(node):
        param = reader.obj(raw, f"{where}/{i}")
        name, location = param.get("name"), param.get("in")
        if not isinstance(name, str) or location not in _DEFAULT_STYLE:
            reader.problem(f"{where}/{i}", "a parameter needs a name and a valid 'in'", "error")
            continue
        style = param.get("style") if isinstance(param.get("style"), str) else None
        style = style or _DEFAULT_STYLE[location]
        explode = param.get("explode")
        schema, media_type = param.get("schema"), None
        if schema is None and isinstance(param.get("content"), Mapping) and param["content"]:
            media_type, content = next(iter(param["content"].items()))
            schema = reader.obj(content, f"{where}/{i}/content").get("schema")
        elif schema is None:
            schema = {}
            lenient.untyped(reader, name, f"{where}/{i}", schema)
        reader.schemas.locate(param.get("schema"), f"{where}/{i}/schema")
        schema = lenient.mended_type(reader, schema, name, f"{where}/{i}")
        lenient.path_required(reader, param, f"{where}/{i}")
        found.append(
            Parameter(
                name=name,
                location=location,
                schema=schema if schema is not None else {},
                required=location == "path" or param.get("required") is True,
                description=reader.text(param.get("description")),
                style=style,
                # deepObject is only defined exploded, whatever its default says.
                explode=explode if isinstance(explode, bool) else style in ("form", "deepObject"),
                allow_reserved=param.get("allowReserved") is True,
                deprecated=param.get("deprecated") is True,
                examples=reader.examples(param, f"{where}/{i}"),
                media_type=media_type_name(str(media_type)) if media_type else None,
            )
        )
    return found


def _content(reader: Reader, node: Any, where: str) -> dict[str, MediaType]:
    content: dict[str, MediaType] = {}
    for raw_name, raw in reader.items(node, where):
        at = f"{where}/{escape(raw_name)}"
        media = reader.obj(raw, at)
        encoding = {
            str(prop): Encoding(
                content_type=enc.get("contentType")
                if isinstance(enc.get("contentType"), str)
                else None,
                style=enc.get("style") if isinstance(enc.get("style"), str) else None,
                explode=enc.get("explode") if isinstance(enc.get("explode"), bool) else None,
                allow_reserved=enc.get("allowReserved") is True,
            )
            for prop, enc in reader.items(media.get("encoding"), f"{at}/encoding")
            if isinstance(enc, Mapping)
        }
        name = media_type_name(raw_name)
        reader.schemas.locate(media.get("schema"), f"{at}/schema")
        content[name] = MediaType(
            name=name,
            schema=media.get("schema"),
            examples=reader.examples(media, at),
            encoding=encoding,
        )
        lenient.unnamed_part(reader, content[name], at)
    return content


def _body(reader: Reader, node: Any, where: str) -> Body | None:
    if node is None:
        return None
    raw = reader.obj(node, where)
    content = _content(reader, raw.get("content"), where + "/content")
    if not content:
        return None
    return Body(content, raw.get("required") is True, reader.text(raw.get("description")))


def _responses(reader: Reader, node: Any, where: str) -> list[Response]:
    return [
        Response(
            status=str(status).upper(),
            description=reader.text(raw.get("description")),
            content=_content(reader, raw.get("content"), f"{where}/{status}/content"),
        )
        for status, raw in (
            (status, reader.obj(value, f"{where}/{status}"))
            for status, value in reader.items(node, where)
            if not str(status).startswith("x-")
        )
    ]
