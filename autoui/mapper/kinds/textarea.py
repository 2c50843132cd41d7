"""`textarea`: several lines of text (a prompt, a description)."""

from __future__ import annotations

from dataclasses import replace

from autoui.mapper.kinds import textbox
from autoui.mapper.kinds.base import Component, text_widget
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return text_widget(field, lines=4, max_lines=30)


KIND = replace(textbox.KIND, name="textarea", widget=widget)
