"""`file`: any file (or several, for an array), sent as a file part or as base64 text."""

from __future__ import annotations

from dataclasses import replace

from autoui.mapper.kinds import image
from autoui.mapper.kinds.base import Component, upload_refuses
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    many = "multiple" if field.value_type == "array" else "single"
    return Component("File", {"type": "filepath", "file_count": many})


KIND = replace(image.KIND, name="file", refuses=upload_refuses("file", arrays=True), widget=widget)
