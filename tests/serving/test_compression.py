"""Compressed serving: Gradio sends its page and config uncompressed; `autoui serve`
mounts it in a FastAPI app with a GZip middleware, which is what keeps a large API's
page light on the wire (issue 6: ≤ 100 KB). Checked over real HTTP against the
`autoui serve` process of the example API (a page of tabs), reading the bytes as they
came over the socket."""

from __future__ import annotations

import gzip

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
