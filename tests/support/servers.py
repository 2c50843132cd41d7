"""Start real servers on 127.0.0.1 for tests, and stop them cleanly.

Tests talk to real HTTP servers rather than mocks, so every helper here binds a
loopback port, waits until the server really answers, and tears it down on exit.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import uvicorn

STARTUP_TIMEOUT = 20.0
"""Seconds a server gets to accept connections before the test fails."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port that is free on `host` now (the OS picks it, so parallel runs don't clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _accepts(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


@contextlib.contextmanager
def serve_asgi(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Run an ASGI app (e.g. FastAPI) with uvicorn in a thread; yield its base URL.

    A thread rather than a subprocess lets the test hand over an app object built
    in the test itself, while still going through real HTTP.
    """
    port = free_port(host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not (server.started and _accepts(host, port)):
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn exited before serving on {host}:{port}")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"uvicorn did not accept connections on {host}:{port} "
                    f"within {STARTUP_TIMEOUT:.0f} s"
                )
            time.sleep(0.05)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT)


# Loopback needs no proxy, and an http_proxy in the environment must not reroute it.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers_200(url: str) -> bool:
    try:
        with _DIRECT.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def run_process(
    args: Sequence[str],
    ready_url: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `args` as a real subprocess; yield it once `ready_url` answers HTTP 200.

    `env` is added to the current environment. Output goes to a file (a pipe could
    fill up and block the child), `proc.output_log`; its tail is put in the error when
    the process dies or never becomes ready, so failures explain themselves.
    """
    with tempfile.TemporaryDirectory(prefix="autoui-proc-") as tmp:
        log = Path(tmp) / "output.log"

        def failure(reason: str) -> str:
            tail = log.read_bytes().decode(errors="replace")[-4000:]
            return f"{list(args)!r} {reason}; output tail:\n{tail}"

        with log.open("wb") as out:
            proc = subprocess.Popen(
                list(args),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
            )
        proc.output_log = log  # type: ignore[attr-defined]
        try:
            deadline = time.monotonic() + timeout
            while not _answers_200(ready_url):
                if proc.poll() is not None:
                    raise RuntimeError(
                        failure(f"exited with code {proc.returncode} before {ready_url} answered")
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        failure(f"not ready: {ready_url} gave no 200 in {timeout} s")
                    )
                time.sleep(0.1)
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@contextlib.contextmanager
def serve_gradio(blocks: Any) -> Iterator[str]:
    """Launch a `gr.Blocks` on a free loopback port without blocking; yield its URL."""
    port = free_port()
    blocks.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        show_error=True,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        blocks.close()
