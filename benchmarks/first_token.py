"""How soon a streamed chat token is visible in the page after the server sent it.

    python benchmarks/first_token.py [--rounds 4] [--messages 6]

One streaming chat backend (`baselines.py chat_backend`: OpenAI-style SSE, a token every
80 ms, each stamped with the wall-clock time its chunk was written to the socket) is
fronted by autoui (`autoui serve` of the backend's /openapi.json: its chat view) and by
a hand-written `gr.ChatInterface` streaming from it with `requests`
(`baselines.py handwritten_chat`: the glue autoui replaces). Headless Chromium sends
messages in each page; a MutationObserver notes `Date.now()` when each token's text
first appears in the conversation (same machine, same clock). Per app and round, one
page load and `--messages` messages; the apps alternate round by round.

Reported: the median and 90th percentile of the first token's latency (server sent ->
text in the page) and of every later token's, per app, and autoui's / the baseline's.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

import requests
from baselines import TOKENS  # the backend's answer to every message
from common import (
    CHROMIUM_ARGS,
    Server,
    autoui_serve,
    baseline,
    load_average,
    median,
    save,
    servers,
)
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 60_000
TARGET_MS = 50.0
AUTOUI_OP = "createChatCompletion"

# Notes when each awaited token first shows in the conversation's text.
WATCH = """chat => {
    window.__want = []; window.__seen = {};
    const look = () => {
        const text = document.querySelector(chat).textContent;
        const now = Date.now();
        for (const token of window.__want)
            if (!(token in window.__seen) && text.includes(token)) window.__seen[token] = now;
    };
    new MutationObserver(look).observe(document.body,
        {subtree: true, childList: true, characterData: true});
}"""


def p90(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=10, method="inclusive")[-1], 2)


def open_chat(page: Page, kind: str, url: str) -> tuple[str, str]:
    """Open the app's chat; the selectors of its conversation and of its message box."""
    if kind == "autoui":
        page.goto(f"{url}/?op={AUTOUI_OP}", timeout=TIMEOUT_MS)
        chat, box = f"#chatbot-{AUTOUI_OP}", f"#chat-input-{AUTOUI_OP} textarea"
    else:
        page.goto(url + "/", timeout=TIMEOUT_MS)
        chat, box = "#chatbot-handwritten", "#chat-input-handwritten textarea"
    page.locator(box).wait_for(state="visible", timeout=TIMEOUT_MS)
    page.locator(chat).wait_for(state="attached", timeout=TIMEOUT_MS)
    page.evaluate(WATCH, chat)
    return chat, box


def one_message(page: Page, box: str, key: str, backend: str) -> list[float]:
    """Send message `key`; each token's latency in ms, server sent -> shown."""
    tokens = [f"{key}w{i:02d}" for i in range(TOKENS)]
    page.evaluate("tokens => { window.__want = tokens; window.__seen = {}; }", tokens)
    page.locator(box).fill(f"{key} tell me something")
    page.locator(box).press("Enter")
    page.wait_for_function(
        "n => Object.keys(window.__seen).length === n", arg=TOKENS, timeout=TIMEOUT_MS
    )
    seen = page.evaluate("() => window.__seen")
    sent = requests.get(f"{backend}/sent", params={"id": key}, timeout=10).json()
    assert len(sent) == TOKENS, (key, sent)
    # The answer is complete in the page; let the app settle before the next message.
    page.locator(box).wait_for(state="visible")
    page.wait_for_function(
        "box => !document.querySelector(box).disabled", arg=box, timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(300)
    return [round(seen[t] - s, 2) for t, s in zip(tokens, sent, strict=True)]


def summary(latencies: list[list[float]]) -> dict[str, Any]:
    first = [message[0] for message in latencies]
    later = [ms for message in latencies for ms in message[1:]]
    return {
        "messages": len(latencies),
        "first_token_ms": {"median": median(first), "p90": p90(first)},
        "per_token_ms": {"median": median(later), "p90": p90(later)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--messages", type=int, default=6)
    parser.add_argument("--trial", action="store_true", help="print, do not save")
    args = parser.parse_args()
    with Server(baseline("chat_backend"), "/openapi.json", name="chat backend") as backend:
        apps = (
            ("autoui", autoui_serve(f"{backend.url}/openapi.json", base_url=backend.url), "/"),
            ("handwritten", baseline("handwritten_chat", "--backend", backend.url), "/"),
        )
        with servers(*apps) as started, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            runs: dict[str, list[list[float]]] = {name: [] for name in started}
            loads: list[float] = []
            cpu_ms: dict[str, list[float]] = {name: [] for name in started}  # per message
            count = 0
            for round_ in range(-1, args.rounds):  # round -1 warms servers and caches up
                names = list(started) if round_ % 2 else list(started)[::-1]
                for name in names:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    _, box = open_chat(page, name, started[name].url)
                    messages = args.messages if round_ >= 0 else 2
                    cpu = started[name].cpu_s()
                    for _ in range(messages):
                        count += 1
                        latencies = one_message(page, box, f"m{count:04d}", backend.url)
                        if round_ >= 0:
                            runs[name].append(latencies)
                    if round_ >= 0:
                        cpu_ms[name].append((started[name].cpu_s() - cpu) * 1000 / messages)
                    context.close()
                    loads.append(load_average())
                    print(f"round {round_} {name}: last {latencies} load {loads[-1]}", flush=True)
            browser.close()
    result = {name: summary(latencies) for name, latencies in runs.items()}
    for name, spent in cpu_ms.items():  # the app server's CPU per message, all threads
        result[name]["server_cpu_ms_per_message"] = median(spent)
    ours, theirs = result["autoui"], result["handwritten"]
    ratios = {
        key: round(ours[key]["median"] / theirs[key]["median"], 3)
        for key in ("first_token_ms", "per_token_ms")
    }
    data = {
        "rounds": args.rounds,
        "tokens_per_message": TOKENS,
        "target_ms": TARGET_MS,
        "median": result,
        "ratios": ratios,
        "load_average": {"min": min(loads), "max": max(loads)},
        "runs": runs,
    }
    if not args.trial:
        save("first_token", data)
    print({"median": result, "ratios": ratios, "load": data["load_average"]})


if __name__ == "__main__":
    main()
