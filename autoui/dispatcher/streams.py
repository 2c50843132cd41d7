"""Reading token streams: Server-Sent Events and newline-delimited JSON.

Model servers stream their answer as many small events; a person wants the growing
text, not a list of chunks. `TextStream` turns each event into the piece of text it
adds, knowing the common shapes: OpenAI (`choices[0].delta.content`, `choices[0].text`),
Ollama (`response`, `message.content`), TGI (`token.text`) and the open inference
protocol (`text_output`). An event of another
shape adds its raw data on a line of its own, so nothing is hidden.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autoui.mapper.output_kinds.stream import STREAM_TYPES

SSE = "text/event-stream"
DONE = "[DONE]"
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Event:
    data: str
    event: str = "message"
    id: str = ""


class SseParser:
    """The WHATWG event-stream rules, one line (without its line end) at a time."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event = "message"
        self._id = ""

    def line(self, line: str) -> Event | None:
        """The event that `line` completes (a blank line ends one), else None."""
        if not line:
            return self.end()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value or "message"
        elif name == "id":
            self._id = value
        return None

    def end(self) -> Event | None:
        """The pending event, if any (also at the end of the stream)."""
        event = Event("\n".join(self._data), self._event, self._id) if self._data else None
        self._data, self._event = [], "message"
        return event


def ndjson_event(line: str) -> Event | None:
    text = line.strip().lstrip("\x1e")  # json-seq puts a record separator first
    return Event(text) if text else None


class EventReader:
    """Events from the bytes of a stream as they arrive, in chunks cut anywhere.

    A chunk may end inside a UTF-8 character or between the CR and LF of one line
    end; both are carried over to the next chunk. SSE accepts CRLF, LF and CR as line
    ends, and so does this.
    """

    def __init__(self, media_type: str, charset: str = "utf-8") -> None:
        self._sse = SseParser() if media_type == SSE else None
        self._decoder = codecs.getincrementaldecoder(charset)("replace")
        self._pending = ""

    def feed(self, chunk: bytes) -> list[Event]:
        text = self._pending + self._decoder.decode(chunk)
        lines = _LINE_END.split(text)
        self._pending = lines.pop()
        if text.endswith("\r"):
            # The LF of this CRLF may open the next chunk: keep the line to pair them up.
            self._pending = lines.pop() + "\r"
        return self._events(lines)

    def close(self) -> list[Event]:
        """The events still pending when the stream ends.

        A last line without its line end may have been cut off: it is kept only when
        it is whole (a JSON record, or an SSE `data:` line holding one or `[DONE]`), and
        dropped rather than shown half otherwise.
        """
        rest = self._pending + self._decoder.decode(b"", final=True)
        self._pending = ""
        lines = _LINE_END.split(rest)
        tail = lines.pop()
        if tail and self._whole(tail):
            lines.append(tail)
        events = self._events(lines)
        if self._sse is not None:
            last = self._sse.end()
            if last is not None:
                events.append(last)
        return events

    def _whole(self, line: str) -> bool:
        if self._sse is None:
            return _whole_json(line)
        name, _, value = line.partition(":")
        return name == "data" and (value.strip() == DONE or _whole_json(value))

    def _events(self, lines: list[str]) -> list[Event]:
        found = []
        for line in lines:
            event = self._sse.line(line) if self._sse is not None else ndjson_event(line)
            if event is not None:
                found.append(event)
        return found


def _whole_json(text: str) -> bool:
    try:
        json.loads(text.strip().lstrip("\x1e"))
    except json.JSONDecodeError:
        return False
    return True


def is_stream(media_type: str) -> bool:
    return media_type in STREAM_TYPES


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
    ("text_output",),  # the open inference protocol's generate_stream
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
    """Accumulates the text of a stream, one event at a time.

    Once events of a known shape have come, a JSON object without text (Ollama's final
    `{"done": true, ...}` with its timings, a usage summary) is the stream's metadata and
    adds nothing; before that, every event of an unknown shape is shown as it came.
    """

    def __init__(self) -> None:
        self.text = ""
        self.done = False
        self.events = 0
        self._known = False  # an event of a known shape has come
        self.openai = False  # OpenAI-shaped events: the stream must end with [DONE]
        self.finished = False  # an event gave a finish_reason

    @property
    def cut_short(self) -> bool:
        """An OpenAI-style stream that ended before both [DONE] and a finish_reason."""
        return self.openai and not (self.done or self.finished)

    def add(self, event: Event) -> str:
        """The text `event` adds (also appended to `self.text`)."""
        self.events += 1
        if event.data.strip() == DONE:
            self.done = True
            return ""
        try:
            data = json.loads(event.data)
        except json.JSONDecodeError:
            data = None
        piece = piece_of(data) if data is not None else None
        if isinstance(data, Mapping) and isinstance(data.get("choices"), list):
            self.openai = True
            self.finished = self.finished or _get(data, "choices", 0, "finish_reason") is not None
        self._known = self._known or piece is not None
        if piece is None and self._known and isinstance(data, Mapping):
            piece = ""
        if piece is None:
            piece = ("\n" if self.text and not self.text.endswith("\n") else "") + event.data
        self.text += piece
        return piece


def read_stream(content: bytes, media_type: str, charset: str = "utf-8") -> TextStream:
    """A stream that has already been read to its end, event by event."""
    reader, stream = EventReader(media_type, charset), TextStream()
    for event in [*reader.feed(content), *reader.close()]:
        stream.add(event)
    return stream
