"""Turning what a widget (or a gradio_client caller) gave into the value sent on the wire.

Widgets give loose values: a Number gives 3.0 for an integer field, a JSON editor
gives text, an image upload gives a file path. Each is converted by the field's kind
(`mapper.kinds`: its `to_wire`, most by the value type, `mapper.kinds.wire`), and a
value that cannot be converted raises `ValueProblem` naming the field, so the user sees
"body.count: 2.5 is not an integer" instead of a 422 later.

A file value is a path on the server, whoever sent it (the page, gradio_client, an MCP
client, a mounted app's user), so it is opened only by a `FileOpener` that knows which
files a call may send: the dispatcher's, which takes uploads only (`Uploads`).
"""

from __future__ import annotations

import base64
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from autoui.mapper.kinds import kind_of
from autoui.mapper.kinds.wire import ABSENT, Absent, ValueProblem, json_value
from autoui.mapper.plan import FILE_ENCODINGS, Field

MAX_FILE_BYTES = 100 * 1024 * 1024


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
    if field.encoding in FILE_ENCODINGS:
        return _files(field, value, open_file)
    if field.encoding == "json":
        return json_value(field, value)
    return kind_of(field).to_wire(field, value)


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


__all__ = [
    "ABSENT",
    "Absent",
    "FileOpener",
    "FileValue",
    "Uploads",
    "ValueProblem",
    "file_name",
    "file_path",
    "file_url",
    "media_type_of_name",
    "not_uploaded",
    "stand_in",
    "wire_value",
]
