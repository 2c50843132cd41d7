"""The servers autoui is compared with, each in a process of its own.

    python benchmarks/baselines.py KIND --port PORT [--backend URL] [--spec FILE]

KIND is one of:
  backend      the API every call goes to: POST /generate answers at once, POST /slow
               after 0.5 s (asynchronously, so 64 calls wait together)
  handwritten  what a developer would write by hand in Gradio for the backend: one
               `gr.api` function per endpoint calling it with `requests`, tuned for
               concurrency (no concurrency limit, 64 pooled connections, 128 threads)
  empty        an empty Gradio page (one text box, one button echoing it): the
               framework's own floor
  swagger      Swagger UI (npm's swagger-ui-dist, downloaded into benchmarks/.cache)
               showing --spec

Gradio apps are served as autoui serves its own: mounted in FastAPI with gzip, by
uvicorn, so the comparison is of the handlers, not of the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

CACHE = Path(__file__).resolve().parent / ".cache"
SWAGGER_VERSION = "5.35.0"
SLOW_SECONDS = 0.5


class Prompt(BaseModel):
    prompt: str


class Answer(BaseModel):
    response: str


def backend() -> FastAPI:
    app = FastAPI(title="Benchmark backend")

    @app.post("/generate")
    async def generate(body: Prompt) -> Answer:
        return Answer(response=body.prompt[::-1])

    @app.post("/slow")
    async def slow(body: Prompt) -> Answer:
        await asyncio.sleep(SLOW_SECONDS)
        return Answer(response=body.prompt[::-1])

    return app


def gradio_app(build: Any, threads: int = 40) -> FastAPI:
    import gradio as gr

    demo = build(gr)
    demo.max_threads = threads
    demo._queue.max_thread_count = threads
    app = FastAPI()
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app = gr.mount_gradio_app(app, demo, path="")
    demo.has_launched = True
    return app


def handwritten(url: str) -> FastAPI:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_maxsize=64))

    def generate(prompt: str) -> str:
        reply = session.post(f"{url}/generate", json={"prompt": prompt}, timeout=60)
        reply.raise_for_status()
        return str(reply.json()["response"])

    def slow(prompt: str) -> str:
        reply = session.post(f"{url}/slow", json={"prompt": prompt}, timeout=60)
        reply.raise_for_status()
        return str(reply.json()["response"])

    def build(gr: Any) -> Any:
        with gr.Blocks() as demo:
            gr.api(generate, api_name="generate", concurrency_limit=None)
            gr.api(slow, api_name="slow", concurrency_limit=None)
        return demo

    return gradio_app(build, threads=128)


def empty() -> FastAPI:
    def build(gr: Any) -> Any:
        with gr.Blocks(title="empty") as demo:
            box = gr.Textbox(label="Text", elem_id="empty")
            gr.Button("Send").click(lambda text: text, box, box, api_name="echo")
        return demo

    return gradio_app(build)


def swagger_dist() -> Path:
    """swagger-ui-dist from npm, downloaded once into benchmarks/.cache/npm."""
    dist = CACHE / "npm" / "node_modules" / "swagger-ui-dist"
    if not (dist / "swagger-ui-bundle.js").exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("Swagger UI needs npm (apt-get install -y npm)")
        package = f"swagger-ui-dist@{SWAGGER_VERSION}"
        prefix = str(CACHE / "npm")
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", prefix, package])
        if not (dist / "swagger-ui-bundle.js").exists():
            raise SystemExit(f"npm could not install {package}")
    return dist


SWAGGER_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Swagger UI</title>
<link rel="stylesheet" href="dist/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="dist/swagger-ui-bundle.js"></script><script>
window.ui = SwaggerUIBundle({url: "spec.json", dom_id: "#swagger-ui", validatorUrl: null});
</script></body></html>"""


def swagger(spec: Path) -> FastAPI:
    app = FastAPI()
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.mount("/dist", StaticFiles(directory=swagger_dist()), name="dist")
    kind = "application/yaml" if spec.suffix in (".yaml", ".yml") else "application/json"
    app.get("/spec.json")(lambda: FileResponse(spec, media_type=kind))
    app.get("/")(lambda: HTMLResponse(SWAGGER_PAGE))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["backend", "handwritten", "empty", "swagger"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", default="")
    parser.add_argument("--spec", type=Path)
    args = parser.parse_args()
    app = {
        "backend": backend,
        "handwritten": lambda: handwritten(args.backend),
        "empty": empty,
        "swagger": lambda: swagger(args.spec),
    }[args.kind]()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
