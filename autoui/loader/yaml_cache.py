"""Parsed YAML documents kept on disk, keyed by a hash of their bytes.

Large specs are mostly YAML (OpenAI's is 3 MB), and PyYAML, even with libyaml, takes
about a second to build one (a JSON document of that size takes 0.1-0.2 s); the same
document is loaded again at every `autoui serve`, `--reload` and `inspect`. The parsed
tree (already checked for depth and alias expansion) is kept as a pickle, which Python
reads back several times faster. No YAML parser that is both faster and as well kept
as PyYAML was found (yaml-rs parses OpenAI's spec in 0.05 s, but it reads YAML 1.2, not
PyYAML's 1.1, and is a young single-author package): a cache changes nothing in what a
document means.

A pickle can run code when it is read, so a cache file is read only from a folder that
belongs to this user and that no one else can write to (mode 0700), only if the file is
this user's and not writable by others: whoever could write there could already change
the user's own Python files. `AUTOUI_CACHE_DIR` moves the folder; set it empty to turn
the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("autoui")

# Smaller documents parse faster than a cache file is found and read.
MIN_BYTES = 256 * 1024
MAX_FILES = 32  # the oldest go first
_FORMAT = "1"  # bump when what is cached changes (the checks before caching, say)


def cached(data: bytes, parse: Callable[[], Any]) -> Any:
    """`parse()`'s result for `data`, from the cache when it holds it (else parsed, and
    kept). A document `parse` refuses (it raises) is never kept."""
    folder = _folder() if len(data) >= MIN_BYTES else None
    if folder is None:
        return parse()
    key = hashlib.sha256(data).hexdigest()
    path = folder / f"{key}-{yaml.__version__}-{_FORMAT}.pickle"
    document = _read(path)
    if document is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by _trim
        return document[0]
    document = parse()
    _write(folder, path, document)
    return document


def _folder() -> Path | None:
    """The cache folder, created private if absent; None when off or not private."""
    setting = os.environ.get("AUTOUI_CACHE_DIR")
    if setting == "":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(setting) if setting else Path(base) / "autoui" / "yaml"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        log.debug("autoui: not using the YAML cache in %s: others may write there", folder)
        return None
    return folder


def _read(path: Path) -> tuple[Any] | None:
    """(document,) from `path`, or None when it is absent, not ours alone, or unreadable."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                return None
            if info.st_mode & 0o022:
                return None
            return (pickle.load(handle),)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: parse again, and replace it
        log.debug("autoui: YAML cache file %s unreadable (%s)", path, exc)
        return None


def _write(folder: Path, path: Path, document: Any) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(document, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, RecursionError) as exc:
        log.debug("autoui: could not keep the parsed document in %s (%s)", folder, exc)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _trim(folder)


def _trim(folder: Path) -> None:
    """At most MAX_FILES documents: the least recently used go (a hit touches its file)."""
    with contextlib.suppress(OSError):  # another process may remove a file first
        files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[MAX_FILES:]:
            old.unlink()
