"""Credentials as a user or the operator gives them: a string or a mapping per security
scheme, read into a `Secret` (`parse_secret`) with one message naming the scheme (never
the value) when it cannot be used; and the start-up ones, from `--auth` and the
`AUTOUI_AUTH_<SCHEME>` variables (`startup_secrets`). How they go on a request, and each
session's, are `dispatcher.auth`'s.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from autoui.dispatcher.sessions import Secret
from autoui.errors import AuthProblem, ConfigError
from autoui.ir import Api, SecurityScheme
from autoui.mapper.security import UNDECLARED_FORMS, describe_scheme, kind_of, undeclared_scheme

log = logging.getLogger("autoui")

ENV_PREFIX = "AUTOUI_AUTH_"
_FIELDS = {
    "value": "value",
    "token": "value",
    "key": "value",
    "access_token": "value",
    "username": "username",
    "password": "password",
    "client_id": "client_id",
    "client_secret": "client_secret",
    "scopes": "scopes",
    "scope": "scopes",
}


def parse_secret(scheme: SecurityScheme, given: Any) -> Secret | None:
    """A Secret for `scheme` from a string or mapping; None when nothing was given."""
    name = scheme.name
    kind = kind_of(scheme)
    if isinstance(given, str) and given.strip().startswith("{"):
        try:
            given = json.loads(given)
        except ValueError:
            raise AuthProblem(f"{name}: the value looks like JSON but is not valid JSON") from None
    if given is None or (isinstance(given, str) and not given.strip()):
        return None
    if isinstance(given, Mapping):
        secret = _from_mapping(name, given)
        if secret is None:
            return None
    elif isinstance(given, str):
        secret = _from_text(name, kind, given.strip())
    else:
        raise AuthProblem(f"{name}: expected a string or an object, not {type(given).__name__}")
    _check(scheme, kind, secret)
    return secret


def _from_mapping(name: str, given: Mapping[str, Any]) -> Secret | None:
    values: dict[str, Any] = {}
    for key, value in given.items():
        if value is None or value == "" or value == []:
            continue
        if key not in _FIELDS:
            raise AuthProblem(
                f"{name}: unknown field {key!r} (expected some of: {', '.join(sorted(_FIELDS))})"
            )
        values[_FIELDS[key]] = value
    if not values:
        return None
    scopes = values.pop("scopes", ())
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, (list, tuple)) or not all(isinstance(s, str) for s in scopes):
        raise AuthProblem(f"{name}: scopes must be a list of strings or a space-separated string")
    for key, value in values.items():
        if not isinstance(value, str):
            raise AuthProblem(f"{name}: {key} must be a string")
    return Secret(**values, scopes=tuple(scopes))


def _from_text(name: str, kind: str, text: str) -> Secret:
    if kind == "basic":
        user, sep, password = text.partition(":")
        if not sep:
            raise AuthProblem(f"{name}: expected 'username:password'")
        return Secret(username=user, password=password)
    if kind in ("oauth2", "openIdConnect"):
        client_id, sep, client_secret = text.partition(":")
        if not sep:
            raise AuthProblem(
                f"{name}: expected 'client_id:client_secret', or a JSON object with "
                "client_id, client_secret, username, password, scopes or access_token"
            )
        return Secret(client_id=client_id, client_secret=client_secret)
    return Secret(value=text)


def _check(scheme: SecurityScheme, kind: str, secret: Secret) -> None:
    name = scheme.name
    if kind == "unsupported":
        raise AuthProblem(f"{name}: {describe_scheme(scheme)}")
    if kind in ("apiKey", "http") and not secret.value:
        raise AuthProblem(f"{name}: a value is required")
    if kind == "basic":
        if not secret.username:
            raise AuthProblem(f"{name}: a username is required")
        if ":" in secret.username:
            raise AuthProblem(f"{name}: a username cannot hold ':' (RFC 7617)")
    if kind in ("oauth2", "openIdConnect") and not (
        secret.value or secret.username or secret.client_id
    ):
        raise AuthProblem(
            f"{name}: give client_id and client_secret, or username and password, "
            "or an access_token"
        )


def env_name(scheme: str) -> str:
    """`AUTOUI_AUTH_` + the scheme name upper-cased, other characters as `_`."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", scheme).upper()


def startup_secrets(
    api: Api, given: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
) -> dict[str, Secret]:
    """Start-up credentials from `given` (`--auth`) and `environ` (`AUTOUI_AUTH_<NAME>`);
    `given` wins. Raises ConfigError naming the scheme (never the value)."""
    known = ", ".join(api.security_schemes) or "none"
    values: dict[str, tuple[str, Any]] = {}
    by_env: dict[str, str] = {}
    for name in api.security_schemes:
        if env_name(name) in by_env:
            raise ConfigError(
                f"{env_name(name)} would name both {by_env[env_name(name)]!r} and {name!r}; "
                "use --auth for them"
            )
        by_env[env_name(name)] = name
    for var, text in (environ or {}).items():
        if var.startswith(ENV_PREFIX):
            if var in by_env:
                values[by_env[var]] = (var, text)
            else:
                log.warning("%s matches no security scheme of this API (it has: %s)", var, known)
    for name, value in (given or {}).items():
        if name not in api.security_schemes and undeclared_scheme(name) is None:
            raise ConfigError(
                f"--auth {name}: the API has no security scheme {name!r} ({known}); a "
                f"credential the spec does not declare is named {UNDECLARED_FORMS}"
            )
        values[name] = ("--auth", value)
    secrets = {}
    for name, (source, value) in values.items():
        scheme = api.security_schemes.get(name) or undeclared_scheme(name)
        assert scheme is not None
        try:
            secret = parse_secret(scheme, value)
        except AuthProblem as exc:
            raise ConfigError(f"{source}: {exc}") from None
        if secret is not None:
            secrets[name] = secret
    return secrets
