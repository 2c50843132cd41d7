"""`image`: one picture: an `image/*` reply, or a picture's bytes (base64, a `data:` URL)
or URL inside a JSON reply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.kinds.base import Component
from autoui.mapper.naming import IMAGE_NAMES
from autoui.mapper.output_kinds.base import Kind, holds_media, top_type


def field_rule(name: str, schema: Mapping[str, Any]) -> bool:
    return holds_media(name, schema, "image", IMAGE_NAMES)


def media(media_type: str) -> bool:
    return top_type(media_type) == "image"


KIND = Kind(
    name="image",
    media=media,
    field_rule=field_rule,
    text_value=False,
    holds="file",
    component=Component("Image", {"type": "filepath", "interactive": False}),
    shown_in="image",
    fallback="gallery",
    may_be=("gallery",),
    returns="file",
    in_config=True,
)
