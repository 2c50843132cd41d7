"""Pictures and sounds inside JSON replies: base64 fields, `data:` URLs and image URLs.

Image APIs rarely answer with bare image bytes. OpenAI's answers
`{"data": [{"b64_json": "..."}]}` or `{"data": [{"url": "..."}]}`, Stable Diffusion
servers `{"images": ["<base64>"], "info": "..."}`. A field is taken for media when the
spec says so (`format: byte`, `contentEncoding`, `contentMediaType`), when it is a
`data:` URL, or when its name says so *and* its bytes start like a picture or a sound
(magic numbers); a long string that is itself the answer is checked by its bytes alone.

Image URLs are fetched here, on the server, and never handed to the browser: the page
must not be made to reach addresses on the server's own network. A URL is fetched only
when the response schema declares it a picture (`autoui.mapper.output_kinds.image_urls`
has the rule), and like every other request only from the API's own origins (or origins
the operator allowed), once, and logged.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from autoui.mapper.naming import AUDIO_NAMES, IMAGE_NAMES
from autoui.mapper.output_kinds.image_urls import declared_image_urls
from autoui.mapper.plan import OperationPlan

if TYPE_CHECKING:
    from autoui.mapper.reply_data import Reply


class Fetcher(Protocol):
    """What fetching a reply's pictures needs of the dispatcher (`client.Dispatcher`):
    whether a URL may be fetched, and its bytes or a note saying why there are none."""

    def may_fetch(self, url: str) -> bool: ...

    def fetch(self, url: str, what: str) -> bytes | str: ...


# Field names that hold media bytes (besides the widget rules' image and audio names).
MEDIA_NAMES = IMAGE_NAMES | AUDIO_NAMES | {"images", "b64_json", "base64", "b64", "audios"}
_MIN_BASE64 = 64  # shorter strings are not worth a look: no picture is that small
MAX_ITEMS = 8  # most media taken from one reply (and most URLs fetched for it)
_MAX_NODES = 500  # JSON nodes looked at when searching a reply for media

# Signatures of four bytes or more only: shorter ones (MP3 frame sync, BMP's "BM")
# match ordinary text too often.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (8, b"WEBP", "image/webp"),
    (8, b"WAVE", "audio/wav"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (4, b"ftypM4A", "audio/mp4"),
    (4, b"ftyp", "video/mp4"),
)


def sniff(content: bytes) -> str | None:
    """The media type that `content` starts like, among common images, sounds and videos."""
    for offset, magic, media_type in _SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            if offset == 8 and content[:4] != b"RIFF":
                continue
            return media_type
    return None


def decode_base64(text: str) -> bytes | None:
    """The bytes of a base64 string (standard or URL-safe alphabet) or of a `data:` URL,
    or None if it is not one."""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    text = "".join(text.split())
    if "-" in text or "_" in text:
        text = text.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


@dataclass
class Media:
    content: bytes
    media_type: str

    @property
    def kind(self) -> str:
        """The output kind that shows it: image, audio or video."""
        return self.media_type.split("/", 1)[0]


def media_in_string(text: str, declared: str | None = None) -> Media | None:
    """The media a string holds: a `data:` URL, or base64 whose bytes are media.

    `declared` ("image", "audio") is the spec's word for it: then the bytes are taken
    even when they start like nothing known.
    """
    if text.startswith("data:") and ";base64," in text[:100]:
        media_type = text[5:].split(";", 1)[0].lower()
        content = decode_base64(text)
        if content is not None and media_type.split("/", 1)[0] in ("image", "audio", "video"):
            return Media(content, media_type)
    if len(text) < _MIN_BASE64 and declared is None:
        return None
    head = decode_base64(text[:_MIN_BASE64])  # 48 bytes: enough to tell, cheap to try
    found = sniff(head) if head is not None else None
    if found is None and declared is None:
        return None
    content = decode_base64(text)
    if content is None:
        return None
    return Media(content, found or sniff(content) or f"{declared}/*")


def is_media_name(name: str) -> bool:
    return name.lower() in MEDIA_NAMES


def media_in_json(data: Any) -> list[Media]:
    """The media in media-named fields of a JSON value (and in `data:` URLs), in document
    order, at most MAX_ITEMS."""
    found: list[Media] = []
    for name, value in _named_strings(data):
        if len(found) < MAX_ITEMS and (is_media_name(name) or value.startswith("data:")):
            media = media_in_string(value)
            if media is not None:
                found.append(media)
    return found


def _named_strings(data: Any) -> Iterator[tuple[str, str]]:
    """(name, string) for each string in `data`; an array's items take the array's name."""
    stack: list[tuple[str, Any]] = [("", data)]
    seen = 0
    while stack and seen < _MAX_NODES:
        name, value = stack.pop()
        seen += 1
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, Mapping):
            stack += reversed([(str(k), v) for k, v in value.items()])
        elif isinstance(value, list):
            stack += reversed([(name, v) for v in value])


def fetch_media(dispatcher: Fetcher, plan: OperationPlan, reply: Reply) -> None:
    """Fetch the picture URLs a decoded JSON reply holds where its schema declares them
    (or the one its primary output, an image, points at), each once, from the API's
    origins (or those the operator allowed), and show them in place of the URL text.
    URLs elsewhere are left as text, with a note that says why."""
    if reply.kind in ("image", "audio", "video", "gallery"):
        return  # the reply held its media itself
    urls = list(reply.media_urls)
    if not urls and plan.schemas is not None and b"http" in reply.content:
        urls = declared_image_urls(plan.schemas, plan.operation, reply.data, MAX_ITEMS)
    urls = list(dict.fromkeys(urls))
    if not urls:
        return
    allowed = [u for u in urls if dispatcher.may_fetch(u)]
    refused = [u for u in urls if u not in allowed]
    pictures: list[Media] = []
    for url in allowed:
        picture = _fetch_image(dispatcher, url)
        if isinstance(picture, str):
            reply.notes.append(picture)
        else:
            pictures.append(picture)
    if refused:
        reply.notes.append(
            f"not fetched: {refused[0]}"
            + (f" and {len(refused) - 1} more" if len(refused) > 1 else "")
            + " (only URLs on the API's origins are fetched; allow others with --media-origin)"
        )
    if pictures and not refused and len(pictures) == len(allowed):
        show_media(reply, pictures)


def show_media(reply: Reply, found: list[Media]) -> None:
    """Make `found` what the reply shows: a gallery of its pictures when it holds several,
    else its one picture or sound (what is not shown is said in a note: the raw reply
    has it)."""
    pictures = [m for m in found if m.kind == "image"]
    if len(pictures) > 1:
        reply.kind, reply.primary = "gallery", [m.content for m in pictures]
        reply.primary_type = pictures[0].media_type
        shown = len(pictures)
    else:
        reply.kind, reply.primary = found[0].kind, found[0].content
        reply.primary_type = found[0].media_type
        shown = 1
    if len(found) > shown:
        reply.notes.append(f"{len(found) - shown} more media item(s) in the raw reply")


def _fetch_image(dispatcher: Fetcher, url: str) -> Media | str:
    """The picture at `url`, or a note saying why there is none."""
    content = dispatcher.fetch(url, "the image")
    if isinstance(content, str):
        return content
    media_type = sniff(content)
    if media_type is None or not media_type.startswith("image/"):
        return f"{url} is not a picture"
    return Media(content, media_type)
