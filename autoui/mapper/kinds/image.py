"""`image`: a picture, uploaded or pasted, sent as a file part or as base64 text."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component, Kind, complete, same, typed, upload_refuses
from autoui.mapper.kinds.wire import by_value_type
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    # image_mode=None and type="filepath" hand over the uploaded file untouched.
    return Component(
        "Image", {"type": "filepath", "image_mode": None, "sources": ["upload", "clipboard"]}
    )


KIND = Kind(
    name="image",
    rules=(),
    fit=same,
    shows_default="info",
    refuses=upload_refuses("image"),
    keys=frozenset(),
    settle=complete,
    upload=True,
    text=False,
    json_text=False,
    secret=False,
    in_config=True,
    widget=widget,
    to_widget=same,
    annotation=typed,
    to_wire=by_value_type,
)
