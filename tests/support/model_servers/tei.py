"""A fake Text Embeddings Inference (huggingface/text-embeddings-inference) router.

Serves the corpus's `ml-serving/text-embeddings-inference/openapi.json` and answers
/embed, /rerank, /v1/embeddings and /info like TEI's router at 0d124dc9 (the spec's
commit): errors are `{"error": ..., "error_type": "Validation" | "Empty" | ...}`
(router/src/lib.rs ErrorResponse; ErrorType has no serde rename, so the variant name
is sent) with the status of router/src/http/server.rs `From<&ErrorType> for
StatusCode` (Validation 422, Empty 400). The body is read by axum's `Json` extractor:
serde failures are 422 text/plain "Failed to deserialize the JSON body ...".
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request

from . import synth
from .axum import Rejected, answer_rejections
from .axum import body as _body
from .axum import deserialize_error as _deserialize_error
from .recording import recorded
from .specs import spec

SPEC = "ml-serving/text-embeddings-inference/openapi.json"
MODEL_ID = "fake/tiny-embedder"
DIMENSIONS = 8
MAX_CLIENT_BATCH_SIZE = 32  # launcher default (--max-client-batch-size)
MAX_INPUT_LENGTH = 512
# The model's sentence-transformers config `prompts` (config_sentence_transformers.json).
PROMPTS = {"query": "query: ", "passage": "passage: "}
VALIDATION = "Validation"  # ErrorType::Validation, serialised by its variant name


def _inputs(body: dict[str, Any], field: str = "inputs") -> tuple[list[str], bool]:
    """types.rs `Input` (untagged: a string or token ids, or a list of them): the texts
    and whether it was a batch. Ids are kept as text, which is all the fake needs."""
    if field not in body:
        raise _deserialize_error(f"missing field `{field}`")
    value = body[field]

    def one(item: Any) -> str | None:
        if isinstance(item, str):
            return item
        if isinstance(item, list) and all(isinstance(i, int) and i >= 0 for i in item):
            return " ".join(map(str, item))
        return None

    single = one(value)
    if single is not None and not (
        isinstance(value, list) and value and isinstance(value[0], list)
    ):
        return [single], False
    if isinstance(value, list):
        items = [one(v) for v in value]
        if all(i is not None for i in items):
            return [str(i) for i in items], True
    raise _deserialize_error(f"{field}: data did not match any variant of untagged enum Input")


def _option(body: dict[str, Any], name: str, kind: type, expected: str) -> Any:
    value = body.get(name)
    if value is not None and (
        not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)
    ):
        raise _deserialize_error(f"{name}: invalid type: {json.dumps(value)}, expected {expected}")
    return value


def _truncation_direction(body: dict[str, Any]) -> None:
    # types.rs TruncationDirection: "Left"/"left"/"Right"/"right" (serde aliases); a
    # present null is not an Option, so it is refused too
    if "truncation_direction" in body and body["truncation_direction"] not in (
        "Left",
        "left",
        "Right",
        "right",
    ):
        raise _deserialize_error(
            f"truncation_direction: unknown variant `{body['truncation_direction']}`, "
            "expected one of `Left`, `left`, `Right`, `right`"
        )


def _batch(texts: list[str], batch: bool) -> None:
    # http/server.rs: an empty batch -> ErrorType::Empty (400)
    if batch and not texts:
        raise Rejected(400, "`inputs` cannot be empty", "Empty")
    # http/server.rs: batch_size > info.max_client_batch_size -> Validation
    if len(texts) > MAX_CLIENT_BATCH_SIZE:
        raise Rejected(
            422,
            f"batch size {len(texts)} > maximum allowed batch size {MAX_CLIENT_BATCH_SIZE}",
            VALIDATION,
        )


def _prompted(text: str, prompt_name: str | None) -> str:
    """core/src/tokenization.rs prepare_pre_prompt: `prompt_name` must be a key of the
    model's sentence-transformers `prompts`, else TextEmbeddingsError::Validation."""
    if prompt_name is None:
        return text
    if prompt_name not in PROMPTS:
        keys = "[" + ", ".join(f'"{k}"' for k in PROMPTS) + "]"
        raise Rejected(
            422,
            f"Input validation error: `default-prompt-name` is set to `{prompt_name}` but it was "
            f"not found in the Sentence Transformers prompts. Available prompts: {keys}",
            VALIDATION,
        )
    return PROMPTS[prompt_name] + text


def _embed(text: str, dimensions: int | None, normalize: bool) -> list[float]:
    vector = synth.embedding(text, DIMENSIONS)
    if dimensions is not None:
        # core/src/infer.rs embed_pooled: 0 and more than the model's size are refused
        if dimensions == 0:
            raise Rejected(
                422, "Input validation error: `dimensions` should be positive", VALIDATION
            )
        if dimensions > DIMENSIONS:
            raise Rejected(
                422,
                "Input validation error: `dimensions` should be smaller than the maximum "
                "embedding dimension.",
                VALIDATION,
            )
        vector = vector[:dimensions]
    return vector if normalize else [round(x * 3.0, 6) for x in vector]


def create_app() -> FastAPI:
    app = recorded(FastAPI(title="fake TEI", openapi_url=None, docs_url=None, redoc_url=None))

    answer_rejections(app)

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        return spec(SPEC)

    @app.get("/info")
    async def info() -> dict[str, Any]:
        return {
            "model_id": MODEL_ID,
            "model_sha": None,
            "model_dtype": "float32",
            "served_model_name": MODEL_ID,
            "model_type": {"embedding": {"pooling": "mean"}},
            "max_concurrent_requests": 512,
            "max_input_length": MAX_INPUT_LENGTH,
            "max_batch_tokens": 16384,
            "max_batch_requests": None,
            "max_client_batch_size": MAX_CLIENT_BATCH_SIZE,
            "auto_truncate": False,
            "tokenization_workers": 2,
            "version": "1.8.0",
            "sha": None,
            "docker_label": None,
        }

    @app.post("/embed")
    async def embed(request: Request) -> list[list[float]]:
        body = _body(await request.body())
        texts, batch = _inputs(body)
        _option(body, "truncate", bool, "a boolean")
        _truncation_direction(body)
        prompt_name = _option(body, "prompt_name", str, "a string")
        dimensions = _option(body, "dimensions", int, "usize")
        normalize = body.get("normalize", True)
        if not isinstance(normalize, bool):  # `normalize: bool` with a serde default: no null
            raise _deserialize_error(
                f"normalize: invalid type: {json.dumps(normalize)}, expected a boolean"
            )
        _batch(texts, batch)
        return [_embed(_prompted(t, prompt_name), dimensions, normalize) for t in texts]

    @app.post("/rerank")
    async def rerank(request: Request) -> list[dict[str, Any]]:
        body = _body(await request.body())
        for name in ("query", "texts"):
            if name not in body:
                raise _deserialize_error(f"missing field `{name}`")
        query, texts = body["query"], body["texts"]
        if not isinstance(query, str):
            raise _deserialize_error(f"query: invalid type: {json.dumps(query)}, expected a string")
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise _deserialize_error("texts: invalid type, expected a sequence of strings")
        _truncation_direction(body)
        # http/server.rs rerank: empty texts -> Empty; too many -> Validation
        if not texts:
            raise Rejected(400, "`texts` cannot be empty", "Empty")
        _batch(texts, True)
        words = set(query.lower().split())
        ranks = []
        for i, text in enumerate(texts):
            overlap = len(words & set(text.lower().split()))
            score = (
                overlap / (len(words) or 1)
                if body.get("raw_scores") is not True
                else float(overlap)
            )
            rank: dict[str, Any] = {"index": i, "score": round(score, 6)}
            if body.get("return_text"):
                rank["text"] = text
            ranks.append(rank)
        return sorted(ranks, key=lambda r: -r["score"])

    @app.post("/v1/embeddings")
    async def openai_embed(request: Request) -> dict[str, Any]:
        body = _body(await request.body())
        texts, batch = _inputs(body, "input")
        _batch(texts, batch)
        dimensions = _option(body, "dimensions", int, "usize")
        return {
            "object": "list",
            "data": [
                {"object": "embedding", "embedding": _embed(t, dimensions, True), "index": i}
                for i, t in enumerate(texts)
            ],
            "model": MODEL_ID,
            "usage": {
                "prompt_tokens": sum(len(t.split()) for t in texts),
                "total_tokens": sum(len(t.split()) for t in texts),
            },
        }

    return app
