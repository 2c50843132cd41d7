"""`autoui demo`: the bundled example model API and its UI, in one process."""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn

log = logging.getLogger("autoui")


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def start_example_api(host: str = "127.0.0.1", port: int = 0) -> str:
    """Start the example API in a background thread; return its base URL once it answers."""
    from autoui_examples.model_api import create_app

    port = port or free_port(host)
    server = uvicorn.Server(uvicorn.Config(create_app(), host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="example-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the example API did not start on {host}:{port}")
        time.sleep(0.05)
    return f"http://{host}:{port}"
