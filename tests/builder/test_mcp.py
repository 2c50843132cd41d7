"""`autoui serve --mcp`: every operation is an MCP tool. A real MCP client session (the
`mcp` package, streamable HTTP) lists the tools and calls them; the calls reach the
example API on a loopback port."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import requests
from gradio_client import Client
from mcp import ClientSession
from support.echo import png_bytes
from support.mcp_client import serve_mcp, session

HIDE_META = """\
tags: {hide: [meta]}
operations:
  sentiment: {description: Rate a text.}
  report: {mcp: {exclude: true}}
  generate_stream: {mcp: {name: continue-stream}}
"""


@pytest.fixture(scope="module")
def mcp_server(example_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = tmp_path_factory.mktemp("mcp") / "autoui.yaml"
    config.write_text(HIDE_META)
    with serve_mcp(f"{example_api}/openapi.json", config) as url:
        yield f"{url}gradio_api/mcp/"


def test_every_visible_operation_is_a_described_tool(mcp_server: str) -> None:
    async def work(client: ClientSession) -> Any:
        return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in session(mcp_server, work)}
    assert set(tools) == {
        "generate",
        "continue-stream",  # renamed by the config
        "words",
        "chat_completions",
        "describe_image",
        "transform",
        "sentiment",
        "speak",
    }  # `health` is under the hidden tag `meta`; `report` is kept off MCP by the config
    generate = tools["generate"]
    assert generate.description.startswith("Continue a prompt\n\nContinue the prompt with a")
    assert "Args:" not in generate.description
    schema = generate.inputSchema
    assert schema["required"] == ["prompt"]
    assert schema["properties"]["prompt"] == {
        "type": "string",
        "description": "Text to continue. The reply starts with it.",
    }
    assert schema["properties"]["seed"]["type"] == "integer"
    operation = tools["transform"].inputSchema["properties"]["operation"]
    assert operation["enum"] == ["grayscale", "blur", "edges", "posterize", "rotate", "thumbnail"]
    assert operation["description"] == "What to do to the image."
    assert tools["sentiment"].description == "Rate the sentiment of a text\n\nRate a text."
    assert tools["chat_completions"].inputSchema["properties"]["messages"]["type"] == "array"


def test_the_tool_list_is_made_once_per_selection_of_tools(mcp_server: str) -> None:
    """Lists after the first are the same list (autoui keeps it: the tools never change),
    and a client that selects tools (`?tools=`) gets those only, before and after."""

    async def names(client: ClientSession) -> Any:
        return [tool.name for tool in (await client.list_tools()).tools]

    first = session(mcp_server, names)
    assert len(first) == 8 and session(mcp_server, names) == first
    assert sorted(session(f"{mcp_server}?tools=words,sentiment", names)) == ["sentiment", "words"]
    assert session(f"{mcp_server}?tools=generate", names) == ["generate"]
    assert session(mcp_server, names) == first


def test_calling_a_tool_calls_the_api(mcp_server: str, example_api: str) -> None:
    direct = requests.post(
        f"{example_api}/generate", json={"prompt": "The parser", "seed": 5}, timeout=30
    ).json()

    async def work(client: ClientSession) -> Any:
        return await client.call_tool("generate", {"prompt": "The parser", "seed": 5})

    result = session(mcp_server, work)
    assert not result.isError
    assert [c.text for c in result.content] == [direct["response"]]


def test_an_api_error_is_a_tool_error_with_the_message(mcp_server: str) -> None:
    async def work(client: ClientSession) -> Any:
        return await client.call_tool("words", {"word": "zzzqqq"})

    result = session(mcp_server, work)
    assert result.isError
    text = " ".join(c.text for c in result.content)
    assert "HTTP 404 Not Found: the word 'zzzqqq' does not occur in the corpus" in text
    assert "Traceback" not in text


def test_mcp_without_the_package_is_one_clear_line(tmp_path: Path) -> None:
    """Without the `mcp` package (hidden from the child process by a sitecustomize)."""
    (tmp_path / "sitecustomize.py").write_text(
        "import importlib.util, sys\n"
        "_find = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'mcp' else _find(n, *a)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "autoui", "serve", "http://127.0.0.1:9/openapi.json", "--mcp"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "autoui: error: --mcp needs the MCP package: pip install 'autoui[mcp]'"
    )


def test_an_operation_kept_off_mcp_is_still_an_api_endpoint(mcp_server: str) -> None:
    client = Client(mcp_server.removesuffix("gradio_api/mcp/"), verbose=False)
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/report" in named and "/generate_stream" in named


def test_a_json_reply_is_json_text_and_structured_content(
    mcp_server: str, example_api: str
) -> None:
    """The official client checks `structuredContent` against the tool's `outputSchema`
    (it raises when they disagree), so this call also proves that they agree."""
    direct = requests.get(f"{example_api}/words/the", params={"limit": 2}, timeout=30).json()

    async def work(client: ClientSession) -> Any:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        return tools["words"], await client.call_tool("words", {"word": "the", "limit": 2})

    tool, result = session(mcp_server, work)
    assert not result.isError
    assert json.loads(result.content[0].text) == direct  # JSON, not Python's repr
    assert result.structuredContent == direct
    assert tool.outputSchema == {
        "type": "object",
        "properties": {
            "word": {"description": "The requested word, lower-cased. (string)"},
            "followers": {"description": "Most frequent followers first. (array)"},
        },
    }


def test_tools_carry_the_http_method_tags_and_hints(mcp_server: str) -> None:
    async def work(client: ClientSession) -> Any:
        return {tool.name: tool for tool in (await client.list_tools()).tools}

    tools = session(mcp_server, work)
    words, generate = tools["words"], tools["generate"]
    assert words.meta == {
        "method": "GET",
        "path": "/words/{word}",
        "operationId": "words_words__word__get",
        "tags": ["text"],
    }
    assert words.title == "Words that follow a word"
    assert words.annotations.readOnlyHint is True
    assert generate.annotations.readOnlyHint is False
    assert generate.annotations.destructiveHint is False  # POST adds; it does not overwrite
    assert tools["continue-stream"].meta["path"] == "/generate/stream"


def test_a_file_is_passed_as_base64_or_a_data_url(mcp_server: str, example_api: str) -> None:
    png = base64.b64encode(png_bytes((4, 3))).decode()

    async def work(client: ClientSession) -> Any:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        plain = await client.call_tool("describe_image", {"image": png})
        url = await client.call_tool("describe_image", {"image": f"data:image/png;base64,{png}"})
        return tools["describe_image"], plain, url

    tool, plain, url = session(mcp_server, work)
    assert "upload_file_to_gradio" not in tool.description
    assert "as a data: URL (data:image/png;base64,...), as base64 text" in tool.description
    image = tool.inputSchema["properties"]["image"]
    assert image["format"].startswith("a file: a data: URL, base64 text")
    for result in (plain, url):
        assert not result.isError, result.content
        assert result.content[0].text.startswith("A 4\u00d73 landscape image")


# An `mcp` whose API changed under Gradio (as a new major version does): Gradio's MCP
# server fails as it is built, which Gradio only notes in `Blocks.mcp_error`.
BROKEN_MCP = """\
from mcp.server import streamable_http_manager

def _refuse(self, *args, **kwargs):
    raise TypeError("__init__() got an unexpected keyword argument 'stateless'")

streamable_http_manager.StreamableHTTPSessionManager.__init__ = _refuse
"""


@pytest.fixture
def broken_mcp(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sitecustomize.py").write_text(BROKEN_MCP)
    return {**os.environ, "PYTHONPATH": str(tmp_path)}


def test_an_mcp_server_that_cannot_start_is_one_clear_line(
    broken_mcp: dict[str, str], example_api: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autoui", "serve", f"{example_api}/openapi.json", "--mcp"],
        capture_output=True,
        text=True,
        timeout=120,
        env=broken_mcp,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"autoui: error: --mcp: Gradio's MCP server cannot start with mcp {version('mcp')} "
        "(TypeError: __init__() got an unexpected keyword argument 'stateless'); install the "
        f"version Gradio {version('gradio')} works with: pip install 'autoui[mcp]'"
    )
    assert "MCP server (streamable HTTP)" not in result.stdout + result.stderr


def test_launch_with_an_mcp_server_that_cannot_start_raises(
    broken_mcp: dict[str, str], example_api: str
) -> None:
    script = (
        "import autoui\n"
        f"demo = autoui.build_app('{example_api}/openapi.json')\n"
        "try:\n"
        "    demo.launch(prevent_thread_lock=True, mcp_server=True, quiet=True)\n"
        "except autoui.ConfigError as exc:\n"
        "    print('refused:', exc)\n"
        "else:\n"
        "    print('launched at', demo.local_url)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=broken_mcp
    )
    refused = f"refused: Gradio's MCP server cannot start with mcp {version('mcp')} (TypeError"
    assert result.stdout.startswith(refused), result.stdout + result.stderr
