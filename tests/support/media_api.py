"""A loopback backend that answers the way model APIs do: pictures, sound, documents,
pictures inside JSON, tables, scores, token streams, an OpenAI-compatible chat, and
errors with their own messages.

Everything it sends is real: PNGs made by Pillow, a WAV made by the `wave` module, a
PDF with a Content-Disposition. The streaming routes report what happened on the wire
through `app.state.streams`: how many chunks went out, whether the last one did, and
whether the client went away before the end. `/stream/gated` sends its first chunk and
then waits for the test to release it (`app.state.gate.set()`; the test clears it
before the call), so a test can check what the page shows between the first chunk and
the last without timing anything; `/wait` answers only once released.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from pydantic import AnyUrl, BaseModel, Field, field_validator

from support.echo import PDF_BYTES, png_bytes

CHUNK_EVERY = 0.1  # seconds between the chunks of the streaming routes
WORDS = ["Once", "upon", "a", "time", "there", "was", "a", "stream", "of", "words."]
SCRIPT_MARK = "autouiScriptRan"  # what an injected script would set on `window`


def wav_bytes(seconds: float = 0.2, rate: int = 8000) -> bytes:
    """A real mono 16-bit WAV: a 440 Hz square wave."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        period = rate // 440
        frames = bytearray()
        for i in range(int(seconds * rate)):
            frames += (8000 if (i // (period // 2)) % 2 else -8000).to_bytes(
                2, "little", signed=True
            )
        wav.writeframes(bytes(frames))
    return out.getvalue()


def picture(color: tuple[int, int, int], size: tuple[int, int] = (24, 16)) -> bytes:
    return png_bytes(size, color)


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


@dataclass
class StreamLog:
    """What one streaming reply did on the wire."""

    sent: int = 0
    finished: bool = False  # the last chunk went out
    disconnected: threading.Event = field(default_factory=threading.Event)


class Options(BaseModel):
    temperature: float = 1.0

    @field_validator("temperature")
    @classmethod
    def not_exactly_zero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("use a small positive temperature instead of 0")
        return value


class Prompt(BaseModel):
    prompt: str = Field(description="What to write about.")
    max_tokens: int = Field(16, ge=1)
    options: Options = Field(default_factory=lambda: Options())

    @field_validator("prompt")
    @classmethod
    def no_shouting(cls, value: str) -> str:
        """A rule the schema cannot state: a form checked against the schema still sends
        this, and the API's 422 is what the user sees."""
        if value.isupper():
            raise ValueError("the prompt must not be all capitals")
        return value


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    model: str = "echo-1"
    messages: list[Message] = Field(min_length=1)
    temperature: float = Field(1.0, ge=0, le=2)
    stream: bool = False


class Generated(BaseModel):
    response: str


class Detection(BaseModel):
    label: str
    confidence: float
    box: str


class Image(BaseModel):
    """OpenAI's `Image` (openai/openai-openapi, openapi.yaml: components.schemas.Image):
    the picture's bytes or its URL (`format: uri`)."""

    b64_json: str | None = None
    url: AnyUrl | None = None
    revised_prompt: str | None = None


class Images(BaseModel):
    data: list[Image]


class Scores(BaseModel):
    text: str


def _sse(payload: Any) -> str:
    return f"data: {json.dumps(payload)}\n\n"


def chat_answer(request: ChatRequest) -> str:
    """The answer is made from the conversation, so a test can tell which history was sent:
    it counts the user turns and repeats the last user message."""
    users = [m.content for m in request.messages if m.role == "user"]
    system = next((m.content for m in request.messages if m.role == "system"), "")
    prefix = f"[{system}] " if system else ""
    return f"{prefix}turn {len(users)}: you said {users[-1]!r}" if users else "nothing to answer"


def media_app() -> FastAPI:
    app = FastAPI(title="media test API", version="1")
    app.state.streams = []  # one StreamLog per streaming reply, in order
    app.state.gate = threading.Event()
    app.state.fetched = []  # paths of the images fetched from /files/

    def logged(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
        record = StreamLog()
        app.state.streams.append(record)

        async def body() -> AsyncIterator[str]:
            try:
                async for chunk in chunks:
                    # Counted as it is handed to the server: counted after the `yield`,
                    # it would be counted only once the server asks for the next chunk,
                    # which a client may see the first one before.
                    record.sent += 1
                    yield chunk
                record.finished = True
            finally:
                if not record.finished:
                    record.disconnected.set()

        return body()

    def sse_response(chunks: AsyncIterator[str]) -> StreamingResponse:
        return StreamingResponse(logged(chunks), media_type="text/event-stream")

    @app.get(
        "/picture",
        tags=["media"],
        response_class=Response,
        responses={200: {"content": {"image/png": {}}}},
    )
    def a_picture() -> Response:
        return Response(picture((200, 30, 60)), media_type="image/png")

    @app.get("/undeclared-picture", tags=["media"])
    def undeclared_picture() -> Response:
        """No response schema: only the reply's Content-Type says it is a picture."""
        return Response(picture((20, 160, 60)), media_type="image/png")

    @app.get(
        "/sound",
        tags=["media"],
        response_class=Response,
        responses={200: {"content": {"audio/wav": {}}}},
    )
    def a_sound() -> Response:
        return Response(wav_bytes(), media_type="audio/wav")

    @app.get(
        "/document",
        tags=["media"],
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
    )
    def a_document() -> Response:
        return Response(
            PDF_BYTES,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="summary 2024.pdf"'},
        )

    @app.get("/archive", tags=["media"])
    def an_archive() -> Response:
        return Response(b"PK\x03\x04" + b"\x00" * 26, media_type="application/zip")

    @app.get("/page", tags=["text"], response_class=HTMLResponse)
    def a_page() -> HTMLResponse:
        return HTMLResponse(
            "<h2>Report</h2><p>All <b>good</b>.</p>"
            f"<script>window.{SCRIPT_MARK} = 1</script>"
            f'<img src="x" onerror="window.{SCRIPT_MARK} = 2">'
            '<a href="javascript:alert(1)">click</a>'
        )

    @app.get(
        "/notes",
        tags=["text"],
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    def some_notes() -> Response:
        return Response(
            "# Notes\n\n- **one**\n- two\n\n![tracker](http://127.0.0.1:9/pixel.png)\n",
            media_type="text/markdown",
        )

    @app.get(
        "/feed",
        tags=["text"],
        response_class=Response,
        responses={200: {"content": {"application/xml": {}}}},
    )
    def a_feed() -> Response:
        return Response(
            '<?xml version="1.0"?><feed><title>t</title></feed>', media_type="application/xml"
        )

    @app.get("/b64-picture", tags=["json"])
    def b64_picture() -> dict[str, Any]:
        """A base64 PNG in a field named like a picture, no format in the schema."""
        return {"image": b64(picture((10, 20, 200))), "seed": 42}

    @app.get("/data-url", tags=["json"])
    def data_url() -> dict[str, Any]:
        return {"result": "data:image/png;base64," + b64(picture((250, 200, 0)))}

    @app.get("/b64-sound", tags=["json"])
    def b64_sound() -> dict[str, Any]:
        return {"audio": b64(wav_bytes()), "duration": 0.2}

    @app.post("/images/generations", tags=["json"])
    def generations(n: int = 2) -> dict[str, Any]:
        """OpenAI's image API shape: pictures in `data[].b64_json`."""
        colors = [(200, 0, 0), (0, 200, 0), (0, 0, 200), (200, 200, 0)][:n]
        return {"created": 1, "data": [{"b64_json": b64(picture(c))} for c in colors]}

    @app.get("/files/{name}", include_in_schema=False)
    def a_file(name: str) -> Response:
        app.state.fetched.append(name)
        return Response(picture((120, 0, 120)), media_type="image/png")

    @app.get("/image-url", tags=["json"], response_model_exclude_none=True)
    def image_url(request: Request, elsewhere: str | None = None) -> Images:
        """A picture by URL, as OpenAI's image API declares it (`Image.url`): on this
        API's origin, or wherever `elsewhere` says."""
        url = elsewhere or str(request.url_for("a_file", name="cat.png"))
        return Images(data=[Image(url=url, revised_prompt="a cat")])

    @app.get("/detections", tags=["json"])
    def detections() -> list[Detection]:
        return [
            Detection(label="cat", confidence=0.91, box="10,10,50,50"),
            Detection(label="dog", confidence=0.42, box="60,5,90,40"),
        ]

    @app.post("/classify", tags=["json"])
    def classify(body: Scores) -> dict[str, float]:
        return {"positive": 0.81, "neutral": 0.15, "negative": 0.04}

    @app.post("/generate", tags=["errors"])
    def generate(body: Prompt) -> Generated:
        return Generated(response=body.prompt[: body.max_tokens])

    @app.get("/problem", tags=["errors"])
    def problem() -> JSONResponse:
        return JSONResponse(
            {
                "type": "https://example.com/probs/out-of-credit",
                "title": "You do not have enough credit.",
                "detail": "Your current balance is 30, but that costs 50.",
            },
            status_code=403,
            media_type="application/problem+json",
        )

    @app.get("/wait", tags=["errors"])
    async def wait() -> Generated:
        """Answers only once the test sets `app.state.gate`: a reply that takes long."""
        while not app.state.gate.is_set():
            await asyncio.sleep(0.02)
        return Generated(response="done at last")

    @app.post(
        "/stream/words", tags=["streams"], responses={200: {"content": {"text/event-stream": {}}}}
    )
    def stream_words(count: int = 10) -> StreamingResponse:
        """OpenAI-style deltas, one word every CHUNK_EVERY seconds, then [DONE]."""

        async def chunks() -> AsyncIterator[str]:
            for i in range(count):
                await asyncio.sleep(CHUNK_EVERY)
                yield _sse({"choices": [{"delta": {"content": WORDS[i % len(WORDS)] + " "}}]})
            yield "data: [DONE]\n\n"

        return sse_response(chunks())

    @app.post(
        "/stream/gated", tags=["streams"], responses={200: {"content": {"text/event-stream": {}}}}
    )
    def stream_gated() -> StreamingResponse:
        """The first word, then nothing until the test sets `app.state.gate`; then the rest
        every CHUNK_EVERY seconds."""

        async def chunks() -> AsyncIterator[str]:
            yield _sse({"choices": [{"delta": {"content": "First "}}]})
            while not app.state.gate.is_set():
                await asyncio.sleep(0.02)
            for word in ["second ", "third ", "last."]:
                await asyncio.sleep(CHUNK_EVERY)
                yield _sse({"choices": [{"delta": {"content": word}}]})
            yield "data: [DONE]\n\n"

        return sse_response(chunks())

    @app.post(
        "/stream/endless", tags=["streams"], responses={200: {"content": {"text/event-stream": {}}}}
    )
    def stream_endless() -> StreamingResponse:
        """A chunk every CHUNK_EVERY seconds for a long time: only Stop ends it early."""

        async def chunks() -> AsyncIterator[str]:
            for i in range(600):
                await asyncio.sleep(CHUNK_EVERY)
                yield _sse({"choices": [{"delta": {"content": f"w{i} "}}]})
            yield "data: [DONE]\n\n"

        return sse_response(chunks())

    @app.post(
        "/stream/ndjson",
        tags=["streams"],
        responses={200: {"content": {"application/x-ndjson": {}}}},
    )
    def stream_ndjson() -> StreamingResponse:
        """Ollama's shape: one JSON object per line with a `response` piece."""

        async def chunks() -> AsyncIterator[str]:
            for word in ["Hello", " from", " NDJSON"]:
                await asyncio.sleep(CHUNK_EVERY)
                yield json.dumps({"model": "m", "response": word, "done": False}) + "\n"
            yield json.dumps({"model": "m", "response": "", "done": True}) + "\n"

        return StreamingResponse(logged(chunks()), media_type="application/x-ndjson")

    @app.post(
        "/v1/chat/completions",
        tags=["chat"],
        responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
    )
    def chat(body: ChatRequest) -> Any:
        answer = chat_answer(body)
        if not body.stream:
            return {
                "id": "c1",
                "object": "chat.completion",
                "model": body.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": answer},
                        "finish_reason": "stop",
                    }
                ],
            }

        async def chunks() -> AsyncIterator[str]:
            yield _sse({"choices": [{"delta": {"role": "assistant", "content": ""}}]})
            for i, word in enumerate(answer.split(" ")):
                await asyncio.sleep(CHUNK_EVERY / 4)
                yield _sse({"choices": [{"delta": {"content": word if i == 0 else " " + word}}]})
            yield _sse({"choices": []})
            yield "data: [DONE]\n\n"

        return sse_response(chunks())

    return app
