"""A loopback backend that tells a test exactly what arrived on the wire.

`echo_app()` answers every request under `/echo/...` with what it received: method,
raw path (as sent, still percent-encoded), decoded path, raw query string and the
query as the server parses it, headers, cookies, content type, the body bytes
(base64), and for forms and multipart bodies the fields and parts as a server reads
them. Other routes misbehave on purpose (errors, HTML pages, wrong content types,
images, files, slowness, redirects, cookies) so tests can check how the dispatcher
reports each one.

`recorder_app()` answers everything with 200 and records what it saw, to prove that a
request did (or did not) reach another origin.
"""

from __future__ import annotations

import asyncio
import base64
import email.parser
import email.policy
import io
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from PIL import Image
from pydantic import BaseModel, Field

SLOW_SECONDS = 3.0
"""How long the slow endpoints stall: far longer than the tests' dispatcher timeout."""

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (3, 2), color: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    """A real, small PNG image."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def multipart_parts(content_type: str, body: bytes) -> list[dict[str, Any]]:
    """Every part of a multipart body: name, filename, its own Content-Type (or None when
    the part has none) and its bytes in base64, parsed by the stdlib MIME parser."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts = []
    for part in message.iter_parts():
        parts.append(
            {
                "name": part.get_param("name", header="content-disposition"),
                "filename": part.get_filename(),
                "content_type": part["Content-Type"],
                "data": base64.b64encode(part.get_payload(decode=True) or b"").decode("ascii"),
            }
        )
    return parts


async def describe(request: Request) -> dict[str, Any]:
    """What `request` looked like on the wire, and how a server decodes it."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    raw_query = request.scope["query_string"].decode("latin-1")
    seen: dict[str, Any] = {
        "method": request.method,
        "raw_path": request.scope["raw_path"].decode("latin-1"),
        "path": request.scope["path"],
        "raw_query": raw_query,
        "query": parse_qsl(raw_query, keep_blank_values=True),
        "headers": dict(request.headers),
        "cookies": dict(request.cookies),
        "content_type": content_type,
        "body": base64.b64encode(body).decode("ascii"),
    }
    if content_type.startswith("application/x-www-form-urlencoded"):
        seen["form"] = parse_qsl(body.decode("ascii"), keep_blank_values=True)
    if content_type.startswith("multipart/form-data"):
        seen["parts"] = multipart_parts(content_type, body)
    return seen


class Prompt(BaseModel):
    prompt: str
    max_tokens: int = Field(16, ge=1)


def echo_app() -> FastAPI:
    """The echo backend; `app.state.seen` lists every echoed request, in order."""
    app = FastAPI()
    app.state.seen = []

    @app.post("/generate")
    def generate(body: Prompt) -> dict[str, str]:
        """A real FastAPI validation: a missing `prompt` is a genuine 422."""
        return {"response": body.prompt[: body.max_tokens]}

    @app.get("/hi")
    def hi() -> dict[str, Any]:
        return {"response": "hi", "tokens": 1}

    @app.get("/renamed")
    def renamed() -> dict[str, Any]:
        return {"answer": "forty-two", "tokens": 2}

    @app.get("/describe")
    def described() -> dict[str, Any]:
        return {"description": "a red square", "confidence": 0.93}

    @app.get("/image")
    def image() -> Response:
        return Response(png_bytes(), media_type="image/png")

    @app.get("/report")
    def report() -> Response:
        return Response(
            PDF_BYTES,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="report 7.pdf"'},
        )

    @app.get("/boom")
    def boom() -> JSONResponse:
        return JSONResponse({"detail": "boom"}, status_code=500)

    @app.get("/html-error")
    def html_error() -> HTMLResponse:
        page = (
            "<!doctype html><html><head><title>502</title><style>h1 {color: red}</style>"
            "</head><body><h1>Bad Gateway</h1><p>The upstream <b>model server</b> "
            "did not answer.</p></body></html>"
        )
        return HTMLResponse(page, status_code=502)

    @app.get("/not-json")
    def not_json() -> PlainTextResponse:
        return PlainTextResponse("Traceback (most recent call last): oops")

    @app.get("/bad-json")
    def bad_json() -> Response:
        return Response('{"response": "cut off', media_type="application/json")

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(SLOW_SECONDS)
        return {"response": "too late"}

    @app.get("/slow-body")
    def slow_body() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"response": '
            await asyncio.sleep(SLOW_SECONDS)
            yield b'"too late"}'

        return StreamingResponse(chunks(), media_type="application/json")

    @app.get("/set-cookie")
    def set_cookie() -> JSONResponse:
        response = JSONResponse({"response": "cookie set"})
        response.set_cookie("session", "user-a-secret")
        return response

    @app.api_route("/redirect-home", methods=["GET", "POST"])
    def redirect_home(request: Request) -> RedirectResponse:
        return RedirectResponse("/echo/landed?from=home", status_code=302)

    @app.post("/redirect-307")
    def redirect_307() -> RedirectResponse:
        return RedirectResponse("/echo/landed", status_code=307)

    @app.get("/redirect-loop")
    def redirect_loop() -> RedirectResponse:
        return RedirectResponse("/redirect-loop", status_code=302)

    @app.delete("/gone")
    def gone() -> Response:
        return Response(status_code=204)

    @app.get("/resume")
    def resume() -> Response:
        return Response(
            PDF_BYTES,
            media_type="application/pdf",
            headers={"Content-Disposition": "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"},
        )

    @app.get("/redirect-away")
    def redirect_away(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=302)

    @app.middleware("http")
    async def echo(request: Request, call_next: Any) -> Response:
        """Everything under /echo/, before routing: a route's `{rest:path}` would not
        match a path holding a newline, and the echo must answer whatever arrives."""
        if not request.scope["path"].startswith("/echo/"):
            return await call_next(request)  # type: ignore[no-any-return]
        seen = await describe(request)
        app.state.seen.append(seen)
        return JSONResponse(seen)

    return app


def recorder_app() -> FastAPI:
    """Answers anything with 200; `app.state.seen` lists what arrived."""
    app = FastAPI()
    app.state.seen = []

    @app.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def record(request: Request) -> dict[str, Any]:
        seen = await describe(request)
        app.state.seen.append(seen)
        return {"response": "the other origin answered"}

    return app
