"""The server's memory after a large build (`autoui.gcpause`)."""

from __future__ import annotations

import gc
import weakref

from autoui.gcpause import collect_dropped, freeze_after_builds, paused_gc, trim_heap


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmRSS"))
    return int(kb) / 1024


def test_trim_heap_gives_freed_memory_back_to_the_system() -> None:
    """What a large build leaves behind: many blocks freed between ones still in use,
    which glibc keeps in its heap (RSS stays up) until `malloc_trim`."""
    blocks = [bytearray(4000) for _ in range(50_000)]  # ~200 MB, in glibc's heap
    kept = blocks[::10]
    del blocks
    gc.collect()
    before = rss_mb()
    trim_heap()
    after = rss_mb()
    assert len(kept) == 5_000
    assert before - after > 100, (before, after)


class _Node:
    me: _Node | None = None


def test_a_server_s_builds_are_kept_out_of_the_collector_s_sight() -> None:
    """In `autoui serve`, what a build made is frozen as the build ends, so that no full
    collection walks it again, once the build's own garbage is collected; what a reload
    drops is collected all the same."""
    freeze_after_builds()
    try:
        with paused_gc():
            kept = [_Node() for _ in range(1000)]
            dropped = _Node()
            dropped.me = dropped  # a cycle: only the collector can free it
            probe = weakref.ref(dropped)
            garbage = _Node()
            garbage.me = garbage
            gone = weakref.ref(garbage)
            del garbage
        assert gone() is None
        del dropped
        assert gc.get_freeze_count() >= 1001
        gc.collect()
        assert probe() is not None  # frozen: out of the collector's sight
        collect_dropped()
        assert probe() is None
        assert gc.get_freeze_count() >= len(kept)
    finally:
        freeze_after_builds(False)
        gc.unfreeze()


def test_a_library_caller_s_objects_are_not_frozen() -> None:
    gc.unfreeze()
    with paused_gc():
        made = [_Node() for _ in range(100)]
    assert gc.get_freeze_count() == 0
    assert len(made) == 100
