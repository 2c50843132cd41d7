"""`file`: bytes of any other media type, offered for download; a binary reply whose bytes
start like a sound or a picture is shown as one (`dispatcher.reply`)."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, no_field


def media(media_type: str) -> bool:
    return True  # tried last: what no other kind shows is a file


KIND = Kind(
    name="file",
    media=media,
    field_rule=no_field,
    text_value=False,
    holds="file",
    component=Component("File", {"interactive": False}),
    shown_in="file",
    fallback="textbox",  # never needed: every output area has a file
    may_be=("audio", "image"),  # OpenAI's speech is declared octet-stream
    returns="file",
    in_config=True,
)
