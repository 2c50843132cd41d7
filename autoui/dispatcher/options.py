"""How autoui calls an API, as one frozen dataclass.

Built once by whoever starts autoui (`build_app` from its keywords, `autoui serve` from
its flags, `autoui.mount`) and passed down whole: to `autoui.app.make_dispatcher`, which
reads the start-up credentials and where calls may go, and to the `Dispatcher`, which
reads how calls are made. Credentials and headers stay out of its `repr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from autoui.dispatcher.sessions import DEFAULT_TTL
from autoui.dispatcher.transport import DEFAULT_RETRIES

DEFAULT_TIMEOUT = 60.0
DEFAULT_CONCURRENCY = 64
MAX_REPLY_BYTES = 256 * 1024 * 1024  # on disk; a bigger reply is refused
MEMORY_REPLY_BYTES = 32 * 1024 * 1024  # held in memory; a bigger one goes to a file


@dataclass(frozen=True)
class Options:
    """`build_app`'s keywords of the same names describe each (`autoui.app.build_app`)."""

    timeout: float = DEFAULT_TIMEOUT  # seconds for a whole call
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # sent with every call
    concurrency: int = DEFAULT_CONCURRENCY  # calls at once over all users; the pool's size
    retries: int = DEFAULT_RETRIES  # where a retry is safe (`dispatcher.transport`)
    memory_reply_bytes: int = MEMORY_REPLY_BYTES
    max_reply_bytes: int = MAX_REPLY_BYTES
    media_origins: tuple[str, ...] = ()  # where else a reply's pictures may be fetched from
    allow_origins: tuple[str, ...] = ()  # where else calls and redirects may go
    auth: Mapping[str, Any] | None = field(default=None, repr=False)  # start-up credentials
    auth_env: Mapping[str, str] | None = field(default=None, repr=False)  # AUTOUI_AUTH_*
    session_ttl: float = DEFAULT_TTL  # how long an idle session's credentials are kept
