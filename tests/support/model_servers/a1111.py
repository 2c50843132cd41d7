"""A fake AUTOMATIC1111 stable-diffusion-webui API (modules/api/api.py, models.py).

The webui is a FastAPI app, so this fake is one too and serves FastAPI's own
/openapi.json, as the webui does. Its request models follow modules/api/models.py:
`StableDiffusionTxt2ImgProcessingAPI` is generated from StableDiffusionProcessingTxt2Img's
signature, every field `Optional[...]` with the processing class's default (a subset of
the ~60 is kept here: the ones a user sets and the ones that change the reply). Errors
go through api.py `api_middleware.handle_exception`:
`{"error": <exception class>, "detail": ..., "body": ..., "errors": str(exc)}`.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from . import synth
from .recording import recorded

# sd_samplers.all_samplers_map: names and their aliases (a subset)
SAMPLERS = {
    "DPM++ 2M": ["k_dpmpp_2m"],
    "Euler a": ["k_euler_a", "k_euler_ancestral"],
    "Euler": ["k_euler"],
    "DDIM": [],
}
CHECKPOINTS = [
    {
        "title": "v1-5-pruned-emaonly.safetensors [6ce0161689]",
        "model_name": "v1-5-pruned-emaonly",
        "hash": "6ce0161689",
        "sha256": "6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa",
        "filename": "/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors",
        "config": None,
    }
]


class _Processing(BaseModel):
    # models.py PydanticModelGenerator: every field Optional, default from the class
    model_config = ConfigDict(populate_by_name=True)

    prompt: str | None = Field("", title="Prompt")
    negative_prompt: str | None = Field("", title="Negative Prompt")
    styles: list[str] | None = Field(None, title="Styles")
    seed: int | None = Field(-1, title="Seed")
    subseed: int | None = Field(-1, title="Subseed")
    subseed_strength: float | None = Field(0, title="Subseed Strength")
    sampler_name: str | None = Field(None, title="Sampler Name")
    scheduler: str | None = Field(None, title="Scheduler")
    batch_size: int | None = Field(1, title="Batch Size")
    n_iter: int | None = Field(1, title="N Iter")
    steps: int | None = Field(50, title="Steps")
    cfg_scale: float | None = Field(7.0, title="Cfg Scale")
    width: int | None = Field(512, title="Width")
    height: int | None = Field(512, title="Height")
    restore_faces: bool | None = Field(None, title="Restore Faces")
    tiling: bool | None = Field(None, title="Tiling")
    do_not_save_samples: bool | None = Field(False, title="Do Not Save Samples")
    do_not_save_grid: bool | None = Field(False, title="Do Not Save Grid")
    eta: float | None = Field(None, title="Eta")
    denoising_strength: float | None = Field(None, title="Denoising Strength")
    override_settings: dict[str, Any] | None = Field(None, title="Override Settings")
    override_settings_restore_afterwards: bool | None = Field(
        True, title="Override Settings Restore Afterwards"
    )
    disable_extra_networks: bool | None = Field(False, title="Disable Extra Networks")
    sampler_index: str = Field("Euler", title="Sampler Index")
    script_name: str | None = Field(None, title="Script Name")
    script_args: list[Any] = Field([], title="Script Args")
    send_images: bool = Field(True, title="Send Images")
    save_images: bool = Field(False, title="Save Images")
    alwayson_scripts: dict[str, Any] = Field({}, title="Alwayson Scripts")
    force_task_id: str | None = Field(None, title="Force Task Id")
    infotext: str | None = Field(None, title="Infotext")


class StableDiffusionProcessingTxt2Img(_Processing):
    enable_hr: bool | None = Field(False, title="Enable Hr")
    hr_scale: float | None = Field(2.0, title="Hr Scale")
    hr_upscaler: str | None = Field(None, title="Hr Upscaler")
    hr_second_pass_steps: int | None = Field(0, title="Hr Second Pass Steps")


class StableDiffusionProcessingImg2Img(_Processing):
    init_images: list[Any] | None = Field(None, title="Init Images")
    resize_mode: int | None = Field(0, title="Resize Mode")
    image_cfg_scale: float | None = Field(None, title="Image Cfg Scale")
    mask: str | None = Field(None, title="Mask")
    mask_blur: int | None = Field(None, title="Mask Blur")
    inpainting_fill: int | None = Field(0, title="Inpainting Fill")
    include_init_images: bool = Field(False, title="Include Init Images", exclude=True)
    denoising_strength: float | None = Field(0.75, title="Denoising Strength")


class TextToImageResponse(BaseModel):
    images: list[str] | None = Field(
        None, title="Image", description="The generated image in base64 format."
    )
    parameters: dict[str, Any]
    info: str


class ImageToImageResponse(TextToImageResponse):
    pass


class SDModelItem(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    title: str = Field(title="Title")
    model_name: str = Field(title="Model Name")
    hash: str | None = Field(title="Short hash")
    sha256: str | None = Field(title="sha256 hash")
    filename: str = Field(title="Filename")
    config: str | None = Field(title="Config file")


def _sampler(name: str | None) -> str:
    """api.py validate_sampler_name: an unknown sampler is HTTPException(400, "Sampler
    not found") (sd_samplers.get_sampler_and_scheduler resolves aliases first)."""
    for real, aliases in SAMPLERS.items():
        if name == real or name in aliases:
            return real
    raise HTTPException(status_code=400, detail="Sampler not found")


def _decode_image(encoding: str) -> Image.Image:
    """api.py decode_base64_to_image: a data: URL or plain base64; anything else is
    HTTPException(500, "Invalid encoded image") (URLs are refused unless enabled)."""
    if encoding.startswith(("http://", "https://")):
        raise HTTPException(status_code=500, detail="Requests not allowed")
    if encoding.startswith("data:image/"):
        encoding = encoding.split(";")[1].split(",")[1]
    try:
        return Image.open(io.BytesIO(base64.b64decode(encoding)))
    except (binascii.Error, ValueError, UnidentifiedImageError):
        raise HTTPException(status_code=500, detail="Invalid encoded image") from None


def _process(request: _Processing, seed_text: str) -> list[str]:
    """What StableDiffusionProcessing does with the numbers it needs: a None width,
    height, steps, batch_size or n_iter fails inside processing (a TypeError, answered
    500 by handle_exception). One image per batch_size x n_iter."""
    for name in ("width", "height", "steps", "batch_size", "n_iter"):
        if getattr(request, name) is None:
            raise TypeError(f"unsupported operand type(s) for //: 'NoneType' and 'int' ({name})")
    width, height = request.width or 0, request.height or 0
    count = (request.batch_size or 1) * (request.n_iter or 1)
    return [synth.b64(synth.png(seed_text, width, height, index=i)) for i in range(count)]


def create_app() -> FastAPI:
    app = recorded(FastAPI(title="Stable Diffusion API (fake)", version="1.10.1"))

    def handle_exception(_: Request, e: Exception) -> JSONResponse:
        # api.py api_middleware.handle_exception
        err = {
            "error": type(e).__name__,
            "detail": vars(e).get("detail", ""),
            "body": vars(e).get("body", ""),
            "errors": str(e),
        }
        return JSONResponse(status_code=vars(e).get("status_code", 500), content=err)

    app.add_exception_handler(HTTPException, handle_exception)
    app.add_exception_handler(Exception, handle_exception)

    @app.post("/sdapi/v1/txt2img", response_model=TextToImageResponse)
    def text2imgapi(txt2imgreq: StableDiffusionProcessingTxt2Img) -> TextToImageResponse:
        sampler = _sampler(txt2imgreq.sampler_name or txt2imgreq.sampler_index)
        if txt2imgreq.script_name:
            # api.py script_name_to_index: HTTPException(422, "Script '<name>' not found")
            raise HTTPException(
                status_code=422, detail=f"Script '{txt2imgreq.script_name}' not found"
            )
        images = _process(txt2imgreq, txt2imgreq.prompt or "") if txt2imgreq.send_images else []
        info = {
            "prompt": txt2imgreq.prompt,
            "sampler_name": sampler,
            "width": txt2imgreq.width,
            "height": txt2imgreq.height,
        }
        return TextToImageResponse(
            images=images, parameters=txt2imgreq.model_dump(), info=json.dumps(info)
        )

    @app.post("/sdapi/v1/img2img", response_model=ImageToImageResponse)
    def img2imgapi(img2imgreq: StableDiffusionProcessingImg2Img) -> ImageToImageResponse:
        # api.py img2imgapi: no init_images -> HTTPException(404, "Init image not found")
        if img2imgreq.init_images is None:
            raise HTTPException(status_code=404, detail="Init image not found")
        sampler = _sampler(img2imgreq.sampler_name or img2imgreq.sampler_index)
        if img2imgreq.mask:
            _decode_image(img2imgreq.mask)
        sources = [_decode_image(str(x)) for x in img2imgreq.init_images]
        seed_text = (img2imgreq.prompt or "") + "".join(f"{s.width}x{s.height}" for s in sources)
        images = _process(img2imgreq, seed_text) if img2imgreq.send_images else []
        parameters = img2imgreq.model_dump()
        if not img2imgreq.include_init_images:
            parameters["init_images"] = None
            parameters["mask"] = None
        info = {"prompt": img2imgreq.prompt, "sampler_name": sampler, "init_images": len(sources)}
        return ImageToImageResponse(images=images, parameters=parameters, info=json.dumps(info))

    @app.get("/sdapi/v1/sd-models", response_model=list[SDModelItem])
    def get_sd_models() -> list[dict[str, Any]]:
        return CHECKPOINTS

    @app.get("/sdapi/v1/samplers")
    def get_samplers() -> list[dict[str, Any]]:
        return [
            {"name": name, "aliases": aliases, "options": {}} for name, aliases in SAMPLERS.items()
        ]

    return app
