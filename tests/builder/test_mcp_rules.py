"""Config `mcp.rules`: which operations are MCP tools, by method, path and tag, first match
wins (FastMCP's route maps as the model). Checked with the official `mcp` client against
`autoui serve --mcp` in front of the example API, and bad rules by their messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from mcp import ClientSession
from support.mcp_client import serve_mcp, session

from autoui.config import ConfigFileError, load_config
from autoui.loader import load_spec
from autoui.mapper.overrides import planned

RULES = """\
mcp:
  rules:
    - {methods: [GET], path: "/words/*", as: tool}
    - {methods: [GET], as: none}          # health (the GET not matched above)
    - {tags: [image], as: none}           # describe_image, transform
    - {path: "^/v1/", as: none}           # chat_completions
operations:
  transform: {mcp: {exclude: false}}      # its own choice wins over the rules
"""
TOOLS = {"generate", "generate_stream", "words", "sentiment", "speak", "report", "transform"}


@pytest.fixture(scope="module")
def ruled_server(example_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = tmp_path_factory.mktemp("rules") / "autoui.yaml"
    config.write_text(RULES)
    with serve_mcp(f"{example_api}/openapi.json", config) as url:
        yield url


def test_the_first_matching_rule_decides_which_operations_are_tools(ruled_server: str) -> None:
    async def work(client: ClientSession) -> Any:
        return (await client.list_tools()).tools

    tools = session(f"{ruled_server}gradio_api/mcp/", work)
    assert {tool.name for tool in tools} == TOOLS


def test_an_operation_a_rule_keeps_off_mcp_is_still_an_api_endpoint(ruled_server: str) -> None:
    client = Client(ruled_server, verbose=False)
    assert client.predict(api_name="/health") == "ok"  # the reply's `status` field


@pytest.fixture(scope="module")
def example_plan() -> Any:
    from autoui_examples.model_api import create_app

    api = load_spec(create_app().openapi())
    return lambda config: planned(api, config)


def bad(example_plan: Any, rules: list[dict[str, Any]]) -> str:
    with pytest.raises(ConfigFileError) as raised:
        example_plan(load_config({"mcp": {"rules": rules}}))
    return str(raised.value)


def test_a_rule_with_a_wrong_kind_is_named_by_its_index(example_plan: Any) -> None:
    message = bad(example_plan, [{"as": "tool"}, {"methods": ["GET"], "as": "resource"}])
    assert "mcp.rules[1].as" in message and "'resource'" in message


def test_a_bad_regular_expression_is_named_by_its_index(example_plan: Any) -> None:
    message = bad(example_plan, [{"as": "tool"}, {"path": "^/words/(", "as": "none"}])
    assert "mcp.rules[1].path" in message
    assert "'^/words/(' is not a regular expression" in message


def test_a_tag_no_operation_has_is_named_by_its_index(example_plan: Any) -> None:
    message = bad(example_plan, [{"tags": ["imgae"], "as": "none"}])
    assert "mcp.rules[0].tags" in message and "did you mean 'image'?" in message


def test_a_rule_needs_what_to_do(example_plan: Any) -> None:
    assert "mcp.rules[0]" in bad(example_plan, [{"methods": ["GET"]}])


def test_rules_in_the_document_come_after_the_config(tmp_path: Path) -> None:
    from autoui_examples.model_api import create_app

    spec = create_app().openapi()
    spec["x-autoui"] = {"mcp": {"rules": [{"tags": ["text"], "as": "none"}]}}
    config = load_config({"mcp": {"rules": [{"path": "/words/*", "as": "tool"}]}})
    plan = planned(load_spec(spec), config)
    kept_off = {op.api_name for op in plan.operations if op.mcp_exclude}
    assert kept_off == {"generate", "generate_stream"}  # `words` matched the config's rule


def test_a_glob_matches_the_whole_path(example_plan: Any) -> None:
    def kept_off(path: str) -> set[str]:
        config = load_config({"mcp": {"rules": [{"path": path, "as": "none"}]}})
        return {op.api_name for op in example_plan(config).operations if op.mcp_exclude}

    assert kept_off("/completions") == set()
    assert kept_off("*/completions") == {"chat_completions"}
    assert kept_off("/generate*") == {"generate", "generate_stream"}
