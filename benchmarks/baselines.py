"""The servers autoui is compared with, each in a process of its own.

    python benchmarks/baselines.py KIND --port PORT [--backend URL] [--spec FILE]

KIND is one of:
  backend      the API every call goes to: POST /generate answers at once, POST /slow
               after 0.5 s (asynchronously, so 64 calls wait together)
  handwritten  what a developer would write by hand in Gradio for the backend: one
               `gr.api` function per endpoint calling it with `requests`, tuned for
               concurrency (no concurrency limit, 64 pooled connections, 128 threads)
  chat_backend an OpenAI-style streaming chat (POST /v1/chat/completions, SSE): its
               answer to a message "ID ..." is TOKENS tokens "ID" "w00", "w01"... one
               every GAP_MS, and GET /sent?id=ID gives the wall-clock time (epoch ms)
               each token's chunk went to the socket (benchmarks/first_token.py)
  handwritten_chat  what a developer would write by hand for that chat: a
               `gr.ChatInterface` streaming from it with `requests`
  empty        an empty Gradio page (one text box, one button echoing it): the
               framework's own floor
  floor        the empty page with a Markdown and a Dropdown: the least Gradio page
               that shows what autoui's first page must (formatted text: the API's
               and the operation's titles; a list to pick an operation from)
  swagger      Swagger UI (npm's swagger-ui-dist, downloaded into benchmarks/.cache)
               showing --spec

Gradio apps are served as autoui serves its own: mounted in FastAPI with gzip, by
uvicorn, so the comparison is of the handlers, not of the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

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


TOKENS = 12
GAP_MS = 80
CHAT_PATH = "/v1/chat/completions"


class Message(BaseModel):
    role: str
    content: str


class ChatRequest(BaseModel):
    model: str = Field(examples=["bench"])
    messages: list[Message]
    stream: bool = False


class Choice(BaseModel):
    message: Message


class ChatAnswer(BaseModel):
    choices: list[Choice]


def chat_backend() -> FastAPI:
    """The chat every first-token measurement streams from: tokens at known moments,
    each stamped with the wall-clock time its chunk goes to the socket."""
    app = FastAPI(title="Benchmark chat")
    sent: dict[str, list[float]] = {}

    def words(request: ChatRequest) -> tuple[str, list[str]]:
        key = request.messages[-1].content.split()[0]
        return key, [f" {key}w{i:02d}" for i in range(TOKENS)]

    @app.post(
        CHAT_PATH,
        operation_id="createChatCompletion",
        responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
    )
    async def chat(request: ChatRequest) -> Any:
        key, tokens = words(request)
        if not request.stream:
            return ChatAnswer(
                choices=[Choice(message=Message(role="assistant", content="".join(tokens)))]
            )
        stamps = sent.setdefault(key, [])

        async def events() -> Any:
            yield 'data: {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}\n\n'
            for token in tokens:
                await asyncio.sleep(GAP_MS / 1000)
                delta = {"choices": [{"index": 0, "delta": {"content": token}}]}
                # Stamped as the chunk is handed to uvicorn, which writes it before this
                # generator resumes; a stamp after the write came late on a loaded machine
                # (the process descheduled in between: the token seen "before" it was sent).
                stamps.append(time.time() * 1000)
                yield f"data: {json.dumps(delta)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/sent")
    async def stamps(id: str) -> list[float]:
        return sent.get(id, [])

    return app


def handwritten_chat(url: str) -> FastAPI:
    import requests

    session = requests.Session()

    def text_of(content: Any) -> str:
        """Gradio 6 gives a history message's content as a list of parts."""
        if isinstance(content, list):
            return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        return str(content)

    def respond(message: str, history: list[dict[str, Any]]) -> Any:
        said = [{"role": m["role"], "content": text_of(m["content"])} for m in history]
        body = {"model": "bench", "messages": [*said, {"role": "user", "content": message}]}
        with session.post(url + CHAT_PATH, json={**body, "stream": True}, stream=True) as reply:
            answer = ""
            for line in reply.iter_lines():
                if line.startswith(b"data: ") and line != b"data: [DONE]":
                    delta = json.loads(line[6:])["choices"][0]["delta"]
                    answer += delta.get("content", "")
                    yield answer

    def build(gr: Any) -> Any:
        with gr.Blocks() as demo:
            gr.ChatInterface(
                respond,
                chatbot=gr.Chatbot(elem_id="chatbot-handwritten", height=420),
                textbox=gr.Textbox(elem_id="chat-input-handwritten", placeholder="Message"),
            )
        return demo

    return gradio_app(build)


def empty(floor: bool = False) -> FastAPI:
    """One text box and a button echoing it; with `floor`, a Markdown and a Dropdown
    above them."""

    def build(gr: Any) -> Any:
        with gr.Blocks(title="floor" if floor else "empty") as demo:
            if floor:
                gr.Markdown("# An API\n\n### `GET` `/things`\n\nList the *things*.")
                gr.Dropdown(["things · GET /things"], label="Operation", filterable=True)
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
    kinds = [
        "backend",
        "handwritten",
        "chat_backend",
        "handwritten_chat",
        "empty",
        "floor",
        "swagger",
    ]
    parser.add_argument("kind", choices=kinds)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", default="")
    parser.add_argument("--spec", type=Path)
    args = parser.parse_args()
    app = {
        "backend": backend,
        "handwritten": lambda: handwritten(args.backend),
        "chat_backend": chat_backend,
        "handwritten_chat": lambda: handwritten_chat(args.backend),
        "empty": empty,
        "floor": lambda: empty(floor=True),
        "swagger": lambda: swagger(args.spec),
    }[args.kind]()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
