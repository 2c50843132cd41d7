"""A caller cannot make autoui read a file from the server's disk and send it on.

Gradio checks that a file named in a request was uploaded, but only for apps started
with `launch()`; autoui mounts its app in FastAPI, where Gradio skipped the check
(`Blocks.has_launched` stays False). These tests send the raw requests an attacker
would, to both kinds of event, and assert the API never receives the file.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI, UploadFile
from support.servers import serve_asgi

import autoui
from autoui.serve import asgi_app

SECRET = "autoui-test-secret-" + uuid.uuid4().hex

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "uploads", "version": "1"},
    "paths": {
        "/upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "OK"}},
            }
        }
    },
}


@pytest.fixture
def received() -> list[bytes]:
    return []


@pytest.fixture(params=["tabs", "navigator"])
def layout(request: pytest.FixtureRequest) -> str:
    """The API endpoints are in the page's Blocks (tabs) or in one of their own."""
    return str(request.param)


@pytest.fixture
def ui(received: list[bytes], tmp_path: Path, layout: str) -> Iterator[str]:
    backend = FastAPI()

    @backend.post("/upload")
    async def upload(file: UploadFile) -> dict[str, int]:
        received.append(await file.read())
        return {"size": len(received[-1])}

    with serve_asgi(backend) as api:
        demo = autoui.build_app(SPEC, base_url=api, layout=layout)
        with serve_asgi(asgi_app(demo)) as url:
            yield url


@pytest.fixture
def secret_file(tmp_path: Path) -> str:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return str(path)


def _file_data(path: str) -> dict[str, Any]:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}


def _events(url: str, session: str) -> str:
    """The queue's event stream for `session`, read to its end."""
    with requests.get(
        f"{url}/gradio_api/queue/data", params={"session_hash": session}, stream=True, timeout=60
    ) as reply:
        lines = []
        for line in reply.iter_lines(decode_unicode=True):
            lines.append(line)
            if '"process_completed"' in line:
                break
        return "\n".join(lines)


def test_api_endpoint_refuses_a_server_path(
    ui: str, secret_file: str, received: list[bytes]
) -> None:
    call = requests.post(
        f"{ui}/gradio_api/call/upload", json={"data": [_file_data(secret_file)]}, timeout=30
    )
    event = call.json()["event_id"]
    with requests.get(f"{ui}/gradio_api/call/upload/{event}", timeout=60) as result:
        text = result.text
    assert "event: error" in text
    assert SECRET not in text
    assert received == []


@pytest.mark.parametrize("layout", ["tabs"])  # the navigator's forms are built per session
def test_ui_event_refuses_a_server_path(ui: str, secret_file: str, received: list[bytes]) -> None:
    config = requests.get(f"{ui}/config", timeout=30).json()
    upload_input = next(
        c["id"] for c in config["components"] if c.get("props", {}).get("label") == "file *"
    )
    index, dep = next(
        (i, d) for i, d in enumerate(config["dependencies"]) if upload_input in d["inputs"]
    )
    session = uuid.uuid4().hex[:10]
    join = requests.post(
        f"{ui}/gradio_api/queue/join",
        timeout=30,
        json={
            "data": [_file_data(secret_file)],
            "fn_index": dep.get("id", index),
            "session_hash": session,
            "event_data": None,
            "trigger_id": dep["targets"][0][0],
        },
    )
    assert join.status_code == 200, join.text
    stream = _events(ui, session)
    assert SECRET not in stream
    assert received == []
    completed = json.loads(stream.rsplit("data: ", 1)[1])
    assert completed["success"] is False


@pytest.mark.parametrize(
    ("as_given", "refusal"),
    [
        (str, "files must be uploaded with the request"),  # autoui's
        (_file_data, "because it was not uploaded by a user"),  # Gradio's, for a FileData
    ],
    ids=["path", "file-data"],
)
def test_api_endpoint_refuses_a_server_path_as_the_raw_body(
    ui: str, secret_file: str, received: list[bytes], as_given: Any, refusal: str
) -> None:
    raw = {"content_type": "text/plain", "file": as_given(secret_file)}
    call = requests.post(f"{ui}/gradio_api/call/upload", json={"data": [None, raw]}, timeout=30)
    event = call.json()["event_id"]
    with requests.get(f"{ui}/gradio_api/call/upload/{event}", timeout=60) as result:
        text = result.text
    assert "event: error" in text
    assert refusal in text  # refused before anything is sent
    assert SECRET not in text
    assert received == []
