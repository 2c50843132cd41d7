"""`vector`: embeddings. A vector is shown as its numbers, with its dimension; several, as
a table with one row per input.

Where the vectors are, in the replies of the servers people run:

- OpenAI, Mistral, LocalAI, vLLM: `{"data": [{"embedding": [...], "index": 0}], ...}`
- Ollama: `{"embeddings": [[...]]}` (`/api/embed`), `{"embedding": [...]}` (`/api/embeddings`)
- Text Embeddings Inference: `[[...]]` (`/embed`, a bare list of lists)

A bare list of numbers (or of lists of numbers) is a vector only where the plan says so
(the response schema names it an embedding): `[3, 1, 2]` from any other API is data, and
so are `scores`, a tensor's `shape`, or an embedding sent as base64 text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from autoui.mapper.kinds.base import Component
from autoui.mapper.naming import METADATA_NAMES
from autoui.mapper.output_kinds.base import Kind, never, no_field
from autoui.mapper.shapes import main_type, prepare
from autoui.schemas import ANNOTATIONS, Schemas

VECTOR_NAMES = frozenset({"embedding", "embeddings"})
_EMBED_WORD = re.compile(r"embed", re.IGNORECASE)
_OPENAI_ROUTE = re.compile(r"/embeddings\b")  # the OpenAI protocol's route, as servers copy it
_MAX_DEPTH = 4
_BY_REF: WeakKeyDictionary[Schemas, dict[tuple[str, int], bool]] = WeakKeyDictionary()

Vector = list[float]


# --- planning -------------------------------------------------------------------------


def declares_vectors(schemas: Schemas, node: Any, where: str) -> bool:
    """Whether a response schema holds embeddings: an `embedding`/`embeddings` property of
    numbers (or lists of them), at most a few levels down; for a bare array of arrays
    of numbers, when the schema or the operation (`where`: its path and id) says embed;
    a `data` list answered on the OpenAI protocol's `/embeddings` route."""
    schema, _ = prepare(schemas, node)
    if _numbers(schemas, schema, 2):
        named = str(schema.get("title", "")) + where
        return bool(_EMBED_WORD.search(named))
    if _OPENAI_ROUTE.search(where) and _listed_data(schemas, schema):
        return True  # LocalAI's one response for every route: its `data` holds them here
    return _vectors_within(schemas, schema, 0)


def _listed_data(schemas: Schemas, schema: dict[str, Any]) -> bool:
    data = (schema.get("properties") or {}).get("data")
    return data is not None and main_type(prepare(schemas, data)[0]) == "array"


def _named_vectors(schemas: Schemas, node: Any, depth: int) -> bool:
    """`_vectors_within` the schema `node` (as the document has it) stands for.

    The answer for a `$ref` (beside which there are only annotations, which change
    nothing here) is kept, per document and depth: the operations of a large API return
    the same few schemas (Kubernetes' `ObjectMeta` sits in every reply), and walking
    each of them for every operation took a fifth of the planning of Kubernetes' 1,123
    operations (61,150 visits).
    """
    if depth > _MAX_DEPTH:
        return False
    ref = (
        node.get("$ref")
        if isinstance(node, Mapping) and node.keys() - {"$ref"} <= ANNOTATIONS
        else None
    )
    if not isinstance(ref, str):
        return _vectors_within(schemas, prepare(schemas, node)[0], depth)
    known = _BY_REF.setdefault(schemas, {})
    if (ref, depth) not in known:
        known[ref, depth] = _vectors_within(schemas, prepare(schemas, node)[0], depth)
    return known[ref, depth]


def _vectors_within(schemas: Schemas, schema: dict[str, Any], depth: int) -> bool:
    if main_type(schema) == "array" and isinstance(schema.get("items"), Mapping):
        return _named_vectors(schemas, schema["items"], depth + 1)
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return False
    for name, sub in properties.items():
        if str(name).lower() in VECTOR_NAMES and _numbers(schemas, prepare(schemas, sub)[0], 2):
            return True
        if _named_vectors(schemas, sub, depth + 1):
            return True
    return False


def _numbers(schemas: Schemas, schema: dict[str, Any], levels: int) -> bool:
    """An array of numbers, or (up to `levels` deep) an array of such arrays; or
    alternatives of which one is (TEI's `Embedding`: numbers, or base64 text)."""
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(alternatives, list):
        return any(_numbers(schemas, prepare(schemas, a)[0], levels) for a in alternatives)
    if main_type(schema) != "array" or not isinstance(schema.get("items"), Mapping):
        return False
    items, _ = prepare(schemas, schema["items"])
    if main_type(items) in ("number", "integer"):
        return True
    return levels > 1 and _numbers(schemas, items, levels - 1)


# --- reading a reply ------------------------------------------------------------------


def vectors_in(data: Any, declared: bool = False) -> list[Vector] | None:
    """The vectors in a reply, or None when it holds none: from the well-known places
    (see the module's docstring), or, when the plan `declared` the reply a vector, the
    reply itself as a vector or a list of vectors. Undeclared, a record that carries text
    of its own beside its vector (a vector store's `{"id", "text", "embedding"}`) is that
    record, not an embedding reply."""
    if isinstance(data, Mapping):
        if not declared and _has_text(data):
            return None
        for name in ("embeddings", "embedding"):
            found = _as_vectors(data.get(name))
            if found:
                return found
        rows = data.get("data")
        if isinstance(rows, list) and rows and all(isinstance(r, Mapping) for r in rows):
            vectors = [_as_vector(r.get("embedding")) for r in rows]
            if all(v is not None for v in vectors):
                return [v for v in vectors if v is not None]
        return None
    return _as_vectors(data) if declared else None


def _has_text(data: Mapping[str, Any]) -> bool:
    """A string field besides those that describe a reply (`model`, `object`, `id`)."""

    return any(isinstance(v, str) and k not in METADATA_NAMES for k, v in data.items())


def _as_vectors(value: Any) -> list[Vector] | None:
    one = _as_vector(value)
    if one is not None:
        return [one]
    if isinstance(value, list) and value:
        several = [_as_vector(v) for v in value]
        if all(v is not None for v in several):
            return [v for v in several if v is not None]
    return None


def _as_vector(value: Any) -> Vector | None:
    if not isinstance(value, list) or len(value) < 2:
        return None
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
        return value
    return None


def vector_text(vector: Vector) -> str:
    """The numbers as JSON, every digit the server sent (to copy and paste elsewhere)."""
    return json.dumps(vector)


def vector_label(vector: Vector) -> str:
    return f"Vector · {len(vector)} dimensions"


def vectors_table(vectors: list[Vector]) -> dict[str, Any]:
    """One row per input, in the order of the inputs."""
    return {
        "headers": ["input", "dimensions", "vector"],
        "data": [[i, len(v), vector_text(v)] for i, v in enumerate(vectors)],
    }


KIND = Kind(
    name="vector",
    media=never,
    field_rule=no_field,
    text_value=False,
    holds="view",
    # the numbers as JSON text, every one in the page, with a copy button
    component=Component("Code", {"language": "json", "wrap_lines": True, "interactive": False}),
    shown_in="vector",
    fallback="textbox",
    may_be=("table",),
    returns="any",
    in_config=False,
)
