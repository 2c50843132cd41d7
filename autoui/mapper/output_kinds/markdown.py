"""`markdown`: a `text/markdown` reply (or a field the config says is Markdown), shown
formatted, with images as links and HTML sanitised (`builder.present.safe_markdown`)."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, no_field


def media(media_type: str) -> bool:
    return media_type == "text/markdown"


KIND = Kind(
    name="markdown",
    media=media,
    field_rule=no_field,
    text_value=True,
    holds="markdown",
    component=Component("Markdown", {"sanitize_html": True}),
    shown_in="markdown",
    fallback="textbox",
    may_be=(),
    returns="text",
    in_config=True,
)
