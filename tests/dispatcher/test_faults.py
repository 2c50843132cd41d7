"""The fault matrix: autoui in front of a backend that fails on purpose (`support.faults`).

For each fault the dispatcher, and the real `autoui serve` through gradio_client, give
one clear message (never a traceback, never a hang); a call that hangs does not stop
other users; memory stays bounded by the reply-size cap; and a failed call is retried
only when that is safe (`autoui.dispatcher.transport`), which the backend's hit
counts show.

No test here measures speed: the waits below are hang guards. How long each message
takes is a benchmark (`benchmarks/faults.py`, figures in the README).
"""

from __future__ import annotations

import re
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest
import requests
from gradio_client import Client
from support.faults import FAULT_SPEC, SSE_EVENTS, FaultBackend, fault_backend
from support.servers import free_port, run_process

import autoui
from autoui.dispatcher import Dispatcher, Options, Reply
from autoui.mapper import OperationPlan, plan_api

TIMEOUT = 2.0
HANG_GUARD = 60.0  # seconds after which a call that has not ended fails the test

# (operation, values, the message the user sees: a regex over the whole message)
_ORIGIN = r"http://127\.0\.0\.1:\d+"
_LATE = rf"(the reply from {_ORIGIN} was still arriving after|no answer from {_ORIGIN} within)"
FAULTS = [
    pytest.param(
        "get_hang",
        {},
        rf"no answer from {_ORIGIN} within 2 s \(raise it with --timeout\)",
        id="accepts-never-answers",
    ),
    pytest.param(
        "get_drip", {}, rf"{_LATE} 2 s \(raise it with --timeout\)", id="answers-byte-by-byte"
    ),
    pytest.param(
        "get_reset",
        {},
        # The 21 bytes that came before the reset are counted (a read that waited for a
        # full chunk lost them, and the count said "after 0 bytes").
        rf"the reply from {_ORIGIN} broke off after 21 bytes: the connection was closed "
        "before the end",
        id="reset-mid-body",
    ),
    pytest.param(
        "post_reset_early",
        {"prompt": "hi"},
        rf"the API at {_ORIGIN} closed the connection without answering",
        id="reset-before-answering",
    ),
    pytest.param(
        "get_bad_json",
        {},
        r"the API promised JSON but sent something else \(Unterminated string .*\): "
        r"'\{\"response\": \"cut off'",
        id="invalid-json",
    ),
    pytest.param(
        "get_deep_json",
        {},
        rf"the reply from {_ORIGIN} is nested too deeply to read",
        id="json-nested-100000-deep",
    ),
    pytest.param(
        "get_huge_length",
        {},
        r"the reply would be 2,147,483,648 bytes, over the [\d,]+-byte limit; not read",
        id="2GB-content-length",
    ),
    pytest.param(
        "get_stall_body",
        {},
        rf"({_LATE}|the reply from {_ORIGIN} stopped: nothing more came within) 2 s "
        r"\(raise it with --timeout\)",
        id="body-stops-halfway",
    ),
    pytest.param(
        "get_sse_no_done",
        {},
        r"the stream ended without \[DONE\]: the answer may be incomplete",
        id="sse-closed-without-done",
    ),
    pytest.param(
        "get_sse_hang",
        {},
        rf"the reply from {_ORIGIN} stopped: nothing more came within 2 s "
        r"\(raise it with --timeout\)",
        id="sse-stalls",
    ),
    *(
        pytest.param(
            "get_status",
            {"code": code, **({"retry_after": "1"} if after else {})},
            rf"HTTP {code} {reason}: the backend answered {code} on purpose",
            id=f"{code}{'-retry-after' if after else ''}",
        )
        for code, reason in (
            (500, "Internal Server Error"),
            (502, "Bad Gateway"),
            (503, "Service Unavailable"),
        )
        for after in (False, True)
    ),
]


@pytest.fixture(scope="module")
def backend() -> Iterator[FaultBackend]:
    with fault_backend() as server:
        yield server


@pytest.fixture(scope="module")
def plans() -> dict[str, OperationPlan]:
    return {plan.api_name: plan for plan in plan_api(autoui.load_spec(FAULT_SPEC)).operations}


def call(backend: FaultBackend, plans: dict[str, OperationPlan], name: str, **values: Any) -> Reply:
    return Dispatcher(backend.url, Options(timeout=TIMEOUT)).call(plans[name], values)


def key() -> str:
    """A fresh `key` query value, so that a test counts only its own requests."""
    return uuid.uuid4().hex[:12]


# The matrix, through the dispatcher


@pytest.mark.parametrize(("name", "values", "message"), FAULTS)
def test_each_fault_gives_one_clear_message(backend, plans, name, values, message) -> None:
    reply = call(backend, plans, name, **values)
    assert reply.error is not None
    assert re.fullmatch(message, reply.error), reply.error
    assert "Traceback" not in reply.error


def test_a_refused_connection(plans) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    reply = Dispatcher(dead, Options(timeout=TIMEOUT)).call(plans["get_ok"], {})
    assert reply.error == f"cannot reach the API at {dead}: connection refused. Is it running?"


def test_a_stream_without_done_still_shows_what_came(backend, plans) -> None:
    reply = call(backend, plans, "get_sse_no_done")
    assert reply.primary == "".join(SSE_EVENTS)


def test_a_stream_that_stalls_keeps_the_text_that_came(backend, plans) -> None:
    reply = call(backend, plans, "get_sse_hang")
    assert reply.error is not None and "nothing more came" in reply.error
    assert (reply.kind, reply.primary) == ("textbox", "".join(SSE_EVENTS))


def test_json_of_another_shape_is_shown_as_it_came(backend, plans) -> None:
    """The declared `response` field is missing: the whole object is shown, not nothing."""
    reply = call(backend, plans, "get_wrong_shape")
    assert reply.ok, reply.error
    assert (reply.kind, reply.primary) == ("json", {"unexpected": [1, 2, 3], "count": 3})


# Retries: only where safe


@pytest.mark.parametrize(
    ("name", "code", "extra", "attempts"),
    [
        pytest.param("get_status", 503, {}, 3, id="GET-503-retried"),
        pytest.param("put_status", 502, {}, 3, id="PUT-502-retried"),
        pytest.param("get_status", 500, {}, 1, id="GET-500-not-retried"),
        pytest.param("post_status", 503, {}, 1, id="POST-503-not-retried"),
        pytest.param("post_status", 502, {}, 1, id="POST-502-not-retried"),
        pytest.param(
            "post_status", 503, {"retry_after": "soon"}, 1, id="POST-503-unreadable-retry-after"
        ),
        pytest.param(
            "post_status", 503, {"retry_after": "3600"}, 1, id="POST-503-retry-after-too-long"
        ),
    ],
)
def test_which_status_replies_are_retried(backend, plans, name, code, extra, attempts) -> None:
    tag = key()
    reply = Dispatcher(backend.url, Options(timeout=10)).call(
        plans[name], {"code": code, "key": tag, "prompt": "hi", **extra}
    )
    assert reply.status == code
    method, path = name.split("_")[0].upper(), f"/status/{code}"
    assert backend.hits_for(method, path, tag) == attempts


@pytest.mark.parametrize("code", [503, 429])
def test_a_post_is_retried_when_the_api_says_when(backend, plans, code) -> None:
    tag = key()
    values = {"code": code, "retry_after": "1", "times": 1, "key": tag, "prompt": "hi"}
    reply = Dispatcher(backend.url, Options(timeout=10)).call(plans["post_flaky"], values)
    assert reply.ok, reply.error
    assert reply.primary == "ok"
    assert backend.hits_for("POST", f"/flaky/{code}", tag) == 2


def test_a_retry_after_beyond_the_timeout_is_not_waited_for(backend, plans) -> None:
    tag = key()
    values = {"code": 503, "retry_after": "5", "times": 1, "key": tag}
    reply = Dispatcher(backend.url, Options(timeout=TIMEOUT)).call(plans["get_flaky"], values)
    assert reply.status == 503
    assert backend.hits_for("GET", "/flaky/503", tag) == 1


def test_a_get_that_recovers_is_answered(backend, plans) -> None:
    tag = key()
    values = {"code": 502, "times": 2, "key": tag}
    reply = Dispatcher(backend.url, Options(timeout=10)).call(plans["get_flaky"], values)
    assert reply.primary == "ok"
    assert backend.hits_for("GET", "/flaky/502", tag) == 3


@pytest.mark.parametrize(("name", "attempts"), [("get_reset_early", 3), ("post_reset_early", 1)])
def test_a_dropped_connection_is_retried_only_for_idempotent_methods(
    backend, plans, name, attempts
) -> None:
    tag = key()
    reply = Dispatcher(backend.url, Options(timeout=10)).call(
        plans[name], {"key": tag, "prompt": "hi"}
    )
    assert reply.error is not None
    method = name.split("_")[0].upper()
    assert backend.hits_for(method, "/reset-early", tag) == attempts


def test_a_post_over_a_kept_alive_connection_that_got_nothing_is_sent_once_more(
    backend, plans
) -> None:
    """The keep-alive race (the API closed the idle connection as the request left) looks
    like this on the wire: a reused connection, no byte back. Sent again once, then the
    error (the backend here fails every time)."""
    tag = key()
    dispatcher = Dispatcher(backend.url, Options(timeout=10))
    assert dispatcher.call(plans["get_ok"], {}).ok  # now a connection is kept alive
    reply = dispatcher.call(plans["post_reset_early"], {"key": tag, "prompt": "hi"})
    assert reply.error is not None
    assert backend.hits_for("POST", "/reset-early", tag) == 2


def test_a_timeout_is_never_retried(backend, plans) -> None:
    tag = key()
    reply = Dispatcher(backend.url, Options(timeout=1)).call(plans["get_hang"], {"key": tag})
    assert reply.error is not None
    assert backend.hits_for("GET", "/hang", tag) == 1


def test_retries_zero_sends_once(backend, plans) -> None:
    tag = key()
    Dispatcher(backend.url, Options(timeout=10, retries=0)).call(
        plans["get_status"], {"code": 503, "key": tag}
    )
    assert backend.hits_for("GET", "/status/503", tag) == 1


# Memory


@pytest.mark.parametrize("name", ["get_endless", "get_huge_length"])
def test_memory_is_bounded_by_the_reply_cap(backend, plans, name) -> None:
    """Python's own allocations while reading an endless (or 2 GB) reply stay near the cap."""
    cap = 2_000_000
    dispatcher = Dispatcher(backend.url, Options(timeout=TIMEOUT, max_reply_bytes=cap))
    tracemalloc.start()
    try:
        reply = dispatcher.call(plans[name], {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reply.error is not None
    assert re.match(r"the reply (is over|would be) [\d,]+ bytes", reply.error), reply.error
    assert peak < 3 * cap, f"peak {peak:,} bytes"


# Through the real server: gradio_client sees the same messages


def autoui_serve(spec_url: str, *options: str) -> Any:
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", spec_url, "--port", str(port), *options]
    return run_process(args, ready_url=f"http://127.0.0.1:{port}/"), f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def ui(backend: FaultBackend) -> Iterator[str]:
    server, url = autoui_serve(f"{backend.url}/openapi.json", "--timeout", str(TIMEOUT))
    with server:
        yield url


@pytest.fixture(scope="module")
def client(ui: str) -> Client:
    return Client(ui, verbose=False)


def finished(job: Any, guard: float = HANG_GUARD) -> Any:
    """The result of a gradio_client job, or the error it raised (as a value)."""
    try:
        return job.result(timeout=guard)
    except TimeoutError:
        pytest.fail(f"the call did not end within {guard} s")
    except Exception as exc:
        return exc


@pytest.mark.parametrize(("name", "values", "message"), FAULTS)
def test_gradio_client_gets_the_message(client, name, values, message) -> None:
    outcome = finished(client.submit(api_name=f"/{name}", **values))
    assert isinstance(outcome, Exception), outcome
    assert re.fullmatch(message, str(outcome)), str(outcome)


def test_the_ok_call_through_gradio_client(client) -> None:
    assert finished(client.submit(api_name="/get_ok")) == "ok"


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {HANG_GUARD} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def patient_ui(backend: FaultBackend) -> Iterator[str]:
    """autoui with a long timeout, so that calls to /hang stay pending during a test."""
    server, url = autoui_serve(
        f"{backend.url}/openapi.json", "--timeout", "20", "--concurrency", "50"
    )
    with server:
        yield url


def test_while_calls_hang_other_users_are_served(backend, patient_ui) -> None:
    """45 calls hang (more than Gradio's default 40 worker slots); another user's call
    and the page itself are still answered while they do."""
    tag = key()
    hanging_client = Client(patient_ui, verbose=False, max_workers=64)
    hanging: list[Future[Any]] = [
        hanging_client.submit(key=tag, api_name="/get_hang") for _ in range(45)
    ]
    _wait_until(lambda: backend.hits_for("GET", "/hang", tag) == 45, "45 calls reaching the API")
    other = Client(patient_ui, verbose=False)
    assert finished(other.submit(api_name="/get_ok")) == "ok"
    assert requests.get(patient_ui, timeout=HANG_GUARD).status_code == 200
    ended = [finished(job) for job in hanging if job.done()]
    assert not ended  # they really were pending meanwhile


def test_concurrency_applies_to_page_events_and_api_endpoints_alike() -> None:
    """One limit (`--concurrency`) shared by every Send button and every API endpoint, and
    as many queue slots, not Gradio's default 40 (which the test above exceeds)."""
    demo = autoui.build_app(FAULT_SPEC, base_url="http://127.0.0.1:9", concurrency=50)
    # Events outside the queue (Stop, showing the curl command) make no call to the API,
    # nor do the Authorize panel's (every page has one): they set a session's credentials.
    panel = {"on_authorize", "on_logout", "on_load", "autoui_authorize", "autoui_logout"}
    events = [
        fn
        for fn in demo.fns.values()
        if fn.fn is not None and fn.queue and fn.fn.__name__ not in panel
    ]
    visible = {fn.api_visibility for fn in events}
    assert visible == {"public", "private"}  # API endpoints and the forms' Send buttons
    assert {(fn.concurrency_id, fn.concurrency_limit) for fn in events} == {("autoui-calls", 50)}
    # Room for the 50 calls, and for the page's own events (Gradio's 40) beside them.
    assert demo.max_threads == demo._queue.max_thread_count == 50 + 40


# Nothing lost: the backend restarts under load

RESTART_ERRORS = re.compile(
    rf"cannot reach the API at {_ORIGIN}: connection refused\. Is it running\?"
    rf"|the API at {_ORIGIN} closed the connection without answering"
    rf"|the reply from {_ORIGIN} broke off after .*"
)


def test_calls_during_a_backend_restart_are_answered_or_reported() -> None:
    """Four users keep calling while the API is killed and started again on the same
    port: every call ends with the answer or one clear error; none is lost or hangs."""
    api_port = free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    api = [sys.executable, "-m", "autoui_examples.model_api", "--port", str(api_port)]
    outcomes: list[Any] = []
    submitted = 0
    with run_process(api, ready_url=f"{api_url}/health") as backend:
        server, ui_url = autoui_serve(f"{api_url}/openapi.json", "--timeout", "20")
        with server:
            clients = [Client(ui_url, verbose=False) for _ in range(4)]

            def wave(count: int) -> None:
                nonlocal submitted
                jobs = [
                    client.submit(prompt="The module", seed=i, api_name="/generate")
                    for i in range(count)
                    for client in clients
                ]
                submitted += len(jobs)
                outcomes.extend(finished(job) for job in jobs)

            wave(3)  # all well
            backend.kill()  # a crash: connections reset, the port refuses
            backend.wait()
            restarted = run_process(api, ready_url=f"{api_url}/health")
            jobs = [c.submit(prompt="The module", seed=1, api_name="/generate") for c in clients]
            submitted += len(jobs)
            with restarted:  # calls submitted while it is down, answered once it is up
                outcomes.extend(finished(job) for job in jobs)
                wave(3)
    errors = [str(o) for o in outcomes if isinstance(o, Exception)]
    answers = [o for o in outcomes if isinstance(o, str)]
    print(f"restart: {submitted} calls, {len(answers)} answered, {len(errors)} errors")
    assert len(outcomes) == submitted  # none lost
    assert all(a.startswith("The module") for a in answers)
    assert all(RESTART_ERRORS.fullmatch(e) for e in errors), errors
    assert len(answers) >= 2 * 3 * len(clients)  # before the crash and after the restart


# In a real browser: the message shows, and what the user typed stays


@pytest.fixture
def small_ui(backend: FaultBackend) -> Iterator[str]:
    """A page for two of the faults only (few tabs to click through)."""
    from support.servers import serve_gradio

    paths = FAULT_SPEC["paths"]
    spec = {
        **FAULT_SPEC,
        "paths": {
            "/status/{code}": {"post": paths["/status/{code}"]["post"]},
            "/hang": {"get": paths["/hang"]["get"]},
        },
    }
    with serve_gradio(autoui.build_app(spec, base_url=backend.url, timeout=TIMEOUT)) as url:
        yield url


def test_the_form_keeps_its_values_after_an_error(page, small_ui, backend) -> None:
    from playwright.sync_api import expect
    from support.browser import open_gradio, show_optional

    open_gradio(page, small_ui)
    page.get_by_role("tab", name="POST /status/{code}", exact=True).click()
    show_optional(page)
    typed = {
        "code (path) *": "503",
        "retry_after (query)": "3600",
        "key (query)": "browser",
        "prompt *": "A long prompt\nthat took a while to write.",
    }
    for label, value in typed.items():
        page.get_by_label(label, exact=True).fill(value)
    page.locator("#send-post_status").click()
    status = page.locator(".autoui-status").filter(visible=True).first
    expect(status).to_contain_text(
        "HTTP 503 Service Unavailable: the backend answered 503 on purpose", timeout=30_000
    )
    for label, value in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    page.get_by_role("tab", name="GET /hang", exact=True).click()
    page.locator("#send-get_hang").click()
    status = page.locator(".autoui-status").filter(visible=True).first
    expect(status).to_contain_text("no answer from", timeout=30_000)
    expect(status).to_contain_text("within 2 s (raise it with --timeout)")
    assert "Traceback" not in page.content()
    # The message reads as written: the API's address a working link, the option code.
    link = status.get_by_role("link")
    expect(link).to_have_text(backend.url)
    expect(link).to_have_attribute("href", backend.url)
    expect(status.locator("code")).to_have_text("--timeout")
    assert "\\" not in status.inner_text()
