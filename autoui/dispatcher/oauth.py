"""OAuth 2 tokens for the client-credentials and password flows, and OpenID discovery.

autoui gets a token from the scheme's `tokenUrl` (RFC 6749 §4.3, §4.4), keeps it until
it expires, refreshes it with its refresh token when there is one (§6), and otherwise
asks for a new one. The token endpoint's own refusal (`invalid_client: bad secret`) is
the message a user sees. The client authenticates with HTTP Basic (§2.3.1, which every
server must support) and, if the server refuses that, once more with the credentials in
the body, which some servers insist on.

Token endpoints come from the spec, fixed at start-up; their replies are read with a
size cap, redirects are not followed, each request is logged (method, URL, status: the
credentials travel in the body and headers, never in the URL), and nothing here logs a
secret or a token.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from autoui.dispatcher.transport import Session
from autoui.errors import AutouiError

log = logging.getLogger("autoui")

MAX_TOKEN_REPLY = 1024 * 1024
_EARLY = 30.0  # seconds before expiry that a token counts as expired


class TokenError(AutouiError):
    """The token could not be had; `str()` is the one-line message for the user."""


@dataclass(repr=False)
class Token:
    access_token: str
    token_type: str = "Bearer"
    expires_at: float | None = None  # on the clock of the `TokenClient`
    refresh_token: str = ""

    def fresh(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at

    def __repr__(self) -> str:
        return f"Token(type={self.token_type!r}, expires_at={self.expires_at!r})"


@dataclass(frozen=True)
class Grant:
    """What to send to the token endpoint (credentials are added separately)."""

    url: str
    fields: tuple[tuple[str, str], ...]  # grant_type, scope, username, password, ...


class TokenClient:
    """Fetches and refreshes tokens, and reads OpenID Connect discovery documents."""

    def __init__(self, *, timeout: float, clock: Callable[[], float]) -> None:
        self.timeout = timeout
        self.clock = clock
        self.http = Session()
        # No cookies: a Set-Cookie in one user's token reply must not ride on another's.
        self.http.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._discovered: dict[str, dict[str, Any]] = {}

    def discover(self, url: str) -> dict[str, Any]:
        """The OpenID provider's metadata (`/.well-known/openid-configuration`), cached."""
        if url not in self._discovered:
            document = self._json("GET", url, "the OpenID Connect discovery document")
            if not isinstance(document.get("token_endpoint"), str):
                raise TokenError(
                    f"the OpenID Connect discovery document {url} names no token_endpoint"
                )
            self._discovered[url] = document
        return self._discovered[url]

    def fetch(self, grant: Grant, client_id: str, client_secret: str) -> Token:
        """A new token for `grant`, or TokenError with the endpoint's reason."""
        fields = list(grant.fields)
        if client_secret:
            basic = base64.b64encode(
                f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}".encode()
            ).decode("ascii")
            try:
                return self._token(grant.url, fields, {"Authorization": f"Basic {basic}"})
            except _ClientRefused:
                fields += [("client_id", client_id), ("client_secret", client_secret)]
        elif client_id:
            fields.append(("client_id", client_id))
        try:
            return self._token(grant.url, fields, {})
        except _ClientRefused as exc:
            raise TokenError(str(exc)) from None

    def _token(self, url: str, fields: list[tuple[str, str]], headers: dict[str, str]) -> Token:
        document = self._json("POST", url, "the token endpoint", data=fields, headers=headers)
        token = document.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenError(f"the token endpoint {url} answered without an access_token")
        expires_in = document.get("expires_in")
        expires_at = None
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
            expires_at = self.clock() + max(0.0, float(expires_in) - min(_EARLY, expires_in / 10))
        refresh = document.get("refresh_token")
        return Token(
            token,
            str(document.get("token_type") or "Bearer"),
            expires_at,
            refresh if isinstance(refresh, str) else "",
        )

    def _json(
        self,
        method: str,
        url: str,
        what: str,
        *,
        data: list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        where = f"{what} {url}"
        try:
            with self.http.request(
                method,
                url,
                data=data,
                headers={"Accept": "application/json", **(headers or {})},
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            ) as reply:
                body = reply.raw.read(MAX_TOKEN_REPLY + 1, decode_content=True)
                status, reason = reply.status_code, reply.reason or ""
                log.info("%s %s -> %s (%s)", method, url, status, what)
        except requests.exceptions.Timeout:
            raise TokenError(f"no answer from {where} within {self.timeout:g} s") from None
        except requests.exceptions.RequestException:
            raise TokenError(f"cannot reach {where}") from None
        if len(body) > MAX_TOKEN_REPLY:
            raise TokenError(f"{where} answered with more than {MAX_TOKEN_REPLY:,} bytes")
        try:
            document = json.loads(body) if body.strip() else None
        except ValueError:
            document = None
        if 300 <= status < 400:
            raise TokenError(f"{where} redirected (HTTP {status}); not followed")
        if status >= 400:
            reason_text = _oauth_error(document) or f"HTTP {status} {reason}".strip()
            message = f"{where} refused: {reason_text}"
            if status == 401 or (
                isinstance(document, dict) and document.get("error") == "invalid_client"
            ):
                raise _ClientRefused(message)
            raise TokenError(message)
        if not isinstance(document, dict):
            raise TokenError(f"{where} did not answer with a JSON object")
        return document


class _ClientRefused(TokenError):
    """The endpoint refused the client's authentication (worth one more try)."""


def _oauth_error(document: Any) -> str:
    """`invalid_grant: bad password` from an RFC 6749 §5.2 error reply, else ""."""
    if not isinstance(document, dict) or not isinstance(document.get("error"), str):
        return ""
    description = document.get("error_description")
    text: str = document["error"]
    if isinstance(description, str) and description.strip():
        text += ": " + " ".join(description.split())[:300]
    return text
