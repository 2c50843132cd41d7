"""Following a redirect as a browser does (303, and 301/302 after a POST, become a GET
without a body; 307 and 308 repeat the request), within the origins calls may go to, and
without the credentials when it leaves the request's origin. `Dispatcher._send` judges
each hop on the URL exactly as it will be sent.
"""

from __future__ import annotations

from collections.abc import Set

import requests

from autoui.dispatcher.origins import Origins, origin
from autoui.errors import OriginError


class Outside(OriginError):
    """A redirect to an origin that is not allowed."""


def _redirected(
    prepared: requests.PreparedRequest, status: int, target: str
) -> requests.PreparedRequest:
    """The next request of a redirect, as browsers do it: 303 (and 301/302 after a POST)
    become a GET without a body; 307 and 308 repeat the request."""
    follow = prepared.copy()
    follow.prepare_url(target, None)
    if status == 303 or (status in (301, 302) and prepared.method == "POST"):
        follow.method = "GET"
        follow.body = None
        for name in ("Content-Type", "Content-Length", "Transfer-Encoding"):
            follow.headers.pop(name, None)
    return follow


def follow(
    prepared: requests.PreparedRequest,
    status: int,
    target: str,
    origins: Origins,
    secret_headers: Set[str],
) -> requests.PreparedRequest:
    """The request that follows a redirect to `target`: without credentials when it
    leaves the origin (the headers `secret_headers` names are dropped). Raises
    OriginError when it may not be followed (`Outside` for an origin that is not
    allowed)."""
    here = origin(target)
    try:
        request = _redirected(prepared, status, target)
    except requests.exceptions.RequestException:
        raise OriginError(f"{target!r} is not a usable URL") from None
    if origin(request.url or "") != here:
        raise OriginError(f"{target!r} is read as different hosts by URL parsers")
    if here != origin(prepared.url or ""):
        if not origins.allows(request.url or ""):
            raise Outside(here)
        for name in list(request.headers):
            if name.lower() in secret_headers:
                del request.headers[name]
    return request
