"""The two documents every client of the endpoints reads first, `/config` and the API
description (`/gradio_api/info`), encoded once per address and kept gzipped.

gradio_client reads both before its first call, and so does Gradio's MCP server
(through a gradio_client of its own) before its first tool call. Gradio makes them anew
for every request: it deep-copies the config (1 MB of JSON for Kubernetes' endpoints)
and walks the copy to put the request's address in, and it has FastAPI's
`jsonable_encoder` walk the 5 MB description (0.2-0.3 s). Here each is made as Gradio's
route makes it, once per address, one component, dependency or endpoint at a time:
whole copies, made at once, stay in the process's memory as fragments once freed (8 MB
for Kubernetes' description).

Only the plain request is answered here: one that asks for a page's endpoints, a deep
link or unnamed endpoints (`page=`, `deep_link=`, `all_endpoints=`) goes to Gradio, and
so does every request when the app has a login (`--ui-auth`), which Gradio's routes
check.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
import threading
import zlib
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import parse_qs

import anyio.to_thread
import gradio as gr
from fastapi import FastAPI
from gradio import processing_utils, route_utils
from gradio.routes import API_PREFIX, App, ORJSONResponse
from gradio_client.snippet import generate_code_snippets
from gradio_client.utils import is_file_obj_with_url, traverse
from hf_gradio.cli import generate_cli_snippet
from starlette.requests import Request
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from autoui.mounted import kept_gzipped, relative_path

CONFIG = "/config"
DESCRIPTION = f"{API_PREFIX}/info"
_KEPT = 8  # addresses whose documents are kept (the host a client names is its own)
_LEFT_TO_GRADIO = {"page", "all_endpoints", "deep_link"}


class Documents:
    """Answers `GET /config` and `GET {DESCRIPTION}` of `app`, the endpoints' app: one
    made by `mount_blocks`, or Gradio's own, made by `launch()`."""

    def __init__(self, blocks: gr.Blocks, app: FastAPI) -> None:
        self._blocks = blocks
        self._gradio = (
            app
            if isinstance(app, App)
            else next(r.app for r in app.routes if isinstance(r, Mount) and isinstance(r.app, App))
        )
        self._encoded: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def _document(self, scope: Scope) -> str | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        if self._gradio.auth is not None or self._gradio.auth_dependency is not None:
            return None
        relative = relative_path(scope).rstrip("/")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if relative not in (CONFIG, DESCRIPTION) or _LEFT_TO_GRADIO & query.keys():
            return None
        return relative

    async def answer(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Answer a request for one of the documents; any other request, `app`."""
        document = self._document(scope)
        if document is None:
            await app(scope, receive, send)
            return
        request = Request(scope)
        if document == CONFIG:  # the root each of Gradio's routes computes
            root_path = self._gradio.root_path or scope.get("root_path") or ""
            root = route_utils.get_root_url(request, CONFIG, root_path)
        else:
            root = route_utils.get_root_url(request, DESCRIPTION, self._gradio.root_path)
        gzipped = await anyio.to_thread.run_sync(self._gzipped, document, root)
        plain = functools.partial(gzip.decompress, gzipped)
        await kept_gzipped(scope, gzipped, plain, "application/json")(scope, receive, send)

    def _gzipped(self, document: str, root: str) -> bytes:
        make = gzipped_config if document == CONFIG else gzipped_description
        with self._lock:
            if (document, root) not in self._encoded:
                if len(self._encoded) >= 2 * _KEPT:
                    self._encoded.pop(next(iter(self._encoded)))
                self._encoded[document, root] = make(self._blocks, root)
            return self._encoded[document, root]


class _Gzipped:
    """JSON written in parts, gzipped as it comes."""

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self._parts: list[bytes] = []

    def put(self, *texts: str | bytes) -> None:
        for text in texts:
            data = text.encode() if isinstance(text, str) else text
            self._parts.append(self._compressor.compress(data))

    def items(self, mapping: dict[str, Any], value: Callable[[str, Any], None]) -> None:
        """`{"key":value,...}`, each value written by `value(key, value)`."""
        self.put("{")
        for i, (key, item) in enumerate(mapping.items()):
            self.put("," if i else "", _json(key), ":")
            value(key, item)
        self.put("}")

    def done(self) -> bytes:
        self._parts.append(self._compressor.flush())
        return b"".join(self._parts)


def gzipped_config(blocks: gr.Blocks, root: str) -> bytes:
    """The config as Gradio's `/config` route answers a plain request (no login, deep
    link or page) that came to `root` (Gradio 6.31), as gzipped JSON: the config with the
    request's user (none), translations and root, and the URLs of the components' files
    made absolute (`update_root_in_config`) in copies."""
    config = cast(dict[str, Any], blocks.config)
    i18n = getattr(blocks, "i18n_instance", None)
    translations = i18n.translations_dict if i18n else None
    previous = config.get("root")
    whole = {**config, "username": None, "i18n_translations": translations, "root": root}
    out = _Gzipped()

    def file_rooted(file: dict[str, Any]) -> Any:  # a copy: the config's own stays
        return processing_utils.add_root_url(dict(file), root, previous)

    def rooted(value: Any) -> bytes:
        if previous == root:
            return ORJSONResponse._render(value)
        return ORJSONResponse._render(traverse(value, file_rooted, is_file_obj_with_url))

    def value(key: str, item: Any) -> None:
        if key in ("components", "dependencies") and isinstance(item, list):
            out.put("[", b",".join(rooted(part) for part in item), "]")
        else:
            out.put(rooted(item))

    out.items(whole, value)
    return out.done()


def gzipped_description(blocks: gr.Blocks, root: str) -> bytes:
    """The description as Gradio's `/info` route makes it (`prepare_api_info`, Gradio
    6.31) for a request to `root`, with each named endpoint's code snippets, as gzipped
    JSON (`json.dumps` with Starlette's separators).

    It is made and compressed one endpoint at a time: a prepared copy of the whole (its
    11,000 parameters, 2 MB of snippets, 5 MB of text) made at once stays in the
    process's memory as fragments once freed, 8 MB for Kubernetes.
    """
    info = cast(dict[str, Any], blocks.get_api_info())
    space_id = blocks.space_id
    cli = generate_cli_snippet(info.get("named_endpoints", {}))
    out = _Gzipped()

    def endpoint(name: str, described: dict[str, Any]) -> None:
        described = route_utils.update_example_values_to_use_public_url(_copy(described))
        snippets = generate_code_snippets(
            name, described, root, space_id=space_id, api_prefix=API_PREFIX + "/"
        )
        snippets["cli"] = cli[name].replace("{space_id}", space_id or root)
        out.put(_json({**described, "code_snippets": snippets}))

    def value(key: str, item: Any) -> None:
        if key == "named_endpoints":
            out.items(item, endpoint)
        else:
            out.put(_json(route_utils.update_example_values_to_use_public_url(copy.deepcopy(item))))

    out.items(info, value)
    return out.done()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _copy(endpoint: dict[str, Any]) -> dict[str, Any]:
    """A copy of an endpoint's description in which preparing it changes nothing of
    the original: its parameters' dicts and defaults (which Gradio rewrites) are new.
    (`copy.deepcopy` of Kubernetes' whole description takes 0.05-0.2 s.)"""

    def parameter(described: dict[str, Any]) -> dict[str, Any]:
        copied = dict(described)
        if "parameter_default" in copied:
            copied["parameter_default"] = copy.deepcopy(copied["parameter_default"])
        return copied

    if "parameters" not in endpoint:
        return dict(endpoint)
    return {**endpoint, "parameters": [parameter(p) for p in endpoint["parameters"]]}
