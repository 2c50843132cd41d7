"""The request as it was sent, as plain data, and which of its values are credentials.

The dispatcher fills a `SentRequest` in for every call (`dispatcher.curl.sent_request`)
and keeps it on the `Reply`; the page shows it as a `curl` command (`dispatcher.curl`)
through the call protocol (`mapper.calls.CurlFn`). Credentials are redacted here, on
the data both read: the URL a status line or a command shows has `<redacted>` where a
secret was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

REDACTED = "<redacted>"
ALWAYS_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_MIN_SCRUB = 3  # shorter values are not searched for in text: they would garble it
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (as given, and percent-encoded) replaced by <redacted>."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_SCRUB:
            text = text.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
    return text


def scrub_bytes(content: bytes, secrets: Iterable[str]) -> bytes:
    """`scrub` for a body's bytes (a reply that echoes what it was sent)."""
    marker = REDACTED.encode()
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_SCRUB:
            for form in {secret, quote(secret, safe="")}:
                content = content.replace(form.encode("utf-8"), marker)
    return content


@dataclass(frozen=True)
class Secrets:
    """Names whose values are credentials: headers (lower case), query parameters, path
    parameters and paths in a JSON or form body."""

    headers: frozenset[str] = ALWAYS_SECRET_HEADERS
    query: frozenset[str] = frozenset()
    body: frozenset[tuple[str, ...]] = frozenset()
    path: frozenset[str] = frozenset()

    def __or__(self, other: Secrets) -> Secrets:
        return Secrets(
            self.headers | other.headers,
            self.query | other.query,
            self.body | other.body,
            self.path | other.path,
        )


@dataclass(frozen=True)
class Part:
    """One part of a multipart body: a file (sent from `filename`) or a value."""

    name: str
    value: str = ""
    filename: str | None = None
    media_type: str | None = None


@dataclass
class SentRequest:
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    parts: list[Part] | None = None  # a multipart body, part by part
    body_file: str | None = None  # the name of the file a raw body was read from
    secrets: Secrets = field(default_factory=Secrets)
    template: str = ""  # the operation's path, `/users/{id}`: where path values are
    withheld: tuple[str, ...] = field(default=(), repr=False)  # start-up credentials

    def shown_url(self, reveal: bool = False) -> str:
        if reveal:
            return scrub(self.url, self.withheld)
        url = redact_path(self.url, self.template, self.secrets.path)
        return scrub(redact_url(url, self.secrets.query), self.withheld)


def redact_path(url: str, template: str, names: frozenset[str]) -> str:
    """`url` with the values of the path parameters `names` redacted, found where the
    path `template` (`/basic-auth/{user}/{passwd}`) puts them at the end of its path."""
    if not names or not template:
        return url
    parts = urlsplit(url)
    pieces = _TEMPLATE_VARIABLE.split(template)  # literal, name, literal, name, ...
    pattern = "".join(
        re.escape(piece) if i % 2 == 0 else "([^/?#]*)" for i, piece in enumerate(pieces)
    )
    found = re.search(pattern + "$", parts.path)
    if found is None:
        return url
    path = parts.path
    for group, name in reversed(list(enumerate(pieces[1::2], 1))):
        if name in names:
            path = path[: found.start(group)] + REDACTED + path[found.end(group) :]
    return urlunsplit(parts._replace(path=path))


def redact_url(url: str, names: frozenset[str]) -> str:
    if not names:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=redact_pairs(parts.query, names)))


def redact_pairs(query: str, names: Iterable[str]) -> str:
    """`query` with the values of `names` redacted, every other byte as it was sent."""
    secret = set(names)
    pairs = []
    for pair in query.split("&") if query else []:
        name = pair.split("=", 1)[0]
        pairs.append(f"{name}={REDACTED}" if unquote_plus(name) in secret else pair)
    return "&".join(pairs)
