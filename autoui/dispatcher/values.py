"""Turning what a widget (or a gradio_client caller) gave into the value sent on the wire.

Widgets give loose values: a Number gives 3.0 for an integer field, a JSON editor
gives text, an image upload gives a file path. Each is converted according to the
plan's field, and a value that cannot be converted raises `ValueProblem` naming the
field, so the user sees "body.count: 2.5 is not an integer" instead of a 422 later.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autoui.errors import AutouiError
from autoui.mapper.plan import FILE_ENCODINGS, Field

MAX_FILE_BYTES = 100 * 1024 * 1024


class ValueProblem(AutouiError):
    def __init__(self, field: Field, reason: str) -> None:
        self.field = field
        super().__init__(f"{field.label.removesuffix(' *')}: {reason}")


class Absent:
    """A field left empty: it is not sent at all."""


ABSENT: Any = Absent()


@dataclass
class FileValue:
    """File bytes with the name and media type they are sent under."""

    filename: str
    content: bytes
    media_type: str


def file_path(value: Any) -> str | None:
    """The local path inside a widget's file value (a path, or Gradio's FileData dict)."""
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value) or None
    if isinstance(value, Mapping) and isinstance(value.get("path"), str):
        return str(value["path"])
    return None


def read_file(field: Field, value: Any, max_bytes: int = MAX_FILE_BYTES) -> FileValue:
    if isinstance(value, (bytes, bytearray)):
        return FileValue(field.name, bytes(value), "application/octet-stream")
    path = file_path(value)
    if path is None:
        raise ValueProblem(field, "expected a file")
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise ValueProblem(
                field, f"the file is {size:,} bytes, over the {max_bytes:,}-byte limit"
            )
        content = Path(path).read_bytes()
    except OSError as exc:
        raise ValueProblem(field, f"cannot read the file ({exc.strerror or exc})") from None
    name = os.path.basename(path)
    if isinstance(value, Mapping) and isinstance(value.get("orig_name"), str):
        name = value["orig_name"]
    return FileValue(name, content, mimetypes.guess_type(name)[0] or "application/octet-stream")


def wire_value(field: Field, value: Any) -> Any:
    """The value to send for `field`, or ABSENT when the field was left empty."""
    if value is None or (isinstance(value, str) and value == "" and not field.required):
        return ABSENT
    if field.encoding in FILE_ENCODINGS:
        return _files(field, value)
    if field.encoding == "json":
        return _json(field, value)
    return _CONVERTERS.get(field.value_type, _as_is)(field, value)


def _files(field: Field, value: Any) -> Any:
    """A file (or, for an array field, each file of a multi-file upload) as a FileValue for
    a part or raw body, or as base64 text (or a data: URL) for a JSON document."""
    if field.value_type == "array" and isinstance(value, (list, tuple)):
        if not value and not field.required:
            return ABSENT
        return [_files(replace(field, value_type="string"), item) for item in value]
    file = read_file(field, value)
    if field.encoding == "base64":
        return base64.b64encode(file.content).decode("ascii")
    if field.encoding == "data_url":
        return f"data:{file.media_type};base64," + base64.b64encode(file.content).decode("ascii")
    return file


def _json(field: Field, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if not value.strip():
        return ABSENT
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueProblem(
            field, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _as_is(field: Field, value: Any) -> Any:
    return value


def _string(field: Field, value: Any) -> Any:
    return value if isinstance(value, str) else str(value)


def _number(field: Field, value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueProblem(field, f"{value!r} is not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ABSENT
        try:
            value = float(text) if field.value_type == "number" or "." in text else int(text)
        except ValueError:
            raise ValueProblem(field, f"{value!r} is not a number") from None
    if not isinstance(value, (int, float)):
        raise ValueProblem(field, f"{value!r} is not a number")
    if field.value_type == "integer":
        if isinstance(value, float) and not value.is_integer():
            raise ValueProblem(field, f"{value:g} is not an integer")
        return int(value)
    return value


def _boolean(field: Field, value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            value = True
        elif lowered in ("false", "0", "no", "off", ""):
            value = False
        else:
            raise ValueProblem(field, f"{value!r} is not true or false")
    value = bool(value)
    # An unticked optional box without a default means "not given", not "false".
    if value is False and not field.required and "default" not in field.schema:
        return ABSENT
    return value


def _array(field: Field, value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ABSENT
        if text.startswith("["):
            value = _json(field, text)
        else:
            value = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        value = [value]
    if not value and not field.required:
        return ABSENT
    convert = _CONVERTERS.get(field.item_type, _as_is)
    item_field = replace(field, value_type=field.item_type, required=True)
    return [convert(item_field, item) for item in value]


_CONVERTERS = {
    "string": _string,
    "integer": _number,
    "number": _number,
    "boolean": _boolean,
    "array": _array,
}
