"""Sending requests for every user of one UI, through one shared connection pool.

The session keeps no cookies between calls: it is shared by everyone who opens the
page, so a `Set-Cookie` from one user's reply must never ride along on another
user's request. Every request must go to one of the API's origins (`origins.py`), and
redirects are followed only within the origin or to another allowed origin (then without
credentials), so a reply cannot send a request, or its credentials, anywhere else.

Each call belongs to a session (a browser tab or a gradio_client): its credentials and
chosen server come from the `SessionStore`, never from another session's.

One file, a little over 400 lines: it is one call's path (prepare, send hop by hop,
read, finish) over the state every step shares (the pool, the origins, the secrets to
scrub, the limits); the parts that stand alone are beside it (`body.py` reads a body
within its limits, `redirects.py` makes the next hop, `transport.py` retries).
"""

from __future__ import annotations

import http.cookiejar
import logging
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from autoui.dispatcher.auth import Applied, Authenticator, redact_library_logs
from autoui.dispatcher.body import Broken, Listener, Stalled, TooBig, read_body, spooled
from autoui.dispatcher.curl import form_secrets, sent_request, spec_secrets
from autoui.dispatcher.media import fetch_media
from autoui.dispatcher.options import Options
from autoui.dispatcher.origins import Origins, ServerChoice, origin
from autoui.dispatcher.raw import raw_body
from autoui.dispatcher.redirects import Outside, follow
from autoui.dispatcher.reply import (
    decode,
    media_type_of,
    partial_stream,
)
from autoui.dispatcher.request import build_request
from autoui.dispatcher.sessions import SessionStore
from autoui.dispatcher.streams import is_stream
from autoui.dispatcher.transport import Adapter, Deadline, Session, deadline
from autoui.dispatcher.values import (
    FileValue,
    Uploads,
    ValueProblem,
    file_name,
    file_url,
    media_type_of_name,
    not_uploaded,
    stand_in,
)
from autoui.errors import AuthProblem, OriginError
from autoui.ir import Server
from autoui.mapper.plan import Field, OperationPlan, Output
from autoui.mapper.reply_data import Reply
from autoui.mapper.sent import Secrets, redact_url, scrub, scrub_bytes

log = logging.getLogger("autoui")

_MAX_REDIRECTS = 10


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def _where(url: str) -> str:
    """The origin of `url`, for a message (the URL itself if it has none)."""
    try:
        return origin(url)
    except OriginError:
        return url


class Dispatcher:
    """Turns (plan, values) into a request to `base_url` and the reply into a `Reply`."""

    def __init__(
        self,
        base_url: str,
        options: Options | None = None,
        *,
        spool_dir: str | None = None,
        secrets: Secrets | None = None,
        servers: ServerChoice | None = None,
        auth: Authenticator | None = None,
        uploads: Iterable[str] = (),
    ) -> None:
        """`options` says how calls are made (`dispatcher.options`): its `headers` go with
        every call and are left out of the `curl` command shown with a reply, as are the
        credentials `secrets` names; its `media_origins` are origins besides the API's own
        from which a reply's image URLs (and files given by URL) may be fetched.
        `servers` says where calls may go (default: `base_url`'s origin only); `auth`
        adds each session's credentials. Replies over `options.memory_reply_bytes` go to
        a file in `spool_dir`. File fields send only files inside the `uploads` folders
        (the page server's upload folder) or fetched from those origins."""
        options = options or Options()
        self.timeout = options.timeout
        self.headers = dict(options.headers)
        self.max_reply_bytes = options.max_reply_bytes
        self.memory_reply_bytes = options.memory_reply_bytes
        self.spool_dir = spool_dir
        self.uploads = Uploads(tuple(uploads))
        self.sessions = auth.sessions if auth else SessionStore()
        self.auth = auth
        self._given_servers = servers
        self.base_url = base_url
        self.secrets = (
            (secrets or Secrets())
            | Secrets(headers=frozenset(name.lower() for name in self.headers))
            | (spec_secrets(auth.api) if auth else Secrets())
        )
        self.media_origins = Origins()
        for url in options.media_origins:
            self.media_origins.add(url)
        redact_library_logs()
        self.session = Session()
        self.session.cookies.set_policy(_NoCookies())
        adapter = Adapter(options.concurrency, options.retries)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        """Also where calls may go, unless the servers were given (`autoui.mount` learns
        its base URL from the first request, after the dispatcher is made)."""
        self._base_url = url
        self.servers = self._given_servers or _pinned(url)
        if self.auth is not None:
            self.auth.base_url = url

    def server_of(self, session: str | None) -> str:
        """The base URL this session's calls go to (an operation's own servers aside)."""
        state = self.sessions.get(session)
        return state.base_url if state is not None and state.base_url else self.base_url

    def choose_server(
        self, session: str | None, index: int, variables: Mapping[str, str] | None = None
    ) -> str:
        """Point this session at server `index` of the choices; raises OriginError."""
        url = self.servers.expand(index, dict(variables or {}))
        state = self.sessions.get(session, create=True)
        if state is not None:
            state.base_url = url
        return url

    def may_fetch(self, url: str) -> bool:
        """Whether autoui may GET `url` for a page user (a picture a reply points at, a
        file given by URL): on the API's origins or one allowed with `--media-origin`."""
        return self.servers.origins.allows(url) or self.media_origins.allows(url)

    def fetch(self, url: str, what: str) -> bytes | str:
        """The bytes at `url`, or a message about `what` saying why there are none.

        A GET without credentials, sent only if `may_fetch` the URL as given and as
        prepared (right before sending), no redirect followed, at most
        `memory_reply_bytes`, within the timeout; logged like a call.
        """
        if not self.may_fetch(url):
            return f"{what} at {url} is not on the API's origins; not fetched"
        limit = self.memory_reply_bytes
        try:
            prepared = self.session.prepare_request(requests.Request("GET", url))
            if not self.may_fetch(prepared.url or ""):
                return f"{what} at {url} is not on the API's origins; not fetched"
            with deadline(self.timeout):
                response = self.session.send(
                    prepared, timeout=self.timeout, stream=True, allow_redirects=False
                )
                with response:
                    log.info("GET %s -> %s (%s)", prepared.url, response.status_code, what)
                    if response.status_code != 200:
                        return f"{what} at {url} answered HTTP {response.status_code}"
                    content = response.raw.read(limit + 1, decode_content=True)
        except (requests.exceptions.RequestException, ProtocolError, ReadTimeoutError) as exc:
            return f"{what} at {url} could not be fetched: {type(exc).__name__}"
        if len(content) > limit:
            return f"{what} at {url} is over {limit:,} bytes; not read"
        return content

    def _open_file(self, field: Field, value: Any) -> FileValue:
        """A file field's value as bytes: a file uploaded to the page server, or one
        fetched from the API's origins; anything else is refused (`values.Uploads`)."""
        url = file_url(value)
        if url is None:
            return self.uploads.open(field, value)
        if not self.may_fetch(url):
            raise ValueProblem(field, not_uploaded(url))
        content = self.fetch(url, "the file")
        if isinstance(content, str):
            raise ValueProblem(field, content)
        name = file_name(value, urlsplit(url).path) or "file"
        return FileValue(name, content, media_type_of_name(name))

    def call(
        self, plan: OperationPlan, values: Mapping[str, Any], session: str | None = None
    ) -> Reply:
        """Never raises for a bad value or a failed call: the Reply carries the message.

        `session` (Gradio's session id) selects the credentials and the server to use.
        """
        prepared, reply = self.prepare(plan, values, session)
        if prepared is not None:
            self.exchange(prepared, reply)
        return self.finish(plan, reply)

    def prepare(
        self, plan: OperationPlan, values: Mapping[str, Any], session: str | None = None
    ) -> tuple[requests.PreparedRequest | None, Reply]:
        """The request to send and the Reply it will fill, or (None, a Reply that says why
        the values cannot be sent)."""
        operation = plan.operation
        base = self.servers.base_for(operation, self.server_of(session))
        try:
            request = build_request(plan, values, base, self._open_file)
        except ValueProblem as exc:
            return None, Reply(operation.method, operation.label, error=str(exc))
        # The dispatcher's headers (`--header`) are defaults: a header the user filled in
        # for this operation wins. Header names are case-insensitive, so `x-team` from the
        # form must also shadow `X-Team` from the command line.
        given = {name.lower() for name in request.headers}
        for name, value in self.headers.items():
            if name.lower() not in given:
                request.headers[name] = value
        try:
            applied = self.auth.apply(request, operation, session) if self.auth else Applied()
            prepared = self.session.prepare_request(request)
            self.servers.origins.check(prepared.url or "")
        except (AuthProblem, OriginError) as exc:
            return None, Reply(operation.method, operation.label, error=str(exc))
        startup = applied.startup + list(self.headers.values())
        secrets = self.secrets | form_secrets(plan) | applied.names
        sent = sent_request(prepared, request, plan, values, secrets, withheld=startup)
        reply = Reply(prepared.method or operation.method, sent.shown_url(), request=sent)
        reply.sent_secrets = applied.secrets + list(self.headers.values())
        # No credential went along: a 401 or 403 gets a hint (`Authenticator.hint`).
        authorized = "Authorization" in prepared.headers or bool(applied.secrets)
        reply.credentials_missing = not applied.satisfied or not authorized
        if operation.body is not None and raw_body(values, stand_in) is not None:
            reply.notes.append("the raw body was sent, in place of the form's body fields")
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
            where, waited = _where(reply.url), f"{self.timeout:g} s (raise it with --timeout)"
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
                    body = read_body(
                        response,
                        self.max_reply_bytes,
                        self.memory_reply_bytes,
                        self.spool_dir,
                        on_chunk,
                    )
                    if isinstance(body, Path):
                        spooled(reply, body, self.memory_reply_bytes)
                    else:
                        reply.content = body
        except requests.exceptions.ConnectTimeout:
            reply.error = f"could not connect to {_where(reply.url)} within {self.timeout:g} s"
        except requests.exceptions.ConnectionError as exc:
            reply.error = _connection_message(reply.url, exc)
        except requests.exceptions.Timeout:
            reply.error = (
                f"no answer from {_where(reply.url)} within {self.timeout:g} s "
                "(raise it with --timeout)"
            )
        except Stalled as exc:
            reply.content = exc.partial
            reply.error = (
                f"the reply from {_where(reply.url)} stopped: nothing more came "
                f"within {self.timeout:g} s (raise it with --timeout)"
            )
        except TooBig as exc:
            reply.error = str(exc)
        except Broken as exc:
            reply.content = exc.partial
            reply.error = (
                f"the reply from {_where(reply.url)} broke off after {exc.size:,} "
                "bytes: the connection was closed before the end"
            )
        except requests.exceptions.RequestException as exc:
            reply.error = f"the request to {_where(reply.url)} failed: {exc}"
        except OriginError as exc:
            reply.error = str(exc)

    def finish(self, plan: OperationPlan, reply: Reply) -> Reply:
        """Log the call (without secrets), then decode what came back into what is
        shown, fetching the pictures it declares (each logged after it).

        The operator's start-up credentials are taken out of the reply first: an API
        that echoes what it was sent (httpbin's `/headers`) must not show them to a
        page user.
        """
        if reply.error is not None:
            reply.error = scrub(reply.error, reply.sent_secrets)
        log.info(
            "%s %s -> %s",
            reply.method,
            reply.url,
            reply.status if reply.status is not None else reply.error,
        )
        withheld = reply.request.withheld if reply.request is not None else ()
        if withheld:
            reply.content = scrub_bytes(reply.content, withheld)
            reply.headers = {name: scrub(value, withheld) for name, value in reply.headers.items()}
        if reply.error is None and reply.body_file is None:
            try:
                decode(reply, plan.outputs[0] if plan.outputs else Output("auto"), plan.fields)
            except RecursionError:  # JSON nested deeper than Python's parser can go
                reply.kind, reply.primary = "textbox", ""
                reply.error = f"the reply from {_where(reply.url)} is nested too deeply to read"
            else:
                fetch_media(self, plan, reply)
        elif reply.content and reply.body_file is None:
            partial_stream(reply)  # a stream that broke off: the text that came stays
        if reply.status in (401, 403) and reply.credentials_missing and self.auth is not None:
            hint = self.auth.hint(plan.operation)
            reply.error = f"{reply.error or f'HTTP {reply.status}'} ({hint})"
        if reply.error is not None:
            reply.error = scrub(reply.error, reply.sent_secrets)
        return reply

    def _send(self, prepared: requests.PreparedRequest, reply: Reply) -> requests.Response | None:
        """Send, following redirects within the origin, or to another allowed origin
        without the credentials; any other redirect is reported, not followed.

        Every hop is judged by the origins' rule on the URL exactly as it is sent, right
        before it is sent; a redirect is logged with where it points.
        """
        shown_url = reply.url  # the URL being sent, as a log line may show it
        for _ in range(_MAX_REDIRECTS + 1):
            self.servers.origins.check(prepared.url or "")
            response = self.session.send(
                prepared, timeout=self.timeout, stream=True, allow_redirects=False
            )
            location = response.headers.get("Location")
            if not response.is_redirect or not location:
                return response
            response.close()
            target = urljoin(prepared.url or "", location)
            shown = scrub(redact_url(target, self.secrets.query), reply.sent_secrets)
            log.info(
                "%s %s -> %s, redirected to %s",
                prepared.method,
                shown_url,
                response.status_code,
                shown,
            )
            try:
                secret = self.secrets.headers | (
                    reply.request.secrets.headers if reply.request else set()
                )
                prepared = follow(
                    prepared, response.status_code, target, self.servers.origins, secret
                )
            except OriginError as exc:
                reply.status, reply.reason = response.status_code, response.reason or ""
                reply.headers = dict(response.headers)
                reason = scrub(str(exc), reply.sent_secrets)
                reply.error = f"HTTP {response.status_code}: the API redirected to " + (
                    f"{shown}, outside {_where(prepared.url or '')}; not followed"
                    if isinstance(exc, Outside)
                    else f"a URL autoui does not follow: {reason}"
                )
                return None
            shown_url = shown
        reply.error = f"more than {_MAX_REDIRECTS} redirects"
        return None


def _pinned(url: str) -> ServerChoice:
    """One server, `url`, and its origin the only one allowed (none if `url` has none)."""
    try:
        origins = Origins({origin(url)})
    except OriginError:
        origins = Origins()
    return ServerChoice([Server(url)], origins, pinned=True)


def _connection_message(url: str, exc: Exception) -> str:
    where = _where(url)
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return f"cannot reach the API at {where}: connection refused. Is it running?"
    if "Name or service not known" in text or "getaddrinfo" in text:
        return f"cannot reach the API at {where}: unknown host"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return f"the API at {where} closed the connection without answering"
    return f"cannot reach the API at {where}: {text[:200]}"
