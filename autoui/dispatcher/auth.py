"""Credentials for an API's security schemes: each session's, and how a request carries them
(what a user gives is read by `credentials.py`).

Each session's credentials live in the `SessionStore` (in memory, per Gradio session);
credentials given at start-up (`--auth NAME=VALUE`, `AUTOUI_AUTH_<NAME>`) are shared by
every session, and a session's own value for a scheme wins over the shared one.

An operation's `security` is a list of alternatives (OR); each alternative names schemes
that apply together (AND); an empty alternative `{}` means "no credentials needed". The
first alternative the session can satisfy is used, anonymous access last.

What a user gives for each kind of scheme (a string, or a mapping with these keys):

    apiKey, http bearer (other http schemes too)   "the-key"          {"value": ...}
    http basic                                     "user:password"    {"username", "password"}
    oauth2, openIdConnect                          "client_id:secret" {"client_id", "client_secret",
                                                                       "username", "password",
                                                                       "scopes", "access_token"}

Secrets never appear in a `repr`, a log line or an error message: `curl.spec_secrets`
names the headers and query parameters that carry them (for redacting a URL or a curl
command) and `mapper.sent.scrub` removes their values from any text.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from autoui.dispatcher import styles
from autoui.dispatcher.credentials import parse_secret
from autoui.dispatcher.oauth import Grant, Token, TokenClient, TokenError
from autoui.dispatcher.sessions import Secret, SessionState, SessionStore
from autoui.errors import AuthProblem
from autoui.ir import Api, Operation, SecurityRequirement, SecurityScheme
from autoui.mapper.security import (
    NOT_DECLARED,
    UNDECLARED_FORMS,
    describe,
    describe_scheme,
    kind_of,
    requirements_of,
    undeclared_scheme,
)
from autoui.mapper.sent import REDACTED, Secrets, scrub

log = logging.getLogger("autoui")


def wire_parts(
    scheme: SecurityScheme, secret: Secret, token: Token | None
) -> list[tuple[str, str, str]]:
    """`(location, name, value)` for each thing a request must carry for this scheme."""
    kind = kind_of(scheme)
    if kind == "apiKey":
        return [(scheme.location, scheme.param_name, secret.value)]
    if kind == "basic":
        pair = f"{secret.username}:{secret.password}".encode()
        return [("header", "Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))]
    if kind == "http":
        word = "Bearer" if scheme.scheme in ("bearer", "") else scheme.scheme.capitalize()
        return [("header", "Authorization", f"{word} {secret.value}")]
    if token is not None:
        word = "Bearer" if token.token_type.lower() == "bearer" else token.token_type
        return [("header", "Authorization", f"{word} {token.access_token}")]
    return [("header", "Authorization", f"Bearer {secret.value}")]


def add_parts(request: requests.Request, parts: list[tuple[str, str, str]], scheme: str) -> None:
    """Put credentials on `request`; a value the user typed into the form for the same
    header, query parameter or cookie wins (as with `--header`)."""
    for where, name, value in parts:
        if where == "header":
            if any(k.lower() == name.lower() for k in request.headers):
                continue
            try:
                request.headers[name] = styles.header_value(value, name=name)
            except ValueError:
                raise AuthProblem(
                    f"{scheme}: the credential holds a line break, a control character or "
                    "text an HTTP header cannot carry"
                ) from None
        elif where == "query":
            key = quote(name, safe="")
            query = urlsplit(request.url).query
            if any(pair.split("=", 1)[0] == key for pair in query.split("&") if pair):
                continue
            text = styles.query_string(styles.query_pairs(name, value))
            request.url += ("&" if query else "?") + text
        elif where == "cookie":
            cookie = request.headers.get("Cookie", "")
            key = quote(name, safe="") + "="
            if any(c.strip().startswith(key) for c in cookie.split(";")):
                continue
            pair = styles.cookie_pair(name, value)
            request.headers["Cookie"] = f"{cookie}; {pair}" if cookie else pair


class _QueryRedactor(logging.Filter):
    """urllib3 logs request paths with their query string (a retry's warning, its debug
    lines), and an API key may be in the query: the query is left out of those lines."""

    _QUERY = re.compile(r"\?[^\s'\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = self._QUERY.sub(f"?{REDACTED}", message), ()
        return True


_REDACTOR = _QueryRedactor()


def redact_library_logs() -> None:
    """Keep credentials in query strings out of urllib3's log lines (idempotent)."""
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)


@dataclass
class Applied:
    """What `Authenticator.apply` put on a request."""

    secrets: list[str] = field(default_factory=list)  # for scrubbing messages
    satisfied: bool = True  # False: no alternative of the requirement could be met
    # The start-up credentials among them, as given and as sent: never shown to a page user.
    startup: list[str] = field(default_factory=list)
    # Where undeclared credentials went (header and query names), to redact them.
    names: Secrets = field(default_factory=Secrets)


class Authenticator:
    """Per-session and start-up credentials, OAuth tokens, and applying them to requests."""

    def __init__(
        self,
        api: Api,
        sessions: SessionStore,
        *,
        startup: Mapping[str, Secret] | None = None,
        base_url: str = "",
        timeout: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = api
        self.schemes = dict(api.security_schemes)
        self.sessions = sessions
        self.shared = SessionState(secrets=dict(startup or {}))
        self.base_url = base_url
        self.clock = clock
        self.tokens = TokenClient(timeout=timeout, clock=clock)
        self.scopes = _required_scopes(api)

    # --- what the Authorize panel and endpoint do

    def authorize(self, session: str | None, given: Mapping[str, Any]) -> dict[str, str]:
        """Set (or, with an empty value, clear) this session's credentials per scheme.

        Nothing changes unless every value is usable. OAuth tokens are fetched at once,
        so a refusal shows now rather than on the first call. Returns `status()`.
        """
        unknown = [name for name in given if self.scheme(name) is None]
        if unknown:
            raise AuthProblem(
                f"no security scheme {unknown[0]!r} (the API has: "
                f"{', '.join(self.schemes) or 'none'}; one it does not declare is named "
                f"{UNDECLARED_FORMS})"
            )
        parsed = {name: parse_secret(self._scheme(name), value) for name, value in given.items()}
        state = self.sessions.get(session, create=True)
        if state is None:
            raise AuthProblem("credentials need a session (a browser tab or a gradio_client)")
        with state.lock:
            for name, secret in parsed.items():
                state.tokens.pop(name, None)
                state.problems.pop(name, None)
                if secret is None:
                    state.secrets.pop(name, None)
                else:
                    state.secrets[name] = secret
        for name, secret in parsed.items():
            if secret is not None and self._needs_token(name, secret):
                with contextlib.suppress(AuthProblem):  # kept in state.problems
                    self._token(name, secret, state)
        return self.status(session)

    def scheme(self, name: str) -> SecurityScheme | None:
        """The spec's scheme of this name, else the undeclared one the name describes."""
        return self.schemes.get(name) or undeclared_scheme(name)

    def _scheme(self, name: str) -> SecurityScheme:
        scheme = self.scheme(name)
        assert scheme is not None, name
        return scheme

    def status(self, session: str | None) -> dict[str, str]:
        """For each scheme, one phrase: set for this session, set at start-up, not set,
        or why its credentials cannot be used (the token endpoint's refusal); then each
        credential the spec does not declare that is set."""
        owners = self._owners(session)
        out = {}
        undeclared = [name for name in owners if name not in self.schemes]
        for name, scheme in [*self.schemes.items(), *((n, self._scheme(n)) for n in undeclared)]:
            owner = owners.get(name)
            if kind_of(scheme) == "unsupported":
                out[name] = describe_scheme(scheme)
            elif owner is None:
                out[name] = "not set"
            elif name in owner.problems:
                out[name] = owner.problems[name]
            elif owner is self.shared:
                out[name] = "set at start-up, for every user"
            else:
                out[name] = "set for this session"
            if name not in self.schemes:
                out[name] += f" ({NOT_DECLARED})"
        return out

    def available(self, session: str | None) -> set[str]:
        """The schemes this session has usable credentials for."""
        return {name for name, owner in self._owners(session).items() if name not in owner.problems}

    def _owners(self, session: str | None) -> dict[str, SessionState]:
        """Per scheme, whose credentials apply: the session's own, else the shared ones."""
        state = self.sessions.get(session)
        owners: dict[str, SessionState] = dict.fromkeys(self.shared.secrets, self.shared)
        if state is not None:
            owners.update(dict.fromkeys(state.secrets, state))
        return owners

    # --- what the dispatcher does for every call

    def apply(
        self, request: requests.Request, operation: Operation, session: str | None
    ) -> Applied:
        """Add the credentials of the first alternative the session can satisfy.

        Raises AuthProblem when a credential cannot be used (an OAuth token endpoint's
        refusal, a line break in a key); the message names the scheme, never the value.
        """
        owners = self._owners(session)
        applied = self._declared(request, requirements_of(self.api, operation), owners)
        # Credentials the spec does not declare go with every call, after the declared
        # ones (which win where both would set the same header).
        for name, owner in owners.items():
            if name in self.schemes:
                continue
            scheme, secret = self._scheme(name), owner.secrets[name]
            parts = wire_parts(scheme, secret, None)
            add_parts(request, parts, name)
            applied.secrets += secret.texts()
            if owner is self.shared:
                applied.startup += secret.texts() + [value for _, _, value in parts]
            if scheme.location == "header":
                applied.names |= Secrets(headers=frozenset({scheme.param_name.lower()}))
            elif scheme.location == "query":
                applied.names |= Secrets(query=frozenset({scheme.param_name}))
        return applied

    def _declared(
        self,
        request: requests.Request,
        requirements: list[SecurityRequirement],
        owners: Mapping[str, SessionState],
    ) -> Applied:
        """The credentials of the first alternative of `requirements` that can be met."""
        if not requirements:
            return Applied()
        # Anonymous access (`{}`) only when no alternative with credentials can be met.
        for alternative in sorted(requirements, key=lambda alt: not alt):
            if not set(alternative) <= set(owners):
                continue
            applied = Applied()
            for name in alternative:
                secret = owners[name].secrets[name]
                token = (
                    self._token(name, secret, owners[name])
                    if self._needs_token(name, secret)
                    else None
                )
                parts = wire_parts(self.schemes[name], secret, token)
                add_parts(request, parts, name)
                texts = secret.texts() + ([token.access_token] if token else [])
                applied.secrets += texts
                if owners[name] is self.shared:
                    applied.startup += texts + [value for _, _, value in parts]
            return applied
        return Applied(satisfied=False)

    def hint(self, operation: Operation) -> str:
        """What to tell a user whose call was refused with 401/403 without credentials."""
        needs = describe(requirements_of(self.api, operation))
        if not needs:
            return (
                "the spec declares no credentials for this operation; add one it does not "
                "declare under Authorize"
            )
        return f"this operation needs {needs}; set it under Authorize"

    # --- OAuth

    def _needs_token(self, name: str, secret: Secret) -> bool:
        return kind_of(self._scheme(name)) in ("oauth2", "openIdConnect") and not secret.value

    def _token(self, name: str, secret: Secret, owner: SessionState) -> Token:
        with owner.lock:
            token = owner.tokens.get(name)
            if token is not None and token.fresh(self.clock()):
                return token
            try:
                grant = self._grant(name, secret)
                fresh = None
                if token is not None and token.refresh_token:
                    refresh = Grant(
                        grant.url,
                        (("grant_type", "refresh_token"), ("refresh_token", token.refresh_token)),
                    )
                    try:
                        fresh = self.tokens.fetch(refresh, secret.client_id, secret.client_secret)
                    except TokenError as exc:
                        log.info("%s: refreshing the token failed (%s); asking anew", name, exc)
                if fresh is None:
                    fresh = self.tokens.fetch(grant, secret.client_id, secret.client_secret)
            except (TokenError, AuthProblem) as exc:
                owner.tokens.pop(name, None)
                # Only the token endpoint's words may echo a secret; ours never hold one.
                owner.problems[name] = (
                    str(exc)
                    if isinstance(exc, AuthProblem)
                    else scrub(f"{name}: {exc}", secret.texts())
                )
                raise AuthProblem(owner.problems[name]) from None
            owner.tokens[name] = fresh
            owner.problems.pop(name, None)
            return fresh

    def _grant(self, name: str, secret: Secret) -> Grant:
        scheme = self.schemes[name]
        password = bool(secret.username)
        if scheme.type == "openIdConnect":
            metadata = self.tokens.discover(urljoin(self.base_url, scheme.openid_connect_url))
            url = urljoin(self.base_url, metadata["token_endpoint"])
            offered = metadata.get("grant_types_supported")
            wanted = "password" if password else "client_credentials"
            if isinstance(offered, list) and wanted not in offered:
                raise AuthProblem(f"{name}: the OpenID provider does not offer the {wanted} grant")
        else:
            flow_name = "password" if password else "clientCredentials"
            flow = scheme.flows.get(flow_name)
            if not isinstance(flow, Mapping) or not isinstance(flow.get("tokenUrl"), str):
                given = "a username and password" if password else "a client id and secret"
                raise AuthProblem(
                    f"{name}: {given} need the OAuth 2 {flow_name} flow, which this scheme "
                    f"does not offer (it offers: {', '.join(scheme.flows) or 'none'}); "
                    "paste an access_token instead"
                )
            url = urljoin(self.base_url, flow["tokenUrl"])
        fields = [("grant_type", "password" if password else "client_credentials")]
        if password:
            fields += [("username", secret.username), ("password", secret.password)]
        scopes = secret.scopes or self.scopes.get(name, ())
        if scopes:
            fields.append(("scope", " ".join(scopes)))
        return Grant(url, tuple(fields))


def _required_scopes(api: Api) -> dict[str, tuple[str, ...]]:
    """Per scheme, every scope any operation asks for: one token then serves them all."""
    found: dict[str, dict[str, None]] = {}
    requirements = [*api.security]
    for operation in api.operations:
        requirements += operation.security or []
    for alternative in requirements:
        for name, scopes in alternative.items():
            found.setdefault(name, {}).update(dict.fromkeys(scopes))
    return {name: tuple(scopes) for name, scopes in found.items()}
