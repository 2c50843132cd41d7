"""`password`: text shown as dots, and masked in the `curl` command."""

from __future__ import annotations

from dataclasses import replace

from autoui.mapper.kinds import textbox
from autoui.mapper.kinds.base import Component, text_widget
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return text_widget(field, type="password")


KIND = replace(textbox.KIND, name="password", shows_default="info", secret=True, widget=widget)
