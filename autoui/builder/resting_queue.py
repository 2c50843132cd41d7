"""Gradio's queue, resting when nothing has happened for a while.

Gradio's queue looks for a new event every millisecond (`Queue.sleep_when_free`, 1 ms
on Linux, Gradio 6.31), busy or not: an idle server (autoui's, or an empty Gradio page)
used 3.6-3.9% of a core doing nothing, on a laptop that runs autoui all day. Gradio's
loops read their intervals before each sleep, so here they are Gradio's while the queue
has events or jobs and for `RESTLESS` seconds after, and longer then: the first event
after a quiet spell waits up to `RESTING` more to start (and its first progress update
up to `RESTING_PROGRESS`), every later one as before (`benchmarks/idle.py` measures
both). Waking the loop when an event comes, rather than shortening its sleeps, would
mean rewriting Gradio's loop.
"""

from __future__ import annotations

import time
from typing import Any

from gradio.queueing import Queue

RESTLESS = 2.0  # seconds of quiet before the queue rests
RESTING = 0.01  # seconds between looks for an event while resting (100 a second)
RESTING_PROGRESS = 0.1  # and for progress to send (Gradio: every 10 ms)


class _Interval:
    """One of Gradio's look-again intervals: Gradio's own while the queue is busy (set
    by Gradio's `Queue.__init__`), at least `resting` seconds once it is quiet."""

    def __init__(self, resting: float) -> None:
        self.resting = resting

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, queue: RestingQueue | None, owner: type | None = None) -> Any:
        if queue is None:
            return self
        gradio_s = float(queue.__dict__[self.name])
        return max(gradio_s, self.resting) if queue.resting() else gradio_s

    def __set__(self, queue: RestingQueue, value: float) -> None:
        queue.__dict__[self.name] = value


class RestingQueue(Queue):
    """A `Queue` whose look-again intervals grow once it has been quiet for a while."""

    sleep_when_free = _Interval(RESTING)
    progress_update_sleep_when_free = _Interval(RESTING_PROGRESS)
    _busy_until = 0.0

    def resting(self) -> bool:
        now = time.monotonic()
        if len(self) or any(job is not None for job in self.active_jobs):
            self._busy_until = now + RESTLESS
        return now >= self._busy_until


def rest_when_quiet(queue: Queue) -> None:
    """Make `queue` (made by `gr.Blocks()`) a `RestingQueue`."""
    if not isinstance(queue, RestingQueue):
        queue.__class__ = RestingQueue
