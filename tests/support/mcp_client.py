"""A real MCP client session (the `mcp` package, streamable HTTP) for tests."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


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
