"""Shared fixtures and hooks for autoui's tests.

Helpers live in `tests/support/` (imported as `support`, since pytest puts this
directory on sys.path): real loopback servers in `support.servers`, Gradio page
helpers in `support.browser`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from support.browser import INSTALL_HINT, find_chromium, launch_chromium

# Before any test module imports gradio (nothing above does): no telemetry calls out
# of a closed network, and Gradio apps bind loopback only.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_SERVER_NAME", "127.0.0.1")
# Parsed YAML documents are cached in a folder of this run (autoui.loader.yaml_cache),
# not in the user's own cache.
os.environ.setdefault("AUTOUI_CACHE_DIR", tempfile.mkdtemp(prefix="autoui-test-cache-"))

# No timed assertions: Hypothesis's default 200 ms deadline per example fails property
# tests on a loaded machine (seen on the shared 2-core one), whatever the code does.
settings.register_profile("autoui", deadline=None)
settings.load_profile("autoui")

# Playwright's `expect` waits 5 s by default. A form the navigator builds on the server
# took longer than that in a CI run beside other work on the shared 2-core machine; this
# is how long a check waits for what must appear, not a speed requirement.
expect.set_options(timeout=20_000)

# `pytester` lets tests/project/test_infra.py check that a missing browser fails a run.
pytest_plugins = ["pytester", "support.model_servers.fixtures"]

ARTIFACTS = Path(__file__).parent / "artifacts"
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the browser, and tag it in the JUnit XML.

    `.ci/run` reads the `marker=browser` property from the JUnit XML to insist that
    at least one browser test really passed, so a run that silently deselected or
    skipped them all cannot pass CI.
    """
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser") is not None:
            item.user_properties.append(("marker", "browser"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report: pytest.TestReport = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session; fails (never skips) when none is installed."""
    executable = find_chromium()
    if executable is None:
        pytest.fail(f"no Chromium found for the browser tests: {INSTALL_HINT}", pytrace=False)
    playwright = sync_playwright().start()
    try:
        chromium = launch_chromium(playwright, executable)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context; on failure its screenshot goes to tests/artifacts/."""
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
        report = request.node.stash.get(_REPORTS, {}).get("call")
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except PlaywrightError as exc:  # the failure is reported; the picture is a bonus
                print(f"no screenshot of the failed page: {exc.message.splitlines()[0]}")
    finally:
        context.close()


@pytest.fixture(scope="session")
def example_api() -> Iterator[str]:
    """The bundled example model API, served for real on a loopback port."""
    from autoui_examples.model_api import create_app
    from support.servers import serve_asgi

    with serve_asgi(create_app()) as url:
        yield url


@pytest.fixture(scope="session")
def autoui_server(example_api: str) -> Iterator[str]:
    """`autoui serve` started for real, as a user would, in front of the example API."""
    import sys

    from support.servers import free_port, run_process

    port = free_port()
    args = [
        sys.executable,
        "-m",
        "autoui",
        "serve",
        f"{example_api}/openapi.json",
        "--port",
        str(port),
    ]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def media_api() -> Iterator[tuple[str, Any]]:
    """The model-like API of tests/support/media_api.py on a loopback port:
    (base URL, the FastAPI app, whose `state` records what its streams did)."""
    from support.media_api import media_app
    from support.servers import serve_asgi

    app = media_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture
def media_backend(media_api: tuple[str, Any]) -> Any:
    """The media API's app, with its gate closed: gated routes wait for the test."""
    media_api[1].state.gate.clear()
    return media_api[1]


@pytest.fixture(scope="module")
def secured_backend() -> Iterator[tuple[Any, str]]:
    """The loopback API of `support.secured`, which checks credentials: (app, base URL).
    One per test module, so each module's `app.state.seen` starts empty."""
    from support.secured import secured_app
    from support.servers import serve_asgi

    app = secured_app()
    with serve_asgi(app) as url:
        yield app, url
