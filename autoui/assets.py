"""Gradio's built front end, served from memory and compressed once.

A page's first load fetches some sixty JavaScript and CSS files (`/assets/<name>`),
at most six at a time (HTTP/1.1), so each one's time on the server adds up: Gradio
reads it in a worker thread and compresses it anew for every request (5-7 ms each for
the larger ones). Their names carry a hash of their content (Vite's build), so each is
read and gzipped once, kept, and sent with a year's `Cache-Control`, as any file with a
content-hashed name may be. Anything else goes to the app, as before.
"""

from __future__ import annotations

import gzip
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from gradio.route_utils import BUILD_PATH_LIB
from starlette.types import ASGIApp, Receive, Scope, Send

from autoui.mounted import kept_gzipped
from autoui.split import PAGE

FOLDER = Path(BUILD_PATH_LIB)
# A built file of a page served at the root or at `ui/` (`autoui.split`), by its name:
# `Index-DAYzeNnX.js`, `index-DiEEvXS6.css` (no folder, no "..").
_NAME = re.compile(rf"(?:/{PAGE})?/assets/([A-Za-z0-9_-]+-[A-Za-z0-9_-]{{8,12}}\.(?:js|css))")
_MAX_AGE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class _Asset:
    plain: bytes
    gzipped: bytes
    media_type: str


class Assets:
    """In front of `app`: a GET of a built front-end file is answered from memory."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._cache: dict[str, _Asset | None] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _NAME.fullmatch(scope.get("path", "")) if scope["type"] == "http" else None
        asset = self._asset(found.group(1)) if found and scope["method"] == "GET" else None
        if asset is None:
            await self.app(scope, receive, send)
            return
        headers = {"cache-control": _MAX_AGE}
        response = kept_gzipped(
            scope, asset.gzipped, lambda: asset.plain, asset.media_type, headers
        )
        await response(scope, receive, send)

    def _asset(self, name: str) -> _Asset | None:
        if name not in self._cache:
            with self._lock:
                if name not in self._cache:
                    self._cache[name] = _read(FOLDER / name)
        return self._cache[name]


def _read(path: Path) -> _Asset | None:
    try:
        plain = path.read_bytes()
    except OSError:  # not a file of the build: the app answers (404)
        return None
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return _Asset(plain, gzip.compress(plain, 9, mtime=0), media_type)
