"""Exceptions that carry a one-line message a user can act on.

Every error autoui raises on purpose names *what* went wrong and *where* (the spec
source, a JSON pointer, a field), so the CLI can print it as one line and the UI can
show it without a traceback.
"""

from __future__ import annotations


class AutouiError(Exception):
    """Base class: `str(err)` is the complete, user-facing, one-line message."""


class SpecError(AutouiError):
    """The OpenAPI document cannot be used at all (unreadable, not OpenAPI, too big)."""

    MAX_REASON = 300  # a reason quoting a hostile document must still be one short line

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        reason = " ".join(reason.split())
        if len(reason) > self.MAX_REASON:
            reason = reason[: self.MAX_REASON - 1] + "…"
        self.reason = reason
        super().__init__(f"cannot load {source}: {reason}")


class ConfigError(AutouiError):
    """A value given on the command line or to `build_app` is not usable."""


class OriginError(AutouiError, ValueError):
    """A URL autoui will not send a request to; the message says why and what to do."""


class AuthProblem(AutouiError, ValueError):
    """A credential that cannot be used; the message names the scheme, never the value."""
