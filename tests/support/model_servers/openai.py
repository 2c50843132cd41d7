"""A fake OpenAI API, which also stands for the servers that speak its protocol (vLLM,
LocalAI, llama.cpp's server).

Serves the corpus's `big/openai/openapi.yaml` at /openapi.json (its `servers` pointed at
the fake's /v1) and, for LocalAI, `ml-serving/localai/swagger.json` at
/localai/swagger.json (its `host` set to the fake). It answers the operations a user
reaches for first: models, chat completions (streamed and not), completions,
embeddings, image generation (b64_json and url, one or several) and edits (multipart),
speech and transcription.

Errors have OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`. Each rule
below names where its message was seen: OpenAI does not publish its validator, so the
messages are the ones its API returned to users, as quoted in public issue reports.
The `localai` flavour answers the same requests but, like LocalAI (Go's encoding/json),
ignores fields it does not know instead of refusing them, and does not insist on `model`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.datastructures import UploadFile

from . import synth
from .recording import recorded
from .specs import spec, with_servers

SPEC = "big/openai/openapi.yaml"
LOCALAI_SPEC = "ml-serving/localai/swagger.json"

CHAT_MODELS = {
    "gpt-4o-mini": "chat",
    "o4-mini": "reasoning",
    "gpt-3.5-turbo-instruct": "completion",
}
MODELS = {
    **CHAT_MODELS,
    "text-embedding-3-small": "embedding",
    "dall-e-2": "image",
    "dall-e-3": "image",
    "tts-1": "speech",
    "whisper-1": "transcription",
}
EMBEDDING_DIMENSIONS = 8  # text-embedding-3-small has 1536; a test wants to read them
IMAGE_SIZES = {
    "dall-e-2": ("256x256", "512x512", "1024x1024"),
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
}
VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "onyx",
    "nova",
    "sage",
    "shimmer",
    "verse",
)
SPEECH_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "audio/pcm"}
NOT_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please "
    "contact us through our help center at help.openai.com.)"
)


class Rejected(Exception):
    def __init__(
        self, status: int, message: str, param: str | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.status, self.message, self.param, self.code = status, message, param, code


def _missing(name: str) -> Rejected:
    # "Missing required parameter: 'messages'." (SilasMarvin/lsp-ai#108; with a path,
    # 'messages[0].role', in ServiceNow/TapeAgents#66)
    return Rejected(
        400, f"Missing required parameter: '{name}'.", name, "missing_required_parameter"
    )


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """Every property a request schema names, through $ref and allOf/anyOf/oneOf."""
    schema = _resolve(document, schema)
    names = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            names |= _properties(document, part)
    return names


def _known_fields(path: str, media: str = "application/json") -> set[str]:
    document = spec(SPEC)
    body = document["paths"][path]["post"]["requestBody"]["content"][media]["schema"]
    return _properties(document, body)


def create_app(flavour: str = "openai") -> FastAPI:
    strict = flavour == "openai"
    app = recorded(
        FastAPI(title=f"fake {flavour}", openapi_url=None, docs_url=None, redoc_url=None)
    )
    files: dict[str, bytes] = {}
    known = {
        path: _known_fields(path, media)
        for path, media in (
            ("/chat/completions", "application/json"),
            ("/completions", "application/json"),
            ("/embeddings", "application/json"),
            ("/images/generations", "application/json"),
            ("/audio/speech", "application/json"),
        )
    }

    @app.exception_handler(Rejected)
    async def rejected(_: Request, exc: Rejected) -> Response:
        error = {
            "message": exc.message,
            "type": "invalid_request_error",
            "param": exc.param,
            "code": exc.code,
        }
        return JSONResponse({"error": error}, status_code=exc.status)

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        return with_servers(SPEC, "/v1")

    @app.get("/localai/swagger.json")
    async def localai_swagger(request: Request) -> dict[str, Any]:
        document = spec(LOCALAI_SPEC)
        document["host"] = request.headers["host"]
        document["schemes"] = ["http"]
        return document

    async def body_of(request: Request, path: str) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise Rejected(400, NOT_JSON) from None
        if not isinstance(body, dict):
            raise Rejected(400, NOT_JSON)
        if strict:
            # "Unrecognized request argument supplied: top_k"
            # (xlinx/sd-webui-decadetw-auto-prompt-llm#29)
            unknown = sorted(set(body) - known[path])
            if unknown:
                raise Rejected(400, f"Unrecognized request argument supplied: {', '.join(unknown)}")
        return body

    def model_of(
        body: dict[str, Any], kind: str | tuple[str, ...], default: str | None = None
    ) -> str:
        model = body.get("model", default)
        if model is None or model == "":
            if not strict:
                return default or next(m for m, k in MODELS.items() if k in kind)
            # 400 "you must provide a model parameter", param and code null (lss233/kirara-ai#800)
            raise Rejected(400, "you must provide a model parameter")
        # 404 "The model `gpt-4o` does not exist or you do not have access to it.",
        # code model_not_found (Aider-AI/aider#2030, rd-1-2022/ai-openai-helloworld#9)
        if not isinstance(model, str) or MODELS.get(model) not in (
            (kind,) if isinstance(kind, str) else kind
        ):
            raise Rejected(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                None,
                "model_not_found",
            )
        return model

    def bounded(body: dict[str, Any], name: str, low: float, high: float) -> None:
        # "3.0 is greater than the maximum of 2 - 'temperature'"
        # (Frrrrrrrrank/auto_job__find__chatgpt__rpa#40)
        value = body.get(name)
        if value is None:
            return
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise Rejected(400, f"{json.dumps(value)} is not of type 'number' - '{name}'", name)
        if value > high:
            raise Rejected(400, f"{value} is greater than the maximum of {high} - '{name}'", name)
        if value < low:
            raise Rejected(400, f"{value} is less than the minimum of {low} - '{name}'", name)

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 1700000000, "owned_by": "system"}
                for m in MODELS
            ],
        }

    def chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None) -> bytes:
        payload = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        return f"data: {json.dumps(payload)}\n\n".encode()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await body_of(request, "/chat/completions")
        model = model_of(body, ("chat", "reasoning"))
        if "messages" not in body:
            raise _missing("messages")
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            # "[] is too short - 'messages'" (OpenAI's JSON-schema form, as for temperature above)
            raise Rejected(400, f"{json.dumps(messages)} is too short - 'messages'", "messages")
        for i, m in enumerate(messages):
            if not isinstance(m, dict) or "role" not in m:
                raise _missing(f"messages[{i}].role")
        bounded(body, "temperature", 0, 2)
        bounded(body, "top_p", 0, 1)
        bounded(body, "frequency_penalty", -2, 2)
        bounded(body, "presence_penalty", -2, 2)
        if strict and CHAT_MODELS[model] == "chat" and "reasoning_effort" in body:
            # gpt-4o-mini: "Unrecognized request argument supplied: reasoning_effort"
            # (coroot/coroot#698, yaroslavyaroslav/OpenAI-sublime-text#146)
            raise Rejected(400, "Unrecognized request argument supplied: reasoning_effort")
        if (
            strict
            and CHAT_MODELS[model] == "reasoning"
            and body.get("temperature") not in (None, 1)
        ):
            # "Unsupported value: 'temperature' does not support 0.1 with this model. Only the
            # default (1) value is supported." code unsupported_value (NVlabs/cvdp_benchmark#29)
            raise Rejected(
                400,
                f"Unsupported value: 'temperature' does not support {body['temperature']} with "
                "this model. "
                "Only the default (1) value is supported.",
                "temperature",
                "unsupported_value",
            )
        if strict and "parallel_tool_calls" in body and not body.get("tools"):
            # "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed
            # when 'tools' are specified." param parallel_tool_calls (Upsonic/Upsonic#323)
            raise Rejected(
                400,
                "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed "
                "when 'tools' are specified.",
                "parallel_tool_calls",
            )
        users = []
        for m in messages:
            content = m.get("content")
            if m.get("role") == "user":
                if isinstance(content, list):  # content parts: the text parts
                    content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
                users.append(str(content or ""))
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        tokens = synth.chat_tokens(users, limit)
        cid = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        if body.get("stream"):

            async def events() -> AsyncIterator[bytes]:
                yield chunk(cid, model, {"role": "assistant", "content": ""}, None)
                async for token in app.state.gate.held(tokens):
                    yield chunk(cid, model, {"content": token}, None)
                yield chunk(cid, model, {}, "stop")
                yield b"data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        prompt_tokens = sum(len(u.split()) for u in users)
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": "".join(tokens),
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(tokens),
                    "total_tokens": prompt_tokens + len(tokens),
                },
                "service_tier": "default",
                "system_fingerprint": None,
            }
        )

    @app.post("/v1/completions")
    async def completions(request: Request) -> Response:
        body = await body_of(request, "/completions")
        model = model_of(body, "completion")
        if "prompt" not in body:
            raise _missing("prompt")
        bounded(body, "temperature", 0, 2)
        bounded(body, "top_p", 0, 1)
        prompt = (
            body["prompt"]
            if isinstance(body["prompt"], str)
            else " ".join(map(str, body["prompt"]))
        )
        tokens = synth.echo_tokens(prompt, body.get("max_tokens", 16))
        cid = f"cmpl-{uuid.uuid4().hex[:12]}"

        def choice(text: str, finish: str | None) -> dict[str, Any]:
            return {"text": text, "index": 0, "logprobs": None, "finish_reason": finish}

        if body.get("stream"):

            async def events() -> AsyncIterator[bytes]:
                async for token in app.state.gate.held(tokens):
                    payload = {
                        "id": cid,
                        "object": "text_completion",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [choice(token, None)],
                    }
                    yield f"data: {json.dumps(payload)}\n\n".encode()
                yield b"data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        return JSONResponse(
            {
                "id": cid,
                "object": "text_completion",
                "created": int(time.time()),
                "model": model,
                "choices": [choice("".join(tokens), "length")],
                "usage": {
                    "prompt_tokens": len(prompt.split()),
                    "completion_tokens": len(tokens),
                    "total_tokens": len(prompt.split()) + len(tokens),
                },
            }
        )

    @app.post("/v1/embeddings")
    async def embeddings(request: Request) -> Response:
        body = await body_of(request, "/embeddings")
        model = model_of(body, "embedding")
        if "input" not in body:
            raise _missing("input")
        value = body["input"]
        texts = [value] if isinstance(value, str) else value
        if (
            not isinstance(texts, list)
            or not texts
            or not all(isinstance(t, (str, int, list)) for t in texts)
        ):
            # "'$.input' is invalid. Please check the API reference: ..." (the API's answer
            # to an input that is not a string, a list of strings or of token lists)
            raise Rejected(
                400,
                "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            )
        dimensions = body.get("dimensions")
        size = (
            dimensions
            if isinstance(dimensions, int) and 0 < dimensions < EMBEDDING_DIMENSIONS
            else EMBEDDING_DIMENSIONS
        )
        return JSONResponse(
            {
                "object": "list",
                "data": [
                    {"object": "embedding", "index": i, "embedding": synth.embedding(str(t), size)}
                    for i, t in enumerate(texts)
                ],
                "model": model,
                "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
            }
        )

    def image_params(body: dict[str, Any]) -> tuple[str, int, tuple[int, int], str]:
        model = model_of(body, "image", default="dall-e-2")  # the API's default image model
        n = body.get("n", 1)
        if n is None:
            n = 1
        # the spec: n is an integer from 1 to 10; "For dall-e-3, only n=1 is supported"
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 10:
            low = isinstance(n, int) and n < 1
            bound = "less than the minimum of 1" if low else "greater than the maximum of 10"
            raise Rejected(
                400,
                f"{json.dumps(n)} is {bound} - 'n'",
                "n",
            )
        if model == "dall-e-3" and n != 1:
            raise Rejected(400, "Invalid 'n': dall-e-3 only supports n=1.", "n", "invalid_value")
        size = body.get("size") or "1024x1024"
        allowed = IMAGE_SIZES[model]
        if size not in allowed:
            # "Invalid value: 'X'. Supported values are: ..." (the form of the API's
            # invalid_value errors, e.g. for reasoning_effort in Kilo-Org/cloud#3807)
            listed = ", ".join(f"'{s}'" for s in allowed[:-1]) + f", and '{allowed[-1]}'"
            raise Rejected(
                400,
                f"Invalid value: '{size}'. Supported values are: {listed}.",
                "size",
                "invalid_value",
            )
        fmt = body.get("response_format") or "url"  # dall-e-2/3 answer with URLs by default
        if fmt not in ("url", "b64_json"):
            raise Rejected(
                400,
                f"Invalid value: '{fmt}'. Supported values are: 'url' and 'b64_json'.",
                "response_format",
                "invalid_value",
            )
        width, height = (int(x) for x in size.split("x"))
        return model, n, (width, height), fmt

    def image_data(
        request: Request, prompt: str, n: int, size: tuple[int, int], fmt: str
    ) -> list[dict[str, Any]]:
        data = []
        for i in range(n):
            content = synth.png(prompt, *size, index=i)
            if fmt == "b64_json":
                data.append({"b64_json": synth.b64(content), "revised_prompt": prompt})
            else:
                name = f"img-{uuid.uuid4().hex[:16]}.png"
                files[name] = content
                data.append(
                    {"url": str(request.base_url) + f"v1/files/{name}", "revised_prompt": prompt}
                )
        return data

    @app.post("/v1/images/generations")
    async def images(request: Request) -> Response:
        body = await body_of(request, "/images/generations")
        if "prompt" not in body or not body["prompt"]:
            raise _missing("prompt")
        _, n, size, fmt = image_params(body)
        return JSONResponse(
            {
                "created": int(time.time()),
                "data": image_data(request, str(body["prompt"]), n, size, fmt),
            }
        )

    @app.post("/v1/images/edits")
    async def image_edits(request: Request) -> Response:
        form = await request.form()
        fields = {k: v for k, v in form.multi_items() if not isinstance(v, UploadFile)}
        uploads = [(k, v) for k, v in form.multi_items() if isinstance(v, UploadFile)]
        if not any(k in ("image", "image[]") for k, _ in uploads):
            raise _missing("image")
        if not fields.get("prompt"):
            raise _missing("prompt")
        body: dict[str, Any] = dict(fields)
        if "n" in body:
            body["n"] = int(body["n"]) if str(body["n"]).isdigit() else body["n"]
        model, n, size, fmt = image_params(body)
        image = next(v for k, v in uploads if k in ("image", "image[]"))
        content = await image.read()
        if model == "dall-e-2":
            from io import BytesIO

            from PIL import Image, UnidentifiedImageError

            # dall-e-2 edits take a square PNG under 4 MB with transparency:
            # "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB."
            try:
                picture = Image.open(BytesIO(content))
            except UnidentifiedImageError:
                raise Rejected(
                    400, "Uploaded image must be a PNG and less than 4 MB.", "image"
                ) from None
            if picture.format != "PNG" or len(content) >= 4 * 1024 * 1024:
                raise Rejected(400, "Uploaded image must be a PNG and less than 4 MB.", "image")
            if picture.mode not in ("RGBA", "LA", "L"):
                raise Rejected(
                    400,
                    "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got "
                    f"{picture.mode}.",
                    "image",
                )
        prompt = f"{fields['prompt']} ({len(content)} bytes)"
        return JSONResponse(
            {"created": int(time.time()), "data": image_data(request, prompt, n, size, fmt)}
        )

    @app.get("/v1/files/{name}")
    async def file(name: str) -> Response:
        if name not in files:
            return JSONResponse(
                {
                    "error": {
                        "message": "Not found",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
                status_code=404,
            )
        return Response(files[name], media_type="image/png")

    @app.post("/v1/audio/speech")
    async def speech(request: Request) -> Response:
        body = await body_of(request, "/audio/speech")
        model_of(body, "speech")
        for name in ("input", "voice"):
            if not body.get(name):
                raise _missing(name)
        if len(str(body["input"])) > 4096:
            raise Rejected(400, f"'{body['input'][:20]}...' is too long - 'input'", "input")
        if body["voice"] not in VOICES:
            listed = ", ".join(f"'{v}'" for v in VOICES[:-1]) + f", and '{VOICES[-1]}'"
            raise Rejected(
                400,
                f"Invalid value: '{body['voice']}'. Supported values are: {listed}.",
                "voice",
                "invalid_value",
            )
        bounded(body, "speed", 0.25, 4.0)
        fmt = body.get("response_format") or "mp3"
        seconds = synth.speech_seconds(str(body["input"])) / float(body.get("speed") or 1.0)
        if fmt == "mp3":
            content = synth.mp3_silence(seconds)
        elif fmt == "wav":
            content = synth.wav_tone(seconds)
        elif fmt == "pcm":
            content = synth.wav_tone(seconds)[44:]
        else:  # opus, aac, flac: real formats this fake has no encoder for
            return PlainTextResponse(f"the fake cannot encode {fmt!r}", status_code=501)
        return Response(content, media_type=SPEECH_TYPES[fmt])

    @app.post("/v1/audio/transcriptions")
    async def transcriptions(request: Request) -> Response:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise _missing("file")
        fields = {k: v for k, v in form.multi_items() if not isinstance(v, UploadFile)}
        model_of(fields, "transcription")
        text = synth.transcript(await upload.read())
        fmt = fields.get("response_format") or "json"
        if fmt == "text":
            return PlainTextResponse(text)
        if fmt == "verbose_json":
            return JSONResponse(
                {
                    "task": "transcribe",
                    "language": "english",
                    "duration": 0.0,
                    "text": text,
                    "segments": [],
                }
            )
        if fmt not in ("json",):
            return PlainTextResponse(f"1\n00:00:00,000 --> 00:00:01,000\n{text}\n")
        return JSONResponse({"text": text, "usage": {"type": "duration", "seconds": 1}})

    return app


def create_localai_app() -> FastAPI:
    return create_app("localai")
