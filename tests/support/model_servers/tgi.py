"""A fake Text Generation Inference (huggingface/text-generation-inference) router.

Serves the corpus's `ml-serving/text-generation-inference/openapi.json` and answers
/generate, /generate_stream, / (compat), /v1/chat/completions, /v1/models and /info the
way TGI's router does, with its validation (router/src/validation.rs at db931fcf, the
commit the corpus's spec comes from) and its error shapes (router/src/server.rs):
`{"error": "Input validation error: ...", "error_type": "validation"}` with 422, or, on
the streaming routes, the same object as an SSE event of a 200 reply. The body is read
like axum's `Json` extractor reads it with serde: a missing field or a wrong type is a
422 text/plain "Failed to deserialize the JSON body into the target type: ...".
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from . import synth
from .axum import Rejected, answer_rejections
from .axum import body as _body
from .axum import deserialize_error as _deserialize_error
from .recording import recorded
from .specs import spec

SPEC = "ml-serving/text-generation-inference/openapi.json"
MODEL_ID = "fake/tiny-llm"
MAX_STOP_SEQUENCES = 4  # launcher default (--max-stop-sequences)
MAX_TOP_N_TOKENS = 5  # launcher default (--max-top-n-tokens)
MAX_BEST_OF = 2  # launcher default (--max-best-of)
MAX_INPUT_TOKENS = 1024
MAX_TOTAL_TOKENS = 2048
DEFAULT_MAX_NEW_TOKENS = 100  # validation.rs: min(remaining, DEFAULT_GENERATION_LENGTH)


def _serde_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"floating point `{value}`" if isinstance(value, float) else f"integer `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    return "sequence" if isinstance(value, list) else "map"


# GenerateParameters (router/src/lib.rs): name -> (serde type, nullable). Option<T>
# fields take null; plain bool / Vec fields do not.
_PARAMETERS = {
    "best_of": ("usize", True),
    "temperature": ("f32", True),
    "repetition_penalty": ("f32", True),
    "frequency_penalty": ("f32", True),
    "top_k": ("i32", True),
    "top_p": ("f32", True),
    "typical_p": ("f32", True),
    "do_sample": ("a boolean", False),
    "max_new_tokens": ("u32", True),
    "return_full_text": ("a boolean", True),
    "stop": ("a sequence", False),
    "truncate": ("usize", True),
    "watermark": ("a boolean", False),
    "details": ("a boolean", False),
    "decoder_input_details": ("a boolean", False),
    "seed": ("u64", True),
    "top_n_tokens": ("u32", True),
    "grammar": ("internally tagged enum GrammarType", True),
    "adapter_id": ("a string", True),
}


def _typed(path: str, value: Any, expected: str, nullable: bool) -> Any:
    if value is None:
        if nullable:
            return None
        raise _deserialize_error(f"{path}: invalid type: null, expected {expected}")
    ok = {
        "a boolean": isinstance(value, bool),
        "a string": isinstance(value, str),
        "a sequence": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "f32": isinstance(value, (int, float)) and not isinstance(value, bool),
        "internally tagged enum GrammarType": isinstance(value, dict) and "type" in value,
    }.get(expected)
    if ok is None:  # an integer type
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and value < 0 and expected.startswith("u"):
            raise _deserialize_error(
                f"{path}: invalid value: integer `{value}`, expected {expected}"
            )
    if not ok:
        raise _deserialize_error(f"{path}: invalid type: {_serde_type(value)}, expected {expected}")
    return value


def parse_generate(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """GenerateRequest as serde reads it: `inputs` (required string) and `parameters`."""
    if "inputs" not in body:
        raise _deserialize_error("missing field `inputs`")
    inputs = body["inputs"]
    if not isinstance(inputs, str):
        raise _deserialize_error(f"inputs: invalid type: {_serde_type(inputs)}, expected a string")
    raw = body.get("parameters") or {}
    if not isinstance(raw, dict):
        raise _deserialize_error(
            f"parameters: invalid type: {_serde_type(raw)}, expected struct GenerateParameters"
        )
    parameters = {
        name: _typed(f"parameters.{name}", raw[name], *_PARAMETERS[name])
        for name in _PARAMETERS
        if name in raw  # unknown fields are ignored: no deny_unknown_fields
    }
    return inputs, parameters


def validate(inputs: str, p: dict[str, Any], *, stream: bool = False) -> int:
    """router/src/validation.rs `Validation::validate` (and server.rs for streams), in
    its order; returns max_new_tokens. Each message is its ValidationError's #[error]."""

    def invalid(message: str) -> Rejected:
        return Rejected(422, f"Input validation error: {message}", "validation")

    best_of = p.get("best_of")
    # server.rs generate_stream_internal: best_of != 1 and decoder_input_details refused
    if stream and best_of not in (None, 1):
        raise invalid("`best_of` != 1 is not supported when streaming tokens")
    if stream and p.get("decoder_input_details"):
        raise invalid("`decoder_input_details` == true is not supported when streaming tokens")
    # validation.rs validate_best_of: best_of must be <= max_best_of
    if best_of is not None and best_of > MAX_BEST_OF:
        raise invalid(f"`best_of` must be > 0 and <= {MAX_BEST_OF}. Given: {best_of}")
    sampling = p.get("do_sample") or any(
        p.get(k) is not None for k in ("temperature", "top_k", "top_p", "typical_p")
    )
    # validation.rs: "sampling must be true when best_of > 1"
    if (best_of or 1) > 1 and not sampling:
        raise invalid("you must use sampling when `best_of` is > 1")
    # validation.rs: temperature <= 0.0 -> ValidationError::Temperature
    if p.get("temperature") is not None and p["temperature"] <= 0.0:
        raise invalid("`temperature` must be strictly positive")
    # validation.rs: repetition_penalty <= 0.0 -> ValidationError::RepetitionPenalty
    if p.get("repetition_penalty") is not None and p["repetition_penalty"] <= 0.0:
        raise invalid("`repetition_penalty` must be strictly positive")
    # validation.rs: frequency_penalty outside -2.0..=2.0 -> FrequencyPenalty
    if p.get("frequency_penalty") is not None and not -2.0 <= p["frequency_penalty"] <= 2.0:
        raise invalid("`frequency_penalty` must be >= -2.0 and <= 2.0")
    # validation.rs: top_p <= 0.0 || top_p >= 1.0 -> ValidationError::TopP
    if p.get("top_p") is not None and not 0.0 < p["top_p"] < 1.0:
        raise invalid("`top_p` must be > 0.0 and < 1.0")
    # validation.rs: typical_p <= 0.0 || typical_p >= 1.0 -> ValidationError::TypicalP
    if p.get("typical_p") is not None and not 0.0 < p["typical_p"] < 1.0:
        raise invalid("`typical_p` must be > 0.0 and < 1.0")
    # validation.rs: top_k <= 0 -> ValidationError::TopK
    if p.get("top_k") is not None and p["top_k"] <= 0:
        raise invalid("`top_k` must be strictly positive")
    # validation.rs: max_new_tokens == Some(0) -> NegativeMaxNewTokens
    if p.get("max_new_tokens") == 0:
        raise invalid("`max_new_tokens` must be strictly positive")
    # validation.rs: more stop sequences than max_stop_sequences -> StopSequence
    if len(p.get("stop") or []) > MAX_STOP_SEQUENCES:
        raise invalid(
            f"`stop` supports up to {MAX_STOP_SEQUENCES} stop sequences. Given: {len(p['stop'])}"
        )
    # validation.rs: a seed with best_of > 1 -> BestOfSeed
    if p.get("seed") is not None and (best_of or 1) > 1:
        raise invalid("`seed` must not be set when `best_of` > 1")
    # validation.rs: top_n_tokens > max_top_n_tokens -> TopNTokens
    if p.get("top_n_tokens") is not None and p["top_n_tokens"] > MAX_TOP_N_TOKENS:
        raise invalid(
            f"`top_n_tokens` must be >= 0 and <= {MAX_TOP_N_TOKENS}. Given: {p['top_n_tokens']}"
        )
    # validation.rs: empty inputs -> EmptyInput
    if not inputs:
        raise invalid("`inputs` cannot be empty")
    # validation.rs: truncate == 0 or > max_input_length -> Truncate
    if p.get("truncate") is not None and not 0 < p["truncate"] <= MAX_INPUT_TOKENS:
        raise invalid(
            f"`truncate` must be strictly positive and less than {MAX_INPUT_TOKENS}. Given: "
            f"{p['truncate']}"
        )
    max_new = p.get("max_new_tokens")
    input_length = len(inputs.split())
    # validation.rs validate_input: inputs + max_new_tokens <= max_total_tokens
    if max_new is not None and input_length + max_new > MAX_TOTAL_TOKENS:
        raise invalid(
            f"`inputs` tokens + `max_new_tokens` must be <= {MAX_TOTAL_TOKENS}. "
            f"Given: {input_length} `inputs` tokens and {max_new} `max_new_tokens`"
        )
    return max_new if max_new is not None else DEFAULT_MAX_NEW_TOKENS


def _token(i: int, text: str) -> dict[str, Any]:
    return {"id": 1000 + i, "text": text, "logprob": -0.5, "special": False}


def _answer(inputs: str, p: dict[str, Any], max_new: int) -> tuple[list[str], str]:
    tokens = synth.echo_tokens(inputs, max_new)
    text = "".join(tokens)
    return tokens, (inputs + text if p.get("return_full_text") else text)


def _details(tokens: list[str]) -> dict[str, Any]:
    return {
        "finish_reason": "length",
        "generated_tokens": len(tokens),
        "seed": None,
        "prefill": [],
        "tokens": [_token(i, t) for i, t in enumerate(tokens)],
    }


def _sse(payload: Any) -> bytes:
    return f"data:{json.dumps(payload)}\n\n".encode()


def create_app() -> FastAPI:
    app = recorded(FastAPI(title="fake TGI", openapi_url=None, docs_url=None, redoc_url=None))

    answer_rejections(app)

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        return spec(SPEC)  # no `servers`: a client resolves paths against this URL

    @app.get("/info")
    async def info() -> dict[str, Any]:
        return {
            "model_id": MODEL_ID,
            "model_sha": None,
            "model_pipeline_tag": "text-generation",
            "max_concurrent_requests": 128,
            "max_best_of": MAX_BEST_OF,
            "max_stop_sequences": MAX_STOP_SEQUENCES,
            "max_input_tokens": MAX_INPUT_TOKENS,
            "max_total_tokens": MAX_TOTAL_TOKENS,
            "validation_workers": 2,
            "max_client_batch_size": 4,
            "router": "text-generation-router",
            "version": "3.3.6-dev0",
            "sha": None,
            "docker_label": None,
        }

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        # server.rs openai_get_model_info: the one served model, OpenAI's list shape
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": MODEL_ID}],
        }

    @app.get("/health")
    async def health() -> Response:
        return Response(status_code=200)

    async def stream_generate(inputs: str, p: dict[str, Any]) -> StreamingResponse:
        async def events() -> AsyncIterator[bytes]:
            try:
                max_new = validate(inputs, p, stream=True)
            except Rejected as exc:  # server.rs: an error is an event of the 200 stream
                yield _sse({"error": exc.message, "error_type": exc.kind})
                return
            tokens, full = _answer(inputs, p, max_new)
            async for i in app.state.gate.held(list(range(len(tokens)))):
                last = i == len(tokens) - 1
                yield _sse(
                    {
                        "index": i + 1,
                        "token": _token(i, tokens[i]),
                        "top_tokens": [],
                        "generated_text": full if last else None,
                        "details": (
                            {
                                "finish_reason": "length",
                                "generated_tokens": len(tokens),
                                "seed": None,
                                "input_length": len(inputs.split()),
                            }
                            if last and p.get("details")
                            else None
                        ),
                    }
                )

        return StreamingResponse(events(), media_type="text/event-stream")

    def generated(inputs: str, p: dict[str, Any]) -> dict[str, Any]:
        max_new = validate(inputs, p)
        tokens, full = _answer(inputs, p, max_new)
        reply: dict[str, Any] = {"generated_text": full}
        if p.get("details"):
            reply["details"] = _details(tokens)
        return reply

    @app.post("/generate")
    async def generate(request: Request) -> dict[str, Any]:
        inputs, p = parse_generate(_body(await request.body()))
        return generated(inputs, p)

    @app.post("/generate_stream")
    async def generate_stream(request: Request) -> StreamingResponse:
        inputs, p = parse_generate(_body(await request.body()))
        return await stream_generate(inputs, p)

    @app.post("/")
    async def compat_generate(request: Request) -> Any:
        # server.rs compat_generate: `stream` picks the route; the JSON reply is a list
        body = _body(await request.body())
        stream = body.get("stream", False)
        if not isinstance(stream, bool):
            raise _deserialize_error(
                f"stream: invalid type: {_serde_type(stream)}, expected a boolean"
            )
        inputs, p = parse_generate(body)
        if stream:
            return await stream_generate(inputs, p)
        return [generated(inputs, p)]

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = _body(await request.body())
        # lib.rs ChatRequest: `messages` is required (serde), `model` is optional
        if "messages" not in body:
            raise _deserialize_error("missing field `messages`")
        messages = body["messages"]
        if not isinstance(messages, list):
            raise _deserialize_error(
                f"messages: invalid type: {_serde_type(messages)}, expected a sequence"
            )
        for i, m in enumerate(messages):
            if not isinstance(m, dict) or "role" not in m:
                raise _deserialize_error(f"messages[{i}]: missing field `role`")
        users = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
        # lib.rs try_into_generate: temperature 0 means greedy; top_p, max_tokens,
        # presence_penalty (+2 as repetition penalty), frequency_penalty, stop, seed go on
        temperature = body.get("temperature")
        p = {
            "temperature": None if temperature == 0 else temperature,
            "top_p": body.get("top_p"),
            "frequency_penalty": body.get("frequency_penalty"),
            "repetition_penalty": None
            if body.get("presence_penalty") is None
            else body["presence_penalty"] + 2.0,
            "max_new_tokens": body.get("max_tokens", body.get("max_completion_tokens")),
            "stop": body.get("stop") or [],
            "seed": body.get("seed"),
        }
        prompt = " ".join(users)
        max_new = validate(prompt or " ", p)
        tokens = synth.chat_tokens(users, max_new)
        created = int(time.time())
        model = body.get("model") or MODEL_ID
        if body.get("stream"):

            async def chunks() -> AsyncIterator[bytes]:
                async for i in app.state.gate.held(list(range(len(tokens)))):
                    last = i == len(tokens) - 1
                    yield _sse(
                        {
                            "id": "",
                            "object": "chat.completion.chunk",
                            "created": created,
                            "model": model,
                            "system_fingerprint": "3.3.6-dev0-native",
                            "choices": [
                                {
                                    "index": 0,
                                    "delta": {"role": "assistant", "content": tokens[i]},
                                    "logprobs": None,
                                    "finish_reason": "length" if last else None,
                                }
                            ],
                            "usage": None,
                        }
                    )
                yield b"data: [DONE]\n\n"

            return StreamingResponse(chunks(), media_type="text/event-stream")
        return {
            "id": "",
            "object": "chat.completion",
            "created": created,
            "model": model,
            "system_fingerprint": "3.3.6-dev0-native",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "".join(tokens)},
                    "logprobs": None,
                    "finish_reason": "length",
                }
            ],
            "usage": {
                "prompt_tokens": len(prompt.split()),
                "completion_tokens": len(tokens),
                "total_tokens": len(prompt.split()) + len(tokens),
            },
        }

    return app
