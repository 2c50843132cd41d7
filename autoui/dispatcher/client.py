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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from autoui.dispatcher.curl import Secrets, form_secrets, sent_request
from autoui.dispatcher.media import fetch_media
from autoui.dispatcher.reply import Reply, decode, media_type_of
from autoui.dispatcher.request import build_request
from autoui.dispatcher.streams import is_stream
from autoui.dispatcher.transport import DEFAULT_RETRIES, Adapter, Deadline, deadline
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
        secrets: Secrets | None = None,
        media_origins: Iterable[str] = (),
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        """`secrets` names the credentials left out of the `curl` command shown with a
        reply (the `headers` given here always are); `media_origins` are origins besides
        the API's own from which a reply's image URLs may be fetched."""
        self.base_url = base_url
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.max_reply_bytes = max_reply_bytes
        self.secrets = (secrets or Secrets()) | Secrets(
            headers=frozenset(name.lower() for name in self.headers)
        )
        self.media_origins = frozenset(origin(url) for url in media_origins)
        self.session = requests.Session()
        self.session.cookies.set_policy(_NoCookies())
        adapter = Adapter(pool_size, retries)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def call(self, plan: OperationPlan, values: Mapping[str, Any]) -> Reply:
        """Never raises for a bad value or a failed call: the Reply carries the message."""
        prepared, reply = self.prepare(plan, values)
        if prepared is not None:
            self.exchange(prepared, reply)
        return self.finish(plan, reply)

    def prepare(
        self, plan: OperationPlan, values: Mapping[str, Any]
    ) -> tuple[requests.PreparedRequest | None, Reply]:
        """The request to send and the Reply it will fill, or (None, a Reply that says why
        the values cannot be sent)."""
        try:
            request = build_request(plan, values, self.base_url)
        except ValueProblem as exc:
            return None, Reply(plan.operation.method, plan.operation.label, error=str(exc))
        # The dispatcher's headers (`--header`) are defaults: a header the user filled in
        # for this operation wins. Header names are case-insensitive, so `x-team` from the
        # form must also shadow `X-Team` from the command line.
        given = {name.lower() for name in request.headers}
        for name, value in self.headers.items():
            if name.lower() not in given:
                request.headers[name] = value
        prepared = self.session.prepare_request(request)
        sent = sent_request(prepared, request, plan, values, self.secrets | form_secrets(plan))
        reply = Reply(prepared.method or plan.operation.method, sent.shown_url(), request=sent)
        return prepared, reply

    def exchange(
        self,
        prepared: requests.PreparedRequest,
        reply: Reply,
        listener: Listener | None = None,
    ) -> None:
        """Send and read the reply into `reply` (status, headers, content, or error).

        `listener` (a call shown live) learns of the response as soon as its headers
        arrive, and may ask to see the body's pieces as they come.
        """
        started = time.perf_counter()
        with deadline(self.timeout) as limit:
            self._exchange(prepared, reply, listener, limit)
        if limit.expired:  # whatever was read, it was cut short when time ran out
            where, waited = origin(reply.url), f"{self.timeout:g} s (raise it with --timeout)"
            reply.error = (
                f"no answer from {where} within {waited}"
                if reply.status is None
                else f"the reply from {where} was still arriving after {waited}"
            )
        reply.elapsed = time.perf_counter() - started

    def _exchange(
        self,
        prepared: requests.PreparedRequest,
        reply: Reply,
        listener: Listener | None,
        limit: Deadline,
    ) -> None:
        try:
            response = self._send(prepared, reply)
            if response is not None:
                with response:
                    reply.status, reply.reason = response.status_code, response.reason or ""
                    reply.headers = dict(response.headers)
                    if is_stream(media_type_of(response.headers.get("Content-Type", ""))):
                        limit.lift()  # a stream is limited by the pause between events
                    on_chunk = listener.opened(response) if listener is not None else None
                    reply.content = self._read(response, on_chunk)
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
        except _Broken as exc:
            reply.content = exc.partial
            reply.error = (
                f"the reply from {origin(reply.url)} broke off after {len(exc.partial):,} "
                "bytes: the connection was closed before the end"
            )
        except requests.exceptions.RequestException as exc:
            reply.error = f"the request to {origin(reply.url)} failed: {exc}"

    def finish(self, plan: OperationPlan, reply: Reply) -> Reply:
        """Decode what came back into what is shown, and log the call (without secrets)."""
        if reply.error is None:
            try:
                decode(reply, plan.outputs[0] if plan.outputs else Output("auto"), plan.fields)
            except RecursionError:  # JSON nested deeper than Python's parser can go
                reply.kind, reply.primary = "textbox", ""
                reply.error = f"the reply from {origin(reply.url)} is nested too deeply to read"
            else:
                fetch_media(self, reply)
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

    def _read(
        self, response: requests.Response, on_chunk: Callable[[bytes], None] | None = None
    ) -> bytes:
        """The body, up to the size cap; `on_chunk` sees each piece as soon as it arrives.

        requests reports a read timeout in the middle of a body as a ConnectionError
        ("cannot reach the API" would be wrong: it answered, then stalled), so that one
        is told apart here.
        """
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_reply_bytes:
            raise _TooBig(
                f"the reply would be {int(declared):,} bytes, over the "
                f"{self.max_reply_bytes:,}-byte limit; not read"
            )
        chunks, size = [], 0
        pieces = _arriving(response) if on_chunk is not None else response.iter_content(65536)
        try:
            for chunk in pieces:
                size += len(chunk)
                if size > self.max_reply_bytes:
                    raise _TooBig(f"the reply is over {self.max_reply_bytes:,} bytes; not shown")
                chunks.append(chunk)
                if on_chunk is not None:
                    on_chunk(chunk)
        except requests.exceptions.ConnectionError as exc:
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise _Stalled from exc
            raise _Broken(b"".join(chunks)) from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise _Broken(b"".join(chunks)) from exc
        return b"".join(chunks)


class Listener(Protocol):
    def opened(self, response: requests.Response) -> Callable[[bytes], None] | None:
        """Called when the response's headers have come; returns what to call with each
        piece of the body as it arrives, or None to read the body whole."""


def _arriving(response: requests.Response) -> Iterator[bytes]:
    """The body's pieces as they arrive. (`iter_content` would wait to fill its chunk
    size unless the reply is chunked, so a stream would appear all at once.)"""
    try:
        while chunk := response.raw.read1(65536, decode_content=True):
            yield chunk
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc


class _TooBig(Exception):
    pass


class _Stalled(Exception):
    """The reply began, then no more bytes came within the timeout."""


class _Broken(Exception):
    """The connection ended in the middle of the reply's body."""

    def __init__(self, partial: bytes) -> None:
        super().__init__()
        self.partial = partial


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
