"""Python's memory around the building of a large app: the cyclic garbage collector
paused while it is built, what was built then kept out of its sight in a process that is
only an autoui server, and the C heap trimmed once the first clients are served.

Loading, planning and building a 1,000-operation spec create hundreds of thousands of
objects that all live as long as the app. While they are being created, the collector
keeps starting full collections (one each time the long-lived objects have grown by a
quarter), each walking every object so far, and none of them finds anything to free:
a third of the build time of Kubernetes' spec (0.36 of 0.99 s). Reference counting
still frees everything else meanwhile.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0  # builds under way (the page and, in the background, the API endpoints)
_was_enabled = False
_freezing = False


def freeze_after_builds(freezing: bool = True) -> None:
    """From now on, each build's objects are moved out of the collector's sight as it
    ends (`gc.freeze`), for a process that is only an autoui server (`autoui serve`).

    Otherwise the next full collection walks them all, a few seconds after the build,
    while the first clients are being answered: 0.13 s for Kubernetes' endpoints, a
    seventh of the time to a first gradio_client call. They live as long as the app, so
    there is nothing to find among them once the build's own garbage is collected. Not
    done for a library caller: freezing covers every object of the process, the
    caller's too.
    """
    global _freezing
    _freezing = freezing


def collect_dropped() -> None:
    """A full collection that includes the frozen objects, then a freeze of what is
    left: for `--reload`, whose previous app is dropped while its objects are frozen."""
    if _freezing:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No automatic collection inside; the collector's own state is restored after the
    last of overlapping pauses ends."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _freezing:
                # The build's garbage first (the page's: 100,000 objects, 6 MB, for
                # Kubernetes), which only a collection can free. What the build made is
                # all in the youngest generation (no collection ran), so this walks
                # only that: 0.03 s, where a full collection takes 0.12 s.
                gc.collect(0)
                gc.freeze()
            if _depth == 0 and _was_enabled:
                gc.enable()


def trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's `malloc_trim`; nothing
    elsewhere).

    Building the API endpoints and answering the first clients' requests for the API
    description (several MB of JSON at 1,000 operations, made and thrown away) leave
    free memory that glibc keeps in its heap: a Kubernetes server stayed 8-18 MB above
    what it uses. ctypes releases the GIL for the call.
    """
    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)
