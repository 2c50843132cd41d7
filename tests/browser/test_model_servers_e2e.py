"""Issue 15, end to end: model servers get the UI their users expect.

Each fake model server (tests/support/model_servers: the corpus's real spec, the real
server's validation and error shapes) is put behind autoui's UI, and a user's first
steps are taken in Chromium or through gradio_client: the form as it opens works (type
a prompt, press Send); pick a model and chat, token by token, history kept; a generated
image is shown as a picture of the requested size; audio plays; vectors are visible as
numbers; and nothing is sent that the user did not set (the fake records every request).

Most of these fail today. Each failing one is marked `xfail(strict=True)` with what is
missing, so the suite stays green and a fix turns it into an XPASS failure: remove the
marker then. Where things are in the page is in tests/support/model_ui.py.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from gradio_client import Client
from PIL import Image
from playwright.sync_api import Page, expect
from support.model_servers import SPEC_URLS, Recorder, synth
from support.model_servers.fixtures import Pool
from support.model_ui import WAIT, ModelPage, loaded_picture_size
from support.servers import serve_gradio

import autoui

TIMEOUT = 20  # seconds autoui waits for a fake


@dataclass
class Served:
    """A fake model server and autoui's UI in front of it."""

    ui: str
    api: str
    recorder: Recorder


UIs = Callable[..., Served]


@pytest.fixture(scope="module")
def uis(model_server_pool: Pool) -> Iterator[UIs]:
    """autoui built from a fake's spec and served on loopback, once per module and spec:
    `uis("tgi")`, or `uis("kserve", "/oip/generate_rest.json")` for another document."""
    built: dict[tuple[str, str], Served] = {}
    with contextlib.ExitStack() as stack:

        def get(name: str, spec_path: str | None = None) -> Served:
            path = spec_path or SPEC_URLS[name]
            if (name, path) not in built:
                api, recorder = model_server_pool(name)
                demo = autoui.build_app(f"{api}{path}", timeout=TIMEOUT)
                built[name, path] = Served(stack.enter_context(serve_gradio(demo)), api, recorder)
            served = built[name, path]
            served.recorder.clear()
            return served

        yield get


@contextlib.contextmanager
def held(recorder: Recorder) -> Iterator[None]:
    """Hold the fake's streams after their first chunk until the block ends."""
    recorder.gate.close()
    try:
        yield
    finally:
        recorder.gate.open()


def png_file(
    tmp_path: Path,
    size: tuple[int, int],
    mode: str = "RGB",
    colour: tuple[int, ...] = (200, 30, 30),
) -> Path:
    path = tmp_path / f"picture-{mode}.png"
    Image.new(mode, size, colour if mode == "RGB" else (*colour, 255)).save(path)
    return path


def prefix(value: float) -> str:
    """The first four decimals of a number as text (how much of it a page must show)."""
    text = str(value)
    return text[: text.index(".") + 5]


# --- Text Generation Inference -------------------------------------------------------


def test_tgi_generate_works_as_the_form_opens(page: Page, uis: UIs) -> None:
    served = uis("tgi")
    ui = ModelPage(page, served.ui)
    ui.open("generate")
    ui.type_into("body-inputs", "Hello there")
    ui.send("generate")
    ui.done("generate")
    expect(ui.answer_text("generate")).to_have_value("Echo: Hello there")
    assert served.recorder.last("/generate").json == {"inputs": "Hello there"}


def test_tgi_generate_stream_shows_each_token_as_it_comes(page: Page, uis: UIs) -> None:
    served = uis("tgi")
    ui = ModelPage(page, served.ui)
    ui.open("generate_stream")
    ui.type_into("body-inputs", "one two three")
    with held(served.recorder):
        ui.send("generate_stream")
        expect(ui.answer_text("generate_stream")).to_have_value("Echo:", timeout=WAIT)
    expect(ui.answer_text("generate_stream")).to_have_value("Echo: one two three", timeout=WAIT)
    assert served.recorder.last("/generate_stream").json == {"inputs": "one two three"}


def test_tgi_chat_keeps_the_conversation(page: Page, uis: UIs) -> None:
    served = uis("tgi")
    ui = ModelPage(page, served.ui)
    ui.open("chat_completions")
    ui.say("chat_completions", "Hello")
    expect(ui.assistant_turns("chat_completions").last).to_have_text("Turn 1: Hello", timeout=WAIT)
    ui.say("chat_completions", "Again")
    expect(ui.assistant_turns("chat_completions").last).to_have_text("Turn 2: Again", timeout=WAIT)
    sent = served.recorder.last("/v1/chat/completions").json
    assert sent["messages"] == [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Turn 1: Hello"},
        {"role": "user", "content": "Again"},
    ]
    assert set(sent) <= {"messages", "stream"}


def test_tgi_generate_through_gradio_client_with_only_the_prompt(uis: UIs) -> None:
    served = uis("tgi")
    client = Client(served.ui, verbose=False)
    assert client.predict(inputs="Hi you", api_name="/generate") == "Echo: Hi you"
    assert served.recorder.last("/generate").json == {"inputs": "Hi you"}


# --- Text Embeddings Inference -------------------------------------------------------


def test_tei_embed_shows_the_vector_as_numbers(page: Page, uis: UIs) -> None:
    served = uis("tei")
    ui = ModelPage(page, served.ui)
    ui.open("embed")
    ui.type_into("body-inputs", "What is Deep Learning?")
    ui.send("embed")
    ui.done("embed")
    vector = synth.embedding("What is Deep Learning?")
    expect(ui.answer("embed")).to_contain_text(prefix(vector[0]))
    expect(ui.answer("embed")).to_contain_text(prefix(vector[-1]))
    assert served.recorder.last("/embed").json == {"inputs": "What is Deep Learning?"}


# --- Ollama --------------------------------------------------------------------------


def test_ollama_chat_offers_the_server_s_models(page: Page, uis: UIs) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("chat")
    offered = ui.chat_options("chat", "body-model", waiting_for="llama3.2:latest")
    assert offered[:2] == ["llama3.2:latest", "embeddinggemma:latest"]
    assert served.recorder.to("/api/tags", "GET")  # read from the server, not invented


def test_ollama_model_list_is_read_only_when_the_picker_is_opened(page: Page, uis: UIs) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("generate")
    expect(ui.field("body-model")).to_be_visible()
    assert not served.recorder.to("/api/tags")  # opening the page asks nothing
    assert "llama3.2:latest" in ui.options("body-model", waiting_for="llama3.2:latest")
    assert len(served.recorder.to("/api/tags", "GET")) == 1
    ui.type_into("body-model", "llama3.2")  # a name the list does not spell so is taken
    ui.type_into("body-prompt", "Hi")
    ui.send("generate")
    expect(ui.answer_text("generate")).to_have_value("Echo: Hi", timeout=WAIT)
    assert served.recorder.last("/api/generate").json["model"] == "llama3.2"


def test_ollama_chat_streams_token_by_token_and_keeps_history(page: Page, uis: UIs) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("chat")
    ui.chat_set("chat", "body-model", "llama3.2")
    ui.say("chat", "Hello")
    expect(ui.assistant_turns("chat").last).to_have_text("Turn 1: Hello", timeout=WAIT)
    with held(served.recorder):
        ui.say("chat", "Again please")
        expect(ui.assistant_turns("chat").last).to_have_text("Turn 2:", timeout=WAIT)
    expect(ui.assistant_turns("chat").last).to_have_text("Turn 2: Again please", timeout=WAIT)
    sent = served.recorder.last("/api/chat").json
    assert sent["model"] == "llama3.2"
    assert sent["messages"][-1] == {"role": "user", "content": "Again please"}
    assert len(sent["messages"]) == 3
    assert set(sent) <= {"model", "messages", "stream"}


def test_ollama_chat_not_streamed_shows_the_message(page: Page, uis: UIs) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("chat")
    ui.chat_set("chat", "body-model", "llama3.2")
    ui.stream_answer("chat", on=False)
    ui.say("chat", "Hello")
    expect(ui.assistant_turns("chat").last).to_have_text("Turn 1: Hello", timeout=WAIT)
    ui.say("chat", "More")
    expect(ui.assistant_turns("chat").last).to_have_text("Turn 2: More", timeout=WAIT)
    assert served.recorder.last("/api/chat").json["messages"][1] == {
        "role": "assistant",
        "content": "Turn 1: Hello",
    }


def test_ollama_generate_streams_the_response(page: Page, uis: UIs) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("generate")
    ui.type_into("body-model", "llama3.2")
    ui.type_into("body-prompt", "Why is the sky blue?")
    with held(served.recorder):
        ui.send("generate")
        expect(ui.answer_text("generate")).to_have_value("Echo:", timeout=WAIT)
    expect(ui.answer_text("generate")).to_have_value("Echo: Why is the sky blue?", timeout=WAIT)
    sent = served.recorder.last("/api/generate").json
    assert {k: sent[k] for k in ("model", "prompt")} == {
        "model": "llama3.2",
        "prompt": "Why is the sky blue?",
    }


def test_ollama_generate_sends_only_what_the_user_set(page: Page, uis: UIs) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("generate")
    ui.type_into("body-model", "llama3.2")
    ui.type_into("body-prompt", "Hi")
    ui.send("generate")
    expect(ui.answer_text("generate")).to_have_value("Echo: Hi", timeout=WAIT)
    assert served.recorder.last("/api/generate").json == {"model": "llama3.2", "prompt": "Hi"}


def test_ollama_create_is_not_a_chat(page: Page, uis: UIs) -> None:
    ui = ModelPage(page, uis("ollama").ui)
    ui.open("create")
    assert not ui.has_chat("create")
    expect(ui.field("body-model")).to_be_visible()


# --- OpenAI (and LocalAI) ------------------------------------------------------------


def test_openai_chat_offers_the_server_s_models(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createChatCompletion")
    assert "gpt-4o-mini" in ui.chat_options("createChatCompletion", "body-model")
    # Opening the picker asks the server for its list (the answer comes a moment later).
    deadline = time.monotonic() + WAIT / 1000
    while not served.recorder.to("/v1/models", "GET"):
        assert time.monotonic() < deadline, "the picker never asked the server for its models"
        page.wait_for_timeout(200)


def test_openai_chat_streams_with_only_model_and_messages(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createChatCompletion")
    ui.chat_set("createChatCompletion", "body-model", "gpt-4o-mini")
    with held(served.recorder):
        ui.say("createChatCompletion", "Hello")
        expect(ui.assistant_turns("createChatCompletion").last).to_have_text(
            "Turn 1:", timeout=WAIT
        )
    expect(ui.assistant_turns("createChatCompletion").last).to_have_text(
        "Turn 1: Hello", timeout=WAIT
    )
    ui.say("createChatCompletion", "Again")
    expect(ui.assistant_turns("createChatCompletion").last).to_have_text(
        "Turn 2: Again", timeout=WAIT
    )
    sent = served.recorder.last("/v1/chat/completions").json
    assert set(sent) <= {"model", "messages", "stream"}


def test_openai_image_by_url_is_a_picture_of_the_default_size(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createImage")
    ui.type_into("body-prompt", "a red fox")
    ui.send("createImage")
    ui.done("createImage")
    expect(ui.pictures("createImage")).to_have_count(1)
    assert loaded_picture_size(ui.pictures("createImage").first) == (1024, 1024)
    assert served.recorder.last("/v1/images/generations").json == {"prompt": "a red fox"}


def test_openai_image_as_base64_is_a_picture_of_the_chosen_size(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createImage")
    ui.type_into("body-prompt", "a red fox")
    ui.choose("body-size", "256x256")
    ui.choose("body-response_format", "b64_json")
    ui.send("createImage")
    ui.done("createImage")
    assert loaded_picture_size(ui.pictures("createImage").first) == (256, 256)
    assert served.recorder.last("/v1/images/generations").json == {
        "prompt": "a red fox",
        "size": "256x256",
        "response_format": "b64_json",
    }


def test_openai_several_images_are_several_pictures(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createImage")
    ui.type_into("body-prompt", "two foxes")
    ui.type_into("body-n", "2")
    ui.send("createImage")
    ui.done("createImage")
    expect(ui.pictures("createImage")).to_have_count(2)
    assert served.recorder.last("/v1/images/generations").json == {"prompt": "two foxes", "n": 2}


def test_openai_speech_plays(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createSpeech")
    ui.type_into("body-model", "tts-1")
    ui.type_into("body-input", "Hello there, how are you?")
    ui.choose("body-voice", "alloy")
    ui.send("createSpeech")
    ui.done("createSpeech")
    expect(ui.sound("createSpeech")).to_have_count(1)
    assert ui.sound("createSpeech").get_attribute("src")
    assert served.recorder.last("/v1/audio/speech").json == {
        "model": "tts-1",
        "input": "Hello there, how are you?",
        "voice": "alloy",
    }


def test_openai_speech_through_gradio_client_takes_a_voice_name_or_object(uis: UIs) -> None:
    served = uis("openai")
    client = Client(served.ui, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = endpoints["/createSpeech"]["parameters"]
    voice = next(p for p in parameters if p["parameter_name"] == "voice")
    assert voice["python_type"]["type"] == "str | dict(str, Any)"
    client.predict(model="tts-1", input="Hi", voice="ash", api_name="/createSpeech")
    assert served.recorder.last("/v1/audio/speech").json == {
        "model": "tts-1",
        "input": "Hi",
        "voice": "ash",
    }


def test_openai_transcription_takes_audio_and_shows_text(
    page: Page, uis: UIs, tmp_path: Path
) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createTranscription")
    recording = tmp_path / "hello.wav"
    recording.write_bytes(synth.wav_tone(1.5))
    expect(ui.field("body-file").get_by_label("Record audio")).to_be_visible()  # a microphone too
    ui.upload("body-file", recording)
    ui.type_into("body-model", "whisper-1")
    ui.send("createTranscription")
    ui.done("createTranscription")
    expect(ui.answer_text("createTranscription")).to_have_value("I heard 1.5 seconds of audio.")
    parts = served.recorder.last("/v1/audio/transcriptions").multipart()
    assert set(parts) == {"file", "model"}
    assert parts["model"] == b"whisper-1"


def test_openai_embedding_shows_the_vector_as_numbers(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createEmbedding")
    ui.type_into("body-input", "hello world")
    ui.type_into("body-model", "text-embedding-3-small")
    ui.send("createEmbedding")
    ui.done("createEmbedding")
    vector = synth.embedding("hello world")
    expect(ui.answer("createEmbedding")).to_contain_text(prefix(vector[0]))
    expect(ui.answer("createEmbedding")).to_contain_text(prefix(vector[-1]))
    assert served.recorder.last("/v1/embeddings").json == {
        "input": "hello world",
        "model": "text-embedding-3-small",
    }


def test_localai_image_generation_is_a_picture_not_a_chat(page: Page, uis: UIs) -> None:
    served = uis("localai")
    ui = ModelPage(page, served.ui)
    api = "post__v1_images_generations"
    ui.open(api)
    assert not ui.has_chat(api)
    ui.type_into("body-prompt", "a fox")
    ui.type_into("body-size", "256x256")
    ui.send(api)
    ui.done(api)
    assert loaded_picture_size(ui.pictures(api).first) == (256, 256)


# --- Automatic1111 -------------------------------------------------------------------


def test_a1111_txt2img_shows_the_picture(page: Page, uis: UIs) -> None:
    served = uis("a1111")
    ui = ModelPage(page, served.ui)
    ui.open("text2imgapi")
    ui.type_into("body-prompt", "a castle on a hill")
    ui.send("text2imgapi")
    ui.done("text2imgapi")
    assert loaded_picture_size(ui.pictures("text2imgapi").first) == (512, 512)
    expect(page.locator('[id="result-text2imgapi-file"]')).to_be_hidden()  # not a file chip
    assert served.recorder.last("/sdapi/v1/txt2img").json == {"prompt": "a castle on a hill"}


def test_a1111_img2img_takes_an_uploaded_picture(page: Page, uis: UIs, tmp_path: Path) -> None:
    served = uis("a1111")
    ui = ModelPage(page, served.ui)
    ui.open("img2imgapi")
    ui.type_into("body-prompt", "make it blue")
    ui.upload("body-init_images", png_file(tmp_path, (32, 32)))
    ui.send("img2imgapi")
    ui.done("img2imgapi")
    assert loaded_picture_size(ui.pictures("img2imgapi").first) == (512, 512)
    sent = served.recorder.last("/sdapi/v1/img2img").json
    assert Image.open(io.BytesIO(base64.b64decode(sent["init_images"][0]))).size == (
        32,
        32,
    )


# --- KServe V2 / MLServer and the open inference protocol ----------------------------

IRIS = [
    {"name": "input-0", "shape": [2, 4], "datatype": "FP32", "data": [[1, 2, 3, 4], [1, 1, 1, 1]]}
]


def test_v2_infer_answers_the_output_tensors(uis: UIs) -> None:
    served = uis("kserve")
    client = Client(served.ui, verbose=False)
    result = client.predict(model_name="iris", inputs=IRIS, api_name="/model_inference")
    shown = json.dumps(result)
    assert "predict" in shown and "[1, 1]" in shown  # the output tensor: its name and data
    assert served.recorder.last("/v2/models/iris/infer").json == {"inputs": IRIS}


def test_oip_generate_stream_is_text_as_it_comes(uis: UIs) -> None:
    served = uis("kserve", "/oip/generate_rest.json")
    client = Client(served.ui, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    api = next(name for name in endpoints if name.endswith("generate_stream"))
    job = client.submit(
        MODEL_NAME="tiny-llm", MODEL_VERSION="1", text_input="tell me", api_name=api
    )
    outputs = list(job)
    assert outputs[-1] == "Echo: tell me"
    assert served.recorder.last("/v2/models/tiny-llm/versions/1/generate_stream").json == {
        "text_input": "tell me"
    }


# --- TorchServe ----------------------------------------------------------------------


def test_torchserve_classifies_an_uploaded_picture(page: Page, uis: UIs, tmp_path: Path) -> None:
    served = uis("torchserve")
    ui = ModelPage(page, served.ui)
    api = "predictions_3"  # POST /predictions/{model_name}, the third operationId `predictions`
    ui.open(api)
    ui.type_into("path-model_name", "resnet-18")
    picture = png_file(tmp_path, (16, 16), colour=(250, 10, 10))
    ui.upload("body-body", picture)
    ui.send(api)
    ui.done(api)
    expect(ui.labels(api)).to_contain_text("red")  # a label view: classes and confidences
    assert served.recorder.last("/predictions/resnet-18").body == picture.read_bytes()


# --- What the answer is shown as, whatever else the form sends -------------------------
# (The tests above also judge the whole request; these judge the answer's view alone.)


def test_tei_one_text_is_a_vector_and_several_a_table(page: Page, uis: UIs) -> None:
    served = uis("tei")
    ui = ModelPage(page, served.ui)
    ui.open("embed")
    ui.type_into("body-inputs", "What is Deep Learning?")
    ui.type_into("body-prompt_name", "")  # TEI refuses the spec's "null"
    ui.send("embed")
    ui.done("embed")
    vector = synth.embedding("What is Deep Learning?")
    expect(ui.answer("embed")).to_contain_text(f"{len(vector)} dimensions")
    expect(ui.answer("embed")).to_contain_text(prefix(vector[0]))
    expect(ui.answer("embed")).to_contain_text(prefix(vector[-1]))
    assert served.recorder.last("/embed").json["inputs"] == "What is Deep Learning?"

    ui.type_into("body-inputs", '["first text", "second text"]')
    ui.send("embed")
    ui.done("embed")
    expect(ui.answer("embed")).to_contain_text("2 vectors")  # a table, one row per input
    for text in ("first text", "second text"):
        expect(ui.answer("embed")).to_contain_text(prefix(synth.embedding(text)[0]))
    assert served.recorder.last("/embed").json["inputs"] == ["first text", "second text"]


def test_openai_one_picture_by_url_and_two_from_base64(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createImage")
    ui.type_into("body-prompt", "a red fox")
    ui.send("createImage")
    ui.done("createImage")
    expect(ui.pictures("createImage")).to_have_count(1)
    assert loaded_picture_size(ui.pictures("createImage").first) == (1024, 1024)

    ui.type_into("body-n", "2")
    ui.choose("body-response_format", "b64_json")
    ui.send("createImage")
    ui.done("createImage")
    expect(ui.pictures("createImage")).to_have_count(2)
    for i in range(2):
        assert loaded_picture_size(ui.pictures("createImage").nth(i)) == (1024, 1024)
    sent = served.recorder.last("/v1/images/generations").json
    assert (sent["n"], sent["response_format"]) == (2, "b64_json")


def test_openai_speech_is_a_player(page: Page, uis: UIs) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createSpeech")
    ui.type_into(ui.present("body-model", "body-model[string]"), "tts-1")
    ui.type_into("body-input", "Hello there, how are you?")
    ui.send("createSpeech")
    ui.done("createSpeech")
    expect(ui.sound("createSpeech")).to_have_count(1)
    assert ui.sound("createSpeech").get_attribute("src")
    sent = served.recorder.last("/v1/audio/speech").json
    assert (sent["model"], sent["input"]) == ("tts-1", "Hello there, how are you?")


def test_ollama_generate_sends_uploaded_pictures_as_base64(
    page: Page, uis: UIs, tmp_path: Path
) -> None:
    served = uis("ollama")
    ui = ModelPage(page, served.ui)
    ui.open("generate")
    ui.type_into("body-model", "llama3.2")
    ui.type_into("body-prompt", "What is in this picture?")
    picture = png_file(tmp_path, (24, 16))
    ui.upload("body-images", picture)
    expect(ui.field("body-images").locator("img")).to_have_count(1)  # shown as it is sent
    ui.send("generate")
    expect(ui.answer_text("generate")).to_have_value(
        "Echo: What is in this picture? [1 image(s)]", timeout=WAIT
    )
    sent = served.recorder.last("/api/generate").json
    assert [base64.b64decode(image) for image in sent["images"]] == [picture.read_bytes()]


def test_openai_image_edit_sends_the_uploaded_picture_as_a_file_part(
    page: Page, uis: UIs, tmp_path: Path
) -> None:
    served = uis("openai")
    ui = ModelPage(page, served.ui)
    ui.open("createImageEdit")
    ui.choose("body-~send_as", "multipart/form-data")
    picture = png_file(tmp_path, (64, 64), mode="RGBA")  # dall-e-2 edits take RGBA PNGs
    ui.upload("body-[multipart]-image", picture)
    ui.choose("body-[multipart]-size", "256x256")  # model left unset: dall-e-2
    ui.type_into("body-prompt", "make it blue")
    ui.send("createImageEdit")
    ui.done("createImageEdit")
    assert loaded_picture_size(ui.pictures("createImageEdit").first) == (256, 256)
    parts = served.recorder.last("/v1/images/edits").multipart()
    assert parts["image"] == (picture.name, picture.read_bytes())
