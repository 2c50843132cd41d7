"""An httpbin stand-in on loopback, for the routes the tests call, and httpbin's own spec.

httpbin (https://github.com/postmanlabs/httpbin, ISC license) is a real third-party API
whose Swagger 2.0 spec has the mistakes real specs have (51 validation problems). The
machine has no internet, so this FastAPI app answers as httpbin does; each route cites
the code it follows, from postmanlabs/httpbin@f8ec666 (`httpbin/core.py`,
`httpbin/helpers.py`).

`httpbin_spec.json` beside this file is the document httpbin serves at `/spec.json`,
exactly as flasgger 0.9.5 builds it from the docstrings of that commit (httpbin.org
serves the same paths as version 0.9.2); this app serves it at the same path.

Besides httpbin's routes: `/picture.png` is a PNG, and `/image-link?url=` answers the URL
as OpenAI's image API answers a picture's address (`{"data": [{"url": ...}]}`), whatever
it is. Every request that reaches the app, on any route or none, is appended to
`app.state.requests` (method, path and query as received, headers) before routing, so a
test can assert exactly which requests autoui made.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from support.echo import png_bytes

SPEC_FILE = Path(__file__).with_name("httpbin_spec.json")
# helpers.py ASCII_ART, the body of a 418
TEAPOT = """
    -=[ teapot ]=-

       _...._
     .'  _ _ `.
    | ."` ^ `". _,
    \\_;`"---"`|//
      |       ;/
      \\_     _/
        `\\"\\"\\"`
"""
PNG = png_bytes((100, 100), (233, 150, 122))  # httpbin sends its pig_icon.png (100 x 100)


async def _request_dict(request: Request, *keys: str) -> dict[str, Any]:
    """helpers.get_dict: the parts of the request httpbin echoes, as it names them."""
    data = await request.body()
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        parsed = None
    form: dict[str, Any] = {}
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = _semiflatten((await request.form()).multi_items())
    try:
        text = data.decode("utf-8")  # helpers.json_safe: text as it is, else a data: URL
    except UnicodeDecodeError:
        text = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    found = {
        "url": str(request.url),
        "args": _semiflatten(request.query_params.multi_items()),
        "form": form,
        "data": text,
        "origin": request.client.host if request.client else "",
        # werkzeug's EnvironHeaders give the names title-cased: `User-Agent`, `Host`
        "headers": {k.title(): v for k, v in request.headers.items()},
        "files": {},
        "json": parsed,
    }
    return {key: found[key] for key in keys}


def _semiflatten(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """helpers.semiflatten: one value as itself, several as a list."""
    found: dict[str, list[Any]] = {}
    for key, value in items:
        found.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in found.items()}


def _status(code: int) -> Response:
    """helpers.status_code, for the codes the tests use (its headers *replace* Flask's,
    so a 418 has no Content-Type)."""
    if code == 418:
        headers = {"x-more-info": "http://tools.ietf.org/html/rfc2324"}
        return Response(TEAPOT, status_code=418, headers=headers)  # no media type
    if code == 401:
        return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="Fake Realm"'})
    return Response(status_code=code, media_type="text/html; charset=utf-8")


def httpbin_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.requests = []

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Response:
        app.state.requests.append(
            {
                "method": request.method,
                "path": request.scope["raw_path"].decode("latin-1"),
                "query": request.scope["query_string"].decode("latin-1"),
                "headers": dict(request.headers),
            }
        )
        return await call_next(request)  # type: ignore[no-any-return]

    @app.get("/spec.json")
    def spec() -> Response:  # flasgger's spec route
        return Response(SPEC_FILE.read_bytes(), media_type="application/json")

    @app.get("/get")
    async def get(request: Request) -> JSONResponse:  # core.view_get
        return JSONResponse(await _request_dict(request, "url", "args", "headers", "origin"))

    @app.post("/post")
    async def post(request: Request) -> JSONResponse:  # core.view_post
        keys = ("url", "args", "form", "data", "origin", "headers", "files", "json")
        return JSONResponse(await _request_dict(request, *keys))

    @app.get("/headers")
    async def headers(request: Request) -> JSONResponse:  # core.view_headers
        return JSONResponse(await _request_dict(request, "headers"))

    @app.api_route("/redirect-to", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def redirect_to(url: str) -> Response:  # core.redirect_to: Location "as supplied"
        return Response(status_code=302, headers={"Location": url})

    @app.get("/bearer")
    def bearer(request: Request) -> Response:  # core.bearer_auth
        authorization = request.headers.get("Authorization")
        if not (authorization and authorization.startswith("Bearer ")):
            return Response(b"", status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return JSONResponse({"authenticated": True, "token": authorization[len("Bearer ") :]})

    @app.get("/basic-auth/{user}/{passwd}")
    def basic_auth(user: str, passwd: str, request: Request) -> Response:  # core.basic_auth
        if _basic_credentials(request) != (user, passwd):  # helpers.check_basic_auth
            return _status(401)
        return JSONResponse({"authenticated": True, "user": user})

    @app.api_route("/status/{codes}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def status(codes: str) -> Response:  # core.view_status_code, one code
        try:
            code = int(codes)
        except ValueError:
            return Response("Invalid status code", status_code=400)
        return _status(code)

    @app.get("/image/png")
    def image_png() -> Response:  # core.image_png
        return Response(PNG, headers={"Content-Type": "image/png"})

    @app.get("/image-link")
    def image_link(url: str) -> dict[str, Any]:
        return {"data": [{"url": url}]}

    @app.get("/picture.png")
    def picture() -> Response:
        return Response(PNG, media_type="image/png")

    return app


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """werkzeug's `request.authorization` for the Basic scheme."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password
