"""Assembling the HTTP request for one call from the plan and the submitted values.

Parameters are serialised by `styles` (the OpenAPI style tables); bodies are encoded
by media type: JSON, form-urlencoded, multipart (through requests/urllib3, which do
the part boundaries and headers right), or raw bytes/text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from autoui.dispatcher import styles
from autoui.dispatcher.values import ABSENT, FileValue, ValueProblem, wire_value
from autoui.mapper.plan import Field, OperationPlan

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_PATH_REQUIRED = "a value is required (it is part of the URL path)"


def build_request(
    plan: OperationPlan, values: Mapping[str, Any], base_url: str
) -> requests.Request:
    """A `requests.Request` for `plan` with `values` keyed by each field's api_param.

    Raises ValueProblem naming the field when a value cannot be sent.
    """
    wire: list[tuple[Field, Any]] = []
    for field in plan.fields:
        value = wire_value(field, values.get(field.api_param))
        if value is ABSENT:
            if field.location == "path":
                raise ValueProblem(field, _PATH_REQUIRED)
            continue
        wire.append((field, value))
    path = plan.operation.path
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    body_values: list[tuple[Field, Any]] = []
    for field, value in wire:
        param = field.parameter
        try:
            if field.location == "body" or param is None:
                body_values.append((field, value))
            elif field.location == "path":
                path = path.replace("{" + field.name + "}", _segment(field, value))
            elif field.location == "query":
                query += styles.query_pairs(
                    field.name,
                    _param_value(field, value),
                    param.style,
                    param.explode,
                    param.allow_reserved,
                )
            elif field.location == "header":
                headers[field.name] = styles.header_value(
                    _param_value(field, value), param.explode, name=field.name
                )
            elif field.location == "cookie":
                cookies.append(
                    styles.cookie_pair(field.name, _param_value(field, value), param.explode)
                )
        except ValueError as exc:
            raise ValueProblem(field, str(exc).split(": ", 1)[-1]) from None
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    url = base_url.rstrip("/") + path
    if query:
        url += ("&" if "?" in url else "?") + styles.query_string(query)
    request = requests.Request(plan.operation.method, url, headers=headers)
    _encode_body(request, plan, body_values)
    return request


def _segment(field: Field, value: Any) -> str:
    """The path text for `field`; refuses text that would not fill exactly its segment.

    An empty expansion (an empty required string, or an empty list in `simple` style)
    would send `/items/` instead of `/items/{id}`: another route, or the collection.
    """
    assert field.parameter is not None
    text = styles.path_segment(
        field.name, _param_value(field, value), field.parameter.style, field.parameter.explode
    )
    if not text:
        raise ValueError(_PATH_REQUIRED)
    if text in (".", ".."):
        raise ValueError(f"{text!r} would change the path, not fill it in")
    return text


def _param_value(field: Field, value: Any) -> Any:
    """A parameter declared with `content` (e.g. JSON) is sent as that document's text."""
    if field.parameter is not None and field.parameter.media_type is not None:
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return value


def _encode_body(
    request: requests.Request, plan: OperationPlan, values: list[tuple[Field, Any]]
) -> None:
    media_type = plan.body_media_type
    body = plan.operation.body
    if media_type is None or body is None:
        return
    whole = next((v for f, v in values if not f.body_path), ABSENT)
    if whole is not ABSENT:
        _raw_body(request, media_type, whole)
        return
    document: dict[str, Any] = {}
    for path in plan.required_objects:
        if path:
            _set(document, path, {})
    for field, value in values:
        _set(document, field.body_path, value)
    if not document and not body.required and not plan.required_objects:
        return
    if media_type == _MULTIPART:
        request.files = _multipart(document)
    elif media_type == _FORM:
        request.data = styles.query_string(_form_pairs(plan, document))
        request.headers["Content-Type"] = _FORM
    else:
        request.data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        request.headers["Content-Type"] = media_type if "json" in media_type else "application/json"


def _raw_body(request: requests.Request, media_type: str, value: Any) -> None:
    if isinstance(value, FileValue):
        request.data = value.content
        concrete = "*" not in media_type
        request.headers["Content-Type"] = media_type if concrete else value.media_type
    elif "json" in media_type:
        request.data = json.dumps(value, ensure_ascii=False).encode("utf-8")
        request.headers["Content-Type"] = media_type
    else:
        request.data = (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")
        request.headers["Content-Type"] = media_type + (
            "; charset=utf-8" if media_type.startswith("text/") else ""
        )


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = document
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    if not (isinstance(value, dict) and isinstance(node.get(path[-1]), dict)):
        node[path[-1]] = value


def _form_pairs(plan: OperationPlan, document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Form fields in their `encoding` style; values the styles cannot flatten go as JSON."""
    body = plan.operation.body
    media = body.content.get(_FORM) if body else None
    pairs: list[tuple[str, str]] = []
    for name, value in document.items():
        encoding = media.encoding.get(name) if media else None
        style = encoding.style if encoding and encoding.style else "form"
        explode = encoding.explode if encoding and encoding.explode is not None else style == "form"
        try:
            pairs += styles.query_pairs(name, value, style, explode)
        except ValueError:
            pairs += styles.query_pairs(name, json.dumps(value, separators=(",", ":")))
    return pairs


def _multipart(document: Mapping[str, Any]) -> list[tuple[str, tuple[str | None, Any, str | None]]]:
    """One part per property; a list of files or plain values is one part per item."""
    parts: list[tuple[str, tuple[str | None, Any, str | None]]] = []
    for name, value in document.items():
        repeated = isinstance(value, list) and all(
            isinstance(v, (FileValue, str, int, float, bool)) for v in value
        )
        for item in value if repeated else [value]:
            parts.append((name, _part(item)))
    return parts


def _part(value: Any) -> tuple[str | None, Any, str | None]:
    if isinstance(value, FileValue):
        return value.filename, value.content, value.media_type
    if isinstance(value, (dict, list)):
        return None, json.dumps(value, ensure_ascii=False), "application/json"
    if isinstance(value, bool):
        return None, "true" if value else "false", None
    return None, str(value), None
