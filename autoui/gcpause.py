"""Pausing Python's cyclic garbage collector while a large spec is turned into an app.

Loading, planning and building a 1,000-operation spec create hundreds of thousands of
objects that all live as long as the app. While they are being created, the collector
keeps starting full collections (one each time the long-lived objects have grown by a
quarter), each walking every object so far, and none of them finds anything to free:
a third of the build time of Kubernetes' spec (0.36 of 0.99 s). Reference counting
still frees everything else meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0  # builds under way (the page and, in the background, the API endpoints)
_was_enabled = False


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
            if _depth == 0 and _was_enabled:
                gc.enable()
