"""Which media type a request body is sent as: JSON first, then forms, then the rest;
and the short class a media type's fields are keyed by."""

from __future__ import annotations

from autoui.ir import Body, MediaType
from autoui.mapper.naming import identifier
from autoui.mapper.rules import is_json

_SHORT_MEDIA = {
    "multipart/form-data": "multipart",
    "application/x-www-form-urlencoded": "form",
    "application/octet-stream": "binary",
}


def body_media_type(body: Body | None) -> MediaType | None:
    """The media type to send: JSON first (richest form), then forms, then the first."""
    alternatives = media_alternatives(body)
    return alternatives[0] if alternatives else None


def media_alternatives(body: Body | None) -> list[MediaType]:
    """Every media type a body may be sent as, the preferred one first: JSON, plain
    `application/json` before its kin (ASP.NET lists `application/json-patch+json` and
    `application/*+json` beside it), then multipart, form, and the rest in the
    document's order."""
    if body is None or not body.content:
        return []
    return sorted(body.content.values(), key=lambda m: _MEDIA_RANK.get(m.name, _rank(m.name)))


_MEDIA_RANK = {
    "application/json": 0,
    "multipart/form-data": 3,
    "application/x-www-form-urlencoded": 4,
}


def _rank(media_type: str) -> int:
    if is_json(media_type):
        return 2 if "*" in media_type else 1
    return 5


def media_class(media: MediaType) -> str:
    """Media types of one class with one schema share their fields."""
    if is_json(media.name):
        return "json"
    return _SHORT_MEDIA.get(media.name) or identifier(media.name.split("/")[-1].split("+")[-1])
