"""`image`: one picture: an `image/*` reply, or a picture's bytes (base64, a `data:` URL)
or URL inside a JSON reply."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, top_type


def media(media_type: str) -> bool:
    return top_type(media_type) == "image"


KIND = Kind(
    name="image",
    media=media,
    holds="file",
    component=Component("Image", {"type": "filepath", "interactive": False}),
    shown_in="image",
    fallback="gallery",
    may_be=("gallery",),
    returns="file",
    in_config=True,
)
