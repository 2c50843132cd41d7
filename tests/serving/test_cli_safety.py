"""`autoui serve`'s safety options as a user runs them: a real subprocess in front of the
loopback API of `support.secured`, real `gradio_client`s, and the process's own output
scanned for every secret the test used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI
from gradio_client import Client, handle_file
from mcp import ClientSession
from support.mcp_client import session as mcp_session
from support.secured import secured_spec
from support.servers import free_port, run_process

from autoui.cli_args import parse_size
from autoui.serve import exposure_warnings

KEY = "key-alice-7Qx"
BEARER = "bearer-bob-6Hn"
UI_PASSWORD = "ui-pass-0Zt"


@pytest.fixture(scope="module")
def spec_file(
    secured_backend: tuple[FastAPI, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("spec") / "secured.json"
    path.write_text(json.dumps(secured_spec(secured_backend[1])))
    return path


def autoui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autoui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def output_of(proc: Any) -> str:
    return Path(proc.output_log).read_text(errors="replace")


def sent(backend: tuple[FastAPI, str]) -> dict[str, Any]:
    """The last request the API received: its headers and query."""
    seen = backend[0].state.seen[-1]
    return {**seen["headers"], **seen["query"]}


def test_startup_credentials_from_flag_and_environment(
    spec_file: Path, secured_backend: tuple[FastAPI, str]
) -> None:
    """They reach the API, and never the user: the API's echo of them is redacted."""
    port = free_port()
    args = [sys.executable, "-m", "autoui", "-v", "serve", str(spec_file), "--port", str(port)]
    args += ["--auth", f"KeyHeader={KEY}", "--auth", "KeyQuery=" + KEY]
    url = f"http://127.0.0.1:{port}"
    with run_process(args, ready_url=f"{url}/", env={"AUTOUI_AUTH_BEARER": BEARER}) as proc:
        client = Client(url, verbose=False)
        assert client.predict(api_name="/by_header") == "<redacted>"
        assert sent(secured_backend)["x-api-key"] == KEY
        assert client.predict(api_name="/by_query") == "<redacted>"
        assert sent(secured_backend)["api_key"] == KEY
        assert client.predict(api_name="/by_bearer") == "<redacted>"
        assert sent(secured_backend)["authorization"] == f"Bearer {BEARER}"
        with pytest.raises(Exception, match="HTTP 401"):
            client.predict(api_name="/by_basic")
        log = output_of(proc)
    assert "autoui: start-up credentials for Bearer, KeyHeader, KeyQuery apply to every user" in log
    assert "/whoami/query?api_key=<redacted>" in log  # -v logs every call, redacted
    for secret in (KEY, BEARER):
        assert secret not in log


def test_listening_beyond_loopback_warns_and_the_page_login_is_asked(
    spec_file: Path, secured_backend: tuple[FastAPI, str]
) -> None:
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", str(spec_file), "--port", str(port)]
    args += ["--host", "0.0.0.0", "--ui-auth", f"ops:{UI_PASSWORD}", "--auth", f"KeyHeader={KEY}"]
    url = f"http://127.0.0.1:{port}"
    with run_process(args, ready_url=f"{url}/") as proc:
        assert requests.get(f"{url}/config", timeout=10).status_code == 401
        with pytest.raises(ValueError):
            Client(url, verbose=False)
        client = Client(url, auth=("ops", UI_PASSWORD), verbose=False)
        assert client.predict(api_name="/by_header") == "<redacted>"
        assert sent(secured_backend)["x-api-key"] == KEY
        log = output_of(proc)
    assert (
        "autoui: listening on 0.0.0.0: anyone who can reach this address can use the page and "
        "call the API through it, with the start-up credentials (KeyHeader); the page asks "
        "for the --ui-auth login"
    ) in log
    assert UI_PASSWORD not in log and KEY not in log


def test_mcp_tools_use_the_startup_credentials_and_cannot_set_a_sessions(
    spec_file: Path, secured_backend: tuple[FastAPI, str]
) -> None:
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", str(spec_file), "--port", str(port)]
    args += ["--mcp", "--auth", f"KeyHeader={KEY}"]
    url = f"http://127.0.0.1:{port}"

    async def work(client: ClientSession) -> Any:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        header = await client.call_tool("by_header", {})
        authorize = await client.call_tool(
            "autoui_authorize", {"credentials": {"KeyHeader": "key-bob-9Wz"}}
        )
        return tools, header, authorize

    with run_process(args, ready_url=f"{url}/"):
        tools, header, authorize = mcp_session(f"{url}/gradio_api/mcp/", work)
        assert sent(secured_backend)["x-api-key"] == KEY
        assert Client(url, verbose=False).predict(api_name="/by_header") == "<redacted>"
    assert "by_header" in tools
    assert not [name for name in tools if name.startswith("autoui_")]
    assert [c.text for c in header.content] == ["<redacted>"]
    assert authorize.isError
    assert "not available through MCP" in " ".join(c.text for c in authorize.content)


def test_uploads_over_max_file_size_are_refused(tmp_path: Path, example_api: str) -> None:
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", f"{example_api}/openapi.json"]
    args += ["--port", str(port), "--max-file-size", "2kB"]
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"\0" * 5000)
    url = f"http://127.0.0.1:{port}"
    with run_process(args, ready_url=f"{url}/"):
        with pytest.raises(ValueError, match="exceeds the maximum file size of 2000 bytes"):
            Client(url, verbose=False).predict(
                image=handle_file(str(big)), api_name="/describe_image"
            )
        # The server enforces it too, for clients that do not check first.
        with big.open("rb") as handle:
            refused = requests.post(f"{url}/gradio_api/upload", files={"files": handle}, timeout=30)
        assert refused.status_code == 413
        assert refused.text == "File size exceeded maximum allowed size of 2000 bytes."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--auth", "Nope=x"], "autoui: error: --auth Nope: the API has no security scheme 'Nope'"),
        (
            ["--auth", "Basic=no-colon-4Gh"],
            "autoui: error: --auth: Basic: expected 'username:password'",
        ),
        (["--auth", "justaname"], "autoui: error: --auth justaname: expected SCHEME=VALUE"),
        (["--ui-auth", "nopassword"], "autoui: error: --ui-auth: expected USER:PASSWORD"),
        (["--allow-origin", "https://*"], "autoui: error: --allow-origin 'https://*': a pattern"),
    ],
)
def test_bad_safety_options_are_one_line_errors(
    spec_file: Path, args: list[str], message: str
) -> None:
    result = autoui("serve", str(spec_file), "--port", str(free_port()), *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no-colon-4Gh" not in result.stderr


def test_bad_environment_credential_names_the_variable_not_the_value(spec_file: Path) -> None:
    import os

    env = {**os.environ, "AUTOUI_AUTH_BASIC": "no-colon-4Gh"}
    result = autoui("serve", str(spec_file), "--port", str(free_port()), env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "autoui: error: AUTOUI_AUTH_BASIC: Basic: expected 'username:password'"
    )


def test_share_warns_that_anyone_with_the_link_can_call_the_api() -> None:
    assert exposure_warnings("127.0.0.1", share=True, login=False, shared_credentials=["Key"]) == [
        "--share: anyone on the internet who has the gradio.live link can use the page and "
        "call the API through it, with the start-up credentials (Key); protect the page "
        "with --ui-auth USER:PASSWORD"
    ]
    assert exposure_warnings("127.0.0.1", share=False, login=False) == []
    assert exposure_warnings("::1", share=False, login=False) == []


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("20MB", 20_000_000),
        ("512kB", 512_000),
        ("1.5gb", 1_500_000_000),
        ("2MiB", 2 * 1024**2),
        ("4096", 4096),
        ("10 B", 10),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size
