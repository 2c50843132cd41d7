"""The raw body: a request body the user types or uploads whatever the spec declares.

Specs under-declare: httpbin's `POST /post` declares no body at all, so its form has
nothing to send one with. Postman, Insomnia and restish all let a user send a raw body;
so does every operation here (a collapsed section of the form; the `autoui_raw_body`
keyword for gradio_client). It is sent only when it is filled, in place of the body the
form's fields would make, and the check before sending leaves it to the API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autoui.dispatcher.values import FileOpener, ValueProblem, file_path
from autoui.mapper.naming import RAW_BODY_PARAM
from autoui.mapper.plan import Field

# What a problem with the raw body is named after in its message.
RAW_FIELD = Field(
    key="body.~raw",
    api_param=RAW_BODY_PARAM,
    label="raw body",
    location="body",
    name="",
    component="textarea",
    value_type="string",
)


@dataclass
class RawBody:
    content_type: str
    content: bytes
    filename: str | None = None  # the uploaded file it was read from, if any


def raw_body(values: Mapping[str, Any], open_file: FileOpener) -> RawBody | None:
    """The raw body `values` carry (under RAW_BODY_PARAM), or None when it is empty.

    The value is text (sent as JSON when it parses as JSON, else as plain text), or
    `{"content_type": ..., "text": ...}`, or `{"content_type": ..., "file": <file>}`.
    Raises ValueProblem for a value of another shape, or a file `open_file` refuses.
    """
    value = values.get(RAW_BODY_PARAM)
    if isinstance(value, str):
        value = {"text": value}
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueProblem(RAW_FIELD, "expected text, or {content_type, text or file}")
    content_type = str(value.get("content_type") or "").strip()
    if any(c in content_type for c in "\r\n"):
        raise ValueProblem(RAW_FIELD, "a content type is one line")
    text, file = value.get("text"), value.get("file")
    if file_path(file) is not None:
        upload = open_file(RAW_FIELD, file)
        return RawBody(content_type or upload.media_type, upload.content, upload.filename)
    if isinstance(text, str) and text:
        return RawBody(content_type or _sniffed(text), text.encode("utf-8"))
    return None


def _sniffed(text: str) -> str:
    try:
        json.loads(text)
    except ValueError:
        return "text/plain; charset=utf-8"
    return "application/json"
