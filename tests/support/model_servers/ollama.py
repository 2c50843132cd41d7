"""A fake Ollama server (github.com/ollama/ollama at fb307609, the spec's commit).

Serves the corpus's `ml-serving/ollama/openapi.yaml` (its `servers` pointed at the fake)
and answers /api/chat, /api/generate, /api/embed, /api/tags, /api/create like
server/routes.go: errors are `{"error": "..."}`; replies stream as NDJSON
(`application/x-ndjson`) unless `"stream": false`, the default being to stream.
Bodies are read with gin's ShouldBindJSON (encoding/json): unknown fields are ignored,
a wrong type is a 400 with encoding/json's message.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from . import synth
from .recording import recorded
from .specs import with_servers

SPEC = "ml-serving/ollama/openapi.yaml"
MODELS = {
    "llama3.2:latest": {"family": "llama", "parameter_size": "3.2B", "embedding": False},
    "embeddinggemma:latest": {"family": "gemma3", "parameter_size": "307M", "embedding": True},
}
DIMENSIONS = 8


class Rejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime())


def _body(raw: bytes) -> dict[str, Any]:
    # routes.go: ShouldBindJSON returning io.EOF -> 400 "missing request body"
    if not raw.strip():
        raise Rejected(400, "missing request body")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise Rejected(400, f"invalid character in JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise Rejected(400, "json: cannot unmarshal array into Go value of type api.ChatRequest")
    return body


def _go_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _field(body: dict[str, Any], name: str, kind: type, go: str, struct: str) -> Any:
    """encoding/json: a value of the wrong JSON type for a struct field is an error."""
    value = body.get(name)
    if value is None or (
        isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    ):
        return value
    raise Rejected(
        400,
        f"json: cannot unmarshal {_go_type(value)} into Go struct field {struct}.{name} of "
        f"type {go}",
    )


def _name(model: str) -> str:
    return model if ":" in model else f"{model}:latest"


def _options(body: dict[str, Any]) -> dict[str, Any]:
    """api/types.go Options.FromMap: an option of the wrong type is an error
    ("option %q must be of type ..."); unknown options are only logged."""
    options = body.get("options") or {}
    kinds = {
        "temperature": "float32",
        "top_p": "float32",
        "min_p": "float32",
        "top_k": "integer",
        "seed": "integer",
        "num_ctx": "integer",
        "num_predict": "integer",
    }
    for key, kind in kinds.items():
        value = options.get(key)
        if value is None:
            continue
        if kind == "integer" and not (
            isinstance(value, (int, float)) and not isinstance(value, bool)
        ):
            raise Rejected(500, f'option "{key}" must be of type integer')
        if kind == "float32" and not (
            isinstance(value, (int, float)) and not isinstance(value, bool)
        ):
            raise Rejected(500, f'option "{key}" must be of type float32')
    return options


def _model(body: dict[str, Any], *, missing_status: int, missing_message: str) -> str:
    """routes.go parseAndValidateModelRef + getModel: an empty model is refused with the
    handler's own status and message; an unknown one is 404 "model '<name>' not found"."""
    model = _field(body, "model", str, "string", "api.Request") or ""
    if not model.strip():
        raise Rejected(missing_status, missing_message)
    if _name(model) not in MODELS:
        raise Rejected(404, f"model '{model}' not found")
    return model


def _ndjson(items: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(item).encode() + b"\n" for item in items]


def _timings(prompt_tokens: int, tokens: int) -> dict[str, Any]:
    return {
        "total_duration": 1000000 * (tokens + 1),
        "load_duration": 1000000,
        "prompt_eval_count": prompt_tokens,
        "prompt_eval_duration": 100000,
        "eval_count": tokens,
        "eval_duration": 1000000 * tokens,
    }


def create_app() -> FastAPI:
    app = recorded(FastAPI(title="fake Ollama", openapi_url=None, docs_url=None, redoc_url=None))

    @app.exception_handler(Rejected)
    async def rejected(_: Request, exc: Rejected) -> Response:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        return with_servers(SPEC, "/")

    def streamed(
        body: dict[str, Any], chunks: list[dict[str, Any]], final: dict[str, Any]
    ) -> Response:
        stream = _field(body, "stream", bool, "bool", "api.Request")
        if stream is False:  # routes.go: `"stream": false` -> one JSON object
            return JSONResponse(final)

        async def lines() -> AsyncIterator[bytes]:
            async for line in app.state.gate.held(_ndjson([*chunks, final])):
                yield line

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.post("/api/chat")
    async def chat(request: Request) -> Response:
        body = _body(await request.body())
        # routes.go ChatHandler: top_logprobs must be between 0 and 20
        top_logprobs = _field(body, "top_logprobs", int, "int", "api.ChatRequest")
        if top_logprobs is not None and not 0 <= top_logprobs <= 20:
            raise Rejected(400, "top_logprobs must be between 0 and 20")
        # routes.go ChatHandler: writeModelRefParseError(c, err, 400, "model is required")
        model = _model(body, missing_status=400, missing_message="model is required")
        messages = _field(body, "messages", list, "[]api.Message", "api.ChatRequest") or []
        for m in messages:
            if not isinstance(m, dict):
                raise Rejected(
                    400,
                    f"json: cannot unmarshal {_go_type(m)} into Go struct field "
                    "ChatRequest.messages of type api.Message",
                )
            if not isinstance(m.get("content", ""), str):
                raise Rejected(
                    400,
                    f"json: cannot unmarshal {_go_type(m['content'])} into Go struct field "
                    "Message.messages.content of type string",
                )
        options = _options(body)
        users = [m.get("content", "") for m in messages if m.get("role") == "user"]
        tokens = synth.chat_tokens(users, options.get("num_predict"))
        chunks = [
            {
                "model": model,
                "created_at": _now(),
                "message": {"role": "assistant", "content": t},
                "done": False,
            }
            for t in tokens
        ]
        stream = body.get("stream") is not False
        final = {
            "model": model,
            "created_at": _now(),
            "message": {"role": "assistant", "content": "" if stream else "".join(tokens)},
            "done": True,
            "done_reason": "stop",
            **_timings(sum(len(u.split()) for u in users), len(tokens)),
        }
        return streamed(body, chunks, final)

    @app.post("/api/generate")
    async def generate(request: Request) -> Response:
        body = _body(await request.body())
        top_logprobs = _field(body, "top_logprobs", int, "int", "api.GenerateRequest")
        if top_logprobs is not None and not 0 <= top_logprobs <= 20:
            raise Rejected(400, "top_logprobs must be between 0 and 20")
        # routes.go GenerateHandler: writeModelRefParseError(c, err, 404, "model '%s' not found")
        model = _model(
            body, missing_status=404, missing_message=f"model '{body.get('model') or ''}' not found"
        )
        prompt = _field(body, "prompt", str, "string", "api.GenerateRequest") or ""
        images = _field(body, "images", list, "[]api.ImageData", "api.GenerateRequest") or []
        for image in images:  # api.ImageData is []byte: JSON strings must be base64
            try:
                import base64

                base64.b64decode(image, validate=True)
            except (ValueError, TypeError):
                raise Rejected(400, "illegal base64 data at input byte 0") from None
        # routes.go: raw mode does not support template, system, or context
        if body.get("raw") and (body.get("template") or body.get("system") or body.get("context")):
            raise Rejected(400, "raw mode does not support template, system, or context")
        options = _options(body)
        if not prompt:  # routes.go: an empty prompt loads the model and answers at once
            return JSONResponse(
                {
                    "model": model,
                    "created_at": _now(),
                    "response": "",
                    "done": True,
                    "done_reason": "load",
                }
            )
        suffix = f" [{len(images)} image(s)]" if images else ""
        tokens = synth.echo_tokens(prompt + suffix, options.get("num_predict"))
        chunks = [
            {"model": model, "created_at": _now(), "response": t, "done": False} for t in tokens
        ]
        stream = body.get("stream") is not False
        final = {
            "model": model,
            "created_at": _now(),
            "response": "" if stream else "".join(tokens),
            "done": True,
            "done_reason": "stop",
            **_timings(len(prompt.split()), len(tokens)),
        }
        return streamed(body, chunks, final)

    @app.post("/api/embed")
    async def embed(request: Request) -> Response:
        body = _body(await request.body())
        # routes.go EmbedHandler: writeModelRefParseError(c, err, 404, "model '%s' not found")
        model = _model(
            body, missing_status=404, missing_message=f"model '{body.get('model') or ''}' not found"
        )
        value = body.get("input")
        # routes.go EmbedHandler: a string, or a list of strings; else "invalid input type"
        if isinstance(value, str):
            texts = [value] if value else []
        elif isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise Rejected(400, "invalid input type")
            texts = value
        elif value is None:
            texts = []
        else:
            raise Rejected(400, "invalid input type")
        dimensions = _field(body, "dimensions", int, "int", "api.EmbedRequest")
        # routes.go EmbedHandler: 0 < dimensions < the model's size cuts and renormalises;
        # any other value is ignored
        size = dimensions if dimensions is not None and 0 < dimensions < DIMENSIONS else DIMENSIONS
        return JSONResponse(
            {
                "model": model,
                "embeddings": [synth.embedding(t, size) for t in texts],
                "total_duration": 1000000,
                "load_duration": 100000,
                "prompt_eval_count": sum(len(t.split()) for t in texts),
            }
        )

    @app.get("/api/tags")
    async def tags() -> dict[str, Any]:
        return {
            "models": [
                {
                    "name": name,
                    "model": name,
                    "modified_at": "2025-10-03T23:34:03.409490317-07:00",
                    "size": 2019393189,
                    "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                    "details": {
                        "format": "gguf",
                        "family": info["family"],
                        "families": [info["family"]],
                        "parameter_size": info["parameter_size"],
                        "quantization_level": "Q4_K_M",
                    },
                }
                for name, info in MODELS.items()
            ]
        }

    @app.post("/api/create")
    async def create(request: Request) -> Response:
        body = _body(await request.body())
        name = body.get("model") or body.get("name") or ""
        # create.go CreateHandler: model.ParseName(...).IsValid() else "invalid model name"
        if not isinstance(name, str) or not name.strip():
            raise Rejected(400, "invalid model name")
        source = body.get("from")
        if source is not None and _name(str(source)) not in MODELS:
            raise Rejected(404, f"model '{source}' not found")
        steps = [
            {"status": "using existing layers"},
            {"status": "writing manifest"},
            {"status": "success"},
        ]
        if body.get("stream") is False:
            return JSONResponse({"status": "success"})
        return StreamingResponse(iter(_ndjson(steps)), media_type="application/x-ndjson")

    return app
