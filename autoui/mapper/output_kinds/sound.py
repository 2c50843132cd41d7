"""A binary reply that is a sound: OpenAI's `/audio/speech` (and the servers that copy it:
LocalAI, vLLM, Kokoro...) declares `application/octet-stream`, a bare `format: binary`
string; only the operation's words ("Generates audio from the input text") say it is
audio. Such a reply is planned as an audio player; at run time its bytes decide
(`autoui.dispatcher.media.sniff`), and a reply of another kind is shown as what it is.
"""

from __future__ import annotations

import re

from autoui.ir import Operation

_BINARY = ("application/octet-stream", "binary/octet-stream")
_AUDIO_WORDS = re.compile(r"\b(audio|speech|sound|voice)\b", re.IGNORECASE)
_OTHER_WORDS = re.compile(r"\b(image|picture|photo|video|archive|zip|pdf)s?\b", re.IGNORECASE)


def says_audio(operation: Operation, media_type: str) -> bool:
    """Whether a binary reply of `operation` is, by the operation's own words, a sound."""
    if media_type not in _BINARY:
        return False
    response = next((r for r in operation.responses if r.status.startswith("2")), None)
    words = " ".join(
        [operation.summary, operation.description, response.description if response else ""]
    )
    return bool(_AUDIO_WORDS.search(words)) and not _OTHER_WORDS.search(words)
