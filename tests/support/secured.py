"""A loopback API that checks credentials the way real APIs do, and says what it received.

`secured_app()` serves one route per kind of security scheme (API key in a header, a
query parameter or a cookie; HTTP Basic; bearer; OAuth 2 with its own token endpoint;
OpenID Connect discovery), each answering 401 without valid credentials and otherwise
`{"who": ...}` naming the credential it got. `app.state.seen` lists every request's
path, headers, query and cookies, so a test can assert what went over the wire.

`secured_spec(base)` is the OpenAPI document describing it, written by hand so that each
scheme and each AND/OR combination is exactly what the test needs.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

API_KEYS = {"key-alice-7Qx", "key-bob-9Wz"}
USERS = {"alice": "alice-pass-4Rt", "bob": "bob-pass-8Yu"}
BEARERS = {"bearer-alice-2Kp", "bearer-bob-6Hn"}
CLIENTS = {"svc-alice": "svc-alice-secret-1Mq", "svc-bob": "svc-bob-secret-5Lv"}


def _unauthorized(reason: str) -> JSONResponse:
    return JSONResponse({"detail": reason}, status_code=401)


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else None


def secured_app(expires_in: int = 3600, *, clients_in_body_only: bool = False) -> FastAPI:
    """`clients_in_body_only`: the token endpoint refuses HTTP Basic client authentication
    (as some do) and wants client_id and client_secret in the form."""
    app = FastAPI()
    app.state.seen = []
    app.state.token_requests = []  # (grant_type, client, form fields without secrets)
    app.state.tokens = {}  # access token -> who
    app.state.refresh = {}  # refresh token -> who
    app.state.expires_in = expires_in
    counter = itertools.count(1)

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Response:
        app.state.seen.append(
            {
                "path": request.url.path,
                "headers": dict(request.headers),
                "query": dict(request.query_params),
                "cookies": dict(request.cookies),
            }
        )
        return await call_next(request)  # type: ignore[no-any-return]

    @app.get("/whoami/header")
    def by_header(request: Request) -> Any:
        key = request.headers.get("x-api-key")
        return {"who": key} if key in API_KEYS else _unauthorized("bad or missing X-API-Key")

    @app.get("/whoami/query")
    def by_query(request: Request) -> Any:
        key = request.query_params.get("api_key")
        return {"who": key} if key in API_KEYS else _unauthorized("bad or missing api_key")

    @app.get("/whoami/cookie")
    def by_cookie(request: Request) -> Any:
        key = request.cookies.get("session_id")
        return {"who": key} if key in API_KEYS else _unauthorized("bad or missing cookie")

    @app.get("/whoami/basic")
    def by_basic(request: Request) -> Any:
        given = _basic(request)
        if given is None or USERS.get(given[0]) != given[1]:
            return _unauthorized("bad or missing username and password")
        return {"who": given[0]}

    @app.get("/whoami/bearer")
    def by_bearer(request: Request) -> Any:
        token = _bearer(request)
        return {"who": token} if token in BEARERS else _unauthorized("bad or missing token")

    @app.get("/whoami/oauth")
    @app.get("/whoami/oidc")
    def by_oauth(request: Request) -> Any:
        token = _bearer(request)
        if token not in app.state.tokens:
            return _unauthorized("bad or missing access token")
        return {"who": app.state.tokens[token], "token": token}

    @app.get("/whoami/either")
    def either(request: Request) -> Any:
        given, token = _basic(request), _bearer(request)
        if given is not None and USERS.get(given[0]) == given[1]:
            return {"who": given[0]}
        return {"who": token} if token in BEARERS else _unauthorized("needs Basic or Bearer")

    @app.get("/optional")
    def optional(request: Request) -> Any:
        key = request.headers.get("x-api-key")
        if key is not None and key not in API_KEYS:
            return _unauthorized("bad X-API-Key")
        return {"who": key or "anonymous"}

    @app.get("/whoami/both")
    def both(request: Request) -> Any:
        key, token = request.headers.get("x-api-key"), _bearer(request)
        if key not in API_KEYS or token not in BEARERS:
            return _unauthorized("needs X-API-Key and a bearer token")
        return {"who": f"{key}+{token}"}

    @app.get("/public")
    def public(request: Request) -> Any:
        return {"who": request.headers.get("x-api-key") or request.headers.get("authorization")}

    @app.get("/away")
    def away(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=302)

    @app.get("/.well-known/openid-configuration")
    def discovery(request: Request) -> dict[str, Any]:
        base = str(request.base_url).rstrip("/")
        return {
            "issuer": base,
            "token_endpoint": f"{base}/oauth/token",
            "grant_types_supported": ["client_credentials", "password", "refresh_token"],
        }

    @app.post("/oauth/token")
    async def token(request: Request) -> Any:
        form = dict((await request.form()).items())
        grant = form.get("grant_type")
        client = _client(request, form)
        app.state.token_requests.append(
            {
                "grant_type": grant,
                "client": client[0] if client else None,
                "client_in_body": "client_secret" in form,
                "scope": form.get("scope"),
            }
        )
        if clients_in_body_only and _basic(request) is not None:
            return _oauth_error("invalid_client", "send the client in the body", 401)
        if grant == "refresh_token":
            who = app.state.refresh.pop(str(form.get("refresh_token")), None)
            if who is None:
                return _oauth_error("invalid_grant", "unknown refresh token")
        elif grant == "client_credentials":
            if client is None or CLIENTS.get(client[0]) != client[1]:
                return _oauth_error("invalid_client", "unknown client or wrong secret", 401)
            who = client[0]
        elif grant == "password":
            user, password = str(form.get("username")), str(form.get("password"))
            if USERS.get(user) != password:
                return _oauth_error("invalid_grant", "wrong username or password")
            who = user
        else:
            return _oauth_error("unsupported_grant_type", f"{grant} is not supported")
        access = f"at-{next(counter)}-{secrets.token_hex(4)}"
        refresh = f"rt-{secrets.token_hex(6)}"
        app.state.tokens[access] = who
        app.state.refresh[refresh] = who
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": app.state.expires_in,
            "refresh_token": refresh,
        }

    return app


def _client(request: Request, form: dict[str, Any]) -> tuple[str, str] | None:
    given = _basic(request)
    if given is not None:
        return given
    if "client_id" in form:
        return str(form["client_id"]), str(form.get("client_secret", ""))
    return None


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _get(operation_id: str, security: list[dict[str, list[str]]] | None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": operation_id,
        "responses": {"200": {"description": "who called"}},
    }
    if security is not None:
        op["security"] = security
    return {"get": op}


def secured_spec(base: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `secured_app()` served at `base`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "secured", "version": "1"},
        "servers": [{"url": base}],
        "security": [{"KeyHeader": []}],
        "components": {
            "securitySchemes": {
                "KeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "KeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
                "KeyCookie": {"type": "apiKey", "in": "cookie", "name": "session_id"},
                "Basic": {"type": "http", "scheme": "basic"},
                "Bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"},
                "OAuth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/oauth/token",
                            "scopes": {"read": "read things", "write": "write things"},
                        },
                        "password": {"tokenUrl": f"{base}/oauth/token", "scopes": {}},
                    },
                },
                "OpenId": {
                    "type": "openIdConnect",
                    "openIdConnectUrl": "/.well-known/openid-configuration",
                },
            }
        },
        "paths": {
            "/whoami/header": _get("by_header", None),
            "/whoami/query": _get("by_query", [{"KeyQuery": []}]),
            "/whoami/cookie": _get("by_cookie", [{"KeyCookie": []}]),
            "/whoami/basic": _get("by_basic", [{"Basic": []}]),
            "/whoami/bearer": _get("by_bearer", [{"Bearer": []}]),
            "/whoami/oauth": _get("by_oauth", [{"OAuth": ["read"]}]),
            "/whoami/oidc": _get("by_oidc", [{"OpenId": []}]),
            "/whoami/both": _get("both", [{"KeyHeader": [], "Bearer": []}]),
            "/whoami/either": _get("either", [{"Basic": []}, {"Bearer": []}]),
            "/public": _get("public", []),
            "/optional": _get("optional", [{}, {"KeyHeader": []}]),
            "/away": {
                "get": {
                    "operationId": "away",
                    "security": [{"KeyHeader": []}, {"Basic": []}],
                    "parameters": [
                        {
                            "name": "to",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": {"description": "a redirect"}},
                }
            },
        },
    }
