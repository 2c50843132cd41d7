"""A caller cannot make autoui send a file from the server's disk, or fetch one from a
host the spec never names, whatever route the call takes.

A file field sends only a file uploaded to the page server (Gradio's upload folder) or
one fetched from the API's own origins (`dispatcher.values.Uploads`, `Dispatcher.fetch`).
The rule sits in the dispatcher, where every route ends: the page's Send, gradio_client's
`/gradio_api/call/<op>`, MCP tools, and a page mounted with `autoui.mount`. These tests
send what an attacker would by each route (a bare path to a secret file or to
`/proc/self/environ`, a FileData naming an outside path or a link to one, a URL on
another host) and assert that the API never receives the file, that the other host
(`recorder_app`, which counts every request; see the control test) sees nothing, and
that Gradio was not made to download anything either.
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
from fastapi.responses import Response
from gradio.processing_utils import hash_url
from gradio.utils import get_upload_folder
from gradio_client import Client, handle_file
from mcp import ClientSession
from support.echo import png_bytes, recorder_app
from support.mcp_client import session
from support.servers import serve_asgi

import autoui
from autoui.serve import asgi_app

SECRET = "autoui-test-secret-" + uuid.uuid4().hex
REFUSED = "is not a file uploaded to this page; send the file itself"

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


def upload_api(received: list[bytes]) -> FastAPI:
    """Takes a file at /upload (recording its bytes) and serves a picture at /pic.png."""
    backend = FastAPI()

    @backend.post("/upload", operation_id="upload")
    async def upload(file: UploadFile) -> dict[str, int]:
        received.append(await file.read())
        return {"size": len(received[-1])}

    @backend.get("/pic.png", operation_id="picture")
    def picture() -> Response:
        return Response(png_bytes(), media_type="image/png")

    return backend


@pytest.fixture
def received() -> list[bytes]:
    return []


@pytest.fixture(scope="module")
def other() -> Iterator[tuple[str, FastAPI]]:
    """Another host: a listener that records every request it gets."""
    app = recorder_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture(params=["tabs", "navigator"])
def layout(request: pytest.FixtureRequest) -> str:
    """The API endpoints are in the page's Blocks (tabs) or in one of their own."""
    return str(request.param)


@pytest.fixture
def served(received: list[bytes], layout: str) -> Iterator[tuple[str, str]]:
    """(the page server with its MCP tools, the API)."""
    with serve_asgi(upload_api(received)) as api:
        demo = autoui.build_app(SPEC, base_url=api, layout=layout)
        with serve_asgi(asgi_app(demo, mcp=True)) as url:
            yield url, api


@pytest.fixture
def ui(served: tuple[str, str]) -> str:
    return served[0]


@pytest.fixture
def secret_file(tmp_path: Path) -> str:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return str(path)


def _file_data(path: str) -> dict[str, Any]:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}


def _call(ui: str, value: Any) -> str:
    """A raw `/gradio_api/call/upload` with `value`, as gradio_client makes it: the
    result's event stream."""
    call = requests.post(f"{ui}/gradio_api/call/upload", json={"data": [value, None]}, timeout=30)
    event = call.json()["event_id"]
    with requests.get(f"{ui}/gradio_api/call/upload/{event}", timeout=60) as result:
        return result.text


def _events(url: str, session_hash: str) -> str:
    """The queue's event stream for `session_hash`, read to its end."""
    with requests.get(
        f"{url}/gradio_api/queue/data",
        params={"session_hash": session_hash},
        stream=True,
        timeout=60,
    ) as reply:
        lines = []
        for line in reply.iter_lines(decode_unicode=True):
            lines.append(line)
            if '"process_completed"' in line:
                break
        return "\n".join(lines)


def _not_downloaded(url: str) -> bool:
    """Gradio makes its download folder for a URL (`hash_url`) before it fetches it."""
    return not (Path(get_upload_folder()) / hash_url(url)).exists()


def test_the_other_host_counts_a_direct_hit(other: tuple[str, FastAPI]) -> None:
    before = len(other[1].state.seen)
    assert requests.get(f"{other[0]}/pixel.png", timeout=30).status_code == 200
    assert len(other[1].state.seen) == before + 1


@pytest.mark.parametrize("shape", ["bare path", "environ", "dict", "FileData", "link"])
def test_an_api_call_naming_a_server_file_is_refused(
    ui: str, secret_file: str, received: list[bytes], shape: str
) -> None:
    """Through `/gradio_api/call/<op>` (gradio_client's protocol), whatever the shape."""
    path = "/proc/self/environ" if shape == "environ" else secret_file
    value: Any = path if shape in ("bare path", "environ") else {"path": path}
    if shape == "FileData":
        value = _file_data(path)
    if shape == "link":  # a link inside the upload folder, pointing out of it
        folder = Path(get_upload_folder()) / uuid.uuid4().hex
        folder.mkdir(parents=True)
        (folder / "innocent.txt").symlink_to(secret_file)
        value = str(folder / "innocent.txt")
    text = _call(ui, value)
    assert "event: error" in text
    message = json.loads(text.split("data: ", 1)[1])["error"]
    assert message.startswith(f"file: {value if isinstance(value, str) else path!r} {REFUSED}")
    assert SECRET not in text
    assert received == []


def test_gradio_client_sends_an_upload_and_a_file_on_the_apis_origin_only(
    served: tuple[str, str], received: list[bytes], other: tuple[str, FastAPI], tmp_path: Path
) -> None:
    ui, api = served
    mine = tmp_path / "mine.txt"
    mine.write_text("the caller's own file")
    client = Client(ui, verbose=False)
    assert client.predict(file=handle_file(str(mine)), api_name="/upload") == "21"
    picture = client.predict(file=handle_file(f"{api}/pic.png"), api_name="/upload")
    assert picture == str(len(png_bytes()))
    assert received == [b"the caller's own file", png_bytes()]
    elsewhere = f"{other[0]}/stolen.png"
    before = len(other[1].state.seen)
    with pytest.raises(Exception, match=f"file: '{elsewhere}' {REFUSED}"):
        client.predict(file=handle_file(elsewhere), api_name="/upload")
    assert len(other[1].state.seen) == before
    assert _not_downloaded(elsewhere)
    assert len(received) == 2


@pytest.mark.parametrize("layout", ["tabs"])  # one MCP server is enough
def test_an_mcp_file_is_an_upload_or_a_url_on_the_apis_origin(
    served: tuple[str, str], received: list[bytes], other: tuple[str, FastAPI], secret_file: str
) -> None:
    ui, api = served
    elsewhere = f"{other[0]}/stolen.png"
    before = len(other[1].state.seen)

    async def work(client: ClientSession) -> list[Any]:
        results = []
        for file in [secret_file, elsewhere, f"{api}/pic.png", "data:text/plain;base64,aGk="]:
            results.append(await client.call_tool("upload", {"file": file}))
        return results

    path, outside, ours, inline = session(f"{ui}/gradio_api/mcp/", work)
    not_a_file = "is not a file: a data: URL, base64 text, or an http(s) URL on the API's origins"
    assert path.isError and not_a_file in path.content[0].text
    assert outside.isError and f"file: '{elsewhere}' {REFUSED}" in outside.content[0].text
    assert not ours.isError and not inline.isError
    assert received == [png_bytes(), b"hi"]
    assert len(other[1].state.seen) == before
    assert _not_downloaded(elsewhere)


@pytest.mark.parametrize("layout", ["tabs"])  # the navigator's forms are built per session
@pytest.mark.parametrize("shape", ["FileData", "bare path", "URL"])
def test_the_pages_send_refuses_a_server_path_or_a_url(
    ui: str, secret_file: str, received: list[bytes], other: tuple[str, FastAPI], shape: str
) -> None:
    """The page's own event, as a crafted `queue/join` would send it."""
    elsewhere = f"{other[0]}/stolen.png"
    value = {
        "FileData": _file_data(secret_file),
        "bare path": secret_file,
        "URL": _file_data(elsewhere),
    }[shape]
    config = requests.get(f"{ui}/config", timeout=30).json()
    upload_input = next(
        c["id"] for c in config["components"] if c.get("props", {}).get("label") == "file *"
    )
    index, dep = next(
        (i, d) for i, d in enumerate(config["dependencies"]) if upload_input in d["inputs"]
    )
    session_hash = uuid.uuid4().hex[:10]
    before = len(other[1].state.seen)
    join = requests.post(
        f"{ui}/gradio_api/queue/join",
        timeout=30,
        json={
            "data": [value],
            "fn_index": dep.get("id", index),
            "session_hash": session_hash,
            "event_data": None,
            "trigger_id": dep["targets"][0][0],
        },
    )
    assert join.status_code == 200, join.text
    stream = _events(ui, session_hash)
    assert SECRET not in stream
    assert received == []
    completed = json.loads(stream.rsplit("data: ", 1)[1])
    assert completed["success"] is False
    assert len(other[1].state.seen) == before
    if shape == "URL":
        assert f"'{elsewhere}' is not a file uploaded to this page" in stream
        assert _not_downloaded(elsewhere)


def test_a_mounted_page_refuses_a_server_path(secret_file: str) -> None:
    received: list[bytes] = []
    app = upload_api(received)
    autoui.mount(app, "/ui")
    with serve_asgi(app) as url:
        text = _call(f"{url}/ui", secret_file)
        assert "event: error" in text and f"file: '{secret_file}' {REFUSED}" in text
        assert SECRET not in text
        client = Client(f"{url}/ui/", verbose=False)
        assert client.predict(file=handle_file(f"{url}/pic.png"), api_name="/upload") == {
            "size": len(png_bytes())
        }
    assert received == [png_bytes()]


@pytest.mark.parametrize("as_given", [str, _file_data], ids=["path", "file-data"])
def test_api_endpoint_refuses_a_server_path_as_the_raw_body(
    ui: str, secret_file: str, received: list[bytes], as_given: Any
) -> None:
    raw = {"content_type": "text/plain", "file": as_given(secret_file)}
    call = requests.post(f"{ui}/gradio_api/call/upload", json={"data": [None, raw]}, timeout=30)
    event = call.json()["event_id"]
    with requests.get(f"{ui}/gradio_api/call/upload/{event}", timeout=60) as result:
        text = result.text
    assert "event: error" in text
    assert REFUSED in text  # refused before anything is sent
    assert SECRET not in text
    assert received == []
