"""What an API's security schemes are, as plain functions over the IR: each scheme's
kind and how it is described, which schemes an operation needs and whether a session's
set meets them. Both siblings read them: the Authorize panel (`builder.auth`) and the
credentials on each request (`dispatcher.auth`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from autoui.ir import Api, Operation, SecurityRequirement, SecurityScheme

# HTTP schemes that answer a challenge (RFC 7616 digest, SPNEGO, ...): one value cannot do.
_CHALLENGE_SCHEMES = frozenset(
    {"digest", "negotiate", "ntlm", "hoba", "mutual", "scram-sha-1", "scram-sha-256"}
)
# What the status of a credential the spec does not declare says after its state.
NOT_DECLARED = "not declared by the spec"
# How to name such a credential (`--auth basic=user:password`, the Authorize panel).
UNDECLARED_FORMS = "basic, bearer, header:NAME, query:NAME or cookie:NAME"
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP header name (RFC 9110)


def kind_of(scheme: SecurityScheme) -> str:
    """apiKey | basic | http | oauth2 | openIdConnect | unsupported."""
    if scheme.type == "apiKey" and scheme.location in ("header", "query", "cookie"):
        return "apiKey" if scheme.param_name else "unsupported"
    if scheme.type == "http":
        if scheme.scheme == "basic":
            return "basic"
        return "unsupported" if scheme.scheme in _CHALLENGE_SCHEMES else "http"
    if scheme.type in ("oauth2", "openIdConnect"):
        return scheme.type
    return "unsupported"


def undeclared_scheme(name: str) -> SecurityScheme | None:
    """The scheme of a credential the spec forgot, which its name describes: `basic`,
    `bearer`, `header:X-API-Key`, `query:api_key`, `cookie:session`; None for another
    name. Such a credential is sent with every call (the spec does not say which need it).
    """
    word, sep, param = name.partition(":")
    word, param = word.strip().lower(), param.strip()
    if not sep and word in ("basic", "bearer"):
        return SecurityScheme(name, "http", description=NOT_DECLARED, scheme=word)
    if sep and word in ("header", "query", "cookie") and _TOKEN.match(param):
        return SecurityScheme(
            name, "apiKey", description=NOT_DECLARED, location=word, param_name=param
        )
    return None


def describe_scheme(scheme: SecurityScheme) -> str:
    """`API key in header X-API-Key`, `HTTP Basic`, ... for the Authorize panel."""
    kind = kind_of(scheme)
    if kind == "apiKey":
        return f"API key in {scheme.location} {scheme.param_name}"
    if kind == "basic":
        return "HTTP Basic (username and password)"
    if kind == "http":
        name = "Bearer" if scheme.scheme in ("bearer", "") else scheme.scheme
        return f"HTTP {name} token" + (f" ({scheme.bearer_format})" if scheme.bearer_format else "")
    if kind == "oauth2":
        flows = ", ".join(scheme.flows) or "no flows"
        return f"OAuth 2 ({flows})"
    if kind == "openIdConnect":
        return "OpenID Connect"
    if scheme.type == "apiKey":
        return "apiKey without a usable 'in' (header, query, cookie) and 'name': cannot be sent"
    what = scheme.scheme if scheme.type == "http" else scheme.type
    return f"{what or 'unknown'}: not supported by autoui"


def requirements_of(api: Api, operation: Operation) -> list[SecurityRequirement]:
    return operation.security if operation.security is not None else api.security


def describe(requirements: list[SecurityRequirement]) -> str:
    """`ApiKey or Basic + Token`; `(optional)` when an alternative needs nothing."""
    text = " or ".join(" + ".join(alt) for alt in requirements if alt)
    if text and any(not alt for alt in requirements):
        text += " (optional)"
    return text


def satisfies(requirements: list[SecurityRequirement], available: Iterable[str]) -> bool:
    have = set(available)
    return not requirements or any(set(alt) <= have for alt in requirements)
