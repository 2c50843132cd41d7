"""The README's and the docs' examples, run: what they show a command print is what the
command prints, and their Python snippets work as written (against the example API served
for real, or the README's own app)."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from PIL import Image
from support.cli import autoui as autoui_cli
from support.servers import free_port, serve_asgi

import autoui
from autoui.dispatcher import Dispatcher, Options
from autoui.loader.fetch import display_name
from autoui.mapper import plan_api

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()
# The pages that hold what the README used to: the usage block, the config errors, the
# gradio_client snippets and the refused-connection message.
USER_GUIDE = (ROOT / "docs" / "user-guide.md").read_text()
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text()
PYTHON = (ROOT / "docs" / "python-and-mcp.md").read_text()
REPLIES = (ROOT / "docs" / "replies.md").read_text()


def blocks(page: str, language: str = "") -> list[str]:
    """The page's fenced code blocks of `language` ("" for those without one)."""
    found: list[str] = []
    lines: list[str] = []
    inside = keep = False
    for line in page.splitlines():
        if not line.strip().startswith("```"):
            lines.append(line)
        elif not inside:
            inside, keep, lines = True, line.strip() == f"```{language}", []
        else:
            if keep:
                found.append("\n".join(lines) + "\n")
            inside = False
    return found


def shown(example: str) -> re.Pattern[str]:
    """An example as a page shows it, where `…` stands for text left out."""
    return re.compile(".*?".join(re.escape(part) for part in example.split("…")))


def test_the_usage_block_names_every_option_of_every_command() -> None:
    usage = next(b for b in blocks(USER_GUIDE) if b.startswith("autoui serve SPEC"))
    option = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    logging = {"--help", "--verbose", "--quiet"}  # every command's; the guide says so once
    for command in ("serve", "inspect", "demo"):
        offered = set(option.findall(autoui_cli(command, "--help").stdout)) - logging
        listed = usage[usage.index(f"autoui {command}") :].split("\nautoui ", 1)[0]
        assert set(option.findall(listed)) - logging == offered, command
    assert autoui_cli("--version").stdout == f"autoui {autoui.__version__}\n"


# Each config error the configuration page shows, and an autoui.yaml that makes it.
CONFIG_ERRORS = {
    "'slide' is not one of": "operations:\n  generate:\n    fields:\n"
    "      prompt:\n        component: slide\n",
    "no operation is called 'genrate'": "operations:\n  genrate:\n    title: x\n",
    "does not fit the field's schema": "operations:\n  generate:\n    fields:\n"
    "      max_words:\n        default: many\n",
}


def test_the_config_errors_are_what_autoui_prints(example_api: str, tmp_path: Path) -> None:
    examples = [
        line for b in blocks(CONFIGURATION) for line in b.splitlines() if "autoui.yaml:" in line
    ]
    assert len(examples) == len(CONFIG_ERRORS)
    for example in examples:
        config = next(text for key, text in CONFIG_ERRORS.items() if key in example)
        path = tmp_path / "autoui.yaml"
        path.write_text(config)
        result = autoui_cli("inspect", f"{example_api}/openapi.json", "--config", str(path))
        assert result.returncode == 2
        # The file as autoui names it: relative where that is shorter (a checkout under /tmp)
        printed = result.stderr.strip().replace(display_name(str(path)), "autoui.yaml")
        assert shown(example).fullmatch(printed), result.stderr


def test_the_gradio_client_snippets_work_as_written(
    autoui_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (32, 24), (200, 120, 40)).save(tmp_path / "cat.jpg")
    snippets = blocks(PYTHON, "python")
    first, streamed = snippets[0], next(b for b in snippets if "client.submit" in b)
    namespace: dict[str, Any] = {}
    code = first.replace("http://127.0.0.1:7860", autoui_server)
    lines = code.splitlines()
    exec("\n".join(line for line in lines if "predict" not in line), namespace)
    client = namespace["client"]
    for line in (line for line in lines if "predict" in line):
        result = eval(line.split("  #")[0], namespace)
        assert isinstance(result, str) and result, line
    texts: list[str] = []
    namespace["print"] = texts.append
    exec(streamed, namespace)
    assert len(texts) > 1 and all(b.startswith(a) for a, b in itertools.pairwise(texts))
    assert client is namespace["client"]


def test_the_refused_connection_message_is_the_one_shown() -> None:
    example = re.search(r"`(cannot reach the API at\s+http://127\.0\.0\.1:5000:[^`]*)`", REPLIES)
    assert example is not None
    dead = f"http://127.0.0.1:{free_port()}"
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "OK"}}}}},
    }
    (plan,) = plan_api(autoui.load_spec(spec)).operations
    reply = Dispatcher(dead, Options(retries=0)).call(plan, {})
    text = " ".join(example.group(1).split()).replace("http://127.0.0.1:5000", dead)
    assert reply.error == text


def test_the_configuration_pages_example_is_the_shipped_file() -> None:
    """The ten lines the page shows are examples/autoui.yaml, which the browser tests run."""
    (shown_config,) = blocks(CONFIGURATION, "yaml")
    assert shown_config == (ROOT / "examples" / "autoui.yaml").read_text()


def test_the_readmes_app_serves_its_ui_as_the_readme_says() -> None:
    """The README's ten-line FastAPI app, run as written, and the call it shows."""
    (app_code,) = blocks(README, "python")
    namespace: dict[str, Any] = {"__name__": "readme_app"}
    exec(app_code, namespace)
    call = re.search(r"`(Client\(\"http://127\.0\.0\.1:8000/ui/\"\)\.predict\([^`]*\))`", README)
    answer = re.search(r"returns\s+`([^`]*)`", README[call.end() :] if call else "")
    assert call is not None and answer is not None
    with serve_asgi(namespace["app"]) as url:
        result = eval(call.group(1).replace("http://127.0.0.1:8000", url), {"Client": Client})
    assert result == ast.literal_eval(answer.group(1))
