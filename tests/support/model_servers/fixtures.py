"""pytest plugin: the `model_server` fixture (registered in tests/conftest.py).

Parametrize it indirectly with a fake's name:

    @pytest.mark.parametrize("model_server", ["tgi"], indirect=True)
    def test_x(model_server):
        base_url, recorder = model_server

Each fake starts once per session, on first use; its recorder and its stream gate are
reset for every test. Without the spec corpus the test fails (a skip would pass CI
unseen), saying where the corpus was looked for (CI lays it beside the clone).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

from . import Recorder, SpecsMissing, serve_model_server

Pool = Callable[[str], tuple[str, Recorder]]


@pytest.fixture(scope="session")
def model_server_pool() -> Iterator[Pool]:
    """Start fakes on demand and keep them for the session: name -> (base URL, recorder)."""
    started: dict[str, tuple[str, Recorder]] = {}
    with contextlib.ExitStack() as stack:

        def start(name: str) -> tuple[str, Recorder]:
            if name not in started:
                try:
                    started[name] = stack.enter_context(serve_model_server(name))
                except SpecsMissing as exc:
                    pytest.fail(str(exc), pytrace=False)
            return started[name]

        yield start


@pytest.fixture
def model_server(request: pytest.FixtureRequest, model_server_pool: Pool) -> tuple[str, Recorder]:
    """(base URL, recorder) of the fake named by the test's indirect parameter."""
    url, recorder = model_server_pool(request.param)
    recorder.clear()
    return url, recorder
