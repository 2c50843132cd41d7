"""The deployment recipe (docs/deployment.md): autoui installed as deploy/Dockerfile
installs it, two replicas behind HAProxy with deploy/haproxy.cfg, one killed mid-run.

The Dockerfile's steps run outside a container (support.dockerfile: no container engine
in CI), with its environment and command line; the replicas are real `autoui serve`
processes on loopback ports in front of the example API, HAProxy is Debian's. Whatever
was in flight on the killed replica must end in an error the caller sees, never wait
forever; everything else, and everything after, gets the right answer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from gradio_client import Client
from mcp import ClientSession
from playwright.sync_api import Page, expect
from support.browser import open_gradio, show_optional, wait_for_gradio
from support.dockerfile import Image, build
from support.mcp_client import session
from support.servers import free_port, run_process

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COOKIE = "AUTOUI_REPLICA"  # deploy/haproxy.cfg's `cookie`
START = 180.0  # seconds a replica may take to serve on a loaded machine
WAIT = 120.0  # seconds a call may take to end, answer or error, once a replica is gone
# A stream long enough to be cut by the kill: 20 words, a second each.
STREAM = {"prompt": "The file", "max_words": 20, "seed": 7}


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """deploy/Dockerfile's steps: autoui installed from a copy of the checkout."""
    return build(DEPLOY / "Dockerfile", ROOT, tmp_path_factory.mktemp("image"))


@pytest.fixture(scope="module")
def spec(image: Image, example_api: str) -> str:
    """The example API's spec as a file where the image's CMD expects it (a mount)."""
    path = image.path(image.cmd[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(requests.get(f"{example_api}/openapi.json", timeout=30).content)
    return str(path)


@dataclass
class Pair:
    url: str  # HAProxy's
    replicas: dict[str, subprocess.Popen[bytes]]  # by the cookie value that routes to each


@pytest.fixture
def pair(image: Image, spec: str, example_api: str) -> Iterator[Pair]:
    """Two replicas started with the image's command line, behind HAProxy."""
    if shutil.which("haproxy") is None:
        pytest.fail("haproxy is not installed: apt-get install -y haproxy", pytrace=False)
    with contextlib.ExitStack() as stack:
        replicas, addresses = {}, {}
        for name in ("r1", "r2"):  # deploy/haproxy.cfg's server cookies
            port = free_port()  # each just before it is bound: other processes take ports
            args = image.command("--base-url", example_api, "--mcp", "--host", "127.0.0.1")
            replicas[name] = stack.enter_context(
                run_process(
                    [*args, "--port", str(port)],
                    ready_url=f"http://127.0.0.1:{port}/",
                    env=image.env,
                    timeout=START,
                )
            )
            addresses[f"AUTOUI_REPLICA_{name[1]}"] = f"127.0.0.1:{port}"
        lb = free_port()
        addresses["AUTOUI_LB_BIND"] = f"127.0.0.1:{lb}"
        stack.enter_context(
            run_process(
                ["haproxy", "-f", str(DEPLOY / "haproxy.cfg")],
                ready_url=f"http://127.0.0.1:{lb}/",
                env=addresses,
            )
        )
        yield Pair(f"http://127.0.0.1:{lb}/", replicas)


def test_the_image_installs_autoui_from_the_checkout(image: Image) -> None:
    run = subprocess.run(
        [str(image.bin / "python"), "-c", "import autoui.app; print(autoui.__file__)"],
        capture_output=True,
        text=True,
        env={**os.environ, **image.env},
        cwd=image.root,  # not the checkout, which `python -c` would import from
    )
    assert run.returncode == 0, run.stderr[-2000:]
    where = run.stdout.strip()
    # Not the editable install of the checkout: what `pip install .` put in the image.
    assert Path(where).is_relative_to(image.root / "venv"), where
    assert image.entrypoint[:2] == ["autoui", "serve"]
    assert image.env["GRADIO_ANALYTICS_ENABLED"] == "False"


def kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_gradio_clients_lose_no_call_when_a_replica_is_killed(pair: Pair) -> None:
    expected = Client(pair.url, verbose=False).predict(
        **STREAM, delay=0, api_name="/generate_stream"
    )
    clients = [Client(pair.url, verbose=False) for _ in range(4)]
    where = [client.cookies[COOKIE] for client in clients]
    assert set(where) == {"r1", "r2"}, where  # round robin, then each client sticks
    jobs = [c.submit(**STREAM, delay=1, api_name="/generate_stream") for c in clients]
    deadline = time.monotonic() + WAIT
    while not all(job.outputs() for job in jobs):  # every stream has begun
        assert time.monotonic() < deadline, [job.status() for job in jobs]
        time.sleep(0.1)

    kill(pair.replicas["r1"])
    for job, replica in zip(jobs, where, strict=True):
        if replica == "r1":
            with pytest.raises(Exception) as raised:
                job.result(timeout=WAIT)
            # Cut off, and said so; not a wait for a result that cannot come.
            assert not isinstance(raised.value, TimeoutError) and job.done()
        else:
            assert job.result(timeout=WAIT) == expected

    for client in clients:  # those that were on r1 too: HAProxy sends them to r2
        assert client.predict(**STREAM, delay=0, api_name="/generate_stream") == expected


def test_mcp_tools_answer_through_the_balancer_after_a_replica_is_killed(
    pair: Pair, example_api: str
) -> None:
    direct = requests.post(f"{example_api}/generate", json=STREAM, timeout=30).json()

    async def call(client: ClientSession) -> Any:
        return await client.call_tool("generate", STREAM)

    url = f"{pair.url}gradio_api/mcp/"
    assert [c.text for c in session(url, call).content] == [direct["response"]]
    kill(pair.replicas["r1"])
    for _ in range(4):  # new sessions, whichever replica HAProxy would have picked
        result = session(url, call)
        assert not result.isError
        assert [c.text for c in result.content] == [direct["response"]]


def start_stream(page: Page) -> None:
    page.get_by_role("tab", name="text", exact=True).click()
    page.locator("#tab-generate_stream-button").click()
    show_optional(page)
    page.get_by_label("prompt *").filter(visible=True).fill("The file")
    for label, value in ("number input for max_words", "20"), ("number input for delay", "1"):
        page.get_by_label(label).filter(visible=True).fill(value)
    page.get_by_label("seed").filter(visible=True).fill("7")
    page.locator("#send-generate_stream").click()


# Toasts, kept in the tab's sessionStorage: the page reloads itself after a lost
# connection (below), and what it showed before must still be readable after.
KEEP_TOASTS = """
new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem("toasts") || "[]");
    for (const toast of document.querySelectorAll('[data-testid="toast-text"]')) {
        if (!seen.includes(toast.textContent)) seen.push(toast.textContent);
    }
    sessionStorage.setItem("toasts", JSON.stringify(seen));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def replica_of(page: Page) -> str:
    (replica,) = [c["value"] for c in page.context.cookies() if c["name"] == COOKIE]
    return replica


def test_a_page_on_a_killed_replica_says_so_and_comes_back_on_the_other(
    page: Page, pair: Pair
) -> None:
    expected = Client(pair.url, verbose=False).predict(
        **STREAM, delay=0, api_name="/generate_stream"
    )
    page.add_init_script(KEEP_TOASTS)
    open_gradio(page, pair.url)
    replica = replica_of(page)
    start_stream(page)
    text = page.locator("#result-generate_stream-textbox textarea")
    expect(text).not_to_have_value("", timeout=WAIT * 1000)  # the stream has begun

    # Gradio's page says the connection is lost, polls the server, and reloads itself
    # once it answers again: through HAProxy, from the other replica.
    with page.expect_event("load", timeout=WAIT * 1000):
        kill(pair.replicas[replica])
    wait_for_gradio(page)
    toasts = page.evaluate("JSON.parse(sessionStorage.getItem('toasts') || '[]')")
    assert "Connection to the server was lost. Attempting reconnection..." in toasts
    assert replica_of(page) != replica
    start_stream(page)
    expect(text).to_have_value(expected, timeout=WAIT * 1000)
