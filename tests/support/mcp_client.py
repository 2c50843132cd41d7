"""A real MCP client session (the `mcp` package, streamable HTTP) for tests."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from support.servers import free_port, run_process


def session(url: str, work: Any) -> Any:
    """Run `work(session)` in an initialised MCP client session to `url`."""

    async def run() -> Any:
        async with (
            streamable_http_client(url) as (read, write, _),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            return await work(client)

    # In a thread of its own: Playwright's sync API (the browser tests) keeps an event
    # loop running in the main thread for the whole session.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


@contextlib.contextmanager
def serve_mcp(spec_url: str, config: Path) -> Iterator[str]:
    """`autoui serve SPEC --mcp --config CONFIG` on a free port; yields the page's URL."""
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", spec_url]
    args += ["--port", str(port), "--mcp", "--config", str(config)]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}/"
