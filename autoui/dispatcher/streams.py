"""Reading token streams: Server-Sent Events and newline-delimited JSON.

Model servers stream their answer as many small events; a person wants the growing
text, not a list of chunks. `TextStream` turns each event into the piece of text it
adds, knowing the common shapes: OpenAI (`choices[0].delta.content`, `choices[0].text`),
Ollama (`response`, `message.content`) and TGI (`token.text`). An event of another
shape adds its raw data on a line of its own, so nothing is hidden.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SSE = "text/event-stream"
NDJSON_TYPES = (
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/json-seq",
)
DONE = "[DONE]"


@dataclass
class Event:
    data: str
    event: str = "message"
    id: str = ""


def sse_events(lines: Iterable[str]) -> Iterator[Event]:
    """Events from SSE lines (without their line ends), per the WHATWG parsing rules."""
    data: list[str] = []
    event, last_id = "message", ""
    for line in lines:
        if not line:
            if data:
                yield Event("\n".join(data), event, last_id)
            data, event = [], "message"
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value or "message"
        elif name == "id":
            last_id = value
    if data:
        yield Event("\n".join(data), event, last_id)


def ndjson_events(lines: Iterable[str]) -> Iterator[Event]:
    for line in lines:
        if line.strip():
            yield Event(line.strip().lstrip("\x1e"))


def events(lines: Iterable[str], media_type: str) -> Iterator[Event]:
    return sse_events(lines) if media_type == SSE else ndjson_events(lines)


def is_stream(media_type: str) -> bool:
    return media_type == SSE or media_type in NDJSON_TYPES


def _get(data: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, list) or len(data) <= key:
                return None
            data = data[key]
        elif isinstance(data, Mapping):
            data = data.get(key)
        else:
            return None
    return data


_TEXT_PATHS: tuple[tuple[str | int, ...], ...] = (
    ("choices", 0, "delta", "content"),
    ("choices", 0, "text"),
    ("choices", 0, "message", "content"),
    ("message", "content"),
    ("response",),
    ("token", "text"),
    ("delta", "text"),
)


def piece_of(data: Any) -> str | None:
    """The text one parsed event adds, when it has a known shape ("" for a shape whose
    text is empty, e.g. a role-only OpenAI delta)."""
    if isinstance(data, Mapping) and isinstance(data.get("choices"), list) and not data["choices"]:
        return ""  # OpenAI's final usage chunk
    for path in _TEXT_PATHS:
        value = _get(data, *path)
        if isinstance(value, str):
            return value
    if isinstance(data, Mapping) and _get(data, "choices", 0, "delta") is not None:
        return ""
    return None


class TextStream:
    """Accumulates the text of a stream, one event at a time."""

    def __init__(self) -> None:
        self.text = ""
        self.done = False
        self.events = 0

    def add(self, event: Event) -> str:
        """The text `event` adds (also appended to `self.text`)."""
        self.events += 1
        if event.data.strip() == DONE:
            self.done = True
            return ""
        try:
            piece = piece_of(json.loads(event.data))
        except json.JSONDecodeError:
            piece = None
        if piece is None:
            piece = ("\n" if self.text and not self.text.endswith("\n") else "") + event.data
        self.text += piece
        return piece


def stream_text(body: str, media_type: str) -> str:
    """The whole text of a stream that has already been read to its end."""
    stream = TextStream()
    for event in events(body.splitlines(), media_type):
        stream.add(event)
    return stream.text
