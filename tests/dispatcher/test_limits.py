"""Limits, each with a clear message: replies too big to hold in memory, replies too big
at all, and specs too big to read. Real loopback servers, real bytes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import Response, StreamingResponse
from gradio_client import Client
from support.servers import serve_asgi, serve_gradio

import autoui
from autoui.builder.present import raw_text
from autoui.dispatcher import Dispatcher, Options
from autoui.errors import SpecError
from autoui.loader.fetch import fetch
from autoui.mapper import OperationPlan, plan_api

BLOCK = bytes(range(256)) * 4096  # 1 MiB of every byte value


def big_app() -> FastAPI:
    app = FastAPI()

    @app.get("/dump")
    def dump(mib: int = 3) -> StreamingResponse:
        return StreamingResponse(
            iter([BLOCK] * mib),
            media_type="application/octet-stream",
            headers={"Content-Disposition": 'attachment; filename="dump.bin"'},
        )

    @app.get("/log")
    def log(mib: int = 3) -> Response:
        return Response(b"line\n" * (mib * 1024 * 1024 // 5), media_type="text/plain")

    @app.get("/failed")
    def failed() -> Response:
        return Response(BLOCK * 2, status_code=500, media_type="text/plain")

    return app


def spec(base: str) -> dict[str, Any]:
    mib = {"name": "mib", "in": "query", "schema": {"type": "integer"}}
    ok = {"200": {"description": "ok"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "big", "version": "1"},
        "servers": [{"url": base}],
        "paths": {
            "/dump": {"get": {"operationId": "dump", "parameters": [mib], "responses": ok}},
            "/log": {"get": {"operationId": "log", "parameters": [mib], "responses": ok}},
            "/failed": {"get": {"operationId": "failed", "responses": ok}},
        },
    }


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_asgi(big_app()) as url:
        yield url


@pytest.fixture(scope="module")
def plans(base: str) -> dict[str, OperationPlan]:
    return {p.api_name: p for p in plan_api(autoui.load_spec(spec(base))).operations}


def test_a_reply_over_the_memory_cap_is_a_file_to_download(
    base: str, plans: dict[str, OperationPlan], tmp_path: Path
) -> None:
    dispatcher = Dispatcher(base, Options(memory_reply_bytes=1024 * 1024), spool_dir=str(tmp_path))
    reply = dispatcher.call(plans["dump"], {"mib": 3})
    assert reply.ok, reply.error
    assert reply.content == b""  # not held in memory
    assert reply.kind == "file"
    assert reply.body_file is not None and reply.body_file.name == "dump.bin"
    assert reply.body_file.read_bytes() == BLOCK * 3
    assert reply.summary().endswith("application/octet-stream · 3.1 MB")
    assert '"body": "<3.1 MB of application/octet-stream, in a file>"' in raw_text(reply)


def test_a_text_reply_over_the_memory_cap_is_a_file_too(
    base: str, plans: dict[str, OperationPlan], tmp_path: Path
) -> None:
    dispatcher = Dispatcher(base, Options(memory_reply_bytes=1024 * 1024), spool_dir=str(tmp_path))
    reply = dispatcher.call(plans["log"], {"mib": 2})
    assert reply.ok and reply.kind == "file"
    assert reply.body_file is not None and reply.body_file.name == "reply.txt"
    assert reply.body_file.read_bytes().startswith(b"line\nline\n")


def test_an_error_reply_over_the_memory_cap_says_so(
    base: str, plans: dict[str, OperationPlan], tmp_path: Path
) -> None:
    dispatcher = Dispatcher(base, Options(memory_reply_bytes=1024 * 1024), spool_dir=str(tmp_path))
    reply = dispatcher.call(plans["failed"], {})
    assert reply.error == (
        "HTTP 500 Internal Server Error: the reply is over 1,048,576 bytes; offered as a file"
    )
    assert reply.body_file is not None and reply.body_file.stat().st_size == 2 * len(BLOCK)


def test_a_reply_over_the_hard_cap_is_refused_and_leaves_no_file(
    base: str, plans: dict[str, OperationPlan], tmp_path: Path
) -> None:
    dispatcher = Dispatcher(
        base,
        Options(memory_reply_bytes=1024 * 1024, max_reply_bytes=2 * 1024 * 1024),
        spool_dir=str(tmp_path),
    )
    reply = dispatcher.call(plans["dump"], {"mib": 3})
    assert reply.error == "the reply is over 2,097,152 bytes; not shown"
    assert os.listdir(tmp_path) == []


def test_gradio_client_gets_the_big_reply_as_a_file(base: str) -> None:
    demo = autoui.build_app(spec(base), memory_reply_bytes=1024 * 1024)
    with serve_gradio(demo) as url:
        result = Client(url, verbose=False).predict(mib=2, api_name="/dump")
    assert Path(result).name == "dump.bin"
    assert Path(result).read_bytes() == BLOCK * 2


def test_a_spec_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"openapi": "3.1.0", "padding": "x" * 5000}))
    with pytest.raises(SpecError) as refused:
        fetch(str(path), max_bytes=4096)
    assert str(refused.value) == (
        f"cannot load {path}: the file is {path.stat().st_size:,} bytes, over the 4,096-byte limit"
    )


def test_a_spec_url_over_the_size_cap_is_refused(base: str) -> None:
    url = f"{base}/dump?mib=1"
    with pytest.raises(SpecError) as refused:
        fetch(url, max_bytes=100_000)
    assert str(refused.value) == f"cannot load {url}: the document is over the 100,000-byte limit"
