"""`gallery`: generated pictures inside a JSON reply (one picture shows alone, as `image`).

A response schema declares pictures when a string in it holds a picture's bytes: its
`contentMediaType` is `image/*`, it is named `b64_json`, or it is named for a picture
(`image`, `images`, `image_base64`, ...) and said to be base64. OpenAI's ImagesResponse
(`data: [{b64_json, url, revised_prompt}]`) and Automatic1111's TextToImageResponse
(`images: [string]`, "The generated image in base64 format") are the shapes this is
for. The bytes themselves are found at run time (`autoui.dispatcher.media`), URLs are
fetched only where `image_urls.py` allows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from autoui.ir import Operation
from autoui.mapper.kinds.base import Component
from autoui.mapper.naming import IMAGE_NAMES
from autoui.mapper.output_kinds.base import Kind, never, no_field
from autoui.mapper.shapes import main_type, prepare
from autoui.schemas import Schemas

_NAMED = IMAGE_NAMES | {"images"}
_IMAGE_WORDS = re.compile(r"image|picture|photo|inpaint|upscale", re.IGNORECASE)


def declares_pictures(schemas: Schemas, node: Any, operation: Operation) -> bool:
    """Whether a response schema holds pictures' bytes where an answer's pictures are: a
    property of the reply (`images: [...]`), or of the objects of a list in it
    (`data: [{b64_json}]`). Pictures deeper down belong to something else (Ollama's
    chat `message.images`, a user's profile `picture`). A reply that may as well be a
    completion (LocalAI shares one response, `choices` and `data[].b64_json`, between
    chat, completions, embeddings, images, video and 3D) holds pictures only where the
    operation's path or id says image."""
    properties = _properties(schemas, node)
    if "choices" in properties and not _IMAGE_WORDS.search(
        f"{operation.path} {operation.operation_id}"
    ):
        return False
    for name, sub in properties.items():
        schema, _ = prepare(schemas, sub)
        if main_type(schema) == "array" and isinstance(schema.get("items"), Mapping):
            items, _ = prepare(schemas, schema["items"])
            said = {"description": schema.get("description", ""), **items}  # A1111's images
            if _picture_string(said, name) or any(
                _picture_string(prepare(schemas, inner)[0], inner_name)
                for inner_name, inner in _properties(schemas, items).items()
            ):
                return True
        elif _picture_string(schema, name):
            return True
    return False


def _properties(schemas: Schemas, node: Any) -> Mapping[str, Any]:
    schema, _ = prepare(schemas, node)
    properties = schema.get("properties") if main_type(schema) == "object" else None
    return properties if isinstance(properties, Mapping) else {}


def _picture_string(schema: Mapping[str, Any], name: str) -> bool:
    """A string that holds a picture's bytes: by `contentMediaType`; by name `b64_json`;
    or by a picture's name (`image`, `images`, ...) with base64 said by `format`,
    `contentEncoding` or the description."""
    if main_type(schema) != "string" or "enum" in schema:
        return False
    media = str(schema.get("contentMediaType", ""))
    if media:
        return media.startswith("image/")
    name = name.lower()
    if name == "b64_json":
        return True
    encoded = (
        schema.get("format") in ("byte", "base64")
        or "contentEncoding" in schema
        or "base64" in str(schema.get("description", "")).lower()
    )
    return encoded and name in _NAMED


KIND = Kind(
    name="gallery",
    media=never,
    field_rule=no_field,
    text_value=False,
    holds="files",
    component=Component("Gallery", {"interactive": False}),
    shown_in="gallery",
    fallback="file",
    may_be=("image",),
    returns="any",
    in_config=False,
)
