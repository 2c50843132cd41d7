"""`html`: a `text/html` reply, shown as a page after nh3 has taken out what runs or
loads (`builder.present.safe_html`)."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, no_field


def media(media_type: str) -> bool:
    return media_type == "text/html"


KIND = Kind(
    name="html",
    media=media,
    field_rule=no_field,
    text_value=False,
    holds="html",
    component=Component("HTML", {"padding": True}),
    shown_in="html",
    fallback="textbox",
    may_be=(),
    returns="text",
    in_config=False,
)
