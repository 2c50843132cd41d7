"""A `gr.Blocks` in which Gradio leaves the files a request names to the dispatcher.

Before a handler runs, Gradio processes every file input (`FileData`) of the request:
one whose `path` is an `http(s)` URL it downloads, from any public host, whoever sent
it (a page user, a gradio_client's `handle_file(url)`, an MCP client, whose file
arguments are URLs); that would be a request to a host the spec never names, made for
nobody. autoui has one rule for the files a call may send (`dispatcher.values.Uploads`:
uploads only, or URLs on the API's origins, fetched by the dispatcher), so:

- an API endpoint's file arguments reach it untouched by Gradio (the `FileData` marker
  taken off), and the dispatcher judges them, with one message whatever the route;
- the page's own file inputs, which send only what the browser uploaded, keep Gradio's
  upload check, and a URL there is refused before Gradio would fetch it.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from gradio.components.api_component import Api
from gradio_client.utils import is_file_obj_with_meta, is_http_url_like, traverse


class Blocks(gr.Blocks):
    """`gr.Blocks` whose events never make Gradio fetch a file (module docstring)."""

    async def preprocess_data(
        self, block_fn: Any, inputs: list[Any], *args: Any, **kwargs: Any
    ) -> Any:
        blocks = list(block_fn.inputs)
        inputs = [
            _unmarked(value) if i < len(blocks) and isinstance(blocks[i], Api) else _no_urls(value)
            for i, value in enumerate(inputs)
        ]
        return await super().preprocess_data(block_fn, inputs, *args, **kwargs)


def _unmarked(value: Any) -> Any:
    """`value` with each file a plain `{"path": ..., "orig_name": ...}`, which Gradio
    leaves alone."""
    return traverse(value, lambda file: {k: v for k, v in file.items() if k != "meta"}, _marked)


def _no_urls(value: Any) -> Any:
    def refuse(file: dict[str, Any]) -> Any:
        raise gr.Error(
            f"{file['path']!r} is not a file uploaded to this page; upload the file itself",
            print_exception=False,
        )

    return traverse(value, refuse, lambda item: _marked(item) and is_http_url_like(item["path"]))


def _marked(value: Any) -> bool:
    return bool(is_file_obj_with_meta(value))
