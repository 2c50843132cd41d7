"""Fake model servers that follow the real servers' rules, for judging autoui's UI.

One module per server: `openai` (also LocalAI's flavour of the protocol), `ollama`,
`tgi`, `tei`, `a1111`, `kserve` (KServe V2 / MLServer, and the open inference
protocol's text generation) and `torchserve`. Each serves the corpus's real spec (read
from `../shared/specs` at test time, see `specs`), answers the operations a user
reaches for first with replies computed from the request (`synth`), enforces the real
server's validation with its real error shapes (each rule cites the server's source),
and records every request it receives (`recording.Recorder`).

`serve_model_server(name)` runs one on loopback; the pytest plugin
`support.model_servers.fixtures` gives tests a `model_server` fixture.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from support.servers import serve_asgi

from . import a1111, kserve, ollama, openai, tei, tgi, torchserve
from .recording import Recorded, Recorder
from .specs import SpecsMissing, require_specs

__all__ = ["FAKES", "SPEC_URLS", "Recorded", "Recorder", "SpecsMissing", "serve_model_server"]

FAKES: dict[str, Callable[[], Any]] = {
    "openai": openai.create_app,
    "localai": openai.create_localai_app,
    "ollama": ollama.create_app,
    "tgi": tgi.create_app,
    "tei": tei.create_app,
    "a1111": a1111.create_app,
    "kserve": kserve.create_app,
    "torchserve": torchserve.create_app,
}

# Where each fake serves the spec a user points autoui at (relative to its base URL).
SPEC_URLS: dict[str, str] = {
    "openai": "/openapi.json",
    "localai": "/localai/swagger.json",
    "ollama": "/openapi.json",
    "tgi": "/openapi.json",
    "tei": "/openapi.json",
    "a1111": "/openapi.json",
    "kserve": "/openapi.json",
    "torchserve": "/openapi.json",
}

_NEEDS_CORPUS = set(FAKES) - {"a1111"}


@contextlib.contextmanager
def serve_model_server(name: str) -> Iterator[tuple[str, Recorder]]:
    """Run the fake `name` on a loopback port: yield (base URL, its recorder)."""
    if name in _NEEDS_CORPUS:
        require_specs()
    app = FAKES[name]()
    with serve_asgi(app) as url:
        yield url, app.state.recorder
