"""End-to-end tests of the bundled example model API (``autoui_examples``).

The app is served for real by uvicorn on a free loopback port and called over HTTP
with ``requests``, so these tests see exactly what autoui (or a user with curl) sees.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
TIMES = "\u00d7"  # the multiplication sign the descriptions use ("200 by 100")
EXAMPLES = ROOT / "examples"


def _import_examples() -> Any:
    """``autoui_examples.model_api``, from the install or, failing that, the checkout.

    The package is only importable under that name once autoui is installed, and
    these tests must also run from a bare checkout.
    """
    try:
        from autoui_examples import model_api
    except ImportError:
        spec = importlib.util.spec_from_file_location(
            "autoui_examples", EXAMPLES / "__init__.py", submodule_search_locations=[str(EXAMPLES)]
        )
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules["autoui_examples"] = package
        spec.loader.exec_module(package)
        from autoui_examples import model_api
    return model_api


model_api = _import_examples()


# --- helpers -----------------------------------------------------------------------------


class LiveServer:
    """The example app served by uvicorn in a background thread."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))  # the OS picks a free port; no race
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(model_api.create_app(), log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the example API did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    """Base URL of a running example API, shared by the tests of this module."""
    with LiveServer() as server:
        yield server.url


def post(api: str, path: str, body: dict[str, Any], **kwargs: Any) -> requests.Response:
    return requests.post(api + path, json=body, timeout=30, **kwargs)


def b64_image(image: Image.Image, fmt: str = "PNG") -> str:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def two_tone(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """Dark blue with a white band over the top third."""
    image = Image.new("RGB", size, (10, 20, 110))
    ImageDraw.Draw(image).rectangle((0, 0, size[0], size[1] // 3), fill="white")
    return image


def rainbow(size: tuple[int, int] = (120, 80)) -> Image.Image:
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    colors = ["red", "orange", "yellow", "green", "blue", "purple"]
    stripe = size[0] // len(colors)
    for i, color in enumerate(colors):
        draw.rectangle((i * stripe, 0, (i + 1) * stripe, size[1]), fill=color)
    return image


def sse_events(response: requests.Response) -> Iterator[tuple[float, str]]:
    """(arrival time, data) of each server-sent event, read as the bytes arrive."""
    for raw in response.iter_lines():
        line = raw.decode("utf-8")
        if line.startswith("data: "):
            yield time.monotonic(), line[len("data: ") :]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- meta and OpenAPI --------------------------------------------------------------------


def test_health(api: str) -> None:
    reply = requests.get(api + "/health", timeout=10)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_openapi_document_is_valid_and_complete(api: str) -> None:
    from openapi_spec_validator import validate

    doc = requests.get(api + "/openapi.json", timeout=10).json()
    validate(doc)
    assert doc["info"]["title"] == "autoui example model API"
    assert doc["info"]["description"]
    assert {tag["name"] for tag in doc["tags"]} >= {"text", "image", "audio", "chat"}
    operations = {
        (method.upper(), path): op
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
    }
    assert set(operations) == {
        ("POST", "/generate"),
        ("POST", "/generate/stream"),
        ("GET", "/words/{word}"),
        ("POST", "/v1/chat/completions"),
        ("POST", "/describe_image"),
        ("POST", "/transform"),
        ("POST", "/sentiment"),
        ("POST", "/speak"),
        ("POST", "/report"),
        ("GET", "/health"),
    }
    # FastAPI's default operationIds are kept.
    assert operations["POST", "/generate"]["operationId"] == "generate_generate_post"
    assert operations["GET", "/words/{word}"]["operationId"] == "words_words__word__get"

    def content_types(method: str, path: str) -> set[str]:
        return set(operations[method, path]["responses"]["200"]["content"])

    assert content_types("POST", "/transform") == {"image/png"}
    assert content_types("POST", "/speak") == {"audio/wav"}
    assert content_types("POST", "/report") == {"application/pdf"}
    assert content_types("POST", "/generate/stream") == {"text/event-stream"}
    assert content_types("POST", "/v1/chat/completions") == {
        "application/json",
        "text/event-stream",
    }

    schemas = doc["components"]["schemas"]
    image_field = schemas["ImageRequest"]["properties"]["image"]
    assert image_field["type"] == "string" and "format" not in image_field
    assert schemas["TransformRequest"]["properties"]["amount"]["default"] == 2
    assert schemas["Operation"]["enum"] == [
        "grayscale",
        "blur",
        "edges",
        "posterize",
        "rotate",
        "thumbnail",
    ]
    params = {p["name"]: p for p in operations["GET", "/words/{word}"]["parameters"]}
    assert params["word"]["in"] == "path"
    assert params["limit"]["in"] == "query" and params["limit"]["schema"]["default"] == 10
    assert params["min_count"]["in"] == "query"
    assert params["X-Request-Id"]["in"] == "header" and not params["X-Request-Id"]["required"]


def test_openapi_examples_work(api: str) -> None:
    """The example image published in the schema is itself a decodable image."""
    doc = requests.get(api + "/openapi.json", timeout=10).json()
    example = doc["components"]["schemas"]["ImageRequest"]["properties"]["image"]["examples"][0]
    reply = post(api, "/describe_image", {"image": example})
    assert reply.status_code == 200, reply.text
    assert "red" in reply.json()["description"]


# --- text generation ---------------------------------------------------------------------


def test_generate_continues_the_prompt(api: str) -> None:
    prompt = "The file object"
    reply = post(api, "/generate", {"prompt": prompt, "max_words": 25, "seed": 7})
    assert reply.status_code == 200
    text = reply.json()["response"]
    assert text.startswith(prompt + " ")
    assert len(text.split()) == len(prompt.split()) + 25


def test_generate_is_deterministic_per_seed(api: str) -> None:
    def generate(seed: int) -> str:
        body = {"prompt": "The file", "max_words": 40, "seed": seed}
        return post(api, "/generate", body).json()["response"]

    assert generate(1) == generate(1)
    assert generate(1) != generate(2)


def test_generate_continues_unknown_words_and_empty_prompts(api: str) -> None:
    for prompt in ["Zyzzyvas quibble", ""]:
        text = post(api, "/generate", {"prompt": prompt, "max_words": 10}).json()["response"]
        assert text.startswith(prompt)
        assert len(text.split()) == len(prompt.split()) + 10


def test_generate_rejects_out_of_range_length(api: str) -> None:
    for max_words in (0, 201):
        reply = post(api, "/generate", {"prompt": "The", "max_words": max_words})
        assert reply.status_code == 422
    assert post(api, "/generate", {"max_words": 5}).status_code == 422  # prompt is required


def test_generate_stream_is_incremental(api: str) -> None:
    body: dict[str, Any] = {"prompt": "The socket", "max_words": 6, "seed": 3, "delay": 0.15}
    with requests.post(api + "/generate/stream", json=body, stream=True, timeout=30) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        events = list(sse_events(reply))
    assert events[-1][1] == "[DONE]"
    words = [json.loads(data)["choices"][0]["delta"]["content"] for _, data in events[:-1]]
    assert len(words) == 6 and all(w.endswith(" ") and w.strip() for w in words)
    # Spread over time (about 5 delays), not delivered in one burst at the end.
    assert events[-2][0] - events[0][0] > 0.4
    # The streamed words are exactly what /generate adds for the same seed.
    plain = post(api, "/generate", {"prompt": "The socket", "max_words": 6, "seed": 3})
    assert plain.json()["response"] == "The socket " + "".join(words).strip()


def test_words_lists_followers(api: str) -> None:
    reply = requests.get(
        api + "/words/the", params={"limit": 5}, headers={"X-Request-Id": "req-42"}, timeout=10
    )
    assert reply.status_code == 200
    assert reply.headers["X-Request-Id"] == "req-42"
    data = reply.json()
    assert data["word"] == "the"
    counts = [f["count"] for f in data["followers"]]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True) and counts[0] > 1
    assert all(isinstance(f["word"], str) and f["word"] for f in data["followers"])


def test_words_min_count_and_case(api: str) -> None:
    reply = requests.get(api + "/words/The", params={"limit": 100, "min_count": 20}, timeout=10)
    followers = reply.json()["followers"]
    assert followers and all(f["count"] >= 20 for f in followers)
    everything = requests.get(api + "/words/the", params={"limit": 100}, timeout=10).json()
    assert len(everything["followers"]) > len(followers)


def test_words_unknown_word_is_404(api: str) -> None:
    reply = requests.get(api + "/words/qzxwvkjplm", timeout=10)
    assert reply.status_code == 404
    assert "qzxwvkjplm" in reply.json()["detail"]


# --- OpenAI-compatible chat --------------------------------------------------------------

CHAT: dict[str, Any] = {
    "model": "markov",
    "messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Tell me about the socket"},
    ],
    "max_tokens": 30,
    "seed": 5,
}


def test_chat_completion(api: str) -> None:
    reply = post(api, "/v1/chat/completions", CHAT)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    assert data["object"] == "chat.completion"
    assert data["id"].startswith("chatcmpl-")
    assert data["model"] == "markov"
    choice = data["choices"][0]
    assert choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    assert content and len(content.split()) <= 30
    assert choice["finish_reason"] in {"stop", "length"}
    assert data["usage"]["completion_tokens"] == len(content.split())
    assert (
        post(api, "/v1/chat/completions", CHAT).json()["choices"][0]["message"] == choice["message"]
    )


def test_chat_completion_stream(api: str) -> None:
    body = {**CHAT, "stream": True}
    with requests.post(api + "/v1/chat/completions", json=body, stream=True, timeout=30) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        events = [data for _, data in sse_events(reply)]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(data) for data in events[:-1]]
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk["id"] for chunk in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] in {"stop", "length"}
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    plain = post(api, "/v1/chat/completions", CHAT).json()["choices"][0]["message"]["content"]
    assert streamed == plain


def test_chat_completion_validation(api: str) -> None:
    assert post(api, "/v1/chat/completions", {"messages": []}).status_code == 422
    bad_role = {"messages": [{"role": "robot", "content": "hi"}]}
    assert post(api, "/v1/chat/completions", bad_role).status_code == 422


# --- images ------------------------------------------------------------------------------


def test_describe_red_landscape(api: str) -> None:
    reply = post(api, "/describe_image", {"image": b64_image(Image.new("RGB", (200, 100), "red"))})
    assert reply.status_code == 200, reply.text
    data = reply.json()
    text = data["description"]
    assert f"200{TIMES}100" in text and "landscape" in text and "red" in text
    assert (data["width"], data["height"]) == (200, 100)
    assert data["dominant_colors"][0]["name"] == "red"
    assert data["dominant_colors"][0]["share"] == pytest.approx(1.0)


def test_describe_blue_square(api: str) -> None:
    reply = post(api, "/describe_image", {"image": b64_image(Image.new("RGB", (64, 64), "blue"))})
    text = reply.json()["description"]
    assert "blue" in text and "square" in text and f"64{TIMES}64" in text


def test_describe_two_tone_jpeg(api: str) -> None:
    image = b64_image(two_tone((480, 640)), fmt="JPEG")
    data = post(api, "/describe_image", {"image": image}).json()
    text = data["description"]
    assert "portrait" in text and "dark blue" in text and "white" in text
    assert "high contrast" in text and "sharp" in text
    assert data["format"] == "JPEG"


def test_describe_distinguishes_dark_and_bright(api: str) -> None:
    def describe(color: str) -> dict[str, Any]:
        image = b64_image(Image.new("RGB", (50, 50), color))
        return post(api, "/describe_image", {"image": image}).json()

    dark, bright = describe("black"), describe("white")
    assert dark["brightness"] < 0.1 < 0.9 < bright["brightness"]
    assert "dark" in dark["description"] and "bright" in bright["description"]


def test_describe_accepts_data_urls(api: str) -> None:
    image = "data:image/png;base64," + b64_image(Image.new("RGB", (10, 20), "green"))
    reply = post(api, "/describe_image", {"image": image})
    assert reply.status_code == 200
    assert "portrait" in reply.json()["description"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("this is not base64!", "base64"),
        (base64.b64encode(b"hello, not an image").decode(), "image"),
        ("", "empty"),
    ],
)
def test_describe_rejects_bad_images(api: str, payload: str, expected: str) -> None:
    reply = post(api, "/describe_image", {"image": payload})
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert isinstance(detail, str) and expected in detail


def png_reply(reply: requests.Response) -> Image.Image:
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "image/png"
    assert reply.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(reply.content))
    image.load()
    return image


def test_transform_grayscale_is_gray(api: str) -> None:
    body = {"image": b64_image(rainbow()), "operation": "grayscale"}
    image = png_reply(post(api, "/transform", body)).convert("RGB")
    assert image.size == (120, 80)
    red, green, blue = (image.getchannel(band).tobytes() for band in "RGB")
    assert red == green == blue
    assert len(set(red)) > 1  # the stripes stay distinguishable


@pytest.mark.parametrize(
    ("operation", "amount", "size"),
    [
        ("blur", 3, (120, 80)),
        ("edges", 2, (120, 80)),
        ("posterize", 6, (120, 80)),
        ("rotate", 5, (80, 120)),  # 5 * 18 degrees is a quarter turn
        ("thumbnail", 4, (120, 80)),  # 128 px box: already smaller
        ("thumbnail", 10, (16, 11)),  # 16 px box
    ],
)
def test_transform_operations(
    api: str, operation: str, amount: float, size: tuple[int, int]
) -> None:
    body = {"image": b64_image(rainbow()), "operation": operation, "amount": amount}
    image = png_reply(post(api, "/transform", body))
    assert image.size == size


def test_transform_changes_pixels(api: str) -> None:
    source = rainbow()
    blurred = png_reply(
        post(api, "/transform", {"image": b64_image(source), "operation": "blur", "amount": 5})
    ).convert("RGB")
    assert blurred.tobytes() != source.tobytes()
    posterized = png_reply(
        post(
            api,
            "/transform",
            {"image": b64_image(two_tone()), "operation": "posterize", "amount": 7},
        )
    ).convert("RGB")
    assert set(posterized.tobytes()) == {0, 128}  # one bit per channel is left


def test_transform_validation(api: str) -> None:
    image = b64_image(rainbow())
    assert post(api, "/transform", {"image": image, "operation": "melt"}).status_code == 422
    body = {"image": image, "operation": "blur", "amount": 11}
    assert post(api, "/transform", body).status_code == 422
    bad = post(api, "/transform", {"image": "%%%", "operation": "blur"})
    assert bad.status_code == 422 and "base64" in bad.json()["detail"]


def test_report_is_a_pdf_attachment(api: str) -> None:
    reply = post(api, "/report", {"image": b64_image(two_tone())})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.headers["content-disposition"] == 'attachment; filename="report.pdf"'
    assert reply.content.startswith(b"%PDF")
    assert b"/Image" in reply.content and reply.content.rstrip().endswith(b"%%EOF")
    assert post(api, "/report", {"image": "nope"}).status_code == 422


# --- sentiment ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love this, it is wonderful", "positive"),
        ("This is terrible and I hate it", "negative"),
        ("The table is made of wood", "neutral"),
    ],
)
def test_sentiment(api: str, text: str, label: str) -> None:
    reply = post(api, "/sentiment", {"text": text})
    assert reply.status_code == 200
    data = reply.json()
    assert data["label"] == label
    assert set(data["scores"]) == {"positive", "negative", "neutral"}
    assert sum(data["scores"].values()) == pytest.approx(1.0, abs=0.01)
    assert -1 <= data["compound"] <= 1
    if label == "positive":
        assert data["compound"] > 0.5 and data["scores"]["positive"] > data["scores"]["negative"]


def test_sentiment_requires_text(api: str) -> None:
    assert post(api, "/sentiment", {"text": ""}).status_code == 422


# --- audio -------------------------------------------------------------------------------


def wav_reply(reply: requests.Response) -> tuple[Any, bytes]:
    """The WAV parameters (``wave._wave_params``) and frames of an audio reply."""
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(reply.content)) as wav:
        return wav.getparams(), wav.readframes(wav.getnframes())


def test_speak_returns_morse_wav(api: str) -> None:
    reply = post(api, "/speak", {"text": "SOS", "wpm": 20})
    wav, frames = wav_reply(reply)
    assert reply.headers["X-Morse-Code"] == "... --- ..."
    assert (wav.nchannels, wav.sampwidth) == (1, 2)
    assert wav.framerate in (8000, 16000)
    # SOS is 27 dot units plus one unit of silence at each end; a unit is 1.2 / wpm s.
    duration = wav.nframes / wav.framerate
    assert duration == pytest.approx(29 * 1.2 / 20, abs=0.01)
    samples = memoryview(frames).cast("h")
    assert max(samples) > 8000 and min(samples) < -8000  # an audible tone, not silence


def test_speak_duration_grows_with_text_and_falls_with_speed(api: str) -> None:
    def duration(text: str, wpm: int) -> float:
        wav, _ = wav_reply(post(api, "/speak", {"text": text, "wpm": wpm}))
        return wav.nframes / wav.framerate

    short, long = duration("hi", 20), duration("hello world, how are you", 20)
    assert long > 3 * short
    assert duration("hello", 10) == pytest.approx(2 * duration("hello", 20), rel=0.02)


def test_speak_validation(api: str) -> None:
    assert post(api, "/speak", {"text": "SOS", "wpm": 50}).status_code == 422
    reply = post(api, "/speak", {"text": "😀 ~~"})
    assert reply.status_code == 422 and "Morse" in reply.json()["detail"]


# --- running it as a program -------------------------------------------------------------


def _wait_for_health(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise AssertionError(f"server exited: {stderr[-2000:]}")
        try:
            if requests.get(url + "/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("server did not answer /health")


def test_runs_as_a_script_with_the_same_output(api: str) -> None:
    """``python examples/model_api.py --port N`` serves on loopback; the text a seed
    gives is the same in another process (no dependence on hash randomization)."""
    port = free_port()
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    command = [sys.executable, str(EXAMPLES / "model_api.py"), "--port", str(port)]
    with subprocess.Popen(
        command, cwd=ROOT / "tests", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as process:
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_health(url, process)
            body = {"prompt": "The file", "max_words": 30, "seed": 11}
            assert post(url, "/generate", body).json() == post(api, "/generate", body).json()
        finally:
            process.terminate()
            process.wait(timeout=10)
