"""End to end: the example API and `autoui serve` run for real; every example operation
is called through gradio_client, and what comes back is compared with what the API
itself answers for the same input."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path

import pytest
import requests
from gradio_client import Client, handle_file
from PIL import Image


@pytest.fixture(scope="module")
def client(autoui_server: str) -> Client:
    return Client(autoui_server, verbose=False)


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small two-colour picture, saved as JPEG like a user's photo."""
    image = Image.new("RGB", (320, 200), (30, 60, 200))
    image.paste((250, 250, 250), (0, 0, 320, 60))
    path = tmp_path_factory.mktemp("img") / "photo.jpg"
    image.save(path, "JPEG", quality=90)
    return path


def _b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def test_generate_returns_the_response_text(client: Client, example_api: str) -> None:
    direct = requests.post(
        f"{example_api}/generate", json={"prompt": "The module", "seed": 7}, timeout=30
    ).json()
    result = client.predict(prompt="The module", seed=7, api_name="/generate")
    assert result == direct["response"]
    assert result.startswith("The module ")


def test_describe_image_sends_the_upload_as_base64(
    client: Client, example_api: str, photo: Path
) -> None:
    direct = requests.post(
        f"{example_api}/describe_image", json={"image": _b64(photo)}, timeout=30
    ).json()
    result = client.predict(image=handle_file(str(photo)), api_name="/describe_image")
    assert result == direct["description"]
    assert "320\u00d7200" in result


def test_transform_returns_the_png_the_api_made(
    client: Client, example_api: str, photo: Path
) -> None:
    direct = requests.post(
        f"{example_api}/transform",
        json={"image": _b64(photo), "operation": "grayscale"},
        timeout=30,
    )
    result = client.predict(
        image=handle_file(str(photo)), operation="grayscale", api_name="/transform"
    )
    assert Path(result).read_bytes() == direct.content
    with Image.open(result) as image:
        assert image.mode == "L"


def test_sentiment_label(client: Client) -> None:
    assert client.predict(text="I love this, it is wonderful", api_name="/sentiment") == "positive"
    assert client.predict(text="This is awful and I hate it", api_name="/sentiment") == "negative"


def test_words_with_path_query_and_header(client: Client, example_api: str) -> None:
    direct = requests.get(f"{example_api}/words/the", params={"limit": 3}, timeout=30).json()
    result = client.predict(word="the", limit=3, x_request_id="req-1", api_name="/words")
    assert result == direct
    assert len(result["followers"]) == 3


def test_unknown_word_reports_the_api_detail(client: Client) -> None:
    with pytest.raises(Exception, match=r"HTTP 404 Not Found: .*zzqqx"):
        client.predict(word="zzqqx", api_name="/words")


def test_speak_returns_the_wav(client: Client, example_api: str) -> None:
    direct = requests.post(f"{example_api}/speak", json={"text": "sos"}, timeout=30)
    result = client.predict(text="sos", api_name="/speak")
    assert Path(result).read_bytes() == direct.content
    with wave.open(str(result)) as wav:
        assert wav.getnframes() > 0


def test_report_is_a_pdf_named_by_the_api(client: Client, photo: Path) -> None:
    result = client.predict(image=handle_file(str(photo)), api_name="/report")
    assert Path(result).name == "report.pdf"
    assert Path(result).read_bytes().startswith(b"%PDF")


def test_chat_completion_answer(client: Client, example_api: str) -> None:
    messages = [{"role": "user", "content": "Tell me about files"}]
    direct = requests.post(
        f"{example_api}/v1/chat/completions", json={"messages": messages, "seed": 3}, timeout=30
    ).json()
    result = client.predict(messages=messages, seed=3, api_name="/chat_completions")
    assert result == direct["choices"][0]["message"]["content"]


def test_streamed_generation_is_the_joined_text(client: Client, example_api: str) -> None:
    body = {"prompt": "The module", "seed": 7, "max_words": 12}
    plain = requests.post(f"{example_api}/generate", json=body, timeout=30).json()["response"]
    result = client.predict(
        prompt="The module", seed=7, max_words=12, delay=0, api_name="/generate_stream"
    )
    assert "The module " + result.strip() == plain


def test_health(client: Client) -> None:
    assert client.predict(api_name="/health") == "ok"


def test_wav_is_real_audio(example_api: str) -> None:
    reply = requests.post(f"{example_api}/speak", json={"text": "e"}, timeout=30)
    with wave.open(io.BytesIO(reply.content)) as wav:
        assert wav.getnchannels() == 1
