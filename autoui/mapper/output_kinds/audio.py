"""`audio`: a sound, in the browser's own player: an `audio/*` reply, a sound's bytes inside
JSON, or a reply that is a sound by the operation's words: OpenAI's `/audio/speech` (and the
servers that copy it: LocalAI, vLLM, Kokoro...) declares `application/octet-stream`, a
bare `format: binary` string, and LocalAI's Swagger 2.0 `/tts` a bare JSON `string`; only
the operation's words ("Generates audio from the input text") say it is audio. Such a
reply is planned as an audio player; at run time its bytes and Content-Type decide
(`autoui.dispatcher.media.sniff`), and a reply of another kind is shown as what it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from autoui.ir import Operation
from autoui.mapper.kinds.base import Component
from autoui.mapper.naming import AUDIO_NAMES
from autoui.mapper.output_kinds.base import Kind, holds_media, top_type
from autoui.mapper.plan import is_json
from autoui.mapper.shapes import main_type, prepare
from autoui.schemas import Schemas

_BINARY = ("application/octet-stream", "binary/octet-stream")
_AUDIO_WORDS = re.compile(r"\b(audio|speech|sound|voice)\b", re.IGNORECASE)
_OTHER_WORDS = re.compile(r"\b(image|picture|photo|video|archive|zip|pdf)s?\b", re.IGNORECASE)


def says_audio(operation: Operation, media_type: str, schemas: Schemas, schema: Any) -> bool:
    """Whether a reply that says nothing of its own kind (binary bytes, or a bare JSON
    string) is, by the operation's own words, a sound."""
    bare_string = (
        is_json(media_type)
        and schema is not None
        and main_type(prepare(schemas, schema)[0]) == "string"
    )
    if media_type not in _BINARY and not bare_string:
        return False
    response = next((r for r in operation.responses if r.status.startswith("2")), None)
    words = " ".join(
        [operation.summary, operation.description, response.description if response else ""]
    )
    return bool(_AUDIO_WORDS.search(words)) and not _OTHER_WORDS.search(words)


def field_rule(name: str, schema: Mapping[str, Any]) -> bool:
    return holds_media(name, schema, "audio", AUDIO_NAMES)


def media(media_type: str) -> bool:
    return top_type(media_type) == "audio"


KIND = Kind(
    name="audio",
    media=media,
    field_rule=field_rule,
    text_value=False,
    holds="file",
    # the browser's own player: one <audio> that plays what came
    component=Component(
        "Audio",
        {
            "type": "filepath",
            "interactive": False,
            "waveform_options": {"show_recording_waveform": False},
        },
    ),
    shown_in="audio",
    fallback="file",
    may_be=(),
    returns="file",
    in_config=True,
)
