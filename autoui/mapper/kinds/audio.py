"""`audio`: a sound, uploaded or recorded from the microphone, sent as a file or base64."""

from __future__ import annotations

from dataclasses import replace

from autoui.mapper.kinds import image
from autoui.mapper.kinds.base import Component, upload_refuses
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return Component("Audio", {"type": "filepath", "sources": ["upload", "microphone"]})


KIND = replace(image.KIND, name="audio", refuses=upload_refuses("audio"), widget=widget)
