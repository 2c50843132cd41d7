"""A call shown while it happens: elapsed time while waiting, text as a stream arrives,
and a way to stop it that really closes the connection.

The request runs in a worker thread; `updates()` hands out snapshots of the reply at
least every `tick` seconds. That keeps the caller (a Gradio generator) responsive: it is
never stuck inside a read, so it can be closed when the user presses Stop, and its
`finally` can call `close()`, which shuts the socket down under the worker. The API
then sees the client go away, as it would if a browser tab were closed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from autoui.dispatcher.client import Dispatcher
from autoui.dispatcher.reply import charset_of, content_type_of, media_type_of
from autoui.dispatcher.streams import EventReader, TextStream, is_stream
from autoui.mapper.plan import OperationPlan
from autoui.mapper.reply_data import Reply
from autoui.mapper.sent import scrub

log = logging.getLogger("autoui")

STOPPED = "stopped: the connection to the API was closed"
TICK = 0.5  # seconds between snapshots when nothing new has come


class Stopped(Exception):
    """The call was closed before its reply came."""


class LiveCall:
    def __init__(
        self,
        dispatcher: Dispatcher,
        plan: OperationPlan,
        values: Mapping[str, Any],
        session: str | None = None,
    ) -> None:
        """`session` (Gradio's session id) selects the credentials and server to use."""
        self._dispatcher = dispatcher
        self._plan = plan
        self._prepared, self.reply = dispatcher.prepare(plan, values, session)
        self._news: queue.Queue[str | None] = queue.Queue()  # stream text; None: done
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._response: requests.Response | None = None
        self._text: str | None = None  # a stream's text so far (whole events only)
        self._started = time.perf_counter()
        self._thread: threading.Thread | None = None
        if self._prepared is None:
            dispatcher.finish(plan, self.reply)
            self._news.put(None)
        else:
            self._thread = threading.Thread(target=self._run, name="autoui-call", daemon=True)
            self._thread.start()

    def updates(self, tick: float | None = TICK) -> Iterator[Reply]:
        """Snapshots while the call goes on (`done` False), then the final reply.

        With `tick` None, a snapshot is given only when more text has come.
        """
        text = None
        while True:
            try:
                news = self._news.get(timeout=tick)
            except queue.Empty:
                yield self._snapshot(text)
                continue
            if news is None:
                break
            text = news
            while not self._news.empty():  # take everything that has piled up
                latest = self._news.get_nowait()
                if latest is None:
                    self._news.put(None)
                    break
                text = latest
            yield self._snapshot(text)
        yield self.reply

    def close(self) -> None:
        """Stop the call: the connection is shut down, so the API sees the client leave."""
        self._closed.set()
        with self._lock:
            response = self._response
        if response is not None:
            _shut_down(response)

    def _snapshot(self, text: str | None) -> Reply:
        reply = dataclasses.replace(
            self.reply, done=False, elapsed=time.perf_counter() - self._started, notes=[]
        )
        if text is not None:
            withheld = reply.request.withheld if reply.request is not None else ()
            reply.kind, reply.primary = "stream", scrub(text, withheld)
        return reply

    def _run(self) -> None:
        assert self._prepared is not None
        try:
            with contextlib.suppress(Stopped):
                self._dispatcher.exchange(self._prepared, self.reply, listener=self)
            if self._closed.is_set():
                self.reply.error, self.reply.stopped = STOPPED, True
            self._dispatcher.finish(self._plan, self.reply)
            if self.reply.stopped and self._text is not None:
                # What came before Stop stays readable.
                self.reply.kind, self.reply.primary = "textbox", self._text
        except Exception as exc:  # a bug must end the call with a message, not hang it
            log.exception("autoui failed on %s", self._plan.operation.label)
            self.reply.error = f"autoui failed: {type(exc).__name__}: {exc}"
        finally:
            self.reply.elapsed = time.perf_counter() - self._started
            self._news.put(None)

    def opened(self, response: requests.Response) -> Callable[[bytes], None] | None:
        """The headers have come: remember the response (to close it) and, for a stream,
        pass its text on piece by piece."""
        with self._lock:
            self._response = response
        if self._closed.is_set():
            raise Stopped
        content_type = content_type_of(response.headers)
        media_type = media_type_of(content_type)
        if not is_stream(media_type) or response.status_code >= 400:
            return None
        reader = EventReader(media_type, charset_of(content_type))
        stream = TextStream()

        def on_chunk(chunk: bytes) -> None:
            if self._closed.is_set():
                raise Stopped
            before = stream.text
            for event in reader.feed(chunk):
                stream.add(event)
            if stream.text != before:
                self._text = stream.text
                self._news.put(stream.text)

        return on_chunk


def _shut_down(response: requests.Response) -> None:
    """Shut the response's socket down from another thread: a thread blocked reading it
    wakes up, and the server sees the connection end. (Closing the socket alone would do
    neither while the read is in progress.)"""
    with contextlib.suppress(Exception):  # already released, or never had a socket
        response.raw.shutdown()  # urllib3 >= 2.3
        return
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
