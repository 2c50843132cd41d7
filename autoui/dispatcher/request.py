"""Assembling the HTTP request for one call from the plan and the submitted values.

Parameters are serialised by `styles` (the OpenAPI style tables); bodies are encoded
by media type: JSON, form-urlencoded, multipart (through requests/urllib3, which do
the part boundaries and headers right), or raw bytes/text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.filepost import encode_multipart_formdata

from autoui.dispatcher import styles
from autoui.dispatcher.raw import raw_body
from autoui.dispatcher.values import ABSENT, FileOpener, FileValue, ValueProblem, wire_value
from autoui.ir import Encoding
from autoui.mapper.plan import Field, OperationPlan, holds, is_json

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_PATH_REQUIRED = "a value is required (it is part of the URL path)"


@dataclass
class Parts:
    """What one call sends, before it is serialised: the active fields' wire values."""

    media_type: str | None  # the media type the body is sent as
    parameters: list[tuple[Field, Any]]  # path, query, header and cookie values
    body: Any  # ABSENT, the whole body (raw or JSON), or the JSON/form document
    fields: list[tuple[Field, Any]]  # every active body field with its value
    chosen: dict[str, str]  # each selector's choice, by key


def choices(plan: OperationPlan, values: Mapping[str, Any]) -> dict[str, str]:
    """Each selector's choice, by key: the value given, else its default.

    Raises ValueProblem for a choice the selector does not offer.
    """
    chosen: dict[str, str] = {}
    for field in plan.fields:
        if not field.is_selector:
            continue
        value = values.get(field.api_param)
        labels = field.choices or []
        if value in (None, ""):
            value = field.default
        if value not in labels:
            raise ValueProblem(field, f"{value!r} is not one of {', '.join(map(str, labels))}")
        chosen[field.key] = str(value)
    return chosen


def assemble(plan: OperationPlan, values: Mapping[str, Any], open_file: FileOpener) -> Parts:
    """The active fields' values for the wire, and the body document they make; file
    fields' values are read by `open_file`.

    Raises ValueProblem naming the field when a value cannot be sent.
    """
    chosen = choices(plan, values)
    active = [f for f in plan.fields if holds(f.when, chosen)]
    parameters: list[tuple[Field, Any]] = []
    body_values: list[tuple[Field, Any]] = []
    for field in active:
        value = wire_value(field, values.get(field.api_param), open_file)
        if value is ABSENT:
            if field.location == "path":
                raise ValueProblem(field, _PATH_REQUIRED)
            continue
        if field.location == "body" or field.parameter is None:
            body_values.append((field, value))
        else:
            parameters.append((field, value))
    selector = plan.media_selector
    media_type = plan.body_media_type
    if selector is not None:
        media_type = next(
            v.value for v in selector.variants or [] if v.label == chosen[selector.key]
        )
    body = (
        ABSENT if media_type is None else _document(plan, media_type, active, chosen, body_values)
    )
    return Parts(media_type, parameters, body, body_values, chosen)


def _document(
    plan: OperationPlan,
    media_type: str,
    active: list[Field],
    chosen: dict[str, str],
    values: list[tuple[Field, Any]],
) -> Any:
    body = plan.operation.body
    if body is None:
        return ABSENT
    whole = next((v for f, v in values if not f.body_path), ABSENT)
    if whole is not ABSENT or not is_document(media_type):
        return whole
    document: dict[str, Any] = {}
    for field, value in values:
        _set(document, field.body_path, value)
    sent = bool(document) or body.required  # the body goes out: its required objects too
    required = list(plan.required_objects) + [
        p for p, when in plan.required_when if holds(when, chosen)
    ]
    for path in sorted(required, key=len):  # a parent before the objects it requires
        parent = _object_at(document, path[:-1]) if path and sent else None
        if parent is not None and path[-1] not in parent:
            parent[path[-1]] = {}
    for field in active:
        # The discriminator of the chosen alternative, which has no field of its own.
        if field.is_selector and field.discriminator:
            variant = next(v for v in field.variants or [] if v.label == chosen[field.key])
            holder = _object_at(document, field.body_path)  # its object is sent
            if variant.value is not None and holder is not None:
                holder[field.discriminator] = variant.value
    return document if sent else ABSENT


def _object_at(document: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """The object at `path` in the body document, if it holds one there."""
    node: Any = document
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def build_request(
    plan: OperationPlan, values: Mapping[str, Any], base_url: str, open_file: FileOpener
) -> requests.Request:
    """A `requests.Request` for `plan` with `values` keyed by each field's api_param;
    file fields' values are read by `open_file` (which decides what may be read).

    Raises ValueProblem naming the field when a value cannot be sent.
    """
    parts = assemble(plan, values, open_file)
    path = plan.operation.url_path
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for field, value in parts.parameters:
        param = field.parameter
        assert param is not None
        try:
            if field.location == "path":
                path = path.replace("{" + field.name + "}", _segment(field, value))
            elif field.location == "query":
                query += _query_pairs(field, value)
            elif field.location == "header":
                headers[field.name] = _header(field, value)
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
    raw = raw_body(values, open_file)
    if raw is not None:  # typed or uploaded as it is: it takes the declared body's place
        request.data = raw.content
        request.headers["Content-Type"] = raw.content_type
    elif parts.media_type is not None and parts.body is not ABSENT:
        _encode_body(request, plan, parts.media_type, parts.body)
    return request


def _query_pairs(field: Field, value: Any) -> list[tuple[str, str]]:
    """The parameter's query pairs in its style (`deepObject` beyond its definition:
    `_deep_object_pairs`)."""
    param = field.parameter
    assert param is not None
    value = _param_value(field, value)
    if param.style == "deepObject" and param.explode:
        return _deep_object_pairs(field.name, value, param.allow_reserved)
    return styles.query_pairs(field.name, value, param.style, param.explode, param.allow_reserved)


def _deep_object_pairs(name: str, value: Any, reserved: bool) -> list[tuple[str, str]]:
    """`deepObject` as OpenAPI defines it for an object of plain values (`color[R]=100`),
    and beyond it as Stripe means it (`autoui.loader.lenient.deep_object_style`): nested
    objects and arrays nest the brackets (`a[b][0]=x`), a single value is `name=value`,
    and a null or an empty object inside, which a form cannot write, is left out (as
    stripe-python's `_api_encode` leaves them)."""
    plain = (dict, list, type(None))
    if isinstance(value, dict) and not any(isinstance(v, plain) for v in value.values()):
        return styles.query_pairs(name, value, "deepObject", True, reserved)
    if not isinstance(value, (dict, list)):
        return styles.query_pairs(name, value, "form", True, reserved)
    members = value.items() if isinstance(value, dict) else enumerate(value)
    return [
        pair
        for k, v in members
        if v is not None and v != {}
        for pair in _deep_object_pairs(f"{name}[{k}]", v, reserved)
    ]


def _header(field: Field, value: Any) -> str:
    assert field.parameter is not None
    if field.parameter.style in styles.DELIMITERS and isinstance(value, list):
        value = styles.DELIMITERS[field.parameter.style].join(map(styles.text_of, value))
    return styles.header_value(_param_value(field, value), field.parameter.explode, name=field.name)


def _segment(field: Field, value: Any) -> str:
    """The path text for `field`; refuses text that would not fill exactly its segment.

    An empty expansion (an empty required string, or an empty list in `simple` style)
    would send `/items/` instead of `/items/{id}`: another route, or the collection.
    """
    assert field.parameter is not None
    style = field.parameter.style
    if style in styles.DELIMITERS and isinstance(value, list):
        # Swagger 2.0's ssv/tsv/pipes in a path: the items joined by the delimiter.
        value = styles.DELIMITERS[style].join(map(styles.text_of, value))
        style = "simple"
    text = styles.path_segment(
        field.name, _param_value(field, value), style, field.parameter.explode
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
    request: requests.Request, plan: OperationPlan, media_type: str, body: Any
) -> None:
    media = plan.operation.body.content.get(media_type) if plan.operation.body else None
    if media_type == _MULTIPART and not isinstance(body, dict):
        body = {media.part_name if media else "file": body}  # a schema that is no object
    if not isinstance(body, dict) or not is_document(media_type):
        _raw_body(request, media_type, body)
        return
    encoding = media.encoding if media else {}
    if media_type == _MULTIPART:
        request.files = _multipart(body, encoding)
        if not request.files:  # a required body with no part set: empty, not absent
            request.data, request.headers["Content-Type"] = encode_multipart_formdata([])
    elif media_type == _FORM:
        request.data = styles.query_string(_form_pairs(body, encoding))
        request.headers["Content-Type"] = _FORM
    else:
        request.data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request.headers["Content-Type"] = concrete(media_type, "application/json")


def is_document(media_type: str) -> bool:
    """A body assembled from fields: JSON, a form or multipart (not raw bytes or text)."""
    return media_type in (_FORM, _MULTIPART) or is_json(media_type)


def concrete(media_type: str, own: str) -> str:
    """The Content-Type to send for a body the spec offers as `media_type`.

    A media range (`application/*+json`, `text/*`, `*/*`; ASP.NET specs list
    `application/*+json`) names no format a server can read, so a request carries a type
    of its family: the value's `own` type when it is one (a file's, or JSON's), else the
    suffix's type (`application/*+json` -> `application/json`), `text/plain` for text,
    and the value's own type otherwise.
    """
    if "*" not in media_type:
        return media_type
    family, _, subtype = media_type.partition("/")
    suffix = subtype.partition("+")[2]  # "json" of "*+json"
    if family in ("*", own.partition("/")[0]) and (
        not suffix or own.endswith(("/" + suffix, "+" + suffix))
    ):
        return own
    if suffix:
        return f"{'application' if family == '*' else family}/{suffix}"
    return "text/plain" if family == "text" else own


def _raw_body(request: requests.Request, media_type: str, value: Any) -> None:
    if isinstance(value, FileValue):
        request.data = value.content
        request.headers["Content-Type"] = concrete(media_type, value.media_type)
    elif "json" in media_type:
        request.data = json.dumps(value, ensure_ascii=False).encode("utf-8")
        request.headers["Content-Type"] = concrete(media_type, "application/json")
    else:
        request.data = (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")
        sent = concrete(media_type, "text/plain")
        request.headers["Content-Type"] = sent + (
            "; charset=utf-8" if sent.startswith("text/") else ""
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


def _form_pairs(
    document: Mapping[str, Any], encoding: Mapping[str, Encoding]
) -> list[tuple[str, str]]:
    """Form fields in their `encoding` style; values the styles cannot flatten go as JSON."""
    pairs: list[tuple[str, str]] = []
    for name, value in document.items():
        enc = encoding.get(name)
        style = enc.style if enc and enc.style else "form"
        explode = enc.explode if enc and enc.explode is not None else style == "form"
        reserved = bool(enc and enc.allow_reserved)
        try:
            if style == "deepObject" and explode:
                pairs += _deep_object_pairs(name, value, reserved)
                continue
            pairs += styles.query_pairs(name, value, style, explode, reserved)
        except ValueError:
            pairs += styles.query_pairs(name, json.dumps(value, separators=(",", ":")))
    return pairs


Part = tuple[str | None, Any, str | None]


def _multipart(
    document: Mapping[str, Any], encoding: Mapping[str, Encoding]
) -> list[tuple[str, Part]]:
    """One part per property; a list of files or plain values is one part per item,
    unless its encoding joins it (Swagger 2.0's csv, ssv, tsv and pipes)."""
    parts: list[tuple[str, Part]] = []
    for name, value in document.items():
        enc = encoding.get(name)
        scalars = isinstance(value, list) and all(
            isinstance(v, (FileValue, str, int, float, bool)) for v in value
        )
        style = enc.style if enc and enc.explode is False else None
        if scalars and style and all(not isinstance(v, FileValue) for v in value):
            delimiter = styles.DELIMITERS.get(style, ",")
            value, scalars = delimiter.join(map(styles.text_of, value)), False
        for item in value if scalars else [value]:
            parts.append((name, _part(item, enc.content_type if enc else None)))
    return parts


def _part(value: Any, content_type: str | None) -> Part:
    """A part's file name, content and Content-Type; `encoding.contentType` decides the
    type when it names one concrete type (`image/png`, not `image/*` or a list)."""
    concrete = content_type if content_type and not any(c in content_type for c in "*,") else None
    if isinstance(value, FileValue):
        return value.filename, value.content, concrete or value.media_type
    if isinstance(value, (dict, list)):
        return None, json.dumps(value, ensure_ascii=False), concrete or "application/json"
    if isinstance(value, bool):
        return None, "true" if value else "false", concrete
    return None, str(value), concrete
