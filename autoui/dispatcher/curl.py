"""A `curl` command that sends a request again (the request as sent: `mapper.sent`).

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
import shlex
from collections.abc import Iterable, Mapping
from typing import Any

import requests

from autoui.dispatcher.raw import raw_body
from autoui.dispatcher.values import file_name, file_path, stand_in
from autoui.ir import Api
from autoui.mapper.kinds import kind_of
from autoui.mapper.plan import OperationPlan
from autoui.mapper.sent import (
    ALWAYS_SECRET_HEADERS,
    REDACTED,
    Part,
    Secrets,
    SentRequest,
    redact_pairs,
    scrub,
)

# Longer bodies are left out of the command: a base64 image in a JSON body can be
# megabytes, too much for a text box, and nobody pastes that into a terminal.
MAX_BODY_CHARS = 64_000
_DEFAULT_HEADERS = requests.utils.default_headers()


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
        return redact_pairs(text, [path[0] for path in paths if len(path) == 1])
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
