"""The `autoui` command as a user runs it: real subprocesses, real exit codes, one-line
errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import autoui
from support.servers import free_port


def assert_one_line_error(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("autoui: error: cannot load ")
    for part in parts:
        assert part in lines[0]
    assert "Traceback" not in result.stderr


def test_inspect_json_describes_the_mapping(example_api: str) -> None:
    result = autoui("inspect", f"{example_api}/openapi.json", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["title"] == "autoui example model API"
    assert report["base_url"] == f"{example_api}/"
    ops = {op["api_name"]: op for op in report["operations"]}
    assert ops["generate"]["method"] == "POST" and ops["generate"]["path"] == "/generate"
    assert ops["generate"]["inputs"][0] == {
        "name": "prompt",
        "in": "body",
        "api_param": "prompt",
        "label": "prompt *",
        "component": "textarea",
        "encoding": "plain",
        "required": True,
        "rule": "long_text",
        "default": "The file object",
        "placeholder": "The file object",
    }
    assert ops["generate"]["outputs"][0]["component"] == "textbox"
    assert ops["generate"]["outputs"][0]["field"] == "response"
    assert ops["describe_image"]["inputs"][0]["component"] == "image"
    assert ops["describe_image"]["outputs"][0]["field"] == "description"
    assert ops["transform"]["outputs"][0]["component"] == "image"
    words = {i["api_param"]: i for i in ops["words"]["inputs"]}
    assert words["word"]["in"] == "path" and words["word"]["required"]
    assert words["x_request_id"]["in"] == "header"
    assert report["problems"] == []


def test_inspect_text_lists_operations(example_api: str) -> None:
    result = autoui("inspect", f"{example_api}/openapi.json")
    assert result.returncode == 0, result.stderr
    assert "POST /generate  ->  api_name=/generate" in result.stdout
    assert "10 operation(s)" in result.stdout


def test_unreachable_spec_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/openapi.json"
    assert_one_line_error(autoui("inspect", url), url, "connection refused")


def test_spec_url_not_found(example_api: str) -> None:
    assert_one_line_error(autoui("inspect", f"{example_api}/nothing.json"), "HTTP 404")


def test_not_openapi_json(tmp_path: Path) -> None:
    spec = tmp_path / "package.json"
    spec.write_text(json.dumps({"name": "left-pad", "version": "1.0.0"}))
    assert_one_line_error(autoui("inspect", str(spec)), "package.json", "not an OpenAPI document")


def test_broken_yaml(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.0.0\ninfo:\n  title: [unclosed\npaths: {}\n")
    assert_one_line_error(autoui("serve", str(spec)), "api.yaml", "invalid YAML at line")


def test_missing_file() -> None:
    assert_one_line_error(autoui("serve", "no/such/spec.yaml"), "no such file")


def test_serve_without_a_base_url(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}})
    )
    result = autoui("serve", str(spec))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "autoui: error: no usable base URL: the spec's server '/' is not an absolute "
        "http(s) URL; pass --base-url http://HOST:PORT"
    )


def test_bad_header_option(example_api: str) -> None:
    result = autoui("serve", f"{example_api}/openapi.json", "--header", "no colon here")
    assert result.returncode == 2
    assert "expected 'Name: value'" in result.stderr


@pytest.mark.parametrize(
    "args", [["--help"], ["serve", "--help"], ["inspect", "--help"], ["demo", "--help"]]
)
def test_help(args: list[str]) -> None:
    result = autoui(*args)
    assert result.returncode == 0
    assert "usage: autoui" in result.stdout


def test_serve_help_names_every_option() -> None:
    result = autoui("serve", "--help")
    for option in (
        "--config",
        "--mcp",
        "--reload",
        "--base-url",
        "--header",
        "--verbose",
        "--layout",
        "--concurrency",
    ):
        assert option in result.stdout
    assert "Examples:" in result.stdout


@pytest.mark.parametrize("flag", ["-v", "--quiet"])
def test_logging_flags_go_before_or_after_the_command(tmp_path: Path, flag: str) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}})
    )
    before, after = autoui(flag, "inspect", str(spec)), autoui("inspect", str(spec), flag)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and "0 operation(s)" in after.stdout


def test_an_unknown_layout_is_refused() -> None:
    result = autoui("serve", "http://127.0.0.1:9/openapi.json", "--layout", "grid")
    assert result.returncode == 2
    assert "argument --layout: invalid choice: 'grid'" in result.stderr


def test_an_invalid_spec_is_served_and_its_problems_logged_once_the_page_is_up(
    tmp_path: Path,
) -> None:
    """Validation runs in the background (another process): the page is up first, and
    the problems are logged when they are known."""
    import time

    from support.servers import run_process

    spec = tmp_path / "api.json"
    paths = {
        "/a": {"get": {"parameters": [{"name": "q", "in": "nowhere"}], "responses": {}}},
        "/b": {"get": {"operationId": "fine", "responses": {"200": {"description": "ok"}}}},
    }
    spec.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    )
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", str(spec), "--port", str(port)]
    args += ["--base-url", "http://127.0.0.1:9"]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/") as proc:
        log = Path(proc.output_log)  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while "problem(s) in the spec" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        text = log.read_text()
    assert "problem(s) in the spec; the first:" in text, text
    assert "Traceback" not in text


def test_version() -> None:
    import autoui as package

    result = autoui("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"autoui {package.__version__}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "argument --port: '99999' is not a port number (1 to 65535)"),
        (["--port", "http"], "argument --port: 'http' is not a port number (1 to 65535)"),
        (["--timeout", "-5"], "argument --timeout: '-5' is not a positive number of seconds"),
        (["--timeout", "0"], "argument --timeout: '0' is not a positive number of seconds"),
        (["--timeout", "nan"], "argument --timeout: 'nan' is not a positive number of seconds"),
    ],
)
def test_bad_numbers_are_one_line_errors(args: list[str], message: str) -> None:
    result = autoui("serve", "http://127.0.0.1:9/openapi.json", *args)
    assert result.returncode == 2
    assert result.stderr == f"autoui: error: {message}; see autoui serve --help\n"


def test_a_busy_port_is_one_line_before_any_address_is_shown(tmp_path: Path) -> None:
    import socket

    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}})
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (["serve", str(spec), "--base-url", "http://127.0.0.1:9"], ["demo"]):
            result = autoui(*command, "--port", str(port))
            assert result.returncode == 2
            assert result.stderr == (
                f"autoui: error: cannot listen on 127.0.0.1:{port}: the port is in use "
                "(choose another with --port)\n"
            )


def test_a_json_document_is_strict_json(tmp_path: Path) -> None:
    """Read as YAML, the trailing comma would be accepted without a word."""
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.0", "info": {"title": "t", "version": "1"},\n"paths": {},}')
    assert_one_line_error(
        autoui("inspect", str(spec)),
        "api.json",
        "invalid JSON at line 2, column 13: ",
    )


def test_the_log_is_one_line_per_call_at_most(tmp_path: Path) -> None:
    """Calls to an API that is down: urllib3's retries are not logged; the start-up lines
    carry one prefix; -v adds one line per call."""
    from gradio_client import Client
    from support.servers import run_process

    spec = tmp_path / "api.json"
    paths = {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}
    spec.write_text(
        json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    )
    dead = f"http://127.0.0.1:{free_port()}"
    for verbose in (False, True):
        port = free_port()
        args = [sys.executable, "-m", "autoui", "serve", str(spec), "--port", str(port)]
        args += ["--base-url", dead, "--retries", "2", *(["-v"] if verbose else [])]
        with run_process(args, ready_url=f"http://127.0.0.1:{port}/") as proc:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            for _ in range(2):
                with pytest.raises(Exception, match="connection refused"):
                    client.predict(api_name="/ping")
            lines = Path(proc.output_log).read_text().splitlines()  # type: ignore[attr-defined]
        assert lines[0] == f"autoui: the UI is at http://127.0.0.1:{port}  (Ctrl+C to stop)"
        calls = [line for line in lines if "/ping" in line]
        assert calls == (
            [
                f"autoui: GET {dead}/ping -> cannot reach the API at {dead}: "
                "connection refused. Is it running?"
            ]
            * 2
            if verbose
            else []
        )
        assert not [line for line in lines if "Retrying" in line or "urllib3" in line]
