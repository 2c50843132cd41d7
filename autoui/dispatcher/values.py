"""Turning what a widget (or a gradio_client caller) gave into the value sent on the wire.

Widgets give loose values: a Number gives 3.0 for an integer field, a JSON editor
gives text, an image upload gives a file path. Each is converted according to the
plan's field, and a value that cannot be converted raises `ValueProblem` naming the
field, so the user sees "body.count: 2.5 is not an integer" instead of a 422 later.

A file value is a path on the server, whoever sent it (the page, gradio_client, an MCP
client, a mounted app's user), so it is opened only by a `FileOpener` that knows which
files a call may send: the dispatcher's, which takes uploads only (`Uploads`).
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from autoui.errors import AutouiError
from autoui.mapper.plan import FILE_ENCODINGS, NO_DEFAULT, Field

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
    """The local path inside a widget's file value (a path, Gradio's FileData dict, or a
    gallery's `(path, caption)` pair)."""
    if isinstance(value, tuple) and len(value) == 2:
        value = value[0]
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value) or None
    if isinstance(value, Mapping) and isinstance(value.get("path"), str):
        return str(value["path"])
    return None


def file_url(value: Any) -> str | None:
    """The `http(s)` URL a file value names instead of a path (an MCP client's file, a
    gradio_client `handle_file(url)`), or None."""
    path = file_path(value)
    if path is not None and path.startswith(("http://", "https://")):
        return path
    return None


class FileOpener(Protocol):
    """Turns a file field's value into the bytes to send, or raises ValueProblem."""

    def __call__(self, field: Field, value: Any) -> FileValue: ...


@dataclass(frozen=True)
class Uploads:
    """Where the files a call may send are: the folders the page server keeps uploads in
    (Gradio's upload folder). A path elsewhere (`/etc/passwd`, `/proc/self/environ`), or
    a link out of the folder, is refused; with no folders, every path is."""

    folders: tuple[str, ...] = ()

    def open(self, field: Field, value: Any, max_bytes: int = MAX_FILE_BYTES) -> FileValue:
        """The file `value` names, read if it is inside one of the folders."""
        if isinstance(value, (bytes, bytearray)):
            return FileValue(field.name, bytes(value), "application/octet-stream")
        path = file_path(value)
        if path is None:
            raise ValueProblem(field, "expected a file")
        real = os.path.realpath(path)
        if not any(_inside(real, os.path.realpath(folder)) for folder in self.folders):
            raise ValueProblem(field, not_uploaded(path))
        try:
            size = os.path.getsize(real)
            if size > max_bytes:
                raise ValueProblem(
                    field, f"the file is {size:,} bytes, over the {max_bytes:,}-byte limit"
                )
            content = Path(real).read_bytes()
        except OSError as exc:
            raise ValueProblem(field, f"cannot read the file ({exc.strerror or exc})") from None
        name = file_name(value, path)
        return FileValue(name, content, media_type_of_name(name))


def file_name(value: Any, path: str) -> str:
    """The name a file is sent under: the name it was uploaded with, else its own."""
    if isinstance(value, Mapping) and isinstance(value.get("orig_name"), str):
        return str(value["orig_name"])
    return os.path.basename(path)


def stand_in(field: Field, value: Any) -> FileValue:
    """A file for checking a request: named, never read (checking happens before the
    dispatcher decides which files may be sent, and bytes are not what a schema
    describes)."""
    if isinstance(value, (bytes, bytearray)):
        return FileValue(field.name, b"", "application/octet-stream")
    path = file_path(value)
    if path is None:
        raise ValueProblem(field, "expected a file")
    name = file_name(value, path)
    return FileValue(name, b"", media_type_of_name(name))


def not_uploaded(what: str) -> str:
    """The one message for a file value that names something other than an upload."""
    return (
        f"{what!r} is not a file uploaded to this page; send the file itself (upload it on "
        "the page, or with gradio_client.handle_file), or a URL on the API's origins"
    )


def media_type_of_name(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _inside(path: str, folder: str) -> bool:
    return path != folder and os.path.commonpath([path, folder]) == folder


def wire_value(field: Field, value: Any, open_file: FileOpener) -> Any:
    """The value to send for `field`, or ABSENT when the field was left empty; a file
    field's value is read by `open_file`."""
    if field.is_selector:
        return ABSENT  # a selector decides which fields are sent; it is not sent itself
    if value is None or (isinstance(value, str) and value == "" and not field.required):
        return ABSENT
    if _at_server_default(field, value):
        return ABSENT
    if field.encoding in FILE_ENCODINGS:
        return _files(field, value, open_file)
    if field.encoding == "json":
        return _json(field, value)
    if field.component in _SHAPED:
        return _SHAPED[field.component](field, value)
    return _CONVERTERS.get(field.value_type, _as_is)(field, value)


def _at_server_default(field: Field, value: Any) -> bool:
    """An optional slider left where it starts, at the server's default: a slider cannot
    be empty, and sending the default would send what the user never set."""
    return (
        field.component == "slider"
        and not field.required
        and field.server_default is not NO_DEFAULT
        and not isinstance(value, bool)
        and isinstance(value, (int, float))
        and value == field.server_default
    )


def _files(field: Field, value: Any, open_file: FileOpener) -> Any:
    """A file (or, for an array field, each file of a multi-file upload) as a FileValue for
    a part or raw body, or as base64 text (or a data: URL) for a JSON document."""
    if field.value_type == "array" and isinstance(value, (list, tuple)):
        if not value and not field.required:
            return ABSENT
        return [_files(replace(field, value_type="string"), item, open_file) for item in value]
    file = open_file(field, value)
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
    return bool(value)


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


def _rows(field: Field, value: Any) -> list[Any] | None:
    """The rows of a table widget's value (Gradio gives a list of rows, a dict with
    `data`, or a DataFrame); None when the value is not a table at all."""
    if isinstance(value, Mapping) and isinstance(value.get("data"), list):
        return list(value["data"])
    if hasattr(value, "values") and hasattr(value, "columns"):  # a pandas DataFrame
        return [list(row) for row in value.values.tolist()]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or cell != cell  # NaN


def _empty_row(cells: list[Any]) -> bool:
    """Nothing typed: blank cells, and boxes the table shows unticked by default."""
    return all(_blank(c) or c is False for c in cells)


def _cell(field: Field, kind: str, where: str, cell: Any) -> Any:
    if kind == "any":
        if isinstance(cell, str):
            try:
                return json.loads(cell)
            except json.JSONDecodeError:
                return cell
        return cell
    item = replace(field, value_type=kind, required=True, label=where)
    return _CONVERTERS.get(kind, _as_is)(item, cell)


def _table(field: Field, value: Any) -> Any:
    """Rows of a table as a list of objects, one property per filled cell, typed by its
    column; a list of objects (from gradio_client) or JSON text is taken as it is."""
    if isinstance(value, str):
        value = _json(field, value)
        if value is ABSENT:
            return ABSENT
    rows = _rows(field, value)
    if rows is None:
        raise ValueProblem(field, "expected a table: a list of rows")
    columns = field.columns or []
    found: list[Any] = []
    for number, row in enumerate(rows, 1):
        if isinstance(row, Mapping):
            found.append(dict(row))
            continue
        cells = list(row) if isinstance(row, (list, tuple)) else [row]
        if _empty_row(cells):
            continue
        item = {}
        for column, cell in zip(columns, cells, strict=False):
            # An unticked box in an optional column is "not given", as in a form.
            if not _blank(cell) and not (cell is False and not column.required):
                where = f"{field.label.removesuffix(' *')}, row {number}, {column.name}"
                item[column.name] = _cell(field, column.value_type, where, cell)
        found.append(item)
    if not found and not field.required:
        return ABSENT
    return found


def _key_values(field: Field, value: Any) -> Any:
    """Key/value rows as an object; an object (from gradio_client) or JSON text as it is."""
    if isinstance(value, str):
        value = _json(field, value)
        if value is ABSENT:
            return ABSENT
    if isinstance(value, Mapping) and not isinstance(value.get("data"), list):
        return dict(value)  # an object given as such (gradio_client): sent, even empty
    rows = _rows(field, value)
    if rows is None:
        raise ValueProblem(field, "expected key/value rows")
    found: dict[str, Any] = {}
    label = field.label.removesuffix(" *")
    for number, row in enumerate(rows, 1):
        cells = list(row) if isinstance(row, (list, tuple)) else [row]
        key, cell = [*cells, None, None][:2]
        if _blank(key):
            if not _blank(cell):
                raise ValueProblem(field, f"row {number} has a value but no key")
            continue
        key = str(key).strip()
        if key in found:
            raise ValueProblem(field, f"the key {key!r} is given twice")
        if not _blank(cell):
            found[key] = _cell(field, field.item_type or "any", f"{label}, {key}", cell)
        elif field.item_type == "string":
            found[key] = ""
    if not found and not field.required:
        return ABSENT
    return found


def _texts(field: Field, value: Any) -> Any:
    """A text as typed; or, when it is a JSON list of texts (or token ids), that list:
    several inputs at once (the field takes both, `rules.texts_rule`)."""
    if isinstance(value, list):
        return value
    text = str(value)
    if text.lstrip().startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        if isinstance(parsed, list):
            return parsed
    return text


def _name_or_object(field: Field, value: Any) -> Any:
    """A name as typed or picked; text that starts with `{` is the object the field also
    takes (`rules.names_or_object_rule`), and a gradio_client caller may pass it as such."""
    if isinstance(value, Mapping):
        return dict(value)
    text = str(value)
    if not text.lstrip().startswith("{"):
        return text
    parsed = _json(field, text)
    if not isinstance(parsed, dict):
        raise ValueProblem(field, "expected a name, or an object as JSON ({...})")
    return parsed


_SHAPED = {"table": _table, "keyvalue": _key_values, "texts": _texts, "names": _name_or_object}
