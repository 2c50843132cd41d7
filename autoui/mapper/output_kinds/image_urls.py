"""Which URLs in a JSON reply are pictures worth fetching: those the response schema says are.

Fetching a URL is a request the user did not make, so it is made only when the spec
declares the string, at that place in the reply, to be a picture's URL:

1. its schema has `contentMediaType: image/*` and no `contentEncoding` (with one, the
   string holds the picture's bytes, shown without any fetch);
2. its property name names a picture's URL (`image_url`, `imageUrl`, `thumbnail`,
   `photo_uri`, `images`, ...) and its schema is a string;
3. it is a `url` or `uri` property of an object that also declares the picture's bytes
   (a `b64_json`, `base64` or image-named property, or one with `contentEncoding` or
   `format: byte`), as OpenAI's `{"data": [{"url": ..., "b64_json": ...}]}`, or of an
   object inside a property that names pictures (`{"images": [{"url": ...}]}`).

Any other URL (httpbin's `{"url": ...}` on every reply, a `next` link) is shown as the
text it is. Without a response schema nothing is fetched. Where the URLs may go (the
API's origins and `--media-origin`) is the dispatcher's rule, not this one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from autoui.ir import Operation
from autoui.mapper.naming import IMAGE_NAMES
from autoui.mapper.output_kinds.answer import pick_media, success_response
from autoui.mapper.plan import is_json
from autoui.mapper.shapes import main_type, prepare
from autoui.schemas import Schemas

# Names without `_`/`-` and lower case: `image_url`, `imageUrl` and `image-url` alike.
_IMAGE_URL_NAME = re.compile(r"^(image|img|photo|picture|thumbnail)s?(url|uri|link)?$")
_PICTURES = re.compile(r"^(image|img|photo|picture|thumbnail)s?$")
_URL_NAMES = frozenset({"url", "uri"})
_BYTES_NAMES = frozenset({"b64json", "base64", "b64"}) | {n.replace("_", "") for n in IMAGE_NAMES}
_URL_FORMATS = frozenset({"", "uri", "url", "iri", "uri-reference", "iri-reference"})
_MAX_DEPTH = 8
_MAX_NODES = 500  # JSON nodes looked at in one reply


def declared_image_urls(schemas: Schemas, operation: Operation, data: Any, limit: int) -> list[str]:
    """The `http(s)` URLs in `data` (a JSON reply of `operation`) that its success
    response schema declares as pictures, in document order, at most `limit`."""
    response = success_response(operation)
    media = pick_media(response.content) if response else None
    if media is None or not is_json(media.name) or media.schema is None:
        return []
    found: list[str] = []
    budget = [_MAX_NODES]
    _walk(schemas, media.schema, data, "", "", {}, found, limit, budget, 0)
    return found


def _walk(
    schemas: Schemas,
    node: Any,
    value: Any,
    name: str,
    container: str,
    siblings: Mapping[str, Any],
    found: list[str],
    limit: int,
    budget: list[int],
    depth: int,
) -> None:
    """Look for declared picture URLs in `value`, described by schema `node`.

    `name` is the property `value` is under (an array's items take the array's name),
    `container` the property that holds the object `value` is in, and `siblings` that
    object's declared properties.
    """
    budget[0] -= 1
    if budget[0] < 0 or len(found) >= limit or depth > _MAX_DEPTH:
        return
    schema, _ = prepare(schemas, node)
    if isinstance(value, str):
        if is_web_url(value) and _declares_picture_url(schemas, schema, name, container, siblings):
            found.append(value)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, (Mapping, bool)):
            for item in value:
                _walk(
                    schemas, items, item, name, container, siblings, found, limit, budget, depth + 1
                )
    elif isinstance(value, Mapping):
        properties = _properties(schemas, schema)
        for key, item in value.items():
            if key in properties:
                _walk(
                    schemas,
                    properties[key],
                    item,
                    str(key),
                    name,
                    properties,
                    found,
                    limit,
                    budget,
                    depth + 1,
                )


def _properties(schemas: Schemas, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The declared properties of an object schema and of its oneOf/anyOf variants."""
    found: dict[str, Any] = {}
    own = schema.get("properties")
    if isinstance(own, Mapping):
        found.update(own)
    for key in ("oneOf", "anyOf"):
        variants = schema.get(key)
        for variant in variants if isinstance(variants, list) else []:
            inner = prepare(schemas, variant)[0].get("properties")
            if isinstance(inner, Mapping):
                for name, sub in inner.items():
                    found.setdefault(name, sub)
    return found


def _declares_picture_url(
    schemas: Schemas,
    schema: Mapping[str, Any],
    name: str,
    container: str,
    siblings: Mapping[str, Any],
) -> bool:
    media = str(schema.get("contentMediaType", ""))
    if media.startswith("image/") and "contentEncoding" not in schema:
        return True
    if main_type(schema) not in ("", "string") or str(schema.get("format", "")) not in _URL_FORMATS:
        return False
    squashed = _squash(name)
    if _IMAGE_URL_NAME.match(squashed):
        return True
    if squashed not in _URL_NAMES:
        return False
    if _PICTURES.match(_squash(container)):
        return True
    return any(
        other != name and _holds_bytes(schemas, other, sub) for other, sub in siblings.items()
    )


def _holds_bytes(schemas: Schemas, name: str, node: Any) -> bool:
    schema, _ = prepare(schemas, node)
    if main_type(schema) not in ("", "string"):
        return False
    encoded = "contentEncoding" in schema or schema.get("format") in ("byte", "base64")
    return encoded or _squash(name) in _BYTES_NAMES


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def is_web_url(text: str) -> bool:
    return text.startswith(("http://", "https://")) and len(text) < 4096 and " " not in text
