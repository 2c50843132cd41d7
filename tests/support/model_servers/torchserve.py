"""A fake TorchServe (pytorch/serve at 62c4d6a1, the spec's commit).

TorchServe answers its inference API and its management API on two ports; this fake
serves both on one, with each document where its port would: the inference API's
`ml-serving/torchserve/inference_open_api.json` at /openapi.json (and /api-description,
as TorchServe does) and the management API's `management_open_api.json` at
/management/openapi.json. Errors are frontend's ErrorResponse (NettyUtils.sendError):
`{"code": <status>, "type": <exception class>, "message": ...}`.

The registered model `resnet-18` runs the default image_classifier handler's way: an
image in, its top classes as `{label: probability}` out (here the picture's dominant
colours); bytes Pillow cannot open fail in the handler, which ts/service.py answers
503 "Prediction failed".
"""

from __future__ import annotations

import io
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from PIL import Image, ImageStat, UnidentifiedImageError

from .recording import recorded
from .specs import spec

INFERENCE = "ml-serving/torchserve/inference_open_api.json"
MANAGEMENT = "ml-serving/torchserve/management_open_api.json"
MODELS = {"resnet-18": {"version": "1.0", "url": "resnet-18.mar"}}


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"code": status, "type": kind, "message": message}, status_code=status)


def classify(content: bytes) -> dict[str, float]:
    """Top classes of a picture: the share of red, green and blue in it."""
    picture = Image.open(io.BytesIO(content)).convert("RGB")
    r, g, b = (total + 1 for total in ImageStat.Stat(picture).sum)
    total = r + g + b
    scores = {"red": r / total, "green": g / total, "blue": b / total}
    return dict(sorted(((k, round(v, 4)) for k, v in scores.items()), key=lambda kv: -kv[1]))


def create_app() -> FastAPI:
    app = recorded(
        FastAPI(title="fake TorchServe", openapi_url=None, docs_url=None, redoc_url=None)
    )

    @app.get("/openapi.json")
    @app.get("/api-description")
    async def inference_api() -> dict[str, Any]:
        return spec(INFERENCE)

    @app.get("/management/openapi.json")
    async def management_api() -> dict[str, Any]:
        return spec(MANAGEMENT)

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"status": "Healthy"}

    async def predict(request: Request, model_name: str, version: str | None) -> Response:
        # InferenceRequestHandler.predict: ModelNotFoundException("Model not found: <name>")
        if model_name not in MODELS:
            return _error(404, "ModelNotFoundException", f"Model not found: {model_name}")
        if version is not None and version != MODELS[model_name]["version"]:
            # ModelVersionNotFoundException
            return _error(
                404,
                "ModelVersionNotFoundException",
                f"Model version: {version} does not exist for model: {model_name}",
            )
        body = await request.body()
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()  # RequestInput: a form's file parts are the data
            parts = [await v.read() for _, v in form.multi_items() if hasattr(v, "read")]
            body = parts[0] if parts else b""
        try:
            return JSONResponse(classify(body))
        except (UnidentifiedImageError, OSError):
            # ts/service.py predict: an exception in the handler -> 503 "Prediction failed",
            # sent by RestJob.sendError as an InternalServerException
            return _error(503, "InternalServerException", "Prediction failed")

    @app.post("/predictions/{model_name}")
    async def predictions(request: Request, model_name: str) -> Response:
        return await predict(request, model_name, None)

    @app.post("/predictions/{model_name}/{model_version}")
    async def version_predictions(
        request: Request, model_name: str, model_version: str
    ) -> Response:
        return await predict(request, model_name, model_version)

    @app.get("/models")
    async def list_models() -> Response:
        # ManagementRequestHandler.handleListModels: `limit` and `next_page_token` are
        # read with NettyUtils.getIntParameter, which falls back to the default on a
        # value that is not a number; nothing is refused
        return JSONResponse(
            {"models": [{"modelName": n, "modelUrl": m["url"]} for n, m in MODELS.items()]}
        )

    @app.get("/models/{model_name}")
    async def describe(model_name: str) -> Response:
        if model_name not in MODELS:
            return _error(404, "ModelNotFoundException", f"Model not found: {model_name}")
        model = MODELS[model_name]
        return Response(
            json.dumps(
                [
                    {
                        "modelName": model_name,
                        "modelVersion": model["version"],
                        "modelUrl": model["url"],
                        "runtime": "python",
                        "minWorkers": 1,
                        "maxWorkers": 1,
                        "batchSize": 1,
                        "maxBatchDelay": 100,
                        "loadedAtStartup": True,
                        "workers": [],
                    }
                ],
                indent=2,
            ),
            media_type="application/json",
        )

    return app
