"""Compressed serving: Gradio sends its page and config uncompressed; `autoui serve`
mounts it in a FastAPI app with a GZip middleware, which is what keeps a large API's
page light on the wire (issue 6: ≤ 100 KB). Checked over real HTTP against the
`autoui serve` process of the example API (a page of tabs), reading the bytes as they
came over the socket."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
import requests


def wire(url: str, encoding: str = "gzip") -> tuple[requests.Response, bytes]:
    """The response and its body exactly as sent (not decoded)."""
    reply = requests.get(url, headers={"Accept-Encoding": encoding}, stream=True, timeout=60)
    body = reply.raw.read(decode_content=False)
    reply.close()
    return reply, body


@pytest.mark.parametrize("path", ["/", "/config"])
def test_page_and_config_are_sent_gzipped(autoui_server: str, path: str) -> None:
    reply, body = wire(autoui_server + path)
    assert reply.status_code == 200
    assert reply.headers["content-encoding"] == "gzip"
    raw = gzip.decompress(body)
    assert len(body) < len(raw) / 2  # HTML and JSON shrink a lot
    if path == "/config":
        assert b'"dependencies"' in raw
    else:
        assert b"<html" in raw.lower()


def test_a_client_that_does_not_accept_gzip_gets_plain_text(autoui_server: str) -> None:
    reply, body = wire(autoui_server + "/config", encoding="identity")
    assert "content-encoding" not in reply.headers
    assert body.startswith(b"{")


def test_the_front_end_s_files_come_compressed_once_and_cacheable(autoui_server: str) -> None:
    """Gradio's built files (content-hashed names) are sent from memory, gzipped, with a
    year's Cache-Control; the bytes are Gradio's own file."""
    from gradio.route_utils import BUILD_PATH_LIB

    page = requests.get(autoui_server + "/", timeout=60).text
    name = re.search(r"/assets/(index-[\w-]+\.js)", page)
    assert name is not None, "the page names its script"
    reply, body = wire(f"{autoui_server}/assets/{name.group(1)}")
    assert reply.status_code == 200
    assert reply.headers["content-encoding"] == "gzip"
    assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert reply.headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert gzip.decompress(body) == (Path(BUILD_PATH_LIB) / name.group(1)).read_bytes()
    plain, raw = wire(f"{autoui_server}/assets/{name.group(1)}", encoding="identity")
    assert "content-encoding" not in plain.headers and raw == gzip.decompress(body)
    # Only a page's own assets folder: a path that merely ends so is Gradio's to judge.
    other, _ = wire(f"{autoui_server}/gradio_api/file=/tmp/assets/{name.group(1)}")
    assert other.status_code in (403, 404) and "cache-control" not in other.headers


@pytest.mark.parametrize(
    "path",
    ["/assets/Index-nosuchfil.js", "/assets/..%2F..%2Froutes-aaaaaaaa.js", "/assets/%2e%2e/x.js"],
)
def test_a_name_that_is_not_a_built_file_is_not_served(autoui_server: str, path: str) -> None:
    reply, _ = wire(autoui_server + path)
    assert reply.status_code in (403, 404)
