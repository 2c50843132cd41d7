"""A loopback backend shaped like httpbin that records every request it receives.

The routes follow httpbin's own (postmanlabs/httpbin, httpbin/core.py): `/get` answers
`{"args", "headers", "origin", "url"}` (`view_get`), `/headers` echoes the request's
headers (`view_headers`), `/redirect-to?url=` answers 302 with the Location header set
"to the exact string supplied" (`redirect_to`: no quoting, so a backslash stays one),
`/basic-auth/{user}/{passwd}` answers 200 only to those credentials and 401 otherwise
(`basic_auth`), and `/post` takes only POST (405 for a GET, as Flask answers). Besides
them: `/picture.png` is a PNG, and `/image-link?url=` answers the URL as OpenAI's image
API answers a picture's address (`{"data": [{"url": ...}]}`), whatever it is.

Every request that reaches the app, on any route or none, is appended to
`app.state.requests` (method, path and query as received, headers) before routing, so a
test can assert exactly which requests autoui made.
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from support.echo import png_bytes


def httpbin_app() -> FastAPI:
    app = FastAPI(title="httpbin-like")
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

    def as_httpbin(request: Request) -> dict[str, Any]:
        return {
            "args": dict(request.query_params),
            "headers": dict(request.headers),
            "origin": request.client.host if request.client else "",
            "url": str(request.url),
        }

    @app.get("/get")
    def get(request: Request) -> dict[str, Any]:
        return as_httpbin(request)

    @app.post("/post")
    def post(request: Request) -> dict[str, Any]:
        return as_httpbin(request)

    @app.get("/headers")
    def headers(request: Request) -> dict[str, Any]:
        return {"headers": dict(request.headers)}

    @app.api_route("/redirect-to", methods=["GET", "POST"])
    def redirect_to(url: str) -> Response:
        return Response(status_code=302, headers={"Location": url})

    @app.get("/basic-auth/{user}/{passwd}")
    def basic_auth(user: str, passwd: str, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(f"{user}:{passwd}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="x"'})
        return JSONResponse({"authenticated": True, "user": user})

    @app.get("/image-link")
    def image_link(url: str) -> dict[str, Any]:
        return {"data": [{"url": url}]}

    @app.get("/picture.png")
    def picture() -> Response:
        return Response(png_bytes(), media_type="image/png")

    return app
