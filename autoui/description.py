"""The endpoints' API description (`/gradio_api/info`), encoded once per address.

gradio_client reads it before its first call, and so does Gradio's MCP server (through a
gradio_client of its own) before its first tool call. Gradio keeps the description as a
dict and has FastAPI's `jsonable_encoder` walk it for every request: 0.2-0.3 s for
Kubernetes' 5 MB, on each request, and the dict (8.8 MB of objects) is kept besides. Here
it is prepared as Gradio's route prepares it (the code snippets name the address the
request came to), encoded with `json` and kept gzipped (160 KB for Kubernetes).

Only the plain request is answered here: one that asks for a page's endpoints or for
unnamed ones (`page=`, `all_endpoints=`) goes to Gradio, and so does every request when
the app has a login (`--ui-auth`), which Gradio's route checks.
"""

from __future__ import annotations

import copy
import gzip
import json
import threading
import zlib
from typing import Any, cast
from urllib.parse import parse_qs

import anyio.to_thread
import gradio as gr
from fastapi import FastAPI
from gradio import route_utils
from gradio.routes import API_PREFIX, App
from gradio_client.snippet import generate_code_snippets
from hf_gradio.cli import generate_cli_snippet
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

ROUTE = f"{API_PREFIX}/info"
_KEPT = 8  # addresses whose description is kept (the host a client names is its own)
_LEFT_TO_GRADIO = {"page", "all_endpoints"}


class Description:
    """Answers `GET {ROUTE}` of `app`, the endpoints' app made by `mount_blocks`."""

    def __init__(self, blocks: gr.Blocks, app: FastAPI) -> None:
        self._blocks = blocks
        self._gradio = next(
            r.app for r in app.routes if isinstance(r, Mount) and isinstance(r.app, App)
        )
        self._encoded: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def answers(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        if self._gradio.auth is not None or self._gradio.auth_dependency is not None:
            return False
        path, root = scope["path"], scope.get("root_path", "")
        relative = path[len(root) :] if root and path.startswith(root) else path
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        return relative.rstrip("/") == ROUTE and not _LEFT_TO_GRADIO & query.keys()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        root = route_utils.get_root_url(request, ROUTE, self._gradio.root_path)
        gzipped = await anyio.to_thread.run_sync(self._gzipped, root)
        headers = {"vary": "Accept-Encoding"}
        if "gzip" in Headers(scope=scope).get("accept-encoding", ""):
            headers["content-encoding"] = "gzip"
            body = gzipped
        else:
            body = gzip.decompress(gzipped)
        await Response(body, media_type="application/json", headers=headers)(scope, receive, send)

    def _gzipped(self, root: str) -> bytes:
        with self._lock:
            if root not in self._encoded:
                if len(self._encoded) >= _KEPT:
                    self._encoded.pop(next(iter(self._encoded)))
                self._encoded[root] = gzipped_description(self._blocks, root)
            return self._encoded[root]


def gzipped_description(blocks: gr.Blocks, root: str) -> bytes:
    """The description as Gradio's `/info` route makes it (`prepare_api_info`, Gradio
    6.31) for a request to `root`, with each named endpoint's code snippets, as gzipped
    JSON (`json.dumps` with Starlette's separators).

    It is made and compressed one endpoint at a time: a prepared copy of the whole (its
    11,000 parameters, 2 MB of snippets, 5 MB of text) made at once stays in the
    process's memory as fragments once freed, 8 MB for Kubernetes.
    """
    info = cast(dict[str, Any], blocks.get_api_info())
    named = info.get("named_endpoints", {})
    space_id = blocks.space_id
    cli = generate_cli_snippet(named)
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip
    parts: list[bytes] = []

    def put(*texts: str) -> None:
        parts.append(compressor.compress("".join(texts).encode()))

    def prepared(name: str, endpoint: dict[str, Any]) -> dict[str, Any]:
        endpoint = route_utils.update_example_values_to_use_public_url(_copy(endpoint))
        snippets = generate_code_snippets(
            name, endpoint, root, space_id=space_id, api_prefix=API_PREFIX + "/"
        )
        snippets["cli"] = cli[name].replace("{space_id}", space_id or root)
        return {**endpoint, "code_snippets": snippets}

    put("{")
    for i, (key, value) in enumerate(info.items()):
        put("," if i else "", _json(key), ":")
        if key != "named_endpoints":
            put(_json(route_utils.update_example_values_to_use_public_url(copy.deepcopy(value))))
            continue
        put("{")
        for j, (name, endpoint) in enumerate(value.items()):
            put("," if j else "", _json(name), ":", _json(prepared(name, endpoint)))
        put("}")
    put("}")
    parts.append(compressor.flush())
    return b"".join(parts)


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
