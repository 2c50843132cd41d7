"""The request as it was sent, and a `curl` command that sends it again.

A person debugging an API wants to take a call out of the UI and into a terminal or a
bug report. Credentials must not travel with it by accident: the `Authorization`,
`Proxy-Authorization` and `Cookie` headers, the header and query names of the spec's
API-key schemes, the headers given with `--header`, and fields the form masks
(passwords, tokens: in a header, the query, the body or the path) are shown as
`<redacted>` unless the user asks to reveal them. Reveal shows only what the user typed:
the operator's start-up credentials (`--auth`, `AUTOUI_AUTH_*`, `--header`) are the
request's `withheld` values, redacted always.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import requests

from autoui.dispatcher.raw import raw_body
from autoui.dispatcher.values import file_name, file_path, stand_in
from autoui.ir import Api
from autoui.mapper.kinds import kind_of
from autoui.mapper.plan import OperationPlan

REDACTED = "<redacted>"
ALWAYS_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
# Longer bodies are left out of the command: a base64 image in a JSON body can be
# megabytes, too much for a text box, and nobody pastes that into a terminal.
MAX_BODY_CHARS = 64_000
_DEFAULT_HEADERS = requests.utils.default_headers()
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


def spec_secrets(api: Api, headers: Iterable[str] = ()) -> Secrets:
    """The credentials named by the spec's API-key schemes, plus `headers` (e.g. the
    names given with `--header`)."""
    schemes = api.security_schemes.values()
    return Secrets(
        headers=ALWAYS_SECRET_HEADERS
        | {s.param_name.lower() for s in schemes if s.location == "header" and s.param_name}
        | {name.lower() for name in headers},
        query=frozenset(s.param_name for s in schemes if s.location == "query" and s.param_name),
    )


def form_secrets(plan: OperationPlan) -> Secrets:
    """The operation's masked fields (passwords, tokens, API keys typed into the form)."""
    masked = [f for f in plan.fields if kind_of(f).secret]
    return Secrets(
        headers=frozenset(f.name.lower() for f in masked if f.location == "header"),
        query=frozenset(f.name for f in masked if f.location == "query"),
        body=frozenset(f.body_path for f in masked if f.location == "body" and f.body_path),
        path=frozenset(f.name for f in masked if f.location == "path"),
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


def sent_request(
    prepared: requests.PreparedRequest,
    request: requests.Request,
    plan: OperationPlan,
    values: Mapping[str, Any],
    secrets: Secrets,
    withheld: Iterable[str] = (),
) -> SentRequest:
    """What `prepared` sends, kept so that it can be shown as a command; `withheld` are
    the start-up credentials on it, never shown."""
    body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else prepared.body
    parts = None
    if request.files:
        parts = [_part(name, spec) for name, spec in request.files]
    return SentRequest(
        method=prepared.method or plan.operation.method,
        url=prepared.url or "",
        headers=list(prepared.headers.items()),
        body=body if isinstance(body, bytes) else None,
        parts=parts,
        body_file=_raw_body_file(plan, values) if body and parts is None else None,
        secrets=secrets,
        template=plan.operation.path,
        withheld=tuple(withheld),
    )


def _part(name: str, spec: Any) -> Part:
    filename, content, media_type = spec
    if filename is not None:
        return Part(name, filename=filename, media_type=media_type)
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    return Part(name, value=text, media_type=media_type)


def _raw_body_file(plan: OperationPlan, values: Mapping[str, Any]) -> str | None:
    """The name of the file sent as the whole body, if the body is one."""
    raw = raw_body(values, stand_in)
    if raw is not None:
        return raw.filename
    for item in plan.fields:
        if item.location == "body" and not item.body_path and item.encoding == "file":
            value = values.get(item.api_param)
            path = file_path(value)
            return file_name(value, path) if path else None
    return None


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
    return urlunsplit(parts._replace(query=_redact_pairs(parts.query, names)))


def _redact_pairs(query: str, names: Iterable[str]) -> str:
    """`query` with the values of `names` redacted, every other byte as it was sent."""
    secret = set(names)
    pairs = []
    for pair in query.split("&") if query else []:
        name = pair.split("=", 1)[0]
        pairs.append(f"{name}={REDACTED}" if unquote_plus(name) in secret else pair)
    return "&".join(pairs)


def curl_command(sent: SentRequest, reveal: bool = False) -> str:
    """A shell command (one option per line) that makes the same request."""
    lines = [f"curl -X {sent.method} {shlex.quote(sent.shown_url(reveal))}"]
    for name, value in sent.headers:
        if sent.parts is not None and name.lower() == "content-type":
            continue  # curl writes its own, with its own boundary
        if name.lower() == "content-length" or _DEFAULT_HEADERS.get(name) == value:
            continue  # what requests adds by itself, not what the operation sends
        if not reveal and name.lower() in sent.secrets.headers:
            value = REDACTED
        lines.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if sent.parts is not None:
        lines += [_form_option(part) for part in sent.parts]
    elif sent.body_file is not None:
        lines.append(f"--data-binary @{shlex.quote(sent.body_file)}")
    elif sent.body:
        lines.append(_body_option(sent, reveal))
    return scrub(" \\\n  ".join(lines), sent.withheld)


def _body_option(sent: SentRequest, reveal: bool) -> str:
    assert sent.body is not None
    try:
        text = sent.body.decode("utf-8")
    except UnicodeDecodeError:
        return f"--data-binary @body.bin  # {len(sent.body):,} bytes of binary data, not shown"
    if not reveal and sent.secrets.body:
        text = _redact_body(text, _content_type(sent), sent.secrets.body)
    if len(text) > MAX_BODY_CHARS:
        return f"--data-binary @body  # a {len(text):,}-character body, too long to show"
    return f"--data-raw {shlex.quote(text)}"


def _content_type(sent: SentRequest) -> str:
    for name, value in sent.headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower()
    return ""


def _redact_body(text: str, media_type: str, paths: frozenset[tuple[str, ...]]) -> str:
    if media_type == "application/x-www-form-urlencoded":
        return _redact_pairs(text, [path[0] for path in paths if len(path) == 1])
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return text
    changed = False
    for path in paths:
        node: Any = document
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, dict) and path and path[-1] in node:
            node[path[-1]] = REDACTED
            changed = True
    return json.dumps(document, ensure_ascii=False) if changed else text


def _form_option(part: Part) -> str:
    if part.filename is not None:
        spec = f"{part.name}=@{_quoted(part.filename)}"
        if part.media_type:
            spec += f";type={part.media_type}"
        return f"-F {shlex.quote(spec)}"
    if part.media_type:  # a JSON part: its own type, value quoted for curl's -F syntax
        return f"-F {shlex.quote(f'{part.name}={_quoted(part.value)};type={part.media_type}')}"
    return f"--form-string {shlex.quote(f'{part.name}={part.value}')}"


def _quoted(text: str) -> str:
    """A value in curl's -F double quotes, where only `"` and `\\` need escaping."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
