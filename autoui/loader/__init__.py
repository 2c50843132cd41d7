"""Loading an OpenAPI document from a URL, a file or a dict into the IR (`autoui.ir.Api`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from autoui.errors import ConfigError, SpecError
from autoui.ir import Api, Problem
from autoui.loader import lenient, openapi3, swagger2
from autoui.loader.bundle import Bundler, has_external_refs
from autoui.loader.common import Reader
from autoui.loader.fetch import display_name, fetch, is_url
from autoui.loader.parse import parse
from autoui.loader.paths import path_problems
from autoui.loader.validate import validate_document, validate_later
from autoui.schemas import Dialect, Schemas

log = logging.getLogger("autoui")

Source = str | Path | Mapping[str, Any]


def load_spec(
    source: Source,
    *,
    strict: bool = False,
    validate: bool | Literal["background"] = False,
    source_url: str | None = None,
) -> Api:
    """Read, bundle, check and convert a document; raise SpecError if it is unusable.

    Checking the document against the OpenAPI meta-schemas takes seconds on a large spec
    (2.4 s of GitHub's 2.7 s load and build, docs/python-and-mcp.md) and changes nothing
    the UI does, so it is asked for: `validate=True` adds its problems to `api.problems`
    before returning, `"background"` validates in a child process and logs them when
    done (as `autoui serve` does), False (the default) leaves it out. `strict` validates
    first and refuses a spec with errors (`autoui inspect` and `--strict`).

    `source_url` tells where a dict or a file really came from, so that relative
    server URLs and references resolve against it.
    """
    name = "<dict>" if isinstance(source, Mapping) else display_name(str(source))
    document, uri, text = _read(source, name)
    if source_url:
        uri = source_url
    dialect = dialect_of(document, name)
    problems: list[Problem] = []
    if text is not None and has_external_refs(text):
        problems += Bundler(document, uri, lambda u: _read_external(u)).run()
    reader = Reader(document, Schemas(document, dialect), uri)
    api = (swagger2 if dialect == "2.0" else openapi3).read(reader)
    api.source = name
    api.problems = problems + reader.problems + path_problems(api) + unsendable_parameters(api)
    api.problems += lenient.header_parameters(api) + lenient.deep_object_style(api)
    reader.schemas.report = _reporter(api.problems)
    if validate is True or strict:
        api.problems += validate_document(document, dialect, uri)
    if strict and any(p.severity == "error" for p in api.problems):
        first = next(p for p in api.problems if p.severity == "error")
        raise SpecError(name, f"invalid OpenAPI ({len(api.problems)} problems; first: {first})")
    if not any(s.url.startswith(("http://", "https://")) for s in api.servers):
        api.problems.append(
            Problem(
                "the servers give no absolute URL (the spec was not fetched from one): "
                "pass --base-url"
            )
        )
    if validate == "background" and not strict:
        validate_later(api)
    return api


_MAX_MENDED = 100  # warnings about mended schemas (OpenAI's 3.1 spec has 468 `nullable`s)


def _reporter(problems: list[Problem]) -> Callable[[str, str], None]:
    """What records a mistake found as schemas are read, lazily (after loading), as a
    warning on the spec: once per place and mistake, and at most _MAX_MENDED of them."""
    seen: set[tuple[str, str]] = set()

    def report(where: str, what: str) -> None:
        if (where, what) in seen or len(seen) > _MAX_MENDED:
            return
        seen.add((where, what))
        problems.append(
            Problem(f"(stopped after {_MAX_MENDED} mended schemas)")
            if len(seen) > _MAX_MENDED
            else Problem(what if where else f"{what} (in a schema written in place)", where)
        )

    return report


def unsendable_parameters(api: Api) -> list[Problem]:
    """One problem per parameter name that cannot go on the wire (the mapper leaves such
    a parameter out of the form, with a note), at the first operation that has it."""
    found: dict[str, Problem] = {}
    for op in api.operations:
        for param in op.parameters:
            message = param.name_problem
            if message and message not in found:
                found[message] = Problem(f"{message}; left out of the requests", op.pointer)
    return list(found.values())


def resolve_base_url(api: Api, base_url: str | None) -> str:
    """`base_url` if given, else the spec's first server; it must be an absolute http(s) URL."""
    chosen = base_url or api.base_url
    parts = urlsplit(chosen)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        where = "--base-url" if base_url else f"the spec's server {chosen or '(none)'!r}"
        raise ConfigError(
            f"no usable base URL: {where} is not an absolute http(s) URL; "
            "pass --base-url http://HOST:PORT"
        )
    return chosen


def dialect_of(document: Any, name: str) -> Dialect:
    if not isinstance(document, Mapping):
        raise SpecError(
            name, f"not an OpenAPI document (a {type(document).__name__}, not an object)"
        )
    swagger, openapi = document.get("swagger"), document.get("openapi")
    if swagger is None and openapi is None:
        raise SpecError(name, "not an OpenAPI document (no 'openapi' or 'swagger' field)")
    # Some documents carry both (`openapi: 3.0.0` beside a stray `swagger: "3.0"`):
    # whichever names a supported version decides, `openapi` first.
    if openapi is not None:
        version = str(openapi)
        if version.startswith("3.0"):
            return "3.0"
        if version.startswith(("3.1", "3.2")):
            return "3.1"
        if swagger is None:
            raise SpecError(name, f"openapi {version[:40]} is not supported (2.0, 3.0 and 3.1 are)")
    if str(swagger).startswith("2"):
        return "2.0"
    raise SpecError(name, f"swagger {str(swagger)[:40]} is not supported (only 2.0)")


def _read(source: Source, name: str) -> tuple[Any, str, str | None]:
    if isinstance(source, Mapping):
        return dict(source), "", None
    fetched = fetch(str(source))
    text = fetched.data.decode("utf-8", "replace")
    return parse(fetched.data, name, fetched.content_type), fetched.uri, text


def _read_external(uri: str) -> Any:
    fetched = fetch(uri)
    return parse(fetched.data, uri, fetched.content_type)


__all__ = ["Source", "dialect_of", "is_url", "load_spec", "resolve_base_url"]
