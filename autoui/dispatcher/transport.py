"""The connection layer under the dispatcher: which failures are retried, and a deadline
for a whole call.

**Retries** are urllib3's `Retry`, mounted on the session's adapter, with one rule: a
request is sent again only when that cannot do harm.

- The connection was refused or never opened: the API saw nothing, so any method is
  retried (this is what carries a call over an API that is restarting).
- The API closed the connection before answering, or answered 502/503/504: retried for
  idempotent methods only (GET, HEAD, PUT, DELETE, OPTIONS, TRACE); a POST may already
  have done its work. One exception, the rule browsers follow: a first attempt that went
  over a kept-alive connection and got no byte back is sent again once, whatever its
  method, because a server closing an idle connection just as the request leaves (uvicorn
  closes them after 5 s) is by far the likeliest cause, and then the API saw nothing.
- 429/503 (or 413) with a `Retry-After` of at most `MAX_RETRY_AFTER` seconds: retried
  after that wait, for any method, because the API said it did nothing and when to come
  back. A longer or unreadable `Retry-After` is not waited for: the user sees the reply.
- A timeout is never retried: the user already waited `--timeout` seconds once.

**Redirects** are never followed by requests (`Session`): the dispatcher judges each.

**The deadline.** `requests` limits each socket read, not a whole call, so an API that
sends its answer a byte at a time (headers included) would hold a worker forever. A
`Deadline` shuts down the sockets of the call that owns it when its time is up; the
blocked read then fails and the dispatcher reports the timeout.
"""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

DEFAULT_RETRIES = 2
MAX_RETRY_AFTER = 10.0
BACKOFF_FACTOR = 0.5  # waits 0 s, 1 s, 2 s, ... between attempts (urllib3's formula)

_local = threading.local()


class Deadline:
    """A limit on the wall-clock time of one call, enforced by closing its sockets."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._lifted = False
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._ends = time.monotonic() + seconds
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return float("inf") if self._lifted else self._ends - time.monotonic()

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            if self._lifted:
                return
            self._connections.append(connection)
            if self.expired:
                _shut(connection)

    def lift(self) -> None:
        """No limit from now on (a stream may run for as long as it keeps sending). Also
        what ends a deadline: a late timer must not close a connection back in the pool."""
        with self._lock:
            self._lifted = True
            self._connections.clear()
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            if self._lifted:
                return
            self.expired = True
            for connection in self._connections:
                _shut(connection)


def _shut(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """The connections this thread uses inside the block are closed after `seconds`."""
    current = Deadline(seconds)
    _local.deadline = current
    try:
        yield current
    finally:
        current.lift()
        _local.deadline = None


def _current() -> Deadline | None:
    return getattr(_local, "deadline", None)


class _Watched:
    """Registers the connection with the calling thread's deadline on every request."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        current = _current()
        if current is not None:
            current.watch(self)  # type: ignore[arg-type]
        _local.reused = self.sock is not None  # type: ignore[attr-defined]
        return super().request(*args, **kwargs)  # type: ignore[misc]

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        current = _current()
        if current is not None and current.expired:
            _shut(self)  # type: ignore[arg-type]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class RetryPolicy(Retry):
    """urllib3's Retry with the rules in the module docstring."""

    def __init__(self, total: Any = DEFAULT_RETRIES, **kwargs: Any) -> None:
        kwargs.setdefault("status_forcelist", (502, 503, 504))
        kwargs.setdefault("backoff_factor", BACKOFF_FACTOR)
        kwargs.setdefault("raise_on_status", False)
        kwargs.setdefault("respect_retry_after_header", True)
        kwargs.setdefault("other", 0)
        super().__init__(total=total, **kwargs)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # Only the status and the presence of Retry-After are known here; `increment`
        # looks at its value.
        if has_retry_after and status_code in self.RETRY_AFTER_STATUS_CODES:
            return bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)

    def increment(  # type: ignore[override]
        self, method: str | None = None, url: str | None = None, **kwargs: Any
    ) -> Retry:
        """The next state, or `_give_up` when this failure must not be retried."""
        response, error = kwargs.get("response"), kwargs.get("error")
        if error is not None and _timed_out(error):
            _give_up(url, kwargs)
        wait = None
        if response is not None and error is None and not response.get_redirect_location():
            wait = retry_after(response.headers.get("Retry-After"))
            if response.status not in self.RETRY_AFTER_STATUS_CODES:
                wait = None
            if wait is None and not self._is_method_retryable(method or ""):
                _give_up(url, kwargs)
        # A first attempt over a kept-alive connection that got nothing back (see above).
        _local.stale = (
            isinstance(error, ProtocolError)
            and not self.history
            and getattr(_local, "reused", False)
        )
        try:
            following = super().increment(method, url, **kwargs)
        finally:
            _local.stale = False
        pause = wait if wait is not None else following.get_backoff_time()
        current = _current()
        if pause > MAX_RETRY_AFTER or (current is not None and pause >= current.remaining()):
            _give_up(url, kwargs)  # the wait would outlast the call's deadline
        return following

    def _is_method_retryable(self, method: str) -> bool:
        return getattr(_local, "stale", False) or super()._is_method_retryable(method)

    def get_retry_after(self, response: Any) -> float | None:
        return retry_after(response.headers.get("Retry-After"))


def _give_up(url: str | None, kwargs: dict[str, Any]) -> NoReturn:
    """End the retries: re-raise the error as requests expects it, or, for a reply, raise
    MaxRetryError, which makes urllib3 hand that reply over (`raise_on_status=False`)."""
    error = kwargs.get("error")
    if isinstance(error, (ReadTimeoutError, ProtocolError)):
        raise error
    pool = kwargs.get("_pool")
    raise MaxRetryError(pool, url or "", error or ResponseError("not retried"))  # type: ignore[arg-type]


def _timed_out(error: Exception) -> bool:
    """A read timeout, or a connect timeout (a refused connection is not one, although
    urllib3's NewConnectionError derives from ConnectTimeoutError)."""
    return isinstance(error, ReadTimeoutError) or (
        isinstance(error, ConnectTimeoutError) and not isinstance(error, NewConnectionError)
    )


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` value (seconds or an HTTP date), or None when
    it is absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Session(requests.Session):
    """A `requests.Session` that never works out a redirect itself: autoui follows each
    one by its own rule (`Dispatcher._send`). requests otherwise prepares the next
    request of every redirect reply even when told not to follow it (for
    `Response.next`), parsing a Location that may be hostile, and raising on some."""

    def resolve_redirects(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        return iter(())


class Adapter(HTTPAdapter):
    """requests' adapter with the retry policy and connections that obey a `Deadline`."""

    def __init__(self, pool_size: int, retries: int = DEFAULT_RETRIES) -> None:
        super().__init__(
            pool_connections=4, pool_maxsize=pool_size, max_retries=RetryPolicy(retries)
        )

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
