"""`video`: a `video/*` reply (or a video's bytes inside JSON), in the browser's player."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, no_field, top_type


def media(media_type: str) -> bool:
    return top_type(media_type) == "video"


KIND = Kind(
    name="video",
    media=media,
    field_rule=no_field,
    text_value=False,
    holds="file",
    component=Component("Video", {"interactive": False}),
    shown_in="video",
    fallback="file",
    may_be=(),
    returns="file",
    in_config=True,
)
