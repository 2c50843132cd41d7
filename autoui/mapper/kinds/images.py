"""`images`: pictures sent inside JSON as a list of base64 strings (Ollama's `images`):
uploaded and shown as they will be sent."""

from __future__ import annotations

from dataclasses import replace

from autoui.mapper.kinds import image
from autoui.mapper.kinds.base import Component
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return Component("Gallery", {"type": "filepath", "file_types": ["image"], "columns": 4})


KIND = replace(image.KIND, name="images", in_config=False, widget=widget)
