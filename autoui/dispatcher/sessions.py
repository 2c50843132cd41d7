"""Per-session state kept on the server: credentials, tokens, the chosen server.

One autoui server is shared by everyone who opens its page (and every gradio_client
that connects), so what one user types must never reach another user's requests. The
state is keyed by Gradio's session id (one per browser tab, one per `gradio_client`
`Client`), held in memory only (never written to disk, never logged), and dropped when
the session ends (the tab closes: Gradio's `unload` event) or has been idle for `ttl`
seconds (a gradio_client session has no `unload`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autoui.dispatcher.oauth import Token

DEFAULT_TTL = 3600.0
# A bound on memory whatever clients do: past it, the least recently used session goes.
MAX_SESSIONS = 10_000
_SWEEP_EVERY = 60.0


@dataclass(frozen=True, repr=False)
class Secret:
    """What was given for one scheme. Only the fields its kind uses are filled."""

    value: str = ""  # an API key, a bearer token, or an OAuth2 access token pasted in
    username: str = ""
    password: str = ""
    client_id: str = ""
    client_secret: str = ""
    scopes: tuple[str, ...] = ()

    def texts(self) -> list[str]:
        """The secret parts, for scrubbing them from messages."""
        return [t for t in (self.value, self.password, self.client_secret) if t]

    def __repr__(self) -> str:
        return "Secret(***)"


@dataclass(repr=False)
class SessionState:
    """One session's own settings. `lock` serialises token fetches within the session."""

    secrets: dict[str, Secret] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # why a scheme's token failed
    base_url: str | None = None
    touched: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __repr__(self) -> str:  # never print the secrets, even in a traceback
        return f"SessionState(schemes={sorted(self.secrets)}, base_url={self.base_url!r})"


class SessionStore:
    """`session id -> SessionState`, in memory, with an idle timeout."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
        max_sessions: int = MAX_SESSIONS,
    ):
        self.ttl = ttl
        self.clock = clock
        self.max_sessions = max_sessions
        self._states: dict[str, SessionState] = {}
        self._lock = threading.Lock()
        self._swept = clock()

    def get(self, session: str | None, *, create: bool = False) -> SessionState | None:
        """The session's state (refreshing its idle timer), or None; `create` makes one."""
        if not session:
            return None
        now = self.clock()
        with self._lock:
            self._sweep(now)
            state = self._states.get(session)
            if state is None and create:
                if len(self._states) >= self.max_sessions:
                    del self._states[min(self._states, key=lambda k: self._states[k].touched)]
                state = self._states[session] = SessionState()
            if state is not None:
                state.touched = now
            return state

    def forget(self, session: str | None) -> None:
        if session:
            with self._lock:
                self._states.pop(session, None)

    def __len__(self) -> int:
        with self._lock:
            self._sweep(self.clock())
            return len(self._states)

    def _sweep(self, now: float) -> None:
        if now - self._swept < min(_SWEEP_EVERY, self.ttl):
            return
        self._swept = now
        for key in [k for k, s in self._states.items() if now - s.touched > self.ttl]:
            del self._states[key]
