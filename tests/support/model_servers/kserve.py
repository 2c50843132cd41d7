"""A fake V2 inference server: KServe's and MLServer's REST data plane (the open
inference protocol), with the protocol's text-generation extension.

Documents (each with `servers` pointed at the fake's root):
- /openapi.json and /v2/docs/dataplane.json: the corpus's `ml-serving/mlserver/dataplane.yaml`
  (MLServer serves its data-plane spec at that path: mlserver/rest/app.py);
- /oip/open_inference_rest.json and /oip/generate_rest.json: the corpus's
  `ml-serving/open-inference-protocol/` documents.

Routes follow MLServer (mlserver/rest/app.py, at a325e523) plus KServe's model list
(kserve/protocol/rest/v2_endpoints.py `models`: GET /v2/models -> {"models": [names]}).
An InferenceRequest is a pydantic model as in mlserver/types/dataplane.py, so a bad one
is FastAPI's 422; an unknown model is mlserver/errors.py ModelNotFound: 404
{"error": "Model <name> not found"}. MLServer serves `generate`/`generate_stream` with
the same handlers as `infer`/`infer_stream` (an InferenceRequest in, InferenceResponses
out, streamed as SSE). A body with `text_input` is the open inference protocol's
generate extension (generate_rest.yaml: `text_input` and `parameters` in, `text_output`
out, streamed as SSE), answered the way Triton answers it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from enum import Enum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ValidationError

from . import synth
from .recording import recorded
from .specs import with_servers

DATAPLANE = "ml-serving/mlserver/dataplane.yaml"
OIP = {
    "open_inference_rest": "ml-serving/open-inference-protocol/open_inference_rest.yaml",
    "generate_rest": "ml-serving/open-inference-protocol/generate_rest.yaml",
}
TABULAR, TEXT = "iris", "tiny-llm"
VERSIONS = {TABULAR: ["1"], TEXT: ["1"]}


class Datatype(str, Enum):
    BOOL = "BOOL"
    UINT8 = "UINT8"
    UINT16 = "UINT16"
    UINT32 = "UINT32"
    UINT64 = "UINT64"
    INT8 = "INT8"
    INT16 = "INT16"
    INT32 = "INT32"
    INT64 = "INT64"
    FP16 = "FP16"
    FP32 = "FP32"
    FP64 = "FP64"
    BYTES = "BYTES"


class RequestInput(BaseModel):  # mlserver/types/dataplane.py
    name: str
    shape: list[int]
    datatype: Datatype
    parameters: dict[str, Any] | None = None
    data: list[Any]


class RequestOutput(BaseModel):
    name: str
    parameters: dict[str, Any] | None = None


class InferenceRequest(BaseModel):
    id: str | None = None
    parameters: dict[str, Any] | None = None
    inputs: list[RequestInput]
    outputs: list[RequestOutput] | None = None


class NotFound(Exception):
    pass


class NotJson(Exception):
    pass


def _flat(data: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in data:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out


def _model(name: str, version: str | None) -> str:
    # mlserver/errors.py ModelNotFound
    if name not in VERSIONS:
        raise NotFound(
            f"Model {name} not found"
            if version is None
            else f"Model {name} with version {version} not found"
        )
    if version is not None and version not in VERSIONS[name]:
        raise NotFound(f"Model {name} with version {version} not found")
    return name


def _check_shape(tensor: RequestInput) -> list[Any]:
    """NumpyCodec reshapes `data` to `shape`; a mismatch raises numpy's ValueError,
    which no handler catches: Starlette's plain-text 500."""
    flat = _flat(tensor.data)
    size = 1
    for dim in tensor.shape:
        size *= dim
    if size != len(flat):
        raise ValueError(
            f"cannot reshape array of size {len(flat)} into shape {tuple(tensor.shape)}"
        )
    return flat


def _infer(model: str, request: InferenceRequest) -> list[dict[str, Any]]:
    """The fake models: `iris` classifies each row of 4 numbers (class = int(sum) % 3);
    `tiny-llm` echoes its BYTES input."""
    tensor = request.inputs[0]
    flat = _check_shape(tensor)
    if model == TABULAR:
        if tensor.datatype not in (Datatype.FP32, Datatype.FP64) or tensor.shape[-1:] != [4]:
            raise ValueError(
                f"iris expects FP32 or FP64 rows of 4 features, got {tensor.datatype.value} "
                f"{tensor.shape}"
            )
        rows = [flat[i : i + 4] for i in range(0, len(flat), 4)]
        classes = [int(sum(row)) % 3 for row in rows]
        return [
            {
                "name": "predict",
                "shape": [len(classes), 1],
                "datatype": "INT64",
                "parameters": {"content_type": "np"},
                "data": classes,
            }
        ]
    text = " ".join(str(x) for x in flat)
    return [
        {
            "name": "output",
            "shape": [1, 1],
            "datatype": "BYTES",
            "parameters": {"content_type": "str"},
            "data": ["".join(synth.echo_tokens(text))],
        }
    ]


def _response(
    model: str, request: InferenceRequest, outputs: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "model_name": model,
        "model_version": VERSIONS[model][0],
        "id": request.id or "fake-id",
        "parameters": {},
        "outputs": outputs,
    }


def create_app() -> FastAPI:
    app = recorded(FastAPI(title="fake V2 server", openapi_url=None, docs_url=None, redoc_url=None))

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(NotJson)
    async def not_json(_: Request, exc: NotJson) -> Response:
        # FastAPI's answer to a body that is not JSON
        detail = {"type": "json_invalid", "loc": ["body", 0], "msg": "JSON decode error"}
        return JSONResponse({"detail": [{**detail, "input": {}, "ctx": {"error": str(exc)}}]}, 422)

    @app.exception_handler(TritonError)
    async def triton(_: Request, exc: TritonError) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(ValidationError)
    async def invalid(_: Request, exc: ValidationError) -> Response:
        # what FastAPI answers when a pydantic body model fails
        return JSONResponse({"detail": json.loads(exc.json(include_url=False))}, status_code=422)

    @app.get("/openapi.json")
    @app.get("/v2/docs/dataplane.json")
    async def dataplane() -> dict[str, Any]:
        return with_servers(DATAPLANE, "/")

    @app.get("/oip/{name}.json")
    async def oip(name: str) -> Response:
        if name not in OIP:
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return JSONResponse(with_servers(OIP[name], "/"))

    @app.get("/v2")
    async def metadata() -> dict[str, Any]:
        return {"name": "mlserver", "version": "1.7.0", "extensions": []}

    @app.get("/v2/health/live")
    @app.get("/v2/health/ready")
    async def health() -> Response:
        return Response(status_code=200)

    @app.get("/v2/models")
    async def models() -> dict[str, Any]:
        return {"models": list(VERSIONS)}

    @app.get("/v2/models/{model_name}")
    @app.get("/v2/models/{model_name}/versions/{model_version}")
    async def model_metadata(model_name: str, model_version: str | None = None) -> dict[str, Any]:
        model = _model(model_name, model_version)
        if model == TABULAR:
            inputs = [{"name": "input-0", "datatype": "FP32", "shape": [-1, 4]}]
            outputs = [{"name": "predict", "datatype": "INT64", "shape": [-1, 1]}]
        else:
            inputs = [{"name": "text_input", "datatype": "BYTES", "shape": [1]}]
            outputs = [{"name": "output", "datatype": "BYTES", "shape": [1]}]
        return {
            "name": model,
            "versions": VERSIONS[model],
            "platform": "",
            "inputs": inputs,
            "outputs": outputs,
        }

    @app.get("/v2/models/{model_name}/ready")
    @app.get("/v2/models/{model_name}/versions/{model_version}/ready")
    async def model_ready(model_name: str, model_version: str | None = None) -> Response:
        _model(model_name, model_version)
        return Response(status_code=200)

    async def read(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError as exc:
            raise NotJson(str(exc)) from None
        return body if isinstance(body, dict) else {"inputs": body}

    @app.post("/v2/models/{model_name}/infer")
    @app.post("/v2/models/{model_name}/versions/{model_version}/infer")
    @app.post("/v2/models/{model_name}/generate")
    @app.post("/v2/models/{model_name}/versions/{model_version}/generate")
    async def infer(
        request: Request, model_name: str, model_version: str | None = None
    ) -> Response:
        body = await read(request)
        model = _model(model_name, model_version)
        if "text_input" in body and request.url.path.endswith("/generate"):
            text = _generate_request(body)
            return JSONResponse(
                {
                    "model_name": model,
                    "model_version": VERSIONS[model][0],
                    "text_output": "".join(synth.echo_tokens(text)),
                }
            )
        payload = InferenceRequest.model_validate(body)
        try:
            outputs = _infer(model, payload)
        except ValueError as exc:
            return Response(
                f"Internal Server Error ({exc})", status_code=500, media_type="text/plain"
            )
        return JSONResponse(_response(model, payload, outputs))

    @app.post("/v2/models/{model_name}/infer_stream")
    @app.post("/v2/models/{model_name}/versions/{model_version}/infer_stream")
    @app.post("/v2/models/{model_name}/generate_stream")
    @app.post("/v2/models/{model_name}/versions/{model_version}/generate_stream")
    async def infer_stream(
        request: Request, model_name: str, model_version: str | None = None
    ) -> Response:
        body = await read(request)
        model = _model(model_name, model_version)
        if "text_input" in body and request.url.path.endswith("/generate_stream"):
            tokens = synth.echo_tokens(_generate_request(body), _max_tokens(body))

            async def text_events() -> AsyncIterator[bytes]:
                async for token in app.state.gate.held(tokens):
                    event = {
                        "model_name": model,
                        "model_version": VERSIONS[model][0],
                        "text_output": token,
                    }
                    yield f"data: {json.dumps(event)}\n\n".encode()

            return StreamingResponse(text_events(), media_type="text/event-stream")
        payload = InferenceRequest.model_validate(body)
        try:
            first = _infer(model, payload)
        except ValueError as exc:
            return Response(
                f"Internal Server Error ({exc})", status_code=500, media_type="text/plain"
            )
        if model == TEXT:  # an LLM runtime streams one InferenceResponse per token
            text = " ".join(str(x) for x in _flat(payload.inputs[0].data))
            parts = [[{**first[0], "data": [token]}] for token in synth.echo_tokens(text)]
        else:
            parts = [first]

        async def events() -> AsyncIterator[bytes]:
            async for outputs in app.state.gate.held(parts):
                yield f"data: {json.dumps(_response(model, payload, outputs))}\n\n".encode()

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def _generate_request(body: dict[str, Any]) -> str:
    """generate_rest.yaml GenerateRequest: `text_input` (a string) is required; the
    parameters' bounds are the schema's (temperature >= 0, 0 <= top_p <= 1,
    max_tokens >= 1). Triton answers a bad request with 400 {"error": ...}."""
    text = body.get("text_input")
    if not isinstance(text, str):
        raise _triton_error("text_input must be a string")
    parameters = body.get("parameters") or {}
    checks = {
        "temperature": lambda v: v >= 0,
        "top_p": lambda v: 0 <= v <= 1,
        "max_tokens": lambda v: isinstance(v, int) and v >= 1,
    }
    for name, ok in checks.items():
        value = parameters.get(name)
        if value is not None and (
            not isinstance(value, (int, float)) or isinstance(value, bool) or not ok(value)
        ):
            raise _triton_error(f"invalid value for parameter '{name}': {json.dumps(value)}")
    return text


def _max_tokens(body: dict[str, Any]) -> int | None:
    value = (body.get("parameters") or {}).get("max_tokens")
    return value if isinstance(value, int) else None


class TritonError(Exception):
    """Triton's HTTP frontend answers a refused generate request 400 {"error": ...}."""


def _triton_error(message: str) -> Exception:
    return TritonError(message)
