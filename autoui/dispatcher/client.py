"""Sending requests for every user of one UI, through one shared connection pool.

The session keeps no cookies between calls: it is shared by everyone who opens the
page, so a `Set-Cookie` from one user's reply must never ride along on another
user's request. Redirects are followed only within the API's own origin, so a reply
cannot send a request (or its credentials) anywhere else.
"""

from __future__ import annotations

import http.cookiejar
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from autoui.dispatcher.reply import Reply, decode
from autoui.dispatcher.request import build_request
from autoui.dispatcher.values import ValueProblem
from autoui.mapper.plan import OperationPlan, Output

log = logging.getLogger("autoui")

DEFAULT_TIMEOUT = 60.0
MAX_REPLY_BYTES = 256 * 1024 * 1024
_MAX_REDIRECTS = 10


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Dispatcher:
    """Turns (plan, values) into a request to `base_url` and the reply into a `Reply`."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        pool_size: int = 64,
        max_reply_bytes: int = MAX_REPLY_BYTES,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.max_reply_bytes = max_reply_bytes
        self.session = requests.Session()
        self.session.cookies.set_policy(_NoCookies())
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def call(self, plan: OperationPlan, values: Mapping[str, Any]) -> Reply:
        """Never raises for a bad value or a failed call: the Reply carries the message."""
        output = plan.outputs[0] if plan.outputs else Output("auto")
        try:
            request = build_request(plan, values, self.base_url)
        except ValueProblem as exc:
            return Reply(plan.operation.method, plan.operation.label, error=str(exc))
        # The dispatcher's headers (`--header`) are defaults: a header the user filled in
        # for this operation wins. Header names are case-insensitive, so `x-team` from the
        # form must also shadow `X-Team` from the command line.
        given = {name.lower() for name in request.headers}
        for name, value in self.headers.items():
            if name.lower() not in given:
                request.headers[name] = value
        prepared = self.session.prepare_request(request)
        reply = Reply(prepared.method or plan.operation.method, prepared.url or "")
        started = time.perf_counter()
        try:
            response = self._send(prepared, reply)
            if response is not None:
                with response:
                    reply.status, reply.reason = response.status_code, response.reason or ""
                    reply.headers = dict(response.headers)
                    reply.content = self._read(response)
        except requests.exceptions.ConnectTimeout:
            reply.error = f"could not connect to {origin(reply.url)} within {self.timeout:g} s"
        except requests.exceptions.ConnectionError as exc:
            reply.error = _connection_message(reply.url, exc)
        except requests.exceptions.Timeout:
            reply.error = (
                f"no answer from {origin(reply.url)} within {self.timeout:g} s "
                "(raise it with --timeout)"
            )
        except _Stalled:
            reply.error = (
                f"the reply from {origin(reply.url)} stopped: nothing more came "
                f"within {self.timeout:g} s (raise it with --timeout)"
            )
        except _TooBig as exc:
            reply.error = str(exc)
        except requests.exceptions.RequestException as exc:
            reply.error = f"the request to {origin(reply.url)} failed: {exc}"
        reply.elapsed = time.perf_counter() - started
        if reply.error is None:
            decode(reply, output)
        log.info(
            "%s %s -> %s",
            reply.method,
            reply.url,
            reply.status if reply.status is not None else reply.error,
        )
        return reply

    def _send(self, prepared: requests.PreparedRequest, reply: Reply) -> requests.Response | None:
        """Send, following redirects only within the origin of the first URL."""
        home = origin(prepared.url or "")
        for _ in range(_MAX_REDIRECTS + 1):
            response = self.session.send(
                prepared, timeout=self.timeout, stream=True, allow_redirects=False
            )
            location = response.headers.get("Location")
            if not response.is_redirect or not location:
                return response
            target = urljoin(prepared.url or "", location)
            if origin(target) != home:
                response.close()
                reply.status, reply.reason = response.status_code, response.reason or ""
                reply.headers = dict(response.headers)
                reply.error = (
                    f"HTTP {response.status_code}: the API redirected to {target}, "
                    f"outside {home}; not followed"
                )
                return None
            prepared = _redirected(prepared, response.status_code, target)
            response.close()
        reply.error = f"more than {_MAX_REDIRECTS} redirects"
        return None

    def _read(self, response: requests.Response) -> bytes:
        """The body, up to the size cap.

        requests reports a read timeout in the middle of a body as a ConnectionError
        ("cannot reach the API" would be wrong: it answered, then stalled), so that one
        is told apart here.
        """
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if size > self.max_reply_bytes:
                    raise _TooBig(f"the reply is over {self.max_reply_bytes:,} bytes; not shown")
                chunks.append(chunk)
        except requests.exceptions.ConnectionError as exc:
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise _Stalled from exc
            raise
        return b"".join(chunks)


class _TooBig(Exception):
    pass


class _Stalled(Exception):
    """The reply began, then no more bytes came within the timeout."""


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


def _connection_message(url: str, exc: Exception) -> str:
    where = origin(url)
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return f"cannot reach the API at {where}: connection refused. Is it running?"
    if "Name or service not known" in text or "getaddrinfo" in text:
        return f"cannot reach the API at {where}: unknown host"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return f"the API at {where} closed the connection without answering"
    return f"cannot reach the API at {where}: {text[:200]}"
