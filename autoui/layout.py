"""Which layout a page gets: a tab per operation, or the navigator.

Tabs show every form at once and switch without a server round trip, but every form is
in the page: the time Chromium needs before the page can be used grows with the number
of operations (here 1.2 s at 10, 2.2 s at 40, 7.3 s at 160). The navigator costs one
round trip per switch (~0.25 s) and the same to open at any size (~1.1 s).
`TABS_LIMIT` keeps a tab per operation for small APIs while their page still opens in
about 2 s (`benchmarks/layout.py`; docs/performance.md has the figures).
"""

from __future__ import annotations

from typing import Literal

from autoui.errors import ConfigError

Layout = Literal["auto", "tabs", "navigator"]
LAYOUTS: tuple[Layout, ...] = ("auto", "tabs", "navigator")
TABS_LIMIT = 40


def choose_layout(layout: str, operations: int) -> Layout:
    """`tabs` or `navigator`; `auto` picks tabs for up to TABS_LIMIT operations."""
    if layout not in LAYOUTS:
        raise ConfigError(f"layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    if layout == "auto":
        return "tabs" if operations <= TABS_LIMIT else "navigator"
    return layout
