"""`Reply`: what came back from one call and how it is shown, as plain data.

The dispatcher fills it in (`dispatcher.reply`, apart from it so that the modules
decoding parts of a reply can name the type without importing the decoder); the page
shows it (`builder.present`, `builder.chat`). Both read it, so it is plan-side data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autoui.mapper.sent import SentRequest


@dataclass
class Reply:
    method: str
    url: str
    status: int | None = None
    reason: str = ""
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = ""
    content: bytes = b""
    data: Any = None  # the parsed JSON body, when there was one
    # How `primary` is shown: textbox|markdown|html|json|table|label|vector|image|audio|
    # video|gallery|file, or stream while a stream is still coming in.
    kind: str = "textbox"
    # str for text kinds (and stream), a JSON value for json, table and label, bytes for
    # media and files, a list of bytes for a gallery.
    primary: Any = None
    primary_type: str = ""  # the media type of bytes in `primary` (found inside JSON too)
    # for table, label and vector: the headers and rows, the scores, or the numbers' text
    view: Any = None
    label: str = ""  # what the answer is called, when the kind says more than "Result"
    filename: str | None = None
    error: str | None = None
    request: SentRequest | None = None  # what was sent, for the curl command
    notes: list[str] = field(default_factory=list)  # said under the status line
    media_urls: list[str] = field(default_factory=list)  # the URL of the picture to show
    # The form fields an error reply names (FastAPI's `loc`), by api_param.
    field_errors: dict[str, str] = field(default_factory=dict)
    done: bool = True  # False while a call shown live is still going
    # A body too big to hold in memory, written to this file instead of `content`.
    body_file: Path | None = None
    # Credential values the request carried: never shown in a message (`auth.scrub`).
    sent_secrets: list[str] = field(default_factory=list, repr=False)
    credentials_missing: bool = False  # the operation's security could not be met
    stopped: bool = False  # the user stopped the call (Stop) before its reply was whole

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        """`200 OK · 0.12 s · application/json · 1.2 kB`, for the status line."""
        if self.status is None:
            return f"{self.method} {self.url} · no reply"
        parts = [f"{self.status} {self.reason}".strip(), f"{self.elapsed:.2f} s"]
        if self.media_type:
            parts.append(self.media_type)
        parts.append(_size(self.body_file.stat().st_size if self.body_file else len(self.content)))
        return " · ".join(parts)


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"
