"""The page's socket (`autoui.serve.listen`), as uvicorn serves it: through asyncio's
`create_server(sock=...)`, on a real loopback connection."""

from __future__ import annotations

import asyncio
import socket
import threading

from autoui.serve import listen


def test_connections_accepted_from_the_page_socket_send_each_write_at_once() -> None:
    """Nagle's algorithm off (TCP_NODELAY) on every accepted connection: with it on, each
    response written in parts waited ~40 ms for the browser's delayed ACK (docs/performance.md)."""
    sock = listen("127.0.0.1", 0)
    nodelay: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            nodelay.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def connect_once() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            for _ in range(500):
                if nodelay:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    # In a thread of its own: the test's thread may hold another loop (Playwright's).
    worker = threading.Thread(target=asyncio.run, args=(connect_once(),))
    worker.start()
    worker.join(30)
    assert nodelay and nodelay[0] != 0
